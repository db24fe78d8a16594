/* tests/user/vm_reset.c - spec §6.3: MEM_RESET and MEM_RESET_UNDO. */
#include <string.h>

#include "utest.h"

#define P 0x1000ULL
#define G 0x10000ULL

static MEMORY_BASIC_INFORMATION q(const void *p)
{
	MEMORY_BASIC_INFORMATION m;
	memset(&m, 0xcc, sizeof m);
	CHECK_EQ(VirtualQuery(p, &m, sizeof m), sizeof m);
	return m;
}

static void basics(void)
{
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	memset(p, 0x5a, G);
	/* §6.3.1: page-rounded start returned; flProtect ignored; state and protection kept. */
	CHECK_EQ(VirtualAlloc(p + 0x1234, 0x2000, MEM_RESET, PAGE_NOACCESS), p + P);
	MEMORY_BASIC_INFORMATION m = q(p);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	CHECK_EQ(m.RegionSize, G);
	/* §6.3.2: contents are old or zero; memory stays accessible.  Here (no pressure) old. */
	CHECK_EQ((unsigned char)p[P], 0x5a);
	CHECK_EQ((unsigned char)p[3 * P + 5], 0x5a);
	p[P] = 1;
	CHECK_EQ(p[P], 1);
	/* MEM_RESET_UNDO: frames were not reclaimed, the data is intact. */
	CHECK_EQ(VirtualAlloc(p + P, 3 * P, MEM_RESET_UNDO, PAGE_READWRITE), p + P);
	CHECK_EQ((unsigned char)p[2 * P], 0x5a);
	CHECK_EQ(p[P], 1);
	/* Undo of never-reset memory succeeds too. */
	CHECK_EQ(VirtualAlloc(p, G, MEM_RESET_UNDO, PAGE_READWRITE), p);
	/* The whole region, a 1-byte range, the last page. */
	CHECK_EQ(VirtualAlloc(p, G, MEM_RESET, PAGE_READWRITE), p);
	CHECK_EQ(VirtualAlloc(p + G - 1, 1, MEM_RESET, PAGE_READWRITE), p + G - P);
	CHECK_EQ(q(p).RegionSize, G);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void reserved_and_protected(void)
{
	/* §6.3.1: reserved pages are accepted and stay reserved. */
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(VirtualAlloc(p, P, MEM_COMMIT, PAGE_READWRITE), p);
	CHECK_EQ(VirtualAlloc(p, G, MEM_RESET, PAGE_READWRITE), p);
	MEMORY_BASIC_INFORMATION m = q(p + P);
	CHECK_EQ(m.State, MEM_RESERVE);
	CHECK_EQ(m.RegionSize, 0xF000);
	CHECK_EQ(m.Protect, 0);
	CHECK_EQ(q(p).State, MEM_COMMIT);
	CHECK_EQ(VirtualAlloc(p + P, P, MEM_RESET, PAGE_NOACCESS), p + P);
	CHECK_EQ(q(p + P).State, MEM_RESERVE);
	/* Protection kept on NOACCESS / READONLY / guard pages. */
	DWORD old;
	CHECK_EQ(VirtualAlloc(p + P, 3 * P, MEM_COMMIT, PAGE_READWRITE), p + P);
	memset(p + P, 7, 3 * P);
	CHECK(VirtualProtect(p + P, P, PAGE_READONLY, &old));
	CHECK(VirtualProtect(p + 2 * P, P, PAGE_NOACCESS, &old));
	CHECK(VirtualProtect(p + 3 * P, P, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK_EQ(VirtualAlloc(p, 4 * P, MEM_RESET, PAGE_EXECUTE_READWRITE), p);
	CHECK_EQ(q(p + P).Protect, PAGE_READONLY);
	CHECK_EQ(q(p + 2 * P).Protect, PAGE_NOACCESS);
	CHECK_EQ(q(p + 3 * P).Protect, PAGE_READWRITE | PAGE_GUARD);
	CHECK_EQ(p[P], 7);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void errors(void)
{
	char *p = VirtualAlloc(NULL, 0x3000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	p[0] = 3;
	/* §6.1: exclusive flag. */
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET | MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET | MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET | MEM_TOP_DOWN, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET | MEM_RESET_UNDO, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET_UNDO | MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET | MEM_WRITE_WATCH, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	/* size 0, an invalid protection, NULL or low address. */
	CHECK_ERR(VirtualAlloc(p, 0, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET, 0), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET, PAGE_READONLY | PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, P, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc((void *)0x1000, P, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, (SIZE_T)-1, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	/* §6.3.3: crossing the end of the reservation, free memory: 487. */
	CHECK_ERR(VirtualAlloc(p + 0x2000, 0x2000, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(p, 0x3001, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(p + 0x3000, P, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc(p + 0x3000, P, MEM_RESET_UNDO, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualAlloc((void *)0x20000000000ULL, P, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_EQ(p[0], 3);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_ERR(VirtualAlloc(p, P, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
}

static void decommit_and_watch(void)
{
	/* Reset, decommit, recommit: zero, undo fine. */
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(p != NULL);
	memset(p, 1, 4 * P);
	/* A write before the reset stays recorded by write watch; the reset is not a write. */
	CHECK_EQ(VirtualAlloc(p, 4 * P, MEM_RESET, PAGE_READWRITE), p);
	PVOID a[16];
	ULONG_PTR n = 16;
	DWORD g;
	CHECK_EQ(GetWriteWatch(WRITE_WATCH_FLAG_RESET, p, G, a, &n, &g), 0);
	CHECK_EQ(n, 4);
	CHECK_EQ(VirtualAlloc(p, 4 * P, MEM_RESET, PAGE_READWRITE), p);
	n = 16;
	CHECK_EQ(GetWriteWatch(0, p, G, a, &n, &g), 0);
	CHECK_EQ(n, 0);
	p[2 * P] = 5;	/* written after the reset: live again, and watched */
	n = 16;
	CHECK_EQ(GetWriteWatch(0, p, G, a, &n, &g), 0);
	CHECK_EQ(n, 1);
	CHECK(VirtualFree(p, 2 * P, MEM_DECOMMIT));
	CHECK_EQ(VirtualAlloc(p, 2 * P, MEM_COMMIT, PAGE_READWRITE), p);
	CHECK_EQ(p[0], 0);
	CHECK_EQ(VirtualAlloc(p, 4 * P, MEM_RESET_UNDO, PAGE_READWRITE), p);
	CHECK_EQ(p[2 * P], 5);
	CHECK_EQ(p[3 * P], 1);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	unsigned long long before = utest_free_frames();
	basics();
	reserved_and_protected();
	errors();
	decommit_and_watch();
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("vm_reset");
}
