/*
 * libc/ntdll/rtl_condvar.c - condition variables (RTL_CONDITION_VARIABLE:
 * one pointer-sized word, 0 = initialized, so CONDITION_VARIABLE_INIT and a
 * zeroed variable work).
 *
 * The word is a wake sequence (bits 1..63) and bit 0 WAITERS: some thread
 * sleeps or is about to.  A sleeper sets WAITERS, notes the word, releases
 * its lock and sleeps on the word with NtWaitOnAddress while the word is
 * unchanged; a wake moves the sequence on (so a sleeper that has not gone to
 * sleep yet returns at once) and wakes one or all sleepers in the kernel.
 * Wake with no WAITERS is a load: no system call.  WakeAll clears WAITERS
 * (every sleeper is woken; those that sleep again set it again); Wake
 * keeps it, since other sleepers may remain.  Spurious wake-ups happen, as
 * Windows allows: callers re-check their predicate.
 */
#include "rtl_sync.h"

#define WAITERS  1ull
#define SEQ_STEP 2ull

static inline volatile ULONG64 *word(PRTL_CONDITION_VARIABLE cv)
{
	return (volatile ULONG64 *)&cv->Ptr;
}

/* RtlInitializeConditionVariable: no waiters. */
void NTAPI RtlInitializeConditionVariable(PRTL_CONDITION_VARIABLE ConditionVariable)
{
	ConditionVariable->Ptr = NULL;
}

/* Announces a sleeper; returns the word to sleep on. */
static ULONG64 announce(PRTL_CONDITION_VARIABLE cv)
{
	return __atomic_or_fetch(word(cv), WAITERS, __ATOMIC_SEQ_CST);
}

/* Moves the sequence on if anybody waits; TRUE when a kernel wake is needed. */
static BOOLEAN advance(PRTL_CONDITION_VARIABLE cv, BOOLEAN all)
{
	ULONG64 v = __atomic_load_n(word(cv), __ATOMIC_SEQ_CST);
	do {
		if (!(v & WAITERS))
			return FALSE;
	} while (!__atomic_compare_exchange_n(word(cv), &v, all ? (v + SEQ_STEP) & ~WAITERS : v + SEQ_STEP, FALSE,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return TRUE;
}

/* RtlWakeConditionVariable: wakes one sleeper (if any). */
void NTAPI RtlWakeConditionVariable(PRTL_CONDITION_VARIABLE ConditionVariable)
{
	if (advance(ConditionVariable, FALSE))
		nt_wake_address(word(ConditionVariable), FALSE);
}

/* RtlWakeAllConditionVariable: wakes every sleeper. */
void NTAPI RtlWakeAllConditionVariable(PRTL_CONDITION_VARIABLE ConditionVariable)
{
	if (advance(ConditionVariable, TRUE))
		nt_wake_address(word(ConditionVariable), TRUE);
}

/* The sleep itself: STATUS_SUCCESS (woken, maybe spuriously) or STATUS_TIMEOUT. */
static NTSTATUS sleep_on(PRTL_CONDITION_VARIABLE cv, ULONG64 seen, const LARGE_INTEGER *timeout)
{
	NTSTATUS st = nt_wait_on_address(word(cv), &seen, sizeof(seen), timeout);
	return st == STATUS_TIMEOUT ? STATUS_TIMEOUT : STATUS_SUCCESS;
}

/*
 * RtlSleepConditionVariableCS: leaves CriticalSection (held once by the
 * caller), sleeps until woken or Timeout (NULL: never; Windows' 100 ns
 * units), enters it again.  STATUS_SUCCESS or STATUS_TIMEOUT.
 */
NTSTATUS NTAPI RtlSleepConditionVariableCS(PRTL_CONDITION_VARIABLE ConditionVariable,
					   PRTL_CRITICAL_SECTION CriticalSection, const LARGE_INTEGER *Timeout)
{
	ULONG64 seen = announce(ConditionVariable);
	RtlLeaveCriticalSection(CriticalSection);
	NTSTATUS st = sleep_on(ConditionVariable, seen, Timeout);
	RtlEnterCriticalSection(CriticalSection);
	return st;
}

/*
 * RtlSleepConditionVariableSRW: the same over an SRW lock held exclusively,
 * or shared with Flags CONDITION_VARIABLE_LOCKMODE_SHARED (other flags:
 * STATUS_INVALID_PARAMETER, the lock untouched).
 */
NTSTATUS NTAPI RtlSleepConditionVariableSRW(PRTL_CONDITION_VARIABLE ConditionVariable, PRTL_SRWLOCK SRWLock,
					    const LARGE_INTEGER *Timeout, ULONG Flags)
{
	if (Flags & ~RTL_CONDITION_VARIABLE_LOCKMODE_SHARED)
		return STATUS_INVALID_PARAMETER;
	BOOLEAN shared = (Flags & RTL_CONDITION_VARIABLE_LOCKMODE_SHARED) != 0;
	ULONG64 seen = announce(ConditionVariable);
	if (shared)
		RtlReleaseSRWLockShared(SRWLock);
	else
		RtlReleaseSRWLockExclusive(SRWLock);
	NTSTATUS st = sleep_on(ConditionVariable, seen, Timeout);
	if (shared)
		RtlAcquireSRWLockShared(SRWLock);
	else
		RtlAcquireSRWLockExclusive(SRWLock);
	return st;
}
