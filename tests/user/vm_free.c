/* tests/user/vm_free.c - spec §7: VirtualFree (release and decommit rules). */
#include <string.h>

#include "utest.h"

#define G 0x10000ULL

/* §7.9: released memory looks free in every field. */
static void check_free(const void *p)
{
	MEMORY_BASIC_INFORMATION m = query_region(p);
	CHECK_EQ(m.State, MEM_FREE);
	CHECK_EQ(m.AllocationBase, NULL);
	CHECK_EQ(m.AllocationProtect, 0);
	CHECK_EQ(m.Protect, PAGE_NOACCESS);
	CHECK_EQ(m.Type, 0);
	CHECK_EQ(m.BaseAddress, (ULONG_PTR)p & ~0xfffULL);
}

static void free_type(void)
{
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	/* §7.1: exactly MEM_DECOMMIT or MEM_RELEASE. */
	static const DWORD bad[] = { 0, MEM_FREE, MEM_DECOMMIT | MEM_RELEASE, MEM_COMMIT, MEM_RESERVE,
				     MEM_DECOMMIT | MEM_COMMIT, 0x80000000, MEM_DECOMMIT | 0x80000000,
				     MEM_DECOMMIT | MEM_TOP_DOWN, MEM_RESET, MEM_PRIVATE };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_ERR(VirtualFree(p, 0, bad[i]), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualFree(p, 0x1000, bad[i]), ERROR_INVALID_PARAMETER);
	}
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, G);
	/* §7.2: release needs size 0, even the exact size is refused. */
	CHECK_ERR(VirtualFree(p, 1, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p, 0x1000, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p, G, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p, G + 0x1000, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, G);
	/* §7.3: release names the base. */
	CHECK_ERR(VirtualFree(p + 0x1000, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + 0x8000, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + 0xF000, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, G);
	/* base+0xFFF rounds down to the base. */
	CHECK(VirtualFree(p + 0xFFF, 0, MEM_RELEASE));
	check_free(p);
	check_free(p + 0x8000);
	/* §7.4: double release, decommit of freed memory. */
	CHECK_ERR(VirtualFree(p, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p, 0, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p, 0x1000, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + 0x3000, 0x1000, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	/* Never-allocated low memory. */
	CHECK_ERR(VirtualFree((void *)0x20000000000ULL, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree((void *)0x20000000000ULL, 0x1000, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
}

static void granule_tail(void)
{
	/* §4.3 / §7.4: the tail of a granule after a short reservation is not allocated. */
	char *p = VirtualAlloc(NULL, 0x3000, MEM_RESERVE, PAGE_READWRITE);
	CHECK(p != NULL);
	check_free(p + 0x3000);
	CHECK_ERR(VirtualFree(p + 0x3000, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + 0x8000, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + 0x3000, 0x1000, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + 0x3000, 0, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	/* §7.8: decommit running past the end of the reservation. */
	CHECK_ERR(VirtualFree(p, 0x4000, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p + 0x2fff, 2, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p + 0x1000, G, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_REGION(p, MEM_RESERVE, 0, 0x3000);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	check_free(p);
}

static void release_mixed(void)
{
	/* §7.5: release frees a mix of reserved, committed and protected pages. */
	unsigned long long before = 0;
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			before = utest_free_frames();
		char *p = VirtualAlloc(NULL, 4 * G, MEM_RESERVE, PAGE_READWRITE);
		CHECK(p != NULL);
		CHECK_EQ(VirtualAlloc(p + 0x3000, 0x5000, MEM_COMMIT, PAGE_READWRITE), p + 0x3000);
		CHECK_EQ(VirtualAlloc(p + G, 0x2000, MEM_COMMIT, PAGE_READONLY), p + G);
		CHECK_EQ(VirtualAlloc(p + 3 * G, G, MEM_COMMIT, PAGE_READWRITE), p + 3 * G);
		DWORD old;
		CHECK(VirtualProtect(p + 3 * G + 0x1000, 0x1000, PAGE_NOACCESS, &old));
		CHECK_EQ(old, PAGE_READWRITE);
		memset(p + 0x3000, 1, 0x5000);
		p[3 * G] = 1;
		p[3 * G + 0x2000] = 1;
		CHECK_EQ(p[G], 0);
		CHECK(VirtualFree(p, 0, MEM_RELEASE));
		for (int i = 0; i < 4; i++)
			check_free(p + i * G);
		if (round == 1)
			CHECK_EQ(utest_free_frames(), before);
	}
}

static void decommit(void)
{
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	memset(p, 0x5a, G);
	/* §4.4: a 2-byte range straddling a boundary decommits two pages. */
	CHECK(VirtualFree(p + 0x1fff, 2, MEM_DECOMMIT));
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, 0x1000);
	CHECK_REGION(p + 0x1000, MEM_RESERVE, 0, 0x2000);
	CHECK_REGION(p + 0x3000, MEM_COMMIT, PAGE_READWRITE, 0xD000);
	MEMORY_BASIC_INFORMATION m = query_region(p + 0x1000);
	CHECK_EQ(m.AllocationBase, p);
	CHECK_EQ(m.AllocationProtect, PAGE_READWRITE);
	CHECK_EQ(m.Type, MEM_PRIVATE);
	/* One byte decommits a page. */
	CHECK(VirtualFree(p + 0x5432, 1, MEM_DECOMMIT));
	CHECK_REGION(p + 0x3000, MEM_COMMIT, PAGE_READWRITE, 0x2000);
	CHECK_REGION(p + 0x5000, MEM_RESERVE, 0, 0x1000);
	CHECK_REGION(p + 0x6000, MEM_COMMIT, PAGE_READWRITE, 0xA000);
	CHECK_EQ((unsigned char)p[0x4fff], 0x5a);
	CHECK_EQ((unsigned char)p[0x6000], 0x5a);
	/* §7.7: a range mixing reserved and committed pages is fine, also all-reserved. */
	CHECK(VirtualFree(p + 0x1000, 0x5000, MEM_DECOMMIT));
	CHECK_REGION(p + 0x1000, MEM_RESERVE, 0, 0x5000);
	CHECK(VirtualFree(p + 0x1000, 0x5000, MEM_DECOMMIT));
	CHECK_REGION(p + 0x1000, MEM_RESERVE, 0, 0x5000);
	/* The page before it kept its data. */
	CHECK_EQ((unsigned char)p[0xfff], 0x5a);
	/* §7.6: size 0 decommits the whole reservation, only at the base. */
	CHECK_ERR(VirtualFree(p + 0x1000, 0, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + 0x8000, 0, MEM_DECOMMIT), ERROR_INVALID_ADDRESS);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, 0x1000);
	CHECK(VirtualFree(p + 0xFFE, 0, MEM_DECOMMIT));
	CHECK_REGION(p, MEM_RESERVE, 0, G);
	CHECK_EQ(query_region(p).AllocationProtect, PAGE_READWRITE);
	CHECK(VirtualFree(p, 0, MEM_DECOMMIT));	/* already reserved: still fine */
	CHECK_REGION(p, MEM_RESERVE, 0, G);
	/* Recommit: zero. */
	CHECK_EQ(VirtualAlloc(p, G, MEM_COMMIT, PAGE_READWRITE), p);
	int zero = 1;
	for (SIZE_T i = 0; i < G; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	/* §7.8: decommit off the end. */
	CHECK_ERR(VirtualFree(p + 0xF000, 0x2000, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p, G + 1, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, G);
	/* Exactly to the end is fine. */
	CHECK(VirtualFree(p + 0xF000, 0x1000, MEM_DECOMMIT));
	CHECK_REGION(p + 0xF000, MEM_RESERVE, 0, 0x1000);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	check_free(p);
}

static void adjacent(void)
{
	/* Decommit spanning two adjacent reservations runs off the first one's end. */
	char *a = VirtualAlloc(NULL, 2 * G, MEM_RESERVE, PAGE_READWRITE);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK_EQ(VirtualAlloc(a, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), a);
	CHECK_EQ(VirtualAlloc(a + G, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), a + G);
	CHECK_ERR(VirtualFree(a + 0xF000, 0x2000, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_REGION(a, MEM_COMMIT, PAGE_READWRITE, G);
	CHECK_REGION(a + G, MEM_COMMIT, PAGE_READWRITE, G);
	/* Releasing one leaves the other intact. */
	a[G] = 3;
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	check_free(a);
	CHECK_REGION(a + G, MEM_COMMIT, PAGE_READWRITE, G);
	CHECK_EQ(a[G], 3);
	CHECK_ERR(VirtualFree(a + G + 0x1000, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	CHECK(VirtualFree(a + G, 0, MEM_RELEASE));
	check_free(a + G);
}

static void bad_ranges(void)
{
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	/* Sizes that wrap or leave the user range. */
	CHECK_ERR(VirtualFree(p, (SIZE_T)-1, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p, (SIZE_T)-1, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree((void *)0x7FFFFFFF0000ULL, 0x1000, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree((void *)0xFFFF800000000000ULL, 0, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, G);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

int main(void)
{
	free_type();
	granule_tail();
	release_mixed();
	decommit();
	adjacent();
	bad_ranges();
	return utest_done("vm_free");
}
