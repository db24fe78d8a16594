/*
 * libc/ntstatus.c - RtlNtStatusToDosError: NTSTATUS -> Win32 error code, the
 * table of spec §2 (verified on Windows) plus a few well-known extras.
 * Uses plain stdint types so that it also builds on the host (-DHOST_TEST).
 */
#include <stdint.h>

#ifndef HOST_TEST
#include <windows.h>
#endif

uint32_t RtlNtStatusToDosError(int32_t status);

struct status_map {
	uint32_t status;
	uint32_t error;
};

static const struct status_map status_table[] = {
	{ 0xC0000005, 998 },	/* ACCESS_VIOLATION -> NOACCESS */
	{ 0x80000002, 998 },	/* DATATYPE_MISALIGNMENT -> NOACCESS */
	{ 0x80000001, 0x80000001 },	/* GUARD_PAGE_VIOLATION -> itself (VirtualLock on a guard page) */
	{ 0xC000002A, 158 },	/* NOT_LOCKED */
	{ 0xC00000A1, 1453 },	/* WORKING_SET_QUOTA */
	{ 0xC000004C, 87 },	/* BAD_WORKING_SET_LIMIT -> INVALID_PARAMETER */
	{ 0xC000004D, 87 },	/* INCOMPATIBLE_FILE_MAP -> INVALID_PARAMETER */
	{ 0xC0000061, 1314 },	/* PRIVILEGE_NOT_HELD */
	{ 0xC0000018, 487 },	/* CONFLICTING_ADDRESSES -> INVALID_ADDRESS */
	{ 0xC000002D, 487 },	/* NOT_COMMITTED */
	{ 0xC00000A0, 487 },	/* MEMORY_NOT_ALLOCATED */
	{ 0xC000009F, 487 },	/* FREE_VM_NOT_AT_BASE */
	{ 0xC0000019, 487 },	/* NOT_MAPPED_VIEW */
	{ 0xC000002C, 487 },	/* UNABLE_TO_DECOMMIT_VM */
	{ 0xC000001A, 87 },	/* UNABLE_TO_FREE_VM -> INVALID_PARAMETER */
	{ 0xC000001B, 87 },	/* UNABLE_TO_DELETE_SECTION */
	{ 0xC0000045, 87 },	/* INVALID_PAGE_PROTECTION */
	{ 0xC000004E, 87 },	/* SECTION_PROTECTION */
	{ 0xC000000D, 87 },	/* INVALID_PARAMETER */
	{ 0x40000002, 87 },	/* WORKING_SET_LIMIT_RANGE */
	{ 0xC0000017, 8 },	/* NO_MEMORY -> NOT_ENOUGH_MEMORY */
	{ 0xC000009A, 1450 },	/* INSUFFICIENT_RESOURCES -> NO_SYSTEM_RESOURCES */
	{ 0xC0000040, 8 },	/* SECTION_TOO_BIG */
	{ 0xC000012D, 1455 },	/* COMMITMENT_LIMIT */
	{ 0xC0000021, 5 },	/* ALREADY_COMMITTED -> ACCESS_DENIED */
	{ 0xC000001F, 5 },	/* INVALID_VIEW_SIZE */
	{ 0xC0000022, 5 },	/* ACCESS_DENIED */
	{ 0xC000010A, 5 },	/* PROCESS_IS_TERMINATING */
	{ 0xC0000004, 24 },	/* INFO_LENGTH_MISMATCH -> BAD_LENGTH */
	{ 0xC0000008, 6 },	/* INVALID_HANDLE */
	{ 0xC0000024, 6 },	/* OBJECT_TYPE_MISMATCH -> INVALID_HANDLE */
	{ 0xC0000034, 2 },	/* OBJECT_NAME_NOT_FOUND -> FILE_NOT_FOUND */
	{ 0xC0000033, 123 },	/* OBJECT_NAME_INVALID -> INVALID_NAME */
	{ 0xC0000035, 183 },	/* OBJECT_NAME_COLLISION -> ALREADY_EXISTS */
	{ 0xC0000220, 1132 },	/* MAPPED_ALIGNMENT */
	{ 0xC0000002, 1 },	/* NOT_IMPLEMENTED -> INVALID_FUNCTION */
	{ 0xC0000023, 122 },	/* BUFFER_TOO_SMALL -> INSUFFICIENT_BUFFER */
};

/*
 * Returns the Win32 error for `status`: 0 for STATUS_SUCCESS, the table entry,
 * STATUS_INVALID_PARAMETER_1..12 -> 87, an HRESULT_FROM_WIN32 value
 * (0x8007xxxx) -> its low 16 bits, anything else ERROR_MR_MID_NOT_FOUND (317).
 */
uint32_t RtlNtStatusToDosError(int32_t status)
{
	uint32_t s = (uint32_t)status;
	if (s == 0)
		return 0;
	if (s >= 0xC00000EF && s <= 0xC00000FA)
		return 87;
	for (unsigned i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].status == s)
			return status_table[i].error;
	if ((s & 0xFFFF0000u) == 0x80070000u)
		return s & 0xFFFF;
	return 317;
}
