/*
 * kernel/sched.c - priority run queues, switching threads, the idle loops of
 * every CPU, and the requests (kill, suspend, move) that reach a thread
 * running on another CPU.
 *
 * Lock: the kernel lock (kernel/klock.h) guards the run queues, the dead
 * list and every thread's scheduling fields (state, queued, cpu, priority,
 * affinity, suspend_count, the requests); a CPU holds it from kernel entry
 * to kernel exit and keeps it across a switch.  Other CPUs' `thread`,
 * `proc` and `need_resched` are read and written under it too.
 */
#include "sched.h"
#include "cpu.h"
#include "fpu.h"
#include "gdt.h"
#include "klock.h"
#include "lock.h"
#include "panic.h"
#include "proc.h"
#include "time.h"
#include "wait.h"
#include "mm/pagecache.h"
#include "mm/paging.h"
#include "mm/tlb.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count = 1;

#define PRIORITIES 32

static struct thread *queue_head[PRIORITIES], *queue_tail[PRIORITIES];
static uint32_t queue_mask;	/* bit p: queue p is not empty */
static struct thread *dead;	/* terminated threads whose kernel stacks go at the next switch */
static void (*send_ipi)(unsigned cpu, uint8_t vector);
static uint8_t resched_vector;

void context_switch(uint64_t *save_rsp, uint64_t new_rsp);
void thread_free_kstack(struct thread *t);

void cpu_set_self(struct cpu *c)
{
	c->self = c;
	c->index = (uint32_t)(c - cpus);
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS, 0);
	uint32_t r[4];
	cpuid(0x80000001, 0, r);
	if (r[3] & (1u << 27))	/* RDTSCP */
		wrmsr(MSR_TSC_AUX, c->index);	/* GetCurrentProcessorNumber: rdtscp/rdpid in user mode */
	lock_thread_switch(&c->idle.locks);	/* lockdep's held-lock stack of this CPU's boot context */
}

/* This CPU's idle context becomes the running one (the boot CPU at sched_init, each AP at its start). */
static void idle_init(struct cpu *c)
{
	c->thread = &c->idle;
	c->proc = NULL;
	c->idle.state = THREAD_RUNNING;
	c->idle.kctx = (struct kheap_context){ NULL, POOL_FORCE };
	c->idle.cpu = c->index;
	tlb_cpu_online(c->index, read_cr3());
}

static unsigned tlb_self(void)
{
	return this_cpu()->index;
}

void sched_init(void)
{
	struct cpu *c = &cpus[0];
	cpu_set_self(c);
	tlb_set_ipi(NULL, tlb_self);	/* the sender comes with the other CPUs (sched_set_ipi) */
	idle_init(c);
	c->online = true;
	klock_enter();	/* the boot CPU runs kernel code from here on: it holds the kernel lock except in its idle wait */
	wait_init();
}

static uint8_t tlb_vector;

static void tlb_send(unsigned cpu)
{
	send_ipi(cpu, tlb_vector);
}

void sched_set_ipi(void (*send)(unsigned cpu, uint8_t vector), uint8_t resched, uint8_t tlb)
{
	send_ipi = send;
	resched_vector = resched;
	tlb_vector = tlb;
	tlb_set_ipi(tlb_send, tlb_self);
}

/* Wake CPU c (not this one) so it looks at its need_resched or the run queues. */
static void kick(struct cpu *c)
{
	c->need_resched = true;
	if (c != this_cpu() && send_ipi)
		send_ipi(c->index, resched_vector);
}

void sched_load_cr3(uint64_t root)
{
	tlb_load_root(root, true);
}

static bool allowed(const struct thread *t, const struct cpu *c)
{
	return !t->affinity || ((t->affinity >> c->index) & 1);
}

static void enqueue(struct thread *t)
{
	ASSERT(!t->queued);
	int p = t->priority;
	t->run_next = NULL;
	if (queue_tail[p])
		queue_tail[p]->run_next = t;
	else
		queue_head[p] = t;
	queue_tail[p] = t;
	queue_mask |= 1u << p;
	t->queued = true;
}

/* Put t back at the head of its queue (it was taken, then not run). */
static void enqueue_front(struct thread *t)
{
	int p = t->priority;
	t->run_next = queue_head[p];
	queue_head[p] = t;
	if (!queue_tail[p])
		queue_tail[p] = t;
	queue_mask |= 1u << p;
	t->queued = true;
}

void sched_dequeue(struct thread *t)
{
	klock_assert_held();
	if (!t->queued)
		return;
	int p = t->priority;
	struct thread **pp = &queue_head[p], *prev = NULL;
	while (*pp != t) {
		prev = *pp;
		pp = &(*pp)->run_next;
	}
	*pp = t->run_next;
	if (queue_tail[p] == t)
		queue_tail[p] = prev;
	if (!queue_head[p])
		queue_mask &= ~(1u << p);
	t->queued = false;
}

/* The highest-priority ready thread c may run (first in its queue), NULL when none. */
static struct thread *best_ready(const struct cpu *c)
{
	for (uint32_t m = queue_mask; m;) {
		int p = 31 - __builtin_clz(m);
		for (struct thread *t = queue_head[p]; t; t = t->run_next)
			if (allowed(t, c))
				return t;
		m &= ~(1u << p);
	}
	return NULL;
}

/* best_ready, out of its queue. */
static struct thread *take_next(const struct cpu *c)
{
	struct thread *t = best_ready(c);
	if (t)
		sched_dequeue(t);
	return t;
}

/*
 * t was queued: find it a CPU.  An idle CPU it may run on is woken (its own
 * last CPU first); else the allowed CPU running the lowest priority below
 * t's is told to give way.  Otherwise t waits for a time slice to end.
 */
static void place(struct thread *t)
{
	struct cpu *self = this_cpu(), *idle = NULL, *lowest = NULL;
	for (unsigned i = 0; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (!c->online || !allowed(t, c))
			continue;
		if (c->thread == &c->idle) {
			if (c->need_resched)
				continue;	/* woken already, for another thread */
			if (!idle || i == t->cpu)
				idle = c;
			continue;
		}
		if (c->thread->priority < t->priority && (!lowest || c->thread->priority < lowest->thread->priority))
			lowest = c;
	}
	if (idle) {
		if (idle != self)
			kick(idle);
		return;
	}
	if (lowest)
		kick(lowest);
}

void sched_make_ready(struct thread *t)
{
	klock_assert_held();
	t->state = THREAD_READY;
	if (t->suspend_count || t->queued)
		return;
	enqueue(t);
	place(t);
}

/* Free the kernel stacks of threads that ended (never the running one's). */
static void reap_dead(struct cpu *c)
{
	while (dead && dead != c->thread) {
		struct thread *t = dead;
		dead = t->run_next;
		thread_free_kstack(t);
	}
}

/* Switch from the running context to next (a thread, or this CPU's idle loop). */
static void switch_to(struct cpu *c, struct thread *next)
{
	struct thread *prev = c->thread;
	uint64_t now = rdtsc();
	if (prev != &c->idle) {
		prev->total_cycles += now - prev->run_start;
		if (prev->kernel_entry)	/* switched out inside a system call: its kernel time so far */
			prev->kernel_cycles += now - prev->kernel_entry;
		fpu_save(prev->fpu);	/* the kernel never touches these registers: they are still prev's */
	}
	struct process *np = next == &c->idle ? NULL : next->proc;
	if (np) {
		c->kstack_top = next->kstack_top;
		tss_set_kernel_stack(next->kstack_top);
		/* threads of one process switch without a CR3 write; a CPU that idled through a shootdown flushes */
		tlb_load_root(np->vm.root, true);
		wrmsr(MSR_KERNEL_GS, next->teb);	/* the user GS base: swapgs puts it in place on the way out */
		fpu_restore(next->fpu);
		next->run_start = now;
		next->slice_start = now;
		if (next->kernel_entry)
			next->kernel_entry = now;	/* its system call goes on: kernel time from now */
	} else {
		/*
		 * The idle loop keeps whatever page table is loaded (the kernel half
		 * is in every one): coming back to the same process costs no TLB
		 * flush.  An address space is torn down only after every CPU left
		 * it (pt_destroy_root: tlb_root_free).
		 */
		tlb_load_root(0, false);
	}
	next->state = THREAD_RUNNING;
	next->cpu = c->index;
	prev->kctx = kheap_context_set(next->kctx.quota, next->kctx.level);
	c->thread = next;
	c->proc = np;
	c->need_resched = false;
	lock_thread_switch(&next->locks);
	context_switch(&prev->saved_rsp, next->saved_rsp);
	/* prev runs again here, maybe on another CPU */
	reap_dead(this_cpu());
}

void sched_block(void)
{
	klock_assert_held();
	lockdep_assert_no_spinlocks();	/* a thread never sleeps holding a spinlock (docs/locking.md) */
	struct cpu *c = this_cpu();
	struct thread *t = c->thread;
	ASSERT(t != &c->idle && t->state != THREAD_RUNNING);
	struct thread *next = take_next(c);
	if (t->state == THREAD_TERMINATED) {
		t->run_next = dead;
		dead = t;	/* its stack goes once the next context runs (reap_dead) */
		if (!t->proc->threads) {
			/* The process ended: the boot CPU's idle loop looks at whether the run is over first. */
			if (next) {
				enqueue_front(next);
				next = NULL;
			}
			if (c != &cpus[0])
				kick(&cpus[0]);
		}
		switch_to(c, next ? next : &c->idle);
		panic("a terminated thread was scheduled");
	}
	switch_to(c, next ? next : &c->idle);
}

void sched_preempt(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->thread;
	c->need_resched = false;
	if (t == &c->idle)
		return;
	struct thread *best = best_ready(c);
	bool must_move = !allowed(t, c);
	if (!must_move && (!best || best->priority < t->priority)) {
		t->slice_start = rdtsc();	/* nobody at its level or above: a new slice */
		return;
	}
	if (best)
		sched_dequeue(best);
	t->state = THREAD_READY;
	enqueue(t);
	if (must_move)
		place(t);	/* its new mask excludes this CPU: another one takes it */
	switch_to(c, best ? best : &c->idle);
}

bool sched_yield(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->thread;
	uint64_t now = rdtsc();
	wait_expire(now);
	struct thread *best = best_ready(c);
	if (!best || best->priority < t->priority)
		return false;
	sched_dequeue(best);
	t->state = THREAD_READY;
	enqueue(t);
	switch_to(c, best);
	return true;
}

void sched_affinity_changed(struct thread *t)
{
	klock_assert_held();
	if (t->state != THREAD_RUNNING) {
		if (t->queued)
			place(t);	/* an allowed CPU may be idle */
		return;
	}
	struct cpu *c = &cpus[t->cpu];
	if (!allowed(t, c))
		kick(c);	/* sched_preempt at its next return to user moves it */
}

/*
 * Nothing to run on c: give the kernel lock back and halt until there may
 * be work: a kick (need_resched), a queued thread, a timed wait that ended,
 * and on the boot CPU every 100 ms (its run loop's checks, the page cache's
 * writer).  Looked at without the lock, so an idle CPU's tick costs no lock.
 */
static void idle_wait(struct cpu *c)
{
	c->need_resched = false;
	klock_leave();
	uint64_t since = rdtsc(), housekeeping = 100 * time_tsc_per_ms();
	for (;;) {
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		uint64_t now = rdtsc();
		if (c->need_resched || __atomic_load_n(&queue_mask, __ATOMIC_RELAXED) || wait_timer_due(now) ||
		    (c->index == 0 && now - since >= housekeeping))
			break;
	}
	klock_enter();
}

void sched_run_until(bool (*done)(void *), void *arg)
{
	struct cpu *c = this_cpu();
	ASSERT(c->thread == &c->idle);
	while (!done(arg)) {
		reap_dead(c);
		wait_expire(rdtsc());
		struct thread *t = take_next(c);
		if (t) {
			switch_to(c, t);
			continue;
		}
		/*
		 * Nothing ready: the page cache's writer gets its turn (at most once a
		 * second it writes the oldest dirty file pages), then idle until the
		 * next interrupt (timer tick, IPI) ends a timed wait or brings work.
		 */
		if (pagecache_writer_tick())
			continue;
		idle_wait(c);
	}
	reap_dead(c);
}

void sched_ap_main(void)
{
	struct cpu *c = this_cpu();
	idle_init(c);
	/* smp_init waits for this (holding the kernel lock); from here IPIs reach it even while it waits for the lock */
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	klock_enter();
	for (;;) {
		reap_dead(c);
		wait_expire(rdtsc());
		struct thread *t = take_next(c);
		if (t)
			switch_to(c, t);
		else
			idle_wait(c);
	}
}

/* ---- requests to threads running on other CPUs -------------------------------------------- */

bool sched_request(struct thread *t)
{
	klock_assert_held();
	if (t->state != THREAD_RUNNING || t == current_thread())
		return false;
	kick(&cpus[t->cpu]);
	return true;
}

void sched_wait_off_cpu(struct thread *t)
{
	while (t->state == THREAD_RUNNING && t != current_thread()) {
		klock_leave();
		__asm__ volatile("sti; nop; pause; cli" ::: "memory");
		klock_enter();
		sched_entry_checks();
	}
}

void sched_entry_checks(void)
{
	struct thread *t = current_thread();
	if (!t)
		return;
	if (__builtin_expect(t->kill_requested, 0))
		thread_exit_requested(t);	/* no return */
	if (__builtin_expect(t->suspend_count != 0, 0)) {
		t->state = THREAD_READY;	/* runnable once resumed: sched_make_ready leaves it out of the queues */
		sched_block();
		if (t->kill_requested)
			thread_exit_requested(t);
	}
}

void sched_enter_from_user(void)
{
	klock_enter();
	sched_entry_checks();
}

void sched_leave_to_user(void)
{
	sched_check_resched();
	klock_leave();
}

void sched_first_entry(void)
{
	klock_leave();	/* a new thread's first switch ran with the kernel lock; it leaves for user mode */
}
