/*
 * tests/user/procmem_offer.c - Windows 8.1's memory hints (issue 21):
 * OfferVirtualMemory / ReclaimVirtualMemory (ERROR_SUCCESS when nothing was
 * dropped, ERROR_BUSY when the system took offered pages: they read zero,
 * pages written since the offer keep their data), DiscardVirtualMemory (the
 * contents go at once, the pages stay committed), PrefetchVirtualMemory
 * (paged-out pages come back without the page faults a loop reading them
 * takes otherwise - one per cluster of 8 pages here -: counted by
 * GetProcessMemoryInfo's PageFaultCount).
 * Emptying the working set stands in for memory pressure.
 */
#include <string.h>

#include "utest.h"
#include <psapi.h>

#define P 4096
#define N 32

static void empty(void)
{
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
}

static BOOL resident(const void *va)
{
	PSAPI_WORKING_SET_EX_INFORMATION ex = { .VirtualAddress = (PVOID)va };
	return QueryWorkingSetEx(GetCurrentProcess(), &ex, sizeof ex) && ex.VirtualAttributes.Valid;
}

static DWORD faults(void)
{
	PROCESS_MEMORY_COUNTERS pmc;
	return GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc) ? pmc.PageFaultCount : 0;
}

static void fill(char *a, int pages, char c)
{
	for (int i = 0; i < pages; i++)
		memset(a + i * P, c + i, P);
}

static int intact(const char *a, int from, int to, char c)
{
	for (int i = from; i < to; i++)
		if (a[i * P] != (char)(c + i) || a[i * P + P - 1] != (char)(c + i))
			return 0;
	return 1;
}

static void offer_reclaim(char *a)
{
	fill(a, N, 'a');
	CHECK_EQ(OfferVirtualMemory(a, N * P, VmOfferPriorityNormal), ERROR_SUCCESS);
	CHECK_EQ(ReclaimVirtualMemory(a, N * P), ERROR_SUCCESS);	/* no pressure: nothing dropped */
	CHECK(intact(a, 0, N, 'a'));
	/* Offered, then the working set emptied: the offered pages go unwritten, page 3 was written since. */
	CHECK_EQ(OfferVirtualMemory(a, N * P, VmOfferPriorityVeryLow), ERROR_SUCCESS);
	a[3 * P] = 'W';
	empty();
	CHECK(!resident(a));
	CHECK_EQ(ReclaimVirtualMemory(a, N * P), ERROR_BUSY);
	int zero = 1;
	for (int i = 0; i < N; i++)
		if (i != 3 && (a[i * P] || a[i * P + 100]))
			zero = 0;
	CHECK(zero);	/* dropped, not paged out: they read zero */
	CHECK(a[3 * P] == 'W' && a[3 * P + 1] == (char)('a' + 3));
	CHECK_EQ(ReclaimVirtualMemory(a, N * P), ERROR_SUCCESS);	/* nothing offered any more */
	/* Arguments. */
	CHECK_EQ(OfferVirtualMemory(a, N * P, 0), ERROR_INVALID_PARAMETER);
	CHECK_EQ(OfferVirtualMemory(a, N * P, VmOfferPriorityNormal + 1), ERROR_INVALID_PARAMETER);
	CHECK_EQ(OfferVirtualMemory(a + 1, P, VmOfferPriorityNormal), ERROR_INVALID_PARAMETER);
	CHECK_EQ(OfferVirtualMemory(a, 100, VmOfferPriorityNormal), ERROR_INVALID_PARAMETER);
	CHECK_EQ(ReclaimVirtualMemory(a, 0), ERROR_INVALID_PARAMETER);
	CHECK_EQ(ReclaimVirtualMemory(a + N * P, P), ERROR_INVALID_ADDRESS);	/* past the allocation */
	CHECK_EQ(ReclaimVirtualMemory(a + (N - 1) * P, 2 * P), ERROR_INVALID_ADDRESS);
}

static void discard(char *a)
{
	fill(a, N, 'd');
	CHECK(resident(a + 5 * P));
	CHECK_EQ(DiscardVirtualMemory(a + 4 * P, 8 * P), ERROR_SUCCESS);
	CHECK(!resident(a + 5 * P) && resident(a + 3 * P) && resident(a + 12 * P));	/* at once */
	MEMORY_BASIC_INFORMATION m;
	CHECK(VirtualQuery(a + 5 * P, &m, sizeof m) && m.State == MEM_COMMIT && m.Protect == PAGE_READWRITE);
	CHECK(a[5 * P] == 0 && a[11 * P + 7] == 0);
	CHECK(intact(a, 0, 4, 'd') && intact(a, 12, N, 'd'));
	a[5 * P] = 'x';	/* usable as before */
	CHECK_EQ(a[5 * P], 'x');
	CHECK_EQ(DiscardVirtualMemory(a + 1, P), ERROR_INVALID_PARAMETER);
	CHECK_EQ(DiscardVirtualMemory(a, 0), ERROR_INVALID_PARAMETER);
	char *r = VirtualAlloc(NULL, 16 * P, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(DiscardVirtualMemory(r + 16 * P + 0x100000, P), ERROR_INVALID_ADDRESS);	/* free memory */
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
}

static void prefetch(char *a)
{
	fill(a, N, 'p');
	/* Without prefetch: reading the paged-out pages faults on each. */
	empty();
	CHECK(!resident(a + 7 * P));
	DWORD f0 = faults();
	CHECK(intact(a, 0, N, 'p'));
	DWORD without = faults() - f0;
	CHECK(without >= N / 8);	/* a page-in reads a cluster of up to 8 pages */
	/* With: the pages are back before the loop, which takes (almost) no fault. */
	empty();
	WIN32_MEMORY_RANGE_ENTRY r = { a, N * P };
	CHECK(PrefetchVirtualMemory(GetCurrentProcess(), 1, &r, 0));
	CHECK(resident(a) && resident(a + 7 * P) && resident(a + (N - 1) * P));
	f0 = faults();
	CHECK(intact(a, 0, N, 'p'));
	DWORD with = faults() - f0;
	CHECK(with <= without / 4);	/* 0 here */
	/* Arguments and rights. */
	CHECK_ERR(PrefetchVirtualMemory(GetCurrentProcess(), 1, &r, 1), ERROR_INVALID_PARAMETER);
	CHECK_ERR(PrefetchVirtualMemory(GetCurrentProcess(), 0, &r, 0), ERROR_INVALID_PARAMETER);
	HANDLE q = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, GetCurrentProcessId());
	CHECK(q != NULL);
	CHECK_ERR(PrefetchVirtualMemory(q, 1, &r, 0), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(q));
	/* Reserved and free ranges are skipped (a hint), not refused. */
	char *res = VirtualAlloc(NULL, 16 * P, MEM_RESERVE, PAGE_READWRITE);
	WIN32_MEMORY_RANGE_ENTRY r2 = { res, 16 * P };
	CHECK(PrefetchVirtualMemory(GetCurrentProcess(), 1, &r2, 0));
	CHECK(VirtualFree(res, 0, MEM_RELEASE));
}

int main(void)
{
	char *a = VirtualAlloc(NULL, N * P, MEM_COMMIT, PAGE_READWRITE);
	CHECK(a != NULL);
	if (!a)
		return utest_done("procmem_offer");
	offer_reclaim(a);
	discard(a);
	prefetch(a);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	return utest_done("procmem_offer");
}
