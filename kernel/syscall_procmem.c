/*
 * kernel/syscall_procmem.c - process handles with access rights, and one
 * process reaching into another (kernel/syscall_abi.h 74-77, issue 21):
 * NtReadVirtualMemory / NtWriteVirtualMemory, NtDuplicateObject,
 * NtQuerySystemInformation, and the process-memory information classes.
 * Same rules as kernel/syscall.c: arguments copied in, output pointers
 * probed before anything changes.  docs/processes.md.
 */
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

#define STATUS_PARTIAL_COPY ((ntstatus_t)ABI_STATUS_PARTIAL_COPY)
#define STATUS_PROCESS_IS_TERMINATING ((ntstatus_t)0xC000010A)
#define STATUS_INVALID_INFO_CLASS_PM ((ntstatus_t)0xC0000003)
#define STATUS_INVALID_SYSTEM_SERVICE_PM ((ntstatus_t)0xC000001C)
#define COPY_CHUNK (16 * 1024)	/* bytes moved per hold of the target's lock */

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

/* SYSTEM_BASIC_INFORMATION (x64, 64 bytes). */
struct sys_basic_info {
	uint32_t reserved, timer_resolution, page_size, number_of_physical_pages;
	uint32_t lowest_physical_page, highest_physical_page, allocation_granularity, pad;
	uint64_t minimum_user_address, maximum_user_address, active_processors_mask;
	int8_t number_of_processors;
	uint8_t pad2[7];
};
_Static_assert(sizeof(struct sys_basic_info) == 64, "SYSTEM_BASIC_INFORMATION is 64 bytes");

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
			.active_processors_mask = 1,
			.number_of_processors = 1,
		};
		ret = sizeof(b);
		if (len != sizeof(b))
			st = STATUS_INFO_LENGTH_MISMATCH;
		else
			st = copy_to_user(tf->rsi, &b, sizeof(b)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
	} else {
		return STATUS_INVALID_INFO_CLASS_PM;
	}
	if (uret && st != STATUS_ACCESS_VIOLATION)
		copy_to_user(uret, &ret, 4);
	return st;
}

ntstatus_t sys_procmem_call(struct trap_frame *tf)
{
	switch (tf->rax) {
	case SYS_NtReadVirtualMemory: return sys_rw_vm(tf, false);
	case SYS_NtWriteVirtualMemory: return sys_rw_vm(tf, true);
	case SYS_NtDuplicateObject: return sys_duplicate(tf);
	case SYS_NtQuerySystemInformation: return sys_query_system(tf);
	default: return STATUS_INVALID_SYSTEM_SERVICE_PM;
	}
}
