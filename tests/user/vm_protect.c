/* tests/user/vm_protect.c - spec §8: VirtualProtect. */
#include <string.h>

#include "utest.h"

#define G 0x10000ULL

/* The fault handler: counts access violations, records them, repairs with VirtualProtect. */
static volatile LONG faults;
static volatile ULONG_PTR f_kind, f_addr;
static volatile DWORD f_code, repair_prot = PAGE_READWRITE;

static LONG WINAPI repair(EXCEPTION_POINTERS *ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	if (r->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
		return EXCEPTION_CONTINUE_SEARCH;
	faults++;
	f_code = r->ExceptionCode;
	f_kind = r->ExceptionInformation[0];
	f_addr = r->ExceptionInformation[1];
	DWORD old;
	if (!VirtualProtect((void *)f_addr, 1, repair_prot, &old))
		return EXCEPTION_CONTINUE_SEARCH;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void old_value_and_rounding(void)
{
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p != NULL);
	DWORD old = 0xdead;
	/* §4.4: protecting (addr+1, 1) affects one page. */
	CHECK(VirtualProtect(p + 1, 1, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READONLY, 0x1000);
	CHECK_REGION(p + 0x1000, MEM_COMMIT, PAGE_READWRITE, 0xF000);
	/* A 2-byte range straddling a page boundary affects two pages. */
	CHECK(VirtualProtect(p + 0x2fff, 2, PAGE_EXECUTE_READ, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK_REGION(p + 0x1000, MEM_COMMIT, PAGE_READWRITE, 0x1000);
	CHECK_REGION(p + 0x2000, MEM_COMMIT, PAGE_EXECUTE_READ, 0x2000);
	CHECK_REGION(p + 0x4000, MEM_COMMIT, PAGE_READWRITE, 0xC000);
	/* §8.2: old = first page's protection, even when the range is mixed. */
	CHECK(VirtualProtect(p, 0x5000, PAGE_NOACCESS, &old));
	CHECK_EQ(old, PAGE_READONLY);
	CHECK_REGION(p, MEM_COMMIT, PAGE_NOACCESS, 0x5000);
	CHECK(VirtualProtect(p + 0x2000, 0x4000, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_NOACCESS);
	CHECK(VirtualProtect(p + 0x4000, 0x1000, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK(VirtualProtect(p + 0x1000, 0x1000, PAGE_EXECUTE, &old));
	CHECK_EQ(old, PAGE_NOACCESS);
	CHECK(VirtualProtect(p + 0x1000, 0x1000, PAGE_EXECUTE_READWRITE, &old));
	CHECK_EQ(old, PAGE_EXECUTE);
	CHECK(VirtualProtect(p + 0x1000, 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK_EQ(old, PAGE_EXECUTE_READWRITE);
	CHECK(VirtualProtect(p + 0x1000, 0x1000, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_READWRITE | PAGE_GUARD);	/* modifier bits reported */
	/* §8.5: every valid private protection is accepted and reported back. */
	static const DWORD ok[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE, PAGE_EXECUTE_READ,
				    PAGE_EXECUTE_READWRITE, PAGE_READONLY | PAGE_GUARD, PAGE_READWRITE | PAGE_GUARD,
				    PAGE_EXECUTE | PAGE_GUARD, PAGE_EXECUTE_READ | PAGE_GUARD,
				    PAGE_EXECUTE_READWRITE | PAGE_GUARD, PAGE_READWRITE };
	DWORD prev = PAGE_READWRITE;
	for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECK(VirtualProtect(p + 0x8000, 0x1000, ok[i], &old));
		CHECK_EQ(old, prev);
		CHECK_EQ(query_region(p + 0x8000).Protect, ok[i]);
		CHECK_EQ(query_region(p + 0x8000).AllocationProtect, PAGE_READWRITE);	/* §8.7 */
		prev = ok[i];
	}
	/* Rejected protections change nothing. */
	static const DWORD bad[] = { 0, 0x03, 0x06, 0x12, 0x24, 0x41, 0xff, PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY,
				     PAGE_WRITECOPY | PAGE_GUARD, PAGE_NOACCESS | PAGE_GUARD, PAGE_GUARD,
				     PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE, PAGE_NOACCESS | PAGE_NOCACHE,
				     PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE, PAGE_NOACCESS | PAGE_WRITECOMBINE,
				     PAGE_READWRITE | PAGE_GUARD | PAGE_WRITECOMBINE, 0x800 | PAGE_READWRITE,
				     0x10000 | PAGE_READONLY };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		old = 0x1234;
		CHECK_ERR(VirtualProtect(p + 0x8000, 0x1000, bad[i], &old), ERROR_INVALID_PARAMETER);
	}
	CHECK_REGION(p + 0x8000, MEM_COMMIT, PAGE_READWRITE, 0x8000);
	/* Whole region back to one protection merges it into one region (§8.8). */
	CHECK(VirtualProtect(p, G, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_NOACCESS);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, G);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void null_old(void)
{
	/* §8.1: NULL old pointer -> 998, nothing changed. */
	char *p = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK_ERR(VirtualProtect(p, 0x1000, PAGE_READONLY, NULL), ERROR_NOACCESS);
	CHECK_ERR(VirtualProtect(p, 0x2000, PAGE_NOACCESS, NULL), ERROR_NOACCESS);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, 0x2000);
	p[0] = 1;
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void uncommitted(void)
{
	/* §8.3: reserved-only or partially committed ranges -> 487, nothing changes. */
	char *p = VirtualAlloc(NULL, G, MEM_RESERVE, PAGE_READWRITE);
	DWORD old = 0x77;
	CHECK_ERR(VirtualProtect(p, 0x1000, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(p, G, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_EQ(VirtualAlloc(p + 0x2000, 0x2000, MEM_COMMIT, PAGE_READWRITE), p + 0x2000);
	CHECK_ERR(VirtualProtect(p + 0x1000, 0x2000, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(p + 0x2000, 0x3000, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(p + 0x3fff, 2, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(p, G, PAGE_NOACCESS, &old), ERROR_INVALID_ADDRESS);
	CHECK_REGION(p + 0x2000, MEM_COMMIT, PAGE_READWRITE, 0x2000);
	CHECK_REGION(p, MEM_RESERVE, 0, 0x2000);
	CHECK(VirtualProtect(p + 0x2000, 0x2000, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	/* After decommit the page is uncommitted again. */
	CHECK(VirtualFree(p + 0x3000, 0x1000, MEM_DECOMMIT));
	CHECK_ERR(VirtualProtect(p + 0x3000, 0x1000, PAGE_READWRITE, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(p + 0x2000, 0x2000, PAGE_READWRITE, &old), ERROR_INVALID_ADDRESS);
	CHECK_REGION(p + 0x2000, MEM_COMMIT, PAGE_READONLY, 0x1000);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	/* §8.4: free memory. */
	CHECK_ERR(VirtualProtect(p, 0x1000, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(p + 0x5000, 1, PAGE_READWRITE, &old), ERROR_INVALID_ADDRESS);
	/* The tail of a granule. */
	char *s = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK_ERR(VirtualProtect(s + 0x2000, 0x1000, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(s + 0x1000, 0x2000, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_REGION(s, MEM_COMMIT, PAGE_READWRITE, 0x2000);
	CHECK(VirtualFree(s, 0, MEM_RELEASE));
	/* Across two committed adjacent reservations. */
	char *a = VirtualAlloc(NULL, 2 * G, MEM_RESERVE, PAGE_READWRITE);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK_EQ(VirtualAlloc(a, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), a);
	CHECK_EQ(VirtualAlloc(a + G, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), a + G);
	CHECK_ERR(VirtualProtect(a + 0xF000, 0x2000, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(a, 2 * G, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualProtect(a + 0xFFFF, 2, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
	CHECK_REGION(a, MEM_COMMIT, PAGE_READWRITE, G);
	CHECK_REGION(a + G, MEM_COMMIT, PAGE_READWRITE, G);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK(VirtualFree(a + G, 0, MEM_RELEASE));
}

static void enforcement(void)
{
	/* Writes work, then fault after protecting to read-only; the handler repairs. */
	char *p = VirtualAlloc(NULL, 0x4000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	PVOID h = AddVectoredExceptionHandler(1, repair);
	CHECK(h != NULL);
	for (int i = 0; i < 4; i++)
		p[i * 0x1000] = (char)(i + 1);
	DWORD old;
	CHECK(VirtualProtect(p, 0x4000, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	faults = 0;
	/* Reads do not fault. */
	int sum = 0;
	for (int i = 0; i < 4; i++)
		sum += ((volatile char *)p)[i * 0x1000];
	CHECK_EQ(sum, 10);
	CHECK_EQ(faults, 0);
	for (int i = 0; i < 4; i++) {
		((volatile char *)p)[i * 0x1000 + 8] = 9;
		CHECK_EQ(faults, i + 1);
		CHECK_EQ(f_code, EXCEPTION_ACCESS_VIOLATION);
		CHECK_EQ(f_kind, EXCEPTION_WRITE_FAULT);
		CHECK_EQ(f_addr, p + i * 0x1000 + 8);
		CHECK_EQ(p[i * 0x1000 + 8], 9);
		CHECK_EQ(query_region(p + i * 0x1000).Protect, PAGE_READWRITE);
	}
	/* Second write to the same page: no fault. */
	((volatile char *)p)[16] = 1;
	CHECK_EQ(faults, 4);
	/* NOACCESS: reads fault too; §8.9 data survives NOACCESS -> READONLY. */
	CHECK(VirtualProtect(p, 0x1000, PAGE_NOACCESS, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	repair_prot = PAGE_READONLY;
	faults = 0;
	CHECK_EQ(((volatile char *)p)[0], 1);
	CHECK_EQ(faults, 1);
	CHECK_EQ(f_kind, EXCEPTION_READ_FAULT);
	CHECK_EQ(f_addr, p);
	CHECK_EQ(query_region(p).Protect, PAGE_READONLY);
	CHECK_EQ(p[8], 9);
	/* Write to NOACCESS: write fault, repaired to READONLY then faults again, repaired to RW. */
	CHECK(VirtualProtect(p + 0x1000, 0x1000, PAGE_NOACCESS, &old));
	faults = 0;
	repair_prot = PAGE_READWRITE;
	((volatile char *)p)[0x1004] = 7;
	CHECK_EQ(faults, 1);
	CHECK_EQ(f_kind, EXCEPTION_WRITE_FAULT);
	CHECK_EQ(p[0x1004], 7);
	CHECK_EQ(p[0x1000], 2);
	/* Protecting never-touched (demand-zero) pages works the same. */
	char *z = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(VirtualProtect(z, 0x2000, PAGE_READONLY, &old));
	CHECK_EQ(z[0x1800], 0);
	faults = 0;
	((volatile char *)z)[0x1800] = 3;
	CHECK_EQ(faults, 1);
	CHECK_EQ(z[0x1800], 3);
	CHECK_EQ(query_region(z).Protect, PAGE_READONLY);
	CHECK_EQ(query_region(z).RegionSize, 0x1000);
	CHECK(RemoveVectoredExceptionHandler(h));
	CHECK(VirtualFree(z, 0, MEM_RELEASE));
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void query_after(void)
{
	/* §8.7 and §10.3.3: AllocationProtect never changes; regions split and merge. */
	char *p = VirtualAlloc(NULL, 0x8000, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE);
	DWORD old;
	CHECK(VirtualProtect(p + 0x3000, 0x2000, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_EXECUTE_READWRITE);
	CHECK_REGION(p, MEM_COMMIT, PAGE_EXECUTE_READWRITE, 0x3000);
	CHECK_REGION(p + 0x3000, MEM_COMMIT, PAGE_READONLY, 0x2000);
	CHECK_REGION(p + 0x5000, MEM_COMMIT, PAGE_EXECUTE_READWRITE, 0x3000);
	CHECK_EQ(query_region(p + 0x3000).AllocationProtect, PAGE_EXECUTE_READWRITE);
	CHECK_EQ(query_region(p + 0x4000).AllocationBase, p);
	CHECK(VirtualProtect(p + 0x3000, 0x2000, PAGE_EXECUTE_READWRITE, &old));
	CHECK_EQ(old, PAGE_READONLY);
	CHECK_REGION(p, MEM_COMMIT, PAGE_EXECUTE_READWRITE, 0x8000);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	/* Frames survive protection changes and come back on release. */
	p = VirtualAlloc(NULL, 0x8000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	memset(p, 1, 0x8000);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	unsigned long long before = utest_free_frames();
	p = VirtualAlloc(NULL, 0x8000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	memset(p, 1, 0x8000);
	CHECK(VirtualProtect(p, 0x8000, PAGE_NOACCESS, &old));
	CHECK(VirtualProtect(p, 0x4000, PAGE_READONLY, &old));
	CHECK_EQ(p[0x3fff], 1);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
}

int main(void)
{
	old_value_and_rounding();
	null_old();
	uncommitted();
	enforcement();
	query_after();
	return utest_done("vm_protect");
}
