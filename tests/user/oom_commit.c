/*
 * tests/user/oom_commit.c - out of memory, cleanly: commit 1 MiB blocks until
 * the commit limit refuses (ERROR_COMMITMENT_LIMIT, nothing changed), then
 * commit page by page to the exact limit; write every committed page and read
 * every one back (committed memory can always be accessed: with the pagefile
 * full, reading pages back keeps slots in the swap cache, which the evictor
 * must give back for the dirty pages), then free everything: every frame
 * comes back.
 */
#include "utest.h"

#define BLOCK (1 << 20)
#define MAX_BLOCKS 1024

static char *blocks[MAX_BLOCKS];

int main(void)
{
	utest_prefault_stack(16 * 1024);
	unsigned long long frames = utest_free_frames();
	int n = 0;
	DWORD err = 0;
	while (n < MAX_BLOCKS) {
		SetLastError(0);
		blocks[n] = VirtualAlloc(NULL, BLOCK, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!blocks[n]) {
			err = GetLastError();
			break;
		}
		n++;
	}
	CHECK(n > 0 && n < MAX_BLOCKS);
	CHECK_EQ(err, ERROR_COMMITMENT_LIMIT);
	/* Near the limit a reservation alone still works; commit what is left of the limit page by page. */
	char *r = VirtualAlloc(NULL, BLOCK, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	int pages = 0;
	while (pages < BLOCK / 4096 && VirtualAlloc(r + pages * 4096, 4096, MEM_COMMIT, PAGE_READWRITE))
		pages++;
	CHECK(pages < BLOCK / 4096);	/* a whole block did not fit, so neither do its pages */
	CHECK_ERR(VirtualAlloc(r + pages * 4096, 4096, MEM_COMMIT, PAGE_READWRITE), ERROR_COMMITMENT_LIMIT);
	CHECK_EQ(query_region(r + pages * 4096).State, MEM_RESERVE);	/* the refused commit changed nothing */
	for (int i = 0; i < pages; i++)
		r[i * 4096] = (char)(i + 1);
	/* Every committed page can be written, and read back. */
	unsigned long long touched = 0;
	for (int b = 0; b < n; b++)
		for (int off = 0; off < BLOCK; off += 4096) {
			*(volatile int *)(blocks[b] + off) = b * 256 + off / 4096;
			touched++;
		}
	int bad = 0;
	for (int b = 0; b < n; b++)
		for (int off = 0; off < BLOCK; off += 4096)
			bad += *(volatile int *)(blocks[b] + off) != b * 256 + off / 4096;
	for (int i = 0; i < pages; i++)
		bad += r[i * 4096] != (char)(i + 1);
	CHECK_EQ(bad, 0);
	printf("oom_commit: %d MiB and %d pages committed to the exact limit, %llu pages written and read back\n", n,
	       pages, touched + pages);
	for (int b = 0; b < n; b++)
		CHECK(VirtualFree(blocks[b], 0, MEM_RELEASE));
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	/* Freed: committing works again. */
	char *again = VirtualAlloc(NULL, BLOCK, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(again != NULL);
	CHECK(VirtualFree(again, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("oom_commit");
}
