/*
 * tests/user/paging_stress.c - several processes paging at once: a parent
 * and three forked children share a 16 MiB named section and each writes
 * 48 MiB of its own, about three times the RAM of the -m 64M boot, while the
 * timer switches between them.  Every page is checked after it has been
 * through the pagefile, the section holds what each child wrote into its
 * quarter, and every frame and slot comes back.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define MB (1024ULL * 1024)
#define CHILDREN 3
#define OWN (48 * MB)
#define SHARED (16 * MB)

static inline unsigned long long word(unsigned long long i, unsigned long long who)
{
	unsigned long long x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ (who << 56);
	return x ^ (x >> 31);
}

/* Fill then check n words twice (the second pass reads back what paging wrote out); 0 when all is well. */
static int churn(unsigned long long *p, unsigned long long n, unsigned long long who)
{
	for (unsigned long long i = 0; i < n; i++)
		p[i] = word(i, who);
	for (int pass = 0; pass < 2; pass++)
		for (unsigned long long i = 0; i < n; i += 1 + pass * 7)
			if (p[i] != word(i, who))
				return 1;
	return 0;
}

int main(void)
{
	utest_prefault_stack(32 * 1024);
	unsigned long long before = utest_free_frames();
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SHARED, "paging_stress");
	unsigned long long *sec = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(sec != NULL);
	const unsigned long long quarter = SHARED / 8 / (CHILDREN + 1);
	pid_t pids[CHILDREN];
	for (int c = 0; c < CHILDREN; c++) {
		pids[c] = fork();
		if (pids[c] == 0) {
			unsigned long long *own = VirtualAlloc(NULL, OWN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
			if (!own)
				_exit(10);
			for (unsigned long long i = 0; i < quarter; i++)
				sec[c * quarter + i] = word(i, 100 + c);
			if (churn(own, OWN / 8, c + 1))
				_exit(11);
			for (unsigned long long i = 0; i < quarter; i++)
				if (sec[c * quarter + i] != word(i, 100 + c))
					_exit(12);
			_exit(0);
		}
		CHECK(pids[c] > 0);
	}
	/* The parent pages too, with its own quarter of the section. */
	unsigned long long *own = VirtualAlloc(NULL, OWN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(own != NULL);
	for (unsigned long long i = 0; i < quarter; i++)
		sec[CHILDREN * quarter + i] = word(i, 100 + CHILDREN);
	CHECK_EQ(churn(own, OWN / 8, 99), 0);
	struct abi_frame_stats fs;
	mm_frame_stats(&fs);
	printf("paging_stress: %llu MiB of RAM, %llu MiB paged out now\n", fs.total / 256, fs.paged_out / 256);
	if (fs.total < 128 * 256)	/* the 64 MiB boot: the parent's 48 MiB cannot all stay */
		CHECK(fs.paged_out > 0);
	for (int c = 0; c < CHILDREN; c++) {
		int status = -1;
		CHECK_EQ(waitpid(pids[c], &status, 0), pids[c]);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 0);
	}
	unsigned long long bad = 0;
	for (int c = 0; c <= CHILDREN; c++)
		for (unsigned long long i = 0; i < quarter; i++)
			bad += sec[c * quarter + i] != word(i, 100 + c);
	CHECK_EQ(bad, 0);
	CHECK(VirtualFree(own, 0, MEM_RELEASE));
	CHECK(UnmapViewOfFile(sec) && CloseHandle(h));
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("paging_stress");
}
