/*
 * kernel/klock.h - the kernel lock: one CPU at a time runs kernel code that
 * touches shared state (issue 18, first step of SMP).
 *
 * User code runs on every CPU at once; a CPU takes the kernel lock when it
 * enters the kernel from user mode (system call, exception, interrupt) and
 * gives it back on its way out.  A CPU keeps it across a thread switch (the
 * next thread goes on with it), the idle loop gives it back before `hlt`
 * and takes it again after.  So every structure that was safe on one CPU
 * with interrupts off in the kernel (run queues, dispatcher objects, the
 * VM, the page cache, handles) stays safe, and the finer locks of
 * docs/locking.md nest inside it.
 *
 * What runs without it, on any CPU: the wait for it (interrupts are enabled
 * while a CPU spins, so it answers TLB shootdowns), the interrupt handlers
 * for interrupts that arrive in the idle loop or during that wait (the
 * timer's and the IPIs': they touch only their CPU's data and the
 * shootdown's acknowledgement), and user mode.
 *
 * Shared mode (klock_acquire_shared): several CPUs may hold the lock
 * shared at once, never together with an exclusive holder.  Only the page
 * fault's parallel path takes it so (mm/fault.c, vm_fault_fast: a
 * demand-zero fault of private memory, which reads the region tree, takes a
 * frame and fills one empty page-table entry with a compare-and-swap).
 * Shared holders change nothing the exclusive holders' code reads without a
 * finer lock, and they never block, sleep, send a shootdown or take the
 * lock exclusively.  A CPU that waits to take it exclusively raises
 * KLOCK_WAITING, and no new shared holder enters until it has had its turn
 * (faults cannot starve system calls).
 *
 * Each time the lock changes hands, the kernel-heap context (whose quota a
 * kmalloc charges) follows the thread that runs: klock_leave saves it in
 * the running thread, klock_enter restores it.
 */
#ifndef KERNEL_KLOCK_H
#define KERNEL_KLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include "lock.h"
#include "sched.h"

/* The lock word; only this header and kernel/klock.c touch it. */
struct klock_word {
	uint32_t locked;	/* KLOCK_EXCLUSIVE, or the count of shared holders, | KLOCK_WAITING */
	int32_t owner;		/* the exclusive holder's CPU index + 1, 0 when none */
};
#define KLOCK_EXCLUSIVE 0x80000000u	/* a CPU holds it exclusively */
#define KLOCK_WAITING   0x40000000u	/* a CPU waits to take it exclusively: no new shared holder */
extern struct klock_word klock_word;

/* Wait for the lock and take it (klock_acquire's contended path). */
void klock_acquire_slow(void);
/* Debug builds: the checks of klock_acquire / klock_release (nesting, a release by a CPU not holding it). */
void klock_check_acquire(void);
void klock_check_release(void);

/*
 * Take the kernel lock, nothing else: the system call path's fast way in
 * (interrupts off on entry and on return; on while it waits).  The kernel
 * heap's context is the caller's to set (klock_enter sets the thread's).
 */
static inline void klock_acquire(void)
{
	if (LOCKDEP)
		klock_check_acquire();
	uint32_t free_ = 0;
	if (__builtin_expect(!__atomic_compare_exchange_n(&klock_word.locked, &free_, KLOCK_EXCLUSIVE, false,
							  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED), 0))
		klock_acquire_slow();
	klock_word.owner = (int32_t)this_cpu()->index + 1;
}

/*
 * Give the lock back, nothing else (interrupts stay off).  A plain store:
 * while it is held exclusively no shared holder can enter, so the word is
 * KLOCK_EXCLUSIVE, perhaps with KLOCK_WAITING, which a waiter sets again.
 */
static inline void klock_release(void)
{
	if (LOCKDEP)
		klock_check_release();
	klock_word.owner = 0;
	__atomic_store_n(&klock_word.locked, 0, __ATOMIC_RELEASE);
}

/*
 * Take the lock shared (the parallel page-fault path only; interrupts off
 * on entry and while held, on while it waits).  The caller touches no
 * kernel-heap memory and calls nothing that asserts klock_held.
 */
void klock_acquire_shared(void);
/* Give a shared hold back. */
void klock_release_shared(void);

/* Take the kernel lock and restore the running thread's kernel-heap context. */
void klock_enter(void);
/* Save the running thread's kernel-heap context and give the lock back (the caller leaves to user mode or halts). */
void klock_leave(void);
/* This CPU holds it exclusively. */
bool klock_held(void);
/* Some CPU holds it, exclusively or shared (a racy glance: the disk's statistics of unlocked waits, drivers/virtio_blk.c). */
static inline bool klock_taken(void)
{
	return (__atomic_load_n(&klock_word.locked, __ATOMIC_RELAXED) & ~KLOCK_WAITING) != 0;
}
/* Debug builds: panic unless this CPU holds it. */
void klock_assert_held_at(const char *site);
#define klock_assert_held() klock_assert_held_at(__FILE__ ":" LOCK_STR(__LINE__))

#endif
