/*
 * libc/kernel32/sync_locks.c - the user-mode locks' Win32 calls that are
 * more than forwarders to ntdll (kernel32.def forwards the rest, as Windows
 * does): sleeping on condition variables, one-time initialization, and
 * WaitOnAddress (api-ms-win-core-synch-l1-2-0.dll forwards to these).
 * Timeouts in milliseconds (INFINITE: none); a timeout is FALSE with
 * ERROR_TIMEOUT.
 */
#include "k32_private.h"

NTSTATUS NTAPI RtlSleepConditionVariableCS(PRTL_CONDITION_VARIABLE, PRTL_CRITICAL_SECTION, const LARGE_INTEGER *);
NTSTATUS NTAPI RtlSleepConditionVariableSRW(PRTL_CONDITION_VARIABLE, PRTL_SRWLOCK, const LARGE_INTEGER *, ULONG);
NTSTATUS NTAPI RtlRunOnceBeginInitialize(PRTL_RUN_ONCE, ULONG, PVOID *);
NTSTATUS NTAPI RtlRunOnceComplete(PRTL_RUN_ONCE, ULONG, PVOID);
NTSTATUS NTAPI RtlRunOnceExecuteOnce(PRTL_RUN_ONCE, PRTL_RUN_ONCE_INIT_FN, PVOID, PVOID *);
NTSTATUS NTAPI RtlWaitOnAddress(const volatile void *, const void *, SIZE_T, const LARGE_INTEGER *);

/* A wait's status as BOOL: STATUS_TIMEOUT is FALSE with ERROR_TIMEOUT. */
static BOOL waited(NTSTATUS st)
{
	if (st == STATUS_TIMEOUT) {
		SetLastError(ERROR_TIMEOUT);
		return FALSE;
	}
	return k32_nt_ok(st);
}

/* SleepConditionVariableCS: leaves the section, sleeps until woken or the timeout, enters it again. */
BOOL WINAPI SleepConditionVariableCS(PCONDITION_VARIABLE ConditionVariable, PCRITICAL_SECTION CriticalSection,
				     DWORD dwMilliseconds)
{
	LARGE_INTEGER t;
	return waited(RtlSleepConditionVariableCS(ConditionVariable, CriticalSection, k32_timeout(dwMilliseconds, &t)));
}

/* SleepConditionVariableSRW: Flags CONDITION_VARIABLE_LOCKMODE_SHARED when SRWLock is held shared. */
BOOL WINAPI SleepConditionVariableSRW(PCONDITION_VARIABLE ConditionVariable, PSRWLOCK SRWLock, DWORD dwMilliseconds,
				      ULONG Flags)
{
	LARGE_INTEGER t;
	return waited(RtlSleepConditionVariableSRW(ConditionVariable, SRWLock, k32_timeout(dwMilliseconds, &t), Flags));
}

/*
 * InitOnceBeginInitialize: TRUE with *fPending TRUE when the caller is to
 * initialize (then InitOnceComplete), TRUE with *fPending FALSE
 * and *lpContext when it is done.  INIT_ONCE_CHECK_ONLY and not done: FALSE
 * with ERROR_GEN_FAILURE; bad flags: ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI InitOnceBeginInitialize(LPINIT_ONCE lpInitOnce, DWORD dwFlags, PBOOL fPending, LPVOID *lpContext)
{
	NTSTATUS st = RtlRunOnceBeginInitialize(lpInitOnce, dwFlags, lpContext);
	if (!NT_SUCCESS(st)) {
		SetLastError(RtlNtStatusToDosError(st));
		return FALSE;
	}
	*fPending = st == STATUS_PENDING;
	return TRUE;
}

/* InitOnceComplete: INIT_ONCE_ASYNC, INIT_ONCE_INIT_FAILED; nothing in progress: ERROR_GEN_FAILURE. */
BOOL WINAPI InitOnceComplete(LPINIT_ONCE lpInitOnce, DWORD dwFlags, LPVOID lpContext)
{
	return k32_status(RtlRunOnceComplete(lpInitOnce, dwFlags, lpContext));
}

/*
 * InitOnceExecuteOnce: InitFn once (TRUE: done; FALSE: the next caller
 * tries again); FALSE when it failed in this call (the last error as InitFn
 * left it).
 */
BOOL WINAPI InitOnceExecuteOnce(PINIT_ONCE InitOnce, PINIT_ONCE_FN InitFn, PVOID Parameter, LPVOID *Context)
{
	return NT_SUCCESS(RtlRunOnceExecuteOnce(InitOnce, (PRTL_RUN_ONCE_INIT_FN)InitFn, Parameter, Context));
}

/*
 * WaitOnAddress: sleeps while the AddressSize bytes at Address equal those
 * at CompareAddress, until WakeByAddress* on Address (maybe spuriously) or
 * the timeout (FALSE, ERROR_TIMEOUT).  AddressSize not 1, 2, 4, 8:
 * ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI WaitOnAddress(volatile VOID *Address, PVOID CompareAddress, SIZE_T AddressSize, DWORD dwMilliseconds)
{
	LARGE_INTEGER t;
	return waited(RtlWaitOnAddress(Address, CompareAddress, AddressSize, k32_timeout(dwMilliseconds, &t)));
}
