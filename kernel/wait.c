/*
 * kernel/wait.c - dispatcher objects and waits: events, mutants,
 * semaphores, threads and processes as things to wait for; timed waits;
 * waits on addresses; kernel wait queues.  wait.h has the model.
 */
#include "wait.h"
#include "cpu.h"
#include "lock.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "thread.h"
#include "uaccess.h"
#include "mm/kheap.h"

#include <stddef.h>

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

static struct thread *timed_head;	/* threads in a wait with a deadline (unsorted: few) */
/* The earliest wake_tsc on timed_head (0: none), maybe earlier than the truth; read without the kernel lock. */
static uint64_t next_due;

void dispatcher_init(struct dispatcher *d, enum dispatcher_kind kind, int32_t signal)
{
	d->signal = signal;
	d->kind = (uint8_t)kind;
	d->head = d->tail = NULL;
}

struct dispatcher *object_dispatcher(struct kobject *o)
{
	switch (o->type) {
	case KOBJ_EVENT: return &container_of(o, struct event, obj)->disp;
	case KOBJ_MUTANT: return &container_of(o, struct mutant, obj)->disp;
	case KOBJ_SEMAPHORE: return &container_of(o, struct semaphore, obj)->disp;
	case KOBJ_THREAD: return &container_of(o, struct thread, obj)->disp;
	case KOBJ_PROCESS: return &container_of(o, struct process, obj)->disp;
	default: return NULL;
	}
}

static struct mutant *mutant_of(struct dispatcher *d)
{
	return container_of(d, struct mutant, disp);
}

/* Whether t could take d now. */
static bool available(struct dispatcher *d, const struct thread *t)
{
	if (d->kind == DISP_MUTANT)
		return d->signal > 0 || mutant_of(d)->owner == t;
	return d->signal > 0;
}

/* t takes d (available); true when d was a mutant abandoned by its last owner. */
static bool take(struct dispatcher *d, struct thread *t)
{
	switch (d->kind) {
	case DISP_SYNCHRONIZATION: d->signal = 0; return false;
	case DISP_SEMAPHORE: d->signal--; return false;
	case DISP_MUTANT: {
		struct mutant *m = mutant_of(d);
		if (m->owner == t) {
			m->recursion++;
			return false;
		}
		m->owner = t;
		m->recursion = 1;
		d->signal = 0;
		m->owner_next = t->owned;
		t->owned = m;
		bool abandoned = m->abandoned;
		m->abandoned = false;
		return abandoned;
	}
	default: return false;	/* notification: stays signaled */
	}
}

/* Whether t's wait can complete now; *index: the object a wait-any takes. */
static bool satisfiable(const struct thread *t, const struct wait_block *wb, uint32_t *index)
{
	for (uint32_t i = 0; i < wb->count; i++) {
		bool ok = available(wb->entries[i].obj, t);
		if (wb->all && !ok)
			return false;
		if (!wb->all && ok) {
			*index = i;
			return true;
		}
	}
	*index = 0;
	return wb->all;
}

/* Take what the wait gets; its status (STATUS_ABANDONED_WAIT_0 + the first abandoned one in a wait-all). */
static ntstatus_t complete(struct thread *t, const struct wait_block *wb, uint32_t index)
{
	if (!wb->all)
		return (take(wb->entries[index].obj, t) ? STATUS_ABANDONED_WAIT_0 : STATUS_SUCCESS) + (ntstatus_t)index;
	ntstatus_t st = STATUS_SUCCESS;
	for (uint32_t i = 0; i < wb->count; i++)
		if (take(wb->entries[i].obj, t) && st == STATUS_SUCCESS)
			st = STATUS_ABANDONED_WAIT_0 + (ntstatus_t)i;
	return st;
}

static void entry_link(struct wait_entry *e)
{
	struct dispatcher *d = e->obj;
	e->next = NULL;
	e->prev = d->tail;
	if (d->tail)
		d->tail->next = e;
	else
		d->head = e;
	d->tail = e;
}

static void entry_unlink(struct wait_entry *e)
{
	struct dispatcher *d = e->obj;
	if (e->prev)
		e->prev->next = e->next;
	else
		d->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		d->tail = e->prev;
	e->next = e->prev = NULL;
}

static void timed_remove(struct thread *t)
{
	if (!t->wake_tsc)
		return;
	for (struct thread **pp = &timed_head; *pp; pp = &(*pp)->timed_next) {
		if (*pp == t) {
			*pp = t->timed_next;
			break;
		}
	}
	t->wake_tsc = 0;
}

struct addr_waiter {
	struct addr_waiter *next;
	struct thread *thread;
	const struct vm_space *vm;
	uint64_t addr;
};

#define ADDR_BUCKETS 64
static struct addr_waiter *addr_bucket[ADDR_BUCKETS];

static struct addr_waiter **bucket_of(const struct vm_space *vm, uint64_t addr)
{
	uint64_t h = (addr >> 2) ^ ((uint64_t)vm >> 6);
	h ^= h >> 17;
	return &addr_bucket[h % ADDR_BUCKETS];
}

static void addr_unlink(struct addr_waiter *w)
{
	for (struct addr_waiter **pp = bucket_of(w->vm, w->addr); *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
}

void wait_cancel(struct thread *t)
{
	if (t->wait) {
		for (uint32_t i = 0; i < t->wait->count; i++)
			entry_unlink(&t->wait->entries[i]);
		t->wait = NULL;
	}
	if (t->awaiter) {
		addr_unlink(t->awaiter);
		t->awaiter = NULL;
	}
	if (t->wq) {
		struct wait_queue *q = t->wq;
		struct thread *prev = NULL;
		for (struct thread *w = q->head; w; prev = w, w = w->run_next) {
			if (w != t)
				continue;
			if (prev)
				prev->run_next = t->run_next;
			else
				q->head = t->run_next;
			if (q->tail == t)
				q->tail = prev;
			break;
		}
		t->wq = NULL;
	}
	timed_remove(t);
}

/* t's wait ends with st: out of every list, runnable. */
static void finish(struct thread *t, ntstatus_t st)
{
	wait_cancel(t);
	t->wait_status = st;
	sched_make_ready(t);
}

/* Block the current thread (its wait already linked) until woken or the deadline. */
static ntstatus_t block(struct thread *t, uint64_t deadline)
{
	t->state = THREAD_WAITING;
	t->wait_status = STATUS_TIMEOUT;
	if (deadline != WAIT_INFINITE) {
		t->wake_tsc = deadline ? deadline : 1;
		t->timed_next = timed_head;
		timed_head = t;
		if (!next_due || t->wake_tsc < next_due)
			__atomic_store_n(&next_due, t->wake_tsc, __ATOMIC_RELAXED);
	}
	sched_block();
	return t->wait_status;
}

void wait_drop_refs(struct thread *t)
{
	struct wait_block *wb = t->wait;
	if (!wb || !wb->refs)
		return;
	for (uint32_t i = 0; i < wb->count; i++)
		obj_unref(wb->refs[i]);
	wb->refs = NULL;
}

ntstatus_t wait_for_objects(struct dispatcher **objs, uint32_t n, bool all, uint64_t deadline,
			    struct kobject **refs)
{
	struct thread *t = current_thread();
	struct wait_entry entries[WAIT_MAX_OBJECTS];
	struct wait_block wb = { entries, n, all, refs };
	ASSERT(n >= 1 && n <= WAIT_MAX_OBJECTS);
	for (uint32_t i = 0; i < n; i++)
		entries[i] = (struct wait_entry){ .thread = t, .obj = objs[i], .index = i };
	uint32_t index;
	if (satisfiable(t, &wb, &index))
		return complete(t, &wb, index);
	if (deadline == 0 || (deadline != WAIT_INFINITE && deadline <= rdtsc()))
		return STATUS_TIMEOUT;
	for (uint32_t i = 0; i < n; i++)
		entry_link(&entries[i]);
	t->wait = &wb;
	return block(t, deadline);
}

void dispatcher_signaled(struct dispatcher *d)
{
	struct wait_entry *e = d->head;
	while (e && d->signal > 0) {
		struct thread *t = e->thread;
		const struct wait_block *wb = t->wait;
		uint32_t index = e->index;
		bool ok = wb->all ? satisfiable(t, wb, &index) : available(d, t);
		if (!ok) {
			e = e->next;
			continue;
		}
		finish(t, complete(t, wb, wb->all ? index : e->index));
		e = d->head;	/* t's entries are gone (one may have been next): start over */
	}
}

void wait_sleep_until(uint64_t deadline)
{
	block(current_thread(), deadline);
}

uint64_t wait_expire(uint64_t now)
{
	uint64_t next = 0;
	struct thread *t = timed_head;
	while (t) {
		struct thread *after = t->timed_next;
		if (t->wake_tsc <= now)
			finish(t, STATUS_TIMEOUT);
		else if (!next || t->wake_tsc < next)
			next = t->wake_tsc;
		t = after;
	}
	__atomic_store_n(&next_due, next, __ATOMIC_RELAXED);
	return next;
}

bool wait_timer_due(uint64_t now)
{
	uint64_t due = __atomic_load_n(&next_due, __ATOMIC_RELAXED);
	return due && due <= now;
}

ntstatus_t wait_on_address(struct vm_space *vm, uint64_t addr, uint64_t compare, uint32_t size, uint64_t deadline)
{
	uint64_t value = 0;
	if (copy_from_user(&value, addr, size))
		return STATUS_ACCESS_VIOLATION;
	uint64_t mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	if ((value & mask) != (compare & mask))
		return STATUS_SUCCESS;
	if (deadline == 0 || (deadline != WAIT_INFINITE && deadline <= rdtsc()))
		return STATUS_TIMEOUT;
	struct thread *t = current_thread();
	struct addr_waiter w = { NULL, t, vm, addr };
	struct addr_waiter **pp = bucket_of(vm, addr);
	while (*pp)
		pp = &(*pp)->next;	/* first come, first woken */
	*pp = &w;
	t->awaiter = &w;
	return block(t, deadline);
}

void wake_address(struct vm_space *vm, uint64_t addr, bool all)
{
	struct addr_waiter *w = *bucket_of(vm, addr);
	while (w) {
		struct addr_waiter *next = w->next;
		if (w->vm == vm && w->addr == addr) {
			finish(w->thread, STATUS_SUCCESS);
			if (!all)
				return;
		}
		w = next;
	}
}

void wq_sleep(struct wait_queue *q)
{
	struct thread *t = current_thread();
	t->run_next = NULL;
	if (q->tail)
		q->tail->run_next = t;
	else
		q->head = t;
	q->tail = t;
	t->wq = q;
	block(t, WAIT_INFINITE);
}

void wq_wake_one(struct wait_queue *q)
{
	if (q->head)
		finish(q->head, STATUS_SUCCESS);
}

void wq_wake_all(struct wait_queue *q)
{
	while (q->head)
		finish(q->head, STATUS_SUCCESS);
}

/* The sleep of a contended kernel mutex (kernel/lock.h): 16 queues hashed by its address. */
#define MUTEX_QUEUES 16
static struct wait_queue mutex_queues[MUTEX_QUEUES];

static struct wait_queue *mutex_queue(const void *key)
{
	return &mutex_queues[((uintptr_t)key >> 4) % MUTEX_QUEUES];
}

static void mutex_sleep(const void *key)
{
	wq_sleep(mutex_queue(key));
}

static void mutex_wake(const void *key)
{
	wq_wake_all(mutex_queue(key));
}

void wait_init(void)
{
	static const struct lock_sleep_ops ops = { mutex_sleep, mutex_wake };
	lock_set_sleep_ops(&ops);
}

/* Events, mutants, semaphores. */

static void event_destroy(struct kobject *o)
{
	kfree(container_of(o, struct event, obj));
}

ntstatus_t event_create(bool synchronization, bool signaled, struct event **out)
{
	struct event *e = kmalloc(sizeof(*e));
	if (!e)
		return STATUS_NO_MEMORY;
	obj_init(&e->obj, KOBJ_EVENT, event_destroy);
	dispatcher_init(&e->disp, synchronization ? DISP_SYNCHRONIZATION : DISP_NOTIFICATION, signaled);
	*out = e;
	return STATUS_SUCCESS;
}

ntstatus_t event_set(struct event *e, int32_t *previous)
{
	*previous = e->disp.signal;
	e->disp.signal = 1;
	dispatcher_signaled(&e->disp);
	return STATUS_SUCCESS;
}

ntstatus_t event_reset(struct event *e, int32_t *previous)
{
	*previous = e->disp.signal;
	e->disp.signal = 0;
	return STATUS_SUCCESS;
}

ntstatus_t event_pulse(struct event *e, int32_t *previous)
{
	*previous = e->disp.signal;
	e->disp.signal = 1;
	dispatcher_signaled(&e->disp);
	e->disp.signal = 0;
	return STATUS_SUCCESS;
}

static void mutant_destroy(struct kobject *o)
{
	struct mutant *m = container_of(o, struct mutant, obj);
	if (m->owner) {	/* the last handle went while a thread still owns it: out of its list */
		for (struct mutant **pp = &m->owner->owned; *pp; pp = &(*pp)->owner_next) {
			if (*pp == m) {
				*pp = m->owner_next;
				break;
			}
		}
	}
	kfree(m);
}

ntstatus_t mutant_create(bool owned, struct mutant **out)
{
	struct mutant *m = kmalloc(sizeof(*m));
	if (!m)
		return STATUS_NO_MEMORY;
	obj_init(&m->obj, KOBJ_MUTANT, mutant_destroy);
	dispatcher_init(&m->disp, DISP_MUTANT, 1);
	m->owner = NULL;
	m->recursion = 0;
	m->abandoned = false;
	m->owner_next = NULL;
	if (owned)
		take(&m->disp, current_thread());
	*out = m;
	return STATUS_SUCCESS;
}

/* m is free again (released for good, or abandoned). */
static void mutant_free_up(struct mutant *m)
{
	struct thread *t = m->owner;
	for (struct mutant **pp = &t->owned; *pp; pp = &(*pp)->owner_next) {
		if (*pp == m) {
			*pp = m->owner_next;
			break;
		}
	}
	m->owner = NULL;
	m->recursion = 0;
	m->disp.signal = 1;
	dispatcher_signaled(&m->disp);
}

ntstatus_t mutant_release(struct mutant *m, int32_t *previous)
{
	if (m->owner != current_thread())
		return STATUS_MUTANT_NOT_OWNED;
	*previous = 1 - (int32_t)m->recursion;	/* NT's signal state of an owned mutant */
	if (--m->recursion == 0)
		mutant_free_up(m);
	return STATUS_SUCCESS;
}

void mutants_abandon(struct thread *t)
{
	while (t->owned) {
		struct mutant *m = t->owned;
		m->abandoned = true;
		mutant_free_up(m);
	}
}

static void semaphore_destroy(struct kobject *o)
{
	kfree(container_of(o, struct semaphore, obj));
}

ntstatus_t semaphore_create(int32_t initial, int32_t maximum, struct semaphore **out)
{
	if (maximum <= 0 || initial < 0 || initial > maximum)
		return STATUS_INVALID_PARAMETER;
	struct semaphore *s = kmalloc(sizeof(*s));
	if (!s)
		return STATUS_NO_MEMORY;
	obj_init(&s->obj, KOBJ_SEMAPHORE, semaphore_destroy);
	dispatcher_init(&s->disp, DISP_SEMAPHORE, initial);
	s->maximum = maximum;
	*out = s;
	return STATUS_SUCCESS;
}

ntstatus_t semaphore_release(struct semaphore *s, int32_t count, int32_t *previous)
{
	if (count <= 0)
		return STATUS_INVALID_PARAMETER;
	if (count > s->maximum - s->disp.signal)
		return STATUS_SEMAPHORE_LIMIT_EXCEEDED;
	*previous = s->disp.signal;
	s->disp.signal += count;
	dispatcher_signaled(&s->disp);
	return STATUS_SUCCESS;
}
