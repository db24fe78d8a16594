/*
 * libc/vlock.c - VirtualLock / VirtualUnlock and the working-set limits:
 * the native calls (system calls 31 to 33) and the kernel32 wrappers.  As on
 * Windows, informational statuses (STATUS_WAS_LOCKED,
 * STATUS_WORKING_SET_LIMIT_RANGE) are successes.
 */
#include <windows.h>

#include "internal.h"

NTSTATUS NTAPI NtLockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType)
{
	return NTCALL(SYSCALL6(SYS_NtLockVirtualMemory, ProcessHandle, BaseAddress, RegionSize, MapType, 0, 0));
}

NTSTATUS NTAPI NtUnlockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType)
{
	return NTCALL(SYSCALL6(SYS_NtUnlockVirtualMemory, ProcessHandle, BaseAddress, RegionSize, MapType, 0, 0));
}

/* TRUE for a success status (NT_SUCCESS); otherwise FALSE with the last error set. */
static BOOL nt_ok(NTSTATUS st)
{
	if (!NT_SUCCESS(st))
		SetLastError(RtlNtStatusToDosError(st));
	return NT_SUCCESS(st);
}

BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize)
{
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return nt_ok(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_PROCESS));
}

BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize)
{
	PVOID base = lpAddress;
	SIZE_T size = dwSize;
	return nt_ok(NtUnlockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_PROCESS));
}

BOOL WINAPI GetProcessWorkingSetSizeEx(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize,
				       PSIZE_T lpMaximumWorkingSetSize, PDWORD Flags)
{
	struct abi_quota_limits q = { 0 };
	if (!nt_ok(NTCALL(SYSCALL3(SYS_NtWorkingSetLimits, hProcess, 0, &q))))
		return FALSE;
	*lpMinimumWorkingSetSize = q.min_working_set;
	*lpMaximumWorkingSetSize = q.max_working_set;
	*Flags = q.flags;
	return TRUE;
}

BOOL WINAPI GetProcessWorkingSetSize(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize, PSIZE_T lpMaximumWorkingSetSize)
{
	DWORD flags;
	return GetProcessWorkingSetSizeEx(hProcess, lpMinimumWorkingSetSize, lpMaximumWorkingSetSize, &flags);
}

BOOL WINAPI SetProcessWorkingSetSizeEx(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize,
				       SIZE_T dwMaximumWorkingSetSize, DWORD Flags)
{
	/* kernel32's own check: 0 would mean "unchanged" to the kernel. */
	if (dwMinimumWorkingSetSize == 0 || dwMaximumWorkingSetSize == 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	struct abi_quota_limits q = { dwMinimumWorkingSetSize, dwMaximumWorkingSetSize, Flags, 0 };
	return nt_ok(NTCALL(SYSCALL3(SYS_NtWorkingSetLimits, hProcess, 1, &q)));
}

BOOL WINAPI SetProcessWorkingSetSize(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize, SIZE_T dwMaximumWorkingSetSize)
{
	return SetProcessWorkingSetSizeEx(hProcess, dwMinimumWorkingSetSize, dwMaximumWorkingSetSize, 0);
}
