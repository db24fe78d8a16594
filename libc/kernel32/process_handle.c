/*
 * libc/kernel32/process_handle.c - process handles (OpenProcess,
 * GetExitCodeProcess, GetProcessTimes, GetProcessId; affinity is in affinity.c), handle
 * duplication (NtDuplicateObject) and information, and
 * IsDebuggerPresent.
 */
#include "k32_thread.h"

NTSTATUS NTAPI NtSetInformationObject(HANDLE, OBJECT_INFORMATION_CLASS, PVOID, ULONG);

/* OBJECT_HANDLE_FLAG_INFORMATION (ObjectHandleFlagInformation, 4). */
typedef struct {
	BOOLEAN Inherit;
	BOOLEAN ProtectFromClose;
} OBJECT_HANDLE_FLAG_INFO;

/* The kernel's PROCESS_BASIC_INFORMATION of h; FALSE with the last error set (a non-process: ERROR_INVALID_HANDLE). */
BOOL k32_process_info(HANDLE h, PROCESS_BASIC_INFORMATION *pbi)
{
	NTSTATUS st = NtQueryInformationProcess(h, ProcessBasicInformation, pbi, sizeof(*pbi), NULL);
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = STATUS_INVALID_HANDLE;
	return k32_status(st);
}

/* OpenProcess: a handle to process dwProcessId; ERROR_INVALID_PARAMETER when there is none (0 included). */
HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId)
{
	if (!dwProcessId) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	CLIENT_ID cid = { (HANDLE)(ULONG_PTR)dwProcessId, NULL };
	HANDLE h = NULL;
	if (!k32_status(NtOpenProcess(&h, dwDesiredAccess, NULL, &cid)))
		return NULL;
	return k32_inherit(h, bInheritHandle);
}

/* GetExitCodeProcess: STILL_ACTIVE (259) while it runs, then its exit code (or the exception's code). */
BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode)
{
	PROCESS_BASIC_INFORMATION pbi;
	if (!k32_process_info(hProcess, &pbi))
		return FALSE;
	if (!lpExitCode) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*lpExitCode = (DWORD)pbi.ExitStatus;
	return TRUE;
}

/* GetProcessId: 0 with the last error set on a bad handle. */
DWORD WINAPI GetProcessId(HANDLE Process)
{
	PROCESS_BASIC_INFORMATION pbi;
	return k32_process_info(Process, &pbi) ? (DWORD)pbi.UniqueProcessId : 0;
}

/* GetProcessTimes: creation and exit time (0 while it runs) as FILETIME, kernel and user time of all its threads. */
BOOL WINAPI GetProcessTimes(HANDLE hProcess, LPFILETIME lpCreationTime, LPFILETIME lpExitTime,
			    LPFILETIME lpKernelTime, LPFILETIME lpUserTime)
{
	struct abi_kernel_user_times t;
	NTSTATUS st = NtQueryInformationProcess(hProcess, (PROCESSINFOCLASS)ABI_ProcessTimes, &t, sizeof(t), NULL);
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = STATUS_INVALID_HANDLE;
	if (!k32_status(st))
		return FALSE;
	return k32_store_times(&t, lpCreationTime, lpExitTime, lpKernelTime, lpUserTime);
}

NTSTATUS NTAPI NtDuplicateObject(HANDLE, HANDLE, HANDLE, PHANDLE, ACCESS_MASK, ULONG, ULONG);

/*
 * DuplicateHandle: NtDuplicateObject, within or across processes (both
 * process handles need PROCESS_DUP_HANDLE; hTargetProcessHandle NULL with
 * DUPLICATE_CLOSE_SOURCE only closes the source).  DUPLICATE_CLOSE_SOURCE
 * closes the source whatever the outcome.  The console handles kernel32
 * implements itself duplicate to themselves in the current process.
 */
BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle, HANDLE hTargetProcessHandle,
			    LPHANDLE lpTargetHandle, DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions)
{
	if (K32_IS_CONSOLE(hSourceHandle) && hSourceProcessHandle == K32_CURRENT_PROCESS &&
	    hTargetProcessHandle == K32_CURRENT_PROCESS) {
		if (!lpTargetHandle) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return FALSE;
		}
		*lpTargetHandle = hSourceHandle;
		return TRUE;
	}
	HANDLE out = NULL;
	NTSTATUS st = NtDuplicateObject(hSourceProcessHandle, hSourceHandle, hTargetProcessHandle,
					lpTargetHandle ? &out : NULL, dwDesiredAccess, bInheritHandle ? OBJ_INHERIT : 0,
					dwOptions);
	if (!k32_status(st))
		return FALSE;
	if (lpTargetHandle)
		*lpTargetHandle = out;
	return TRUE;
}

/*
 * GetHandleInformation: HANDLE_FLAG_INHERIT and HANDLE_FLAG_PROTECT_FROM_CLOSE
 * of hObject (NtQueryObject, ObjectHandleFlagInformation).  A handle that is
 * not open: ERROR_INVALID_HANDLE; the console's handles have neither flag.
 */
BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags)
{
	if (!lpdwFlags) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	if (K32_IS_CONSOLE(hObject)) {
		*lpdwFlags = 0;
		return TRUE;
	}
	OBJECT_HANDLE_FLAG_INFO info;
	if (!k32_status(NtQueryObject(hObject, (OBJECT_INFORMATION_CLASS)4, &info, sizeof info, NULL)))
		return FALSE;
	*lpdwFlags = (info.Inherit ? HANDLE_FLAG_INHERIT : 0) | (info.ProtectFromClose ? HANDLE_FLAG_PROTECT_FROM_CLOSE : 0);
	return TRUE;
}

/*
 * SetHandleInformation: the flags in dwMask (HANDLE_FLAG_INHERIT,
 * HANDLE_FLAG_PROTECT_FROM_CLOSE; other bits ignored) become dwFlags'.
 * The console's handles take nothing (success).
 */
BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags)
{
	if (K32_IS_CONSOLE(hObject))
		return TRUE;
	OBJECT_HANDLE_FLAG_INFO info;
	if (!k32_status(NtQueryObject(hObject, (OBJECT_INFORMATION_CLASS)4, &info, sizeof info, NULL)))
		return FALSE;
	if (dwMask & HANDLE_FLAG_INHERIT)
		info.Inherit = (dwFlags & HANDLE_FLAG_INHERIT) != 0;
	if (dwMask & HANDLE_FLAG_PROTECT_FROM_CLOSE)
		info.ProtectFromClose = (dwFlags & HANDLE_FLAG_PROTECT_FROM_CLOSE) != 0;
	return k32_status(NtSetInformationObject(hObject, (OBJECT_INFORMATION_CLASS)4, &info, sizeof info));
}

/* k32_inherit: HANDLE_FLAG_INHERIT on h (not NULL or INVALID_HANDLE_VALUE) when inherit; h returned. */
HANDLE k32_inherit(HANDLE h, BOOL inherit)
{
	if (h && h != INVALID_HANDLE_VALUE && inherit) {
		DWORD err = GetLastError();	/* ERROR_ALREADY_EXISTS of a Create call stays */
		SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
		SetLastError(err);
	}
	return h;
}

/* IsDebuggerPresent: PEB->BeingDebugged (never set: there is no debugger). */
BOOL WINAPI IsDebuggerPresent(void)
{
	return K32_PEB_FIELD(k32_peb(), 2, BYTE) != 0;
}
