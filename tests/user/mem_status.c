/*
 * tests/user/mem_status.c - GlobalMemoryStatusEx / GlobalMemoryStatus and the
 * native NtQueryMemoryStatus behind them: dwLength must be set (87 otherwise,
 * nothing written), the figures agree with the kernel's, and committing,
 * reserving and touching memory move exactly the fields Windows says.
 */
#include <string.h>

#include "utest.h"

#define MB (1024ULL * 1024)
#define PG 4096ULL

static MEMORYSTATUSEX status(void)
{
	MEMORYSTATUSEX ms;
	memset(&ms, 0xcc, sizeof ms);
	ms.dwLength = sizeof ms;
	CHECK(GlobalMemoryStatusEx(&ms));
	CHECK_EQ(ms.dwLength, sizeof ms);
	return ms;
}

static void length_rule(void)
{
	static const DWORD bad_len[] = { 0, sizeof(MEMORYSTATUSEX) - 1, sizeof(MEMORYSTATUSEX) + 1, sizeof(MEMORYSTATUS) };
	for (unsigned i = 0; i < sizeof bad_len / sizeof bad_len[0]; i++) {
		MEMORYSTATUSEX ms;
		memset(&ms, 0xcc, sizeof ms);
		ms.dwLength = bad_len[i];
		CHECK_ERR(GlobalMemoryStatusEx(&ms), ERROR_INVALID_PARAMETER);
		CHECK_EQ(ms.dwLength, bad_len[i]);
		CHECK_EQ(ms.ullTotalPhys, 0xccccccccccccccccULL);	/* nothing written */
	}
}

static void figures(void)
{
	struct abi_memory_status k;
	CHECK_STATUS(mm_memory_status(&k), STATUS_SUCCESS);
	MEMORYSTATUSEX ms = status();
	CHECK_EQ(ms.ullTotalPhys, k.total_phys * PG);
	CHECK(ms.ullAvailPhys > 0 && ms.ullAvailPhys < ms.ullTotalPhys);
	CHECK(ms.dwMemoryLoad <= 100);
	CHECK_EQ(ms.dwMemoryLoad, (k.total_phys - ms.ullAvailPhys / PG) * 100 / k.total_phys);
	/* Windows: ullTotalPageFile is the commit limit, ullAvailPageFile what may still be committed. */
	CHECK_EQ(ms.ullTotalPageFile, k.commit_limit * PG);
	CHECK(ms.ullAvailPageFile <= ms.ullTotalPageFile && ms.ullAvailPageFile > 0);
	CHECK_EQ(ms.ullTotalVirtual, 0x7FFFFFFE0000ULL);	/* 0x10000 .. 0x7FFFFFFEFFFF */
	CHECK(ms.ullAvailVirtual < ms.ullTotalVirtual);
	CHECK_EQ(ms.ullAvailExtendedVirtual, 0);
	/* The limit is RAM (less the kernel's reserve) plus the pagefile. */
	CHECK_EQ(k.commit_limit, k.commit_limit_ram + k.pagefile_total);
	CHECK(k.commit_limit_ram < k.total_phys);
	CHECK(k.pagefile_free <= k.pagefile_total);
	CHECK(k.process_charge > 0 && k.process_charge <= k.commit_charged);
	printf("mem_status: %llu MiB RAM, commit limit %llu MiB (%llu MiB of RAM, %llu MiB of pagefile), load %u%%\n",
	       ms.ullTotalPhys / MB, ms.ullTotalPageFile / MB, k.commit_limit_ram * PG / MB, k.pagefile_total * PG / MB,
	       (unsigned)ms.dwMemoryLoad);

	/* GlobalMemoryStatus: the same figures, dwLength set by the function. */
	MEMORYSTATUS old;
	memset(&old, 0xcc, sizeof old);
	old.dwLength = 0;
	GlobalMemoryStatus(&old);
	CHECK_EQ(old.dwLength, sizeof(MEMORYSTATUS));
	CHECK_EQ(old.dwTotalPhys, ms.ullTotalPhys);
	CHECK_EQ(old.dwTotalPageFile, ms.ullTotalPageFile);
	CHECK_EQ(old.dwTotalVirtual, ms.ullTotalVirtual);
}

static void deltas(void)
{
	MEMORYSTATUSEX a = status();
	/* Reserving takes address space only. */
	char *p = VirtualAlloc(NULL, 4 * MB, MEM_RESERVE, PAGE_READWRITE);
	MEMORYSTATUSEX b = status();
	CHECK_EQ(a.ullAvailVirtual - b.ullAvailVirtual, 4 * MB);
	CHECK_EQ(b.ullAvailPageFile, a.ullAvailPageFile);
	/*
	 * Committing charges the commit limit, no frame yet: the pages and the
	 * page tables they need (mm/ptcharge.h: up to two PTs, a PD and a PDPT,
	 * none when a neighbour holds them already).
	 */
	CHECK(VirtualAlloc(p, MB, MEM_COMMIT, PAGE_READWRITE) == p);
	MEMORYSTATUSEX c = status();
	CHECK(b.ullAvailPageFile - c.ullAvailPageFile >= MB && b.ullAvailPageFile - c.ullAvailPageFile <= MB + 4 * PG);
	CHECK_EQ(c.ullAvailVirtual, b.ullAvailVirtual);
	CHECK_EQ(c.ullAvailPhys, b.ullAvailPhys);
	/* Touching takes frames (and maybe a page table), not commit. */
	for (unsigned i = 0; i < MB; i += PG)
		p[i] = 1;
	MEMORYSTATUSEX d = status();
	CHECK(c.ullAvailPhys - d.ullAvailPhys >= MB && c.ullAvailPhys - d.ullAvailPhys <= MB + 2 * PG);
	CHECK_EQ(d.ullAvailPageFile, c.ullAvailPageFile);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	MEMORYSTATUSEX e = status();
	CHECK_EQ(e.ullAvailPageFile, a.ullAvailPageFile);
	CHECK_EQ(e.ullAvailVirtual, a.ullAvailVirtual);
}

int main(void)
{
	length_rule();
	figures();
	deltas();
	return utest_done("mem_status");
}
