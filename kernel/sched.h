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
 * Lock: one CPU, interrupts off in the kernel (none needed yet); issue 18
 * gives each CPU a run queue with its own spinlock.
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
	bool tlb_stale;			/* its TLB may hold entries of cr3 that changed while it idled (mm/tlb.c) */
	uint64_t cr3;			/* the page table loaded (other CPUs read it under the kernel lock) */
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
