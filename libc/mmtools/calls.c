/*
 * libc/mmtools/calls.c - the <mmtools.h> calls that are one system call each.
 * The project's own calls (process start and wait, frame statistics, memory
 * status, the physical map, the image list, raw console output, fork as it
 * is) go through ntdll's project-only exports; the section calls as the
 * kernel has them and mm_syscall issue the system call here (ntdll only has
 * the Windows form of the section calls).  Each returns the kernel's status
 * as is.
 */
#include <string.h>

#include "internal.h"

NTSTATUS mm_spawn(const char *module, ULONG *pid)
{
	return MmCreateProcess(module, NULL, pid);
}

NTSTATUS mm_spawn_cmdline(const char *module, const char *cmdline, ULONG *pid)
{
	return MmCreateProcess(module, cmdline, pid);
}

NTSTATUS mm_wait(ULONG pid, DWORD *exit_code)
{
	/* DWORD and NTSTATUS share their 32-bit storage; the kernel writes an NTSTATUS. */
	return MmWaitForProcess(pid, (NTSTATUS *)exit_code);
}

NTSTATUS mm_fork(ULONG *child_pid)
{
	return MmForkProcess(child_pid);
}

NTSTATUS mm_wait_child(LONG pid, ULONG options, struct abi_child_exit *out)
{
	return MmWaitForChild(pid, options, out);
}

NTSTATUS mm_frame_stats(struct abi_frame_stats *out)
{
	return MmQueryFrameStats(out);
}

NTSTATUS mm_memory_status(struct abi_memory_status *out)
{
	return MmQueryMemoryStatus(out);
}

NTSTATUS mm_physical_memory_map(struct abi_frame_run *runs, SIZE_T count, SIZE_T *needed)
{
	return MmQueryPhysicalMemoryMap(runs, count, needed);
}

NTSTATUS mm_query_images(struct abi_image_info *out, SIZE_T count, SIZE_T *needed)
{
	return MmQueryImages(out, count, needed);
}

NTSTATUS mm_write(const char *buf, SIZE_T len)
{
	return MmWriteConsole(buf, len);
}

NTSTATUS mm_create_section(HANDLE *out, const char *name, ULONG64 size, ULONG protect, ULONG attributes)
{
	return MMT_NTCALL(SYS_NtCreateSection, out, name, name ? strlen(name) : 0, size, protect, attributes);
}

NTSTATUS mm_open_section(HANDLE *out, ACCESS_MASK access, const char *name)
{
	return MMT_NTCALL(SYS_NtOpenSection, out, access, name, name ? strlen(name) : 0, 0, 0);
}

NTSTATUS mm_map_view(HANDLE section, struct abi_map_view *args)
{
	return MMT_NTCALL(SYS_NtMapViewOfSection, section, GetCurrentProcess(), args, 0, 0, 0);
}

LONG_PTR mm_syscall(ULONG number, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3, ULONG_PTR a4, ULONG_PTR a5, ULONG_PTR a6)
{
	return mmt_syscall(number, a1, a2, a3, a4, a5, a6);
}
