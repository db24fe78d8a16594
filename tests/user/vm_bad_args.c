/* tests/user/vm_bad_args.c - spec §6.1 (and §3.2, §3.6, §9, §13.1): VirtualAlloc argument errors. */
#include <string.h>

#include "utest.h"

#define G 0x10000ULL
#define USER_END 0x7FFFFFFF0000ULL

/* A free granule-aligned address with room for 4 granules. */
static char *free_area(void)
{
	char *p = VirtualAlloc(NULL, 4 * G, MEM_RESERVE, PAGE_NOACCESS);
	CHECK(p != NULL);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	return p;
}

static void sizes(char *area)
{
	/* dwSize == 0 -> 87 for every type, NULL or explicit address. */
	static const DWORD types[] = { MEM_RESERVE, MEM_COMMIT, MEM_RESERVE | MEM_COMMIT,
				       MEM_RESERVE | MEM_TOP_DOWN };
	for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++) {
		CHECK_ERR(VirtualAlloc(NULL, 0, types[i], PAGE_READWRITE), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(area, 0, types[i], PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	}
	/* Sizes that wrap or exceed the user range -> 87. */
	static const SIZE_T huge[] = { (SIZE_T)-1, (SIZE_T)-0x1000, 0x800000000000ULL, USER_END + 1 };
	for (unsigned i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		CHECK_ERR(VirtualAlloc(NULL, huge[i], MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(area, huge[i], MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(area, huge[i], MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
			  ERROR_INVALID_PARAMETER);
	}
	/* A commit larger than the commit limit: 8 or 1455 (§18 open point). */
	SetLastError(0);
	void *p = VirtualAlloc(NULL, 0x400000000000ULL, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	DWORD e = GetLastError();
	CHECK(p == NULL);
	CHECK(e == ERROR_NOT_ENOUGH_MEMORY || e == ERROR_COMMITMENT_LIMIT);
	/* Reserving it is fine (address space, no commit); committing it is not. */
	char *r = VirtualAlloc(NULL, 0x400000000000ULL, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	if (r) {
		SetLastError(0);
		p = VirtualAlloc(r, 0x400000000000ULL, MEM_COMMIT, PAGE_READWRITE);
		e = GetLastError();
		CHECK(p == NULL);
		CHECK(e == ERROR_NOT_ENOUGH_MEMORY || e == ERROR_COMMITMENT_LIMIT);
		MEMORY_BASIC_INFORMATION m = query_region(r);
		CHECK_EQ(m.State, MEM_RESERVE);
		CHECK_EQ(m.RegionSize, 0x400000000000ULL);
		CHECK(VirtualFree(r, 0, MEM_RELEASE));
	}
	CHECK_EQ(query_region(area).State, MEM_FREE);
}

static void types(char *area)
{
	/* None of MEM_COMMIT / MEM_RESERVE / MEM_RESET -> 87. */
	static const DWORD bad[] = {
		0, MEM_TOP_DOWN, MEM_WRITE_WATCH, MEM_TOP_DOWN | MEM_WRITE_WATCH, MEM_DECOMMIT, MEM_RELEASE,
		MEM_FREE, MEM_PRIVATE, MEM_MAPPED, MEM_PHYSICAL, MEM_LARGE_PAGES,
		/* undefined bits and AT_ROUND_TO_PAGE */
		MEM_RESERVE | 0x80000000, MEM_COMMIT | 0x80000000, MEM_RESERVE | 0x40000000,
		MEM_RESERVE | MEM_COMMIT | 0x40000000, MEM_RESERVE | 0x1, MEM_RESERVE | 0x800, MEM_COMMIT | 0x10,
		MEM_RESERVE | MEM_DECOMMIT, MEM_COMMIT | MEM_RELEASE, MEM_RESERVE | MEM_FREE, MEM_RESERVE | MEM_PRIVATE,
		MEM_RESERVE | MEM_MAPPED,
		/* MEM_RESET with anything else */
		MEM_RESET | MEM_COMMIT, MEM_RESET | MEM_RESERVE, MEM_RESET | MEM_RESERVE | MEM_COMMIT,
		MEM_RESET | MEM_TOP_DOWN,
		/* MEM_WRITE_WATCH without MEM_RESERVE */
		MEM_WRITE_WATCH | MEM_COMMIT,
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_ERR(VirtualAlloc(NULL, 0x1000, bad[i], PAGE_READWRITE), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(area, 0x1000, bad[i], PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	}
	CHECK_EQ(query_region(area).State, MEM_FREE);
	/* Not valid here (MEM_LARGE_PAGES with 64 KiB, MEM_PHYSICAL with commit): they only must fail. */
	char *r = VirtualAlloc(area, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK_EQ(r, area);
	static const DWORD unimpl[] = { MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, MEM_RESERVE | MEM_COMMIT | MEM_PHYSICAL };
	for (unsigned i = 0; i < sizeof unimpl / sizeof unimpl[0]; i++) {
		SetLastError(0);
		CHECK(VirtualAlloc(NULL, G, unimpl[i], PAGE_READWRITE) == NULL);
		CHECK(GetLastError() != 0);
		SetLastError(0);
		CHECK(VirtualAlloc(area + G, G, unimpl[i], PAGE_READWRITE) == NULL);
		CHECK(GetLastError() != 0);
		CHECK_EQ(query_region(area + G).State, MEM_FREE);
	}
	/* MEM_RESET (issue 7, tests/user/vm_reset.c) keeps the state. */
	CHECK_EQ(VirtualAlloc(r, 0x1000, MEM_RESET, PAGE_READWRITE), r);
	CHECK_EQ(query_region(r).State, MEM_COMMIT);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	/* MEM_TOP_DOWN with a fixed address is allowed (only a placement hint). */
	r = VirtualAlloc(area, 0x1000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
	CHECK_EQ(r, area);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
}

static void protections(char *area)
{
	/* §9.1: zero or several base bits; §9.2-9.4 modifier combinations; §13.1 write-copy. */
	static const DWORD bad[] = {
		0, 0x03, 0x05, 0x06, 0x09, 0x0c, 0x12, 0x14, 0x22, 0x24, 0x30, 0x41, 0x50, 0x60, 0x81, 0xff,
		PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY, PAGE_WRITECOPY | PAGE_GUARD, PAGE_EXECUTE_WRITECOPY | PAGE_NOCACHE,
		PAGE_GUARD, PAGE_NOCACHE, PAGE_WRITECOMBINE, PAGE_GUARD | PAGE_NOCACHE,
		PAGE_NOACCESS | PAGE_GUARD, PAGE_NOACCESS | PAGE_NOCACHE, PAGE_NOACCESS | PAGE_WRITECOMBINE,
		PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE, PAGE_READONLY | PAGE_GUARD | PAGE_WRITECOMBINE,
		PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE, PAGE_EXECUTE_READ | PAGE_NOCACHE | PAGE_WRITECOMBINE,
		PAGE_READWRITE | 0x800, PAGE_READWRITE | 0x1000, PAGE_READONLY | 0x10000, PAGE_READWRITE | 0x80000000,
	};
	char *res = VirtualAlloc(area + G, G, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(res, area + G);
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_ERR(VirtualAlloc(NULL, 0x1000, MEM_RESERVE, bad[i]), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, bad[i]), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, bad[i]), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(area, 0x1000, MEM_RESERVE, bad[i]), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc(res + 0x1000, 0x1000, MEM_COMMIT, bad[i]), ERROR_INVALID_PARAMETER);
	}
	CHECK_EQ(query_region(area).State, MEM_FREE);
	CHECK_EQ(query_region(res).State, MEM_RESERVE);
	CHECK_EQ(query_region(res).RegionSize, G);
	/* The valid ones, with and without modifiers. */
	static const DWORD good[] = {
		PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE,
		PAGE_READONLY | PAGE_GUARD, PAGE_READWRITE | PAGE_GUARD, PAGE_EXECUTE | PAGE_GUARD,
		PAGE_EXECUTE_READ | PAGE_GUARD, PAGE_EXECUTE_READWRITE | PAGE_GUARD,
		PAGE_READONLY | PAGE_NOCACHE, PAGE_READWRITE | PAGE_NOCACHE, PAGE_EXECUTE_READWRITE | PAGE_NOCACHE,
	};
	for (unsigned i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, good[i]);
		CHECK(p != NULL);
		if (!p)
			continue;
		MEMORY_BASIC_INFORMATION m = query_region(p);
		CHECK_EQ(m.Protect, good[i]);
		CHECK_EQ(m.AllocationProtect, good[i]);
		CHECK(VirtualFree(p, 0, MEM_RELEASE));
		p = VirtualAlloc(res, 0x1000, MEM_COMMIT, good[i]);
		CHECK_EQ(p, res);
		CHECK(VirtualFree(res, 0x1000, MEM_DECOMMIT));
	}
	/* WRITECOMBINE is accepted on private memory (its reporting is unverified, §16). */
	char *wc = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_WRITECOMBINE);
	CHECK(wc != NULL);
	wc[0] = 1;
	CHECK_EQ(wc[0], 1);
	CHECK(VirtualFree(wc, 0, MEM_RELEASE));
	CHECK(VirtualFree(res, 0, MEM_RELEASE));
}

static void addresses(void)
{
	/* §3.2: below 0x10000 -> 87. */
	static const ULONG_PTR low[] = { 0x1, 0x1000, 0x8000, 0xF000, 0xFFFF };
	for (unsigned i = 0; i < sizeof low / sizeof low[0]; i++) {
		CHECK_ERR(VirtualAlloc((void *)low[i], 0x1000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc((void *)low[i], 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
			  ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc((void *)low[i], 0x1000, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	}
	/* §3.6: above the user limit, or running past it -> 87. */
	static const ULONG_PTR high[][2] = {
		{ USER_END, 0x1000 }, { USER_END + G, 0x1000 }, { 0x800000000000ULL, 0x1000 },
		{ 0xFFFF800000000000ULL, 0x1000 }, { 0x7FFFFFFE0000ULL, 0x20000 }, { 0x7FFFFFFEF000ULL, 0x2000 },
		{ 0x7FFF00000000ULL, 0x100000000ULL }, { 0x10000, (SIZE_T)-0x10000 },
	};
	for (unsigned i = 0; i < sizeof high / sizeof high[0]; i++) {
		CHECK_ERR(VirtualAlloc((void *)high[i][0], high[i][1], MEM_RESERVE, PAGE_READWRITE),
			  ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc((void *)high[i][0], high[i][1], MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
			  ERROR_INVALID_PARAMETER);
		CHECK_ERR(VirtualAlloc((void *)high[i][0], high[i][1], MEM_COMMIT, PAGE_READWRITE),
			  ERROR_INVALID_PARAMETER);
	}
	/* 0x10000 itself is allowed if free. */
	MEMORY_BASIC_INFORMATION m = query_region((void *)0x10000);
	if (m.State == MEM_FREE && m.RegionSize >= 0x1000) {
		char *p = VirtualAlloc((void *)0x10000, 0x1000, MEM_RESERVE, PAGE_READWRITE);
		CHECK_EQ(p, 0x10000);
		CHECK(VirtualFree(p, 0, MEM_RELEASE));
	}
	/* Argument errors win over address conflicts: size 0 on an occupied address is 87. */
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE, PAGE_READWRITE);
	CHECK_ERR(VirtualAlloc(p, 0, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, 0x1000, MEM_RESERVE, 0), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, 0x1000, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(p, 0x1000, MEM_COMMIT, PAGE_WRITECOPY), ERROR_INVALID_PARAMETER);
	CHECK_EQ(query_region(p).State, MEM_RESERVE);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

int main(void)
{
	char *area = free_area();
	unsigned long long before = utest_free_frames();
	sizes(area);
	types(area);
	protections(area);
	addresses();
	/* Failed calls leave nothing behind. */
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("vm_bad_args");
}
