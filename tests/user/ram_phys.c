/*
 * tests/user/ram_phys.c - physical memory as a program sees it (issue 18, all
 * of RAM): GlobalMemoryStatusEx's ullTotalPhys and
 * NtQuerySystemInformation(SystemBasicInformation) agree with the kernel's
 * frame count and the physical memory map; memory committed and touched
 * lands in frames the map shows as the process's, above 4 GiB when the
 * machine has RAM there (64 MiB then), and comes back when freed.
 *
 * Built a second time with -DRAM_EXPECT_MIB=16384 as ram_16g.exe for the
 * -m 16G boot of make test, where ullTotalPhys must be the machine's 16 GiB
 * less what the kernel keeps (image, boot modules, frame database: < 128 MiB).
 */
#include <windows.h>
#include <winternl.h>

#include "utest.h"

#define FRAME_4G 0x100000ULL	/* first frame number above 4 GiB */
#ifdef RAM_EXPECT_MIB
#define RAM_TEST_NAME "ram_16g"
#else
#define RAM_TEST_NAME "ram_phys"
#endif

static struct abi_frame_run runs[8192];

struct physmap {
	unsigned long long by_owner[8];
	unsigned long long user_above_4g, managed, runs;
};

/* The physical memory map, summed by owner; user frames above 4 GiB apart. */
static int physmap(struct physmap *m)
{
	SIZE_T n = 0;
	memset(m, 0, sizeof(*m));
	if (mm_physical_memory_map(runs, sizeof(runs) / sizeof(runs[0]), &n) != STATUS_SUCCESS)
		return 0;
	unsigned long long next = 0;
	int contiguous = 1;
	for (SIZE_T i = 0; i < n; i++) {
		const struct abi_frame_run *r = &runs[i];
		contiguous &= r->first == next && r->owner < 8;
		next = r->first + r->count;
		m->by_owner[r->owner & 7] += r->count;
		if (r->owner != ABI_FRAME_ABSENT)
			m->managed += r->count;
		if (r->owner == ABI_FRAME_USER && next > FRAME_4G)
			m->user_above_4g += next - (r->first > FRAME_4G ? r->first : FRAME_4G);
	}
	m->runs = n;
	return contiguous;
}

int main(void)
{
	struct physmap warm;
	physmap(&warm);	/* the run buffer's pages, before the baseline */
	unsigned long long free_before = utest_free_frames();
	struct abi_frame_stats fs;
	CHECK_STATUS(mm_frame_stats(&fs), STATUS_SUCCESS);

	MEMORYSTATUSEX ms = { .dwLength = sizeof(ms) };
	CHECK(GlobalMemoryStatusEx(&ms));
	CHECK_EQ(ms.ullTotalPhys, fs.total * 4096);
	CHECK(ms.ullAvailPhys <= ms.ullTotalPhys);
	CHECK(ms.ullTotalPageFile >= ms.ullAvailPageFile);

	/* SystemBasicInformation: page counts and the highest frame number. */
	SYSTEM_BASIC_INFORMATION sbi;
	ULONG len = 0;
	CHECK_STATUS(NtQuerySystemInformation(SystemBasicInformation, &sbi, sizeof sbi, &len), 0);
	const ULONG *u = (const ULONG *)&sbi;
	ULONG pages = u[3], lowest = u[4], highest = u[5];
	CHECK_EQ(pages, fs.total);
	CHECK(lowest >= 1 && lowest <= highest);

	struct physmap before;
	CHECK(physmap(&before));
	CHECK_EQ(before.managed, fs.total);
	CHECK_EQ(before.runs > 0 ? runs[before.runs - 1].first + runs[before.runs - 1].count - 1 : 0, highest);
	int above = highest >= FRAME_4G + 16384;
	printf("ram_phys: ullTotalPhys %llu MiB, %llu MiB free, highest frame %lx (RAM above 4 GiB: %s)\n",
	       ms.ullTotalPhys >> 20, ms.ullAvailPhys >> 20, highest, above ? "yes" : "no");
#ifdef RAM_EXPECT_MIB
	CHECK(ms.ullTotalPhys <= (unsigned long long)RAM_EXPECT_MIB << 20);
	CHECK(ms.ullTotalPhys + (128ULL << 20) >= (unsigned long long)RAM_EXPECT_MIB << 20);
	CHECK(above);
#endif

	/* Commit and touch: 64 MiB with RAM above 4 GiB, 4 MiB otherwise (the 64 MiB boot). */
	SIZE_T size = above ? 64u << 20 : 4u << 20;
	unsigned char *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	if (p) {
		for (SIZE_T off = 0; off < size; off += 4096)
			*(volatile ULONG_PTR *)(p + off) = (ULONG_PTR)(p + off) ^ 0x5a5a;
		struct physmap touched;
		CHECK(physmap(&touched));
		unsigned long long got = touched.by_owner[ABI_FRAME_USER] - before.by_owner[ABI_FRAME_USER];
		unsigned long long got_high = touched.user_above_4g - before.user_above_4g;
		printf("ram_phys: %llu MiB touched: %llu user frames more, %llu of them above 4 GiB\n",
		       (unsigned long long)size >> 20, got, got_high);
		CHECK(got >= size / 4096);
		if (above)
			CHECK(got_high >= size / 4096 * 3 / 4);	/* the allocator hands out the high frames */
		int intact = 1;
		for (SIZE_T off = 0; off < size; off += 4096)
			intact &= *(volatile ULONG_PTR *)(p + off) == ((ULONG_PTR)(p + off) ^ 0x5a5a);
		CHECK(intact);
		CHECK(VirtualFree(p, 0, MEM_RELEASE));
		struct physmap freed;
		CHECK(physmap(&freed));
		CHECK_EQ(freed.user_above_4g, before.user_above_4g);
	}
	CHECK_EQ(utest_free_frames(), free_before);
	return utest_done(RAM_TEST_NAME);
}
