/*
 * kernel/lock.c - the out-of-line parts of spinlocks and mutexes
 * (kernel/lock.h): run-time initialisation and a mutex's contended path.
 */
#include "lock.h"
#include "panic.h"
#include "wait.h"

void spin_init_class(struct spinlock *l, struct lock_class *cls)
{
	*l = (struct spinlock){ .cls = cls };
}

void kmutex_init_class(struct kmutex *m, struct lock_class *cls)
{
	*m = (struct kmutex){ .cls = cls };
}

/*
 * Contended: wait until m is free, then own it.  Sleepers wait on one of a
 * few wait queues hashed by the mutex's address and all wake when any of
 * those mutexes is released (each takes another turn at the compare and
 * swap).  One CPU and a kernel that is not preempted: contention needs a
 * holder that blocked, which nothing does today; several CPUs (issue 18)
 * will add a short spin while the owner runs.
 */
#define MUTEX_QUEUES 16
static struct wait_queue mutex_queues[MUTEX_QUEUES];

static struct wait_queue *queue_of(const struct kmutex *m)
{
	return &mutex_queues[((uintptr_t)m >> 4) % MUTEX_QUEUES];
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
		wq_sleep(queue_of(m));
	}
	__atomic_sub_fetch(&m->waiters, 1, __ATOMIC_RELAXED);
}

/* A waiter exists (kmutex_wait counted it): wake the sleepers of its queue. */
void kmutex_wake(struct kmutex *m)
{
	wq_wake_all(queue_of(m));
}
