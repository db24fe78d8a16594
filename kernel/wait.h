/*
 * kernel/wait.h - what a thread can wait for: dispatcher objects (NT's
 * DISPATCHER_HEADER: events, mutants, semaphores, threads, processes),
 * addresses (WaitOnAddress), and plain wait queues for kernel code.
 *
 * A dispatcher object has a signal state and a list of wait entries, one
 * per (waiting thread, object).  A wait that cannot be satisfied at once
 * links an entry into each object's list and blocks; whoever makes an object
 * signaled calls dispatcher_signaled, which satisfies waiters in arrival
 * order while the object stays signaled: a wait-any takes the object, a
 * wait-all takes all of its objects at once when all are available.
 *
 * Lock: on one CPU the kernel is not preemptible and runs with interrupts
 * off, so testing a wait and going to sleep is atomic.  Issue 18 adds one
 * dispatcher lock (a spinlock, taken with interrupts off) over every signal
 * state and wait list, as NT's dispatcher lock was.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include "object.h"

struct thread;
struct vm_space;

enum dispatcher_kind {
	DISP_NOTIFICATION,	/* manual-reset event, thread, process: stays signaled */
	DISP_SYNCHRONIZATION,	/* auto-reset event: one waiter takes it */
	DISP_SEMAPHORE,		/* signal = count */
	DISP_MUTANT,		/* signal 1 when free; the owner may take it again */
};

struct wait_entry {
	struct wait_entry *next, *prev;	/* the object's waiters */
	struct thread *thread;
	struct dispatcher *obj;
	uint32_t index;			/* in the thread's wait */
};

struct dispatcher {
	int32_t signal;
	uint8_t kind;
	struct wait_entry *head, *tail;
};

/* A thread's wait in progress (on its kernel stack). */
struct wait_block {
	struct wait_entry *entries;
	uint32_t count;
	bool all;
	struct kobject **refs;		/* the references the waiter holds on the objects (count of them), or NULL */
};

struct mutant {
	struct kobject obj;		/* KOBJ_MUTANT */
	struct dispatcher disp;
	struct thread *owner;
	uint32_t recursion;
	bool abandoned;			/* the owner ended holding it; the next taker is told */
	struct mutant *owner_next;	/* the owner's list */
};

struct semaphore {
	struct kobject obj;		/* KOBJ_SEMAPHORE */
	struct dispatcher disp;
	int32_t maximum;
};

struct event {
	struct kobject obj;		/* KOBJ_EVENT */
	struct dispatcher disp;
};

#define WAIT_INFINITE UINT64_MAX	/* deadline of a wait without a timeout */
#define WAIT_MAX_OBJECTS 64		/* MAXIMUM_WAIT_OBJECTS */

/* Boot: contended kernel mutexes sleep on wait queues from now on (kernel/lock.h). */
void wait_init(void);

void dispatcher_init(struct dispatcher *d, enum dispatcher_kind kind, int32_t signal);

/* The dispatcher of a waitable object, NULL for sections and files. */
struct dispatcher *object_dispatcher(struct kobject *o);

/*
 * Wait for objs[0..n) (any, or all), until the TSC deadline (0: do not
 * block; WAIT_INFINITE: no timeout).  Returns STATUS_WAIT_0 + i,
 * STATUS_ABANDONED_WAIT_0 + i (i the object taken, or 0 for a wait-all),
 * or STATUS_TIMEOUT.  The objects must stay alive during the wait: the
 * caller holds a reference on each of refs[0..n) (NULL: kernel objects that
 * outlive it), which wait_drop_refs gives back if the thread is killed
 * while it waits.
 */
ntstatus_t wait_for_objects(struct dispatcher **objs, uint32_t n, bool all, uint64_t deadline,
			    struct kobject **refs);

/*
 * Thread t, blocked in a wait, is being killed (it will never return from
 * the wait): the references its wait holds go.  A blocked thread holds
 * nothing else in the kernel (docs/threads.md: it blocks only at the top
 * of a system call).
 */
void wait_drop_refs(struct thread *t);

/* d became signaled (or more signaled): satisfy its waiters while it lasts. */
void dispatcher_signaled(struct dispatcher *d);

/* Sleep until the TSC deadline. */
void wait_sleep_until(uint64_t deadline);

/* NtWaitOnAddress: sleep while the user value at addr (size bytes) equals compare. */
ntstatus_t wait_on_address(struct vm_space *vm, uint64_t addr, uint64_t compare, uint32_t size, uint64_t deadline);
/* NtWakeAddress: wake one or all threads of vm sleeping on addr. */
void wake_address(struct vm_space *vm, uint64_t addr, bool all);

/* A thread's wait ended early (killed): unlink it from everything it waits on. */
void wait_cancel(struct thread *t);

/* The timed waits whose deadline has passed end with STATUS_TIMEOUT; returns the next deadline (0: none). */
uint64_t wait_expire(uint64_t now);
/* Without the kernel lock: a timed wait may have ended by `now` (wait_expire has work). */
bool wait_timer_due(uint64_t now);

/* Events, mutants, semaphores (NtCreateEvent, NtSetEvent, NtReleaseMutant ...): statuses as syscall_abi.h says. */
ntstatus_t event_create(bool synchronization, bool signaled, struct event **out);
ntstatus_t event_set(struct event *e, int32_t *previous);
ntstatus_t event_reset(struct event *e, int32_t *previous);
ntstatus_t event_pulse(struct event *e, int32_t *previous);
ntstatus_t mutant_create(bool owned, struct mutant **out);
ntstatus_t mutant_release(struct mutant *m, int32_t *previous);
ntstatus_t semaphore_create(int32_t initial, int32_t maximum, struct semaphore **out);
ntstatus_t semaphore_release(struct semaphore *s, int32_t count, int32_t *previous);

/* Thread t ends: every mutant it owns is released as abandoned. */
void mutants_abandon(struct thread *t);

/*
 * A plain wait queue for kernel code (waitpid, sleeping locks): threads
 * sleep on it until woken.  wq_sleep returns after a wake (callers recheck
 * their condition).
 */
struct wait_queue {
	struct thread *head, *tail;
};
void wq_sleep(struct wait_queue *q);
void wq_wake_one(struct wait_queue *q);
void wq_wake_all(struct wait_queue *q);

#define STATUS_TIMEOUT              ((ntstatus_t)0x00000102)
#define STATUS_ABANDONED_WAIT_0     ((ntstatus_t)0x00000080)
#define STATUS_MUTANT_NOT_OWNED     ((ntstatus_t)0xC0000046)
#define STATUS_SEMAPHORE_LIMIT_EXCEEDED ((ntstatus_t)0xC0000047)
#define STATUS_MUTANT_LIMIT_EXCEEDED ((ntstatus_t)0xC0000191)
#define STATUS_INVALID_PARAMETER_MIX ((ntstatus_t)0xC0000030)
#define STATUS_PENDING              ((ntstatus_t)0x00000103)
#define STATUS_NO_YIELD_PERFORMED   ((ntstatus_t)0x40000024)
#define STATUS_SUSPEND_COUNT_EXCEEDED ((ntstatus_t)0xC000004A)
#define STATUS_INVALID_CID          ((ntstatus_t)0xC000000B)
#define STATUS_THREAD_IS_TERMINATING ((ntstatus_t)0xC000004B)
#define STATUS_UNSUCCESSFUL         ((ntstatus_t)0xC0000001)

#endif
