/* tests/user/vm_reserve_commit.c - spec §3-§6: system info, rounding, 64 KiB bases, reserve/commit rules. */
#include <string.h>

#include "utest.h"

#define G 0x10000ULL

static volatile LONG av_count;
static volatile ULONG_PTR av_p0, av_p1;
static volatile DWORD av_code;

/* Counts access violations and repairs them by committing the page read-write. */
static LONG WINAPI commit_handler(EXCEPTION_POINTERS *ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	if (r->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
		return EXCEPTION_CONTINUE_SEARCH;
	av_count++;
	av_code = r->ExceptionCode;
	av_p0 = r->ExceptionInformation[0];
	av_p1 = r->ExceptionInformation[1];
	if (!VirtualAlloc((void *)r->ExceptionInformation[1], 1, MEM_COMMIT, PAGE_READWRITE))
		return EXCEPTION_CONTINUE_SEARCH;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static int all_zero(const unsigned char *p, SIZE_T n)
{
	for (SIZE_T i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A free 2*G-aligned-ish area of n granules: reserve and release. */
static char *free_area(SIZE_T granules)
{
	char *p = VirtualAlloc(NULL, granules * G, MEM_RESERVE, PAGE_NOACCESS);
	CHECK(p != NULL);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	return p;
}

static void system_info(void)
{
	SYSTEM_INFO si, ni;
	GetSystemInfo(&si);
	GetNativeSystemInfo(&ni);
	CHECK_EQ(si.dwPageSize, 4096);
	CHECK_EQ(si.dwAllocationGranularity, 65536);
	CHECK_EQ(si.lpMinimumApplicationAddress, 0x10000);
	CHECK_EQ(si.lpMaximumApplicationAddress, 0x7FFFFFFEFFFFull);
	CHECK_EQ(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
	CHECK_EQ(si.wProcessorArchitecture, 9);
	CHECK_EQ(si.dwProcessorType, 8664);
	CHECK_EQ(ni.dwPageSize, si.dwPageSize);
	CHECK_EQ(ni.dwAllocationGranularity, si.dwAllocationGranularity);
	CHECK_EQ(ni.lpMaximumApplicationAddress, si.lpMaximumApplicationAddress);
	CHECK_EQ(ni.wProcessorArchitecture, si.wProcessorArchitecture);
}

/* §4.2, §3.5: NULL address rounds the size to pages, bases are 64 KiB aligned. */
static void null_address_sizes(void)
{
	static const SIZE_T sizes[][2] = {
		{ 1, 0x1000 }, { 0xFFF, 0x1000 }, { 0x1000, 0x1000 }, { 0x1001, 0x2000 },
		{ 0xFFFC, 0x10000 }, { 0x10000, 0x10000 }, { 0x10001, 0x11000 }, { 0x123456, 0x124000 },
	};
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (int c = 0; c < 2; c++) {
			DWORD type = c ? MEM_RESERVE | MEM_COMMIT : MEM_RESERVE;
			char *p = VirtualAlloc(NULL, sizes[i][0], type, PAGE_READWRITE);
			CHECK(p != NULL);
			if (!p)
				continue;
			CHECK_EQ((ULONG_PTR)p % G, 0);
			CHECK((ULONG_PTR)p >= 0x10000);
			MEMORY_BASIC_INFORMATION m = query_region(p);
			CHECK_EQ(m.BaseAddress, p);
			CHECK_EQ(m.AllocationBase, p);
			CHECK_EQ(m.RegionSize, sizes[i][1]);
			CHECK_EQ(m.State, c ? MEM_COMMIT : MEM_RESERVE);
			CHECK_EQ(m.Protect, c ? PAGE_READWRITE : 0);
			CHECK_EQ(m.AllocationProtect, PAGE_READWRITE);
			CHECK_EQ(m.Type, MEM_PRIVATE);
			if (c) {
				CHECK(all_zero((unsigned char *)p, sizes[i][1]));
				p[sizes[i][1] - 1] = 7;
				CHECK_EQ(p[sizes[i][1] - 1], 7);
			}
			/* The rest of the granule after the region is free. */
			if (sizes[i][1] % G) {
				MEMORY_BASIC_INFORMATION f = query_region(p + sizes[i][1]);
				CHECK_EQ(f.State, MEM_FREE);
				CHECK_EQ(f.AllocationBase, NULL);
			}
			CHECK(VirtualFree(p, 0, MEM_RELEASE));
		}
	}
	/* MEM_COMMIT alone with NULL reserves and commits (§5). */
	char *p = VirtualAlloc(NULL, 0x3000, MEM_COMMIT, PAGE_READONLY);
	CHECK(p != NULL);
	CHECK_EQ((ULONG_PTR)p % G, 0);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READONLY, 0x3000);
	CHECK_EQ(query_region(p).AllocationProtect, PAGE_READONLY);
	CHECK_EQ(*(volatile char *)(p + 0x2fff), 0);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

/* §4.1, §4.3, §4.5, §5.5: explicit-address reservations round the base down to 64 KiB. */
static void explicit_reserve(void)
{
	char *b = free_area(2);
	char *p = VirtualAlloc(b + 0x1234, 0x1000, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(p, b);
	MEMORY_BASIC_INFORMATION m = query_region(b);
	CHECK_EQ(m.AllocationBase, b);
	CHECK_EQ(m.RegionSize, 0x3000);
	CHECK_EQ(m.State, MEM_RESERVE);
	CHECK_EQ(m.Protect, 0);
	m = query_region(b + 0x2fff);
	CHECK_EQ(m.BaseAddress, b + 0x2000);
	CHECK_EQ(m.RegionSize, 0x1000);
	/* §4.3: the granule tail is free but unusable. */
	m = query_region(b + 0x3000);
	CHECK_EQ(m.State, MEM_FREE);
	CHECK_EQ(m.Protect, PAGE_NOACCESS);
	CHECK_EQ(m.AllocationBase, NULL);
	CHECK_EQ(m.AllocationProtect, 0);
	CHECK_EQ(m.Type, 0);
	CHECK_ERR(VirtualAlloc(b + 0x3000, 0x1000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b + 0x8000, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b + 0x8000, 0x1000, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b + 0x3000, 0x1000, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(b + 0x8000, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(b + 0x3000, 0x1000, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	/* §5.5: reserving over it in any way fails. */
	CHECK_ERR(VirtualAlloc(b, 0x1000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b + 0x1000, 0x1000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b, 0x20000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_EQ(query_region(b).RegionSize, 0x3000);
	/* The next granule is still usable. */
	char *n = VirtualAlloc(b + G, 0x1000, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(n, b + G);
	CHECK_EQ(query_region(b + 0x3000).RegionSize, G - 0x3000);	/* free run ends at the next allocation */
	CHECK(VirtualFree(n, 0, MEM_RELEASE));
	CHECK(VirtualFree(b, 0, MEM_RELEASE));
	CHECK_EQ(query_region(b).State, MEM_FREE);

	/* B+0x8000, size 1 -> [B, B+0x9000). */
	p = VirtualAlloc(b + 0x8000, 1, MEM_RESERVE, PAGE_READONLY);
	CHECK_EQ(p, b);
	CHECK_REGION(b, MEM_RESERVE, 0, 0x9000);
	CHECK_EQ(query_region(b + 0x9000).State, MEM_FREE);
	CHECK(VirtualFree(b, 0, MEM_RELEASE));

	/* Exactly one granule and beyond. */
	p = VirtualAlloc(b + 0xFFFF, 2, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(p, b);
	CHECK_REGION(b, MEM_RESERVE, 0, 0x11000);
	CHECK(VirtualFree(b, 0, MEM_RELEASE));

	/* §4.5: reserve+commit at an unaligned address commits the whole rounded range. */
	p = VirtualAlloc(b + 0x4080, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK_EQ(p, b);
	CHECK_REGION(b, MEM_COMMIT, PAGE_READWRITE, 0x6000);
	*(volatile int *)b = 42;
	CHECK_EQ(*(volatile int *)b, 42);
	*(volatile int *)(b + 0x5ffc) = 43;
	CHECK_EQ(*(volatile int *)(b + 0x5ffc), 43);
	CHECK_EQ(query_region(b + 0x6000).State, MEM_FREE);
	CHECK(VirtualFree(b, 0, MEM_RELEASE));

	/* §5.7: a released base can be reserved again at once. */
	p = VirtualAlloc(b, G, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(p, b);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	p = VirtualAlloc(b, G, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(p, b);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

/* §4.4, §5.1-§5.4: commits inside a reservation. */
static void commit_rules(void)
{
	char *b = VirtualAlloc(NULL, G, MEM_RESERVE, PAGE_READWRITE);
	CHECK(b != NULL);
	/* A 2-byte range straddling a page boundary commits two pages; returns the page-rounded start. */
	char *p = VirtualAlloc(b + 0x1fff, 2, MEM_COMMIT, PAGE_READWRITE);
	CHECK_EQ(p, b + 0x1000);
	CHECK_REGION(b, MEM_RESERVE, 0, 0x1000);
	CHECK_REGION(b + 0x1000, MEM_COMMIT, PAGE_READWRITE, 0x2000);
	CHECK_REGION(b + 0x3000, MEM_RESERVE, 0, 0xD000);
	CHECK_EQ(query_region(b + 0x1000).AllocationBase, b);
	CHECK_EQ(query_region(b + 0x3000).AllocationBase, b);
	/* Unaligned one-byte commit. */
	p = VirtualAlloc(b + 0x5123, 1, MEM_COMMIT, PAGE_READONLY);
	CHECK_EQ(p, b + 0x5000);
	CHECK_REGION(b + 0x5000, MEM_COMMIT, PAGE_READONLY, 0x1000);
	CHECK_REGION(b + 0x3000, MEM_RESERVE, 0, 0x2000);

	/* §5.1: committed memory reads zero. */
	CHECK(all_zero((unsigned char *)b + 0x1000, 0x2000));
	CHECK(all_zero((unsigned char *)b + 0x5000, 0x1000));
	memset(b + 0x1000, 0xab, 0x2000);
	CHECK_EQ((unsigned char)b[0x2fff], 0xab);

	/* §5.2: re-commit succeeds and keeps the data. */
	p = VirtualAlloc(b + 0x1000, 0x2000, MEM_COMMIT, PAGE_READWRITE);
	CHECK_EQ(p, b + 0x1000);
	CHECK_EQ((unsigned char)b[0x1000], 0xab);
	CHECK_EQ((unsigned char)b[0x2fff], 0xab);
	/* Commit spanning committed and reserved pages. */
	p = VirtualAlloc(b, 0x4000, MEM_COMMIT, PAGE_READWRITE);
	CHECK_EQ(p, b);
	CHECK_REGION(b, MEM_COMMIT, PAGE_READWRITE, 0x4000);
	CHECK_EQ((unsigned char)b[0x1000], 0xab);
	CHECK_EQ(b[0], 0);
	CHECK_EQ(b[0x3fff], 0);

	/* §5.3: re-commit with another protection applies it. */
	p = VirtualAlloc(b + 0x1000, 0x1000, MEM_COMMIT, PAGE_READONLY);
	CHECK_EQ(p, b + 0x1000);
	CHECK_REGION(b, MEM_COMMIT, PAGE_READWRITE, 0x1000);
	CHECK_REGION(b + 0x1000, MEM_COMMIT, PAGE_READONLY, 0x1000);
	CHECK_REGION(b + 0x2000, MEM_COMMIT, PAGE_READWRITE, 0x2000);
	CHECK_EQ((unsigned char)b[0x1000], 0xab);
	CHECK_EQ(query_region(b + 0x1000).AllocationProtect, PAGE_READWRITE);
	/* A write to it now faults; the handler commits it read-write again and the write lands. */
	PVOID h = AddVectoredExceptionHandler(1, commit_handler);
	CHECK(h != NULL);
	av_count = 0;
	*(volatile char *)(b + 0x1010) = 5;
	CHECK_EQ(av_count, 1);
	CHECK_EQ(av_p0, EXCEPTION_WRITE_FAULT);
	CHECK_EQ(av_p1, b + 0x1010);
	CHECK_EQ(b[0x1010], 5);
	CHECK_EQ((unsigned char)b[0x1011], 0xab);
	CHECK_REGION(b, MEM_COMMIT, PAGE_READWRITE, 0x4000);	/* merged back */

	/* §5.1: decommit + recommit gives zero again. */
	CHECK(VirtualFree(b + 0x1000, 0x2000, MEM_DECOMMIT));
	CHECK_REGION(b + 0x1000, MEM_RESERVE, 0, 0x2000);
	p = VirtualAlloc(b + 0x1000, 0x2000, MEM_COMMIT, PAGE_READWRITE);
	CHECK_EQ(p, b + 0x1000);
	CHECK(all_zero((unsigned char *)b + 0x1000, 0x2000));

	/* §5.6: touching reserved or decommitted pages is an access violation. */
	av_count = 0;
	CHECK_EQ(*(volatile char *)(b + 0x8004), 0);	/* reserved; the handler commits it */
	CHECK_EQ(av_count, 1);
	CHECK_EQ(av_code, EXCEPTION_ACCESS_VIOLATION);
	CHECK_EQ(av_p0, EXCEPTION_READ_FAULT);
	CHECK_EQ(av_p1, b + 0x8004);
	CHECK_REGION(b + 0x8000, MEM_COMMIT, PAGE_READWRITE, 0x1000);
	b[0x9000 - 1] = 1;
	CHECK(VirtualFree(b + 0x8000, 0x1000, MEM_DECOMMIT));
	av_count = 0;
	*(volatile char *)(b + 0x8ff0) = 9;	/* decommitted */
	CHECK_EQ(av_count, 1);
	CHECK_EQ(av_p0, EXCEPTION_WRITE_FAULT);
	CHECK_EQ(av_p1, b + 0x8ff0);
	CHECK_EQ(b[0x8ff0], 9);
	CHECK_EQ(b[0x8fff], 0);	/* fresh page */
	CHECK(RemoveVectoredExceptionHandler(h));

	/* §5.4: commit crossing the end of the reservation fails and commits nothing. */
	CHECK(VirtualFree(b, G, MEM_DECOMMIT));
	CHECK_REGION(b, MEM_RESERVE, 0, G);
	CHECK_ERR(VirtualAlloc(b + 0xF000, 0x2000, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b + 0xFFFF, 2, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b, G + 1, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_REGION(b, MEM_RESERVE, 0, G);
	CHECK(VirtualFree(b, 0, MEM_RELEASE));
	/* Commit on free memory. */
	CHECK_ERR(VirtualAlloc(b, 0x1000, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(b + 0x5000, 0x10, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_EQ(query_region(b).State, MEM_FREE);

	/* Two adjacent reservations: a commit covering both fails and changes neither. */
	char *a = free_area(2);
	char *r1 = VirtualAlloc(a, G, MEM_RESERVE, PAGE_READWRITE);
	char *r2 = VirtualAlloc(a + G, G, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(r1, a);
	CHECK_EQ(r2, a + G);
	CHECK_ERR(VirtualAlloc(a + 0xF000, 0x2000, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(a, 2 * G, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_REGION(a, MEM_RESERVE, 0, G);
	CHECK_REGION(a + G, MEM_RESERVE, 0, G);
	CHECK_EQ(query_region(a + G).AllocationBase, a + G);
	/* Reserving across them fails. */
	CHECK_ERR(VirtualAlloc(a, 2 * G, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(a + G + 0x100, 0x1000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	/* Each can be committed on its own. */
	CHECK_EQ(VirtualAlloc(a + 0xF000, 0x1000, MEM_COMMIT, PAGE_READWRITE), a + 0xF000);
	CHECK_EQ(VirtualAlloc(a + G, 0x1000, MEM_COMMIT, PAGE_READWRITE), a + G);
	CHECK_REGION(a + 0xF000, MEM_COMMIT, PAGE_READWRITE, 0x1000);	/* not merged across */
	CHECK(VirtualFree(r1, 0, MEM_RELEASE));
	CHECK(VirtualFree(r2, 0, MEM_RELEASE));

	/* Reserving over committed memory fails too. */
	p = VirtualAlloc(NULL, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	CHECK_ERR(VirtualAlloc(p, 0x1000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(p + 0x4000, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, G);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

/* §6.2: MEM_TOP_DOWN. */
static void top_down(void)
{
	char *low = VirtualAlloc(NULL, 0x1000, MEM_RESERVE, PAGE_READWRITE);
	char *high = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
	char *high2 = VirtualAlloc(NULL, 0x5000, MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN, PAGE_READWRITE);
	CHECK(low && high && high2);
	CHECK(high > low);
	CHECK(high2 > low);
	CHECK(high2 < high);
	CHECK_EQ((ULONG_PTR)high % G, 0);
	CHECK_EQ((ULONG_PTR)high2 % G, 0);
	CHECK((ULONG_PTR)high + 0x1000 - 1 <= 0x7FFFFFFEFFFFull);
	CHECK((ULONG_PTR)high >= 0x7FF000000000ull);	/* near the top of the 128 TiB */
	CHECK_REGION(high, MEM_RESERVE, 0, 0x1000);
	CHECK_REGION(high2, MEM_COMMIT, PAGE_READWRITE, 0x5000);
	high2[0x4fff] = 1;
	CHECK(VirtualFree(low, 0, MEM_RELEASE));
	CHECK(VirtualFree(high, 0, MEM_RELEASE));
	CHECK(VirtualFree(high2, 0, MEM_RELEASE));
}

/*
 * utest_free_frames plus the kernel heap's frames: a new reservation's VAD
 * may take a fresh kernel heap page (the slab a release emptied and freed),
 * which is the kernel's bookkeeping, not a frame of the memory.
 * utest_free_frames counts this process's own heap frames (its pool quota)
 * already.
 */
static unsigned long long free_but_kheap(void)
{
	unsigned long long f = utest_free_frames();
	struct abi_frame_stats s;
	mm_frame_stats(&s);
	return f + s.heap - s.pool;
}

/* Every touched frame comes back on release. */
static void frames(void)
{
	char *p = VirtualAlloc(NULL, 0x40000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	for (int i = 0; i < 0x40; i++)
		p[i * 0x1000] = 1;
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	unsigned long long before = utest_free_frames(), before_k = free_but_kheap();
	p = VirtualAlloc(NULL, 0x40000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	CHECK_EQ(free_but_kheap(), before_k);	/* demand-zero: nothing yet */
	for (int i = 0; i < 0x40; i++)
		p[i * 0x1000] = 1;
	CHECK(utest_free_frames() <= before - 0x40);
	CHECK(VirtualFree(p + 0x10000, 0x10000, MEM_DECOMMIT));
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
	/* Reserve-only never costs frames. */
	p = VirtualAlloc(NULL, 0x100000, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(free_but_kheap(), before_k);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

int main(void)
{
	system_info();
	null_address_sizes();
	explicit_reserve();
	commit_rules();
	top_down();
	frames();
	return utest_done("vm_reserve_commit");
}
