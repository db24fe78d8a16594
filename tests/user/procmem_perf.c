/*
 * tests/user/procmem_perf.c - NtQuerySystemInformation
 * (SystemPerformanceInformation, 2): the x64 SYSTEM_PERFORMANCE_INFORMATION,
 * 0x158 bytes (Windows 8 and later; the 0x138 and 0x148 bytes of older
 * versions are answered with that much), its figures the kernel's own
 * (available pages, committed pages, the commit limit and peak, page faults
 * since boot), other lengths STATUS_INFO_LENGTH_MISMATCH with the size
 * needed.
 */
#include <stddef.h>
#include <string.h>

#include <windows.h>
#include <winternl.h>

#include "utest.h"

#define SPI_CLASS 2	/* SystemPerformanceInformation */
#define SPI_SIZE 0x158u

/* The fields read here, at their x64 offsets. */
static ULONG u32(const unsigned char *b, unsigned off)
{
	ULONG v;
	memcpy(&v, b + off, 4);
	return v;
}

static LONGLONG s64(const unsigned char *b, unsigned off)
{
	LONGLONG v;
	memcpy(&v, b + off, 8);
	return v;
}

#define AVAILABLE_PAGES  0x2c
#define COMMITTED_PAGES  0x30
#define COMMIT_LIMIT     0x34
#define PEAK_COMMITMENT  0x38
#define PAGE_FAULT_COUNT 0x3c
#define NON_PAGED_POOL   0x74
#define RESIDENT_AVAIL   0x148

static NTSTATUS query(void *buf, ULONG len, ULONG *ret)
{
	return NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)SPI_CLASS, buf, len, ret);
}

static void lengths(void)
{
	static unsigned char buf[0x400];
	ULONG ret;
	memset(buf, 0xcc, sizeof buf);
	ret = 0;
	CHECK_STATUS(query(buf, sizeof buf, &ret), 0);	/* larger: the structure */
	CHECK_EQ(ret, SPI_SIZE);
	CHECK_EQ(buf[SPI_SIZE], 0xcc);	/* nothing past it */
	ret = 0;
	CHECK_STATUS(query(buf, SPI_SIZE, &ret), 0);
	CHECK_EQ(ret, SPI_SIZE);
	memset(buf, 0xcc, sizeof buf);
	CHECK_STATUS(query(buf, 0x148, &ret), 0);	/* Windows 7's size */
	CHECK_EQ(ret, 0x148);
	CHECK_EQ(buf[0x148], 0xcc);
	CHECK_STATUS(query(buf, 0x138, &ret), 0);	/* NT 3.10 to Vista's */
	CHECK_EQ(ret, 0x138);
	CHECK_STATUS(query(buf, 0x138, NULL), 0);
	const ULONG bad[] = { 0, 4, 0x30, 0x137, 0x140, 0x150, 0x157 };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ret = 0;
		CHECK_STATUS(query(buf, bad[i], &ret), STATUS_INFO_LENGTH_MISMATCH);
		CHECK_EQ(ret, SPI_SIZE);
	}
	CHECK_STATUS(query(NULL, SPI_SIZE, &ret), STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(query((void *)0xffff800000000000ULL, SPI_SIZE, &ret), STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(query(buf, SPI_SIZE, (ULONG *)0xffff800000000000ULL), STATUS_ACCESS_VIOLATION);
}

/* The figures agree with the kernel's memory status, taken before and after the query. */
static void figures(void)
{
	static unsigned char buf[SPI_SIZE];
	struct abi_memory_status m0, m1;
	ULONG ret;
	CHECK_STATUS(mm_memory_status(&m0), 0);
	CHECK_STATUS(query(buf, sizeof buf, &ret), 0);
	CHECK_STATUS(mm_memory_status(&m1), 0);
	unsigned long long lo, hi;
	lo = m0.avail_phys < m1.avail_phys ? m0.avail_phys : m1.avail_phys;
	hi = m0.avail_phys > m1.avail_phys ? m0.avail_phys : m1.avail_phys;
	CHECK(u32(buf, AVAILABLE_PAGES) + 64 >= lo && u32(buf, AVAILABLE_PAGES) <= hi + 64);
	CHECK((unsigned long long)s64(buf, RESIDENT_AVAIL) + 64 >= lo && (unsigned long long)s64(buf, RESIDENT_AVAIL) <= hi + 64);
	lo = m0.commit_charged < m1.commit_charged ? m0.commit_charged : m1.commit_charged;
	hi = m0.commit_charged > m1.commit_charged ? m0.commit_charged : m1.commit_charged;
	CHECK(u32(buf, COMMITTED_PAGES) >= lo && u32(buf, COMMITTED_PAGES) <= hi);
	CHECK(u32(buf, COMMIT_LIMIT) == m0.commit_limit || u32(buf, COMMIT_LIMIT) == m1.commit_limit);
	CHECK(u32(buf, PEAK_COMMITMENT) >= u32(buf, COMMITTED_PAGES) && u32(buf, PEAK_COMMITMENT) <= m1.commit_peak);
	CHECK(u32(buf, NON_PAGED_POOL) > 0);	/* the kernel heap */
	/* A commit of 256 pages shows in CommittedPages; touching them, in PageFaultCount (one fault a page). */
	ULONG committed = u32(buf, COMMITTED_PAGES), faults = u32(buf, PAGE_FAULT_COUNT);
	CHECK(faults > 0);
	char *p = VirtualAlloc(NULL, 256 * 4096, MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	CHECK_STATUS(query(buf, sizeof buf, &ret), 0);
	CHECK(u32(buf, COMMITTED_PAGES) >= committed + 256 - 16 && u32(buf, COMMITTED_PAGES) <= committed + 256 + 16);
	for (int i = 0; p && i < 256; i++)
		p[i * 4096] = 1;
	CHECK_STATUS(query(buf, sizeof buf, &ret), 0);
	CHECK(u32(buf, PAGE_FAULT_COUNT) >= faults + 256);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_STATUS(query(buf, sizeof buf, &ret), 0);
	CHECK(u32(buf, COMMITTED_PAGES) >= committed - 16 && u32(buf, COMMITTED_PAGES) <= committed + 16);
}

int main(void)
{
	lengths();
	figures();
	return utest_done("procmem_perf");
}
