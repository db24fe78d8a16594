/*
 * libc/kernel32/except_filter.c - kernel32's part of exception handling:
 * RaiseException, the top-level filter (SetUnhandledExceptionFilter,
 * UnhandledExceptionFilter, which ntdll's dispatcher calls for an exception
 * no frame handled, as the thread start's __except does on Windows) and
 * SetThreadStackGuarantee.  The rest (vectored handlers, unwinding) is
 * ntdll's; kernel32.def forwards those names there.
 */
#ifndef _KERNEL32_
#define _KERNEL32_
#endif
#include <windows.h>

/* ntdll's (MinGW's headers do not declare it). */
NTSYSAPI VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord);

static LPTOP_LEVEL_EXCEPTION_FILTER top_filter;

/* Raises an exception in the caller: at most EXCEPTION_MAXIMUM_PARAMETERS arguments are copied. */
void WINAPI RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags, DWORD nNumberOfArguments,
			   const ULONG_PTR *lpArguments)
{
	EXCEPTION_RECORD rec = {
		.ExceptionCode = dwExceptionCode,
		.ExceptionFlags = dwExceptionFlags & EXCEPTION_NONCONTINUABLE,
		.ExceptionAddress = (PVOID)RaiseException,
	};
	if (lpArguments) {
		DWORD n = nNumberOfArguments < EXCEPTION_MAXIMUM_PARAMETERS ? nNumberOfArguments
									       : EXCEPTION_MAXIMUM_PARAMETERS;
		rec.NumberParameters = n;
		for (DWORD i = 0; i < n; i++)
			rec.ExceptionInformation[i] = lpArguments[i];
	}
	RtlRaiseException(&rec);
}

/* Sets the filter UnhandledExceptionFilter calls; returns the previous one. */
LPTOP_LEVEL_EXCEPTION_FILTER WINAPI SetUnhandledExceptionFilter(LPTOP_LEVEL_EXCEPTION_FILTER lpTopLevelExceptionFilter)
{
	LPTOP_LEVEL_EXCEPTION_FILTER old = top_filter;
	top_filter = lpTopLevelExceptionFilter;
	return old;
}

/*
 * The last chance for an exception no handler took: the program's filter
 * decides (EXCEPTION_EXECUTE_HANDLER: the process ends with the exception
 * code; EXCEPTION_CONTINUE_EXECUTION: resume).  Without one, or when it
 * passes, EXCEPTION_CONTINUE_SEARCH: there is no debugger or error
 * reporting here, so the kernel ends the process and prints the one line.
 */
LONG WINAPI UnhandledExceptionFilter(struct _EXCEPTION_POINTERS *ExceptionInfo)
{
	if (top_filter) {
		LONG r = top_filter(ExceptionInfo);
		if (r == EXCEPTION_EXECUTE_HANDLER || r == EXCEPTION_CONTINUE_EXECUTION)
			return r;
	}
	return EXCEPTION_CONTINUE_SEARCH;
}

/*
 * The stack kept for handling a stack overflow (TEB GuaranteedStackBytes,
 * which the kernel reads when the stack grows): raised to *StackSizeInBytes
 * (page rounded; a smaller value is ignored, as is 0), *StackSizeInBytes
 * gets the previous value.  More than the stack reservation fails with
 * ERROR_INVALID_PARAMETER.
 */
WINBOOL WINAPI SetThreadStackGuarantee(PULONG StackSizeInBytes)
{
	NT_TIB *tib;
	__asm__("mov %%gs:0x30, %0" : "=r"(tib));	/* the TEB (NtCurrentTeb, without a GCC array-bounds false alarm) */
	ULONG *guarantee = (ULONG *)((char *)tib + 0x1748);
	ULONG_PTR low = *(ULONG_PTR *)((char *)tib + 0x1478);	/* DeallocationStack */
	ULONG_PTR reserve = low ? (ULONG_PTR)tib->StackBase - low : 0;
	ULONG want = *StackSizeInBytes, old = *guarantee;
	ULONG_PTR rounded = ((ULONG_PTR)want + 4095) & ~(ULONG_PTR)4095;
	if (reserve && rounded > reserve) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (rounded > old)
		*guarantee = (ULONG)rounded;
	*StackSizeInBytes = old;
	return TRUE;
}
