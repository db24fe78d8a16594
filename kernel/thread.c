/*
 * kernel/thread.c - threads: creation (kernel stack, user stack, TEB),
 * ending, killing, suspending, and the thread list.  Scheduling is in
 * kernel/sched.c, waiting in kernel/wait.c.
 */
#include "thread.h"
#include "affinity.h"
#include "cpu.h"
#include "fpu.h"
#include "gdt.h"
#include "layout.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "syscall_abi.h"
#include "time.h"
#include "fs/fat.h"
#include "mm/kpaging.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/vm.h"
#include "mm/vm_ext.h"

#include <string.h>

#define KSTACK_PAGES (KERNEL_STACK_SIZE / PAGE_SIZE)
#define STACK_RESERVE_MAX (1ULL << 40)
#define PAGE_UP(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define ROUND_UP(a, n) (((a) + (n) - 1) & ~((uint64_t)(n) - 1))

/* Windows' TEB offsets (winternl.h): docs/loader.md. */
#define TEB_SIZE               0x2000
#define TEB_STACK_BASE         0x08
#define TEB_STACK_LIMIT        0x10
#define TEB_SELF               0x30
#define TEB_CLIENT_ID          0x40	/* UniqueProcess, UniqueThread */
#define TEB_PEB                0x60
#define TEB_DEALLOCATION_STACK 0x1478

#define NORMAL_PRIORITY 8

extern char proc_first_entry[];
static struct thread *all_threads;
static uint32_t next_id = 1;

uint32_t id_next(void)
{
	return next_id++;
}

struct thread *thread_find(uint32_t tid)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* The last reference is gone (its kernel stack already is). */
static void thread_destroy(struct kobject *o)
{
	struct thread *t = (struct thread *)((char *)o - __builtin_offsetof(struct thread, obj));
	for (struct thread **pp = &all_threads; *pp; pp = &(*pp)->all_next) {
		if (*pp == t) {
			*pp = t->all_next;
			break;
		}
	}
	struct process *p = t->proc;
	kfree(t);
	obj_unref(&p->obj);
}

/* thread_new zeroes the object but for its x87/SSE area, which it writes whole (a third of the object). */
_Static_assert(__builtin_offsetof(struct thread, fpu) == 0, "struct thread begins with fpu");

struct thread *thread_new(struct process *p, const struct trap_frame *user, bool fork, ntstatus_t *status)
{
	if (!vm_charge_system(KSTACK_PAGES)) {
		*status = STATUS_COMMITMENT_LIMIT;
		return NULL;
	}
	struct thread *t = kmalloc_uninit(sizeof(*t));
	/*
	 * A process's first thread allocates its stack; later threads take the
	 * spare (mm/kpaging.h), which is back once they end: a program that
	 * counts frames with its main thread alive sees them all come back.  So
	 * does a fork's child, which lives no longer than a thread as a rule
	 * (it exits or execs): each fork+exit would otherwise map and unmap a
	 * stack of 4 frames (kstack_alloc cost the fork about 1,000 cycles).
	 */
	uint64_t top = !t ? 0 : p->thread_count || fork ? kstack_get() : kstack_alloc();
	if (!top) {
		kfree(t);
		vm_uncharge_system(KSTACK_PAGES);
		*status = STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	memset((char *)t + sizeof(t->fpu), 0, sizeof(*t) - sizeof(t->fpu));
	if (fork)
		fpu_save(t->fpu);	/* the caller's x87/SSE registers are live in the CPU */
	else
		memcpy(t->fpu, fpu_initial_state, sizeof(t->fpu));
	obj_init(&t->obj, KOBJ_THREAD, thread_destroy);	/* this reference: its kernel stack's */
	obj_ref(&p->obj);	/* a thread object outlives neither its process structure */
	dispatcher_init(&t->disp, DISP_NOTIFICATION, 0);
	t->proc = p;
	t->kstack_top = top;
	t->priority = NORMAL_PRIORITY;
	t->affinity = affinity_process(p);
	t->exit_status = STATUS_PENDING;
	t->kctx = (struct kheap_context){ p->quota, POOL_FORCE };
	t->create_time = clock_now();
	/* The first switch pops six callee-saved registers and returns to proc_first_entry, which irets to *user. */
	struct trap_frame *tf = thread_frame(t);
	*tf = *user;
	uint64_t *sp = (uint64_t *)tf;
	*--sp = (uint64_t)proc_first_entry;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->saved_rsp = (uint64_t)sp;
	return t;
}

void thread_discard(struct thread *t)
{
	kstack_put(t->kstack_top);
	vm_uncharge_system(KSTACK_PAGES);
	struct process *p = t->proc;
	kfree(t);
	obj_unref(&p->obj);
}

void thread_start(struct thread *t, bool suspended)
{
	struct process *p = t->proc;
	if (!t->tid)
		t->tid = id_next();
	t->proc_next = p->threads;
	p->threads = t;
	p->thread_count++;
	t->all_next = all_threads;
	all_threads = t;
	t->suspend_count = suspended ? 1 : 0;
	sched_make_ready(t);
}

/* Called by the idle loop for a thread that ended: its kernel stack goes, and the stack's reference. */
void thread_free_kstack(struct thread *t)
{
	kstack_put(t->kstack_top);
	t->kstack_top = 0;
	vm_uncharge_system(KSTACK_PAGES);
	obj_unref(&t->obj);
}

static void put64(uint8_t *b, uint64_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

/*
 * Write len bytes at va (inside one page of p's fresh TEB): the page is
 * mapped by the first-touch path of user faults (vm_fault_fast: a zeroed
 * frame, no vm lock, half the cycles of vm_fault) and written through the
 * direct map; vm_poke when that path declines.
 */
static ntstatus_t teb_poke(struct process *p, uint64_t va, const void *src, uint64_t len)
{
	if (vm_fault_fast(&p->vm, va, VM_ACCESS_WRITE)) {
		pte_t *pte = pt_walk(p->vm.root, va & ~(PAGE_SIZE - 1), false);
		if (pte && (*pte & PTE_P) && (*pte & PTE_W)) {
			memcpy((uint8_t *)phys_to_virt(*pte & PTE_ADDR) + (va & (PAGE_SIZE - 1)), src, len);
			return STATUS_SUCCESS;
		}
	}
	return vm_poke(&p->vm, va, src, len);
}

/* The frame behind a present writable user entry, through the direct map; NULL for any other entry. */
static uint8_t *writable_page(pte_t e)
{
	return (e & (PTE_P | PTE_W)) == (PTE_P | PTE_W) ? phys_to_virt(e & PTE_ADDR) : NULL;
}

ntstatus_t thread_build_teb(struct process *p, uint64_t teb, uint32_t tid, uint64_t stack_top, uint64_t stack_limit,
			    uint64_t stack_region)
{
	/* The TEB is fresh zeroed memory: only the fields that are not zero are written (two small copies). */
	uint8_t head[TEB_PEB + 8] = { 0 };
	put64(head, TEB_STACK_BASE, stack_top);
	put64(head, TEB_STACK_LIMIT, stack_limit);
	put64(head, TEB_SELF, teb);
	put64(head, TEB_CLIENT_ID, (uint64_t)p->pid);
	put64(head, TEB_CLIENT_ID + 8, tid);
	put64(head, TEB_PEB, p->peb);
	/* Both pages mapped already (vm_create_thread_regions): one table walk, two stores. */
	pte_t *pte = ((teb >> 12) & 511) != 511 ? pt_walk(p->vm.root, teb, false) : NULL;
	uint8_t *lo = pte ? writable_page(pte[0]) : NULL, *hi = pte ? writable_page(pte[1]) : NULL;
	if (lo && hi) {
		memcpy(lo + TEB_STACK_BASE, head + TEB_STACK_BASE, sizeof(head) - TEB_STACK_BASE);
		memcpy(hi + TEB_DEALLOCATION_STACK - PAGE_SIZE, &stack_region, 8);
		return STATUS_SUCCESS;
	}
	ntstatus_t st = teb_poke(p, teb + TEB_STACK_BASE, head + TEB_STACK_BASE, sizeof(head) - TEB_STACK_BASE);
	if (!st)
		st = teb_poke(p, teb + TEB_DEALLOCATION_STACK, &stack_region, 8);
	return st;
}

/* Free [base, ...) as MEM_RELEASE in p's address space, ignoring what is not there. */
static void release_region(struct process *p, uint64_t base)
{
	uint64_t size = 0;
	if (base)
		vm_free(&p->vm, &base, &size, W_MEM_RELEASE);
}

ntstatus_t thread_create_user(struct process *p, struct abi_create_thread *a, struct thread **out)
{
	uint64_t commit = a->stack_commit ? a->stack_commit : p->stack_commit;
	uint64_t reserve = a->stack_reserve ? a->stack_reserve : p->stack_reserve;
	if (commit > STACK_RESERVE_MAX || reserve > STACK_RESERVE_MAX)
		return STATUS_INVALID_PARAMETER;
	commit = PAGE_UP(commit ? commit : PAGE_SIZE);
	reserve = ROUND_UP(reserve ? reserve : 0x100000, 0x10000);
	if (commit >= reserve)
		reserve = ROUND_UP(commit, 0x100000);
	if (reserve < commit + 2 * PAGE_SIZE)	/* room for the guard page and the never-committed lowest page */
		reserve = ROUND_UP(commit + 2 * PAGE_SIZE, 0x100000);
	uint64_t top, teb;
	ntstatus_t st = vm_create_thread_regions(&p->vm, reserve, commit, TEB_SIZE, &top, &teb);
	if (st)
		return st;
	struct trap_frame tf = { .rip = a->start, .cs = SEL_UCODE, .rflags = 0x202, .rsp = top - 40, .ss = SEL_UDATA,
				 .rcx = a->arg1, .rdx = a->arg2, .rdi = a->arg1, .rsi = a->arg2 };
	struct thread *t = NULL;
	ntstatus_t tst = 0;
	if (!st && !(t = thread_new(p, &tf, false, &tst)))
		st = tst;
	if (!st) {
		t->tid = id_next();
		t->teb = teb;
		t->stack_region = top - reserve;
		st = thread_build_teb(p, teb, t->tid, top, top - commit, top - reserve);
		if (st) {
			thread_discard(t);
			t = NULL;
		}
	}
	if (st) {
		vm_release_thread_regions(&p->vm, teb, top - reserve);
		return st;
	}
	a->thread_id = t->tid;
	a->teb = teb;
	a->stack_base = top;
	thread_start(t, a->flags & ABI_THREAD_CREATE_SUSPENDED);
	*out = t;
	return STATUS_SUCCESS;
}

/*
 * What every end of a thread does: its wait and run queue left, its
 * mutants abandoned, its object signaled, out of its process's list (the
 * process's times keep its own).  With free_stack, its TEB and user stack
 * are released (its process's address space is the current one).
 */
void thread_finish(struct thread *t, int64_t status, bool free_stack)
{
	struct process *p = t->proc;
	wait_cancel(t);
	sched_dequeue(t);
	mutants_abandon(t);
	t->exit_status = status;
	t->exit_time = clock_now();
	if (free_stack)
		vm_release_thread_regions(&p->vm, t->teb, t->stack_region);
	t->state = THREAD_TERMINATED;
	for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->proc_next) {
		if (*pp == t) {
			*pp = t->proc_next;
			break;
		}
	}
	p->thread_count--;
	if (t == current_thread()) {
		uint64_t now = rdtsc();
		t->total_cycles += now - t->run_start;
		t->run_start = now;
	}
	p->dead_kernel_cycles += t->kernel_cycles;
	p->dead_total_cycles += t->total_cycles;
	t->disp.signal = 1;
	dispatcher_signaled(&t->disp);
}

void thread_exit(int64_t status)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	if (p->thread_count == 1)
		proc_exit(status);
	thread_finish(t, status, true);
	sched_block();
	panic("an ended thread ran");
}

bool thread_kill(struct thread *t, int64_t status, bool free_stack)
{
	ASSERT(t != current_thread() && t->state != THREAD_TERMINATED);
	if (t->state == THREAD_RUNNING) {
		/* In user mode on another CPU, or waiting there for the kernel lock: it ends itself. */
		if (!t->kill_requested) {
			t->kill_requested = true;
			t->kill_status = status;
			t->kill_free_stack = free_stack;
		}
		sched_request(t);
		return false;
	}
	/* It stopped at a kernel entry or at the top of a system call's wait: it holds no lock. */
	ASSERT(t->locks.depth == 0);
	wait_drop_refs(t);
	thread_finish(t, status, free_stack);
	thread_free_kstack(t);
	return true;
}

void thread_exit_requested(struct thread *t)
{
	ASSERT(t == current_thread() && t->kill_requested);
	struct process *p = t->proc;
	if (p->thread_count == 1)
		proc_exit(t->kill_status);	/* the last one: the process ends (ExitProcess, TerminateProcess) */
	bool free_stack = t->kill_free_stack;
	thread_finish(t, t->kill_status, free_stack);
	if (!free_stack)
		release_region(p, t->teb);	/* as TerminateThread: the TEB goes, the stack stays (sys_terminate_thread) */
	sched_block();
	panic("an ended thread ran");
}

ntstatus_t thread_suspend(struct thread *t, uint32_t *previous)
{
	if (t->state == THREAD_TERMINATED)
		return STATUS_THREAD_IS_TERMINATING;
	if (t->suspend_count >= 127)
		return STATUS_SUSPEND_COUNT_EXCEEDED;
	*previous = t->suspend_count++;
	if (t == current_thread()) {
		t->state = THREAD_READY;	/* runnable once resumed: sched_make_ready leaves it out of the queues */
		sched_block();
	} else if (!sched_request(t)) {	/* running elsewhere: it stops at its next kernel entry */
		sched_dequeue(t);
	}
	return STATUS_SUCCESS;
}

ntstatus_t thread_resume(struct thread *t, uint32_t *previous)
{
	if (t->state == THREAD_TERMINATED)
		return STATUS_THREAD_IS_TERMINATING;
	*previous = t->suspend_count;
	if (t->suspend_count && --t->suspend_count == 0 && t->state == THREAD_READY)
		sched_make_ready(t);
	return STATUS_SUCCESS;
}

void thread_times(const struct thread *t, int64_t *kernel, int64_t *user)
{
	uint64_t total = t->total_cycles, k = t->kernel_cycles;
	if (t == current_thread()) {
		total += rdtsc() - t->run_start;
		if (t->kernel_entry)
			k += rdtsc() - t->kernel_entry;
	}
	uint64_t per_100ns = time_tsc_per_ms() / 10000;
	if (!per_100ns)
		per_100ns = 1;
	*kernel = (int64_t)(k / per_100ns);
	*user = (int64_t)((total > k ? total - k : 0) / per_100ns);
}

bool thread_set_level(struct thread *t, int level)
{
	int prio;
	if (level == 15)
		prio = 15;	/* THREAD_PRIORITY_TIME_CRITICAL */
	else if (level == -15)
		prio = 1;	/* THREAD_PRIORITY_IDLE */
	else if (level >= -2 && level <= 2)
		prio = NORMAL_PRIORITY + level;
	else
		return false;
	t->level = level;
	if (prio == t->priority)
		return true;
	if (t->queued) {
		sched_dequeue(t);
		t->priority = prio;
		sched_make_ready(t);
	} else {
		t->priority = prio;
		if (t == current_thread())
			this_cpu()->need_resched = true;	/* a lower priority may have to give way */
	}
	return true;
}
