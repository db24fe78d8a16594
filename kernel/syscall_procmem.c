/*
 * kernel/syscall_procmem.c - process handles with access rights, and one
 * process reaching into another (kernel/syscall_abi.h 74-77, issue 21):
 * NtReadVirtualMemory / NtWriteVirtualMemory, NtDuplicateObject,
 * NtQuerySystemInformation, and the process-memory information classes.
 * Same rules as kernel/syscall.c: arguments copied in, output pointers
 * probed before anything changes.  docs/processes.md.
 */
#include "affinity.h"
#include "layout.h"
#include "proc.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "timer.h"
#include "uaccess.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/procmem.h"

#include <stddef.h>
#include <string.h>

#define STATUS_PARTIAL_COPY ((ntstatus_t)ABI_STATUS_PARTIAL_COPY)
#define STATUS_PROCESS_IS_TERMINATING ((ntstatus_t)0xC000010A)
#define STATUS_INVALID_INFO_CLASS_PM ((ntstatus_t)0xC0000003)
#define STATUS_INVALID_SYSTEM_SERVICE_PM ((ntstatus_t)0xC000001C)
#define COPY_CHUNK (16 * 1024)	/* bytes moved per hold of the target's lock */
#define STATUS_INVALID_PARAMETER_3_PM ((ntstatus_t)0xC00000F1)
#define STATUS_INVALID_PARAMETER_4_PM ((ntstatus_t)0xC00000F2)
#define STATUS_INVALID_PARAMETER_5_PM ((ntstatus_t)0xC00000F3)
#define USER_END_PM (USER_MAX_ADDR + 1)

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

ntstatus_t proc_from_handle(uint64_t h, uint32_t need, struct process **p)
{
	if (is_current(h)) {	/* the pseudo handle has every right */
		*p = current_process();
		return STATUS_SUCCESS;
	}
	struct kobject *o;
	uint32_t access;
	ntstatus_t st = handle_get(&current_process()->handles, h, KOBJ_PROCESS, &o, &access);
	if (st)
		return st;
	if ((access & need) != need)
		return STATUS_ACCESS_DENIED;
	*p = container_of(o, struct process, obj);
	return STATUS_SUCCESS;
}

ntstatus_t proc_vm_from_handle(uint64_t h, uint32_t need, struct vm_space **vm)
{
	struct process *p;
	ntstatus_t st = proc_from_handle(h, need, &p);
	if (st)
		return st;
	if (p->state == PROC_ZOMBIE || !p->vm.root)
		return STATUS_PROCESS_IS_TERMINATING;
	*vm = &p->vm;
	return STATUS_SUCCESS;
}

/*
 * Move size bytes between the caller's buffer ubuf and [base, base+size) of
 * p, a chunk at a time through a kernel buffer (the target's lock is never
 * held while the caller's memory is touched).  *done: bytes moved.
 */
static ntstatus_t copy_process(struct process *p, uint64_t base, uint64_t ubuf, uint64_t size, bool write,
			       uint64_t *done)
{
	char *bounce = kmalloc(size < COPY_CHUNK ? size : COPY_CHUNK);
	if (!bounce)
		return STATUS_INSUFFICIENT_RESOURCES;
	ntstatus_t st = STATUS_SUCCESS;
	obj_ref(&p->obj);	/* the structure stays while we copy, whatever the process does */
	while (*done < size) {
		uint64_t n = size - *done < COPY_CHUNK ? size - *done : COPY_CHUNK;
		if (write && copy_from_user(bounce, ubuf + *done, n)) {
			st = STATUS_PARTIAL_COPY;	/* the caller's own buffer: Windows 10 says partial copy too */
			break;
		}
		bool gone;
		uint64_t got = vm_copy(&p->vm, base + *done, bounce, n, write, &gone);
		if (!write && got && copy_to_user(ubuf + *done, bounce, got)) {
			st = STATUS_PARTIAL_COPY;
			break;
		}
		*done += got;
		if (got < n) {
			st = gone && *done == 0 ? STATUS_PROCESS_IS_TERMINATING : STATUS_PARTIAL_COPY;
			break;
		}
	}
	obj_unref(&p->obj);
	kfree(bounce);
	return st;
}

/*
 * NtReadVirtualMemory / NtWriteVirtualMemory(process, base, buffer, size,
 * done): the ranges first (STATUS_ACCESS_VIOLATION), the done pointer
 * probed, then, for a non-zero size only, the handle (PROCESS_VM_READ /
 * PROCESS_VM_WRITE); *done is written whatever the outcome.
 */
static ntstatus_t sys_rw_vm(struct trap_frame *tf, bool write)
{
	uint64_t base = tf->rsi, ubuf = tf->rdx, size = tf->r10, udone = tf->r8, done = 0;
	if (!user_range_ok(base, size) || !user_range_ok(ubuf, size))
		return STATUS_ACCESS_VIOLATION;
	if (udone) {
		if (MISALIGNED(udone, 8))
			return STATUS_DATATYPE_MISALIGNMENT;
		if (copy_from_user(&done, udone, 8) || copy_to_user(udone, &done, 8))
			return STATUS_ACCESS_VIOLATION;
		done = 0;
	}
	ntstatus_t st = STATUS_SUCCESS;
	if (size) {
		struct process *p;
		st = proc_from_handle(tf->rdi, write ? W_PROCESS_VM_WRITE : W_PROCESS_VM_READ, &p);
		if (!st)
			st = p->state == PROC_ZOMBIE ? STATUS_PROCESS_IS_TERMINATING
						      : copy_process(p, base, ubuf, size, write, &done);
	}
	if (udone)
		copy_to_user(udone, &done, 8);	/* probed */
	return st;
}

/*
 * The object a source handle names in process src: a real handle of its
 * table, or a pseudo handle (-1: src itself; -2: the caller's thread, when
 * src is the caller).  *access: what the handle grants.
 */
static ntstatus_t source_object(struct process *src, uint64_t h, struct kobject **o, uint32_t *access)
{
	if (is_current(h)) {
		*o = &src->obj;
		*access = W_PROCESS_ALL_ACCESS;
		return STATUS_SUCCESS;
	}
	if ((int64_t)h == ABI_CURRENT_THREAD && src == current_process()) {
		*o = &current_thread()->obj;
		*access = W_THREAD_ALL_ACCESS;
		return STATUS_SUCCESS;
	}
	return handle_get(&src->handles, h, KOBJ_ANY, o, access);
}

/*
 * NtDuplicateObject(source_process, source, target_process, target, access,
 * options), in Windows' order: the output probed, the source process
 * (PROCESS_DUP_HANDLE), then - the source closed afterwards whatever
 * happens when DUPLICATE_CLOSE_SOURCE asks - the target process
 * (PROCESS_DUP_HANDLE; NULL: only the close), the source handle, the copy.
 */
static ntstatus_t sys_duplicate(struct trap_frame *tf)
{
	uint64_t hsrc = tf->rsi, htgt_proc = tf->rdx, uout = tf->r10;
	uint32_t access = (uint32_t)tf->r8, options = (uint32_t)tf->r9;
	ntstatus_t st = uout ? probe_handle_out(uout) : STATUS_SUCCESS;
	struct process *src, *tgt = NULL;
	if (!st)
		st = proc_from_handle(tf->rdi, W_PROCESS_DUP_HANDLE, &src);
	if (st)
		return st;
	if (htgt_proc) {
		st = proc_from_handle(htgt_proc, W_PROCESS_DUP_HANDLE, &tgt);
		if (!st && tgt->state == PROC_ZOMBIE)
			st = STATUS_PROCESS_IS_TERMINATING;
	}
	struct kobject *o = NULL;
	uint32_t granted = 0;
	ntstatus_t sst = source_object(src, hsrc, &o, &granted);
	if (!st)
		st = sst;
	if (!st && tgt && !uout)
		st = STATUS_INVALID_PARAMETER;	/* a target process but nowhere to say the handle */
	uint64_t out = 0;
	if (!st && tgt) {
		uint32_t want = (options & ABI_DUPLICATE_SAME_ACCESS) ? granted : obj_map_access(o->type, access);
		st = handle_create(&tgt->handles, o, want, &out);
		/* The new handle's inheritance: the source's (DUPLICATE_SAME_ATTRIBUTES) or OBJ_INHERIT's. */
		uint32_t flags = (options & ABI_DUPLICATE_INHERIT) ? W_HANDLE_FLAG_INHERIT : 0;
		if (!st && (options & ABI_DUPLICATE_SAME_ATTRIBUTES) &&
		    handle_flags(&src->handles, hsrc, 0, 0, &flags) != STATUS_SUCCESS)
			flags = 0;	/* a pseudo handle */
		if (!st)
			handle_flags(&tgt->handles, out, W_HANDLE_FLAG_INHERIT, flags, NULL);
	}
	bool real_source = !is_current(hsrc) && (int64_t)hsrc != ABI_CURRENT_THREAD;
	if ((options & ABI_DUPLICATE_CLOSE_SOURCE) && sst == STATUS_SUCCESS && real_source) {
		ntstatus_t cst = handle_close(&src->handles, hsrc);
		if (!st && !tgt)
			st = cst;
	}
	if (!st && tgt)
		copy_to_user(uout, &out, 8);	/* probed */
	return st;
}

/*
 * NtHandleFlags(handle, mask, flags, old): HANDLE_FLAG_INHERIT and
 * HANDLE_FLAG_PROTECT_FROM_CLOSE of one of the caller's handles (other bits
 * in mask: STATUS_INVALID_PARAMETER); *old written after the change.
 */
static ntstatus_t sys_handle_flags(struct trap_frame *tf)
{
	uint32_t mask = (uint32_t)tf->rsi, value = (uint32_t)tf->rdx, old = 0;
	uint64_t uold = tf->r10;
	if (uold) {
		if (MISALIGNED(uold, 4))
			return STATUS_DATATYPE_MISALIGNMENT;
		if (copy_from_user(&old, uold, 4) || copy_to_user(uold, &old, 4))
			return STATUS_ACCESS_VIOLATION;
	}
	if (mask & ~(W_HANDLE_FLAG_INHERIT | W_HANDLE_FLAG_PROTECT_FROM_CLOSE))
		return STATUS_INVALID_PARAMETER;
	ntstatus_t st = handle_flags(&current_process()->handles, tf->rdi, mask, value, &old);
	if (!st && uold)
		copy_to_user(uold, &old, 4);	/* probed */
	return st;
}

/*
 * NtSetInformationVirtualMemory(process, class, count, ranges, info, len):
 * checked in order (handle, class, info, count, then each range copied in
 * and checked - page-rounded, inside user space - before any is acted on).
 * Prefetch skips what cannot be brought in; discard stops at the first range
 * it refuses (vm_reset's statuses).
 */
static ntstatus_t sys_set_vm_info(struct trap_frame *tf)
{
	struct vm_space *vm;
	uint32_t cls = (uint32_t)tf->rsi, flags = 0;
	uint64_t count = tf->rdx, uranges = tf->r10, uinfo = tf->r8, len = (uint32_t)tf->r9;
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_VM_OPERATION, &vm);
	if (st)
		return st;
	if (cls == ABI_VmPrefetchInformation) {
		if (len != 4)
			return STATUS_INFO_LENGTH_MISMATCH;
		if (copy_from_user(&flags, uinfo, 4))
			return STATUS_ACCESS_VIOLATION;
		if (flags)
			return STATUS_INVALID_PARAMETER_5_PM;
	} else if (cls == ABI_VmDiscardInformation) {
		if (uinfo || len)
			return STATUS_INVALID_PARAMETER_5_PM;
	} else {
		return STATUS_INVALID_INFO_CLASS_PM;
	}
	if (count == 0 || count > ABI_VM_RANGES_MAX)
		return STATUS_INVALID_PARAMETER_3_PM;
	struct abi_memory_range *r = kmalloc(count * sizeof(*r));
	if (!r)
		return STATUS_INSUFFICIENT_RESOURCES;
	st = copy_from_user(r, uranges, count * sizeof(*r)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
	for (uint64_t i = 0; !st && i < count; i++) {
		uint64_t start = r[i].address & ~(uint64_t)(PAGE_SIZE - 1);
		uint64_t end = (r[i].address + r[i].bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
		if (!r[i].bytes || r[i].address + r[i].bytes < r[i].address || end > USER_END_PM || start < USER_MIN_ADDR)
			st = STATUS_INVALID_PARAMETER_4_PM;
		r[i].address = start;
		r[i].bytes = end - start;
	}
	for (uint64_t i = 0; !st && i < count; i++) {
		if (cls == ABI_VmPrefetchInformation)
			vm_prefetch(vm, r[i].address, r[i].address + r[i].bytes);
		else
			st = vm_discard(vm, r[i].address, r[i].address + r[i].bytes);
	}
	kfree(r);
	return st;
}

/* SYSTEM_BASIC_INFORMATION (x64, 64 bytes). */
struct sys_basic_info {
	uint32_t reserved, timer_resolution, page_size, number_of_physical_pages;
	uint32_t lowest_physical_page, highest_physical_page, allocation_granularity, pad;
	uint64_t minimum_user_address, maximum_user_address, active_processors_mask;
	int8_t number_of_processors;
	uint8_t pad2[7];
};
_Static_assert(sizeof(struct sys_basic_info) == 64, "SYSTEM_BASIC_INFORMATION is 64 bytes");

static ntstatus_t process_list(uint64_t ubuf, uint32_t len, uint32_t *ret);

#define SYSTEM_PERFORMANCE_INFORMATION_CLASS 2	/* SystemPerformanceInformation */

/* NtQuerySystemInformation(class, buf, len, ret_len): ret_len is written with the size the class needs. */
static ntstatus_t sys_query_system(struct trap_frame *tf)
{
	uint64_t uret = tf->r10;
	if (uret) {
		uint32_t v;
		if (MISALIGNED(uret, 4))
			return STATUS_DATATYPE_MISALIGNMENT;
		if (copy_from_user(&v, uret, 4) || copy_to_user(uret, &v, 4))
			return STATUS_ACCESS_VIOLATION;
	}
	uint32_t len = (uint32_t)tf->rdx, ret = 0;
	ntstatus_t st;
	if (tf->rdi == ABI_SystemBasicInformation) {
		struct frame_stats fs;
		frame_stats(&fs);
		struct sys_basic_info b = {
			.timer_resolution = 10000000 / TIMER_HZ,
			.page_size = PAGE_SIZE,
			.number_of_physical_pages = (uint32_t)fs.total,
			.lowest_physical_page = 1,
			.highest_physical_page = (uint32_t)(frame_db_count - 1),
			.allocation_granularity = 0x10000,
			.minimum_user_address = USER_MIN_ADDR,
			.maximum_user_address = USER_MAX_ADDR,
			.active_processors_mask = affinity_system(),
			.number_of_processors = (int8_t)cpu_count,
		};
		ret = sizeof(b);
		if (len != sizeof(b))
			st = STATUS_INFO_LENGTH_MISMATCH;
		else
			st = copy_to_user(tf->rsi, &b, sizeof(b)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
	} else if (tf->rdi == ABI_SystemProcessInformation) {
		st = process_list(tf->rsi, len, &ret);
	} else if (tf->rdi == SYSTEM_PERFORMANCE_INFORMATION_CLASS) {
		st = procmem_query_perf(tf->rsi, len, &ret);	/* kernel/syscall_procmem_perf.c */
	} else {
		return STATUS_INVALID_INFO_CLASS_PM;
	}
	if (uret && st != STATUS_ACCESS_VIOLATION)
		copy_to_user(uret, &ret, 4);
	return st;
}

/* VM_COUNTERS_EX (x64, 96 bytes; VM_COUNTERS is the first 88). */
struct vm_counters_ex {
	uint64_t peak_virtual_size, virtual_size;
	uint32_t page_fault_count, pad;
	uint64_t peak_working_set_size, working_set_size;
	uint64_t quota_peak_paged_pool, quota_paged_pool, quota_peak_nonpaged_pool, quota_nonpaged_pool;
	uint64_t pagefile_usage, peak_pagefile_usage, private_usage;
};
_Static_assert(sizeof(struct vm_counters_ex) == 96, "VM_COUNTERS_EX is 96 bytes");

ntstatus_t procmem_query_process(struct trap_frame *tf, struct process *p)
{
	if (tf->rsi != ABI_ProcessVmCounters)
		return STATUS_INVALID_INFO_CLASS_PM;
	uint64_t ubuf = tf->rdx, len = tf->r10, uret = tf->r8;
	if (len != sizeof(struct vm_counters_ex) && len != offsetof(struct vm_counters_ex, private_usage))
		return STATUS_INFO_LENGTH_MISMATCH;
	if (MISALIGNED(ubuf, 8) || MISALIGNED(uret, 4))
		return STATUS_DATATYPE_MISALIGNMENT;
	struct vm_counters c;
	vm_counters(&p->vm, &c);
	uint64_t pool = p->quota ? p->quota->pages * PAGE_SIZE : 0, peak_pool = p->quota ? p->quota->peak * PAGE_SIZE : 0;
	struct vm_counters_ex out = {
		.peak_virtual_size = c.peak_virtual, .virtual_size = c.virtual_bytes,
		.page_fault_count = (uint32_t)c.faults,
		.peak_working_set_size = c.peak_ws * PAGE_SIZE, .working_set_size = c.ws * PAGE_SIZE,
		.quota_peak_nonpaged_pool = peak_pool, .quota_nonpaged_pool = pool,	/* the kernel heap is not paged */
		.pagefile_usage = c.charge * PAGE_SIZE, .peak_pagefile_usage = c.peak_charge * PAGE_SIZE,
		.private_usage = c.charge * PAGE_SIZE,
	};
	uint32_t ret = (uint32_t)len;
	if (copy_to_user(ubuf, &out, len) || (uret && copy_to_user(uret, &ret, 4)))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

ntstatus_t procmem_query_ws_ex(struct vm_space *vm, uint64_t ubuf, uint64_t len, uint64_t uret)
{
	if (len < 16)
		return STATUS_INFO_LENGTH_MISMATCH;
	if (MISALIGNED(ubuf, 8) || MISALIGNED(uret, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	uint64_t n = len / 16;
	if (!user_range_ok(ubuf, n * 16))
		return STATUS_ACCESS_VIOLATION;
	for (uint64_t i = 0; i < n; i++) {	/* the target's lock is taken per entry, never while touching ours */
		uint64_t va, block;
		if (copy_from_user(&va, ubuf + i * 16, 8))
			return STATUS_ACCESS_VIOLATION;
		block = va < USER_TOP ? vm_working_set_ex(vm, va) : 0;
		if (copy_to_user(ubuf + i * 16 + 8, &block, 8))
			return STATUS_ACCESS_VIOLATION;
	}
	uint64_t ret = n * 16;
	if (uret && copy_to_user(uret, &ret, 8))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/* SYSTEM_PROCESS_INFORMATION and SYSTEM_THREAD_INFORMATION (x64), the fields filled here. */
#define SPI_SIZE 0x100
#define STI_SIZE 0x50
struct sys_thread_info {
	int64_t kernel_time, user_time, create_time;
	uint32_t wait_time, pad;
	uint64_t start_address, pid, tid;
	int32_t priority, base_priority;
	uint32_t context_switches, state, wait_reason, pad2;
};
_Static_assert(sizeof(struct sys_thread_info) == STI_SIZE, "SYSTEM_THREAD_INFORMATION is 0x50 bytes");

/* Bytes of p's entry: the fixed part, its threads, its name as UTF-16 with a NUL, rounded to 8. */
static uint64_t entry_size(const struct process *p)
{
	uint64_t name = (strlen(p->name) + 1) * 2;
	return SPI_SIZE + (uint64_t)p->thread_count * STI_SIZE + ((name + 7) & ~7ULL);
}

/* Write p's entry at u (probed); next: NextEntryOffset (0 for the last). */
static ntstatus_t put_entry(struct process *p, uint64_t u, uint32_t next)
{
	uint8_t e[SPI_SIZE] = { 0 };
	uint64_t nlen = strlen(p->name), name_at = u + SPI_SIZE + (uint64_t)p->thread_count * STI_SIZE;
	struct vm_counters c;
	vm_counters(&p->vm, &c);
	uint32_t u32;
	uint64_t u64;
#define PUT(off, v, n) (__builtin_memcpy(e + (off), &(v), (n)))
	PUT(0x00, next, 4);
	PUT(0x04, p->thread_count, 4);
	PUT(0x20, p->create_time, 8);
	uint16_t us[2] = { (uint16_t)(nlen * 2), (uint16_t)(nlen * 2 + 2) };
	PUT(0x38, us, 4);
	PUT(0x40, name_at, 8);
	u32 = 8;
	PUT(0x48, u32, 4);	/* BasePriority */
	u64 = (uint64_t)p->pid;
	PUT(0x50, u64, 8);
	u64 = p->parent ? (uint64_t)p->parent->pid : 0;
	PUT(0x58, u64, 8);
	u32 = p->handles.count;
	PUT(0x60, u32, 4);
	PUT(0x70, c.peak_virtual, 8);
	PUT(0x78, c.virtual_bytes, 8);
	u32 = (uint32_t)c.faults;
	PUT(0x80, u32, 4);
	u64 = c.peak_ws * PAGE_SIZE;
	PUT(0x88, u64, 8);
	u64 = c.ws * PAGE_SIZE;
	PUT(0x90, u64, 8);
	u64 = c.charge * PAGE_SIZE;
	PUT(0xB8, u64, 8);	/* PagefileUsage */
	PUT(0xC8, u64, 8);	/* PrivatePageCount (bytes, as Windows fills it) */
	u64 = c.peak_charge * PAGE_SIZE;
	PUT(0xC0, u64, 8);
#undef PUT
	if (copy_to_user(u, e, SPI_SIZE))
		return STATUS_ACCESS_VIOLATION;
	uint64_t at = u + SPI_SIZE;
	for (struct thread *t = p->threads; t; t = t->proc_next, at += STI_SIZE) {
		struct sys_thread_info ti = { .pid = (uint64_t)p->pid, .tid = t->tid, .priority = t->priority,
					      .base_priority = 8,
					      .state = t->state == THREAD_RUNNING ? 2 : t->state == THREAD_READY ? 1 : 5 };
		thread_times(t, &ti.kernel_time, &ti.user_time);
		if (copy_to_user(at, &ti, sizeof(ti)))
			return STATUS_ACCESS_VIOLATION;
	}
	for (uint64_t i = 0; i <= nlen; i++) {
		uint16_t ch = (uint8_t)p->name[i];
		if (copy_to_user(name_at + i * 2, &ch, 2))
			return STATUS_ACCESS_VIOLATION;
	}
	return STATUS_SUCCESS;
}

/* SystemProcessInformation: every running process; too small: STATUS_INFO_LENGTH_MISMATCH, *ret the size needed. */
static ntstatus_t process_list(uint64_t ubuf, uint32_t len, uint32_t *ret)
{
	uint64_t need = 0;
	for (struct process *p = proc_next_listed(NULL); p; p = proc_next_listed(p))
		if (p->state != PROC_ZOMBIE)
			need += entry_size(p);
	*ret = (uint32_t)need;
	if (len < need)
		return STATUS_INFO_LENGTH_MISMATCH;
	if (MISALIGNED(ubuf, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (probe_user_write(ubuf, need))	/* nothing below faults: the list cannot change under us */
		return STATUS_ACCESS_VIOLATION;
	uint64_t at = ubuf, left = need;
	for (struct process *p = proc_next_listed(NULL); p; p = proc_next_listed(p)) {
		if (p->state == PROC_ZOMBIE)
			continue;
		uint64_t size = entry_size(p);
		left -= size;
		ntstatus_t st = put_entry(p, at, left ? (uint32_t)size : 0);
		if (st)
			return st;
		at += size;
	}
	return STATUS_SUCCESS;
}

ntstatus_t sys_procmem_call(struct trap_frame *tf)
{
	switch (tf->rax) {
	case SYS_NtReadVirtualMemory: return sys_rw_vm(tf, false);
	case SYS_NtWriteVirtualMemory: return sys_rw_vm(tf, true);
	case SYS_NtDuplicateObject: return sys_duplicate(tf);
	case SYS_NtQuerySystemInformation: return sys_query_system(tf);
	case SYS_NtHandleFlags: return sys_handle_flags(tf);
	case SYS_NtSetInformationVirtualMemory: return sys_set_vm_info(tf);
	default: return sys_smp_call(tf);	/* 81, 82 (issue 18); unset numbers: STATUS_INVALID_SYSTEM_SERVICE */
	}
}
