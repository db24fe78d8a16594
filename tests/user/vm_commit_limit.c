/*
 * tests/user/vm_commit_limit.c - commit charge: a commit beyond the system
 * commit limit fails with ERROR_COMMITMENT_LIMIT (1455) and changes nothing;
 * reserving needs no charge; committed memory can always be touched; decommit
 * and release give the frames back.
 */
#include "utest.h"

int main(void)
{
	utest_prefault_stack(16 * 1024);
	unsigned long long frames = utest_free_frames();
	/* 4 GiB is far beyond what this 512 MiB machine can commit, but reserving it is free. */
	SIZE_T big = 4ULL << 30;
	char *r = VirtualAlloc(NULL, big, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	CHECK_ERR(VirtualAlloc(r, big, MEM_COMMIT, PAGE_READWRITE), ERROR_COMMITMENT_LIMIT);
	MEMORY_BASIC_INFORMATION m;
	CHECK_EQ(VirtualQuery(r, &m, sizeof(m)), sizeof(m));
	CHECK_EQ(m.State, MEM_RESERVE);	/* nothing was committed */
	CHECK_EQ(m.RegionSize, big);
	/* Reserve+commit of 64 TiB at once: refused with 1455 (or 8, see the spec), nothing reserved. */
	SetLastError(0);
	void *huge = VirtualAlloc(NULL, 64ULL << 40, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(huge == NULL);
	CHECK(GetLastError() == ERROR_COMMITMENT_LIMIT || GetLastError() == ERROR_NOT_ENOUGH_MEMORY);

	/* 64 MiB inside the reservation (a quarter of the free memory on a small machine):
	 * commit, touch every page, check, decommit. */
	SIZE_T part = 64 << 20;
	if (part > frames * 4096 / 4)
		part = frames * 4096 / 4 & ~0xffffULL;
	CHECK(VirtualAlloc(r + (1 << 30), part, MEM_COMMIT, PAGE_READWRITE) == r + (1 << 30));
	char *p = r + (1 << 30);
	for (SIZE_T i = 0; i < part; i += 4096)
		p[i] = (char)(i >> 12);
	int bad = 0;
	for (SIZE_T i = 0; i < part; i += 4096)
		bad += p[i] != (char)(i >> 12);
	CHECK_EQ(bad, 0);
	CHECK_EQ(frames - utest_free_frames() >= part / 4096, 1);
	CHECK(VirtualFree(p, part, MEM_DECOMMIT));
	CHECK_EQ(VirtualQuery(p, &m, sizeof(m)), sizeof(m));
	CHECK_EQ(m.State, MEM_RESERVE);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("vm_commit_limit");
}
