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
 * Contended: wait until m is free, then own it.  One CPU, a kernel that is
 * never preempted and no thread that blocks holding a mutex today: a held
 * mutex can only be met by its own holder, a bug either way.  With the
 * scheduler's wait queues (issue 17) and several CPUs (issue 18) this is
 * where the thread spins briefly while the owner runs, then sleeps
 * (waiters++, sched_sleep_on) until kmutex_wake.
 */
void kmutex_wait(struct kmutex *m, struct lock_thread *self)
{
	if (m->owner == self)
		panic("kmutex %s: taken again by the thread that holds it", m->cls->name);
	panic("kmutex contended on one CPU: %s is held by another thread", m->cls->name);
}

/* A waiter exists (kmutex_wait counted it): wake one.  Unreachable until kmutex_wait sleeps. */
void kmutex_wake(struct kmutex *m)
{
	panic("kmutex_wake: %s has %u waiters, and nothing sleeps on a mutex yet", m->cls->name, m->waiters);
}
