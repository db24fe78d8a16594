/* tests/user/vm_large_pages.c - MEM_LARGE_PAGES: 2 MiB pages, committed at once, released whole. */
#include <string.h>

#include "utest.h"

#define M2 (2ULL << 20)

static MEMORY_BASIC_INFORMATION q(const void *p)
{
	MEMORY_BASIC_INFORMATION m;
	memset(&m, 0xcc, sizeof m);
	CHECK_EQ(VirtualQuery(p, &m, sizeof m), sizeof m);
	return m;
}

static void basics(void)
{
	CHECK_EQ(GetLargePageMinimum(), M2);
	unsigned long long before = utest_free_frames();
	char *p = VirtualAlloc(NULL, 2 * M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
	CHECK(p != NULL);
	CHECK_EQ((ULONG_PTR)p % M2, 0);
	/* Committed at once: every frame is taken by the call, not by touches. */
	CHECK(before - utest_free_frames() >= 2 * M2 / 4096);
	MEMORY_BASIC_INFORMATION m = q(p + 12345);
	CHECK_EQ(m.BaseAddress, p + 12288);
	CHECK_EQ(m.AllocationBase, p);
	CHECK_EQ(m.AllocationProtect, PAGE_READWRITE);
	CHECK_EQ(m.RegionSize, 2 * M2 - 12288);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	CHECK_EQ(m.Type, MEM_PRIVATE);
	/* Zeroed, writable, no fault per page. */
	unsigned long long after_alloc = utest_free_frames();
	int zero = 1;
	for (ULONG_PTR off = 0; off < 2 * M2; off += 4096)
		zero &= p[off] == 0;
	CHECK(zero);
	memset(p, 0xab, 2 * M2);
	CHECK_EQ((unsigned char)p[2 * M2 - 1], 0xab);
	CHECK_EQ(utest_free_frames(), after_alloc);
	/* Protection on whole 2 MiB pages only. */
	DWORD old;
	CHECK(VirtualProtect(p + M2, M2, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK_EQ(q(p).RegionSize, M2);
	CHECK_EQ(q(p + M2).Protect, PAGE_READONLY);
	CHECK_EQ((unsigned char)p[M2 + 5], 0xab);
	CHECK_ERR(VirtualProtect(p, 4096, PAGE_READONLY, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualProtect(p, M2, PAGE_NOACCESS, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualProtect(p, M2, PAGE_READWRITE | PAGE_GUARD, &old), ERROR_INVALID_PARAMETER);
	CHECK_EQ(q(p).Protect, PAGE_READWRITE);
	CHECK(VirtualProtect(p, 2 * M2, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK_EQ(q(p).RegionSize, 2 * M2);
	/* No partial decommit or release. */
	CHECK_ERR(VirtualFree(p, M2, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p + M2, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
	/* MEM_RESET is accepted and changes nothing. */
	CHECK_EQ(VirtualAlloc(p, M2, MEM_RESET, PAGE_READWRITE), p);
	CHECK_EQ((unsigned char)p[7], 0xab);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_EQ(q(p).State, MEM_FREE);
	CHECK_EQ(utest_free_frames(), before);
	/* At a given 2 MiB-aligned address, with TOP_DOWN, execute and write-combining. */
	char *a = VirtualAlloc((void *)0x40000000ULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
	CHECK_EQ(a, (void *)0x40000000ULL);
	CHECK_ERR(VirtualAlloc(a, M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	char *t = VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES | MEM_TOP_DOWN, PAGE_EXECUTE_READWRITE);
	CHECK(t > a);
	CHECK_EQ(q(t).Protect, PAGE_EXECUTE_READWRITE);
	t[0] = (char)0xc3;	/* ret */
	((void (*)(void))t)();
	char *w = VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE | PAGE_WRITECOMBINE);
	CHECK(w != NULL);
	w[100] = 1;
	CHECK_EQ(w[100], 1);
	CHECK_EQ(q(w).Protect, PAGE_READWRITE | PAGE_WRITECOMBINE);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK(VirtualFree(t, 0, MEM_RELEASE));
	CHECK(VirtualFree(w, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
}

static void errors(void)
{
	const DWORD LP = MEM_LARGE_PAGES;
	/* MEM_LARGE_PAGES needs MEM_RESERVE|MEM_COMMIT. */
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | LP, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_COMMIT | LP, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, M2, LP, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH | LP, PAGE_READWRITE),
		  ERROR_INVALID_PARAMETER);
	/* Size and address multiples of 2 MiB. */
	CHECK_ERR(VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT | LP, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, M2 + 4096, MEM_RESERVE | MEM_COMMIT | LP, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc((void *)0x40010000ULL, M2, MEM_RESERVE | MEM_COMMIT | LP, PAGE_READWRITE),
		  ERROR_INVALID_PARAMETER);
	CHECK_EQ(q((void *)0x40000000ULL).State, MEM_FREE);
	/* Guard and no-access large pages are refused; an invalid protection too. */
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | LP, PAGE_NOACCESS), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | LP, PAGE_READWRITE | PAGE_GUARD),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | LP, 0), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | LP, PAGE_WRITECOPY), ERROR_INVALID_PARAMETER);
	/* MEM_PHYSICAL does not combine with large pages (tests/user/vm_awe.c has the rest). */
	CHECK_ERR(VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_PHYSICAL | LP, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
}

/* Take 2 MiB pages until the system says no: the Windows error, never a panic; all come back. */
static void exhaust(void)
{
	unsigned long long before = utest_free_frames();
	static char *got[512];
	int n = 0;
	DWORD err = 0;
	for (; n < 512; n++) {
		got[n] = VirtualAlloc(NULL, M2, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
		if (!got[n]) {
			err = GetLastError();
			break;
		}
		got[n][M2 - 1] = 1;
	}
	CHECK(n > 8);
	CHECK(n < 512);
	CHECK(err == ERROR_NO_SYSTEM_RESOURCES || err == ERROR_COMMITMENT_LIMIT);
	/* An ordinary commit still works after a large-page failure. */
	char *small = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (small) {
		small[0] = 1;
		VirtualFree(small, 0, MEM_RELEASE);
	}
	for (int i = 0; i < n; i++)
		CHECK(VirtualFree(got[i], 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	basics();
	errors();
	exhaust();
	return utest_done("vm_large_pages");
}
