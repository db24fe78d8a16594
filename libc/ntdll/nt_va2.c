/*
 * libc/ntdll/nt_va2.c - NtAllocateVirtualMemoryEx, NtMapViewOfSectionEx and
 * NtUnmapViewOfSectionEx (kernel/syscall_abi.h 78-80): the
 * MEM_EXTENDED_PARAMETER array is read here into one struct
 * abi_alloc_requirements; the kernel checks the values.
 */
#include "ntdll_private.h"

/*
 * Gather params[0..count) into *req.  STATUS_INVALID_PARAMETER for a NULL
 * array with a count, an unknown or repeated type, a NULL
 * MEM_ADDRESS_REQUIREMENTS, or a partition/physical handle (none exist);
 * STATUS_ACCESS_VIOLATION is left to the reads.  *given says whether any was.
 */
static NTSTATUS gather(const MEM_EXTENDED_PARAMETER *params, ULONG count, struct abi_alloc_requirements *req,
		       BOOL *given)
{
	*req = (struct abi_alloc_requirements){ 0 };
	*given = FALSE;
	if (count && !params)
		return STATUS_INVALID_PARAMETER;
	ULONG seen = 0;
	for (ULONG i = 0; i < count; i++) {
		ULONG type = (ULONG)params[i].Type;
		if (type == MemExtendedParameterInvalidType || type >= MemExtendedParameterMax || (seen & (1u << type)))
			return STATUS_INVALID_PARAMETER;
		seen |= 1u << type;
		switch (type) {
		case MemExtendedParameterAddressRequirements: {
			const MEM_ADDRESS_REQUIREMENTS *r = params[i].Pointer;
			if (!r)
				return STATUS_INVALID_PARAMETER;
			req->lowest = (ULONG_PTR)r->LowestStartingAddress;
			req->highest = (ULONG_PTR)r->HighestEndingAddress;
			req->alignment = r->Alignment;
			break;
		}
		case MemExtendedParameterNumaNode:
			req->node = params[i].ULong;
			break;
		case MemExtendedParameterAttributeFlags:
			req->attributes = (unsigned int)params[i].ULong64;
			if (params[i].ULong64 >> 32)
				return STATUS_INVALID_PARAMETER;
			break;
		default:	/* partition and user-physical handles: no such objects here */
			return STATUS_INVALID_PARAMETER;
		}
		*given = TRUE;
	}
	return STATUS_SUCCESS;
}

/* NtAllocateVirtualMemoryEx: NtAllocateVirtualMemory with placeholders and extended parameters. */
NTSTATUS NTAPI NtAllocateVirtualMemoryEx(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
					 ULONG AllocationType, ULONG PageProtection,
					 PMEM_EXTENDED_PARAMETER ExtendedParameters, ULONG ExtendedParameterCount)
{
	struct abi_alloc_requirements req;
	BOOL given;
	NTSTATUS st = gather(ExtendedParameters, ExtendedParameterCount, &req, &given);
	if (st)
		return st;
	return NTCALL(SYSCALL6(SYS_NtAllocateVirtualMemoryEx, ProcessHandle, BaseAddress, RegionSize, AllocationType,
			       PageProtection, given ? &req : NULL));
}

/*
 * NtMapViewOfSectionEx: NtMapViewOfSection on any process handle, where
 * AllocationType may hold MEM_REPLACE_PLACEHOLDER (the view takes the
 * placeholder's place); no extended parameter applies to views here but a
 * NUMA node 0.
 */
NTSTATUS NTAPI NtMapViewOfSectionEx(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress,
				    PLARGE_INTEGER SectionOffset, PSIZE_T ViewSize, ULONG AllocationType,
				    ULONG Win32Protect, PMEM_EXTENDED_PARAMETER ExtendedParameters,
				    ULONG ExtendedParameterCount)
{
	struct abi_alloc_requirements req;
	BOOL given;
	NTSTATUS st = gather(ExtendedParameters, ExtendedParameterCount, &req, &given);
	if (st)
		return st;
	if (req.node || req.attributes || req.lowest || req.highest || req.alignment)
		return STATUS_INVALID_PARAMETER;
	if (!BaseAddress || !ViewSize)
		return STATUS_ACCESS_VIOLATION;
	struct abi_map_view a = {
		.base = (ULONG_PTR)*BaseAddress,
		.offset = SectionOffset ? (ULONG64)SectionOffset->QuadPart : 0,
		.size = *ViewSize,
		.alloc_type = AllocationType,
		.protect = Win32Protect,
	};
	st = NTCALL(SYSCALL3(SYS_NtMapViewOfSectionEx, SectionHandle, ProcessHandle, &a));
	if (NT_SUCCESS(st)) {
		*BaseAddress = (PVOID)a.base;
		*ViewSize = a.size;
	}
	return st;
}

/* NtUnmapViewOfSectionEx: Flags 0, MEM_UNMAP_WITH_TRANSIENT_BOOST, MEM_PRESERVE_PLACEHOLDER. */
NTSTATUS NTAPI NtUnmapViewOfSectionEx(HANDLE ProcessHandle, PVOID BaseAddress, ULONG Flags)
{
	return NTCALL(SYSCALL3(SYS_NtUnmapViewOfSectionEx, ProcessHandle, BaseAddress, Flags));
}
