/* kernel/proc.c - process creation, fork, exit, and waiting for children. */
#include "proc.h"
#include "syscall.h"
#include "console.h"
#include "cpu.h"
#include "gdt.h"
#include "multiboot.h"
#include "panic.h"
#include "time.h"
#include "fs/fat.h"
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

static struct process *procs;
bool proc_bench_boot_report;	/* set by kmain in bench mode: report the first entry to user mode */
uint64_t proc_bench_ktest_cycles;	/* the in-kernel benchmarks that ran before it, not counted */
extern struct boot_info boot_info;

void proc_init(void)
{
	sched_init();
	syscall_cpu_init();
}

struct process *proc_next_listed(struct process *p)
{
	return p ? p->next : procs;
}

struct process *proc_find(int pid)
{
	for (struct process *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* The last reference is gone: the process has ended and been reaped, and no handle is left. */
static void proc_destroy(struct kobject *o)
{
	kfree((struct process *)((char *)o - __builtin_offsetof(struct process, obj)));
}

/*
 * A new process with a pool quota and an empty address space, no threads,
 * not listed; NULL with *status.
 */
static struct process *proc_new(const char *name, int64_t *status)
{
	struct process *p = kmalloc(sizeof(*p));
	if (!p) {
		ntstatus_t r = kheap_take_refusal();
		*status = r ? r : STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	memcpy(p->name, name, strnlen(name, sizeof(p->name) - 1));	/* zeroed: no padding to write (strncpy: 180 cycles) */
	p->quota = pool_quota_new();
	ntstatus_t st = p->quota ? vm_space_init(&p->vm) : STATUS_INSUFFICIENT_RESOURCES;
	if (st) {
		pool_quota_release(p->quota);
		kfree(p);
		*status = st == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : st;	/* kernel memory, not commit */
		return NULL;
	}
	obj_init(&p->obj, KOBJ_PROCESS, proc_destroy);	/* this reference: until it is reaped */
	dispatcher_init(&p->disp, DISP_NOTIFICATION, 0);
	p->exit_status = STATUS_PENDING;
	p->create_time = clock_now();
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
}

/* Undo proc_new (and whatever the address space holds by now). */
static void proc_discard(struct process *p)
{
	proc_release(p);
	kfree(p);
}

/* List p as running with its first thread t (made runnable). */
static void proc_start(struct process *p, struct thread *t, struct process *parent)
{
	p->parent = parent;
	p->state = PROC_RUNNING;
	p->next = procs;
	procs = p;
	thread_start(t, false);
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
	const char *prefix = name[0] && name[1] == ':' ? "" : "C:\\";	/* a bare name is in C:\ */
	uint64_t name_len = strlen(name), prefix_len = strlen(prefix), path_len = prefix_len + name_len;
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
		widen(buf, path, prefix, prefix_len);
		widen(buf, path + 2 * prefix_len, name, name_len);
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

/* The PEB, and the main thread's TEB (its thread id and stack not known yet: proc_set_client_id, pe_start). */
static ntstatus_t build_peb(struct process *p, uint64_t image_base, uint64_t params, uint64_t *teb)
{
	uint8_t *buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return STATUS_NO_MEMORY;
	ntstatus_t st = user_alloc(p, PAGE_SIZE, &p->peb);
	if (!st)
		st = user_alloc(p, TEB_SIZE, teb);
	if (!st) {
		put64(buf, PEB_IMAGE_BASE, image_base);
		put64(buf, PEB_PARAMETERS, params);
		put32(buf, PEB_PROCESSORS, cpu_count);
		put32(buf, PEB_OS_MAJOR, 10);
		put32(buf, PEB_OS_MINOR, 0);
		put16(buf, PEB_OS_BUILD, 19045);
		put32(buf, PEB_OS_PLATFORM, 2);	/* VER_PLATFORM_WIN32_NT */
		st = vm_poke(&p->vm, p->peb, buf, PAGE_SIZE);
	}
	kfree(buf);
	return st;
}

/*
 * Load the program with ntdll.dll and its DLLs, build its PEB, parameters,
 * main thread's stack and TEB, and the main thread (*out, not started).
 */
static ntstatus_t pe_start(struct process *p, const char *name, const char *cmd, uint64_t cmd_len,
			   struct thread **out)
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
	p->stack_reserve = reserve;
	p->stack_commit = commit;
	if (reserve < commit + 2 * PAGE_SIZE)	/* room for the guard page and the never-committed lowest page */
		reserve = (commit + 2 * PAGE_SIZE + 0xfffff) & ~0xfffffULL;
	reserve = PAGE_UP(reserve);
	uint64_t top, params, teb;
	if ((st = vm_create_stack(&p->vm, reserve, commit, &top)) || (st = build_parameters(p, name, cmd, cmd_len, &params)) ||
	    (st = build_peb(p, exe->base, params, &teb)))
		return st;
	uint64_t entry = exe->base + pe->entry_rva, sp = top - 40;	/* 16-byte aligned minus 8, 32 bytes of shadow space */
	struct trap_frame tf = { .rip = start, .cs = SEL_UCODE, .rflags = 0x202, .rsp = sp, .ss = SEL_UDATA,
				 .rcx = p->peb, .rdx = entry, .rdi = p->peb, .rsi = entry };
	struct thread *t = thread_new(p, &tf, false, &st);
	if (!t)
		return st;
	t->teb = teb;
	t->stack_region = top - reserve;
	t->tid = id_next();
	if ((st = thread_build_teb(p, teb, t->tid, top, top - commit, top - reserve))) {
		thread_discard(t);
		return st;
	}
	*out = t;
	return STATUS_SUCCESS;
}

struct process *proc_create(const char *name, const char *cmdline, uint64_t cmdline_len, struct process *parent,
			    int64_t *status)
{
	return proc_create_ex(name, cmdline, cmdline_len, parent, false, status);
}

struct process *proc_create_ex(const char *name, const char *cmdline, uint64_t cmdline_len, struct process *parent,
			       bool inherit_handles, int64_t *status)
{
	if (!image_source_exists(name)) {	/* a file of C: or a boot module (mm/image.h) */
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
	const char *base = name;	/* the process's name: the file's, without its directory */
	for (const char *c = name; *c; c++)
		if (*c == '\\' || *c == '/' || *c == ':')
			base = c + 1;
	struct process *p = proc_new(base, status);
	if (!p)
		return NULL;
	p->pid = (int)id_next();
	struct thread *t = NULL;
	/* What loading the program costs is the new process's (at the caller's level of checking). */
	struct kheap_context outer = kheap_context_set(NULL, POOL_FORCE);
	kheap_context_set(p->quota, outer.level);
	/* Inherited handles first, at their values, before anything of the child's own (issue 21). */
	ntstatus_t st = inherit_handles && parent ? handle_inherit_marked(&p->handles, &parent->handles) : STATUS_SUCCESS;
	if (!st)
		st = pe_start(p, name, cmdline, cmdline_len, &t);
	kheap_context_restore(outer);
	if (st) {
		proc_discard(p);
		*status = st;
		return NULL;
	}
	proc_start(p, t, parent);
	*status = STATUS_SUCCESS;
	return p;
}

struct process *proc_fork(const struct trap_frame *tf, uint64_t child_status, int64_t *status)
{
	struct process *self = current_process();
	struct thread *caller = current_thread();
	struct process *p = proc_new(self->name, status);
	if (!p)
		return NULL;
	/* The child's kernel structures are charged to the child, checked at the caller's level. */
	struct kheap_context outer = kheap_context_set(NULL, POOL_FORCE);
	kheap_context_set(p->quota, outer.level);
	ntstatus_t st = vm_fork(&self->vm, &p->vm, tf->rsp);
	if (!st)
		st = image_list_copy(&p->images, &self->images);
	if (!st)
		st = handle_inherit(&p->handles, &self->handles);
	struct thread *t = NULL;
	uint64_t tid = 0;
	if (!st) {
		p->exception_dispatcher = self->exception_dispatcher;
		p->peb = self->peb;	/* same addresses: PEB and TEB are ordinary private memory, copied on write */
		p->stack_reserve = self->stack_reserve;
		p->stack_commit = self->stack_commit;
		p->affinity = self->affinity;
		p->pid = (int)id_next();
		tid = id_next();
		struct trap_frame child = *tf;
		child.rax = child_status;
		/* Its ids in rsi and rdx (kernel/syscall_abi.h): ntdll's child_fixup writes them to the TEB's
		   ClientId, so the child copies its TEB page itself, not fork in the parent (issue 18). */
		child.rsi = (uint64_t)p->pid;
		child.rdx = tid;
		t = thread_new(p, &child, true, &st);
	}
	if (t) {
		/* Only the calling thread goes on in the child (as POSIX fork): its TEB, stack, registers. */
		t->teb = caller->teb;
		t->stack_region = caller->stack_region;
		t->tid = tid;
		t->priority = caller->priority;
		t->level = caller->level;
		t->affinity = caller->affinity;
		t->ideal_cpu = caller->ideal_cpu;
	}
	kheap_context_restore(outer);
	if (st) {
		proc_discard(p);
		*status = st;
		return NULL;
	}
	proc_start(p, t, self);
	caller->slice_start = rdtsc();	/* the parent goes on first, with a whole slice (the child waits its turn) */
	*status = STATUS_SUCCESS;
	return p;
}

static bool proc_ended(void *arg)
{
	return ((struct process *)arg)->state == PROC_ZOMBIE;
}

void proc_run_until_exit(struct process *target)
{
	if (proc_bench_boot_report) {
		proc_bench_boot_report = false;
		kprintf("bench boot_to_first_user_insn %lu cycles\n", rdtsc() - proc_bench_ktest_cycles);
	}
	sched_run_until(proc_ended, target);
}

/*
 * p has no threads left and its address space, images and handles are
 * gone: it is a zombie, its object signaled, its parent's waitpid woken,
 * its children orphans.
 */
static void proc_end(struct process *p, int64_t status)
{
	p->exit_status = status;
	p->exit_time = clock_now();
	proc_release(p);
	p->state = PROC_ZOMBIE;
	p->disp.signal = 1;
	dispatcher_signaled(&p->disp);
	if (p->parent)
		wq_wake_all(&p->parent->child_wait);
	/* Orphans of this process: nobody will wait for them. */
	for (struct process *c = procs; c; c = c->next)
		if (c->parent == p)
			c->parent = NULL;
}

void proc_exit(int64_t status)
{
	struct process *p = current_process();
	struct thread *self = current_thread();
	for (struct thread *t = p->threads, *next; t; t = next) {	/* the others first, wherever they are */
		next = t->proc_next;
		if (t != self && !t->kill_requested)
			thread_kill(t, status, false);
	}
	thread_finish(self, status, false);
	/*
	 * Threads still running on other CPUs end at their next kernel entry;
	 * the last of them ends the process (thread_exit_requested).
	 */
	if (!p->threads) {
		/* Leave the address space before tearing it down; views go before the handles to their sections. */
		sched_load_cr3(kernel_root);
		proc_end(p, status);
	}
	sched_block();
	panic("a zombie was scheduled");
}

void proc_terminate(struct process *p, int64_t status)
{
	ASSERT(p != current_process());
	if (p->state == PROC_ZOMBIE)
		return;
	for (struct thread *t = p->threads, *next; t; t = next) {
		next = t->proc_next;
		if (!t->kill_requested)
			thread_kill(t, status, false);
	}
	if (p->threads)
		return;	/* some run on other CPUs: the last of them ends the process (thread_exit_requested) */
	struct kheap_context old = kheap_context_set(NULL, POOL_FORCE);
	proc_end(p, status);
	kheap_context_restore(old);
}

void proc_reap(struct process *p)
{
	ASSERT(p->state == PROC_ZOMBIE && !p->reaped);
	for (struct process **pp = &procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	p->reaped = true;
	obj_unref(&p->obj);
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
			*pid_out = done->pid;
			*status = done->exit_status;
			*by_exception = done->ended_by_exception;
			proc_reap(done);
			return 0;
		}
		if (nohang)
			return 1;
		wq_sleep(&self->child_wait);
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
