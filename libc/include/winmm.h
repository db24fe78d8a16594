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

/*
 * Fills *out with the kernel's memory status (NtQueryMemoryStatus, in pages):
 * frames, the enforced commit limit and charge, the pagefile's slots.
 */
NTSTATUS winmm_memory_status(struct abi_memory_status *out);

/* Writes len bytes to the console unbuffered (stdout is not flushed first). */
NTSTATUS winmm_write(const char *buf, SIZE_T len);

/*
 * The frame database as runs of one owner (ABI_FRAME_*), ascending.  With
 * count too small: STATUS_BUFFER_TOO_SMALL, nothing written, *needed set.
 */
NTSTATUS NtQueryPhysicalMemoryMap(struct abi_frame_run *runs, SIZE_T count, SIZE_T *needed);

/*
 * vmmap (libc/vmmap.c): prints this process's address space on stdout, one
 * row per VirtualQuery region from 0 to the top of the user range, with the
 * kernel's view (NtQueryVirtualMemory class ABI_MEMORY_FRAMES_INFORMATION):
 *
 *   --- vmmap: TITLE
 *     base  size  state  type  protect  alloc base  alloc protect  resident shared dirty
 *   * 000000010000   64K reserve private -  000000010000 rw-  0 0 0
 *   ...
 *   --- end vmmap: N regions, nK committed, nK resident
 *
 * Addresses in hex, sizes in KiB, counts in pages; protections as rwx letters
 * (c = copy on write) with +guard, +nocache, +wc; "-" where a field does not
 * apply (free rows).  A '*' starts rows that differ from the previous call's;
 * rows of the thread's stack reservation end with "stack" ("stack guard").
 * tools/svgmap.c reads the format back.  Returns the number of regions.
 */
int vmmap(const char *title);

/*
 * Physical memory by owner: "--- physmap: TITLE (N frames of 4K, R runs)",
 * the runs as FIRST+COUNT:OWNER (hex frame numbers; owner absent, free,
 * kernel, pagetable, heap, user or section), eight to a line, then
 * "--- end physmap:" with the KiB per owner.  Returns the number of runs, or
 * -1 on failure.
 */
int vmmap_physical(const char *title);

/* PAGE_* as vmmap prints it ("rw-+guard"); buf holds at least 24 bytes.  Returns buf. */
const char *vmmap_protect_name(DWORD protect, char buf[24]);

#endif
