/*
 * libc/ntdll/rtl_critsec.c - critical sections (RTL_CRITICAL_SECTION, the
 * Windows structure and field order; kernel32's *CriticalSection forward
 * here as on Windows).
 *
 * Fields (NT's classic meaning):
 *   LockCount      -1 when free; otherwise the number of Enter calls that
 *                  have counted themselves in (the owner's recursion and
 *                  every waiter) minus one.
 *   RecursionCount the owner's depth; OwningThread the owner's thread id.
 *   LockSemaphore  not a handle: the number of hand-offs posted to waiters
 *                  and not yet taken.  Waiters sleep on this field with
 *                  NtWaitOnAddress, so a section never allocates anything
 *                  (Delete has nothing to free, contention cannot fail).
 *   SpinCount      how many times a contended Enter retries the free
 *                  section before it counts itself in and sleeps (0 on a
 *                  machine with one processor, as Windows sets it).
 *
 * Uncontended Enter is one lock cmpxchg (-1 -> 0), uncontended Leave one
 * lock xadd: no system call.  A Leave that finds waiters (LockCount still
 * >= 0 after its decrement) hands the section over: it posts one hand-off in
 * LockSemaphore and wakes one sleeper; whoever takes the hand-off owns the
 * section (first come among the waiters; threads arriving later queue
 * behind, so nobody is starved).
 */
#include "rtl_sync.h"

#define NO_DEBUG_INFO ((PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1)	/* RTL_CRITICAL_SECTION_FLAG_NO_DEBUG_INFO's mark */
#define SPIN_MASK 0x00FFFFFF	/* the high byte of SpinCount carries flags on Windows */

/* Hand-offs live in the pointer-sized LockSemaphore field. */
static inline volatile LONG64 *handoffs(PRTL_CRITICAL_SECTION cs)
{
	return (volatile LONG64 *)&cs->LockSemaphore;
}

/* The spin count kept: as Windows, 0 on a machine with one processor (spinning cannot help there). */
static ULONG_PTR spin_for_machine(ULONG SpinCount)
{
	return PEB_NUMBER_OF_PROCESSORS(ldr_peb()) > 1 ? (SpinCount & SPIN_MASK) : 0;
}

/* RtlInitializeCriticalSectionEx: free, no owner; SpinCount's low 24 bits (Flags ignored). */
NTSTATUS NTAPI RtlInitializeCriticalSectionEx(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount, ULONG Flags)
{
	(void)Flags;
	CriticalSection->DebugInfo = NO_DEBUG_INFO;
	CriticalSection->LockCount = -1;
	CriticalSection->RecursionCount = 0;
	CriticalSection->OwningThread = NULL;
	CriticalSection->LockSemaphore = NULL;
	CriticalSection->SpinCount = spin_for_machine(SpinCount);
	return STATUS_SUCCESS;
}

/* RtlInitializeCriticalSectionAndSpinCount: the same with Flags 0. */
NTSTATUS NTAPI RtlInitializeCriticalSectionAndSpinCount(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount)
{
	return RtlInitializeCriticalSectionEx(CriticalSection, SpinCount, 0);
}

/* RtlInitializeCriticalSection: no spinning. */
NTSTATUS NTAPI RtlInitializeCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	return RtlInitializeCriticalSectionEx(CriticalSection, 0, 0);
}

/* RtlSetCriticalSectionSpinCount: the new count (low 24 bits; 0 on one processor); returns the old one. */
ULONG NTAPI RtlSetCriticalSectionSpinCount(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount)
{
	ULONG old = (ULONG)CriticalSection->SpinCount;
	CriticalSection->SpinCount = spin_for_machine(SpinCount);
	return old;
}

/* RtlDeleteCriticalSection: nothing is allocated per section; it is left zeroed. */
NTSTATUS NTAPI RtlDeleteCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	memset(CriticalSection, 0, sizeof(*CriticalSection));
	return STATUS_SUCCESS;
}

static inline BOOLEAN take_free(PRTL_CRITICAL_SECTION cs)
{
	LONG expected = -1;
	return __atomic_compare_exchange_n(&cs->LockCount, &expected, 0, FALSE, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void become_owner(PRTL_CRITICAL_SECTION cs, HANDLE me)
{
	cs->OwningThread = me;
	cs->RecursionCount = 1;
}

/* RtlTryEnterCriticalSection: TRUE when the caller now holds it (taken free, or one level deeper). */
BOOLEAN NTAPI RtlTryEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	HANDLE me = rtl_current_thread_id();
	if (take_free(CriticalSection)) {
		become_owner(CriticalSection, me);
		return TRUE;
	}
	if (CriticalSection->OwningThread == me) {
		__atomic_add_fetch(&CriticalSection->LockCount, 1, __ATOMIC_RELAXED);
		CriticalSection->RecursionCount++;
		return TRUE;
	}
	return FALSE;
}

/* Sleeps until a hand-off is posted and takes it (the caller has counted itself in LockCount). */
static void wait_for_handoff(PRTL_CRITICAL_SECTION cs)
{
	volatile LONG64 *h = handoffs(cs);
	for (;;) {
		LONG64 v = __atomic_load_n(h, __ATOMIC_ACQUIRE);
		if (v > 0) {
			if (__atomic_compare_exchange_n(h, &v, v - 1, FALSE, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return;
			continue;
		}
		nt_wait_on_address(h, &v, sizeof(v), NULL);
	}
}

/* The contended part of Enter: spin on the free section SpinCount times, then queue and sleep. */
static __attribute__((noinline)) void enter_contended(PRTL_CRITICAL_SECTION cs, HANDLE me)
{
	for (ULONG_PTR spin = cs->SpinCount & SPIN_MASK; spin; spin--) {
		if (__atomic_load_n(&cs->LockCount, __ATOMIC_RELAXED) == -1 && take_free(cs)) {
			become_owner(cs, me);
			return;
		}
		__builtin_ia32_pause();
	}
	if (__atomic_add_fetch(&cs->LockCount, 1, __ATOMIC_ACQUIRE) != 0)
		wait_for_handoff(cs);	/* it was held: the owner's Leave hands it to a waiter */
	become_owner(cs, me);
}

/* RtlEnterCriticalSection: returns holding the section (recursion allowed). */
NTSTATUS NTAPI RtlEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	HANDLE me = rtl_current_thread_id();
	if (__builtin_expect(take_free(CriticalSection), 1)) {
		become_owner(CriticalSection, me);
		return STATUS_SUCCESS;
	}
	if (CriticalSection->OwningThread == me) {
		__atomic_add_fetch(&CriticalSection->LockCount, 1, __ATOMIC_RELAXED);
		CriticalSection->RecursionCount++;
		return STATUS_SUCCESS;
	}
	enter_contended(CriticalSection, me);
	return STATUS_SUCCESS;
}

/*
 * RtlLeaveCriticalSection: one level less; the last one frees the section
 * or hands it to a waiter.  Leaving a section the caller does not hold
 * changes nothing (Windows corrupts the section here; we refuse to).
 */
NTSTATUS NTAPI RtlLeaveCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	if (CriticalSection->OwningThread != rtl_current_thread_id() || CriticalSection->RecursionCount <= 0)
		return STATUS_SUCCESS;
	if (--CriticalSection->RecursionCount > 0) {
		__atomic_sub_fetch(&CriticalSection->LockCount, 1, __ATOMIC_RELAXED);
		return STATUS_SUCCESS;
	}
	CriticalSection->OwningThread = NULL;
	if (__builtin_expect(__atomic_sub_fetch(&CriticalSection->LockCount, 1, __ATOMIC_RELEASE) < 0, 1))
		return STATUS_SUCCESS;
	__atomic_add_fetch(handoffs(CriticalSection), 1, __ATOMIC_RELEASE);
	nt_wake_address(handoffs(CriticalSection), FALSE);
	return STATUS_SUCCESS;
}

/* RtlIsCriticalSectionLocked: held by some thread. */
BOOLEAN NTAPI RtlIsCriticalSectionLocked(PRTL_CRITICAL_SECTION CriticalSection)
{
	return __atomic_load_n(&CriticalSection->RecursionCount, __ATOMIC_RELAXED) != 0;
}

/* RtlIsCriticalSectionLockedByThread: held by the caller. */
BOOLEAN NTAPI RtlIsCriticalSectionLockedByThread(PRTL_CRITICAL_SECTION CriticalSection)
{
	return CriticalSection->OwningThread == rtl_current_thread_id() && CriticalSection->RecursionCount > 0;
}
