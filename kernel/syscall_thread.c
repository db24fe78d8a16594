/*
 * kernel/syscall_thread.c - the system calls on threads and processes
 * (kernel/syscall_abi.h 49-56, 71-73; the synchronization objects and waits,
 * 57-70, are in kernel/syscall_sync.c): arguments copied in, output pointers
 * probed before anything changes, as in kernel/syscall.c.
 */
#include "affinity.h"
#include "cpu.h"
#include "fpu.h"
#include "gdt.h"
#include "layout.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "thread.h"
#include "time.h"
#include "uaccess.h"
#include "wait.h"
#include "fs/fat.h"

#include <stddef.h>
#include <string.h>

#define STATUS_INFO_LENGTH_MISMATCH_ ((ntstatus_t)0xC0000004)
#define STATUS_INVALID_INFO_CLASS_ ((ntstatus_t)0xC0000003)
#define THREAD_ALL_ACCESS 0x1fffff

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

/* The thread behind handle h (-2: the caller). */
static ntstatus_t get_thread(uint64_t h, struct thread **t)
{
	if ((int64_t)h == ABI_CURRENT_THREAD) {
		*t = current_thread();
		return STATUS_SUCCESS;
	}
	struct kobject *o;
	uint32_t access;
	ntstatus_t st = handle_get(&current_process()->handles, h, KOBJ_THREAD, &o, &access);
	if (!st)
		*t = container_of(o, struct thread, obj);
	return st;
}

/* The process behind handle h (-1: the caller's) with the rights need (kernel/syscall_procmem.c). */
static ntstatus_t get_process(uint64_t h, uint32_t need, struct process **p)
{
	return proc_from_handle(h, need, p);
}

/* The object behind h of type, or of any type (KOBJ_ANY); pseudo handles included. */
ntstatus_t get_object(uint64_t h, enum kobject_type type, struct kobject **o)
{
	if ((int64_t)h == ABI_CURRENT_THREAD && (type == KOBJ_ANY || type == KOBJ_THREAD)) {
		*o = &current_thread()->obj;
		return STATUS_SUCCESS;
	}
	if (is_current(h) && (type == KOBJ_ANY || type == KOBJ_PROCESS)) {
		*o = &current_process()->obj;
		return STATUS_SUCCESS;
	}
	uint32_t access;
	ntstatus_t st = handle_get(&current_process()->handles, h, type, o, &access);
	if (!st && type == KOBJ_ANY && (*o)->type == KOBJ_PROCESS && !(access & W_SYNCHRONIZE))
		return STATUS_ACCESS_DENIED;	/* waiting on a process needs SYNCHRONIZE (issue 21) */
	return st;
}

/* Give the caller a handle to o at uout (probed), dropping the reference the caller held; status ok on success. */
ntstatus_t publish_object(struct kobject *o, uint32_t access, uint64_t uout, ntstatus_t ok)
{
	uint64_t h;
	ntstatus_t st = handle_create(&current_process()->handles, o, access, &h);
	obj_unref(o);
	if (st)
		return st;
	copy_to_user(uout, &h, 8);	/* probed */
	return ok;
}

/* Write a LONG result if the pointer is not NULL; probed first by probe_long. */
ntstatus_t probe_long(uint64_t u)
{
	int32_t v;
	if (!u)
		return STATUS_SUCCESS;
	if (MISALIGNED(u, 4))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&v, u, 4) || copy_to_user(u, &v, 4))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

void put_long(uint64_t u, int32_t v)
{
	if (u)
		copy_to_user(u, &v, 4);
}

static ntstatus_t sys_create_thread(struct trap_frame *tf)
{
	struct abi_create_thread a;
	struct process *p;
	ntstatus_t st = get_process(tf->rdi, W_PROCESS_CREATE_THREAD, &p);
	if (st)
		return st;
	if (p != current_process())
		return STATUS_ACCESS_DENIED;	/* threads in another process: issue 21 */
	if ((st = probe_handle_out(tf->rdx)))
		return st;
	if (MISALIGNED(tf->rsi, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&a, tf->rsi, sizeof(a)) || copy_to_user(tf->rsi, &a, sizeof(a)))
		return STATUS_ACCESS_VIOLATION;
	if (a.start >= USER_TOP || (a.flags & ~ABI_THREAD_CREATE_SUSPENDED))
		return STATUS_INVALID_PARAMETER;
	/* Held suspended until the handle exists, so a failure can still undo it. */
	uint32_t want_suspended = a.flags;
	a.flags |= ABI_THREAD_CREATE_SUSPENDED;
	struct thread *t;
	if ((st = thread_create_user(p, &a, &t)))
		return st;
	obj_ref(&t->obj);
	uint64_t h;
	st = handle_create(&p->handles, &t->obj, THREAD_ALL_ACCESS, &h);
	obj_unref(&t->obj);
	if (st) {
		thread_kill(t, st, true);
		return st;
	}
	a.flags = want_suspended;
	copy_to_user(tf->rsi, &a, sizeof(a));	/* probed */
	copy_to_user(tf->rdx, &h, 8);
	uint32_t prev;
	if (!want_suspended)
		thread_resume(t, &prev);
	return STATUS_SUCCESS;
}

static ntstatus_t sys_terminate_thread(struct trap_frame *tf)
{
	struct thread *t;
	ntstatus_t st = tf->rdi == 0 ? (t = current_thread(), STATUS_SUCCESS) : get_thread(tf->rdi, &t);
	if (st)
		return st;
	int64_t status = (int32_t)tf->rsi;
	if (t == current_thread())
		thread_exit(status);
	if (t->state == THREAD_TERMINATED)
		return STATUS_SUCCESS;
	struct process *p = t->proc;
	if (p->thread_count == 1) {
		proc_terminate(p, status);
		return STATUS_SUCCESS;
	}
	uint64_t teb = t->teb, base = teb, size = 0;
	thread_kill(t, status, false);	/* as Windows: a terminated thread's stack is not freed */
	if (p == current_process())
		vm_free(&p->vm, &base, &size, W_MEM_RELEASE);
	return STATUS_SUCCESS;
}

ntstatus_t sys_terminate_process(struct trap_frame *tf)
{
	struct process *p;
	if (tf->rdi == 0) {	/* NULL, as Windows: every thread of the caller's process but the caller ends */
		struct thread *self = current_thread();
		for (struct thread *t = self->proc->threads, *next; t; t = next) {
			next = t->proc_next;
			if (t != self)
				thread_kill(t, (int32_t)tf->rsi, false);
		}
		return STATUS_SUCCESS;
	}
	ntstatus_t st = get_process(tf->rdi, W_PROCESS_TERMINATE, &p);
	if (st)
		return st;
	if (p == current_process())
		proc_exit((int32_t)tf->rsi);
	if (p->state != PROC_ZOMBIE)
		proc_terminate(p, (int32_t)tf->rsi);
	return STATUS_SUCCESS;
}

static ntstatus_t sys_suspend_resume(struct trap_frame *tf, bool resume)
{
	struct thread *t;
	ntstatus_t st = get_thread(tf->rdi, &t);
	if (!st)
		st = probe_long(tf->rsi);
	if (st)
		return st;
	uint32_t prev = 0;
	st = resume ? thread_resume(t, &prev) : thread_suspend(t, &prev);
	if (!st)
		put_long(tf->rsi, (int32_t)prev);
	/*
	 * Windows' suspend is asynchronous (GetThreadContext waits for it); here
	 * it returns once the thread has stopped, so a program that reads the
	 * thread's state right after SuspendThread sees it still, on any CPU.
	 */
	if (!st && !resume && t != current_thread())
		sched_wait_off_cpu(t);
	return st;
}

/* CONTEXT flags (winnt.h, AMD64). */
#define CTX_CONTROL  0x1
#define CTX_INTEGER  0x2
#define CTX_SEGMENTS 0x4
#define CTX_FLOATING 0x8
#define CTX_DEBUG    0x10

void context_from_frame(uint8_t *ctx, const struct trap_frame *tf);
int frame_from_context(struct trap_frame *tf, const uint8_t *ctx);

/* The x87/SSE image of t: live in the CPU for the caller. */
static void thread_fpu(struct thread *t, uint8_t *out)
{
	if (t == current_thread())
		fpu_save(out);
	else
		memcpy(out, t->fpu, 512);
}

/*
 * The CONTEXT parts ContextFlags names, from src to dst (both CONTEXT
 * images): CONTEXT_CONTROL (SegCs, SegSs, EFlags, Rsp, Rbp, Rip),
 * CONTEXT_INTEGER (the other integer registers; Rbp too when CONTROL is not
 * asked), CONTEXT_SEGMENTS, CONTEXT_FLOATING_POINT (MxCsr and FltSave).
 */
static void context_copy_parts(uint8_t *dst, const uint8_t *src, uint32_t flags)
{
	if (flags & CTX_CONTROL) {
		memcpy(dst + 0x38, src + 0x38, 2);	/* SegCs */
		memcpy(dst + 0x42, src + 0x42, 6);	/* SegSs, EFlags */
		memcpy(dst + 0x98, src + 0x98, 16);	/* Rsp, Rbp (CONTEXT_CONTROL on AMD64 has it) */
		memcpy(dst + 0xf8, src + 0xf8, 8);	/* Rip */
	}
	if (flags & CTX_INTEGER) {
		memcpy(dst + 0x78, src + 0x78, 0x98 - 0x78);	/* Rax Rcx Rdx Rbx */
		memcpy(dst + 0xa0, src + 0xa0, 0xf8 - 0xa0);	/* Rbp Rsi Rdi R8..R15 */
	}
	if (flags & CTX_SEGMENTS)
		memcpy(dst + 0x3a, src + 0x3a, 8);	/* SegDs SegEs SegFs SegGs */
	if (flags & CTX_FLOATING) {
		memcpy(dst + ABI_CONTEXT_MXCSR, src + ABI_CONTEXT_MXCSR, 4);
		memcpy(dst + ABI_CONTEXT_FLTSAVE, src + ABI_CONTEXT_FLTSAVE, 512);
	}
}

/*
 * What Get/SetThreadContext share: the thread of handle h (not ended), the
 * caller's CONTEXT copied into ctx (16-byte aligned), its ContextFlags, and
 * the thread's own registers as a CONTEXT image in full (the registers a
 * pending NtSetContextThread will load, if there is one).
 */
static ntstatus_t context_begin(uint64_t h, uint64_t uctx, struct thread **t, uint8_t *ctx, uint8_t *full,
				uint32_t *flags)
{
	ntstatus_t st = get_thread(h, t);
	if (st)
		return st;
	if ((*t)->state == THREAD_TERMINATED)
		return STATUS_UNSUCCESSFUL;
	if (MISALIGNED(uctx, 16))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(ctx, uctx, ABI_CONTEXT_SIZE))
		return STATUS_ACCESS_VIOLATION;
	if ((*t)->suspend_count)
		sched_wait_off_cpu(*t);	/* suspended while it ran on another CPU: it stops at its next kernel entry */
	if ((*t)->state == THREAD_TERMINATED)
		return STATUS_UNSUCCESSFUL;
	memcpy(flags, ctx + ABI_CONTEXT_FLAGS, 4);
	context_from_frame(full, (*t)->full_restore ? &(*t)->pending : thread_frame(*t));
	return STATUS_SUCCESS;
}

/*
 * The CONTEXT images of one call (the caller's and the thread's), from the
 * kernel heap: a call may block in a page-in while another thread makes the
 * same call.
 */
static ntstatus_t get_context(struct trap_frame *tf, uint8_t *ctx_user, uint8_t *ctx_full)
{
	struct thread *t;
	uint32_t flags;
	ntstatus_t st = context_begin(tf->rdi, tf->rsi, &t, ctx_user, ctx_full, &flags);
	if (st)
		return st;
	thread_fpu(t, ctx_full + ABI_CONTEXT_FLTSAVE);
	memcpy(ctx_full + ABI_CONTEXT_MXCSR, ctx_full + ABI_CONTEXT_FLTSAVE + 24, 4);
	context_copy_parts(ctx_user, ctx_full, flags);
	if (flags & CTX_DEBUG)
		memset(ctx_user + 0x48, 0, 0x78 - 0x48);	/* Dr0-3, Dr6, Dr7: no hardware breakpoints */
	return copy_to_user(tf->rsi, ctx_user, ABI_CONTEXT_SIZE) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}

static ntstatus_t set_context(struct trap_frame *tf, uint8_t *ctx_user, uint8_t *ctx_full)
{
	struct thread *t;
	uint32_t flags;
	ntstatus_t st = context_begin(tf->rdi, tf->rsi, &t, ctx_user, ctx_full, &flags);
	if (st)
		return st;
	struct trap_frame *cur = t->full_restore ? &t->pending : thread_frame(t);
	context_copy_parts(ctx_full, ctx_user, flags & (CTX_CONTROL | CTX_INTEGER));	/* segments stay the kernel's */
	struct trap_frame next = *cur;
	if (frame_from_context(&next, ctx_full))
		return STATUS_INVALID_PARAMETER;	/* rip or rsp outside user space */
	if (flags & CTX_FLOATING) {
		uint8_t *area = t->fpu;
		static uint8_t live[512] __attribute__((aligned(16)));
		if (t == current_thread())
			area = live;
		memcpy(area, ctx_user + ABI_CONTEXT_FLTSAVE, 512);
		fpu_sanitize(area);
		if (t == current_thread())
			fpu_restore(area);
	}
	if (thread_frame(t)->vector == 0x100 || t == current_thread()) {
		t->pending = next;	/* in a system call: applied when it returns (syscall_dispatch) */
		t->full_restore = true;
	} else {
		*thread_frame(t) = next;	/* preempted by an interrupt: it leaves through iretq anyway */
	}
	return STATUS_SUCCESS;
}

static ntstatus_t with_context_images(struct trap_frame *tf, ntstatus_t (*call)(struct trap_frame *, uint8_t *, uint8_t *))
{
	uint8_t *images = kmalloc(2 * ABI_CONTEXT_SIZE);
	if (!images)
		return STATUS_NO_MEMORY;
	ntstatus_t st = call(tf, images, images + ABI_CONTEXT_SIZE);
	kfree(images);
	return st;
}

static ntstatus_t sys_get_context(struct trap_frame *tf)
{
	return with_context_images(tf, get_context);
}

static ntstatus_t sys_set_context(struct trap_frame *tf)
{
	return with_context_images(tf, set_context);
}

static ntstatus_t query_info(uint64_t ubuf, uint64_t len, uint64_t uret, const void *data, uint32_t size)
{
	if (uret && (MISALIGNED(uret, 4) || probe_long(uret)))
		return MISALIGNED(uret, 4) ? STATUS_DATATYPE_MISALIGNMENT : STATUS_ACCESS_VIOLATION;
	if (len != size)
		return STATUS_INFO_LENGTH_MISMATCH_;
	if (copy_to_user(ubuf, data, size))
		return STATUS_ACCESS_VIOLATION;
	put_long(uret, (int32_t)size);
	return STATUS_SUCCESS;
}

static ntstatus_t sys_query_thread(struct trap_frame *tf)
{
	struct thread *t;
	ntstatus_t st = get_thread(tf->rdi, &t);
	if (st)
		return st;
	if (tf->rsi == ABI_ThreadBasicInformation) {
		struct abi_thread_basic_info b = {
			.exit_status = (int)t->exit_status, .teb = t->teb, .unique_process = (uint64_t)t->proc->pid,
			.unique_thread = t->tid, .affinity_mask = t->affinity, .priority = t->priority, .base_priority = t->level,
		};
		return query_info(tf->rdx, tf->r10, tf->r8, &b, sizeof(b));
	}
	if (tf->rsi == ABI_ThreadTimes) {
		struct abi_kernel_user_times x = { .create_time = t->create_time, .exit_time = t->exit_time };
		int64_t k, u;
		thread_times(t, &k, &u);
		x.kernel_time = k;
		x.user_time = u;
		return query_info(tf->rdx, tf->r10, tf->r8, &x, sizeof(x));
	}
	if (tf->rsi == ABI_ThreadIdealProcessorEx) {	/* PROCESSOR_NUMBER: group 0, number, reserved 0 */
		uint32_t pn = t->ideal_cpu << 16;
		return query_info(tf->rdx, tf->r10, tf->r8, &pn, sizeof(pn));
	}
	return STATUS_INVALID_INFO_CLASS_;
}

/*
 * The affinity classes of NtSetInformationThread (kernel/affinity.h):
 * ThreadAffinityMask (KAFFINITY), ThreadIdealProcessor (ULONG; the status
 * is the previous ideal processor), ThreadIdealProcessorEx
 * (PROCESSOR_NUMBER in, the previous one out).
 */
static ntstatus_t set_thread_affinity(struct thread *t, struct trap_frame *tf)
{
	uint64_t ubuf = tf->rdx, len = (uint32_t)tf->r10;
	if (tf->rsi == ABI_ThreadAffinityMask) {
		uint64_t mask;
		if (len != sizeof(mask))
			return STATUS_INFO_LENGTH_MISMATCH_;
		if (copy_from_user(&mask, ubuf, sizeof(mask)))
			return STATUS_ACCESS_VIOLATION;
		return affinity_set_thread(t, mask);
	}
	uint32_t v, old;
	if (len != sizeof(v))
		return STATUS_INFO_LENGTH_MISMATCH_;
	if (copy_from_user(&v, ubuf, sizeof(v)))
		return STATUS_ACCESS_VIOLATION;
	if (tf->rsi == ABI_ThreadIdealProcessor) {
		ntstatus_t st = affinity_set_ideal(t, v, &old);
		return st ? st : (ntstatus_t)old;
	}
	/* ThreadIdealProcessorEx: group 0 and a CPU the system has. */
	uint32_t group = v & 0xffff, number = (v >> 16) & 0xff;
	if (group != 0 || !(affinity_system() & (1ull << number)))
		return STATUS_INVALID_PARAMETER;
	if (copy_to_user(ubuf, &v, sizeof(v)))	/* probe the write-back before anything changes */
		return STATUS_ACCESS_VIOLATION;
	ntstatus_t st = affinity_set_ideal(t, number, &old);
	if (st)
		return st;
	v = old << 16;
	copy_to_user(ubuf, &v, sizeof(v));	/* probed */
	return STATUS_SUCCESS;
}

static ntstatus_t sys_set_thread(struct trap_frame *tf)
{
	struct thread *t;
	ntstatus_t st = get_thread(tf->rdi, &t);
	if (st)
		return st;
	if (tf->rsi == ABI_ThreadAffinityMask || tf->rsi == ABI_ThreadIdealProcessor ||
	    tf->rsi == ABI_ThreadIdealProcessorEx)
		return set_thread_affinity(t, tf);
	if (tf->rsi != ABI_ThreadBasePriority)
		return STATUS_INVALID_INFO_CLASS_;
	int32_t level;
	if (tf->r10 != 4)
		return STATUS_INFO_LENGTH_MISMATCH_;
	if (copy_from_user(&level, tf->rdx, 4))
		return STATUS_ACCESS_VIOLATION;
	return thread_set_level(t, level) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

static ntstatus_t sys_query_process(struct trap_frame *tf)
{
	struct process *p;
	ntstatus_t st = get_process(tf->rdi, W_PROCESS_QUERY_LIMITED_INFORMATION, &p);
	if (st)
		return st;
	if (tf->rsi == ABI_ProcessBasicInformation) {
		struct abi_process_basic_info b = {
			.exit_status = (int)p->exit_status, .peb = p->peb, .affinity_mask = affinity_process(p), .base_priority = 8,
			.unique_process_id = (uint64_t)p->pid,
			.inherited_from_unique_process_id = p->parent ? (uint64_t)p->parent->pid : 0,
		};
		return query_info(tf->rdx, tf->r10, tf->r8, &b, sizeof(b));
	}
	if (tf->rsi == ABI_ProcessTimes) {
		struct abi_kernel_user_times x = { .create_time = p->create_time, .exit_time = p->exit_time };
		uint64_t per = time_tsc_per_ms() / 10000;
		per = per ? per : 1;
		uint64_t k = p->dead_kernel_cycles, all = p->dead_total_cycles;
		x.kernel_time = (int64_t)(k / per);
		x.user_time = (int64_t)((all > k ? all - k : 0) / per);
		for (struct thread *t = p->threads; t; t = t->proc_next) {
			int64_t tk, tu;
			thread_times(t, &tk, &tu);
			x.kernel_time += tk;
			x.user_time += tu;
		}
		return query_info(tf->rdx, tf->r10, tf->r8, &x, sizeof(x));
	}
	return procmem_query_process(tf, p);	/* ABI_ProcessVmCounters; else STATUS_INVALID_INFO_CLASS */
}

static ntstatus_t sys_open_thread_or_process(struct trap_frame *tf, bool process)
{
	ntstatus_t st = probe_handle_out(tf->rdi);
	if (st)
		return st;
	struct kobject *o = NULL;
	if (process) {
		struct process *p = proc_find((int)tf->rdx);
		o = p ? &p->obj : NULL;
	} else {
		struct thread *t = thread_find((uint32_t)tf->rdx);
		o = t ? &t->obj : NULL;
	}
	if (!o || tf->rdx == 0)
		return STATUS_INVALID_CID;
	obj_ref(o);
	return publish_object(o, obj_map_access(o->type, (uint32_t)tf->rsi), tf->rdi, STATUS_SUCCESS);
}

ntstatus_t sys_thread_call(struct trap_frame *tf)
{
	switch (tf->rax) {
	case SYS_NtCreateThread: return sys_create_thread(tf);
	case SYS_NtTerminateThread: return sys_terminate_thread(tf);
	case SYS_NtSuspendThread: return sys_suspend_resume(tf, false);
	case SYS_NtResumeThread: return sys_suspend_resume(tf, true);
	case SYS_NtGetContextThread: return sys_get_context(tf);
	case SYS_NtSetContextThread: return sys_set_context(tf);
	case SYS_NtQueryInformationThread: return sys_query_thread(tf);
	case SYS_NtSetInformationThread: return sys_set_thread(tf);
	case SYS_NtOpenThread: return sys_open_thread_or_process(tf, false);
	case SYS_NtOpenProcess: return sys_open_thread_or_process(tf, true);
	case SYS_NtQueryInformationProcess: return sys_query_process(tf);
	default: return sys_sync_call(tf);
	}
}
