/*
 * libc/ntdll.c - the native system-call wrappers (kernel/syscall_abi.h) and
 * the <winmm.h> extras built on them.  Each returns the kernel's status as is.
 */
#include <string.h>
#include <winmm.h>

#include "internal.h"

NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
				       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect)
{
	return NTCALL(SYSCALL6(SYS_NtAllocateVirtualMemory, ProcessHandle, BaseAddress, ZeroBits, RegionSize,
			       AllocationType, Protect));
}

NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType)
{
	return NTCALL(SYSCALL6(SYS_NtFreeVirtualMemory, ProcessHandle, BaseAddress, RegionSize, FreeType, 0, 0));
}

NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
				      ULONG NewProtect, PULONG OldProtect)
{
	return NTCALL(SYSCALL6(SYS_NtProtectVirtualMemory, ProcessHandle, BaseAddress, RegionSize, NewProtect,
			       OldProtect, 0));
}

NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
				    MEMORY_INFORMATION_CLASS MemoryInformationClass, PVOID MemoryInformation,
				    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength)
{
	return NTCALL(SYSCALL6(SYS_NtQueryVirtualMemory, ProcessHandle, BaseAddress, (int)MemoryInformationClass,
			       MemoryInformation, MemoryInformationLength, ReturnLength));
}

NTSTATUS NTAPI NtGetWriteWatch(HANDLE ProcessHandle, ULONG Flags, PVOID BaseAddress, SIZE_T RegionSize,
			       PVOID *UserAddressArray, PULONG_PTR EntriesInUserAddressArray, PULONG Granularity)
{
	/* The system call has no handle argument (six registers): only the current process is supported. */
	if (ProcessHandle != (HANDLE)(LONG_PTR)-1)
		return (NTSTATUS)STATUS_INVALID_HANDLE;
	return NTCALL(SYSCALL6(SYS_NtGetWriteWatch, Flags, BaseAddress, RegionSize, UserAddressArray,
			       EntriesInUserAddressArray, Granularity));
}

NTSTATUS NTAPI NtResetWriteWatch(HANDLE ProcessHandle, PVOID BaseAddress, SIZE_T RegionSize)
{
	return NTCALL(SYSCALL3(SYS_NtResetWriteWatch, ProcessHandle, BaseAddress, RegionSize));
}

NTSTATUS NTAPI NtAllocateUserPhysicalPages(HANDLE ProcessHandle, PULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtAllocateUserPhysicalPages, ProcessHandle, NumberOfPages, UserPfnArray));
}

NTSTATUS NTAPI NtMapUserPhysicalPages(PVOID VirtualAddress, ULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtMapUserPhysicalPages, VirtualAddress, NumberOfPages, UserPfnArray));
}

NTSTATUS NTAPI NtMapUserPhysicalPagesScatter(PVOID *VirtualAddresses, ULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtMapUserPhysicalPagesScatter, VirtualAddresses, NumberOfPages, UserPfnArray));
}

NTSTATUS NTAPI NtFreeUserPhysicalPages(HANDLE ProcessHandle, PULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtFreeUserPhysicalPages, ProcessHandle, NumberOfPages, UserPfnArray));
}

NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert)
{
	return NTCALL(SYSCALL2(SYS_NtContinue, ContextRecord, TestAlert));
}

NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus)
{
	/* Pass the status zero-extended: the kernel reads a 32-bit NTSTATUS. */
	return NTCALL(SYSCALL2(SYS_NtTerminateProcess, ProcessHandle, (ULONG)ExitStatus));
}

NTSTATUS libc_raise_exception(const EXCEPTION_RECORD *rec, const CONTEXT *ctx, BOOLEAN first_chance)
{
	return NTCALL(SYSCALL3(SYS_NtRaiseException, rec, ctx, first_chance));
}

NTSTATUS libc_write_console(const char *buf, SIZE_T len)
{
	return NTCALL(SYSCALL2(SYS_NtWriteConsole, buf, len));
}

NTSTATUS winmm_write(const char *buf, SIZE_T len)
{
	return libc_write_console(buf, len);
}

NTSTATUS winmm_spawn(const char *module, ULONG *pid)
{
	return NTCALL(SYSCALL3(SYS_NtCreateProcess, module, strlen(module), pid));
}

NTSTATUS winmm_wait(ULONG pid, DWORD *exit_code)
{
	/* DWORD and NTSTATUS share their 32-bit storage; the kernel writes an NTSTATUS. */
	return NTCALL(SYSCALL2(SYS_NtWaitForProcess, pid, exit_code));
}

NTSTATUS winmm_frame_stats(struct abi_frame_stats *out)
{
	return NTCALL(SYSCALL1(SYS_NtQueryFrameStats, out));
}

NTSTATUS winmm_create_section(HANDLE *out, const char *name, ULONG64 size, ULONG protect, ULONG attributes)
{
	return NTCALL(SYSCALL6(SYS_NtCreateSection, out, name, name ? strlen(name) : 0, size, protect, attributes));
}

NTSTATUS winmm_open_section(HANDLE *out, ACCESS_MASK access, const char *name)
{
	return NTCALL(SYSCALL6(SYS_NtOpenSection, out, access, name, strlen(name), 0, 0));
}

NTSTATUS winmm_map_view(HANDLE section, struct abi_map_view *args)
{
	return NTCALL(SYSCALL3(SYS_NtMapViewOfSection, section, GetCurrentProcess(), args));
}

NTSTATUS winmm_fork(ULONG *child_pid)
{
	return NTCALL(SYSCALL1(SYS_NtForkProcess, child_pid));
}

NTSTATUS winmm_wait_child(LONG pid, ULONG options, struct abi_child_exit *out)
{
	return NTCALL(SYSCALL3(SYS_NtWaitForChild, pid, options, out));
}

NTSTATUS NtQueryPhysicalMemoryMap(struct abi_frame_run *runs, SIZE_T count, SIZE_T *needed)
{
	return NTCALL(SYSCALL3(SYS_NtQueryPhysicalMemoryMap, runs, count, needed));
}

NTSTATUS winmm_memory_status(struct abi_memory_status *out)
{
	return NTCALL(SYSCALL1(SYS_NtQueryMemoryStatus, out));
}
