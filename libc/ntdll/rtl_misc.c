/*
 * libc/ntdll/rtl_misc.c - the TEB's last error, the PEB, the version.
 */
#include "ntdll_private.h"

/* RtlGetLastWin32Error: TEB->LastErrorValue (+0x68). */
ULONG NTAPI RtlGetLastWin32Error(void)
{
	return TEB_LAST_ERROR(cur_teb());
}

/* RtlSetLastWin32Error: sets TEB->LastErrorValue. */
void NTAPI RtlSetLastWin32Error(ULONG Error)
{
	TEB_LAST_ERROR(cur_teb()) = Error;
}

/* RtlGetCurrentPeb: the PEB (TEB +0x60). */
PEB *NTAPI RtlGetCurrentPeb(void)
{
	return ldr_peb();
}

/*
 * RtlGetVersion: the version the kernel wrote into the PEB (OSMajorVersion,
 * OSMinorVersion, OSBuildNumber, OSPlatformId), never the compatibility lie
 * of GetVersionEx.  OSVERSIONINFOW or OSVERSIONINFOEXW by dwOSVersionInfoSize.
 */
NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW Info)
{
	if (Info->dwOSVersionInfoSize != sizeof(OSVERSIONINFOW) && Info->dwOSVersionInfoSize != sizeof(OSVERSIONINFOEXW))
		return STATUS_INVALID_PARAMETER;
	PEB *peb = ldr_peb();
	ULONG size = Info->dwOSVersionInfoSize;
	memset((char *)Info + sizeof(ULONG), 0, size - sizeof(ULONG));
	Info->dwMajorVersion = PEB_OS_MAJOR(peb);
	Info->dwMinorVersion = PEB_OS_MINOR(peb);
	Info->dwBuildNumber = PEB_OS_BUILD(peb);
	Info->dwPlatformId = PEB_OS_PLATFORM(peb) ? PEB_OS_PLATFORM(peb) : VER_PLATFORM_WIN32_NT;
	if (size == sizeof(OSVERSIONINFOEXW)) {
		OSVERSIONINFOEXW *ex = (OSVERSIONINFOEXW *)Info;
		ex->wProductType = VER_NT_WORKSTATION;
	}
	return STATUS_SUCCESS;
}
