/*
 * tests/user/vmmap_info.c - the kernel's view of regions (NtQueryVirtualMemory
 * class ABI_MEMORY_FRAMES_INFORMATION), the physical map
 * (mm_physical_memory_map), and a vmmap dump of a fixed layout that
 * make test turns into SVG pictures and checks (tools/svg-test.sh).
 */
#include <string.h>

#include "utest.h"

#define FRAMES_CLASS ((MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION)
#define BASE ((char *)0x60000000)
#define PG 4096

static struct abi_memory_frames_info frames(const void *p)
{
	struct abi_memory_frames_info f;
	memset(&f, 0xff, sizeof(f));
	SIZE_T ret = 0;
	CHECK_STATUS(NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)p, FRAMES_CLASS, &f, sizeof(f), &ret),
		     STATUS_SUCCESS);
	CHECK_EQ(ret, sizeof(f));
	return f;
}

#define CHECK_FRAMES(p, base, size, res, sh, dt)         \
	do {                                              \
		struct abi_memory_frames_info f_ = frames(p); \
		CHECK_EQ(f_.base_address, base);          \
		CHECK_EQ(f_.region_size, size);           \
		CHECK_EQ(f_.resident, res);               \
		CHECK_EQ(f_.shared, sh);                  \
		CHECK_EQ(f_.dirty, dt);                   \
	} while (0)

/* A fixed layout: 1 MiB reserved at BASE, pages 16..23 committed, 3 touched (2 written), page 20 a guard. */
static void layout(void)
{
	CHECK(VirtualAlloc(BASE, 1024 * 1024, MEM_RESERVE, PAGE_READWRITE) == BASE);
	CHECK(VirtualAlloc(BASE + 16 * PG, 8 * PG, MEM_COMMIT, PAGE_READWRITE) == BASE + 16 * PG);
	CHECK_FRAMES(BASE, (ULONG_PTR)BASE, 16 * PG, 0, 0, 0);
	CHECK_FRAMES(BASE + 16 * PG, (ULONG_PTR)BASE + 16 * PG, 8 * PG, 0, 0, 0);
	volatile char *p = BASE + 16 * PG;
	(void)p[0];
	p[PG] = 1;
	p[4 * PG] = 1;
	CHECK_FRAMES(BASE + 16 * PG + 5, (ULONG_PTR)BASE + 16 * PG, 8 * PG, 3, 0, 2);
	/* A guard page keeps its frame (non-present PTE holding it): still resident and dirty. */
	DWORD old;
	CHECK(VirtualProtect(BASE + 20 * PG, PG, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK_FRAMES(BASE + 20 * PG, (ULONG_PTR)BASE + 20 * PG, PG, 1, 0, 1);
	CHECK_FRAMES(BASE + 16 * PG, (ULONG_PTR)BASE + 16 * PG, 4 * PG, 2, 0, 1);
	CHECK_FRAMES(BASE + 24 * PG, (ULONG_PTR)BASE + 24 * PG, 1024 * 1024 - 24 * PG, 0, 0, 0);
	/* Free memory: the free region, nothing resident. */
	MEMORY_BASIC_INFORMATION m;
	CHECK_EQ(VirtualQuery(BASE + 1024 * 1024, &m, sizeof(m)), sizeof(m));
	CHECK_EQ(m.State, MEM_FREE);
	CHECK_FRAMES(BASE + 1024 * 1024, (ULONG_PTR)BASE + 1024 * 1024, m.RegionSize, 0, 0, 0);
}

static void bad_input(void)
{
	struct abi_memory_frames_info f;
	HANDLE self = GetCurrentProcess();
	SIZE_T ret;
	CHECK_STATUS(NtQueryVirtualMemory(self, BASE, FRAMES_CLASS, &f, sizeof(f) - 1, &ret),
		     STATUS_INFO_LENGTH_MISMATCH);
	CHECK_STATUS(NtQueryVirtualMemory(self, BASE, (MEMORY_INFORMATION_CLASS)0x101, &f, sizeof(f), &ret),
		     STATUS_INVALID_INFO_CLASS);
	CHECK_STATUS(NtQueryVirtualMemory((HANDLE)(LONG_PTR)-2, BASE, FRAMES_CLASS, &f, sizeof(f), &ret),
		     STATUS_INVALID_HANDLE);
	CHECK_STATUS(NtQueryVirtualMemory(self, (PVOID)0x800000000000ULL, FRAMES_CLASS, &f, sizeof(f), &ret),
		     STATUS_INVALID_PARAMETER);
	CHECK_STATUS(NtQueryVirtualMemory(self, BASE, FRAMES_CLASS, (char *)&f + 4, sizeof(f), &ret),
		     STATUS_DATATYPE_MISALIGNMENT);
	CHECK_STATUS(NtQueryVirtualMemory(self, BASE, FRAMES_CLASS, (PVOID)0xffff800000001000ULL, sizeof(f), &ret),
		     STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(NtQueryVirtualMemory(self, BASE, FRAMES_CLASS, NULL, sizeof(f), &ret), STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(NtQueryVirtualMemory(self, BASE, FRAMES_CLASS, &f, sizeof(f), (PSIZE_T)0xffff800000001000ULL),
		     STATUS_ACCESS_VIOLATION);
}

static void physical_map(void)
{
	SIZE_T needed = 0;
	CHECK_STATUS(mm_physical_memory_map(NULL, 0, &needed), STATUS_BUFFER_TOO_SMALL);
	CHECK(needed > 0);
	SIZE_T cap = needed + 64, n = 0;
	struct abi_frame_run *runs = VirtualAlloc(NULL, cap * sizeof(*runs), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(runs != NULL);
	memset(runs, 0, cap * sizeof(*runs));	/* touch every page before the statistics */
	CHECK_STATUS(mm_physical_memory_map(runs, 1, &n), STATUS_BUFFER_TOO_SMALL);
	CHECK(n > 1);
	CHECK_STATUS(mm_physical_memory_map(runs, cap, &n), STATUS_SUCCESS);
	struct abi_frame_stats s;
	mm_frame_stats(&s);
	unsigned long long next = 0, by_owner[8] = { 0 };
	int contiguous = 1, merged = 1;
	for (SIZE_T i = 0; i < n; i++) {
		contiguous &= runs[i].first == next && runs[i].count > 0 && runs[i].owner < 8;
		merged &= i == 0 || runs[i].owner != runs[i - 1].owner;
		next = runs[i].first + runs[i].count;
		by_owner[runs[i].owner < 8 ? runs[i].owner : 0] += runs[i].count;
	}
	CHECK(contiguous);
	CHECK(merged);
	CHECK_EQ(by_owner[ABI_FRAME_FREE], s.free);
	CHECK_EQ(by_owner[ABI_FRAME_USER], s.user);
	CHECK_EQ(by_owner[ABI_FRAME_PAGETABLE], s.pagetable);
	CHECK_EQ(by_owner[ABI_FRAME_HEAP], s.heap);
	CHECK_STATUS(mm_physical_memory_map((struct abi_frame_run *)0xffff800000001000ULL, 4, &n),
		     STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(mm_physical_memory_map(runs, cap, NULL), STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(mm_physical_memory_map(runs, cap, (SIZE_T *)((char *)&n + 1)), STATUS_DATATYPE_MISALIGNMENT);
	VirtualFree(runs, 0, MEM_RELEASE);
}

int main(void)
{
	layout();
	bad_input();
	physical_map();
	/* make test draws this dump (tools/svg-test.sh); the title exercises XML escaping. */
	CHECK(vmmap("vmmap_info: <fixed layout> & \"escapes\"") > 8);
	CHECK(vmmap_physical("vmmap_info") > 0);
	return utest_done("vmmap_info");
}
