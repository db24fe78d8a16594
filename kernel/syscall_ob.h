/* kernel/syscall_ob.h - handlers of kernel/syscall_ob.c, called by syscall_dispatch (kernel/syscall.c). */
#ifndef KERNEL_SYSCALL_OB_H
#define KERNEL_SYSCALL_OB_H

#include "trap.h"
#include "mm/winvm.h"

#define STATUS_DATATYPE_MISALIGNMENT ((ntstatus_t)0x80000002)

ntstatus_t sys_create_section(struct trap_frame *tf);
ntstatus_t sys_open_section(struct trap_frame *tf);
ntstatus_t sys_map_view(struct trap_frame *tf);
ntstatus_t sys_unmap_view(struct trap_frame *tf);
ntstatus_t sys_close(struct trap_frame *tf);
ntstatus_t sys_fork(struct trap_frame *tf);
ntstatus_t sys_wait_child(struct trap_frame *tf);

#endif
