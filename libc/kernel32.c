/*
 * libc/kernel32.c - the Win32 wrappers over the native calls.  As on Windows,
 * a failing NTSTATUS (any nonzero status) becomes GetLastError() =
 * RtlNtStatusToDosError(status) and the function's failure value.
 */
#include <string.h>
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

/* ---- file mappings (pagefile-backed sections) ---- */

/* Names: "Local\" is the default namespace and is dropped; "Global\" stays part of the name. */
static const char *section_name(const char *name)
{
	return name && strncmp(name, "Local\\", 6) == 0 ? name + 6 : name;
}

/* UTF-16 names are passed as bytes: only ASCII names are accepted (else NULL: ERROR_INVALID_NAME). */
static const char *narrow_name(LPCWSTR w, char *buf, size_t size)
{
	size_t i = 0;
	for (; w[i]; i++) {
		if (w[i] > 0x7f || i + 1 >= size)
			return NULL;
		buf[i] = (char)w[i];
	}
	buf[i] = '\0';
	return buf;
}

HANDLE WINAPI CreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
				 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCSTR lpName)
{
	(void)lpAttributes;
	if (hFile != INVALID_HANDLE_VALUE) {
		SetLastError(ERROR_INVALID_HANDLE);	/* no file system: only the pagefile backs sections */
		return NULL;
	}
	const DWORD sec = SEC_IMAGE | SEC_RESERVE | SEC_COMMIT | SEC_NOCACHE | SEC_WRITECOMBINE | SEC_LARGE_PAGES;
	const char *name = section_name(lpName);
	HANDLE h = NULL;
	NTSTATUS st = winmm_create_section(&h, name, ((ULONG64)dwMaximumSizeHigh << 32) | dwMaximumSizeLow,
					   flProtect & ~sec, flProtect & sec);
	if (!NT_SUCCESS(st)) {
		SetLastError(RtlNtStatusToDosError(st));
		return NULL;
	}
	SetLastError(st == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return h;
}

HANDLE WINAPI CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
				 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCWSTR lpName)
{
	char buf[300];
	const char *name = lpName ? narrow_name(lpName, buf, sizeof(buf)) : NULL;
	if (lpName && !name) {
		SetLastError(ERROR_INVALID_NAME);
		return NULL;
	}
	return CreateFileMappingA(hFile, lpAttributes, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow, name);
}

HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
	(void)bInheritHandle;
	if (!lpName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	HANDLE h = NULL;
	NTSTATUS st = winmm_open_section(&h, dwDesiredAccess, section_name(lpName));
	return set_ntstatus(st) ? h : NULL;
}

HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
	char buf[300];
	const char *name = lpName ? narrow_name(lpName, buf, sizeof(buf)) : NULL;
	if (lpName && !name) {
		SetLastError(ERROR_INVALID_NAME);
		return NULL;
	}
	return OpenFileMappingA(dwDesiredAccess, bInheritHandle, name);
}

LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
			      DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress)
{
	/* The view's page protection: write wins (FILE_MAP_ALL_ACCESS has the copy bit too), then copy, then read. */
	DWORD protect;
	if (dwDesiredAccess & FILE_MAP_WRITE)
		protect = PAGE_READWRITE;
	else if (dwDesiredAccess & FILE_MAP_COPY)
		protect = PAGE_WRITECOPY;
	else if (dwDesiredAccess & (FILE_MAP_READ | FILE_MAP_EXECUTE))
		protect = PAGE_READONLY;
	else {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (dwDesiredAccess & FILE_MAP_EXECUTE)
		protect <<= 4;	/* PAGE_EXECUTE_READ, _READWRITE, _WRITECOPY */
	struct abi_map_view a = { (ULONG_PTR)lpBaseAddress, ((ULONG64)dwFileOffsetHigh << 32) | dwFileOffsetLow,
				  dwNumberOfBytesToMap, 0, protect };
	NTSTATUS st = winmm_map_view(hFileMappingObject, &a);
	return set_ntstatus(st) ? (LPVOID)a.base : NULL;
}

LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
			    DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap)
{
	return MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh, dwFileOffsetLow,
			       dwNumberOfBytesToMap, NULL);
}

BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress)
{
	return set_ntstatus(NTCALL(SYSCALL2(SYS_NtUnmapViewOfSection, GetCurrentProcess(), lpBaseAddress)));
}

BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush)
{
	(void)dwNumberOfBytesToFlush;
	MEMORY_BASIC_INFORMATION mbi;
	if (!VirtualQuery(lpBaseAddress, &mbi, sizeof(mbi)) || mbi.Type != MEM_MAPPED) {
		SetLastError(ERROR_INVALID_ADDRESS);
		return FALSE;
	}
	return TRUE;
}

BOOL WINAPI CloseHandle(HANDLE hObject)
{
	if (hObject == GetCurrentProcess())
		return TRUE;	/* a pseudo-handle: nothing to close */
	return set_ntstatus(NTCALL(SYSCALL1(SYS_NtClose, hObject)));
}
