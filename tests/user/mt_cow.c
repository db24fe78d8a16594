/*
 * tests/user/mt_cow.c - issue 17: a copy-on-write break racing with readers
 * of the same page.  A pagefile-backed section is filled through a shared
 * read-write view; each round maps a fresh PAGE_WRITECOPY view of it
 * (FILE_MAP_COPY), and one writer thread writes every word of every page of
 * that view (the first store of each page breaks copy-on-write) while reader
 * threads read the same pages: readers of the copy view see each word old or
 * new, never anything else, and new once the writer has published the page
 * done; readers of the shared view see old only (the break never writes the
 * section's frame).  Afterwards the section still holds old, the view new, and
 * unmapping everything gives every frame and the commit back.
 */
#include "mt_common.h"

#define NR 3
#define PG 4096ULL
#define NP 16
#define WORDS (NP * PG / 8)

static HANDLE sec;
static unsigned long long *shared_view;
static unsigned long long *volatile cow_view;
static volatile LONG done[NP], writer_done, round_no;
static struct mt_barrier bar;
static unsigned rounds;

static unsigned long long oldv(unsigned r, unsigned w)
{
	return 0x01d0000000000000ULL | ((unsigned long long)r << 24) | w;
}

static unsigned long long newv(unsigned r, unsigned w)
{
	return 0x0e30000000000000ULL | ((unsigned long long)r << 24) | w;
}

static DWORD WINAPI cow_writer(void *arg)
{
	(void)arg;
	for (unsigned r = 0; r < rounds; r++) {
		mt_barrier(&bar, NR + 2);	/* the round's view is mapped */
		volatile unsigned long long *v = cow_view;
		for (unsigned p = 0; p < NP; p++) {
			for (unsigned w = p * 512; w < (p + 1) * 512; w++)
				v[w] = newv(r, w);
			done[p] = 1;
			SwitchToThread();
		}
		writer_done = 1;
		mt_barrier(&bar, NR + 2);	/* the readers have finished */
	}
	return 0;
}

static DWORD WINAPI cow_reader(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg, n = t * 131;
	for (unsigned r = 0; r < rounds; r++) {
		mt_barrier(&bar, NR + 2);
		volatile unsigned long long *v = (t & 1) ? shared_view : cow_view;
		int last_pass = 0;
		for (;;) {
			int finished = writer_done;	/* read before the pass: then the pass is after every page */
			for (unsigned k = 0; k < 2 * WORDS / 64; k++) {
				unsigned w = (n += 61) % WORDS;
				LONG d = done[w / 512];
				unsigned long long x = v[w];
				if (t & 1)
					MT_CHECK_EQ(x, oldv(r, w));
				else if (d)
					MT_CHECK_EQ(x, newv(r, w));
				else if (x != oldv(r, w) && x != newv(r, w))
					mt_fail("copy view word neither old nor new", x, w, 1, __FILE__, __LINE__);
			}
			if (last_pass)
				break;
			last_pass = finished;
			SwitchToThread();	/* one CPU: let the writer on */
		}
		mt_barrier(&bar, NR + 2);
	}
	return 0;
}

int main(void)
{
	struct mt_oracle o;
	mt_warm_begin(&o);
	sec = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, NP * PG, NULL);
	CHECK(sec != NULL);
	shared_view = MapViewOfFile(sec, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(shared_view != NULL);
	if (!shared_view)
		return mt_done("mt_cow");
	rounds = mt_iters(5);
	HANDLE h[NR + 1];
	h[0] = mt_start(cow_writer, NULL);
	for (unsigned t = 0; t < NR; t++)
		h[t + 1] = mt_start(cow_reader, (void *)(ULONG_PTR)t);
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned w = 0; w < WORDS; w++)
			shared_view[w] = oldv(r, w);
		cow_view = MapViewOfFile(sec, FILE_MAP_COPY, 0, 0, 0);
		CHECK(cow_view != NULL);
		if (!cow_view)
			ExitProcess(1);
		MEMORY_BASIC_INFORMATION m = query_region(cow_view);
		CHECK_EQ(m.Protect, PAGE_WRITECOPY);
		for (unsigned p = 0; p < NP; p++)
			done[p] = 0;
		writer_done = 0;
		mt_barrier(&bar, NR + 2);	/* go */
		mt_barrier(&bar, NR + 2);	/* all done */
		unsigned bad = 0;
		for (unsigned w = 0; w < WORDS; w++)
			bad += shared_view[w] != oldv(r, w) || cow_view[w] != newv(r, w);
		CHECK_EQ(bad, 0);
		m = query_region(cow_view);
		if (!mt_is_wine())	/* wine deviates: it keeps reporting PAGE_WRITECOPY (spec 13.8) */
			CHECK_EQ(m.Protect, PAGE_READWRITE);	/* every page copied */
		CHECK(UnmapViewOfFile((void *)cow_view));
	}
	mt_join_all(h, NR + 1);
	CHECK(UnmapViewOfFile(shared_view));
	CHECK(CloseHandle(sec));
	mt_oracle_end(&o, "copy on write");
	return mt_done("mt_cow");
}
