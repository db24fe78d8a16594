/*
 * libc/ntdll/rtl_critsec.c - critical sections (RTL_CRITICAL_SECTION, the
 * Windows structure; kernel32's *CriticalSection forward here as on Windows).
 *
 * LockCount is -1 when free and counts entries (recursion included) minus
 * one while held; OwningThread is the owner's thread id, RecursionCount its
 * depth.  Acquiring is one compare-and-exchange of LockCount from -1; a
 * thread that finds the section held by another spins SpinCount times, then
 * yields (NtDelayExecution 0) and tries again.  With one thread per process
 * today contention cannot happen; the shape is right for threads, which will
 * replace the yield with a wait on LockSemaphore.
 */
#include "ntdll_private.h"

#define NO_DEBUG_INFO ((PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1)	/* RTL_CRITICAL_SECTION_FLAG_NO_DEBUG_INFO's mark */

static HANDLE current_thread_id(void)
{
	return TEB_CLIENT_ID(cur_teb()).UniqueThread;
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
	CriticalSection->SpinCount = SpinCount & 0x00FFFFFF;
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

/* RtlDeleteCriticalSection: nothing is allocated per section; it is left zeroed. */
NTSTATUS NTAPI RtlDeleteCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	memset(CriticalSection, 0, sizeof(*CriticalSection));
	return STATUS_SUCCESS;
}

/* One attempt: the caller's recursion, or taking a free section. */
static BOOLEAN try_enter(PRTL_CRITICAL_SECTION cs, HANDLE me)
{
	if (cs->OwningThread == me && cs->RecursionCount > 0) {
		cs->RecursionCount++;
		__atomic_add_fetch(&cs->LockCount, 1, __ATOMIC_RELAXED);
		return TRUE;
	}
	LONG expected = -1;
	if (!__atomic_compare_exchange_n(&cs->LockCount, &expected, 0, FALSE, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return FALSE;
	cs->OwningThread = me;
	cs->RecursionCount = 1;
	return TRUE;
}

/* RtlTryEnterCriticalSection: TRUE when the caller now holds it. */
BOOLEAN NTAPI RtlTryEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	return try_enter(CriticalSection, current_thread_id());
}

/* RtlEnterCriticalSection: waits (spin, then yield) until the caller holds it. */
NTSTATUS NTAPI RtlEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	HANDLE me = current_thread_id();
	for (;;) {
		for (ULONG_PTR spin = CriticalSection->SpinCount + 1; spin; spin--) {
			if (try_enter(CriticalSection, me))
				return STATUS_SUCCESS;
			__builtin_ia32_pause();
		}
		LARGE_INTEGER zero = { .QuadPart = 0 };
		NtDelayExecution(FALSE, &zero);
	}
}

/* RtlLeaveCriticalSection: one level less; the last one frees it.  Leaving a section one does not hold does nothing. */
NTSTATUS NTAPI RtlLeaveCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
	if (CriticalSection->OwningThread != current_thread_id() || CriticalSection->RecursionCount <= 0)
		return STATUS_SUCCESS;	/* Windows corrupts the section here; we refuse to */
	if (--CriticalSection->RecursionCount > 0) {
		__atomic_sub_fetch(&CriticalSection->LockCount, 1, __ATOMIC_RELAXED);
		return STATUS_SUCCESS;
	}
	CriticalSection->OwningThread = NULL;
	__atomic_store_n(&CriticalSection->LockCount, -1, __ATOMIC_RELEASE);
	return STATUS_SUCCESS;
}
