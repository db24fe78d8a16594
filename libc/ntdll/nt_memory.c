/*
 * libc/ntdll/nt_memory.c - the virtual-memory system calls with Windows'
 * signatures (kernel/syscall_abi.h numbers 2-5, 16, 17, 27-33).  Each returns
 * the kernel's status as is.
 */
#include "ntdll_private.h"

/* NtAllocateVirtualMemory: reserve and/or commit (the kernel implements Windows' rules). */
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
				       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect)
{
	return NTCALL(SYSCALL6(SYS_NtAllocateVirtualMemory, ProcessHandle, BaseAddress, ZeroBits, RegionSize,
			       AllocationType, Protect));
}

/* NtFreeVirtualMemory: decommit or release. */
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType)
{
	return NTCALL(SYSCALL6(SYS_NtFreeVirtualMemory, ProcessHandle, BaseAddress, RegionSize, FreeType, 0, 0));
}

/* NtProtectVirtualMemory: change the protection of committed pages. */
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
				      ULONG NewProtect, PULONG OldProtect)
{
	return NTCALL(SYSCALL6(SYS_NtProtectVirtualMemory, ProcessHandle, BaseAddress, RegionSize, NewProtect,
			       OldProtect, 0));
}

/*
 * NtQueryVirtualMemory: MemoryBasicInformation (0), or the project's class
 * ABI_MEMORY_FRAMES_INFORMATION (0x100, struct abi_memory_frames_info).
 */
NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
				    ULONG MemoryInformationClass, PVOID MemoryInformation,
				    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength)
{
	return NTCALL(SYSCALL6(SYS_NtQueryVirtualMemory, ProcessHandle, BaseAddress, (int)MemoryInformationClass,
			       MemoryInformation, MemoryInformationLength, ReturnLength));
}

/* NtGetWriteWatch: the system call has no handle argument (six registers), so only the current process. */
NTSTATUS NTAPI NtGetWriteWatch(HANDLE ProcessHandle, ULONG Flags, PVOID BaseAddress, SIZE_T RegionSize,
			       PVOID *UserAddressArray, PULONG_PTR EntriesInUserAddressArray, PULONG Granularity)
{
	if (ProcessHandle != NT_CURRENT_PROCESS)
		return STATUS_INVALID_HANDLE;
	return NTCALL(SYSCALL6(SYS_NtGetWriteWatch, Flags, BaseAddress, RegionSize, UserAddressArray,
			       EntriesInUserAddressArray, Granularity));
}

/* NtResetWriteWatch: clear the write-watch state of a range. */
NTSTATUS NTAPI NtResetWriteWatch(HANDLE ProcessHandle, PVOID BaseAddress, SIZE_T RegionSize)
{
	return NTCALL(SYSCALL3(SYS_NtResetWriteWatch, ProcessHandle, BaseAddress, RegionSize));
}

/* NtAllocateUserPhysicalPages: AWE frames for the process. */
NTSTATUS NTAPI NtAllocateUserPhysicalPages(HANDLE ProcessHandle, PULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtAllocateUserPhysicalPages, ProcessHandle, NumberOfPages, UserPfnArray));
}

/* NtMapUserPhysicalPages: map (or with NULL unmap) AWE frames at a MEM_PHYSICAL range. */
NTSTATUS NTAPI NtMapUserPhysicalPages(PVOID VirtualAddress, ULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtMapUserPhysicalPages, VirtualAddress, NumberOfPages, UserPfnArray));
}

/* NtMapUserPhysicalPagesScatter: the same, one address per page. */
NTSTATUS NTAPI NtMapUserPhysicalPagesScatter(PVOID *VirtualAddresses, ULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtMapUserPhysicalPagesScatter, VirtualAddresses, NumberOfPages, UserPfnArray));
}

/* NtFreeUserPhysicalPages: give AWE frames back. */
NTSTATUS NTAPI NtFreeUserPhysicalPages(HANDLE ProcessHandle, PULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray)
{
	return NTCALL(SYSCALL3(SYS_NtFreeUserPhysicalPages, ProcessHandle, NumberOfPages, UserPfnArray));
}

/* NtLockVirtualMemory: MapType MAP_PROCESS (1) or MAP_SYSTEM (2, needs a privilege nobody holds). */
NTSTATUS NTAPI NtLockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType)
{
	return NTCALL(SYSCALL6(SYS_NtLockVirtualMemory, ProcessHandle, BaseAddress, RegionSize, MapType, 0, 0));
}

/* NtUnlockVirtualMemory: the reverse. */
NTSTATUS NTAPI NtUnlockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType)
{
	return NTCALL(SYSCALL6(SYS_NtUnlockVirtualMemory, ProcessHandle, BaseAddress, RegionSize, MapType, 0, 0));
}

/* NtFlushInstructionCache: x86 keeps caches coherent; the kernel still checks the arguments. */
NTSTATUS NTAPI NtFlushInstructionCache(HANDLE ProcessHandle, PVOID BaseAddress, SIZE_T Length)
{
	return NTCALL(SYSCALL3(SYS_NtFlushInstructionCache, ProcessHandle, BaseAddress, Length));
}
