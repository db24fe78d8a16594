/*
 * libc/kernel32/process_handle.c - process handles (OpenProcess,
 * GetExitCodeProcess, GetProcessTimes, GetProcessId, affinity), handle
 * duplication and information as far as the kernel's calls allow, and
 * IsDebuggerPresent.
 */
#include "k32_thread.h"

/* The kernel's PROCESS_BASIC_INFORMATION of h; FALSE with the last error set (a non-process: ERROR_INVALID_HANDLE). */
static BOOL process_info(HANDLE h, PROCESS_BASIC_INFORMATION *pbi)
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
	if (!process_info(hProcess, &pbi))
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
	return process_info(Process, &pbi) ? (DWORD)pbi.UniqueProcessId : 0;
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

/* GetProcessAffinityMask: one CPU, so both masks are 1. */
BOOL WINAPI GetProcessAffinityMask(HANDLE hProcess, PDWORD_PTR lpProcessAffinityMask, PDWORD_PTR lpSystemAffinityMask)
{
	PROCESS_BASIC_INFORMATION pbi;
	if (!process_info(hProcess, &pbi))
		return FALSE;
	if (!lpProcessAffinityMask || !lpSystemAffinityMask) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*lpProcessAffinityMask = 1;
	*lpSystemAffinityMask = 1;
	return TRUE;
}

/* SetProcessAffinityMask: the mask must be a non-empty subset of the system's (1). */
BOOL WINAPI SetProcessAffinityMask(HANDLE hProcess, DWORD_PTR dwProcessAffinityMask)
{
	PROCESS_BASIC_INFORMATION pbi;
	if (!process_info(hProcess, &pbi))
		return FALSE;
	if (dwProcessAffinityMask != 1) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return TRUE;
}

/* TRUE when h is the current process (-1 or a handle to it); FALSE with the last error set otherwise. */
static BOOL is_own_process(HANDLE h)
{
	PROCESS_BASIC_INFORMATION pbi;
	if (h == K32_CURRENT_PROCESS)
		return TRUE;
	if (!process_info(h, &pbi))
		return FALSE;
	if (pbi.UniqueProcessId != GetCurrentProcessId()) {
		SetLastError(ERROR_ACCESS_DENIED);
		return FALSE;
	}
	return TRUE;
}

/*
 * DuplicateHandle within the current process.  The kernel has no
 * duplication call (kernel/syscall_abi.h), so a thread or process handle
 * (pseudo handles included) is duplicated by opening its id again
 * (DUPLICATE_SAME_ACCESS: every right); any other handle fails with
 * ERROR_NOT_SUPPORTED.  DUPLICATE_CLOSE_SOURCE closes the source after a
 * success.  Another process: ERROR_ACCESS_DENIED.
 */
BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle, HANDLE hTargetProcessHandle,
			    LPHANDLE lpTargetHandle, DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions)
{
	(void)bInheritHandle;
	if (!is_own_process(hSourceProcessHandle) || !is_own_process(hTargetProcessHandle))
		return FALSE;
	if (!lpTargetHandle) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	BOOL same = (dwOptions & DUPLICATE_SAME_ACCESS) != 0;
	HANDLE out = NULL;
	NTSTATUS st;
	struct abi_thread_basic_info tbi;
	PROCESS_BASIC_INFORMATION pbi;
	if (NT_SUCCESS(NtQueryInformationThread(hSourceHandle, ThreadBasicInformation, &tbi, sizeof(tbi), NULL))) {
		CLIENT_ID cid = { NULL, (HANDLE)(ULONG_PTR)tbi.unique_thread };
		st = NtOpenThread(&out, same ? THREAD_ALL_ACCESS : dwDesiredAccess, NULL, &cid);
	} else if (NT_SUCCESS(NtQueryInformationProcess(hSourceHandle, ProcessBasicInformation, &pbi, sizeof(pbi),
							NULL))) {
		CLIENT_ID cid = { (HANDLE)pbi.UniqueProcessId, NULL };
		st = NtOpenProcess(&out, same ? PROCESS_ALL_ACCESS : dwDesiredAccess, NULL, &cid);
	} else {
		SetLastError(hSourceHandle ? ERROR_NOT_SUPPORTED : ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (!k32_status(st))
		return FALSE;
	if ((dwOptions & DUPLICATE_CLOSE_SOURCE) && hSourceHandle != K32_CURRENT_PROCESS &&
	    hSourceHandle != K32_CURRENT_THREAD)
		NtClose(hSourceHandle);
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
