/* kernel/klock.c - the kernel lock (kernel/klock.h): a reader-writer spinlock, exclusively owned by a CPU or shared. */
#include "klock.h"
#include "lock.h"
#include "panic.h"
#include "sched.h"
#include "mm/kheap.h"

struct klock_word klock_word;

void klock_check_acquire(void)
{
	struct cpu *c = this_cpu();
	if (klock_word.owner == (int32_t)c->index + 1 || c->klock_waiting || c->klock_shared)
		panic("klock_enter: CPU %u holds or waits for the kernel lock already", c->index);
}

void klock_check_release(void)
{
	if (klock_word.owner != (int32_t)this_cpu()->index + 1)
		panic("klock_leave on CPU %u, which does not hold the kernel lock", this_cpu()->index);
}

/*
 * Spin with interrupts on: a TLB shootdown from the holder must be
 * answered.  The nop: an interrupt is not taken in the instruction after
 * sti (its shadow), and QEMU's pause ends the turn there.
 */
static inline void klock_spin(void)
{
	__asm__ volatile("sti; nop; pause; cli" ::: "memory");
}

/*
 * Test and test-and-set, not a ticket lock: under TCG a vCPU waits for its
 * host thread to be scheduled, and a ticket lock would hand the lock to a
 * waiter that is not running while others that are spin.  Shared holders
 * drain: KLOCK_WAITING keeps new ones out (the holder's release clears it,
 * and every waiter that is still waiting raises it again).
 */
void klock_acquire_slow(void)
{
	struct cpu *c = this_cpu();
	c->klock_waiting = true;
	for (;;) {
		uint32_t v = __atomic_load_n(&klock_word.locked, __ATOMIC_RELAXED);
		if (!(v & ~KLOCK_WAITING)) {
			if (__atomic_compare_exchange_n(&klock_word.locked, &v, KLOCK_EXCLUSIVE, false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				break;
			continue;
		}
		if (!(v & KLOCK_WAITING))
			__atomic_fetch_or(&klock_word.locked, KLOCK_WAITING, __ATOMIC_RELAXED);
		klock_spin();
	}
	c->klock_waiting = false;
}

void klock_acquire_shared(void)
{
	struct cpu *c = this_cpu();
	if (LOCKDEP)
		klock_check_acquire();
	for (;;) {
		uint32_t v = __atomic_load_n(&klock_word.locked, __ATOMIC_RELAXED);
		if (!(v & (KLOCK_EXCLUSIVE | KLOCK_WAITING)) &&
		    __atomic_compare_exchange_n(&klock_word.locked, &v, v + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
		klock_spin();
	}
	c->klock_shared = true;
}

void klock_release_shared(void)
{
	struct cpu *c = this_cpu();
	if (LOCKDEP && !c->klock_shared)
		panic("klock_release_shared on CPU %u, which does not hold the kernel lock shared", c->index);
	c->klock_shared = false;
	__atomic_fetch_sub(&klock_word.locked, 1, __ATOMIC_RELEASE);
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
