/*
 * libc/kernel32/va2.c - VirtualAlloc2, MapViewOfFile3, MapViewOfFile2,
 * MapViewOfFileNuma2, UnmapViewOfFile2 and UnmapViewOfFileEx (Windows 10's
 * memory API, placeholders: docs/api.md) over ntdll's *Ex calls.  A NULL
 * process handle is the calling process, as VirtualAlloc2 documents.
 */
#include "k32_private.h"

NTSTATUS NTAPI NtAllocateVirtualMemoryEx(HANDLE, PVOID *, PSIZE_T, ULONG, ULONG, PMEM_EXTENDED_PARAMETER, ULONG);
NTSTATUS NTAPI NtMapViewOfSectionEx(HANDLE, HANDLE, PVOID *, PLARGE_INTEGER, PSIZE_T, ULONG, ULONG,
				    PMEM_EXTENDED_PARAMETER, ULONG);
NTSTATUS NTAPI NtUnmapViewOfSectionEx(HANDLE, PVOID, ULONG);

static HANDLE process_or_current(HANDLE h)
{
	return h ? h : K32_CURRENT_PROCESS;
}

/* VirtualAlloc2: the base, or NULL with the last error. */
PVOID WINAPI VirtualAlloc2(HANDLE Process, PVOID BaseAddress, SIZE_T Size, ULONG AllocationType, ULONG PageProtection,
			   MEM_EXTENDED_PARAMETER *ExtendedParameters, ULONG ParameterCount)
{
	PVOID base = BaseAddress;
	SIZE_T size = Size;
	NTSTATUS st = NtAllocateVirtualMemoryEx(process_or_current(Process), &base, &size, AllocationType,
						PageProtection, ExtendedParameters, ParameterCount);
	return k32_status(st) ? base : NULL;
}

/* VirtualAlloc2FromApp: the same without executable protections (as for Store apps). */
PVOID WINAPI VirtualAlloc2FromApp(HANDLE Process, PVOID BaseAddress, SIZE_T Size, ULONG AllocationType,
				  ULONG PageProtection, MEM_EXTENDED_PARAMETER *ExtendedParameters,
				  ULONG ParameterCount)
{
	if (PageProtection & (PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return VirtualAlloc2(Process, BaseAddress, Size, AllocationType, PageProtection, ExtendedParameters,
			     ParameterCount);
}

/*
 * MapViewOfFile3: a view of FileMapping in Process with protection
 * PageProtection (PAGE_NOACCESS too; one the section does not allow: 5);
 * AllocationType 0, MEM_TOP_DOWN or MEM_REPLACE_PLACEHOLDER
 * (BaseAddress and ViewSize then exactly a placeholder).
 */
PVOID WINAPI MapViewOfFile3(HANDLE FileMapping, HANDLE Process, PVOID BaseAddress, ULONG64 Offset, SIZE_T ViewSize,
			    ULONG AllocationType, ULONG PageProtection, MEM_EXTENDED_PARAMETER *ExtendedParameters,
			    ULONG ParameterCount)
{
	PVOID base = BaseAddress;
	SIZE_T size = ViewSize;
	LARGE_INTEGER offset = { .QuadPart = (LONGLONG)Offset };
	NTSTATUS st = NtMapViewOfSectionEx(FileMapping, process_or_current(Process), &base, &offset, &size,
					   AllocationType, PageProtection, ExtendedParameters, ParameterCount);
	if (st == STATUS_SECTION_PROTECTION) {
		SetLastError(ERROR_ACCESS_DENIED);	/* as MapViewOfFileEx (libc/kernel32/section.c) */
		return NULL;
	}
	return k32_status(st) ? base : NULL;
}

PVOID WINAPI MapViewOfFile3FromApp(HANDLE FileMapping, HANDLE Process, PVOID BaseAddress, ULONG64 Offset,
				   SIZE_T ViewSize, ULONG AllocationType, ULONG PageProtection,
				   MEM_EXTENDED_PARAMETER *ExtendedParameters, ULONG ParameterCount)
{
	return MapViewOfFile3(FileMapping, Process, BaseAddress, Offset, ViewSize, AllocationType, PageProtection,
			      ExtendedParameters, ParameterCount);
}

/*
 * MapViewOfFileNuma2: a view of FileMappingHandle in ProcessHandle (any
 * process handle with PROCESS_VM_OPERATION; the mapping handle's access
 * decides the protections allowed, as for MapViewOfFile).  PreferredNode
 * NUMA_NO_PREFERRED_NODE or 0 (the only node); another node: 87.
 */
PVOID WINAPI MapViewOfFileNuma2(HANDLE FileMappingHandle, HANDLE ProcessHandle, ULONG64 Offset, PVOID BaseAddress,
				SIZE_T ViewSize, ULONG AllocationType, ULONG PageProtection, ULONG PreferredNode)
{
	if (PreferredNode != NUMA_NO_PREFERRED_NODE && PreferredNode != 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return MapViewOfFile3(FileMappingHandle, ProcessHandle, BaseAddress, Offset, ViewSize, AllocationType,
			      PageProtection, NULL, 0);
}

/* MapViewOfFile2: MapViewOfFileNuma2 with no preferred node (an inline in Windows' SDK, exported here for MinGW). */
PVOID WINAPI MapViewOfFile2(HANDLE FileMappingHandle, HANDLE ProcessHandle, ULONG64 Offset, PVOID BaseAddress,
			    SIZE_T ViewSize, ULONG AllocationType, ULONG PageProtection)
{
	return MapViewOfFileNuma2(FileMappingHandle, ProcessHandle, Offset, BaseAddress, ViewSize, AllocationType,
				  PageProtection, NUMA_NO_PREFERRED_NODE);
}

/* UnmapViewOfFile2: the view holding BaseAddress in Process; MEM_PRESERVE_PLACEHOLDER leaves a placeholder. */
BOOL WINAPI UnmapViewOfFile2(HANDLE Process, PVOID BaseAddress, ULONG UnmapFlags)
{
	return k32_status(NtUnmapViewOfSectionEx(process_or_current(Process), BaseAddress, UnmapFlags));
}

/* UnmapViewOfFileEx: UnmapViewOfFile2 in this process. */
BOOL WINAPI UnmapViewOfFileEx(PVOID BaseAddress, ULONG UnmapFlags)
{
	return UnmapViewOfFile2(K32_CURRENT_PROCESS, BaseAddress, UnmapFlags);
}
