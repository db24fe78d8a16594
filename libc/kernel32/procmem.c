/*
 * libc/kernel32/procmem.c - another process's memory (docs/processes.md):
 * ReadProcessMemory and WriteProcessMemory over NtRead/NtWriteVirtualMemory.
 */
#include "k32_thread.h"

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
