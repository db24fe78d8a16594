/*
 * libc/ntdll/nt_procmem.c - other processes' memory and handles
 * (kernel/syscall_abi.h 74-77, docs/processes.md): NtReadVirtualMemory,
 * NtWriteVirtualMemory, NtDuplicateObject, NtQuerySystemInformation.  Each
 * returns the kernel's status as is.
 */
#include "ntdll_private.h"

NTSTATUS NTAPI NtReadVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer, SIZE_T Size,
				   PSIZE_T NumberOfBytesRead);
NTSTATUS NTAPI NtWriteVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, const void *Buffer, SIZE_T Size,
				    PSIZE_T NumberOfBytesWritten);
NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle, HANDLE TargetProcessHandle,
				 PHANDLE TargetHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes, ULONG Options);

/* NtReadVirtualMemory: STATUS_PARTIAL_COPY with *NumberOfBytesRead the bytes before the first unreadable page. */
NTSTATUS NTAPI NtReadVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer, SIZE_T Size,
				   PSIZE_T NumberOfBytesRead)
{
	return NTCALL(SYSCALL6(SYS_NtReadVirtualMemory, ProcessHandle, BaseAddress, Buffer, Size, NumberOfBytesRead, 0));
}

/* NtWriteVirtualMemory: writable (or write-copy) pages only. */
NTSTATUS NTAPI NtWriteVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, const void *Buffer, SIZE_T Size,
				    PSIZE_T NumberOfBytesWritten)
{
	return NTCALL(SYSCALL6(SYS_NtWriteVirtualMemory, ProcessHandle, BaseAddress, Buffer, Size, NumberOfBytesWritten,
			       0));
}

/*
 * NtDuplicateObject: HandleAttributes' OBJ_INHERIT makes the new handle
 * inheritable (ABI_DUPLICATE_INHERIT); its other bits are ignored.
 */
NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle, HANDLE TargetProcessHandle,
				 PHANDLE TargetHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes, ULONG Options)
{
	if (Options & ABI_DUPLICATE_INHERIT)
		return STATUS_INVALID_PARAMETER;	/* not one of Windows' options */
	if (HandleAttributes & OBJ_INHERIT)
		Options |= ABI_DUPLICATE_INHERIT;
	return NTCALL(SYSCALL6(SYS_NtDuplicateObject, SourceProcessHandle, SourceHandle, TargetProcessHandle,
			       TargetHandle, DesiredAccess, Options));
}

/* NtQuerySystemInformation: SystemBasicInformation, SystemPerformanceInformation, SystemProcessInformation. */
NTSTATUS NTAPI NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass, PVOID SystemInformation,
					ULONG SystemInformationLength, PULONG ReturnLength)
{
	return NTCALL(SYSCALL6(SYS_NtQuerySystemInformation, SystemInformationClass, SystemInformation,
			       SystemInformationLength, ReturnLength, 0, 0));
}

/*
 * NtSetInformationVirtualMemory: VmPrefetchInformation (0; VmInformation a
 * ULONG of flags, 0) over NumberOfEntries MEMORY_RANGE_ENTRY, and the
 * project's ABI_VmDiscardInformation (0x100, no information) for
 * DiscardVirtualMemory.  Other classes: STATUS_INVALID_INFO_CLASS.
 */
NTSTATUS NTAPI NtSetInformationVirtualMemory(HANDLE ProcessHandle, ULONG VmInformationClass,
					      ULONG_PTR NumberOfEntries, PVOID VirtualAddresses, PVOID VmInformation,
					      ULONG VmInformationLength)
{
	return NTCALL(SYSCALL6(SYS_NtSetInformationVirtualMemory, ProcessHandle, VmInformationClass, NumberOfEntries,
			       VirtualAddresses, VmInformation, VmInformationLength));
}
