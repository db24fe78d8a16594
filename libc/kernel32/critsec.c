/*
 * libc/kernel32/critsec.c - the critical-section calls that are not plain
 * forwarders to ntdll (kernel32.def forwards Enter/Leave/TryEnter/Delete/
 * InitializeCriticalSection to ntdll's Rtl* as Windows does).
 */
#include "k32_private.h"

/* InitializeCriticalSectionAndSpinCount: always succeeds (nothing is allocated). */
BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount)
{
	return k32_status(RtlInitializeCriticalSectionEx(lpCriticalSection, dwSpinCount, 0));
}

/* InitializeCriticalSectionEx: the flags are accepted and ignored. */
BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount, DWORD Flags)
{
	return k32_status(RtlInitializeCriticalSectionEx(lpCriticalSection, dwSpinCount, Flags));
}
