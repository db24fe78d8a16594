/*
 * tests/user/oom_pagetables.c - page tables at the limit: one committed page
 * every 2 MiB of a huge reservation needs a page-table page per page, which
 * is kernel memory the pagefile cannot take.  Commits charge the tables
 * they need (mm/ptcharge.h), so in the -m 64M boot the loop runs until the
 * commit is refused with ERROR_COMMITMENT_LIMIT at VirtualAlloc (the
 * page-table limit, half of RAM), never with an exception on a committed
 * page: every committed page is written and read back, the refused commit
 * changed nothing, the commit charge rose by exactly the pages and their
 * tables, and releasing the reservation gives every frame and every page
 * of commit back.  In the bigger boot a shorter run checks the same
 * accounting.
 */
#include "utest.h"

#define MB (1024ULL * 1024)
#define GB (1024 * MB)
#define STEP (2 * MB)

static unsigned long long charged(void)
{
	struct abi_memory_status m;
	CHECK_STATUS(mm_memory_status(&m), 0);
	return m.commit_charged;
}

int main(void)
{
	utest_probe_init();
	utest_prefault_stack(16 * 1024);
	MEMORY_BASIC_INFORMATION m;
	struct abi_frame_stats fs;
	mm_frame_stats(&fs);
	int small = fs.total < 128 * 256;
	unsigned long long frames = utest_free_frames();
	const unsigned long long span = 64 * GB;
	char *r = VirtualAlloc(NULL, span, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	unsigned long long before = charged();
	unsigned long long n = 0, limit = small ? span / STEP : 2000;
	DWORD err = 0;
	unsigned code = 0;
	for (; n < limit; n++) {
		char *p = r + n * STEP;
		if (!VirtualAlloc(p, 4096, MEM_COMMIT, PAGE_READWRITE)) {
			err = GetLastError();
			break;
		}
		code = utest_probe_write(p, 1);
		if (code)
			break;
	}
	unsigned long long after = charged();
	mm_frame_stats(&fs);
	printf("oom_pagetables: %llu pages touched, one per 2 MiB (%llu page-table pages, commit +%llu pages); stopped by "
	       "%s %#x\n",
	       n, fs.pagetable, after - before, err ? "error" : code ? "exception" : "the loop's end",
	       err ? (unsigned)err : code);
	CHECK_EQ(code, 0);	/* a committed page never fails */
	if (small)
		CHECK_EQ(err, ERROR_COMMITMENT_LIMIT);	/* the tables ran out before 64 GiB: the commit says so */
	else
		CHECK(!err && n == limit);
	/*
	 * Each page charged itself and its page table, each GiB it reached its
	 * page directory; the first 2 MiB and GiB may have been charged already
	 * (the reservation starts next to the program's image), and a PDPT may
	 * come on top.
	 */
	unsigned long long gibs = n ? (((uintptr_t)r + (n - 1) * STEP) >> 30) - ((uintptr_t)r >> 30) + 1 : 0;
	CHECK(n == 0 || (after - before >= 2 * n + gibs - 2 && after - before <= 2 * n + gibs + 1));
	if (err) {	/* the refused commit changed nothing */
		CHECK(VirtualQuery(r + n * STEP, &m, sizeof m) == sizeof m && m.State == MEM_RESERVE);
		CHECK(utest_probe_write(r + n * STEP, 1) == 0xC0000005u);
	}
	/* Every committed page: read back what was written, write again, read again. */
	unsigned long long bad = 0;
	for (unsigned long long i = 0; i < n; i++)
		bad += r[i * STEP] != 1;
	for (unsigned long long i = 0; i < n; i++)
		r[i * STEP + 4095] = (char)i;
	for (unsigned long long i = 0; i < n; i++)
		bad += r[i * STEP + 4095] != (char)i || r[i * STEP] != 1;
	CHECK_EQ(bad, 0);
	CHECK(VirtualQuery(r, &m, sizeof m) == sizeof m && m.State == MEM_COMMIT);
	unsigned long long held = charged();	/* printf may have grown the heap since */
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	CHECK_EQ(held - charged(), after - before);	/* the pages and their tables, to the page */
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("oom_pagetables");
}
