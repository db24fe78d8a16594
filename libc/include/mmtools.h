/*
 * libc/include/mmtools.h - this project's extras, exported by mmtools.dll
 * (link with -lmmtools): starting and waiting for other boot-module programs,
 * the frame statistics and memory status the leak checks use, the physical
 * memory map, raw console output, the section and fork system calls as they
 * are (for tests of the system-call layer), and vmmap.  None of this is a
 * Windows API; everything else comes from MinGW's own headers.
 *
 * Also declared here: the native (ntdll) calls the tests use that Windows'
 * ntdll.dll exports but MinGW's user-mode headers do not declare, and the
 * ntstatus.h codes that winnt.h lacks.  As on Windows, the exception codes
 * winnt.h defines (STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION...)
 * stay DWORDs, so they compare cleanly with EXCEPTION_RECORD.ExceptionCode;
 * the ones added here are NTSTATUS (signed), spelled exactly as ntstatus.h
 * spells them, so including <ntstatus.h> as well does not redefine them.
 */
#ifndef LIBC_MMTOOLS_H
#define LIBC_MMTOOLS_H

#include <windows.h>

#include "kernel/syscall_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ntstatus.h codes winnt.h does not define ------------------------------------ */
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000)
#endif
#ifndef STATUS_PROCESS_CLONED
#define STATUS_PROCESS_CLONED ((NTSTATUS)0x00000129)
#endif
#ifndef STATUS_OBJECT_NAME_EXISTS
#define STATUS_OBJECT_NAME_EXISTS ((NTSTATUS)0x40000000)
#endif
#ifndef STATUS_WORKING_SET_LIMIT_RANGE
#define STATUS_WORKING_SET_LIMIT_RANGE ((NTSTATUS)0x40000002)
#endif
#ifndef STATUS_WAS_LOCKED
#define STATUS_WAS_LOCKED ((NTSTATUS)0x40000019)
#endif
#ifndef STATUS_NOT_IMPLEMENTED
#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)0xC0000002)
#endif
#ifndef STATUS_INVALID_INFO_CLASS
#define STATUS_INVALID_INFO_CLASS ((NTSTATUS)0xC0000003)
#endif
#ifndef STATUS_INFO_LENGTH_MISMATCH
#define STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004)
#endif
#ifndef STATUS_CONFLICTING_ADDRESSES
#define STATUS_CONFLICTING_ADDRESSES ((NTSTATUS)0xC0000018)
#endif
#ifndef STATUS_NOT_MAPPED_VIEW
#define STATUS_NOT_MAPPED_VIEW ((NTSTATUS)0xC0000019)
#endif
#ifndef STATUS_UNABLE_TO_FREE_VM
#define STATUS_UNABLE_TO_FREE_VM ((NTSTATUS)0xC000001A)
#endif
#ifndef STATUS_UNABLE_TO_DELETE_SECTION
#define STATUS_UNABLE_TO_DELETE_SECTION ((NTSTATUS)0xC000001B)
#endif
#ifndef STATUS_INVALID_SYSTEM_SERVICE
#define STATUS_INVALID_SYSTEM_SERVICE ((NTSTATUS)0xC000001C)
#endif
#ifndef STATUS_INVALID_VIEW_SIZE
#define STATUS_INVALID_VIEW_SIZE ((NTSTATUS)0xC000001F)
#endif
#ifndef STATUS_ALREADY_COMMITTED
#define STATUS_ALREADY_COMMITTED ((NTSTATUS)0xC0000021)
#endif
#ifndef STATUS_ACCESS_DENIED
#define STATUS_ACCESS_DENIED ((NTSTATUS)0xC0000022)
#endif
#ifndef STATUS_BUFFER_TOO_SMALL
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023)
#endif
#ifndef STATUS_NOT_LOCKED
#define STATUS_NOT_LOCKED ((NTSTATUS)0xC000002A)
#endif
#ifndef STATUS_UNABLE_TO_DECOMMIT_VM
#define STATUS_UNABLE_TO_DECOMMIT_VM ((NTSTATUS)0xC000002C)
#endif
#ifndef STATUS_NOT_COMMITTED
#define STATUS_NOT_COMMITTED ((NTSTATUS)0xC000002D)
#endif
#ifndef STATUS_OBJECT_NAME_INVALID
#define STATUS_OBJECT_NAME_INVALID ((NTSTATUS)0xC0000033)
#endif
#ifndef STATUS_SECTION_TOO_BIG
#define STATUS_SECTION_TOO_BIG ((NTSTATUS)0xC0000040)
#endif
#ifndef STATUS_INVALID_PAGE_PROTECTION
#define STATUS_INVALID_PAGE_PROTECTION ((NTSTATUS)0xC0000045)
#endif
#ifndef STATUS_BAD_WORKING_SET_LIMIT
#define STATUS_BAD_WORKING_SET_LIMIT ((NTSTATUS)0xC000004C)
#endif
#ifndef STATUS_INCOMPATIBLE_FILE_MAP
#define STATUS_INCOMPATIBLE_FILE_MAP ((NTSTATUS)0xC000004D)
#endif
#ifndef STATUS_SECTION_PROTECTION
#define STATUS_SECTION_PROTECTION ((NTSTATUS)0xC000004E)
#endif
#ifndef STATUS_PRIVILEGE_NOT_HELD
#define STATUS_PRIVILEGE_NOT_HELD ((NTSTATUS)0xC0000061)
#endif
#ifndef STATUS_INVALID_IMAGE_FORMAT
#define STATUS_INVALID_IMAGE_FORMAT ((NTSTATUS)0xC000007B)
#endif
#ifndef STATUS_INSUFFICIENT_RESOURCES
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009A)
#endif
#ifndef STATUS_FREE_VM_NOT_AT_BASE
#define STATUS_FREE_VM_NOT_AT_BASE ((NTSTATUS)0xC000009F)
#endif
#ifndef STATUS_MEMORY_NOT_ALLOCATED
#define STATUS_MEMORY_NOT_ALLOCATED ((NTSTATUS)0xC00000A0)
#endif
#ifndef STATUS_WORKING_SET_QUOTA
#define STATUS_WORKING_SET_QUOTA ((NTSTATUS)0xC00000A1)
#endif
#ifndef STATUS_INVALID_PARAMETER_1
#define STATUS_INVALID_PARAMETER_1 ((NTSTATUS)0xC00000EF)
#define STATUS_INVALID_PARAMETER_2 ((NTSTATUS)0xC00000F0)
#define STATUS_INVALID_PARAMETER_3 ((NTSTATUS)0xC00000F1)
#define STATUS_INVALID_PARAMETER_4 ((NTSTATUS)0xC00000F2)
#define STATUS_INVALID_PARAMETER_5 ((NTSTATUS)0xC00000F3)
#define STATUS_INVALID_PARAMETER_6 ((NTSTATUS)0xC00000F4)
#endif
#ifndef STATUS_PROCESS_IS_TERMINATING
#define STATUS_PROCESS_IS_TERMINATING ((NTSTATUS)0xC000010A)
#endif
#ifndef STATUS_COMMITMENT_LIMIT
#define STATUS_COMMITMENT_LIMIT ((NTSTATUS)0xC000012D)
#endif
#ifndef STATUS_NO_SUCH_PROCESS
#define STATUS_NO_SUCH_PROCESS ((NTSTATUS)0xC000030F)
#endif

/* ---- native calls ntdll.dll exports (Windows' prototypes; not in MinGW's user headers) ---- */
#ifndef MMTOOLS_NO_NATIVE_DECLS
typedef enum _MEMORY_INFORMATION_CLASS {
	MemoryBasicInformation = 0
} MEMORY_INFORMATION_CLASS;

#define MAP_PROCESS 1
#define MAP_SYSTEM  2

NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
				       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType);
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
				      ULONG NewProtect, PULONG OldProtect);
NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
				    MEMORY_INFORMATION_CLASS MemoryInformationClass, PVOID MemoryInformation,
				    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength);
NTSTATUS NTAPI NtLockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType);
NTSTATUS NTAPI NtUnlockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType);
#endif

/* ---- processes ------------------------------------------------------------------- */

/*
 * Starts the boot module named `module` ("child.exe") as a new process whose
 * command line is the module's name.  On success stores its id in *pid and
 * returns STATUS_SUCCESS; otherwise the kernel's NTSTATUS
 * (STATUS_DLL_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, ...).
 */
NTSTATUS mm_spawn(const char *module, ULONG *pid);

/* As mm_spawn, with the command line `cmdline` (what GetCommandLineA returns in the child). */
NTSTATUS mm_spawn_cmdline(const char *module, const char *cmdline, ULONG *pid);

/*
 * Waits for child `pid` to end and stores its exit status in *exit_code (a
 * DWORD, as GetExitCodeProcess gives it, so it compares directly with
 * STATUS_ACCESS_VIOLATION and friends).  Returns the kernel's NTSTATUS.
 */
NTSTATUS mm_wait(ULONG pid, DWORD *exit_code);

/*
 * The fork system call as it is: STATUS_SUCCESS and *child_pid in the parent,
 * STATUS_PROCESS_CLONED in the child.  For tests of the call itself; programs
 * use fork() (<unistd.h>) or ntdll's RtlCloneUserProcess.
 */
NTSTATUS mm_fork(ULONG *child_pid);

/*
 * waitpid() as the native call: pid -1 for any child, options 1 not to block
 * (STATUS_PENDING when none has ended); *out gets the pid, the 32-bit exit
 * code and whether an unhandled exception ended it.
 */
NTSTATUS mm_wait_child(LONG pid, ULONG options, struct abi_child_exit *out);

/* ---- memory figures ---------------------------------------------------------------- */

/* Fills *out with the kernel's frame counters; returns the kernel's NTSTATUS. */
NTSTATUS mm_frame_stats(struct abi_frame_stats *out);

/*
 * Fills *out with the kernel's memory status (NtQueryMemoryStatus, in pages):
 * frames, the enforced commit limit and charge, the pagefile's slots.
 */
NTSTATUS mm_memory_status(struct abi_memory_status *out);

/*
 * The frame database as runs of one owner (ABI_FRAME_*), ascending.  With
 * count too small: STATUS_BUFFER_TOO_SMALL, nothing written, *needed set.
 */
NTSTATUS mm_physical_memory_map(struct abi_frame_run *runs, SIZE_T count, SIZE_T *needed);

/*
 * The images mapped in this process (NtQueryImages), in initialization order:
 * dependencies first, the exe last.  With count too small:
 * STATUS_BUFFER_TOO_SMALL, nothing written, *needed set.
 */
NTSTATUS mm_query_images(struct abi_image_info *out, SIZE_T count, SIZE_T *needed);

/* ---- raw calls ----------------------------------------------------------------------- */

/* Writes len bytes to the console unbuffered (stdout is not flushed first). */
NTSTATUS mm_write(const char *buf, SIZE_T len);

/*
 * The section calls as the kernel has them (kernel/syscall_abi.h), names as C
 * strings (NULL: unnamed): what CreateFileMapping, OpenFileMapping and
 * MapViewOfFile are built on, for tests that pass what the Win32 calls never
 * would.
 */
NTSTATUS mm_create_section(HANDLE *out, const char *name, ULONG64 size, ULONG protect, ULONG attributes);
NTSTATUS mm_open_section(HANDLE *out, ACCESS_MASK access, const char *name);
NTSTATUS mm_map_view(HANDLE section, struct abi_map_view *args);

/*
 * Any system call, raw: number in rax, a1..a6 in rdi, rsi, rdx, r10, r8, r9
 * (kernel/syscall_abi.h); returns rax.  For tests of the system-call layer.
 */
LONG_PTR mm_syscall(ULONG number, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3, ULONG_PTR a4, ULONG_PTR a5,
		    ULONG_PTR a6);

/* ---- vmmap --------------------------------------------------------------------------- */

/*
 * Prints this process's address space on stdout, one row per VirtualQuery
 * region from 0 to the top of the user range, with the kernel's view
 * (NtQueryVirtualMemory class ABI_MEMORY_FRAMES_INFORMATION):
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
 * rows of the thread's stack reservation end with "stack" ("stack guard"),
 * rows of an image end with its module name.  tools/svgmap.c reads the
 * format back.  Returns the number of regions.
 */
int vmmap(const char *title);

/*
 * Physical memory by owner: "--- physmap: TITLE (N frames of 4K, R runs)",
 * the runs as FIRST+COUNT:OWNER (hex frame numbers; owner absent, free,
 * kernel, pagetable, heap, user, section or awe), eight to a line, then
 * "--- end physmap:" with the KiB per owner.  Returns the number of runs, or
 * -1 on failure.
 */
int vmmap_physical(const char *title);

/* PAGE_* as vmmap prints it ("rw-+guard"); buf holds at least 24 bytes.  Returns buf. */
const char *vmmap_protect_name(DWORD protect, char buf[24]);

#ifdef __cplusplus
}
#endif

#endif
