/*
 * tests/user/pin_limits.c - pinned memory is bounded (docs/reliability.md):
 * AWE pages, large pages and VirtualLock'ed pages together stay within half
 * of RAM per process and RAM less max(16 MiB, 1/8 of RAM) system-wide.  The
 * parent pins with AWE until refused (ERROR_NO_SYSTEM_RESOURCES, exactly at
 * its bound); then a large page is refused with the same error and
 * VirtualLock with ERROR_WORKING_SET_QUOTA.  A forked child pins what the
 * system bound has left, is refused the same way, and shows that the system
 * still pages: it commits twice the RAM left free, writes and reads every
 * page (so does the parent after the child).  After everything is freed, pinning works again and every frame is back.
 */
#include "utest.h"
#include <unistd.h>

#define PG 4096ULL
#define M2 (2ULL << 20)
#define CHUNK 1024

static ULONG_PTR pfns[1 << 18];	/* 1 GiB of frame numbers */

/* The bounds the kernel applies (mm/lock.h), from the frames it manages. */
static void bounds(unsigned long long *sys, unsigned long long *proc)
{
	struct abi_frame_stats fs;
	CHECK_STATUS(mm_frame_stats(&fs), 0);
	unsigned long long keep = fs.total / 8 > 4096 ? fs.total / 8 : 4096;
	*sys = fs.total - keep;
	*proc = fs.total / 2;
}

/* AllocateUserPhysicalPages in chunks until refused; returns the pages got, *err the refusal. */
static unsigned long long awe_until_refused(DWORD *err)
{
	unsigned long long got = 0;
	for (;;) {
		ULONG_PTR n = CHUNK;
		if (got + n > sizeof pfns / sizeof pfns[0]) {
			*err = 0;
			return got;
		}
		SetLastError(0);
		if (!AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfns + got)) {
			*err = GetLastError();
			return got;
		}
		got += n;
	}
}

static void awe_free_all(unsigned long long got)
{
	ULONG_PTR n = got;
	CHECK(FreeUserPhysicalPages(GetCurrentProcess(), &n, pfns));
	CHECK_EQ(n, got);
}

/* Large pages and VirtualLock are refused now, with Windows' errors. */
static void others_refused(void)
{
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE),
		  ERROR_NO_SYSTEM_RESOURCES);
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), 64 << 20, 128 << 20));
	char *p = VirtualAlloc(NULL, 16 * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	CHECK_ERR(VirtualLock(p, 16 * PG), ERROR_WORKING_SET_QUOTA);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

/*
 * Commit twice the RAM left free (less when the commit limit has less left:
 * at 512M the pinned pages took much of it), write and read every page: the
 * pagefile still takes the rest.
 */
static void still_pages(void)
{
	struct abi_memory_status ms;
	CHECK_STATUS(mm_memory_status(&ms), 0);
	unsigned long long pages = 2 * ms.avail_phys, left = ms.commit_limit - ms.commit_charged - 256;
	if (pages > left)
		pages = left;
	CHECK(pages > ms.avail_phys);
	char *p = VirtualAlloc(NULL, pages * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	if (!p)
		return;
	for (unsigned long long i = 0; i < pages; i++)
		*(volatile unsigned long long *)(p + i * PG) = i + 7;
	unsigned long long bad = 0;
	for (unsigned long long i = 0; i < pages; i++)
		bad += *(volatile unsigned long long *)(p + i * PG) != i + 7;
	CHECK_EQ(bad, 0);
	printf("pin_limits: %llu MiB committed, written and read back beside the pinned memory\n", pages >> 8);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	unsigned long long frames = utest_free_frames(), sys, proc;
	bounds(&sys, &proc);
	DWORD err;
	unsigned long long got = awe_until_refused(&err);
	CHECK_EQ(err, ERROR_NO_SYSTEM_RESOURCES);
	CHECK_EQ(got, proc);	/* nothing else pins: the per-process bound is what stops it */
	others_refused();
	printf("pin_limits: %llu MiB pinned by one process (bound %llu MiB of %llu MiB system-wide)\n", got >> 8,
	       proc >> 8, sys >> 8);

	ULONG pid;
	fflush(stdout);	/* the child must not print the parent's buffered lines again */
	NTSTATUS st = mm_fork(&pid);
	if (st == STATUS_PROCESS_CLONED) {
		/* The parent's AWE pages stay with it: the system bound leaves this child the rest. */
		unsigned long long child = awe_until_refused(&err);
		CHECK_EQ(err, ERROR_NO_SYSTEM_RESOURCES);
		CHECK_EQ(child, sys - proc);
		others_refused();
		still_pages();
		awe_free_all(child);
		fflush(stdout);
		_exit(utest_failures ? 1 : 0);
	}
	CHECK_STATUS(st, 0);
	struct abi_child_exit out;
	CHECK_STATUS(mm_wait_child(pid, 0, &out), 0);
	CHECK_EQ(out.status, 0);
	still_pages();
	awe_free_all(got);

	/*
	 * Unpinned: a large page and a lock work again.  A large page also needs
	 * a free, aligned 2 MiB block: after the paging above a 64 MiB machine
	 * may have none (the kernel's own pages sit in every one), and Windows
	 * then refuses with the same ERROR_NO_SYSTEM_RESOURCES.  So a refusal
	 * passes only when the pinned-memory bound is shown not to be the cause:
	 * 512 AWE pages (2 MiB, the same bound) are granted at once.
	 */
	SetLastError(0);
	char *lp = VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
	if (lp) {
		CHECK(VirtualFree(lp, 0, MEM_RELEASE));
	} else {
		CHECK_EQ(GetLastError(), ERROR_NO_SYSTEM_RESOURCES);
		ULONG_PTR n = M2 / PG;
		CHECK(AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfns) && n == M2 / PG);
		printf("pin_limits: no free 2 MiB block for the large page; the bound granted %lu pages\n",
		       (unsigned long)n);
		awe_free_all(n);
	}
	char *p = VirtualAlloc(NULL, 16 * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p && VirtualLock(p, 16 * PG));
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("pin_limits");
}
