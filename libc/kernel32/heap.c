/*
 * libc/kernel32/heap.c - the Heap* calls over ntdll's heap (libc/ntdll/heap_*.c;
 * docs/heap.md).  HeapAlloc, HeapReAlloc and HeapSize are forwarders to
 * RtlAllocateHeap, RtlReAllocateHeap and RtlSizeHeap in kernel32.def, as on
 * Windows; the rest turn the Rtl results into BOOLs and last errors.
 */
#include "k32_private.h"

PVOID NTAPI RtlCreateHeap(ULONG, PVOID, SIZE_T, SIZE_T, PVOID, PRTL_HEAP_PARAMETERS);
PVOID NTAPI RtlDestroyHeap(PVOID);
BOOLEAN NTAPI RtlFreeHeap(PVOID, ULONG, PVOID);
BOOLEAN NTAPI RtlValidateHeap(PVOID, ULONG, PVOID);
SIZE_T NTAPI RtlCompactHeap(PVOID, ULONG);
NTSTATUS NTAPI RtlWalkHeap(PVOID, PROCESS_HEAP_ENTRY *);
BOOLEAN NTAPI RtlLockHeap(PVOID);
BOOLEAN NTAPI RtlUnlockHeap(PVOID);
ULONG NTAPI RtlGetProcessHeaps(ULONG, PVOID *);

#define HEAP_CREATE_FLAGS (HEAP_GENERATE_EXCEPTIONS | HEAP_NO_SERIALIZE | HEAP_CREATE_ENABLE_EXECUTE)

/*
 * HeapCreate: a private heap.  dwMaximumSize 0: growable, dwInitialSize
 * committed at first; otherwise a fixed-size heap of dwMaximumSize bytes
 * (at least dwInitialSize) that never grows and serves blocks below 0x7FFF8
 * bytes.  NULL with ERROR_NOT_ENOUGH_MEMORY when it cannot be made.
 */
HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize)
{
	ULONG flags = flOptions & HEAP_CREATE_FLAGS;
	SIZE_T reserve = dwMaximumSize;
	if (!dwMaximumSize) {
		flags |= HEAP_GROWABLE;
		reserve = dwInitialSize > (1 << 20) ? dwInitialSize : (1 << 20);
	} else if (reserve < dwInitialSize) {
		reserve = dwInitialSize;
	}
	HANDLE h = RtlCreateHeap(flags, NULL, reserve, dwInitialSize, NULL, NULL);
	if (!h)
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
	return h;
}

/* HeapDestroy: releases a private heap and all its memory; FALSE (ERROR_INVALID_HANDLE) for the process heap or a bad handle. */
BOOL WINAPI HeapDestroy(HANDLE hHeap)
{
	if (RtlDestroyHeap(hHeap)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return TRUE;
}

/* HeapFree: RtlFreeHeap as a BOOL (a bad block raises STATUS_HEAP_CORRUPTION in ntdll). */
BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem)
{
	return RtlFreeHeap(hHeap, dwFlags, lpMem) ? TRUE : FALSE;
}

/* HeapValidate: TRUE when the heap (lpMem NULL) or block lpMem is sound. */
BOOL WINAPI HeapValidate(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem)
{
	return RtlValidateHeap(hHeap, dwFlags, (PVOID)lpMem) ? TRUE : FALSE;
}

/* HeapCompact: the largest free block after giving free pages back (0 with NO_ERROR when there is none). */
SIZE_T WINAPI HeapCompact(HANDLE hHeap, DWORD dwFlags)
{
	SIZE_T n = RtlCompactHeap(hHeap, dwFlags);
	if (!n)
		SetLastError(NO_ERROR);
	return n;
}

/* HeapWalk: the next entry; FALSE with ERROR_NO_MORE_ITEMS after the last. */
BOOL WINAPI HeapWalk(HANDLE hHeap, LPPROCESS_HEAP_ENTRY lpEntry)
{
	NTSTATUS st = RtlWalkHeap(hHeap, lpEntry);
	if (st == STATUS_NO_MORE_ENTRIES) {
		SetLastError(ERROR_NO_MORE_ITEMS);
		return FALSE;
	}
	return k32_status(st);
}

/* HeapLock: takes the heap's lock (HeapAlloc/HeapFree by the same thread still work). */
BOOL WINAPI HeapLock(HANDLE hHeap)
{
	if (!RtlLockHeap(hHeap)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return TRUE;
}

/* HeapUnlock: drops it. */
BOOL WINAPI HeapUnlock(HANDLE hHeap)
{
	if (!RtlUnlockHeap(hHeap)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return TRUE;
}

/* GetProcessHeaps: the number of heaps; fills ProcessHeaps when NumberOfHeaps is enough. */
DWORD WINAPI GetProcessHeaps(DWORD NumberOfHeaps, PHANDLE ProcessHeaps)
{
	return RtlGetProcessHeaps(NumberOfHeaps, ProcessHeaps);
}

/* HeapQueryInformation: HeapCompatibilityInformation (2: the low-fragmentation front end is on). */
BOOL WINAPI HeapQueryInformation(HANDLE HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass, PVOID HeapInformation,
				 SIZE_T HeapInformationLength, PSIZE_T ReturnLength)
{
	return k32_status((NTSTATUS)RtlQueryHeapInformation(HeapHandle, HeapInformationClass, HeapInformation,
							    HeapInformationLength, ReturnLength));
}

/* HeapSetInformation: HeapCompatibilityInformation 2, HeapEnableTerminationOnCorruption, HeapOptimizeResources. */
BOOL WINAPI HeapSetInformation(HANDLE HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass, PVOID HeapInformation,
			       SIZE_T HeapInformationLength)
{
	return k32_status(
		(NTSTATUS)RtlSetHeapInformation(HeapHandle, HeapInformationClass, HeapInformation, HeapInformationLength));
}
