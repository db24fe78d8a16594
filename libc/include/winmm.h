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

/* Fills *out with the kernel's frame counters; returns the kernel's NTSTATUS. */
NTSTATUS winmm_frame_stats(struct abi_frame_stats *out);

/*
 * Fills *out with the kernel's memory status (NtQueryMemoryStatus, in pages):
 * frames, the enforced commit limit and charge, the pagefile's slots.
 */
NTSTATUS winmm_memory_status(struct abi_memory_status *out);

/* Writes len bytes to the console unbuffered (stdout is not flushed first). */
NTSTATUS winmm_write(const char *buf, SIZE_T len);

#endif
