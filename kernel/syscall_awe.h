/* kernel/syscall_awe.h - the AWE system calls (kernel/syscall_awe.c), dispatched by kernel/syscall.c. */
#ifndef KERNEL_SYSCALL_AWE_H
#define KERNEL_SYSCALL_AWE_H

#include <stdbool.h>
#include "trap.h"
#include "mm/winvm.h"

/* NtAllocateUserPhysicalPages (free false) / NtFreeUserPhysicalPages (free true): (HANDLE, ULONG_PTR *n, ULONG_PTR *pfns) */
ntstatus_t sys_awe_pages(struct trap_frame *tf, bool free);
/* NtMapUserPhysicalPages / NtMapUserPhysicalPagesScatter: (PVOID va or PVOID *vas, ULONG_PTR n, ULONG_PTR *pfns) */
ntstatus_t sys_awe_map(struct trap_frame *tf, bool scatter);

#endif
