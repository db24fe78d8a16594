/*
 * libc/ntdll/nt_object.c - NtQueryObject and NtSetInformationObject for the
 * class handles have here, ObjectHandleFlagInformation (4): a handle's
 * HANDLE_FLAG_INHERIT and HANDLE_FLAG_PROTECT_FROM_CLOSE (kernel/syscall_abi.h
 * SYS_NtHandleFlags, issue 21).  Other classes: STATUS_INVALID_INFO_CLASS.
 */
#include "ntdll_private.h"

#define OBJECT_HANDLE_FLAG_CLASS 4	/* ObjectHandleFlagInformation (MinGW's winternl.h: ObjectDataInformation) */
#define FLAGS_ALL 3u			/* HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE */

/* OBJECT_HANDLE_FLAG_INFORMATION. */
struct handle_flag_info {
	BOOLEAN Inherit;
	BOOLEAN ProtectFromClose;
};

/*
 * NtQueryObject(ObjectHandleFlagInformation): the two flags of Handle;
 * STATUS_INFO_LENGTH_MISMATCH below 2 bytes (*ReturnLength 2 then too).
 */
NTSTATUS NTAPI NtQueryObject(HANDLE Handle, OBJECT_INFORMATION_CLASS ObjectInformationClass, PVOID ObjectInformation,
			     ULONG ObjectInformationLength, PULONG ReturnLength)
{
	if ((ULONG)ObjectInformationClass != OBJECT_HANDLE_FLAG_CLASS)
		return STATUS_INVALID_INFO_CLASS;
	if (ReturnLength)
		*ReturnLength = sizeof(struct handle_flag_info);
	if (ObjectInformationLength < sizeof(struct handle_flag_info))
		return STATUS_INFO_LENGTH_MISMATCH;
	ULONG flags = 0;
	NTSTATUS st = NTCALL(SYSCALL6(SYS_NtHandleFlags, Handle, 0, 0, &flags, 0, 0));
	if (!NT_SUCCESS(st))
		return st;
	struct handle_flag_info *out = ObjectInformation;
	out->Inherit = (flags & HANDLE_FLAG_INHERIT) != 0;
	out->ProtectFromClose = (flags & HANDLE_FLAG_PROTECT_FROM_CLOSE) != 0;
	return STATUS_SUCCESS;
}

/* NtSetInformationObject(ObjectHandleFlagInformation): both flags of Handle set as given. */
NTSTATUS NTAPI NtSetInformationObject(HANDLE Handle, OBJECT_INFORMATION_CLASS ObjectInformationClass,
				      PVOID ObjectInformation, ULONG Length)
{
	if ((ULONG)ObjectInformationClass != OBJECT_HANDLE_FLAG_CLASS)
		return STATUS_INVALID_INFO_CLASS;
	if (Length != sizeof(struct handle_flag_info))
		return STATUS_INFO_LENGTH_MISMATCH;
	const struct handle_flag_info *in = ObjectInformation;
	ULONG flags = (in->Inherit ? HANDLE_FLAG_INHERIT : 0) | (in->ProtectFromClose ? HANDLE_FLAG_PROTECT_FROM_CLOSE : 0);
	return NTCALL(SYSCALL6(SYS_NtHandleFlags, Handle, FLAGS_ALL, flags, 0, 0, 0));
}
