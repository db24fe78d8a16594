/* kernel/proc.c - process creation, the cooperative scheduler, exit and wait. */
#include "proc.h"
#include "console.h"
#include "cpu.h"
#include "elf.h"
#include "fpu.h"
#include "gdt.h"
#include "multiboot.h"
#include "panic.h"
#include "time.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/kpaging.h"
#include "mm/paging.h"
#include "mm/phys.h"

#include <string.h>

#define USER_STACK_RESERVE (1024 * 1024)	/* 1 MiB, as Windows' default */
#define USER_STACK_COMMIT  (2 * PAGE_SIZE)

struct cpu cpu0;
static struct process *procs;
static int next_pid = 1;
static uint64_t scheduler_rsp;
bool proc_bench_boot_report;	/* set by kmain in bench mode: report the first entry to user mode */
uint64_t proc_bench_ktest_cycles;	/* the in-kernel benchmarks that ran before it, not counted */
extern struct boot_info boot_info;

void context_switch(uint64_t *save_rsp, uint64_t new_rsp);
extern char proc_first_entry[];
extern char syscall_entry[];

void proc_init(void)
{
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS, 0);
	wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x40700);	/* clear IF, TF, DF, AC on entry */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

const struct boot_module *module_find(const char *name)
{
	for (int i = 0; i < boot_info.module_count; i++)
		if (strcmp(boot_info.modules[i].name, name) == 0)
			return &boot_info.modules[i];
	return NULL;
}

static bool proc_listed(struct process *q)
{
	for (struct process *p = procs; p; p = p->next)
		if (p == q)
			return true;
	return false;
}

struct process *proc_find(int pid)
{
	for (struct process *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* A new process with a kernel stack and an empty address space, not yet runnable; NULL with *status. */
static struct process *proc_new(const char *name, int64_t *status)
{
	struct process *p = kmalloc(sizeof(*p));
	if (!p) {
		*status = STATUS_NO_MEMORY;
		return NULL;
	}
	strncpy(p->name, name, sizeof(p->name) - 1);
	p->kstack_top = kstack_alloc();
	ntstatus_t st = p->kstack_top ? vm_space_init(&p->vm) : STATUS_NO_MEMORY;
	if (st) {
		if (p->kstack_top)
			kstack_free(p->kstack_top);
		kfree(p);
		*status = st;
		return NULL;
	}
	return p;
}

/* Undo proc_new (and whatever the address space holds by now). */
static void proc_discard(struct process *p)
{
	vm_space_destroy(&p->vm);
	handle_close_all(&p->handles);
	kstack_free(p->kstack_top);
	kfree(p);
}

/*
 * Make p runnable, entering user mode with the registers of *user: the first
 * switch pops six callee-saved registers and returns to proc_first_entry,
 * which leaves through the trap frame (iretq).
 */
static void proc_start(struct process *p, const struct trap_frame *user, struct process *parent)
{
	struct trap_frame *tf = (struct trap_frame *)(p->kstack_top - sizeof(struct trap_frame));
	*tf = *user;
	uint64_t *sp = (uint64_t *)tf;
	*--sp = (uint64_t)proc_first_entry;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	p->saved_rsp = (uint64_t)sp;
	p->frame = tf;
	p->pid = next_pid++;
	p->parent = parent;
	p->state = PROC_READY;
	p->next = procs;
	procs = p;
}

struct process *proc_create(const char *name, const void *image, uint64_t size, struct process *parent,
			    int64_t *status)
{
	struct process *p = proc_new(name, status);
	if (!p)
		return NULL;
	memcpy(p->fpu, fpu_initial_state, sizeof(p->fpu));
	uint64_t entry = 0, stack_top = 0;
	ntstatus_t st = elf_load(&p->vm, image, size, &entry);
	if (!st)
		st = vm_create_stack(&p->vm, USER_STACK_RESERVE, USER_STACK_COMMIT, &stack_top);
	if (st) {
		proc_discard(p);
		*status = st;
		return NULL;
	}
	struct trap_frame tf = { .rip = entry, .cs = SEL_UCODE, .rflags = 0x202, .rsp = stack_top, .ss = SEL_UDATA };
	proc_start(p, &tf, parent);
	*status = STATUS_SUCCESS;
	return p;
}

struct process *proc_fork(const struct trap_frame *tf, uint64_t child_status, int64_t *status)
{
	struct process *self = current_process();
	struct process *p = proc_new(self->name, status);
	if (!p)
		return NULL;
	fpu_save(p->fpu);	/* the caller's x87/SSE registers are live in the CPU */
	ntstatus_t st = vm_fork(&self->vm, &p->vm);
	if (st) {
		proc_discard(p);
		*status = st;
		return NULL;
	}
	handle_inherit(&p->handles, &self->handles);
	p->exception_dispatcher = self->exception_dispatcher;
	struct trap_frame child = *tf;
	child.rax = child_status;
	proc_start(p, &child, self);
	self->slice_start = rdtsc();	/* the parent goes on first, with a whole slice (the child waits its turn) */
	*status = STATUS_SUCCESS;
	return p;
}

/* Switch from the current process back to the scheduler loop. */
static void to_scheduler(void)
{
	struct process *p = current_process();
	context_switch(&p->saved_rsp, scheduler_rsp);
}

/*
 * Round robin: look for a runnable process after the one that ran last, so a
 * process preempted by the timer goes to the back of the line.
 */
static struct process *last_run;

static bool runnable(struct process *p, uint64_t now, uint64_t *next_wake)
{
	if (p->state == PROC_READY)
		return true;
	if (p->state == PROC_WAITING && p->wait_pid == 0) {
		if (now >= p->wake_tsc) {
			p->state = PROC_READY;
			return true;
		}
		if (!*next_wake || p->wake_tsc < *next_wake)
			*next_wake = p->wake_tsc;
	}
	return false;
}

static struct process *pick(uint64_t *next_wake)
{
	uint64_t now = rdtsc();
	*next_wake = 0;
	struct process *start = last_run && proc_listed(last_run) ? last_run->next : procs;
	for (struct process *p = start; p; p = p->next)
		if (runnable(p, now, next_wake))
			return p;
	for (struct process *p = procs; p != start; p = p->next)
		if (runnable(p, now, next_wake))
			return p;
	return NULL;
}

void proc_run_until_exit(struct process *target)
{
	while (target->state != PROC_ZOMBIE) {
		uint64_t wake;
		struct process *p = pick(&wake);
		if (!p) {
			if (!wake)
				panic("scheduler: process %d waits but nothing can wake it", target->pid);
			/* Only sleepers: idle until the next timer tick. */
			__asm__ volatile("sti; hlt; cli" ::: "memory");
			continue;
		}
		p->state = PROC_RUNNING;
		last_run = p;
		cpu0.current = p;
		cpu0.kstack_top = p->kstack_top;
		tss_set_kernel_stack(p->kstack_top);
		write_cr3(p->vm.root);
		fpu_restore(p->fpu);
		p->slice_start = rdtsc();
		if (proc_bench_boot_report) {
			proc_bench_boot_report = false;
			kprintf("bench boot_to_first_user_insn %lu cycles\n", rdtsc() - proc_bench_ktest_cycles);
		}
		context_switch(&scheduler_rsp, p->saved_rsp);
		fpu_save(p->fpu);	/* the kernel never touches these registers: they are still the process's */
		write_cr3(kernel_root);
		cpu0.current = NULL;
		if (p->state == PROC_RUNNING)
			p->state = PROC_READY;
	}
}

void proc_yield(void)
{
	to_scheduler();
}

void proc_preempt(void)
{
	struct process *p = current_process();
	p->state = PROC_READY;
	to_scheduler();
}

void proc_exit(int64_t status)
{
	struct process *p = current_process();
	p->exit_status = status;
	/* Leave the address space before tearing it down; views go before the handles to their sections. */
	write_cr3(kernel_root);
	vm_space_destroy(&p->vm);
	handle_close_all(&p->handles);
	p->state = PROC_ZOMBIE;
	if (p->parent && p->parent->state == PROC_WAITING && (p->parent->wait_pid == p->pid || p->parent->wait_pid == -1))
		p->parent->state = PROC_READY;
	/* Orphans of this process: nobody will wait for them. */
	for (struct process *c = procs; c; c = c->next)
		if (c->parent == p)
			c->parent = NULL;
	to_scheduler();
	panic("a zombie was scheduled");
}

void proc_reap(struct process *p)
{
	ASSERT(p->state == PROC_ZOMBIE);
	if (last_run == p)
		last_run = NULL;
	for (struct process **pp = &procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	kstack_free(p->kstack_top);
	kfree(p);
}

int proc_wait(int pid, int64_t *status)
{
	int got;
	bool by_exception;
	return pid > 0 ? proc_wait_child(pid, false, &got, status, &by_exception) : -1;
}

int proc_wait_child(int pid, bool nohang, int *pid_out, int64_t *status, bool *by_exception)
{
	struct process *self = current_process();
	for (;;) {
		struct process *done = NULL;
		bool any = false;
		for (struct process *c = procs; c; c = c->next) {
			if (c->parent != self || (pid != -1 && c->pid != pid))
				continue;
			any = true;
			if (c->state == PROC_ZOMBIE) {
				done = c;
				break;
			}
		}
		if (!any)
			return -1;
		if (done) {
			self->wait_pid = 0;
			*pid_out = done->pid;
			*status = done->exit_status;
			*by_exception = done->ended_by_exception;
			proc_reap(done);
			return 0;
		}
		if (nohang)
			return 1;
		self->state = PROC_WAITING;
		self->wait_pid = pid;
		to_scheduler();
	}
}

void proc_reap_zombies(void)
{
	struct process *p = procs;
	while (p) {
		struct process *next = p->next;
		if (p->state == PROC_ZOMBIE && !p->parent)
			proc_reap(p);
		p = next;
	}
}
