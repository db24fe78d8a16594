/*
 * libc/kernel32/sync_wait.c - the waits (WaitForSingleObject(Ex),
 * WaitForMultipleObjects(Ex), SignalObjectAndWait) over the kernel's
 * NtWaitFor*Object(s), and SwitchToThread.
 *
 * Milliseconds become a relative timeout in 100 ns units; INFINITE no
 * timeout.  Results: WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i (a mutex whose
 * owner ended without releasing it: the caller owns it now), WAIT_TIMEOUT,
 * WAIT_IO_COMPLETION (never: there are no APCs), WAIT_FAILED with the last
 * error (ERROR_INVALID_HANDLE for a handle that is not one or cannot be
 * waited on, ERROR_INVALID_PARAMETER for a count of 0 or above
 * MAXIMUM_WAIT_OBJECTS or one object twice in a wait-all).
 */
#include "k32_private.h"

NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG, const HANDLE *, ULONG, BOOLEAN, const LARGE_INTEGER *);
NTSTATUS NTAPI NtYieldExecution(void);
NTSTATUS NTAPI NtSetEvent(HANDLE, PLONG);
NTSTATUS NTAPI NtReleaseMutant(HANDLE, PLONG);
NTSTATUS NTAPI NtReleaseSemaphore(HANDLE, LONG, PLONG);

/* A wait's timeout from milliseconds: NULL for INFINITE, else *t relative. */
const LARGE_INTEGER *k32_timeout(DWORD ms, LARGE_INTEGER *t)
{
	if (ms == INFINITE)
		return NULL;
	t->QuadPart = -(LONGLONG)ms * 10000;
	return t;
}

/* An NtWait* status as a Win32 wait result. */
static DWORD wait_result(NTSTATUS st)
{
	if (st == STATUS_TIMEOUT)
		return WAIT_TIMEOUT;
	if (st == STATUS_USER_APC)
		return WAIT_IO_COMPLETION;
	if ((ULONG)st < MAXIMUM_WAIT_OBJECTS || ((ULONG)st >= STATUS_ABANDONED_WAIT_0 &&
						 (ULONG)st < STATUS_ABANDONED_WAIT_0 + MAXIMUM_WAIT_OBJECTS))
		return (DWORD)st;
	SetLastError(NT_SUCCESS(st) ? ERROR_INVALID_FUNCTION : RtlNtStatusToDosError(st));
	return WAIT_FAILED;
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, CONST HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds,
				      BOOL bAlertable)
{
	if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return WAIT_FAILED;
	}
	LARGE_INTEGER t;
	return wait_result(NtWaitForMultipleObjects(nCount, lpHandles, bWaitAll ? ABI_WAIT_ALL : ABI_WAIT_ANY,
						    bAlertable ? TRUE : FALSE, k32_timeout(dwMilliseconds, &t)));
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, CONST HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds)
{
	return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
	LARGE_INTEGER t;
	return wait_result(NtWaitForSingleObject(hHandle, bAlertable ? TRUE : FALSE,
						 (PLARGE_INTEGER)k32_timeout(dwMilliseconds, &t)));
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	return WaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}

/*
 * SignalObjectAndWait: signals hObjectToSignal (an event is set, a mutex
 * released once, a semaphore released by one), then waits on
 * hObjectToWaitOn.  Windows does both in one kernel call; the ABI has no
 * such call, so here another thread may run between the two.  An object
 * that cannot be signaled: ERROR_INVALID_HANDLE, nothing waited; a mutex
 * the caller does not own: ERROR_NOT_OWNER; a full semaphore:
 * ERROR_TOO_MANY_POSTS.
 */
DWORD WINAPI SignalObjectAndWait(HANDLE hObjectToSignal, HANDLE hObjectToWaitOn, DWORD dwMilliseconds,
				 BOOL bAlertable)
{
	NTSTATUS st = NtSetEvent(hObjectToSignal, NULL);
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = NtReleaseMutant(hObjectToSignal, NULL);
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = NtReleaseSemaphore(hObjectToSignal, 1, NULL);
	if (!NT_SUCCESS(st)) {
		SetLastError(RtlNtStatusToDosError(st));
		return WAIT_FAILED;
	}
	return WaitForSingleObjectEx(hObjectToWaitOn, dwMilliseconds, bAlertable);
}

/* SwitchToThread: TRUE when another thread ran, FALSE when none was ready. */
BOOL WINAPI SwitchToThread(void)
{
	return NtYieldExecution() == STATUS_SUCCESS;
}
