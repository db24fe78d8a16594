/* kernel/sched.c - priority run queues, switching threads, the idle loop. */
#include "sched.h"
#include "cpu.h"
#include "fpu.h"
#include "gdt.h"
#include "lock.h"
#include "panic.h"
#include "proc.h"
#include "time.h"
#include "wait.h"
#include "mm/pagecache.h"
#include "mm/paging.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count = 1;

#define PRIORITIES 32

static struct thread *queue_head[PRIORITIES], *queue_tail[PRIORITIES];
static uint32_t queue_mask;	/* bit p: queue p is not empty */
static struct thread *dead;	/* terminated threads whose kernel stacks go at the next switch */

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

void sched_init(void)
{
	struct cpu *c = &cpus[0];
	cpu_set_self(c);
	c->thread = &c->idle;
	c->proc = NULL;
	c->idle.state = THREAD_RUNNING;
	c->idle.kctx = (struct kheap_context){ NULL, POOL_FORCE };
	c->cr3 = read_cr3();
	wait_init();
}

void sched_load_cr3(uint64_t root)
{
	struct cpu *c = this_cpu();
	if (c->cr3 != root) {
		write_cr3(root);
		c->cr3 = root;
	}
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

/* The highest-priority ready thread, out of its queue; NULL when none. */
static struct thread *take_next(void)
{
	if (!queue_mask)
		return NULL;
	int p = 31 - __builtin_clz(queue_mask);
	struct thread *t = queue_head[p];
	sched_dequeue(t);
	return t;
}

void sched_make_ready(struct thread *t)
{
	t->state = THREAD_READY;
	if (t->suspend_count || t->queued)
		return;
	enqueue(t);
	struct thread *cur = current_thread();
	if (cur && t->priority > cur->priority)
		this_cpu()->need_resched = true;
}

/* Free the kernel stacks of threads that ended (never the running one's). */
static void reap_dead(void)
{
	struct cpu *c = this_cpu();
	while (dead && dead != c->thread) {
		struct thread *t = dead;
		dead = t->run_next;
		thread_free_kstack(t);
	}
}

/* Switch from the running context to next (a thread, or the idle loop). */
static void switch_to(struct thread *next)
{
	struct cpu *c = this_cpu();
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
		sched_load_cr3(np->vm.root);	/* threads of one process switch without a CR3 write */
		wrmsr(MSR_KERNEL_GS, next->teb);	/* the user GS base: swapgs puts it in place on the way out */
		fpu_restore(next->fpu);
		next->run_start = now;
		next->slice_start = now;
		if (next->kernel_entry)
			next->kernel_entry = now;	/* its system call goes on: kernel time from now */
	}
	/*
	 * The idle loop keeps whatever page table is loaded (the kernel half is in
	 * every one): coming back to the same process costs no TLB flush.  An
	 * address space is torn down only after its process's last thread loaded
	 * kernel_root (proc_exit), or while another one is loaded (proc_terminate).
	 */
	next->state = THREAD_RUNNING;
	prev->kctx = kheap_context_set(next->kctx.quota, next->kctx.level);
	c->thread = next;
	c->proc = np;
	c->need_resched = false;
	lock_thread_switch(&next->locks);
	context_switch(&prev->saved_rsp, next->saved_rsp);
	/* prev runs again here */
	reap_dead();
}

void sched_block(void)
{
	struct cpu *c = this_cpu();
	lockdep_assert_no_spinlocks();	/* a thread never sleeps holding a spinlock (docs/locking.md) */
	struct thread *t = c->thread;
	ASSERT(t != &c->idle && t->state != THREAD_RUNNING);
	struct thread *next = take_next();
	if (t->state == THREAD_TERMINATED) {
		t->run_next = dead;
		dead = t;	/* its stack goes once the next context runs (reap_dead) */
		if (!t->proc->threads && next) {
			/* The process ended: the idle loop looks at whether the run is over first. */
			enqueue_front(next);
			next = NULL;
		}
		switch_to(next ? next : &c->idle);
		panic("a terminated thread was scheduled");
	}
	switch_to(next ? next : &c->idle);
}

/* The priority of the best ready thread, -1 when none is ready. */
static int top_priority(void)
{
	return queue_mask ? 31 - __builtin_clz(queue_mask) : -1;
}

void sched_preempt(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->thread;
	c->need_resched = false;
	if (t == &c->idle)
		return;
	if (top_priority() < t->priority) {
		t->slice_start = rdtsc();	/* nobody at its level or above: a new slice */
		return;
	}
	struct thread *next = take_next();
	t->state = THREAD_READY;
	enqueue(t);
	switch_to(next);
}

bool sched_yield(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->thread;
	uint64_t now = rdtsc();
	wait_expire(now);
	if (top_priority() < t->priority)
		return false;
	struct thread *next = take_next();
	t->state = THREAD_READY;
	enqueue(t);
	switch_to(next);
	return true;
}

void sched_run_until(bool (*done)(void *), void *arg)
{
	struct cpu *c = this_cpu();
	ASSERT(c->thread == &c->idle);
	while (!done(arg)) {
		reap_dead();
		wait_expire(rdtsc());
		struct thread *t = take_next();
		if (t) {
			switch_to(t);
			continue;
		}
		/*
		 * Nothing ready: the page cache's writer gets its turn (at most once a
		 * second it writes the oldest dirty file pages), then idle until the
		 * next interrupt (timer tick) ends a timed wait.
		 */
		if (pagecache_writer_tick())
			continue;
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
	reap_dead();
}
