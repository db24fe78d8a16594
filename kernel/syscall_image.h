/*
 * kernel/syscall_image.h - the process-start half of NtCreateProcess that
 * kernel/syscall_image.c adds (kernel/syscall.c calls it): the optional
 * struct abi_process_handles of CreateProcess, handles to the new process
 * and its main thread made in the same system call, so a child that ends at
 * once is still reachable through them.
 */
#ifndef KERNEL_SYSCALL_IMAGE_H
#define KERNEL_SYSCALL_IMAGE_H

#include <stdint.h>
#include "mm/winvm.h"

struct process;

/* Check that u (NULL: no handles wanted) is a writable struct abi_process_handles, before the process starts. */
ntstatus_t proc_handles_probe(uint64_t u);

/*
 * Write to u (probed; NULL: nothing) handles of the calling process's table
 * to new process p and its main thread (all access) and the thread's id.
 * On failure no handle is left.
 */
ntstatus_t proc_handles_publish(struct process *p, uint64_t u);

#endif
