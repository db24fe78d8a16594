/*
 * tests/user/pagefile_grow.c - the system-managed pagefile (docs/pagefile.md):
 * the commit limit starts at RAM's share plus the pagefile's initial size and
 * grows in 16 MiB steps when a commit would not fit, up to RAM's share plus
 * the maximum size; past it a commit fails with ERROR_COMMITMENT_LIMIT and
 * changes nothing.  Everything committed beyond RAM + the initial pagefile is
 * written and read back (so pages live in the grown part of the pagefile);
 * GlobalMemoryStatusEx, GetPerformanceInfo and NtQueryMemoryStatus agree at
 * each step.  A forked child does the filling; once it has exited, the
 * system's charge is back, the limit follows the pagefile's size, and every
 * frame comes back.
 */
#include "utest.h"
#include <mmtools.h>
#include <psapi.h>
#include <sys/wait.h>
#include <unistd.h>

#define MB (1ULL << 20)
#define PG 4096ULL
#define BLOCK (16 * MB)
#define MAX_BLOCKS 1024	/* 16 GiB: more than any maximum the kernel accepts (4 GiB) */

static char *blocks[MAX_BLOCKS];

static struct abi_memory_status kstatus(void)
{
	struct abi_memory_status m;
	CHECK_STATUS(mm_memory_status(&m), 0);
	return m;
}

/* The three views of the commit figures agree (nothing else runs, so they cannot move in between). */
static void views_agree(const char *when)
{
	struct abi_memory_status k = kstatus();
	MEMORYSTATUSEX ms = { .dwLength = sizeof ms };
	CHECK(GlobalMemoryStatusEx(&ms));
	PERFORMANCE_INFORMATION pi;
	memset(&pi, 0xcc, sizeof pi);
	CHECK(GetPerformanceInfo(&pi, sizeof pi));
	CHECK_EQ(pi.cb, sizeof pi);
	CHECK_EQ(ms.ullTotalPageFile, k.commit_limit * PG);
	CHECK_EQ(ms.ullAvailPageFile, (k.commit_limit - k.commit_charged) * PG);
	CHECK_EQ(pi.CommitLimit, k.commit_limit);
	CHECK_EQ(pi.CommitTotal, k.commit_charged);
	CHECK(pi.CommitPeak >= pi.CommitTotal && pi.CommitPeak == k.commit_peak);
	CHECK_EQ(pi.PageSize, PG);
	CHECK_EQ(pi.PhysicalTotal, k.total_phys);
	CHECK(pi.ProcessCount >= 1 && pi.ThreadCount >= pi.ProcessCount);
	/* The limit is RAM's share plus the pagefile's current size, between initial and maximum. */
	CHECK_EQ(k.commit_limit, k.commit_limit_ram + k.pagefile_total);
	CHECK_EQ(k.commit_limit_max, k.commit_limit_ram + k.pagefile_max);
	CHECK(k.pagefile_initial <= k.pagefile_total && k.pagefile_total <= k.pagefile_max);
	CHECK(k.pagefile_free <= k.pagefile_total);
	printf("pagefile_grow: %-6s commit %llu of %llu MiB (peak %llu, at most %llu); pagefile %llu MiB (%llu..%llu); "
	       "%lu processes, %lu threads, %lu handles; this process %llu KiB\n",
	       when, k.commit_charged >> 8, k.commit_limit >> 8, k.commit_peak >> 8, k.commit_limit_max >> 8,
	       k.pagefile_total >> 8, k.pagefile_initial >> 8, k.pagefile_max >> 8, pi.ProcessCount, pi.ThreadCount,
	       pi.HandleCount, k.process_charge * 4);
}

static void length_rule(void)
{
	PERFORMANCE_INFORMATION pi;
	CHECK_ERR(GetPerformanceInfo(&pi, sizeof pi - 1), ERROR_BAD_LENGTH);
	CHECK(GetPerformanceInfo(&pi, sizeof pi + 8));	/* larger is fine: the structure is filled */
}

/* The child: commit to the maximum, write and read everything, free it.  Its exit code is utest_done's. */
static int fill(const struct abi_memory_status *k0)
{
	/* The limit RAM + the initial pagefile gives, in bytes this process may still commit. */
	unsigned long long initial_room = (k0->commit_limit_ram + k0->pagefile_initial - k0->commit_charged) * PG;
	/* Commit 16 MiB blocks until refused: the limit rises in steps, never past its maximum. */
	int n = 0, steps = 0;
	unsigned long long limit = kstatus().commit_limit;
	DWORD err = 0;
	while (n < MAX_BLOCKS) {
		SetLastError(0);
		blocks[n] = VirtualAlloc(NULL, BLOCK, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!blocks[n]) {
			err = GetLastError();
			break;
		}
		n++;
		struct abi_memory_status k = kstatus();
		if (k.commit_limit != limit) {
			steps++;
			CHECK(k.commit_limit > limit);
			/* Grown by whole 16 MiB chunks, or to the maximum. */
			CHECK((k.pagefile_total - k.pagefile_initial) % 4096 == 0 || k.pagefile_total == k.pagefile_max);
			limit = k.commit_limit;
		}
	}
	CHECK(n > 0 && n < MAX_BLOCKS);
	CHECK_EQ(err, ERROR_COMMITMENT_LIMIT);
	CHECK((unsigned long long)n * BLOCK > initial_room + BLOCK);	/* beyond RAM + the initial pagefile */
	CHECK(steps >= 2);	/* it grew as needed, not to the maximum at once */
	struct abi_memory_status kf = kstatus();
	CHECK_EQ(kf.pagefile_total, kf.pagefile_max);
	CHECK_EQ(kf.commit_limit, kf.commit_limit_max);
	views_agree("full");

	/* The last pages up to the exact limit; one more is refused and changes nothing. */
	char *r = VirtualAlloc(NULL, BLOCK, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	unsigned pages = 0;
	while (pages < BLOCK / PG && VirtualAlloc(r + pages * PG, PG, MEM_COMMIT, PAGE_READWRITE))
		pages++;
	CHECK(pages < BLOCK / PG);
	CHECK_ERR(VirtualAlloc(r + pages * PG, PG, MEM_COMMIT, PAGE_READWRITE), ERROR_COMMITMENT_LIMIT);
	CHECK_EQ(query_region(r + pages * PG).State, MEM_RESERVE);
	struct abi_memory_status ke = kstatus();
	CHECK_EQ(ke.commit_charged, ke.commit_limit);
	CHECK_EQ(ke.commit_limit, ke.commit_limit_max);

	/* Write every committed page, then read every one back: most now live in the pagefile, past its initial size. */
	for (int b = 0; b < n; b++)
		for (unsigned long long off = 0; off < BLOCK; off += PG)
			*(volatile unsigned long long *)(blocks[b] + off) = (unsigned long long)b << 32 | off;
	for (unsigned i = 0; i < pages; i++)
		*(volatile unsigned long long *)(r + i * PG) = 0xabc00000ULL + i;
	struct abi_memory_status kw = kstatus();
	unsigned long long used = kw.pagefile_total - kw.pagefile_free;
	printf("pagefile_grow: %d x 16 MiB + %u pages written; %llu MiB in the pagefile, %llu MiB past its initial size\n",
	       n, pages, used >> 8, used > kw.pagefile_initial ? (used - kw.pagefile_initial) >> 8 : 0);
	CHECK(used > kw.pagefile_initial);	/* the grown part holds pages */
	unsigned long long bad = 0;
	for (int b = 0; b < n; b++)
		for (unsigned long long off = 0; off < BLOCK; off += PG)
			bad += *(volatile unsigned long long *)(blocks[b] + off) != ((unsigned long long)b << 32 | off);
	for (unsigned i = 0; i < pages; i++)
		bad += *(volatile unsigned long long *)(r + i * PG) != 0xabc00000ULL + i;
	CHECK_EQ(bad, 0);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	for (int b = 0; b < n; b++)
		CHECK(VirtualFree(blocks[b], 0, MEM_RELEASE));
	views_agree("freed");
	return utest_done("pagefile_grow (child)");
}

/* Read one byte of every committed, readable page of this process: whatever was paged out comes back. */
static void page_in_everything(void)
{
	MEMORY_BASIC_INFORMATION m;
	unsigned long long sum = 0;
	for (char *a = (char *)0x10000; VirtualQuery(a, &m, sizeof m) == sizeof m; a = (char *)m.BaseAddress + m.RegionSize) {
		DWORD p = m.Protect & 0xff;
		if (m.State != MEM_COMMIT || (m.Protect & PAGE_GUARD) || p == PAGE_NOACCESS || p == PAGE_EXECUTE)
			continue;
		for (unsigned long long off = 0; off < m.RegionSize; off += PG)
			sum += *(volatile char *)((char *)m.BaseAddress + off);
	}
	(void)sum;
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	length_rule();
	views_agree("start");
	struct abi_memory_status k0 = kstatus();
	unsigned long long frames = utest_free_frames();
	if (k0.pagefile_max <= k0.pagefile_initial) {
		printf("pagefile_grow: the pagefile cannot grow here (initial = maximum): growth not tested\n");
		return utest_done("pagefile_grow");
	}
	CHECK_EQ(k0.pagefile_total, k0.pagefile_initial);	/* nothing else holds the extension */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int rc = fill(&k0);
		fflush(stdout);
		_exit(rc);
	}
	CHECK(pid > 0);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/*
	 * The child's pages are gone with it.  Pages of this process paged out
	 * meanwhile may sit in the extension: read back, their slots are only
	 * the swap cache's, which the next uncharge gives up.  The pagefile
	 * shrinks to its initial size when nothing is left past it (a page of
	 * any process or section living only there keeps it: docs/pagefile.md;
	 * tests/kernel/test_pagefile.c checks the rule itself).
	 */
	page_in_everything();
	void *one = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(one && VirtualFree(one, 0, MEM_RELEASE));
	struct abi_memory_status k1 = kstatus();
	printf("pagefile_grow: after the child: pagefile %llu MiB, %llu MiB of it in use\n", k1.pagefile_total >> 8,
	       (k1.pagefile_total - k1.pagefile_free) >> 8);
	CHECK_EQ(k1.commit_limit, k0.commit_limit + (k1.pagefile_total - k0.pagefile_total));
	/* The system's charge is back; this process's own may have grown (printed when it did). */
	CHECK_EQ(k1.commit_charged - k1.process_charge, k0.commit_charged - k0.process_charge);
	if (k1.process_charge != k0.process_charge)
		printf("pagefile_grow: this process's charge %llu -> %llu pages\n", k0.process_charge, k1.process_charge);
	CHECK(k1.commit_peak >= k1.commit_limit_max - 64);	/* the child reached the maximum (less what others held) */
	views_agree("end");
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("pagefile_grow");
}
