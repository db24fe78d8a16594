/*
 * libc/ntdll/nt_section_query.c - NtQuerySection with Windows' signature:
 * the kernel fills SECTION_BASIC_INFORMATION (class 0) or
 * SECTION_IMAGE_INFORMATION (class 1) itself (kernel/syscall_section.c).
 */
#include "ntdll_private.h"

/*
 * NtQuerySection: what a section is.  The handle needs SECTION_QUERY.  A too
 * small buffer gives STATUS_INFO_LENGTH_MISMATCH, an unknown class
 * STATUS_INVALID_INFO_CLASS, the image class on a data section
 * STATUS_SECTION_NOT_IMAGE.  *ResultLength (when given) is the size written.
 */
NTSTATUS NTAPI NtQuerySection(HANDLE SectionHandle, ULONG InformationClass, PVOID Information, SIZE_T Length,
			      PSIZE_T ResultLength)
{
	return NTCALL(SYSCALL6(SYS_NtQuerySection, SectionHandle, InformationClass, Information, Length,
			       ResultLength, 0));
}
