/* kernel/klock.c - the kernel lock (kernel/klock.h): a spinlock owned by a CPU. */
#include "klock.h"
#include "lock.h"
#include "panic.h"
#include "sched.h"
#include "mm/kheap.h"

struct klock_word klock_word;

void klock_check_acquire(void)
{
	struct cpu *c = this_cpu();
	if (klock_word.owner == (int32_t)c->index + 1 || c->klock_waiting)
		panic("klock_enter: CPU %u holds or waits for the kernel lock already", c->index);
}

void klock_check_release(void)
{
	if (klock_word.owner != (int32_t)this_cpu()->index + 1)
		panic("klock_leave on CPU %u, which does not hold the kernel lock", this_cpu()->index);
}

/*
 * Test and test-and-set, not a ticket lock: under TCG a vCPU waits for its
 * host thread to be scheduled, and a ticket lock would hand the lock to a
 * waiter that is not running while others that are spin.
 */
void klock_acquire_slow(void)
{
	struct cpu *c = this_cpu();
	c->klock_waiting = true;
	do {
		/*
		 * Interrupts on while waiting: a TLB shootdown from the holder must be
		 * answered.  The nop: an interrupt is not taken in the instruction
		 * after sti (its shadow), and QEMU's pause ends the turn there.
		 */
		while (__atomic_load_n(&klock_word.locked, __ATOMIC_RELAXED))
			__asm__ volatile("sti; nop; pause; cli" ::: "memory");
	} while (__atomic_exchange_n(&klock_word.locked, 1, __ATOMIC_ACQUIRE));
	c->klock_waiting = false;
}

void klock_enter(void)
{
	klock_acquire();
	struct thread *th = this_cpu()->thread;
	kheap_context_set(th->kctx.quota, th->kctx.level);
}

void klock_leave(void)
{
	this_cpu()->thread->kctx = kheap_context_set(NULL, POOL_FORCE);
	klock_release();
}

bool klock_held(void)
{
	return __atomic_load_n(&klock_word.owner, __ATOMIC_RELAXED) == (int32_t)this_cpu()->index + 1;
}

void klock_assert_held_at(const char *site)
{
	if (LOCKDEP && !klock_held())
		panic("%s: the kernel lock is not held by CPU %u", site, this_cpu()->index);
}
