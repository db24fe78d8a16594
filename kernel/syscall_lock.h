/* kernel/syscall_lock.h - VirtualLock and working-set system calls (kernel/syscall_lock.c), dispatched by kernel/syscall.c. */
#ifndef KERNEL_SYSCALL_LOCK_H
#define KERNEL_SYSCALL_LOCK_H

#include <stdbool.h>
#include "trap.h"
#include "mm/winvm.h"

/* NtLockVirtualMemory (unlock false) / NtUnlockVirtualMemory (unlock true): (HANDLE, PVOID *base, SIZE_T *size, ULONG map_type) */
ntstatus_t sys_lock(struct trap_frame *tf, bool unlock);
/* NtWorkingSetLimits: (HANDLE, ULONG set, struct abi_quota_limits *limits) */
ntstatus_t sys_working_set(struct trap_frame *tf);

#endif
