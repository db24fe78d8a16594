/*
 * libc/kernel32/procmem.c - another process's memory (docs/processes.md):
 * ReadProcessMemory and WriteProcessMemory over NtRead/NtWriteVirtualMemory,
 * and the psapi calls kernel32 exports as K32*: GetProcessMemoryInfo,
 * QueryWorkingSetEx, EnumProcesses.
 */
#include "k32_thread.h"
#include <psapi.h>

NTSTATUS NTAPI NtReadVirtualMemory(HANDLE, PVOID, PVOID, SIZE_T, PSIZE_T);
NTSTATUS NTAPI NtWriteVirtualMemory(HANDLE, PVOID, const void *, SIZE_T, PSIZE_T);
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE, PVOID *, PSIZE_T, ULONG, PULONG);
NTSTATUS NTAPI NtFlushInstructionCache(HANDLE, PVOID, SIZE_T);

/*
 * ReadProcessMemory: FALSE with ERROR_PARTIAL_COPY (299) when a page of the
 * range cannot be read, *lpNumberOfBytesRead the bytes before it (always
 * stored when the pointer is not NULL).
 */
BOOL WINAPI ReadProcessMemory(HANDLE hProcess, LPCVOID lpBaseAddress, LPVOID lpBuffer, SIZE_T nSize,
			      SIZE_T *lpNumberOfBytesRead)
{
	SIZE_T done = 0;
	NTSTATUS st = NtReadVirtualMemory(hProcess, (PVOID)lpBaseAddress, lpBuffer, nSize, &done);
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = done;
	return k32_status(st);
}

#define WRITABLE (PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)

/*
 * WriteProcessMemory, as Windows' kernel32 does it: the range is made
 * PAGE_EXECUTE_READWRITE to learn its protection (so PROCESS_VM_OPERATION is
 * needed too).  Pages that were writable get their protection back and are
 * written; PAGE_NOACCESS or PAGE_READONLY ones fail with ERROR_NOACCESS and
 * nothing is written; PAGE_EXECUTE / PAGE_EXECUTE_READ ones (code) are
 * written while writable, then re-protected, and the instruction cache
 * flushed.  A protection call that fails (not committed, no right) gives its
 * error.
 */
BOOL WINAPI WriteProcessMemory(HANDLE hProcess, LPVOID lpBaseAddress, LPCVOID lpBuffer, SIZE_T nSize,
			       SIZE_T *lpNumberOfBytesWritten)
{
	PVOID base = lpBaseAddress;
	SIZE_T size = nSize, done = 0;
	ULONG old = 0, ignored;
	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = 0;
	NTSTATUS st = NtProtectVirtualMemory(hProcess, &base, &size, PAGE_EXECUTE_READWRITE, &old);
	if (!k32_status(st))
		return FALSE;
	if (old & WRITABLE) {
		NtProtectVirtualMemory(hProcess, &base, &size, old, &ignored);
		st = NtWriteVirtualMemory(hProcess, lpBaseAddress, lpBuffer, nSize, &done);
	} else if (old & (PAGE_NOACCESS | PAGE_READONLY)) {
		NtProtectVirtualMemory(hProcess, &base, &size, old, &ignored);
		st = STATUS_ACCESS_VIOLATION;
	} else {
		st = NtWriteVirtualMemory(hProcess, lpBaseAddress, lpBuffer, nSize, &done);
		NtProtectVirtualMemory(hProcess, &base, &size, old, &ignored);
		NtFlushInstructionCache(hProcess, lpBaseAddress, nSize);
	}
	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = done;
	return k32_status(st);
}

/* VM_COUNTERS_EX as NtQueryInformationProcess(ProcessVmCounters) fills it (x64). */
struct vm_counters_ex {
	SIZE_T PeakVirtualSize, VirtualSize;
	ULONG PageFaultCount;
	SIZE_T PeakWorkingSetSize, WorkingSetSize, QuotaPeakPagedPoolUsage, QuotaPagedPoolUsage,
		QuotaPeakNonPagedPoolUsage, QuotaNonPagedPoolUsage, PagefileUsage, PeakPagefileUsage, PrivateUsage;
};

/*
 * K32GetProcessMemoryInfo (psapi's GetProcessMemoryInfo): PROCESS_MEMORY_COUNTERS,
 * or the _EX form when cb has room for PrivateUsage; cb below the plain
 * structure: ERROR_INSUFFICIENT_BUFFER.  The handle needs
 * PROCESS_QUERY_LIMITED_INFORMATION.
 */
BOOL WINAPI K32GetProcessMemoryInfo(HANDLE Process, PPROCESS_MEMORY_COUNTERS ppsmemCounters, DWORD cb)
{
	struct vm_counters_ex v;
	if (cb < sizeof(PROCESS_MEMORY_COUNTERS)) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	NTSTATUS st = NtQueryInformationProcess(Process, (PROCESSINFOCLASS)ABI_ProcessVmCounters, &v, sizeof(v), NULL);
	if (!k32_status(st))
		return FALSE;
	PROCESS_MEMORY_COUNTERS_EX pmc = {
		.cb = cb >= sizeof(PROCESS_MEMORY_COUNTERS_EX) ? sizeof(PROCESS_MEMORY_COUNTERS_EX)
							      : sizeof(PROCESS_MEMORY_COUNTERS),
		.PageFaultCount = v.PageFaultCount,
		.PeakWorkingSetSize = v.PeakWorkingSetSize,
		.WorkingSetSize = v.WorkingSetSize,
		.QuotaPeakPagedPoolUsage = v.QuotaPeakPagedPoolUsage,
		.QuotaPagedPoolUsage = v.QuotaPagedPoolUsage,
		.QuotaPeakNonPagedPoolUsage = v.QuotaPeakNonPagedPoolUsage,
		.QuotaNonPagedPoolUsage = v.QuotaNonPagedPoolUsage,
		.PagefileUsage = v.PagefileUsage,
		.PeakPagefileUsage = v.PeakPagefileUsage,
		.PrivateUsage = v.PrivateUsage,
	};
	memcpy(ppsmemCounters, &pmc, pmc.cb);
	return TRUE;
}

/*
 * K32QueryWorkingSetEx: NtQueryVirtualMemory(MemoryWorkingSetExInformation)
 * on the array pv (cb bytes of PSAPI_WORKING_SET_EX_INFORMATION); the
 * handle needs PROCESS_QUERY_INFORMATION.
 */
BOOL WINAPI K32QueryWorkingSetEx(HANDLE hProcess, PVOID pv, DWORD cb)
{
	NTSTATUS st = NtQueryVirtualMemory(hProcess, NULL, ABI_MemoryWorkingSetExInformation,
					   pv, cb, NULL);
	return k32_status(st);
}

/*
 * A snapshot of NtQuerySystemInformation(SystemProcessInformation) in a
 * VirtualAlloc'd buffer (the caller releases it), or NULL with *st the
 * failure.
 */
static char *process_snapshot(NTSTATUS *st)
{
	ULONG len = 0;
	*st = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)ABI_SystemProcessInformation, NULL, 0, &len);
	char *buf = NULL;
	for (int tries = 0; tries < 8 && *st == STATUS_INFO_LENGTH_MISMATCH; tries++) {
		if (buf)
			VirtualFree(buf, 0, MEM_RELEASE);
		len += 4096;	/* room for processes that start meanwhile */
		if (!(buf = VirtualAlloc(NULL, len, MEM_COMMIT, PAGE_READWRITE))) {
			*st = STATUS_NO_MEMORY;
			return NULL;
		}
		*st = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)ABI_SystemProcessInformation, buf, len, &len);
	}
	if (NT_SUCCESS(*st))
		return buf;
	if (buf)
		VirtualFree(buf, 0, MEM_RELEASE);
	return NULL;
}

/*
 * K32EnumProcesses: the ids of the running processes from
 * NtQuerySystemInformation(SystemProcessInformation), as many as cb bytes
 * hold; *lpcbNeeded the bytes stored.
 */
BOOL WINAPI K32EnumProcesses(DWORD *lpidProcess, DWORD cb, LPDWORD lpcbNeeded)
{
	NTSTATUS st;
	char *buf = process_snapshot(&st);
	if (!buf)
		return k32_status(st);
	DWORD n = 0;
	for (char *e = buf; e; ) {
		if (n < cb / sizeof(DWORD))
			lpidProcess[n++] = (DWORD)*(ULONG_PTR *)(e + 0x50);	/* UniqueProcessId */
		ULONG next = *(ULONG *)e;
		e = next ? e + next : NULL;
	}
	VirtualFree(buf, 0, MEM_RELEASE);
	*lpcbNeeded = n * sizeof(DWORD);
	return TRUE;
}

/*
 * K32GetPerformanceInfo (psapi's GetPerformanceInfo), in pages as Windows:
 * the system commit charge, the current commit limit (it rises as the
 * pagefile grows: docs/pagefile.md) and the peak charge; physical memory; the
 * process, thread and handle counts from SystemProcessInformation.
 * SystemCache and the Kernel* pool figures are 0: the kernel has no pools
 * (NtQueryMemoryStatus does not report its heap).  cb smaller than the
 * structure: ERROR_BAD_LENGTH.
 */
BOOL WINAPI K32GetPerformanceInfo(PPERFORMANCE_INFORMATION pPerformanceInformation, DWORD cb)
{
	if (cb < sizeof(PERFORMANCE_INFORMATION)) {
		SetLastError(ERROR_BAD_LENGTH);
		return FALSE;
	}
	struct abi_memory_status m;
	if (!k32_status(MmQueryMemoryStatus(&m)))
		return FALSE;
	NTSTATUS st;
	char *buf = process_snapshot(&st);
	if (!buf)
		return k32_status(st);
	PERFORMANCE_INFORMATION pi = { .cb = sizeof(pi), .CommitTotal = m.commit_charged,
				       .CommitLimit = m.commit_limit, .CommitPeak = m.commit_peak,
				       .PhysicalTotal = m.total_phys, .PhysicalAvailable = m.avail_phys,
				       .PageSize = 4096 };
	for (char *e = buf; e; ) {
		pi.ProcessCount++;
		pi.ThreadCount += *(ULONG *)(e + 0x04);	/* NumberOfThreads */
		pi.HandleCount += *(ULONG *)(e + 0x60);	/* HandleCount */
		ULONG next = *(ULONG *)e;
		e = next ? e + next : NULL;
	}
	VirtualFree(buf, 0, MEM_RELEASE);
	*pPerformanceInformation = pi;
	return TRUE;
}
