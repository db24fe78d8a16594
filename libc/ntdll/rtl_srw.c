/*
 * libc/ntdll/rtl_srw.c - slim reader/writer locks (RTL_SRWLOCK: one
 * pointer-sized word, 0 = free, so SRWLOCK_INIT and a zeroed lock work).
 *
 * The word (64 bits):
 *   bit 0        EXCL      held exclusively
 *   bit 1        SLEEPERS  some thread sleeps (or is about to) on the word
 *   bits 2..31   readers holding it shared (units of READER)
 *   bits 32..63  writers waiting for it (units of WRITER_WAITING)
 * Acquire and release are one compare-and-exchange when nobody waits: no
 * system call.  A thread that cannot proceed sets SLEEPERS and sleeps on the
 * word with NtWaitOnAddress (the kernel compares the whole word first, so a
 * change in between only makes it retry).  A release that clears SLEEPERS
 * wakes every sleeper; they retry and the losers sleep again.
 *
 * Writers are not starved: while a writer waits, new shared acquisitions
 * wait too, so the readers drain and the writer gets in.  (As on Windows,
 * a thread must not acquire an SRW lock recursively, shared included.)
 */
#include "rtl_sync.h"

#define EXCL           1ull
#define SLEEPERS       2ull
#define READER         4ull
#define READERS_MASK   0xFFFFFFFCull
#define WRITER_WAITING (1ull << 32)
#define WRITERS_MASK   0xFFFFFFFF00000000ull

static inline volatile ULONG64 *word(PRTL_SRWLOCK lock)
{
	return (volatile ULONG64 *)&lock->Ptr;
}

static inline BOOLEAN cas(PRTL_SRWLOCK lock, ULONG64 *old, ULONG64 new_value)
{
	return __atomic_compare_exchange_n(word(lock), old, new_value, FALSE, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Marks the word as slept on (if it still reads v) and sleeps while it stays so. */
static void sleep_on(PRTL_SRWLOCK lock, ULONG64 v)
{
	if (!(v & SLEEPERS)) {
		if (!cas(lock, &v, v | SLEEPERS))
			return;	/* it changed: look again */
		v |= SLEEPERS;
	}
	nt_wait_on_address(word(lock), &v, sizeof(v), NULL);
}

/* RtlInitializeSRWLock: free. */
void NTAPI RtlInitializeSRWLock(PRTL_SRWLOCK Lock)
{
	Lock->Ptr = NULL;
}

/* RtlTryAcquireSRWLockExclusive: TRUE when the lock was free (no owner, no readers) and is now the caller's. */
BOOLEAN NTAPI RtlTryAcquireSRWLockExclusive(PRTL_SRWLOCK Lock)
{
	ULONG64 v = __atomic_load_n(word(Lock), __ATOMIC_RELAXED);
	while (!(v & (EXCL | READERS_MASK)))
		if (cas(Lock, &v, v | EXCL))
			return TRUE;
	return FALSE;
}

/* RtlAcquireSRWLockExclusive: returns owning the lock alone. */
void NTAPI RtlAcquireSRWLockExclusive(PRTL_SRWLOCK Lock)
{
	ULONG64 v = 0;
	if (__builtin_expect(cas(Lock, &v, EXCL), 1))
		return;
	__atomic_add_fetch(word(Lock), WRITER_WAITING, __ATOMIC_RELAXED);
	for (;;) {
		v = __atomic_load_n(word(Lock), __ATOMIC_RELAXED);
		if (!(v & (EXCL | READERS_MASK))) {
			if (cas(Lock, &v, (v - WRITER_WAITING) | EXCL))
				return;
			continue;
		}
		sleep_on(Lock, v);
	}
}

/* RtlTryAcquireSRWLockShared: TRUE when nobody holds it exclusively or waits to; the caller is now a reader. */
BOOLEAN NTAPI RtlTryAcquireSRWLockShared(PRTL_SRWLOCK Lock)
{
	ULONG64 v = __atomic_load_n(word(Lock), __ATOMIC_RELAXED);
	while (!(v & (EXCL | WRITERS_MASK)))
		if (cas(Lock, &v, v + READER))
			return TRUE;
	return FALSE;
}

/* RtlAcquireSRWLockShared: returns as one of its readers; waits while a writer holds it or waits for it. */
void NTAPI RtlAcquireSRWLockShared(PRTL_SRWLOCK Lock)
{
	for (;;) {
		ULONG64 v = __atomic_load_n(word(Lock), __ATOMIC_RELAXED);
		if (!(v & (EXCL | WRITERS_MASK))) {
			if (cas(Lock, &v, v + READER))
				return;
			continue;
		}
		sleep_on(Lock, v);
	}
}

/* RtlReleaseSRWLockExclusive: frees it; wakes the sleepers there are.  Not held exclusively: nothing changes. */
void NTAPI RtlReleaseSRWLockExclusive(PRTL_SRWLOCK Lock)
{
	ULONG64 v = __atomic_load_n(word(Lock), __ATOMIC_RELAXED);
	do {
		if (!(v & EXCL))
			return;
	} while (!__atomic_compare_exchange_n(word(Lock), &v, v & ~(EXCL | SLEEPERS), FALSE, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	if (v & SLEEPERS)
		nt_wake_address(word(Lock), TRUE);
}

/* RtlReleaseSRWLockShared: one reader less; the last wakes the sleepers.  No reader: nothing changes. */
void NTAPI RtlReleaseSRWLockShared(PRTL_SRWLOCK Lock)
{
	ULONG64 v = __atomic_load_n(word(Lock), __ATOMIC_RELAXED), n;
	do {
		if (!(v & READERS_MASK))
			return;
		n = v - READER;
		if (!(n & READERS_MASK))
			n &= ~SLEEPERS;
	} while (!__atomic_compare_exchange_n(word(Lock), &v, n, FALSE, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	if ((v & SLEEPERS) && !(n & SLEEPERS))
		nt_wake_address(word(Lock), TRUE);
}
