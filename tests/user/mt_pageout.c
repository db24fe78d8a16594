/*
 * tests/user/mt_pageout.c - issue 17: paging out a page another thread is
 * writing loses nothing.  NW writer threads each own some pages of a region
 * and keep incrementing a counter in them, checking every time that the
 * counter still holds the value they stored last and that the rest of the
 * page holds its pattern; meanwhile the main thread empties the process's
 * working set again and again (SetProcessWorkingSetSize(-1, -1): every page
 * that may be paged out goes to the pagefile, docs/pagefile.md), so the
 * writers' pages go out and come back under them.  On this kernel a cold
 * region nobody touches checks that the pages really left (no frame
 * resident after the call); at the end the contents are whole and every
 * frame, pagefile slot and page of commit is back.
 */
#include "mt_common.h"

#define NW 2
#define PG 4096ULL
#define NP 16	/* pages per writer */
#define COLD 8

static char *region, *cold;
static volatile LONG stop, passes[NW];

static unsigned long long fillv(unsigned page, unsigned w)
{
	return 0x9a9e000000000000ULL | ((unsigned long long)page << 16) | w;
}

static DWORD WINAPI writer(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg;
	unsigned long long mine[NP] = { 0 };
	unsigned n = 0;
	while (!stop) {
		for (unsigned k = 0; k < NP; k++) {
			unsigned page = t * NP + k;
			volatile unsigned long long *q = (volatile unsigned long long *)(region + page * PG);
			MT_CHECK_EQ(q[0], mine[k]);	/* the counter: only this thread writes it */
			q[0] = ++mine[k];
			unsigned w = 1 + (n++ * 67) % 511;
			MT_CHECK_EQ(q[w], fillv(page, w));
		}
		InterlockedIncrement(&passes[t]);
		SwitchToThread();
	}
	for (unsigned k = 0; k < NP; k++) {	/* the whole page at the end */
		unsigned page = t * NP + k;
		unsigned long long *q = (unsigned long long *)(region + page * PG);
		unsigned bad = 0;
		for (unsigned w = 1; w < 512; w++)
			bad += q[w] != fillv(page, w);
		MT_CHECK_EQ(bad, 0);
		MT_CHECK_EQ(q[0], mine[k]);
	}
	return 0;
}

static unsigned long long resident(void *p)
{
	struct abi_memory_frames_info fi;
	memset(&fi, 0xff, sizeof fi);
	CHECK_STATUS(NtQueryVirtualMemory(GetCurrentProcess(), p, (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION,
					  &fi, sizeof fi, NULL),
		     STATUS_SUCCESS);
	return fi.resident;
}

int main(void)
{
	struct mt_oracle o;
	mt_warm_begin(&o);
	region = VirtualAlloc(NULL, NW * NP * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	cold = VirtualAlloc(NULL, COLD * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(region && cold);
	if (!region || !cold)
		return mt_done("mt_pageout");
	for (unsigned page = 0; page < NW * NP; page++)
		for (unsigned w = 0; w < 512; w++)
			((unsigned long long *)(region + page * PG))[w] = w ? fillv(page, w) : 0;
	for (unsigned page = 0; page < COLD; page++)
		((unsigned long long *)(cold + page * PG))[5] = fillv(1000 + page, 5);
	HANDLE h[NW];
	for (unsigned t = 0; t < NW; t++)
		h[t] = mt_start(writer, (void *)(ULONG_PTR)t);
	unsigned rounds = mt_iters(12), done = 0;
	DWORD deadline = mt_deadline(8000);
	for (unsigned r = 0; r < rounds && !mt_expired(deadline); r++, done++) {
		LONG p0[NW];
		for (unsigned t = 0; t < NW; t++)
			p0[t] = passes[t];
		for (unsigned t = 0; t < NW; t++)	/* the writers have their pages in again */
			while (passes[t] == p0[t])
				SwitchToThread();
		CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
		if (!mt_is_wine())	/* the cold pages left (Wine has no such query) */
			CHECK_EQ(resident(cold), 0);
		for (unsigned page = 0; page < COLD; page++)
			CHECK_EQ(((unsigned long long *)(cold + page * PG))[5], fillv(1000 + page, 5));
	}
	stop = 1;
	mt_join_all(h, NW);
	CHECK(done >= 3);
	CHECK(VirtualFree(region, 0, MEM_RELEASE));
	CHECK(VirtualFree(cold, 0, MEM_RELEASE));
	mt_oracle_end(&o, "page-out");
	return mt_done("mt_pageout");
}
