/*
 * kernel/syscall_lock.c - NtLockVirtualMemory, NtUnlockVirtualMemory and the
 * working-set limits (mm/lock.c).  Lock and unlock check their arguments in
 * NT's order: map type, the base and size cells (aligned, readable and
 * writable), base above the user range, a range past it, size 0
 * (STATUS_INVALID_PARAMETER each), the handle, MAP_SYSTEM's privilege; on
 * success the page-rounded base and size are written back.
 */
#include "syscall.h"
#include "proc.h"
#include "syscall_abi.h"
#include "uaccess.h"
#include "mm/lock.h"
#include "kernel/layout.h"

#define PAGE_MASK_ 0xFFFULL

/* NtLockVirtualMemory (unlock false) / NtUnlockVirtualMemory (unlock true): (HANDLE, PVOID *base, SIZE_T *size, ULONG map_type) */
ntstatus_t sys_lock(struct trap_frame *tf, bool unlock)
{
	uint32_t map = (uint32_t)tf->r10;
	uint64_t base, size;
	if (map & ~(uint32_t)(ABI_MAP_PROCESS | ABI_MAP_SYSTEM) || !map)
		return STATUS_INVALID_PARAMETER;
	if (MISALIGNED(tf->rsi, 8) || MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&base, tf->rsi, 8) || copy_from_user(&size, tf->rdx, 8) || copy_to_user(tf->rsi, &base, 8) ||
	    copy_to_user(tf->rdx, &size, 8))
		return STATUS_ACCESS_VIOLATION;
	if (base > USER_MAX_ADDR || USER_MAX_ADDR - base < size || size == 0)
		return STATUS_INVALID_PARAMETER;
	if (!is_current(tf->rdi))
		return STATUS_INVALID_HANDLE;
	if (map & ABI_MAP_SYSTEM)
		return STATUS_PRIVILEGE_NOT_HELD;	/* needs SeLockMemoryPrivilege */
	uint64_t start = base & ~PAGE_MASK_, end = (base + size + PAGE_MASK_) & ~PAGE_MASK_;
	struct vm_space *vm = &current_process()->vm;
	ntstatus_t st = unlock ? vm_unlock(vm, start, end) : vm_lock(vm, start, &end);
	if (st < 0)
		return st;
	size = end - start;
	if (copy_to_user(tf->rsi, &start, 8) || copy_to_user(tf->rdx, &size, 8))
		return STATUS_ACCESS_VIOLATION;
	return st;
}

/* (HANDLE, ULONG set, struct abi_quota_limits *limits) */
ntstatus_t sys_working_set(struct trap_frame *tf)
{
	struct abi_quota_limits q;
	if (!is_current(tf->rdi))
		return STATUS_INVALID_HANDLE;
	if (tf->rsi > 1)
		return STATUS_INVALID_PARAMETER;
	if (MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&q, tf->rdx, sizeof(q)) || copy_to_user(tf->rdx, &q, sizeof(q)))
		return STATUS_ACCESS_VIOLATION;
	struct vm_space *vm = &current_process()->vm;
	if (tf->rsi)
		return vm_set_working_set(vm, q.min_working_set, q.max_working_set, q.flags);
	uint64_t min, max;
	uint32_t flags;
	vm_get_working_set(vm, &min, &max, &flags);
	q = (struct abi_quota_limits){ min, max, flags, 0 };
	return copy_to_user(tf->rdx, &q, sizeof(q)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}
