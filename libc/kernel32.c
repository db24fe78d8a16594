/*
 * libc/kernel32.c - the Win32 wrappers over the native calls.  As on Windows,
 * a failing NTSTATUS (any nonzero status) becomes GetLastError() =
 * RtlNtStatusToDosError(status) and the function's failure value.
 */
#include <windows.h>

#include "internal.h"

static DWORD last_error;

DWORD WINAPI GetLastError(void)
{
	return last_error;
}

void WINAPI SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}

/* Sets the last error from a failing status; returns TRUE if status is success. */
static BOOL set_ntstatus(NTSTATUS status)
{
	if (status != STATUS_SUCCESS)
		SetLastError(RtlNtStatusToDosError(status));
	return status == STATUS_SUCCESS;
}

LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType, DWORD flProtect)
{
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	NTSTATUS st = NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0, &size, flAllocationType, flProtect);
	return set_ntstatus(st) ? base : NULL;
}

BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
	/* The only Win32-level check (spec §2): release takes the whole region, size 0. */
	if ((dwFreeType & MEM_RELEASE) && dwSize != 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return set_ntstatus(NtFreeVirtualMemory(GetCurrentProcess(), &base, &size, dwFreeType));
}

BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect, PDWORD lpflOldProtect)
{
	/* A NULL lpflOldProtect goes to the kernel, which answers STATUS_ACCESS_VIOLATION (998). */
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return set_ntstatus(NtProtectVirtualMemory(GetCurrentProcess(), &base, &size, flNewProtect, lpflOldProtect));
}

SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
	SIZE_T written = 0;
	NTSTATUS st = NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)lpAddress, MemoryBasicInformation, lpBuffer,
					   dwLength, &written);
	return set_ntstatus(st) ? written : 0;
}

UINT WINAPI GetWriteWatch(DWORD dwFlags, PVOID lpBaseAddress, SIZE_T dwRegionSize, PVOID *lpAddresses,
			  ULONG_PTR *lpdwCount, LPDWORD lpdwGranularity)
{
	NTSTATUS st = NtGetWriteWatch(GetCurrentProcess(), dwFlags, lpBaseAddress, dwRegionSize, lpAddresses,
				      lpdwCount, (PULONG)lpdwGranularity);
	return set_ntstatus(st) ? 0 : (UINT)-1;
}

UINT WINAPI ResetWriteWatch(LPVOID lpBaseAddress, SIZE_T dwRegionSize)
{
	return set_ntstatus(NtResetWriteWatch(GetCurrentProcess(), lpBaseAddress, dwRegionSize)) ? 0 : (UINT)-1;
}

SIZE_T WINAPI GetLargePageMinimum(void)
{
	return 2 * 1024 * 1024;	/* one 2 MiB PDE */
}

BOOL WINAPI AllocateUserPhysicalPages(HANDLE hProcess, PULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return set_ntstatus(NtAllocateUserPhysicalPages(hProcess, NumberOfPages, PageArray));
}

BOOL WINAPI MapUserPhysicalPages(PVOID VirtualAddress, ULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return set_ntstatus(NtMapUserPhysicalPages(VirtualAddress, NumberOfPages, PageArray));
}

BOOL WINAPI MapUserPhysicalPagesScatter(PVOID *VirtualAddresses, ULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return set_ntstatus(NtMapUserPhysicalPagesScatter(VirtualAddresses, NumberOfPages, PageArray));
}

BOOL WINAPI FreeUserPhysicalPages(HANDLE hProcess, PULONG_PTR NumberOfPages, PULONG_PTR PageArray)
{
	return set_ntstatus(NtFreeUserPhysicalPages(hProcess, NumberOfPages, PageArray));
}

/*
 * Windows' meanings: ullTotalPageFile is the commit limit and ullAvailPageFile
 * what this process can still commit (both include RAM); the virtual figures
 * are this process's user range and its unreserved part.
 */
BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer)
{
	if (lpBuffer->dwLength != sizeof(MEMORYSTATUSEX)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	struct abi_memory_status m;
	if (!set_ntstatus(NTCALL(SYSCALL1(SYS_NtQueryMemoryStatus, &m))))
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

/* CPUID leaf 1: Windows reports the family as wProcessorLevel, model:stepping as the revision. */
static void cpu_level_revision(WORD *level, WORD *revision)
{
	unsigned a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((a >> 16) & 0xf) << 4;
	*level = (WORD)family;
	*revision = (WORD)((model << 8) | stepping);
}

void WINAPI GetSystemInfo(LPSYSTEM_INFO si)
{
	si->dwOemId = 0;
	si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
	si->wReserved = 0;
	si->dwPageSize = 4096;
	si->lpMinimumApplicationAddress = (LPVOID)0x10000;
	si->lpMaximumApplicationAddress = (LPVOID)0x7FFFFFFEFFFFull;
	si->dwActiveProcessorMask = 1;
	si->dwNumberOfProcessors = 1;
	si->dwProcessorType = PROCESSOR_AMD_X8664;
	si->dwAllocationGranularity = 65536;
	cpu_level_revision(&si->wProcessorLevel, &si->wProcessorRevision);
}

void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	GetSystemInfo(lpSystemInfo);
}

HANDLE WINAPI GetCurrentProcess(void)
{
	return (HANDLE)(LONG_PTR)-1;
}

DWORD WINAPI GetCurrentProcessId(void)
{
	return (DWORD)SYSCALL0(SYS_NtGetCurrentProcessId);
}

void WINAPI ExitProcess(UINT uExitCode)
{
	libc_stdio_flush();
	NtTerminateProcess(GetCurrentProcess(), (NTSTATUS)uExitCode);
	for (;;)
		__asm__ volatile("ud2");
}

BOOL WINAPI FlushInstructionCache(HANDLE hProcess, LPCVOID lpBaseAddress, SIZE_T dwSize)
{
	return set_ntstatus(NTCALL(SYSCALL3(SYS_NtFlushInstructionCache, hProcess, lpBaseAddress, dwSize)));
}

void WINAPI Sleep(DWORD dwMilliseconds)
{
	SYSCALL1(SYS_NtDelayExecution, dwMilliseconds);
}

DWORD WINAPI GetTickCount(void)
{
	return (DWORD)SYSCALL0(SYS_NtGetTickCount);
}
