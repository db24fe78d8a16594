/*
 * tests/user/oom_pagetables.c - page tables at the limit: one committed page
 * every 2 MiB of a huge reservation needs a page-table page per page, which
 * is kernel memory the pagefile cannot take.  In the -m 64M boot the loop
 * runs until memory for page tables runs out: the touch then fails cleanly
 * (the commit is refused, or the access raises STATUS_NO_MEMORY in the
 * process), nothing else breaks, and releasing the reservation gives every
 * frame back.  In the bigger boot a shorter run checks the same accounting.
 */
#include "utest.h"

#define MB (1024ULL * 1024)
#define GB (1024 * MB)
#define STEP (2 * MB)

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
	mm_frame_stats(&fs);
	printf("oom_pagetables: %llu pages touched, one per 2 MiB (%llu page-table pages); stopped by %s %#x\n", n,
	       fs.pagetable, err ? "error" : code ? "exception" : "the loop's end", err ? (unsigned)err : code);
	if (small) {
		CHECK(err || code);	/* memory for page tables ran out before 64 GiB */
		CHECK(err == ERROR_COMMITMENT_LIMIT || err == ERROR_NOT_ENOUGH_MEMORY || code == 0xC0000017u);
	} else {
		CHECK(!err && !code && n == limit);
	}
	/* Everything still works: the pages written read back, and the release returns every frame. */
	unsigned long long bad = 0;
	for (unsigned long long i = 0; i < n; i += 97)
		bad += r[i * STEP] != 1;
	CHECK_EQ(bad, 0);
	CHECK(VirtualQuery(r, &m, sizeof m) == sizeof m && m.State == MEM_COMMIT);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("oom_pagetables");
}
