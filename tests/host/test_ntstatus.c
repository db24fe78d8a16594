/*
 * tests/host/test_ntstatus.c - RtlNtStatusToDosError against every row of
 * spec §2 (the mapping verified on Windows), plus the fallback rules.
 * sources: libc/ntdll/rtl_status.c
 */
#include <stdint.h>

#include "check.h"

uint32_t RtlNtStatusToDosError(int32_t status);

static const struct {
	const char *name;
	uint32_t status;
	uint32_t error;
} spec_rows[] = {
	{ "STATUS_ACCESS_VIOLATION", 0xC0000005, 998 },
	{ "STATUS_CONFLICTING_ADDRESSES", 0xC0000018, 487 },
	{ "STATUS_NOT_COMMITTED", 0xC000002D, 487 },
	{ "STATUS_MEMORY_NOT_ALLOCATED", 0xC00000A0, 487 },
	{ "STATUS_FREE_VM_NOT_AT_BASE", 0xC000009F, 487 },
	{ "STATUS_NOT_MAPPED_VIEW", 0xC0000019, 487 },
	{ "STATUS_UNABLE_TO_DECOMMIT_VM", 0xC000002C, 487 },
	{ "STATUS_UNABLE_TO_FREE_VM", 0xC000001A, 87 },
	{ "STATUS_UNABLE_TO_DELETE_SECTION", 0xC000001B, 87 },
	{ "STATUS_INVALID_PAGE_PROTECTION", 0xC0000045, 87 },
	{ "STATUS_SECTION_PROTECTION", 0xC000004E, 87 },
	{ "STATUS_INVALID_PARAMETER", 0xC000000D, 87 },
	{ "STATUS_WORKING_SET_LIMIT_RANGE", 0x40000002, 87 },
	{ "STATUS_NO_MEMORY", 0xC0000017, 8 },
	{ "STATUS_SECTION_TOO_BIG", 0xC0000040, 8 },
	{ "STATUS_COMMITMENT_LIMIT", 0xC000012D, 1455 },
	{ "STATUS_ALREADY_COMMITTED", 0xC0000021, 5 },
	{ "STATUS_INVALID_VIEW_SIZE", 0xC000001F, 5 },
	{ "STATUS_INFO_LENGTH_MISMATCH", 0xC0000004, 24 },
};

TEST(spec_table)
{
	for (unsigned i = 0; i < sizeof(spec_rows) / sizeof(spec_rows[0]); i++) {
		uint32_t got = RtlNtStatusToDosError((int32_t)spec_rows[i].status);
		if (got != spec_rows[i].error)
			printf("    %s: got %u, want %u\n", spec_rows[i].name, got, spec_rows[i].error);
		CHECK_EQ(got, spec_rows[i].error);
	}
}

TEST(invalid_parameter_1_to_12)
{
	for (uint32_t s = 0xC00000EF; s <= 0xC00000FA; s++)
		CHECK_EQ(RtlNtStatusToDosError((int32_t)s), 87);
	/* The neighbours are not parameter codes. */
	CHECK_EQ(RtlNtStatusToDosError((int32_t)0xC00000EE), 317);
	CHECK_EQ(RtlNtStatusToDosError((int32_t)0xC00000FB), 317);
}

TEST(success_and_unknown)
{
	CHECK_EQ(RtlNtStatusToDosError(0), 0);
	CHECK_EQ(RtlNtStatusToDosError((int32_t)0xC0001234), 317);	/* ERROR_MR_MID_NOT_FOUND */
	CHECK_EQ(RtlNtStatusToDosError((int32_t)0xDEADBEEF), 317);
}

TEST(extras)
{
	CHECK_EQ(RtlNtStatusToDosError((int32_t)0xC0000008), 6);	/* INVALID_HANDLE */
	CHECK_EQ(RtlNtStatusToDosError((int32_t)0xC0000022), 5);	/* ACCESS_DENIED */
	CHECK_EQ(RtlNtStatusToDosError((int32_t)0x80070057), 87);	/* HRESULT_FROM_WIN32(87) */
}

int main(void)
{
	return run_tests("ntstatus");
}
