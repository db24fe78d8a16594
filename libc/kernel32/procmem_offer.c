/*
 * libc/kernel32/procmem_offer.c - Windows 8.1's memory hints:
 * PrefetchVirtualMemory (NtSetInformationVirtualMemory, VmPrefetchInformation),
 * OfferVirtualMemory / ReclaimVirtualMemory (MEM_RESET / MEM_RESET_UNDO:
 * offered pages keep their frames until the system needs them, and are then
 * dropped, never written to the pagefile) and DiscardVirtualMemory (the
 * project's ABI_VmDiscardInformation: the contents go at once).  The three
 * return an error code (ERROR_SUCCESS), not a BOOL.  docs/processes.md.
 */
#include "k32_private.h"

NTSTATUS NTAPI NtSetInformationVirtualMemory(HANDLE, ULONG, ULONG_PTR, PVOID, PVOID, ULONG);

/* Both page-aligned, size > 0: ERROR_SUCCESS, else ERROR_INVALID_PARAMETER. */
static DWORD check_range(PVOID va, SIZE_T size)
{
	return ((ULONG_PTR)va & 0xfff) || (size & 0xfff) || !size || !va ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
}

/*
 * PrefetchVirtualMemory: the committed pages of each range brought in (a
 * hint: pages that cannot be read are skipped).  Flags must be 0; 0 entries
 * or more than 1024: ERROR_INVALID_PARAMETER.  The handle needs
 * PROCESS_VM_OPERATION.
 */
BOOL WINAPI PrefetchVirtualMemory(HANDLE hProcess, ULONG_PTR NumberOfEntries, PWIN32_MEMORY_RANGE_ENTRY VirtualAddresses,
				  ULONG Flags)
{
	NTSTATUS st = NtSetInformationVirtualMemory(hProcess, ABI_VmPrefetchInformation, NumberOfEntries,
						    VirtualAddresses, &Flags, sizeof Flags);
	return k32_status(st);
}

/*
 * OfferVirtualMemory: the pages of [VirtualAddress, +Size) of a private
 * allocation become the system's to drop (MEM_RESET); Priority
 * VmOfferPriorityVeryLow..Normal (the order in which they go is not kept).
 */
DWORD WINAPI OfferVirtualMemory(PVOID VirtualAddress, SIZE_T Size, OFFER_PRIORITY Priority)
{
	DWORD err = check_range(VirtualAddress, Size);
	if (err || Priority < VmOfferPriorityVeryLow || Priority > VmOfferPriorityNormal)
		return ERROR_INVALID_PARAMETER;
	PVOID base = VirtualAddress;
	SIZE_T size = Size;
	NTSTATUS st = NtAllocateVirtualMemory(K32_CURRENT_PROCESS, &base, 0, &size, MEM_RESET, PAGE_NOACCESS);
	return NT_SUCCESS(st) ? ERROR_SUCCESS : RtlNtStatusToDosError(st);
}

/*
 * ReclaimVirtualMemory: the offered pages are the program's again:
 * ERROR_SUCCESS when every page kept its contents, ERROR_BUSY when some
 * were dropped (they read zero, the others are intact).  A range that is
 * not one allocation's: ERROR_INVALID_ADDRESS.
 */
DWORD WINAPI ReclaimVirtualMemory(PVOID VirtualAddress, SIZE_T Size)
{
	DWORD err = check_range(VirtualAddress, Size);
	if (err)
		return err;
	MEMORY_BASIC_INFORMATION m;
	if (!VirtualQuery(VirtualAddress, &m, sizeof m) || m.State == MEM_FREE)
		return ERROR_INVALID_ADDRESS;
	MEMORY_BASIC_INFORMATION last;
	const char *end = (const char *)VirtualAddress + Size - 1;
	if (!VirtualQuery(end, &last, sizeof last) || last.AllocationBase != m.AllocationBase)
		return ERROR_INVALID_ADDRESS;
	PVOID base = VirtualAddress;
	SIZE_T size = Size;
	NTSTATUS st = NtAllocateVirtualMemory(K32_CURRENT_PROCESS, &base, 0, &size, MEM_RESET_UNDO, PAGE_NOACCESS);
	if (st == STATUS_CONFLICTING_ADDRESSES)
		return ERROR_BUSY;	/* inside one allocation: only lost pages give this */
	return NT_SUCCESS(st) ? ERROR_SUCCESS : RtlNtStatusToDosError(st);
}

/*
 * DiscardVirtualMemory: the contents of [VirtualAddress, +Size) of a
 * private allocation go now (the frames are freed, the pages stay committed
 * and read zero).  Pages of a section view keep theirs (other views see
 * them).
 */
DWORD WINAPI DiscardVirtualMemory(PVOID VirtualAddress, SIZE_T Size)
{
	DWORD err = check_range(VirtualAddress, Size);
	if (err)
		return err;
	struct abi_memory_range r = { (ULONG_PTR)VirtualAddress, Size };
	NTSTATUS st = NtSetInformationVirtualMemory(K32_CURRENT_PROCESS, ABI_VmDiscardInformation, 1, &r, NULL, 0);
	return NT_SUCCESS(st) ? ERROR_SUCCESS : RtlNtStatusToDosError(st);
}
