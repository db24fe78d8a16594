/*
 * kernel/sched.h - the scheduler: priority run queues over threads, time
 * slices from the timer, blocking and waking.
 *
 * 32 priorities as Windows has (a normal thread runs at 8 + its level);
 * the highest-priority ready thread runs, round robin among equals, a
 * thread preempted at the end of its slice goes to the back of its queue.
 * A thread that becomes ready with a higher priority than the running one
 * takes the CPU at the next return to user mode.  The kernel itself is not
 * preemptible: a thread leaves the CPU in the kernel only by blocking
 * (sched_block), ending, or being preempted on its way back to user mode.
 *
 * Several CPUs (issue 18): each CPU has its own 32 run queues, all under the
 * kernel lock (kernel/klock.h).  A thread made ready is queued on an idle CPU
 * it may run on (woken by IPI), else on the one running the lowest priority
 * below its own (told to give way), else on the allowed CPU with the fewest
 * queued threads.  A CPU picking its next thread takes from another CPU's
 * queues when they hold a higher priority than its own (or it has none):
 * the highest-priority ready threads run, and an idle CPU takes work from a
 * busy one before it halts.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "thread.h"

#define MAX_CPUS 16

/*
 * Per-CPU data, reached through GS in the kernel (syscall entry uses the
 * first two fields; `self` makes this_cpu() one load).  Each CPU touches
 * only its own, except where a field says otherwise.
 */
struct cpu {
	uint64_t kstack_top;		/* %gs:0 */
	uint64_t user_rsp;		/* %gs:8, scratch for syscall entry */
	struct thread *thread;		/* %gs:16: the running thread, or the idle one */
	struct cpu *self;		/* %gs:24 */
	uint32_t index;			/* %gs:32 (lock_cpu_id): 0 = the boot CPU; also in TSC_AUX (rdtscp, rdpid) */
	uint32_t apic_id;		/* its local APIC's ID */
	struct process *proc;		/* its process, NULL in the idle loop */
	struct thread idle;		/* the CPU's boot stack context: the idle loop */
	bool need_resched;		/* a higher-priority thread is ready (set by other CPUs too) */
	bool online;			/* started and scheduling */
	bool klock_waiting;		/* in klock_enter (a debug check against nesting) */
	bool klock_shared;		/* holds the kernel lock shared (the parallel fault path) */
	/* Its run queues (kernel lock; other CPUs queue and take here too): */
	uint32_t rq_mask;		/* bit p: rq_head[p] is not empty */
	uint32_t rq_count;		/* threads queued here */
	struct thread *rq_head[32], *rq_tail[32];
};
extern struct cpu cpus[MAX_CPUS];
extern unsigned cpu_count;		/* CPUs found (started or not) */

/* This CPU's data.  volatile: a thread that blocked may resume on another CPU. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mov %%gs:24, %0" : "=r"(c));
	return c;
}

/* The running thread, NULL in the idle loop (and before the first thread runs). */
static inline struct thread *current_thread(void)
{
	struct cpu *c = this_cpu();
	return c->proc ? c->thread : NULL;
}

/* Make c this CPU's per-CPU data (GS base, TSC_AUX); at each CPU's start. */
void cpu_set_self(struct cpu *c);

void sched_init(void);

/* Load page table root (no-op when it is loaded). */
void sched_load_cr3(uint64_t root);

/*
 * The other CPUs are there: how to send them an IPI, and the vectors of
 * the reschedule and TLB-shootdown interrupts (kernel/ipi.c).
 */
void sched_set_ipi(void (*send)(unsigned cpu, uint8_t vector), uint8_t resched, uint8_t tlb);

/* An AP's scheduling loop, after its start-up (kernel/smp.c); never returns. */
void sched_ap_main(void) __attribute__((noreturn));

/*
 * Kernel entry from user mode (system call, exception, interrupt): take the
 * kernel lock, then carry out what other CPUs asked of this thread while
 * it ran (a kill, a suspend).  Kernel exit: give way if asked, give the
 * lock back.
 */
void sched_enter_from_user(void);
void sched_leave_to_user(void);
/* The kill/suspend requests alone (after the kernel lock was taken again inside a call). */
void sched_entry_checks(void);
/* A new thread's first way out to user mode (kernel/switch.S). */
void sched_first_entry(void);

/*
 * t runs on another CPU: make that CPU enter the kernel soon (IPI), where t
 * finds the request the caller stored in it (kill_requested,
 * suspend_count).  False (nothing sent) when t is not running elsewhere.
 */
bool sched_request(struct thread *t);
/* Wait until t is off its CPU (suspended, blocked, ended): GetThreadContext of a suspended thread. */
void sched_wait_off_cpu(struct thread *t);

/* t is runnable (READY); queued unless suspended. */
void sched_make_ready(struct thread *t);
/* Take a READY thread out of its run queue (suspend, kill). */
void sched_dequeue(struct thread *t);

/*
 * The current thread stops running: its state is already set (WAITING or
 * TERMINATED) by the caller.  Returns when it runs again.
 */
void sched_block(void);

/* The time slice is over or a higher-priority thread is ready: to the back of the line. */
void sched_preempt(void);

/*
 * t->affinity changed (kernel/affinity.h): when the mask no longer allows
 * the CPU t runs on or is queued for, t moves before this returns.  A weak
 * no-op in kernel/syscall_smp.c until the SMP scheduler defines it.
 */
void sched_affinity_changed(struct thread *t);

/* NtYieldExecution: false when no other thread was ready to run. */
bool sched_yield(void);

/* At a return to user mode: give way if a higher-priority thread became ready. */
static inline void sched_check_resched(void)
{
	if (this_cpu()->need_resched)
		sched_preempt();
}

/*
 * The idle loop (boot stack): run threads until `done(arg)` holds, halting
 * when none is ready.
 */
void sched_run_until(bool (*done)(void *), void *arg);

#endif
