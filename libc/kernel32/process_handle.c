/*
 * libc/kernel32/process_handle.c - process handles (OpenProcess,
 * GetExitCodeProcess, GetProcessTimes, GetProcessId; affinity is in affinity.c), handle
 * duplication (NtDuplicateObject) and information, and
 * IsDebuggerPresent.
 */
#include "k32_thread.h"

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
	(void)bInheritHandle;
	if (!dwProcessId) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	CLIENT_ID cid = { (HANDLE)(ULONG_PTR)dwProcessId, NULL };
	HANDLE h = NULL;
	if (!k32_status(NtOpenProcess(&h, dwDesiredAccess, NULL, &cid)))
		return NULL;
	return h;
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
 * GetHandleInformation: no handle has HANDLE_FLAG_INHERIT or
 * PROTECT_FROM_CLOSE set here, so the flags are 0.  NULL fails with
 * ERROR_INVALID_HANDLE; any other value is taken as valid (the kernel has
 * no NtQueryObject to tell a stale handle).
 */
BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags)
{
	if (!hObject) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (!lpdwFlags) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*lpdwFlags = 0;
	return TRUE;
}

/* IsDebuggerPresent: PEB->BeingDebugged (never set: there is no debugger). */
BOOL WINAPI IsDebuggerPresent(void)
{
	return K32_PEB_FIELD(k32_peb(), 2, BYTE) != 0;
}
