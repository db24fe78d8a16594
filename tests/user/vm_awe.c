/*
 * tests/user/vm_awe.c - Address Windowing Extensions: MEM_PHYSICAL regions,
 * AllocateUserPhysicalPages / MapUserPhysicalPages(Scatter) /
 * FreeUserPhysicalPages as Microsoft documents them.  Data lives in the
 * physical pages and follows them to other addresses and regions; mapping is
 * all or nothing; an unmapped page faults; VirtualProtect, decommit and
 * commit refuse AWE regions; the pages are charged against the commit limit;
 * every frame comes back, also those still mapped at exit.
 */
#include <string.h>

#include "utest.h"

#define PG 4096ULL
#define REGION (16 * PG)

static volatile ULONG_PTR fault_addr, fault_kind;
static volatile int faults;
static ULONG_PTR spare_pfn;	/* the handler maps this at a faulting AWE page */

static LONG WINAPI on_fault(EXCEPTION_POINTERS *ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	if (r->ExceptionCode != STATUS_ACCESS_VIOLATION || !spare_pfn)
		return EXCEPTION_CONTINUE_SEARCH;
	faults++;
	fault_kind = r->ExceptionInformation[0];
	fault_addr = r->ExceptionInformation[1];
	ULONG_PTR pfn = spare_pfn;
	if (!MapUserPhysicalPages((PVOID)(fault_addr & ~(PG - 1)), 1, &pfn))
		return EXCEPTION_CONTINUE_SEARCH;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void fill(char *p, unsigned seed)
{
	for (unsigned i = 0; i < PG / 4; i++)
		((unsigned *)p)[i] = seed * 2654435761u + i;
}

static int same(const char *p, unsigned seed)
{
	for (unsigned i = 0; i < PG / 4; i++)
		if (((const unsigned *)p)[i] != seed * 2654435761u + i)
			return 0;
	return 1;
}

static unsigned long long avail_commit(void)
{
	MEMORYSTATUSEX ms = { .dwLength = sizeof ms };
	CHECK(GlobalMemoryStatusEx(&ms));
	return ms.ullAvailPageFile;
}

static void region_rules(void)
{
	/* MEM_PHYSICAL goes with MEM_RESERVE alone and PAGE_READWRITE. */
	CHECK_ERR(VirtualAlloc(NULL, REGION, MEM_RESERVE | MEM_PHYSICAL | MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, REGION, MEM_COMMIT | MEM_PHYSICAL, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, REGION, MEM_RESERVE | MEM_PHYSICAL | MEM_TOP_DOWN, PAGE_READWRITE),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, REGION, MEM_RESERVE | MEM_PHYSICAL | MEM_WRITE_WATCH, PAGE_READWRITE),
		  ERROR_INVALID_PARAMETER);
	static const DWORD bad_prot[] = { PAGE_READONLY, PAGE_NOACCESS, PAGE_EXECUTE_READWRITE, PAGE_READWRITE | PAGE_GUARD,
					  PAGE_READWRITE | PAGE_NOCACHE, 0 };
	for (unsigned i = 0; i < sizeof bad_prot / sizeof bad_prot[0]; i++)
		CHECK_ERR(VirtualAlloc(NULL, REGION, MEM_RESERVE | MEM_PHYSICAL, bad_prot[i]), ERROR_INVALID_PARAMETER);

	char *r = VirtualAlloc(NULL, REGION - 100, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK(r != NULL && (ULONG_PTR)r % 0x10000 == 0);
	/* VirtualQuery: one private, committed, read/write region, whatever is mapped. */
	MEMORY_BASIC_INFORMATION m = query_region(r + 3 * PG + 5);
	CHECK_EQ(m.BaseAddress, r + 3 * PG);
	CHECK_EQ(m.AllocationBase, r);
	CHECK_EQ(m.AllocationProtect, PAGE_READWRITE);
	CHECK_EQ(m.RegionSize, REGION - 3 * PG);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	CHECK_EQ(m.Type, MEM_PRIVATE);
	CHECK_EQ(query_region(r + REGION).State, MEM_FREE);
	/* No protection change, no decommit, no commit inside; release only whole. */
	DWORD old = 0x55;
	CHECK_ERR(VirtualProtect(r, PG, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(r, PG, PAGE_READWRITE, &old), ERROR_INVALID_ADDRESS);
	CHECK_EQ(old, PAGE_NOACCESS);	/* a failure on the memory stores PAGE_NOACCESS (Windows 8+, spec 19.2.6) */
	CHECK_ERR(VirtualFree(r, PG, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(r, PG, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(r + PG, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_EQ(query_region(r).State, MEM_COMMIT);
	/* Committing it charges nothing. */
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	CHECK_EQ(query_region(r).State, MEM_FREE);
}

static void pages(void)
{
	unsigned long long commit0 = avail_commit();
	ULONG_PTR n = 8, pfn[8];
	memset(pfn, 0, sizeof pfn);
	CHECK(AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn));
	CHECK_EQ(n, 8);
	for (int i = 0; i < 8; i++) {
		CHECK(pfn[i] != 0);
		for (int j = 0; j < i; j++)
			CHECK(pfn[i] != pfn[j]);
	}
	CHECK_EQ(avail_commit(), commit0 - 8 * PG);	/* charged like committed memory */

	char *r = VirtualAlloc(NULL, REGION, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK(r != NULL);
	/* Map four pages: zero-filled, then written. */
	CHECK(MapUserPhysicalPages(r, 4, pfn));
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(((volatile unsigned *)(r + i * PG))[7], 0);
		fill(r + i * PG, 100 + i);
	}
	/* The same frame at a second address: refused, nothing changed. */
	CHECK_ERR(MapUserPhysicalPages(r + 8 * PG, 1, &pfn[0]), ERROR_INVALID_PARAMETER);
	/* A frame that is not ours, or one named twice: refused, all or nothing. */
	ULONG_PTR bad[4] = { pfn[4], pfn[5], 0x7777777, pfn[6] };
	CHECK_ERR(MapUserPhysicalPages(r, 4, bad), ERROR_INVALID_PARAMETER);
	ULONG_PTR twice[3] = { pfn[4], pfn[5], pfn[4] };
	CHECK_ERR(MapUserPhysicalPages(r, 3, twice), ERROR_INVALID_PARAMETER);
	for (int i = 0; i < 4; i++)
		CHECK(same(r + i * PG, 100 + i));
	/* Past the region's end, outside any AWE region: refused. */
	CHECK_ERR(MapUserPhysicalPages(r + 14 * PG, 3, &pfn[4]), ERROR_INVALID_PARAMETER);
	char *plain = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK_ERR(MapUserPhysicalPages(plain, 1, &pfn[4]), ERROR_INVALID_PARAMETER);
	CHECK_ERR(MapUserPhysicalPages((PVOID)0x20000000000ULL, 1, &pfn[4]), ERROR_INVALID_PARAMETER);
	CHECK(VirtualFree(plain, 0, MEM_RELEASE));
	CHECK(MapUserPhysicalPages(r, 0, pfn));	/* nothing to do */

	/* Swap two pages inside the mapped range: the data follows the frames. */
	ULONG_PTR swapped[2] = { pfn[1], pfn[0] };
	CHECK(MapUserPhysicalPages(r, 2, swapped));
	CHECK(same(r, 101) && same(r + PG, 100));
	/* Unmap (NULL array), map reversed elsewhere: the data is still there. */
	CHECK(MapUserPhysicalPages(r, 4, NULL));
	ULONG_PTR rev[4] = { pfn[3], pfn[2], pfn[1], pfn[0] };
	CHECK(MapUserPhysicalPages(r + 10 * PG, 4, rev));
	for (int i = 0; i < 4; i++)
		CHECK(same(r + (10 + i) * PG, 103 - i));
	CHECK_EQ(query_region(r).State, MEM_COMMIT);

	/* An unmapped page faults (access violation, address reported); the handler maps a page there. */
	spare_pfn = pfn[7];
	faults = 0;
	PVOID h = AddVectoredExceptionHandler(1, on_fault);
	((volatile char *)r)[5 * PG + 9] = 42;
	CHECK_EQ(faults, 1);
	CHECK_EQ(fault_kind, 1);
	CHECK_EQ(fault_addr, (ULONG_PTR)r + 5 * PG + 9);
	CHECK_EQ(((volatile char *)r)[5 * PG + 9], 42);
	RemoveVectoredExceptionHandler(h);
	spare_pfn = 0;

	/* Scatter: two separate addresses, then unmapped with a NULL array. */
	PVOID where[2] = { r + 2 * PG, r + PG };
	ULONG_PTR two[2] = { pfn[4], pfn[5] };
	CHECK(MapUserPhysicalPagesScatter(where, 2, two));
	fill(r + 2 * PG, 204);
	fill(r + PG, 205);
	PVOID outside[1] = { (PVOID)0x20000000000ULL };
	CHECK_ERR(MapUserPhysicalPagesScatter(outside, 1, two), ERROR_INVALID_PARAMETER);
	CHECK(MapUserPhysicalPagesScatter(where, 2, NULL));

	/* Releasing the region unmaps; the frames stay ours and keep their data in a new region. */
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	char *r2 = VirtualAlloc(NULL, REGION, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK(r2 != NULL);
	CHECK(MapUserPhysicalPages(r2, 8, pfn));
	for (int i = 0; i < 4; i++)
		CHECK(same(r2 + i * PG, 100 + i));
	CHECK(same(r2 + 4 * PG, 204) && same(r2 + 5 * PG, 205));
	CHECK_EQ(((volatile char *)r2)[7 * PG + 9], 42);

	/* Free: stops at the first frame that is not ours, reporting how many were freed. */
	ULONG_PTR fr[4] = { pfn[0], pfn[1], 0x7777777, pfn[2] };
	ULONG_PTR cnt = 4;
	CHECK_ERR(FreeUserPhysicalPages(GetCurrentProcess(), &cnt, fr), ERROR_INVALID_PARAMETER);
	CHECK_EQ(cnt, 2);
	cnt = 1;
	CHECK_ERR(FreeUserPhysicalPages(GetCurrentProcess(), &cnt, fr), ERROR_INVALID_PARAMETER);	/* freed already */
	CHECK_EQ(cnt, 0);
	CHECK_ERR(MapUserPhysicalPages(r2, 1, &pfn[0]), ERROR_INVALID_PARAMETER);	/* no longer ours */
	/* The rest, mapped or not, then the region. */
	cnt = 6;
	CHECK(FreeUserPhysicalPages(GetCurrentProcess(), &cnt, &pfn[2]));
	CHECK_EQ(avail_commit(), commit0);
	CHECK(VirtualFree(r2, 0, MEM_RELEASE));
}

static void bad_arguments(void)
{
	struct abi_frame_stats before, after;
	mm_frame_stats(&before);
	ULONG_PTR n = 2, pfn[2];
	CHECK_ERR(AllocateUserPhysicalPages((HANDLE)0x1234, &n, pfn), ERROR_INVALID_HANDLE);
	CHECK_ERR(AllocateUserPhysicalPages(GetCurrentProcess(), NULL, pfn), ERROR_NOACCESS);
	/* An array the kernel cannot write: nothing is allocated. */
	char *ro = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
	CHECK_ERR(AllocateUserPhysicalPages(GetCurrentProcess(), &n, (PULONG_PTR)ro), ERROR_NOACCESS);
	CHECK_ERR(AllocateUserPhysicalPages(GetCurrentProcess(), &n, NULL), ERROR_NOACCESS);
	CHECK(VirtualFree(ro, 0, MEM_RELEASE));
	n = 0;
	CHECK(AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn));
	CHECK_EQ(n, 0);
	n = 1;
	CHECK_ERR(FreeUserPhysicalPages((HANDLE)0x1234, &n, pfn), ERROR_INVALID_HANDLE);
	CHECK_ERR(FreeUserPhysicalPages(GetCurrentProcess(), NULL, pfn), ERROR_NOACCESS);
	mm_frame_stats(&after);
	CHECK_EQ(after.free, before.free);
}

static void many_pages(void)
{
	/* 1024 pages through a 64-page window, each checked after it comes back. */
	enum { N = 1024, W = 64 };
	static ULONG_PTR pfn[N];
	ULONG_PTR n = N;
	CHECK(AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn));
	CHECK_EQ(n, N);
	char *w = VirtualAlloc(NULL, W * PG, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK(w != NULL);
	for (int i = 0; i < N; i += W) {
		CHECK(MapUserPhysicalPages(w, W, &pfn[i]));
		for (int k = 0; k < W; k++)
			((unsigned *)(w + k * PG))[k] = 0xa0000000u + i + k;
	}
	int bad = 0;
	for (int i = N - W; i >= 0; i -= W) {
		CHECK(MapUserPhysicalPages(w, W, &pfn[i]));
		for (int k = 0; k < W; k++)
			bad += ((unsigned *)(w + k * PG))[k] != 0xa0000000u + i + k;
	}
	CHECK_EQ(bad, 0);
	CHECK(VirtualFree(w, 0, MEM_RELEASE));
	CHECK(FreeUserPhysicalPages(GetCurrentProcess(), &n, pfn));
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	region_rules();	/* warms up the heap and tables before the leak check */
	unsigned long long free0 = utest_free_frames();
	for (int round = 0; round < 2; round++) {	/* twice: nothing left behind changes the second */
		region_rules();
		pages();
		bad_arguments();
		many_pages();
	}
	CHECK_EQ(utest_free_frames(), free0);
	/* Exit with pages allocated and mapped: the kernel's runner checks they come back. */
	ULONG_PTR n = 3, pfn[3];
	CHECK(AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn));
	char *r = VirtualAlloc(NULL, REGION, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK(MapUserPhysicalPages(r, 2, pfn));
	r[0] = 1;
	return utest_done("vm_awe");
}
