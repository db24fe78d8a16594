/*
 * tests/user/vm_offer_pressure.c - offered pages under system-wide memory
 * pressure (issue 21): OfferVirtualMemory'd pages the evictor takes are
 * dropped, not written to the pagefile, and ReclaimVirtualMemory then says
 * ERROR_BUSY; the dropped pages read zero, a page written after the offer
 * keeps its data.  The pressure is a second allocation, written through,
 * larger than the free memory: it needs a small boot (the 64 MiB boot of
 * make test); with more memory the program says so and checks only that
 * nothing was dropped without pressure.
 */
#include <string.h>

#include "utest.h"
#include <psapi.h>

#define P 4096ULL
#define MB (1024ULL * 1024ULL)
#define OFFERED (8 * MB)
#define NOFF (OFFERED / P)

/* Pagefile slots in use. */
static unsigned long long slots_used(void)
{
	struct abi_memory_status ms;
	CHECK_STATUS(mm_memory_status(&ms), 0);
	return ms.pagefile_total - ms.pagefile_free;
}

/* Pages of [a, a + n pages) that are not resident (QueryWorkingSetEx, in chunks). */
static unsigned long long not_resident(const char *a, unsigned long long n)
{
	static PSAPI_WORKING_SET_EX_INFORMATION ex[512];
	unsigned long long out = 0;
	for (unsigned long long i = 0; i < n; i += 512) {
		unsigned long long k = n - i < 512 ? n - i : 512;
		for (unsigned long long j = 0; j < k; j++)
			ex[j] = (PSAPI_WORKING_SET_EX_INFORMATION){ .VirtualAddress = (PVOID)(a + (i + j) * P) };
		CHECK(QueryWorkingSetEx(GetCurrentProcess(), ex, (DWORD)(k * sizeof ex[0])));
		for (unsigned long long j = 0; j < k; j++)
			out += !ex[j].VirtualAttributes.Valid;
	}
	return out;
}

int main(void)
{
	MEMORYSTATUSEX ms = { .dwLength = sizeof ms };
	CHECK(GlobalMemoryStatusEx(&ms));
	char *a = VirtualAlloc(NULL, OFFERED, MEM_COMMIT, PAGE_READWRITE);
	CHECK(a != NULL);
	if (!a)
		return utest_done("vm_offer_pressure");
	for (unsigned long long i = 0; i < NOFF; i++)
		memset(a + i * P, (int)(i % 251) + 1, P);
	CHECK_EQ(OfferVirtualMemory(a, OFFERED, VmOfferPriorityNormal), ERROR_SUCCESS);
	a[7 * P] = 'W';	/* written after the offer: live data again */
	if (ms.ullTotalPhys > 96 * MB) {
		printf("vm_offer_pressure: %llu MiB of RAM, no pressure made (the 64 MiB boot makes it)\n",
		       ms.ullTotalPhys / MB);
		CHECK_EQ(ReclaimVirtualMemory(a, OFFERED), ERROR_SUCCESS);	/* nothing was taken */
		CHECK(a[7 * P] == 'W' && a[8 * P] == (char)(8 % 251 + 1));
		CHECK(VirtualFree(a, 0, MEM_RELEASE));
		return utest_done("vm_offer_pressure");
	}
	/* Pressure: write through more than the free memory, so the evictor goes round every page. */
	CHECK(GlobalMemoryStatusEx(&ms));
	unsigned long long big = (ms.ullAvailPhys + OFFERED + 16 * MB) & ~(P - 1), nbig = big / P;
	unsigned long long slots0 = slots_used();
	char *b = VirtualAlloc(NULL, big, MEM_COMMIT, PAGE_READWRITE);
	CHECK(b != NULL);
	if (!b)
		return utest_done("vm_offer_pressure");
	for (unsigned long long i = 0; i < nbig; i++)
		b[i * P] = (char)(i | 1);
	unsigned long long slots = slots_used() - slots0, b_out = not_resident(b, nbig), a_out = not_resident(a, NOFF);
	printf("vm_offer_pressure: %llu MiB written, %llu of its pages paged out, %llu of %llu offered pages gone, "
	       "%llu pagefile slots more\n",
	       big / MB, b_out, a_out, NOFF, slots);
	CHECK(b_out > 0);	/* there was pressure */
	CHECK(a_out >= NOFF - 1);	/* the clock took the offered pages (page 7 too, paged out) */
	/*
	 * Slots: the pressure allocation's paged-out pages and page 7, not the
	 * offered ones (some more: the program's own stack, heap and image
	 * pages are paged out too, 70 in one run; the offered ones would be
	 * 2048).
	 */
	CHECK(slots <= b_out + 1 + NOFF / 4);
	CHECK_EQ(ReclaimVirtualMemory(a, OFFERED), ERROR_BUSY);
	unsigned long long nonzero = 0;
	for (unsigned long long i = 0; i < NOFF; i++)
		if (i != 7)
			nonzero += a[i * P] != 0 || a[i * P + P - 1] != 0;
	CHECK_EQ(nonzero, 0);	/* dropped: they read zero */
	CHECK(a[7 * P] == 'W' && a[7 * P + 1] == (char)(7 % 251 + 1));
	CHECK_EQ(ReclaimVirtualMemory(a, OFFERED), ERROR_SUCCESS);	/* nothing offered any more */
	CHECK(VirtualFree(b, 0, MEM_RELEASE) && VirtualFree(a, 0, MEM_RELEASE));
	return utest_done("vm_offer_pressure");
}
