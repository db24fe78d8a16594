/*
 * tests/user/vm_ww_latch.c - spec 19.2.7 (Wine's test_write_watch, its end):
 * VirtualProtect latches the write-watch state.  A page written and then
 * re-protected stays reported by GetWriteWatch after MEM_DECOMMIT and after
 * a later recommit (which reads zero); a page only written is not (12.7);
 * a reset forgets both.  And 19.2.6: a VirtualProtect / NtProtectVirtualMemory
 * that fails on the memory stores PAGE_NOACCESS as the old protection
 * (Windows 8 and later); one whose arguments are refused leaves it alone.
 */
#include <string.h>

#include "utest.h"

#define P 0x1000ULL
#define SIZE (16 * P)
#define G_FREE_OFFSET (8 * P)	/* past a 4-page reservation, inside its granule: free */

static PVOID res[64];
static ULONG_PTR count;

/* GetWriteWatch(flags) over the whole region: its status; count and res hold the pages. */
static UINT ww(DWORD flags, void *base)
{
	DWORD gran;
	count = 64;
	memset(res, 0, sizeof res);
	return GetWriteWatch(flags, base, SIZE, res, &count, &gran);
}

/* Wine's sequence: reserve watched PAGE_NOACCESS, commit, write page 5 while writable, protect back, decommit. */
static void wine_sequence(void)
{
	DWORD old;
	char *base = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_WRITE_WATCH, PAGE_NOACCESS);
	CHECK(base != NULL);
	CHECK(VirtualAlloc(base, SIZE, MEM_COMMIT, PAGE_NOACCESS) == base);
	CHECK_EQ(ww(0, base), 0);
	CHECK_EQ(count, 0);
	CHECK(VirtualProtect(base, 6 * P, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_NOACCESS);
	base[5 * P + 200] = 3;
	CHECK(VirtualProtect(base, 6 * P, PAGE_NOACCESS, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK_EQ(ww(0, base), 0);
	CHECK(count == 1 && res[0] == base + 5 * P);
	CHECK(VirtualFree(base, SIZE, MEM_DECOMMIT));
	CHECK_EQ(ww(0, base), 0);
	CHECK(count == 1 && res[0] == base + 5 * P);	/* latched: still reported */
	/* Recommitted: reads zero, still reported; a reset forgets it. */
	CHECK(VirtualAlloc(base, SIZE, MEM_COMMIT, PAGE_READWRITE) == base);
	CHECK_EQ(base[5 * P + 200], 0);
	CHECK_EQ(ww(0, base), 0);
	CHECK(count == 1 && res[0] == base + 5 * P);
	CHECK_EQ(ww(WRITE_WATCH_FLAG_RESET, base), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(ww(0, base), 0);
	CHECK_EQ(count, 0);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
}

/* Written-only pages forget their writes with the decommit; re-protected ones do not. */
static void mixed(void)
{
	DWORD old;
	char *base = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(base != NULL);
	base[1 * P] = 1;	/* written, protected after: latched */
	base[2 * P] = 2;	/* written only */
	base[3 * P] = 3;	/* written, protected, outside the decommit */
	CHECK(VirtualProtect(base + P, P, PAGE_READONLY, &old));
	CHECK(VirtualProtect(base + 3 * P, P, PAGE_READONLY, &old));
	CHECK(VirtualProtect(base + 3 * P, P, PAGE_READWRITE, &old));
	base[7 * P] = 7;	/* written only, outside the decommit */
	CHECK_EQ(ww(0, base), 0);
	CHECK_EQ(count, 4);
	CHECK(VirtualFree(base + P, 2 * P, MEM_DECOMMIT));
	CHECK_EQ(ww(0, base), 0);
	CHECK(count == 3 && res[0] == base + P && res[1] == base + 3 * P && res[2] == base + 7 * P);
	CHECK(VirtualAlloc(base + P, 2 * P, MEM_COMMIT, PAGE_READWRITE) == base + P);
	CHECK(base[P] == 0 && base[2 * P] == 0);
	CHECK_EQ(ww(0, base), 0);
	CHECK(count == 3 && res[0] == base + P);
	/* ResetWriteWatch of the range forgets the latched page too. */
	CHECK_EQ(ResetWriteWatch(base + P, P), 0);
	CHECK_EQ(ww(0, base), 0);
	CHECK(count == 2 && res[0] == base + 3 * P && res[1] == base + 7 * P);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
}

/* 19.2.6: the old protection on failure. */
static void old_protection(void)
{
	DWORD old = 0x55;
	char *r = VirtualAlloc(NULL, 4 * P, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	CHECK_ERR(VirtualProtect(r, P, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);	/* reserved */
	CHECK_EQ(old, PAGE_NOACCESS);
	CHECK(VirtualAlloc(r, P, MEM_COMMIT, PAGE_READWRITE) == r);
	old = 0x55;
	CHECK_ERR(VirtualProtect(r, 2 * P, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);	/* not all committed */
	CHECK_EQ(old, PAGE_NOACCESS);
	old = 0x55;
	CHECK_ERR(VirtualProtect(r + G_FREE_OFFSET, P, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);	/* free */
	CHECK_EQ(old, PAGE_NOACCESS);
	/* Refused arguments leave it alone: a bad protection, an address above the user range. */
	old = 0x55;
	CHECK_ERR(VirtualProtect(r, P, 0x1234, &old), ERROR_INVALID_PARAMETER);
	CHECK_EQ(old, 0x55);
	PVOID b = (PVOID)0xffff800000000000ULL;
	SIZE_T s = P;
	ULONG o = 0x55;
	CHECK_STATUS(NtProtectVirtualMemory(GetCurrentProcess(), &b, &s, PAGE_READONLY, &o), STATUS_INVALID_PARAMETER);
	CHECK_EQ(o, 0x55);
	/* The native call on free memory: its status, and PAGE_NOACCESS. */
	b = r + G_FREE_OFFSET;
	s = P;
	o = 0x55;
	CHECK_STATUS(NtProtectVirtualMemory(GetCurrentProcess(), &b, &s, PAGE_READONLY, &o), STATUS_MEMORY_NOT_ALLOCATED);
	CHECK_EQ(o, PAGE_NOACCESS);
	/* Success still gives the page's own. */
	CHECK(VirtualProtect(r, P, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
}

int main(void)
{
	wine_sequence();
	mixed();
	old_protection();
	return utest_done("vm_ww_latch");
}
