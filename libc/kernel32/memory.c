/*
 * libc/kernel32/memory.c - the virtual-memory API over ntdll: Virtual*
 * (and the Ex forms on any process handle with the rights they need,
 * docs/processes.md), write watch, AWE, locking, working-set limits, memory
 * status.  A failing NTSTATUS becomes the last error (k32_status).
 */
#include "k32_private.h"

/* VirtualAllocEx: NtAllocateVirtualMemory; the base, or NULL. */
LPVOID WINAPI VirtualAllocEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
			     DWORD flProtect)
{
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	NTSTATUS st = NtAllocateVirtualMemory(hProcess, &base, 0, &size, flAllocationType, flProtect);
	return k32_status(st) ? base : NULL;
}

/* VirtualAlloc: in this process. */
LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType, DWORD flProtect)
{
	return VirtualAllocEx(K32_CURRENT_PROCESS, lpAddress, dwSize, flAllocationType, flProtect);
}

/*
 * VirtualFreeEx: the only Win32-level check (spec §2): a plain release takes
 * the whole region, size 0 (with MEM_PRESERVE_PLACEHOLDER or
 * MEM_COALESCE_PLACEHOLDERS the size is the range, the kernel checks).
 */
BOOL WINAPI VirtualFreeEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
	if (dwFreeType == MEM_RELEASE && dwSize != 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return k32_status(NtFreeVirtualMemory(hProcess, &base, &size, dwFreeType));
}

BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
	return VirtualFreeEx(K32_CURRENT_PROCESS, lpAddress, dwSize, dwFreeType);
}

/* VirtualProtectEx: a NULL lpflOldProtect goes to the kernel, which answers STATUS_ACCESS_VIOLATION (998). */
BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
			     PDWORD lpflOldProtect)
{
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return k32_status(NtProtectVirtualMemory(hProcess, &base, &size, flNewProtect, lpflOldProtect));
}

BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect, PDWORD lpflOldProtect)
{
	return VirtualProtectEx(K32_CURRENT_PROCESS, lpAddress, dwSize, flNewProtect, lpflOldProtect);
}

/* VirtualQueryEx: bytes written, 0 on failure. */
SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
	SIZE_T written = 0;
	NTSTATUS st = NtQueryVirtualMemory(hProcess, (PVOID)lpAddress, 0 /* MemoryBasicInformation */, lpBuffer,
					   dwLength, &written);
	return k32_status(st) ? written : 0;
}

SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
	return VirtualQueryEx(K32_CURRENT_PROCESS, lpAddress, lpBuffer, dwLength);
}

/* GetWriteWatch: 0, or (UINT)-1 with the last error. */
UINT WINAPI GetWriteWatch(DWORD dwFlags, PVOID lpBaseAddress, SIZE_T dwRegionSize, PVOID *lpAddresses,
			  ULONG_PTR *lpdwCount, LPDWORD lpdwGranularity)
{
	NTSTATUS st = NtGetWriteWatch(K32_CURRENT_PROCESS, dwFlags, lpBaseAddress, dwRegionSize, lpAddresses,
				      lpdwCount, (PULONG)lpdwGranularity);
	return k32_status(st) ? 0 : (UINT)-1;
}

UINT WINAPI ResetWriteWatch(LPVOID lpBaseAddress, SIZE_T dwRegionSize)
{
	return k32_status(NtResetWriteWatch(K32_CURRENT_PROCESS, lpBaseAddress, dwRegionSize)) ? 0 : (UINT)-1;
}

/* GetLargePageMinimum: one 2 MiB PDE. */
SIZE_T WINAPI GetLargePageMinimum(void)
{
	return 2 * 1024 * 1024;
}

BOOL WINAPI AllocateUserPhysicalPages(HANDLE hProcess, PULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return k32_status(NtAllocateUserPhysicalPages(hProcess, NumberOfPages, PageArray));
}

BOOL WINAPI MapUserPhysicalPages(PVOID VirtualAddress, ULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return k32_status(NtMapUserPhysicalPages(VirtualAddress, NumberOfPages, PageArray));
}

BOOL WINAPI MapUserPhysicalPagesScatter(PVOID *VirtualAddresses, ULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return k32_status(NtMapUserPhysicalPagesScatter(VirtualAddresses, NumberOfPages, PageArray));
}

BOOL WINAPI FreeUserPhysicalPages(HANDLE hProcess, PULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return k32_status(NtFreeUserPhysicalPages(hProcess, NumberOfPages, PageArray));
}

/* VirtualLock: informational statuses (STATUS_WAS_LOCKED) are successes. */
BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize)
{
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return k32_nt_ok(NtLockVirtualMemory(K32_CURRENT_PROCESS, &base, &size, ABI_MAP_PROCESS));
}

BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize)
{
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return k32_nt_ok(NtUnlockVirtualMemory(K32_CURRENT_PROCESS, &base, &size, ABI_MAP_PROCESS));
}

/* GetProcessWorkingSetSizeEx: NtQueryInformationProcess(ProcessQuotaLimits). */
BOOL WINAPI GetProcessWorkingSetSizeEx(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize,
				       PSIZE_T lpMaximumWorkingSetSize, PDWORD Flags)
{
	QUOTA_LIMITS_EX q = { 0 };
	if (!k32_nt_ok(NtQueryInformationProcess(hProcess, ProcessQuotaLimits, &q, sizeof(q), NULL)))
		return FALSE;
	*lpMinimumWorkingSetSize = q.MinimumWorkingSetSize;
	*lpMaximumWorkingSetSize = q.MaximumWorkingSetSize;
	*Flags = q.Flags;
	return TRUE;
}

BOOL WINAPI GetProcessWorkingSetSize(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize, PSIZE_T lpMaximumWorkingSetSize)
{
	DWORD flags;
	return GetProcessWorkingSetSizeEx(hProcess, lpMinimumWorkingSetSize, lpMaximumWorkingSetSize, &flags);
}

/*
 * SetProcessWorkingSetSizeEx: kernel32's own check first (0 would mean
 * "unchanged" to the kernel); (SIZE_T)-1 twice empties the working set.
 */
BOOL WINAPI SetProcessWorkingSetSizeEx(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize,
				       SIZE_T dwMaximumWorkingSetSize, DWORD Flags)
{
	if (dwMinimumWorkingSetSize == 0 || dwMaximumWorkingSetSize == 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	QUOTA_LIMITS_EX q = { 0 };
	q.MinimumWorkingSetSize = dwMinimumWorkingSetSize;
	q.MaximumWorkingSetSize = dwMaximumWorkingSetSize;
	q.Flags = Flags;
	return k32_nt_ok(NtSetInformationProcess(hProcess, ProcessQuotaLimits, &q, sizeof(q)));
}

BOOL WINAPI SetProcessWorkingSetSize(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize, SIZE_T dwMaximumWorkingSetSize)
{
	return SetProcessWorkingSetSizeEx(hProcess, dwMinimumWorkingSetSize, dwMaximumWorkingSetSize, 0);
}

/*
 * GlobalMemoryStatusEx, Windows' meanings: ullTotalPageFile is the commit
 * limit and ullAvailPageFile what can still be committed (both include
 * RAM); the virtual figures are this process's user range and its
 * unreserved part.
 */
BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer)
{
	if (lpBuffer->dwLength != sizeof(MEMORYSTATUSEX)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	struct abi_memory_status m;
	if (!k32_status(MmQueryMemoryStatus(&m)))
		return FALSE;
	const DWORDLONG page = 4096;
	lpBuffer->dwMemoryLoad = m.total_phys ? (DWORD)((m.total_phys - m.avail_phys) * 100 / m.total_phys) : 0;
	lpBuffer->ullTotalPhys = m.total_phys * page;
	lpBuffer->ullAvailPhys = m.avail_phys * page;
	lpBuffer->ullTotalPageFile = m.commit_limit * page;
	lpBuffer->ullAvailPageFile = (m.commit_limit - m.commit_charged) * page;
	lpBuffer->ullTotalVirtual = m.user_va_total;
	lpBuffer->ullAvailVirtual = m.user_va_free;
	lpBuffer->ullAvailExtendedVirtual = 0;
	return TRUE;
}

/* GlobalMemoryStatus: the Ex figures, as SIZE_T (64-bit: nothing is clamped). */
void WINAPI GlobalMemoryStatus(LPMEMORYSTATUS lpBuffer)
{
	MEMORYSTATUSEX x = { .dwLength = sizeof(x) };
	if (!GlobalMemoryStatusEx(&x))
		return;
	lpBuffer->dwLength = sizeof(MEMORYSTATUS);
	lpBuffer->dwMemoryLoad = x.dwMemoryLoad;
	lpBuffer->dwTotalPhys = x.ullTotalPhys;
	lpBuffer->dwAvailPhys = x.ullAvailPhys;
	lpBuffer->dwTotalPageFile = x.ullTotalPageFile;
	lpBuffer->dwAvailPageFile = x.ullAvailPageFile;
	lpBuffer->dwTotalVirtual = x.ullTotalVirtual;
	lpBuffer->dwAvailVirtual = x.ullAvailVirtual;
}

/* GetProcessHeap: PEB->ProcessHeap as the kernel set it (the heap itself is issue 22). */
HANDLE WINAPI GetProcessHeap(void)
{
	return K32_PEB_FIELD(k32_peb(), 0x30, HANDLE);
}
