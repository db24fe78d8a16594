/* kernel/proc.c - process creation, the cooperative scheduler, exit and wait. */
#include "proc.h"
#include "console.h"
#include "cpu.h"
#include "fpu.h"
#include "gdt.h"
#include "multiboot.h"
#include "panic.h"
#include "time.h"
#include "mm/frame.h"
#include "mm/image.h"
#include "mm/kheap.h"
#include "mm/kpaging.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/section.h"
#include "mm/vm_ext.h"

#include "libc/fmt.h"

#include <string.h>

#define STACK_RESERVE_MAX  (1ULL << 40)	/* a PE header asking for more is refused */
#define PAGE_UP(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* Windows' offsets (winternl.h, ntdef.h): docs/loader.md. */
#define TEB_SIZE               0x2000
#define TEB_STACK_BASE         0x08
#define TEB_STACK_LIMIT        0x10
#define TEB_SELF               0x30
#define TEB_CLIENT_ID          0x40	/* UniqueProcess, UniqueThread */
#define TEB_PEB                0x60
#define TEB_DEALLOCATION_STACK 0x1478
#define PEB_IMAGE_BASE         0x10
#define PEB_PARAMETERS         0x20
#define PEB_PROCESSORS         0xb8
#define PEB_OS_MAJOR           0x118
#define PEB_OS_MINOR           0x11c
#define PEB_OS_BUILD           0x120
#define PEB_OS_PLATFORM        0x124
#define PP_SIZE                0x400	/* RTL_USER_PROCESS_PARAMETERS, with room to spare */
#define PP_FLAGS               0x08	/* 1: RTL_USER_PROC_PARAMS_NORMALIZED (pointers, not offsets) */
#define PP_CURDIR              0x38
#define PP_IMAGE_PATH          0x60
#define PP_COMMAND_LINE        0x70
#define PP_ENVIRONMENT         0x80
#define PP_ENVIRONMENT_SIZE    0x3f0
#define MAX_PATH_BYTES         520

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

#define KSTACK_PAGES (KERNEL_STACK_SIZE / PAGE_SIZE)

/*
 * A new process with a kernel stack, a pool quota and an empty address space,
 * not yet runnable; NULL with *status.  Its kernel stack is charged to the
 * system commit (given back by proc_reap / proc_discard).
 */
static struct process *proc_new(const char *name, int64_t *status)
{
	if (!vm_charge_system(KSTACK_PAGES)) {
		*status = STATUS_COMMITMENT_LIMIT;
		return NULL;
	}
	struct process *p = kmalloc(sizeof(*p));
	if (!p) {
		vm_uncharge_system(KSTACK_PAGES);
		ntstatus_t r = kheap_take_refusal();
		*status = r ? r : STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	strncpy(p->name, name, sizeof(p->name) - 1);
	p->kstack_top = kstack_alloc();
	p->quota = p->kstack_top ? pool_quota_new() : NULL;
	ntstatus_t st = p->quota ? vm_space_init(&p->vm) : STATUS_INSUFFICIENT_RESOURCES;
	if (st) {
		if (p->kstack_top)
			kstack_free(p->kstack_top);
		pool_quota_release(p->quota);
		kfree(p);
		vm_uncharge_system(KSTACK_PAGES);
		*status = st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;	/* kernel memory, not commit */
		return NULL;
	}
	p->kctx = (struct kheap_context){ p->quota, POOL_FORCE };
	return p;
}

/* Free what the process holds in the kernel (at exit): address space, images, handles; its quota goes. */
static void proc_release(struct process *p)
{
	struct kheap_context old = kheap_context_set(p->quota, POOL_FORCE);
	vm_space_destroy(&p->vm);
	image_list_free(&p->images);
	handle_close_all(&p->handles);
	kheap_context_restore(old.quota == p->quota ? (struct kheap_context){ NULL, POOL_FORCE } : old);
	pool_quota_release(p->quota);
	p->quota = NULL;
	p->kctx = (struct kheap_context){ NULL, POOL_FORCE };
}

/* Undo proc_new (and whatever the address space holds by now). */
static void proc_discard(struct process *p)
{
	proc_release(p);
	kstack_free(p->kstack_top);
	kfree(p);
	vm_uncharge_system(KSTACK_PAGES);
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

/* Committed read-write memory for the process (top down), at *base. */
static ntstatus_t user_alloc(struct process *p, uint64_t size, uint64_t *base)
{
	*base = 0;
	return vm_allocate(&p->vm, base, &size, W_MEM_RESERVE | W_MEM_COMMIT | W_MEM_TOP_DOWN, W_PAGE_READWRITE);
}

static void put16(uint8_t *b, uint64_t off, uint16_t v)
{
	memcpy(b + off, &v, 2);
}
static void put32(uint8_t *b, uint64_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}
static void put64(uint8_t *b, uint64_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

/* A UNICODE_STRING at off of buf describing the UTF-16 string at user address str (len bytes, NUL after). */
static void put_ustring(uint8_t *buf, uint64_t off, uint64_t str, uint64_t len, uint64_t max)
{
	put16(buf, off, (uint16_t)len);
	put16(buf, off + 2, (uint16_t)max);
	put64(buf, off + 8, str);
}

/* Widen bytes (Latin-1) to UTF-16 at buf + off; returns the bytes written, NUL included. */
static uint64_t widen(uint8_t *buf, uint64_t off, const char *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		put16(buf, off + 2 * i, (uint8_t)s[i]);
	put16(buf, off + 2 * n, 0);
	return 2 * n + 2;
}

/*
 * RTL_USER_PROCESS_PARAMETERS, its strings (CurrentDirectory "C:\",
 * ImagePathName "C:\NAME", CommandLine) and an empty environment, in one
 * allocation; *out its address.
 */
static ntstatus_t build_parameters(struct process *p, const char *name, const char *cmd, uint64_t cmd_len,
				   uint64_t *out)
{
	uint64_t name_len = strlen(name), path_len = 3 + name_len;
	uint64_t cur = PP_SIZE, path = cur + MAX_PATH_BYTES, line = path + 2 * path_len + 2;
	uint64_t env = (line + 2 * cmd_len + 2 + 15) & ~15ULL, size = env + 16;
	uint8_t *buf = kmalloc(size);
	if (!buf)
		return STATUS_NO_MEMORY;
	uint64_t base;
	ntstatus_t st = user_alloc(p, size, &base);
	if (!st) {
		put32(buf, 0, PP_SIZE);	/* MaximumLength */
		put32(buf, 4, PP_SIZE);	/* Length */
		put32(buf, PP_FLAGS, 1);
		widen(buf, cur, "C:\\", 3);
		put_ustring(buf, PP_CURDIR, base + cur, 6, MAX_PATH_BYTES);
		widen(buf, path, "C:\\", 3);
		widen(buf, path + 6, name, name_len);
		put_ustring(buf, PP_IMAGE_PATH, base + path, 2 * path_len, 2 * path_len + 2);
		widen(buf, line, cmd, cmd_len);
		put_ustring(buf, PP_COMMAND_LINE, base + line, 2 * cmd_len, 2 * cmd_len + 2);
		put64(buf, PP_ENVIRONMENT, base + env);	/* L"\0\0": no variables */
		put64(buf, PP_ENVIRONMENT_SIZE, 4);
		st = vm_poke(&p->vm, base, buf, size);
	}
	kfree(buf);
	*out = base;
	return st;
}

/* The PEB and the TEB of the main thread, whose stack is [stack_base, stack_top) with commit bytes committed. */
static ntstatus_t build_peb_teb(struct process *p, uint64_t image_base, uint64_t params, uint64_t stack_base,
				uint64_t stack_top, uint64_t commit)
{
	uint8_t *buf = kmalloc(TEB_SIZE);
	if (!buf)
		return STATUS_NO_MEMORY;
	ntstatus_t st = user_alloc(p, PAGE_SIZE, &p->peb);
	if (!st)
		st = user_alloc(p, TEB_SIZE, &p->teb);
	if (!st) {
		put64(buf, PEB_IMAGE_BASE, image_base);
		put64(buf, PEB_PARAMETERS, params);
		put32(buf, PEB_PROCESSORS, 1);
		put32(buf, PEB_OS_MAJOR, 10);
		put32(buf, PEB_OS_MINOR, 0);
		put16(buf, PEB_OS_BUILD, 19045);
		put32(buf, PEB_OS_PLATFORM, 2);	/* VER_PLATFORM_WIN32_NT */
		st = vm_poke(&p->vm, p->peb, buf, PAGE_SIZE);
	}
	if (!st) {
		memset(buf, 0, TEB_SIZE);
		put64(buf, TEB_STACK_BASE, stack_top);
		put64(buf, TEB_STACK_LIMIT, stack_top - commit);
		put64(buf, TEB_SELF, p->teb);
		put64(buf, TEB_PEB, p->peb);
		put64(buf, TEB_DEALLOCATION_STACK, stack_base);
		st = vm_poke(&p->vm, p->teb, buf, TEB_SIZE);	/* ClientId: proc_set_client_id, once the pid is known */
	}
	kfree(buf);
	return st;
}

/* TEB.ClientId = (pid, pid): the process and its one thread. */
static ntstatus_t proc_set_client_id(struct process *p)
{
	uint64_t id[2] = { (uint64_t)p->pid, (uint64_t)p->pid };
	return p->teb ? vm_poke(&p->vm, p->teb + TEB_CLIENT_ID, id, sizeof(id)) : STATUS_SUCCESS;
}

/* Load the program with ntdll.dll and its DLLs, build its TEB/PEB/parameters and stack, and the first registers. */
static ntstatus_t pe_start(struct process *p, const char *name, const char *cmd, uint64_t cmd_len,
			   struct trap_frame *tf)
{
	struct image_map *ntdll, *exe;
	uint64_t start;
	ntstatus_t st = image_load(&p->vm, &p->images, "ntdll.dll", false, true, &ntdll);
	if (!st)
		st = image_load(&p->vm, &p->images, name, true, true, &exe);
	if (!st && (st = image_export(&p->images, ntdll, "LdrInitializeThunk", &start))) {
		char line[96];
		fmt_snprintf(line, sizeof(line), "loader: entry point LdrInitializeThunk not found in ntdll.dll (0x%x)\n",
			     (unsigned)st);
		console_user_write(line, strlen(line));
	}
	if (st)
		return st;
	const struct pe_image *pe = &exe->img->pe;
	uint64_t commit = PAGE_UP(pe->stack_commit ? pe->stack_commit : PAGE_SIZE), reserve = pe->stack_reserve;
	if (reserve > STACK_RESERVE_MAX || commit > STACK_RESERVE_MAX)
		return STATUS_INVALID_IMAGE_FORMAT;
	if (reserve < commit + 2 * PAGE_SIZE)	/* room for the guard page and the never-committed lowest page */
		reserve = (commit + 2 * PAGE_SIZE + 0xfffff) & ~0xfffffULL;
	reserve = PAGE_UP(reserve);
	uint64_t top, params;
	if ((st = vm_create_stack(&p->vm, reserve, commit, &top)) || (st = build_parameters(p, name, cmd, cmd_len, &params)) ||
	    (st = build_peb_teb(p, exe->base, params, top - reserve, top, commit)))
		return st;
	uint64_t entry = exe->base + pe->entry_rva, sp = top - 40;	/* 16-byte aligned minus 8, 32 bytes of shadow space */
	*tf = (struct trap_frame){ .rip = start, .cs = SEL_UCODE, .rflags = 0x202, .rsp = sp, .ss = SEL_UDATA,
				   .rcx = p->peb, .rdx = entry, .rdi = p->peb, .rsi = entry };
	return STATUS_SUCCESS;
}

struct process *proc_create(const char *name, const char *cmdline, uint64_t cmdline_len, struct process *parent,
			    int64_t *status)
{
	const struct boot_module *m = module_find(name);
	if (!m) {
		*status = STATUS_OBJECT_NAME_NOT_FOUND;
		return NULL;
	}
	if (!cmdline) {
		cmdline = name;
		cmdline_len = strlen(name);
	}
	if (cmdline_len > PROC_CMDLINE_MAX) {
		*status = STATUS_INVALID_PARAMETER;
		return NULL;
	}
	struct process *p = proc_new(m->name, status);
	if (!p)
		return NULL;
	memcpy(p->fpu, fpu_initial_state, sizeof(p->fpu));
	struct trap_frame tf;
	/* What loading the program costs is the new process's (at the caller's level of checking). */
	struct kheap_context outer = kheap_context_set(NULL, POOL_FORCE);
	kheap_context_set(p->quota, outer.level);
	ntstatus_t st = pe_start(p, m->name, cmdline, cmdline_len, &tf);
	if (!st) {
		proc_start(p, &tf, parent);
		if ((st = proc_set_client_id(p)))	/* only memory can fail here, the page is committed */
			procs = p->next;
	}
	kheap_context_restore(outer);
	if (st) {
		proc_discard(p);
		*status = st;
		return NULL;
	}
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
	/* The child's kernel structures are charged to the child, checked at the caller's level. */
	struct kheap_context outer = kheap_context_set(NULL, POOL_FORCE);
	kheap_context_set(p->quota, outer.level);
	ntstatus_t st = vm_fork(&self->vm, &p->vm);
	if (!st)
		st = image_list_copy(&p->images, &self->images);
	if (!st)
		st = handle_inherit(&p->handles, &self->handles);
	if (!st) {
		p->exception_dispatcher = self->exception_dispatcher;
		p->teb = self->teb;	/* same address: the TEB is ordinary private memory, copied on write */
		p->peb = self->peb;
		struct trap_frame child = *tf;
		child.rax = child_status;
		proc_start(p, &child, self);
		if ((st = proc_set_client_id(p))) {	/* only memory can fail here: the child's TEB page gets its copy */
			procs = p->next;
			next_pid--;
		}
	}
	kheap_context_restore(outer);
	if (st) {
		proc_discard(p);
		*status = st;
		return NULL;
	}
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
		wrmsr(MSR_KERNEL_GS, p->teb);	/* the user GS base: swapgs puts it in place on the way out */
		fpu_restore(p->fpu);
		p->slice_start = rdtsc();
		if (proc_bench_boot_report) {
			proc_bench_boot_report = false;
			kprintf("bench boot_to_first_user_insn %lu cycles\n", rdtsc() - proc_bench_ktest_cycles);
		}
		struct kheap_context outer = kheap_context_set(p->kctx.quota, p->kctx.level);
		context_switch(&scheduler_rsp, p->saved_rsp);
		p->kctx = kheap_context_set(outer.quota, outer.level);
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
	proc_release(p);
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
	vm_uncharge_system(KSTACK_PAGES);
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
