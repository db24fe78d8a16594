/* kernel/klock.c - the kernel lock (kernel/klock.h): a spinlock owned by a CPU. */
#include "klock.h"
#include "lock.h"
#include "panic.h"
#include "sched.h"
#include "mm/kheap.h"

static struct {
	uint32_t locked;	/* 1 while a CPU holds it */
	int32_t owner;		/* CPU index + 1, 0 when free */
} klock;

/*
 * Test and test-and-set, not a ticket lock: under TCG a vCPU waits for its
 * host thread to be scheduled, and a ticket lock would hand the lock to a
 * waiter that is not running while others that are spin.
 */
void klock_enter(void)
{
	struct cpu *c = this_cpu();
	if (klock.owner == (int32_t)c->index + 1 || c->klock_waiting)
		panic("klock_enter: CPU %u holds or waits for the kernel lock already", c->index);
	c->klock_waiting = true;
	while (__atomic_exchange_n(&klock.locked, 1, __ATOMIC_ACQUIRE)) {
		/*
		 * Interrupts on while waiting: a TLB shootdown from the holder must be
		 * answered.  The nop: an interrupt is not taken in the instruction
		 * after sti (its shadow), and QEMU's pause ends the turn there.
		 */
		while (__atomic_load_n(&klock.locked, __ATOMIC_RELAXED))
			__asm__ volatile("sti; nop; pause; cli" ::: "memory");
	}
	klock.owner = (int32_t)c->index + 1;
	c->klock_waiting = false;
	struct thread *th = c->thread;
	kheap_context_set(th->kctx.quota, th->kctx.level);
}

void klock_leave(void)
{
	struct cpu *c = this_cpu();
	if (klock.owner != (int32_t)c->index + 1)
		panic("klock_leave on CPU %u, which does not hold the kernel lock", c->index);
	c->thread->kctx = kheap_context_set(NULL, POOL_FORCE);
	klock.owner = 0;
	__atomic_store_n(&klock.locked, 0, __ATOMIC_RELEASE);
}

bool klock_held(void)
{
	return __atomic_load_n(&klock.owner, __ATOMIC_RELAXED) == (int32_t)this_cpu()->index + 1;
}

void klock_assert_held_at(const char *site)
{
	if (LOCKDEP && !klock_held())
		panic("%s: the kernel lock is not held by CPU %u", site, this_cpu()->index);
}
