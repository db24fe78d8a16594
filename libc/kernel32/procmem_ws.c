/*
 * libc/kernel32/procmem_ws.c - the whole working set of a process, psapi's
 * QueryWorkingSet (K32QueryWorkingSet), and EmptyWorkingSet
 * (K32EmptyWorkingSet); a region's information (QueryVirtualMemoryInformation)
 * and a view's file name (K32GetMappedFileNameA/W).  QueryWorkingSet walks the committed regions with
 * NtQueryVirtualMemory(MemoryBasicInformation) and asks
 * MemoryWorkingSetExInformation which of their pages are resident, a batch
 * at a time: a snapshot that is exact when the process does not change
 * meanwhile (another thread of it may), as Windows' own is.
 */
#include "k32_thread.h"
#include <psapi.h>

PVOID NTAPI RtlAllocateHeap(PVOID, ULONG, SIZE_T);	/* HeapAlloc is ntdll's (kernel32.def forwards it) */
BOOLEAN NTAPI RtlFreeHeap(PVOID, ULONG, PVOID);

#define BATCH 256	/* pages asked per MemoryWorkingSetExInformation call */

/* The 5-bit protection of PSAPI_WORKING_SET_BLOCK (the memory manager's encoding) of a Win32 protection. */
static ULONG_PTR mm_protection(ULONG win32)
{
	static const struct {
		ULONG win32, mm;
	} base[] = { { PAGE_READONLY, 1 }, { PAGE_EXECUTE, 2 }, { PAGE_EXECUTE_READ, 3 }, { PAGE_READWRITE, 4 },
		     { PAGE_WRITECOPY, 5 }, { PAGE_EXECUTE_READWRITE, 6 }, { PAGE_EXECUTE_WRITECOPY, 7 } };
	ULONG_PTR mm = 0;
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (win32 & base[i].win32)
			mm = base[i].mm;
	if (win32 & PAGE_WRITECOMBINE)
		mm |= 0x18;
	else if (win32 & PAGE_GUARD)
		mm |= 0x10;
	else if (win32 & PAGE_NOCACHE)
		mm |= 0x8;
	return mm;
}

/* Adds the resident pages of [start, end) to the list (stored while they fit in max); *n counts them all. */
static NTSTATUS scan(HANDLE h, ULONG_PTR start, ULONG_PTR end, PSAPI_WORKING_SET_BLOCK *out, ULONG_PTR max,
		     ULONG_PTR *n)
{
	PSAPI_WORKING_SET_EX_INFORMATION q[BATCH];
	for (ULONG_PTR va = start; va < end;) {
		ULONG_PTR k = 0;
		for (; k < BATCH && va < end; k++, va += 4096)
			q[k].VirtualAddress = (PVOID)va;
		NTSTATUS st = NtQueryVirtualMemory(h, NULL, ABI_MemoryWorkingSetExInformation, q, k * sizeof(q[0]), NULL);
		if (!NT_SUCCESS(st))
			return st;
		for (ULONG_PTR i = 0; i < k; i++) {
			PSAPI_WORKING_SET_EX_BLOCK b = q[i].VirtualAttributes;
			if (!b.Valid)
				continue;
			if (*n < max) {
				out[*n].Flags = 0;
				out[*n].Protection = mm_protection((ULONG)b.Win32Protection);
				out[*n].ShareCount = b.ShareCount;
				out[*n].Shared = b.Shared;
				out[*n].VirtualPage = (ULONG_PTR)q[i].VirtualAddress >> 12;
			}
			(*n)++;
		}
	}
	return STATUS_SUCCESS;
}

/*
 * K32QueryWorkingSet: every resident page of hProcess
 * (PROCESS_QUERY_INFORMATION) as a PSAPI_WORKING_SET_INFORMATION of cb
 * bytes, lowest address first.  Too small: ERROR_BAD_LENGTH with
 * NumberOfEntries the count (when the field itself fits).
 */
BOOL WINAPI K32QueryWorkingSet(HANDLE hProcess, PVOID pv, DWORD cb)
{
	PSAPI_WORKING_SET_INFORMATION *info = pv;
	ULONG_PTR max = cb >= sizeof(ULONG_PTR) ? (cb - sizeof(ULONG_PTR)) / sizeof(PSAPI_WORKING_SET_BLOCK) : 0;
	ULONG_PTR n = 0;
	MEMORY_BASIC_INFORMATION m;
	for (ULONG_PTR va = 0;; va = (ULONG_PTR)m.BaseAddress + m.RegionSize) {
		NTSTATUS st = NtQueryVirtualMemory(hProcess, (PVOID)va, 0 /* MemoryBasicInformation */, &m, sizeof m, NULL);
		if (st == STATUS_INVALID_PARAMETER)
			break;	/* past the user address space */
		if (!NT_SUCCESS(st))
			return k32_status(st);
		if (m.State == MEM_COMMIT &&
		    !NT_SUCCESS(st = scan(hProcess, va, va + m.RegionSize, info->WorkingSetInfo, max, &n)))
			return k32_status(st);
		if ((ULONG_PTR)m.BaseAddress + m.RegionSize < va)
			break;
	}
	if (cb >= sizeof(ULONG_PTR))
		info->NumberOfEntries = n;
	if (n > max) {
		SetLastError(ERROR_BAD_LENGTH);
		return FALSE;
	}
	return TRUE;
}

/* K32EmptyWorkingSet: SetProcessWorkingSetSize(hProcess, -1, -1) - every page that can go goes out. */
BOOL WINAPI K32EmptyWorkingSet(HANDLE hProcess)
{
	return SetProcessWorkingSetSize(hProcess, (SIZE_T)-1, (SIZE_T)-1);
}

/*
 * QueryVirtualMemoryInformation: class MemoryRegionInfo (0) only, the
 * allocation holding VirtualAddress as WIN32_MEMORY_REGION_INFORMATION
 * (NtQueryVirtualMemory, MemoryRegionInformation); other classes
 * ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI QueryVirtualMemoryInformation(HANDLE Process, const VOID *VirtualAddress, ULONG MemoryInformationClass,
					  PVOID MemoryInformation, SIZE_T MemoryInformationSize, PSIZE_T ReturnSize)
{
	if (MemoryInformationClass != 0 /* MemoryRegionInfo */) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return k32_status(NtQueryVirtualMemory(Process, (PVOID)VirtualAddress, ABI_MemoryRegionInformation,
					       MemoryInformation, MemoryInformationSize, ReturnSize));
}

/*
 * K32GetMappedFileNameW: the NT name of the file mapped at lpv in hProcess
 * (\Device\HarddiskVolume1\...).  Returns the characters copied (the name
 * and a NUL when it fits; else nSize characters, ERROR_INSUFFICIENT_BUFFER);
 * 0 on failure (not a file view: ERROR_FILE_INVALID).
 */
DWORD WINAPI K32GetMappedFileNameW(HANDLE hProcess, LPVOID lpv, LPWSTR lpFilename, DWORD nSize)
{
	SIZE_T size = sizeof(UNICODE_STRING) + (MAX_PATH + 64) * sizeof(WCHAR), need = 0;
	for (int tries = 0; tries < 2; tries++) {
		UNICODE_STRING *u = RtlAllocateHeap(GetProcessHeap(), 0, size);
		if (!u) {
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
			return 0;
		}
		NTSTATUS st = NtQueryVirtualMemory(hProcess, lpv, ABI_MemoryMappedFilenameInformation, u, size, &need);
		if (st == STATUS_BUFFER_OVERFLOW && need > size) {
			RtlFreeHeap(GetProcessHeap(), 0, u);
			size = need;
			continue;
		}
		DWORD n = 0;
		if (k32_status(st)) {
			n = u->Length / sizeof(WCHAR);
			if (n < nSize) {
				memcpy(lpFilename, u->Buffer, n * sizeof(WCHAR));
				lpFilename[n] = 0;
			} else {
				memcpy(lpFilename, u->Buffer, nSize * sizeof(WCHAR));
				n = nSize;
				SetLastError(ERROR_INSUFFICIENT_BUFFER);
			}
		}
		RtlFreeHeap(GetProcessHeap(), 0, u);
		return n;
	}
	SetLastError(ERROR_FILE_INVALID);
	return 0;
}

/* K32GetMappedFileNameA: the same, the name in ASCII (the kernel's names are). */
DWORD WINAPI K32GetMappedFileNameA(HANDLE hProcess, LPVOID lpv, LPSTR lpFilename, DWORD nSize)
{
	WCHAR w[MAX_PATH + 64];
	DWORD n = K32GetMappedFileNameW(hProcess, lpv, w, MAX_PATH + 64);
	if (!n)
		return 0;
	DWORD i = 0;
	for (; i < n && i < nSize; i++)
		lpFilename[i] = (char)w[i];
	if (i < nSize) {
		lpFilename[i] = 0;
		return i;
	}
	SetLastError(ERROR_INSUFFICIENT_BUFFER);
	return nSize;
}
