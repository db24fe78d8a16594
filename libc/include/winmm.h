/*
 * libc/include/winmm.h - project extras that are not Windows APIs: starting
 * and waiting for other boot-module programs (for tests), the free-frame
 * oracle and raw console output.
 */
#ifndef LIBC_WINMM_H
#define LIBC_WINMM_H

#include <windows.h>

#include "kernel/syscall_abi.h"

/*
 * Starts the boot module named `module` (e.g. "child.elf") as a new process.
 * On success stores its id in *pid and returns STATUS_SUCCESS; otherwise
 * returns the kernel's NTSTATUS.
 */
NTSTATUS winmm_spawn(const char *module, ULONG *pid);

/*
 * Waits for child `pid` to end and stores its exit status in *exit_code (a
 * DWORD, as GetExitCodeProcess gives it, so it compares directly with
 * STATUS_ACCESS_VIOLATION and friends).  Returns the kernel's NTSTATUS.
 */
NTSTATUS winmm_wait(ULONG pid, DWORD *exit_code);

/* fork() as the native call: STATUS_SUCCESS and *child_pid in the parent, STATUS_PROCESS_CLONED in the child. */
NTSTATUS winmm_fork(ULONG *child_pid);

/*
 * waitpid() as the native call: pid -1 for any child, options 1 not to block
 * (STATUS_PENDING when none has ended); *out gets the pid, the 32-bit exit
 * code and whether an unhandled exception ended it.
 */
NTSTATUS winmm_wait_child(LONG pid, ULONG options, struct abi_child_exit *out);

/* Fills *out with the kernel's frame counters; returns the kernel's NTSTATUS. */
NTSTATUS winmm_frame_stats(struct abi_frame_stats *out);

/* Writes len bytes to the console unbuffered (stdout is not flushed first). */
NTSTATUS winmm_write(const char *buf, SIZE_T len);

#endif
