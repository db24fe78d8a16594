/*
 * libc/kernel32/thread.c - threads (docs/threads.md): creation over ntdll's
 * NtCreateThreadEx, exit, termination, suspension, context, priority,
 * times and ids, with Windows' signatures and last errors.
 */
#include "k32_thread.h"

#define THREAD_CREATE_FLAGS_CREATE_SUSPENDED 0x1

/*
 * CreateRemoteThreadEx: a thread in hProcess running lpStartAddress(lpParameter).
 * Only the current process can get one (-1 or a handle to it): another
 * process gives ERROR_ACCESS_DENIED (as a handle without
 * PROCESS_CREATE_THREAD does on Windows); a handle that is no process
 * ERROR_INVALID_HANDLE.  dwStackSize is the commit, or with
 * STACK_SIZE_PARAM_IS_A_RESERVATION the reserve (0: the exe's header);
 * CREATE_SUSPENDED leaves it suspended (count 1).  The attribute list is
 * not read.  Returns a handle with every right, *lpThreadId its id.
 */
HANDLE WINAPI CreateRemoteThreadEx(HANDLE hProcess, LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
				   LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
				   LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList, LPDWORD lpThreadId)
{
	(void)lpAttributeList;
	if (hProcess != K32_CURRENT_PROCESS) {
		PROCESS_BASIC_INFORMATION pbi;
		NTSTATUS st = NtQueryInformationProcess(hProcess, ProcessBasicInformation, &pbi, sizeof(pbi), NULL);
		if (!NT_SUCCESS(st)) {
			k32_status(st == STATUS_OBJECT_TYPE_MISMATCH ? STATUS_INVALID_HANDLE : st);
			return NULL;
		}
		if (pbi.UniqueProcessId != GetCurrentProcessId()) {
			SetLastError(ERROR_ACCESS_DENIED);
			return NULL;
		}
	}
	SIZE_T commit = dwStackSize, reserve = 0;
	if (dwCreationFlags & STACK_SIZE_PARAM_IS_A_RESERVATION) {
		reserve = dwStackSize;
		commit = 0;
	}
	ULONG flags = (dwCreationFlags & CREATE_SUSPENDED) ? THREAD_CREATE_FLAGS_CREATE_SUSPENDED : 0;
	HANDLE h = NULL;
	NTSTATUS st = NtCreateThreadEx(&h, THREAD_ALL_ACCESS, NULL, K32_CURRENT_PROCESS, (PVOID)lpStartAddress,
				       lpParameter, flags, 0, commit, reserve, NULL);
	if (!NT_SUCCESS(st)) {
		k32_status(st);
		return NULL;
	}
	if (lpThreadId)
		*lpThreadId = GetThreadId(h);
	return k32_inherit_sa(h, lpThreadAttributes);
}

HANDLE WINAPI CreateRemoteThread(HANDLE hProcess, LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
				 LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
				 LPDWORD lpThreadId)
{
	return CreateRemoteThreadEx(hProcess, lpThreadAttributes, dwStackSize, lpStartAddress, lpParameter,
				    dwCreationFlags, NULL, lpThreadId);
}

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
			   LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
			   LPDWORD lpThreadId)
{
	return CreateRemoteThreadEx(K32_CURRENT_PROCESS, lpThreadAttributes, dwStackSize, lpStartAddress, lpParameter,
				    dwCreationFlags, NULL, lpThreadId);
}

/* ExitThread: FLS callbacks, DLL_THREAD_DETACH, the end; the last thread ends the process (ExitProcess). */
void WINAPI ExitThread(DWORD dwExitCode)
{
	RtlExitUserThread((NTSTATUS)dwExitCode);
}

/* TerminateThread: no notifications; the caller's own thread never returns. */
BOOL WINAPI TerminateThread(HANDLE hThread, DWORD dwExitCode)
{
	if (!hThread) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return k32_status(NtTerminateThread(hThread, (NTSTATUS)dwExitCode));
}

/* The kernel's THREAD_BASIC_INFORMATION of h; FALSE with the last error set. */
static BOOL basic_info(HANDLE h, struct abi_thread_basic_info *tbi)
{
	NTSTATUS st = NtQueryInformationThread(h, ThreadBasicInformation, tbi, sizeof(*tbi), NULL);
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = STATUS_INVALID_HANDLE;
	return k32_status(st);
}

/* GetExitCodeThread: STILL_ACTIVE (259) while it runs. */
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode)
{
	struct abi_thread_basic_info tbi;
	if (!basic_info(hThread, &tbi))
		return FALSE;
	if (!lpExitCode) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*lpExitCode = (DWORD)tbi.exit_status;
	return TRUE;
}

/* GetThreadId: 0 with the last error set on a bad handle. */
DWORD WINAPI GetThreadId(HANDLE Thread)
{
	if (Thread == K32_CURRENT_THREAD)
		return GetCurrentThreadId();
	struct abi_thread_basic_info tbi;
	return basic_info(Thread, &tbi) ? (DWORD)tbi.unique_thread : 0;
}

DWORD WINAPI GetProcessIdOfThread(HANDLE Thread)
{
	struct abi_thread_basic_info tbi;
	return basic_info(Thread, &tbi) ? (DWORD)tbi.unique_process : 0;
}

/* OpenThread: ERROR_INVALID_PARAMETER for an id no thread has. */
HANDLE WINAPI OpenThread(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwThreadId)
{
	CLIENT_ID cid = { NULL, (HANDLE)(ULONG_PTR)dwThreadId };
	HANDLE h = NULL;
	if (!k32_status(NtOpenThread(&h, dwDesiredAccess, NULL, &cid)))
		return NULL;
	return k32_inherit(h, bInheritHandle);
}

/* SuspendThread: the previous suspend count, (DWORD)-1 on failure (past 127: ERROR_SIGNAL_REFUSED). */
DWORD WINAPI SuspendThread(HANDLE hThread)
{
	ULONG prev = 0;
	if (!k32_status(NtSuspendThread(hThread, &prev)))
		return (DWORD)-1;
	return prev;
}

/* ResumeThread: the previous suspend count (0: it was running), (DWORD)-1 on failure. */
DWORD WINAPI ResumeThread(HANDLE hThread)
{
	ULONG prev = 0;
	if (!k32_status(NtResumeThread(hThread, &prev)))
		return (DWORD)-1;
	return prev;
}

/* GetThreadContext: lpContext->ContextFlags says what; the thread must be suspended (or the caller). */
BOOL WINAPI GetThreadContext(HANDLE hThread, LPCONTEXT lpContext)
{
	if (!lpContext) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	return k32_status(NtGetContextThread(hThread, lpContext));
}

BOOL WINAPI SetThreadContext(HANDLE hThread, const CONTEXT *lpContext)
{
	if (!lpContext) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	return k32_status(NtSetContextThread(hThread, (PCONTEXT)lpContext));
}

/*
 * SetThreadPriority: THREAD_PRIORITY_IDLE (-15), LOWEST..HIGHEST (-2..2),
 * TIME_CRITICAL (15); anything else ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority)
{
	if (!(nPriority >= THREAD_PRIORITY_LOWEST && nPriority <= THREAD_PRIORITY_HIGHEST) &&
	    nPriority != THREAD_PRIORITY_IDLE && nPriority != THREAD_PRIORITY_TIME_CRITICAL) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	LONG level = nPriority;
	NTSTATUS st = NtSetInformationThread(hThread, ThreadBasePriority, &level, sizeof(level));
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = STATUS_INVALID_HANDLE;
	return k32_status(st);
}

/* GetThreadPriority: the level SetThreadPriority set; THREAD_PRIORITY_ERROR_RETURN on failure. */
int WINAPI GetThreadPriority(HANDLE hThread)
{
	struct abi_thread_basic_info tbi;
	if (!basic_info(hThread, &tbi))
		return THREAD_PRIORITY_ERROR_RETURN;
	return tbi.base_priority;
}

/* Boosts are not modelled: priority boost is reported enabled and cannot be changed. */
BOOL WINAPI GetThreadPriorityBoost(HANDLE hThread, PBOOL pDisablePriorityBoost)
{
	struct abi_thread_basic_info tbi;
	if (!basic_info(hThread, &tbi))
		return FALSE;
	if (pDisablePriorityBoost)
		*pDisablePriorityBoost = FALSE;
	return TRUE;
}

/* A 64-bit count of 100 ns into a FILETIME. */
static void to_filetime(LONGLONG t, LPFILETIME ft)
{
	ft->dwLowDateTime = (DWORD)t;
	ft->dwHighDateTime = (DWORD)((ULONGLONG)t >> 32);
}

/* Stores KERNEL_USER_TIMES in the four FILETIMEs (each required: ERROR_NOACCESS when NULL). */
BOOL k32_store_times(const struct abi_kernel_user_times *t, LPFILETIME create, LPFILETIME exit, LPFILETIME kernel,
		     LPFILETIME user)
{
	if (!create || !exit || !kernel || !user) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	to_filetime(t->create_time, create);
	to_filetime(t->exit_time, exit);
	to_filetime(t->kernel_time, kernel);
	to_filetime(t->user_time, user);
	return TRUE;
}

/* GetThreadTimes: creation and exit time (0 while it runs) as FILETIME, kernel and user time in 100 ns. */
BOOL WINAPI GetThreadTimes(HANDLE hThread, LPFILETIME lpCreationTime, LPFILETIME lpExitTime, LPFILETIME lpKernelTime,
			   LPFILETIME lpUserTime)
{
	struct abi_kernel_user_times t;
	NTSTATUS st = NtQueryInformationThread(hThread, ThreadTimes, &t, sizeof(t), NULL);
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = STATUS_INVALID_HANDLE;
	if (!k32_status(st))
		return FALSE;
	return k32_store_times(&t, lpCreationTime, lpExitTime, lpKernelTime, lpUserTime);
}
