/*
 * kernel/lock.c - the out-of-line parts of spinlocks and mutexes
 * (kernel/lock.h): run-time initialisation and a mutex's contended path.
 */
#include "lock.h"
#include "panic.h"

void spin_init_class(struct spinlock *l, struct lock_class *cls)
{
	*l = (struct spinlock){ .cls = cls };
}

void kmutex_init_class(struct kmutex *m, struct lock_class *cls)
{
	*m = (struct kmutex){ .cls = cls };
}

/*
 * Contended: wait until m is free, then own it.  The scheduler's sleep
 * (lock_set_sleep_ops: kernel/wait.c puts sleepers on one of a few wait
 * queues hashed by the mutex's address, and wakes them all when any of
 * those mutexes is released; each takes another turn at the compare and
 * swap).  Registered rather than called, so the locks stay below the
 * scheduler in the layering.  One CPU and a kernel that is not preempted: contention needs a
 * holder that blocked, which nothing does today; several CPUs (issue 18)
 * will add a short spin while the owner runs.
 */
static const struct lock_sleep_ops *sleep_ops;

void lock_set_sleep_ops(const struct lock_sleep_ops *ops)
{
	sleep_ops = ops;
}

void kmutex_wait(struct kmutex *m, struct lock_thread *self)
{
	if (m->owner == self)
		panic("kmutex %s: taken again by the thread that holds it", m->cls->name);
	__atomic_add_fetch(&m->waiters, 1, __ATOMIC_RELAXED);
	for (;;) {
		struct lock_thread *free_ = 0;
		if (__atomic_compare_exchange_n(&m->owner, &free_, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
		if (!sleep_ops)
			panic("kmutex %s contended before the scheduler runs", m->cls->name);
		sleep_ops->sleep(m);
	}
	__atomic_sub_fetch(&m->waiters, 1, __ATOMIC_RELAXED);
}

/* A waiter exists (kmutex_wait counted it): wake the sleepers of its queue. */
void kmutex_wake(struct kmutex *m)
{
	if (sleep_ops)
		sleep_ops->wake(m);
}
