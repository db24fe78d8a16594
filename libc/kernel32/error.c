/*
 * libc/kernel32/error.c - the last error (TEB->LastErrorValue, +0x68) and
 * the NTSTATUS -> Win32 error helpers every kernel32 file uses.
 */
#include "k32_private.h"

/* GetLastError: the calling thread's last error. */
DWORD WINAPI GetLastError(void)
{
	return *(DWORD *)((char *)k32_teb() + 0x68);
}

/* SetLastError: sets it. */
void WINAPI SetLastError(DWORD dwErrCode)
{
	*(DWORD *)((char *)k32_teb() + 0x68) = dwErrCode;
}

BOOL k32_status(NTSTATUS status)
{
	if (status != STATUS_SUCCESS)
		SetLastError(RtlNtStatusToDosError(status));
	return status == STATUS_SUCCESS;
}

BOOL k32_nt_ok(NTSTATUS status)
{
	if (!NT_SUCCESS(status))
		SetLastError(RtlNtStatusToDosError(status));
	return NT_SUCCESS(status);
}
