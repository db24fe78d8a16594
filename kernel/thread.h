/*
 * kernel/thread.h - threads: the unit the scheduler runs.
 *
 * A thread belongs to one process (its address space, handles, images) and
 * has its own kernel stack, user registers (the trap frame at the top of
 * that stack), x87/SSE state, TEB, user stack, priority, suspend count and
 * wait block.  It is a kernel object (KOBJ_THREAD): handles keep the
 * structure alive after the thread ends, and waiting on it completes when
 * it ends.  docs/threads.md has the life of a thread.
 *
 * Lock: none yet beyond the kernel's rule on one CPU (interrupts off in the
 * kernel, no preemption there); every field is changed only by the CPU in
 * the kernel.  Issue 18 gives the scheduler fields a per-CPU run-queue lock.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include "lock.h"
#include "object.h"
#include "trap.h"
#include "wait.h"
#include "mm/kheap.h"

struct process;
struct abi_create_thread;

enum thread_state {
	THREAD_READY,		/* runnable: in a run queue unless suspended */
	THREAD_RUNNING,		/* on the CPU */
	THREAD_WAITING,		/* blocked in the kernel (a wait, a sleep, waitpid) */
	THREAD_TERMINATED,	/* ended: its kernel stack goes at the next switch */
};

struct thread {
	uint8_t fpu[512] __attribute__((aligned(16)));	/* x87/SSE state while switched out (FXSAVE) */
	struct kobject obj;		/* KOBJ_THREAD; refs: handles, plus one while it has a kernel stack */
	struct dispatcher disp;		/* signaled when it ends */
	uint32_t tid;
	enum thread_state state;
	struct process *proc;
	uint64_t kstack_top;
	uint64_t saved_rsp;		/* kernel stack pointer while switched out */
	uint64_t teb;			/* user addresses: TEB, and the stack region (DeallocationStack) */
	uint64_t stack_region;
	int priority;			/* 0..31 (8 + level for normal processes) */
	int level;			/* SetThreadPriority's level: -2..2, 15, -15 */
	uint64_t affinity;		/* CPUs it may run on (never 0; inside its process's mask: kernel/affinity.h) */
	uint32_t ideal_cpu;		/* SetThreadIdealProcessor's choice (a hint) */
	uint32_t suspend_count;
	uint32_t cpu;			/* the CPU it runs on, is queued on (queued), or last ran on */
	bool kill_requested;		/* killed while running on another CPU: it ends at its next kernel entry */
	bool kill_free_stack;		/* ... releasing its TEB and stack (thread_kill's free_stack) */
	int64_t kill_status;
	bool queued;			/* in a run queue: cpus[cpu]'s */
	bool full_restore;		/* NtSetContextThread in a system call: leave with `pending` by iretq */
	struct trap_frame pending;
	int64_t exit_status;		/* STATUS_PENDING while it runs */
	struct kheap_context kctx;	/* its kernel-heap context while switched out */
	struct lock_thread locks;	/* the locks it holds (lockdep) and its identity as a kmutex owner */
	struct wait_block *wait;	/* while THREAD_WAITING in a dispatcher wait */
	struct addr_waiter *awaiter;	/* while THREAD_WAITING on an address */
	struct wait_queue *wq;		/* while THREAD_WAITING on a kernel wait queue */
	uint64_t wake_tsc;		/* a timed wait's end (0: none) */
	ntstatus_t wait_status;		/* how the last wait ended */
	struct mutant *owned;		/* mutants it owns (abandoned when it ends) */
	uint64_t slice_start;		/* TSC when its time slice began */
	uint64_t run_start;		/* TSC when it was last dispatched */
	uint64_t kernel_cycles, total_cycles;	/* time in the kernel (system calls, faults) and in all */
	uint64_t kernel_entry;		/* TSC at the current kernel entry, 0 when in user mode */
	int64_t create_time, exit_time;	/* FILETIME */
	struct thread *run_next;	/* run queue, timed-wait list */
	struct thread *timed_next;
	struct thread *proc_next;	/* the process's threads */
	struct thread *all_next;	/* every thread (thread ids) */
};

/* The user registers of a thread in the kernel: the frame at the top of its kernel stack. */
static inline struct trap_frame *thread_frame(const struct thread *t)
{
	return (struct trap_frame *)(t->kstack_top - sizeof(struct trap_frame));
}

/*
 * A new thread of p with a kernel stack, not yet runnable; its first switch
 * enters user mode with *user.  fork: the child's thread of a fork
 * (proc_fork), with the calling thread's x87/SSE state (else the initial
 * one) and the spare kernel stack.  NULL with *status (STATUS_COMMITMENT_LIMIT,
 * STATUS_INSUFFICIENT_RESOURCES).  thread_start makes it runnable (or leaves
 * it suspended).
 */
struct thread *thread_new(struct process *p, const struct trap_frame *user, bool fork, ntstatus_t *status);
void thread_start(struct thread *t, bool suspended);
/* Undo thread_new for a thread that never ran. */
void thread_discard(struct thread *t);

/*
 * NtCreateThread: a thread of the current process with its own user stack
 * and TEB (syscall_abi.h says how they are made).  a->thread_id, ->teb and
 * ->stack_base are filled in.
 */
ntstatus_t thread_create_user(struct process *p, struct abi_create_thread *a, struct thread **out);

/* The TEB of thread t of p at teb: the fields the kernel sets. */
ntstatus_t thread_build_teb(struct process *p, uint64_t teb, uint32_t tid, uint64_t stack_top, uint64_t stack_limit,
			    uint64_t stack_region);

/* End the current thread with status; the last thread of its process ends the process.  Never returns. */
__attribute__((noreturn)) void thread_exit(int64_t status);

/*
 * End thread t (not the current one) wherever it is: out of its run queue
 * or wait, its mutants abandoned, its object signaled; with free_stack its
 * user stack and TEB are freed (not when the whole address space goes).
 * Its kernel stack goes at once when it is not running.  Running on another
 * CPU, it is asked to end (sched_request) and ends at its next kernel entry
 * (thread_exit_requested): returns false then, true when t ended now.
 */
bool thread_kill(struct thread *t, int64_t status, bool free_stack);

/* The current thread carries out a kill another CPU asked for (sched_entry_checks).  Never returns. */
__attribute__((noreturn)) void thread_exit_requested(struct thread *t);

/*
 * What every end of a thread does (thread_exit, thread_kill, proc_exit):
 * out of its wait and run queue, its mutants abandoned, its object
 * signaled, out of its process's list; THREAD_TERMINATED.  With free_stack
 * its TEB and user stack are released.
 */
void thread_finish(struct thread *t, int64_t status, bool free_stack);

ntstatus_t thread_suspend(struct thread *t, uint32_t *previous);
ntstatus_t thread_resume(struct thread *t, uint32_t *previous);

/* The thread with id tid (any process), or NULL. */
struct thread *thread_find(uint32_t tid);

/* Fill KERNEL_USER_TIMES-like values (100 ns units) for t. */
void thread_times(const struct thread *t, int64_t *kernel, int64_t *user);

/* Priority from a SetThreadPriority level; false for a level that is not one. */
bool thread_set_level(struct thread *t, int level);

/* Thread and process ids come from one counter (as Windows' client ids). */
uint32_t id_next(void);

#endif
