/*
 * tests/user/smp_faults.c - issue 18: faults and address-space changes from
 * every CPU at once.
 *   same page - one thread pinned on each CPU; for each page of a fresh
 *     committed region all meet at a barrier and first-touch the page
 *     together (each writes its own 64-byte slot; in odd pages the even
 *     threads read first): every write is there afterwards, and the region
 *     holds exactly one frame per page (ABI_MEMORY_FRAMES_INFORMATION:
 *     resident = pages, shared 0).
 *   allocate/free - the same threads each reserve, commit, touch, check and
 *     release their own 64 KiB regions, and commit/decommit/protect their
 *     slice of one shared reservation, in a loop: no region overlaps
 *     another thread's (tags), fresh pages read zero, VirtualQuery agrees.
 * Every frame and page of commit back at the end.
 */
#include "smp_common.h"

#define PG 4096ULL
#define PAGES 192
#define SLICE (16 * PG)

static int nt;
static struct mt_barrier bar;
static char *volatile region;
static char *shared_res;

struct arg {
	unsigned t;
};

static unsigned long long tag(unsigned t, unsigned i)
{
	return 0x5100000000000000ULL | ((unsigned long long)t << 32) | i;
}

/* Each page: meet, touch it together, meet; the main thread checks between rounds. */
static void same_page(unsigned t)
{
	for (unsigned p = 0; p < PAGES; p++) {
		volatile unsigned long long *slot = (volatile unsigned long long *)(region + p * PG + 64 * t);
		mt_barrier(&bar, nt);
		if ((p & 1) && !(t & 1))
			MT_CHECK_EQ(*slot, 0);	/* a read first: the zero page, or the frame another made */
		*slot = tag(t, p);
		mt_barrier(&bar, nt);
		for (int k = 0; k < nt; k++)	/* every other thread's write is visible */
			MT_CHECK_EQ(*(volatile unsigned long long *)(region + p * PG + 64 * (unsigned)k), tag((unsigned)k, p));
	}
}

/* Own regions and a slice of the shared reservation, many times over. */
static void alloc_free(unsigned t, unsigned iters)
{
	char *slice = shared_res + t * SLICE;
	unsigned seed = 0x9e3779b9u * (t + 1);
	for (unsigned i = 0; i < iters; i++) {
		char *own = VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		MT_CHECK(own != NULL);
		if (!own)
			continue;
		volatile unsigned long long *first = (void *)own, *last = (void *)(own + 0x10000 - 8);
		MT_CHECK_EQ(*first, 0);
		MT_CHECK_EQ(*last, 0);
		*first = tag(t, i);
		*last = tag(t, i);
		/* the slice's last page stays free: the next thread's pages cannot extend this region's VirtualQuery */
		unsigned pages = 1 + mt_rand(&seed) % (SLICE / PG - 1);
		MT_CHECK(VirtualAlloc(slice, pages * PG, MEM_COMMIT, PAGE_READWRITE) == slice);
		volatile unsigned long long *s = (void *)(slice + (pages - 1) * PG);
		MT_CHECK_EQ(*s, 0);
		*s = tag(t, i);
		DWORD old;
		MT_CHECK(VirtualProtect(slice, pages * PG, PAGE_READONLY, &old));
		MEMORY_BASIC_INFORMATION mbi;
		MT_CHECK_EQ(VirtualQuery(slice, &mbi, sizeof mbi), sizeof mbi);
		MT_CHECK_EQ(mbi.Protect, PAGE_READONLY);
		MT_CHECK_EQ(mbi.RegionSize, pages * PG);
		MT_CHECK_EQ(*s, tag(t, i));
		MT_CHECK_EQ(*first, tag(t, i));	/* nobody else got this region */
		MT_CHECK_EQ(*last, tag(t, i));
		MT_CHECK(VirtualFree(slice, SLICE, MEM_DECOMMIT));
		MT_CHECK(VirtualFree(own, 0, MEM_RELEASE));
	}
}

static DWORD WINAPI worker(void *p)
{
	struct arg *a = p;
	same_page(a->t);
	mt_barrier(&bar, nt);	/* the main thread checks the frames here */
	mt_barrier(&bar, nt);
	alloc_free(a->t, mt_iters(60));
	return 0;
}

int main(void)
{
	printf("smp_faults: %u CPUs\n", smp_ncpu());	/* before the baseline: stdout's buffer */
	struct mt_oracle o;
	mt_warm_begin(&o);
	nt = (int)smp_ncpu();
	if (nt < 2)
		nt = 2;
	if (nt > 16)
		nt = 16;
	region = VirtualAlloc(NULL, PAGES * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	shared_res = VirtualAlloc(NULL, (SIZE_T)nt * SLICE, MEM_RESERVE, PAGE_NOACCESS);
	CHECK(region != NULL && shared_res != NULL);
	if (!region || !shared_res)
		return mt_done("smp_faults");
	smp_pin(GetCurrentThread(), 0);
	HANDLE h[16];
	struct arg args[16];
	for (int i = 1; i < nt; i++) {
		args[i].t = (unsigned)i;
		h[i] = CreateThread(NULL, 0x10000, worker, &args[i], CREATE_SUSPENDED, NULL);
		CHECK(h[i] != NULL);
		smp_pin(h[i], (unsigned)i);
		CHECK_EQ(ResumeThread(h[i]), 1);
	}
	same_page(0);
	mt_barrier(&bar, nt);
	struct abi_memory_frames_info fi;
	memset(&fi, 0, sizeof fi);
	SIZE_T ret = 0;
	CHECK_STATUS(NtQueryVirtualMemory(GetCurrentProcess(), region,
					  (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION, &fi, sizeof fi, &ret),
		     STATUS_SUCCESS);
	CHECK_EQ(fi.resident, PAGES);	/* one frame per page, however many CPUs faulted it */
	CHECK_EQ(fi.shared, 0);
	mt_barrier(&bar, nt);
	alloc_free(0, mt_iters(60));
	for (int i = 1; i < nt; i++)
		mt_join(h[i]);
	CHECK(VirtualFree(region, 0, MEM_RELEASE));
	CHECK(VirtualFree(shared_res, 0, MEM_RELEASE));
	printf("  %d threads: %d pages touched together, %u allocate/free rounds each\n", nt, PAGES, mt_iters(60));
	mt_oracle_end(&o, "faults");
	return mt_done("smp_faults");
}
