/*
 * tests/user/commit_full.c - committed memory can always be accessed, even at
 * the exact commit limit: commit everything the limit has left (one page
 * more is refused), write a distinct value to every page, read every page
 * back (most come in from the pagefile), write them all again, then free:
 * every frame comes back (the runner checks the pagefile slots).
 */
#include "utest.h"

#define PG 4096ULL

/* Pages the system commit limit has left now. */
static unsigned long long commit_left(void)
{
	struct abi_memory_status ms;
	CHECK_STATUS(mm_memory_status(&ms), 0);
	return ms.commit_limit - ms.commit_charged;
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	unsigned long long frames = utest_free_frames();
	/* Reserve first (costs no commit), then commit exactly what is left. */
	SIZE_T span = 4ULL << 30;
	char *r = VirtualAlloc(NULL, span, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	unsigned long long pages = commit_left();
	CHECK(pages > 0 && pages * PG < span);
	CHECK(VirtualAlloc(r, pages * PG, MEM_COMMIT, PAGE_READWRITE) == r);
	CHECK_EQ(commit_left(), 0);
	CHECK_ERR(VirtualAlloc(r + pages * PG, PG, MEM_COMMIT, PAGE_READWRITE), ERROR_COMMITMENT_LIMIT);
	for (int round = 0; round < 2; round++) {
		for (unsigned long long i = 0; i < pages; i++)
			*(volatile unsigned long long *)(r + i * PG) = i * 2654435761ULL + round;
		unsigned long long bad = 0;
		for (unsigned long long i = 0; i < pages; i++)
			bad += *(volatile unsigned long long *)(r + i * PG) != i * 2654435761ULL + round;
		CHECK_EQ(bad, 0);
		/* Backwards too: the clock's order is not the access order. */
		for (unsigned long long i = pages; i-- > 0;)
			bad += *(volatile unsigned long long *)(r + i * PG + 8) != 0;
		CHECK_EQ(bad, 0);
	}
	printf("commit_full: %llu MiB committed to the limit, every page written and read twice\n", pages >> 8);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("commit_full");
}
