/*
 * tests/user/mt_first_touch.c - issue 17: threads first-touching the same
 * page at the same time get one frame between them and see each other's
 * writes.  For every page of a fresh committed region NT threads meet at a
 * barrier and touch it at once (all write their own 64-byte slot; or one
 * reads while the others write; or all read, then all write), meet again and
 * check every other thread's slot.  On this kernel the region then holds
 * exactly one frame per page (ABI_MEMORY_FRAMES_INFORMATION and the frame
 * counters), and releasing it gives every frame and the commit back.
 */
#include "mt_common.h"

#define NT 4	/* threads */
#define PG 4096

static char *region;
static unsigned npages;
static struct mt_barrier bar;

static unsigned long long marker(unsigned t, unsigned page)
{
	return 0x5100000000000000ULL | ((unsigned long long)page << 8) | (t + 1);
}

static DWORD WINAPI toucher(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg;
	for (unsigned i = 0; i < npages; i++) {
		volatile unsigned long long *pg = (volatile unsigned long long *)(region + (size_t)i * PG);
		unsigned mode = i % 3;
		mt_barrier(&bar, NT);
		if (mode == 1 && t == 0) {
			unsigned long long v = pg[0];	/* a read racing with the other threads' first writes */
			MT_CHECK(v == 0 || v == marker(1, i) || v == marker(2, i) || v == marker(3, i));
		} else if (mode == 2) {
			MT_CHECK_EQ(pg[t * 8], 0);	/* every thread reads first: zero */
			mt_barrier(&bar, NT);
			pg[t * 8] = marker(t, i);
		} else {
			pg[t * 8] = marker(t, i);
		}
		mt_barrier(&bar, NT);
		for (unsigned o = 0; o < NT; o++) {
			if (mode == 1 && o == 0)
				MT_CHECK_EQ(pg[o * 8], 0);
			else
				MT_CHECK_EQ(pg[o * 8], marker(o, i));
		}
	}
	return 0;
}

static void run(unsigned pages)
{
	HANDLE h[NT];
	npages = pages;
	region = VirtualAlloc(NULL, (size_t)pages * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(region != NULL);
	if (!region)
		return;
	struct mt_oracle o;
	mt_warm_begin(&o);	/* the region is committed, nothing resident */
	for (unsigned t = 0; t < NT; t++)
		h[t] = mt_start(toucher, (void *)(ULONG_PTR)t);
	mt_join_all(h, NT);
	if (o.on) {
		/* one frame per page, whichever thread faulted it in */
		CHECK_EQ(o.free_frames - mt_free_frames(), pages);
		struct abi_memory_frames_info fi;
		memset(&fi, 0, sizeof fi);
		SIZE_T ret = 0;
		CHECK_STATUS(NtQueryVirtualMemory(GetCurrentProcess(), region,
						  (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION, &fi,
						  sizeof fi, &ret),
			     STATUS_SUCCESS);
		CHECK_EQ(fi.region_size, (unsigned long long)pages * PG);
		CHECK_EQ(fi.resident, pages);
		CHECK_EQ(fi.shared, 0);
	}
	for (unsigned i = 0; i < pages; i++)	/* the main thread sees every write too */
		for (unsigned t = 0; t < NT; t++)
			if (*(unsigned long long *)(region + (size_t)i * PG + t * 64) != (i % 3 == 1 && t == 0 ? 0 : marker(t, i)))
				CHECK(!"main thread sees a thread's write");
	CHECK(VirtualFree(region, 0, MEM_RELEASE));
	o.commit -= pages;	/* the baseline held the region's commit; now released */
	mt_oracle_end(&o, "first touch");
}

int main(void)
{
	run(mt_iters(48));
	run(mt_iters(200));
	return mt_done("mt_first_touch");
}
