/*
 * kernel/sched.c - priority run queues, switching threads, the idle loops of
 * every CPU, and the requests (kill, suspend, move) that reach a thread
 * running on another CPU.
 *
 * Lock: the kernel lock (kernel/klock.h) guards every CPU's run queues, the
 * dead list and every thread's scheduling fields (state, queued, cpu,
 * priority, affinity, suspend_count, the requests); a CPU holds it from
 * kernel entry to kernel exit and keeps it across a switch.  Other CPUs'
 * `thread`, `proc`, `need_resched` and run queues are read and written
 * under it too (an idle CPU's halt loop reads its own rq_mask without it).
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

/*
 * Every CPU's queues at a glance: threads queued at each priority, and a bit
 * per priority with any (what an idle CPU's halt loop and best_ready look
 * at first, so a CPU whose own queues hold the best costs no scan).
 */
static uint16_t rq_count_at[32];
static uint32_t rq_any;
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

/* Queue t at the back (front: it was taken, then not run) of its priority on CPU c. */
static void enqueue_on(struct cpu *c, struct thread *t, bool front)
{
	ASSERT(!t->queued);
	int p = t->priority;
	if (front) {
		t->run_next = c->rq_head[p];
		c->rq_head[p] = t;
		if (!c->rq_tail[p])
			c->rq_tail[p] = t;
	} else {
		t->run_next = NULL;
		if (c->rq_tail[p])
			c->rq_tail[p]->run_next = t;
		else
			c->rq_head[p] = t;
		c->rq_tail[p] = t;
	}
	c->rq_mask |= 1u << p;
	c->rq_count++;
	if (rq_count_at[p]++ == 0)
		__atomic_store_n(&rq_any, rq_any | 1u << p, __ATOMIC_RELAXED);
	t->cpu = c->index;
	t->queued = true;
}

void sched_dequeue(struct thread *t)
{
	klock_assert_held();
	if (!t->queued)
		return;
	struct cpu *c = &cpus[t->cpu];
	int p = t->priority;
	struct thread **pp = &c->rq_head[p], *prev = NULL;
	while (*pp != t) {
		prev = *pp;
		pp = &(*pp)->run_next;
	}
	*pp = t->run_next;
	if (c->rq_tail[p] == t)
		c->rq_tail[p] = prev;
	if (!c->rq_head[p])
		c->rq_mask &= ~(1u << p);
	c->rq_count--;
	if (--rq_count_at[p] == 0)
		__atomic_store_n(&rq_any, rq_any & ~(1u << p), __ATOMIC_RELAXED);
	t->queued = false;
}

/* The first thread of the highest priority in mask among q's queues that may run on c, NULL when none. */
static struct thread *first_allowed(const struct cpu *q, const struct cpu *c, uint32_t mask)
{
	for (uint32_t m = mask; m;) {
		int p = 31 - __builtin_clz(m);
		for (struct thread *t = q->rq_head[p]; t; t = t->run_next)
			if (allowed(t, c))
				return t;
		m &= ~(1u << p);
	}
	return NULL;
}

/*
 * The thread c runs next, NULL when none: the first of the highest priority
 * among c's own queues and, where higher (or c has none), another CPU's
 * (the pull that balances the load).  Ties stay at home.
 */
static struct thread *best_ready(const struct cpu *c)
{
	struct thread *best = first_allowed(c, c, c->rq_mask);
	uint32_t above = best ? ~((2u << best->priority) - 1) : ~0u;
	if (!(rq_any & above))
		return best;	/* nothing better queued anywhere */
	for (unsigned i = 0; i < cpu_count; i++) {
		const struct cpu *q = &cpus[i];
		uint32_t higher = q->rq_mask & above;
		if (q == c || !higher)
			continue;
		struct thread *t = first_allowed(q, c, higher);
		if (t) {
			best = t;
			above = ~((2u << t->priority) - 1);
		}
	}
	return best;
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
 * Queue t on a CPU it may run on: an idle one not woken yet (its last or
 * ideal CPU first), which is woken; else the one running the lowest
 * priority below t's, which is told to give way; else the one with the
 * fewest queued threads (its last CPU on a tie), where t waits for a time
 * slice to end or a CPU to go idle and take it.
 */
static void place(struct thread *t)
{
	struct cpu *self = this_cpu(), *idle = NULL, *lowest = NULL, *fewest = NULL;
	struct cpu *one = t->affinity && !(t->affinity & (t->affinity - 1)) ? &cpus[__builtin_ctzll(t->affinity)] : NULL;
	if (one && one->online) {	/* pinned: no choice to make */
		struct cpu *c = one;
		bool wake = c->thread == &c->idle ? !c->need_resched && c != self : c->thread->priority < t->priority;
		enqueue_on(c, t, false);
		if (wake)
			kick(c);
		return;
	}
	for (unsigned i = 0; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (!c->online || !allowed(t, c))
			continue;
		if (!fewest || c->rq_count < fewest->rq_count || (c->rq_count == fewest->rq_count && i == t->cpu))
			fewest = c;	/* (no longer read once an idle or lower CPU is found) */
		if (c->thread == &c->idle) {
			if (c->need_resched)
				continue;	/* woken already, for another thread */
			if (!idle || i == t->cpu || (i == t->ideal_cpu && idle->index != t->cpu))
				idle = c;
			continue;
		}
		if (c->thread->priority < t->priority && (!lowest || c->thread->priority < lowest->thread->priority))
			lowest = c;
	}
	struct cpu *to = idle ? idle : lowest ? lowest : fewest ? fewest : self;
	enqueue_on(to, t, false);
	if (lowest && !idle)
		kick(to);	/* give way (this CPU: at its return to user mode) */
	else if (idle && idle != self)
		kick(to);
}

/* Some CPU has a thread queued (an idle CPU's halt loop looks, without the lock). */
static bool any_queued(void)
{
	return __atomic_load_n(&rq_any, __ATOMIC_RELAXED) != 0;
}

void sched_make_ready(struct thread *t)
{
	klock_assert_held();
	t->state = THREAD_READY;
	if (t->suspend_count || t->queued)
		return;
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
				enqueue_on(c, next, true);
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
	if (must_move)
		place(t);	/* its new mask excludes this CPU: another one takes it */
	else
		enqueue_on(c, t, false);
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
	enqueue_on(c, t, false);
	switch_to(c, best);
	return true;
}

void sched_affinity_changed(struct thread *t)
{
	klock_assert_held();
	if (t->state != THREAD_RUNNING) {
		if (t->queued) {
			sched_dequeue(t);
			place(t);	/* requeued where the new mask allows (an allowed CPU may be idle) */
		}
		return;
	}
	struct cpu *c = &cpus[t->cpu];
	if (!allowed(t, c))
		kick(c);	/* sched_preempt at its next return to user moves it */
}

/*
 * Nothing to run on c: give the kernel lock back and halt until there may
 * be work: a kick (need_resched), a thread queued on any CPU (taken from a
 * busy one, best_ready), a timed wait that ended,
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
		if (c->need_resched || any_queued() || wait_timer_due(now) ||
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
