/* tests/user/ww_write_watch.c - spec §12 (and §11.7): write watch from the dirty bits. */
#include <string.h>

#include "utest.h"

#define P 0x1000ULL
#define SIZE (16 * P)

static PVOID res[64];
static ULONG_PTR count;
static DWORD gran;

static UINT ww(DWORD flags, void *base, SIZE_T size, ULONG_PTR n)
{
	count = n;
	gran = 0;
	memset(res, 0, sizeof res);
	return GetWriteWatch(flags, base, size, res, &count, &gran);
}

static void basics(void)
{
	char *base = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(base != NULL);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(gran, 4096);
	/* §12.2: writes count, reads do not; ascending, page aligned; a straddling write marks both pages. */
	base[P + 1] = 0x44;
	base[3 * P + 5] = 0x11;
	volatile char r = base[5 * P];
	(void)r;
	*(volatile unsigned *)(base + 8 * P - 2) = 0x12345678;
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 4);
	CHECK_EQ(res[0], base + P);
	CHECK_EQ(res[1], base + 3 * P);
	CHECK_EQ(res[2], base + 7 * P);
	CHECK_EQ(res[3], base + 8 * P);
	/* Without the reset flag nothing changes. */
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 4);
	/* §12.4: the array fills: count 1 with reset resets only the first hit. */
	CHECK_EQ(ww(WRITE_WATCH_FLAG_RESET, base, SIZE, 1), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(res[0], base + P);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 3);
	CHECK_EQ(res[0], base + 3 * P);
	/* §12.5: sub-ranges, unaligned start/size page-rounded. */
	CHECK_EQ(ww(0, base + 3 * P + 0x800, 1, 64), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(res[0], base + 3 * P);
	CHECK_EQ(ww(0, base + 4 * P, 3 * P, 64), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(ww(0, base + 6 * P + 0xfff, 2, 64), 0);	/* pages 6 and 7 */
	CHECK_EQ(count, 1);
	CHECK_EQ(res[0], base + 7 * P);
	/* ResetWriteWatch resets only its range. */
	CHECK_EQ(ResetWriteWatch(base + 7 * P, P), 0);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 2);
	CHECK_EQ(res[0], base + 3 * P);
	CHECK_EQ(res[1], base + 8 * P);
	CHECK_EQ(ww(WRITE_WATCH_FLAG_RESET, base, SIZE, 64), 0);
	CHECK_EQ(count, 2);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 0);
	/* A write after a reset is seen again (the TLB was flushed). */
	base[3 * P] = 1;
	base[15 * P + 4095] = 1;
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 2);
	CHECK_EQ(res[1], base + 15 * P);
	CHECK_EQ(ResetWriteWatch(base, SIZE), 0);
	/* Many pages, all reported in order. */
	for (int i = 0; i < 16; i++)
		base[i * P + i] = (char)i;
	CHECK_EQ(ww(WRITE_WATCH_FLAG_RESET, base, SIZE, 64), 0);
	CHECK_EQ(count, 16);
	int ordered = 1;
	for (int i = 0; i < 16; i++)
		ordered &= res[i] == base + i * P;
	CHECK(ordered);
	/* §12.6: protection changes keep the state. */
	DWORD old;
	base[2 * P] = 9;
	CHECK(VirtualProtect(base, SIZE, PAGE_NOACCESS, &old));
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 1);
	CHECK(VirtualProtect(base, SIZE, PAGE_READONLY, &old));
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(res[0], base + 2 * P);
	CHECK(VirtualProtect(base + 4 * P, P, PAGE_READWRITE, &old));
	base[4 * P] = 1;
	CHECK(VirtualProtect(base + 4 * P, P, PAGE_NOACCESS, &old));
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 2);
	CHECK_EQ(res[1], base + 4 * P);
	CHECK(VirtualProtect(base, SIZE, PAGE_READWRITE, &old));
	/*
	 * §12.7: decommit clears the state of a page only written; recommit reads
	 * zero and is clean.  (Pages 2 and 4 were re-protected after their
	 * writes: reset first, or they would stay reported - spec 19.2.7,
	 * vm_ww_latch.)
	 */
	CHECK_EQ(ResetWriteWatch(base, SIZE), 0);
	base[3 * P] = 7;
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 1);
	CHECK(VirtualFree(base + 2 * P, 3 * P, MEM_DECOMMIT));
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(VirtualAlloc(base + 2 * P, 3 * P, MEM_COMMIT, PAGE_READWRITE), base + 2 * P);
	CHECK_EQ(base[2 * P], 0);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 0);
	/* §12.1: reserved-only ranges can be queried and reset. */
	CHECK(VirtualFree(base, SIZE, MEM_DECOMMIT));
	CHECK_EQ(ww(WRITE_WATCH_FLAG_RESET, base, SIZE, 64), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(ResetWriteWatch(base, SIZE), 0);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
}

static void errors(void)
{
	char *base = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	char *plain = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(base && plain);
	base[0] = 1;
	/* §12.8: 87 */
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(0, plain, SIZE, 64), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(0, NULL, SIZE, 64), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(0, base, SIZE, 0), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(2, base, SIZE, 64), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(0, base, 0, 64), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(0, base, SIZE * 2, 64), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(0, base + SIZE - P, P + 1, 64), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ww(0, base + SIZE, P, 64), (UINT)-1);	/* past the region: free */
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ResetWriteWatch(base, 0), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ResetWriteWatch(plain, SIZE), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0xdeadbeef);
	CHECK_EQ(ResetWriteWatch(base, SIZE + P), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	/* §12.8: 998 for bad out-pointers; a NULL array with count 0 is 87. */
	count = 64;
	SetLastError(0xdeadbeef);
	CHECK_EQ(GetWriteWatch(0, base, SIZE, res, NULL, &gran), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_NOACCESS);
	SetLastError(0xdeadbeef);
	CHECK_EQ(GetWriteWatch(0, base, SIZE, res, &count, NULL), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_NOACCESS);
	SetLastError(0xdeadbeef);
	CHECK_EQ(GetWriteWatch(0, base, SIZE, NULL, &count, &gran), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_NOACCESS);
	count = 0;
	SetLastError(0xdeadbeef);
	CHECK_EQ(GetWriteWatch(0, base, SIZE, NULL, &count, &gran), (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	/* A failed reset query changed nothing. */
	count = 64;
	SetLastError(0xdeadbeef);
	CHECK_EQ(GetWriteWatch(WRITE_WATCH_FLAG_RESET, base, SIZE, (PVOID *)0xFFFF800000000000ULL, &count, &gran),
		 (UINT)-1);
	CHECK_EQ(GetLastError(), ERROR_NOACCESS);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 1);
	/* MEM_WRITE_WATCH needs MEM_RESERVE (§6.1). */
	CHECK_ERR(VirtualAlloc(NULL, SIZE, MEM_WRITE_WATCH, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, SIZE, MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(base, P, MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
	CHECK(VirtualFree(plain, 0, MEM_RELEASE));
	/* After release the range is not watched any more. */
	CHECK_EQ(ww(0, base, SIZE, 64), (UINT)-1);
}

/* §12.1: a reserve-only watched region, committed later, NOACCESS initial protection. */
static void reserve_then_commit(void)
{
	char *base = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_WRITE_WATCH, PAGE_NOACCESS);
	CHECK(base != NULL);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(VirtualAlloc(base + 4 * P, 2 * P, MEM_COMMIT, PAGE_READWRITE), base + 4 * P);
	base[5 * P] = 1;
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(res[0], base + 5 * P);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
}

/* §11.7: guard + write watch: the guard fires first, then the write is recorded. */
static volatile int guard_hits;
static LONG CALLBACK on_guard(PEXCEPTION_POINTERS ep)
{
	if (ep->ExceptionRecord->ExceptionCode != STATUS_GUARD_PAGE_VIOLATION)
		return EXCEPTION_CONTINUE_SEARCH;
	guard_hits++;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void guard(void)
{
	char *base = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE | PAGE_GUARD);
	CHECK(base != NULL);
	PVOID h = AddVectoredExceptionHandler(1, on_guard);
	*(volatile char *)(base + 2 * P) = 7;
	CHECK_EQ(guard_hits, 1);
	CHECK_EQ(base[2 * P], 7);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(res[0], base + 2 * P);
	/* A written page that becomes a guard page again keeps its dirty state through the guard fault. */
	DWORD old;
	CHECK(VirtualProtect(base + 2 * P, P, PAGE_READWRITE | PAGE_GUARD, &old));
	volatile char r = base[2 * P];
	(void)r;
	CHECK_EQ(guard_hits, 2);
	CHECK_EQ(ww(0, base, SIZE, 64), 0);
	CHECK_EQ(count, 1);
	RemoveVectoredExceptionHandler(h);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
}

/* Kernel writes on the process's behalf (the output array itself) are recorded (§12.9). */
static void kernel_writes(void)
{
	char *base = VirtualAlloc(NULL, SIZE, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	ULONG_PTR *cnt = (ULONG_PTR *)(base + 9 * P);
	DWORD *g = (DWORD *)(base + 10 * P);
	*cnt = 8;
	CHECK_EQ(ResetWriteWatch(base, SIZE), 0);
	base[P] = 1;
	CHECK_EQ(GetWriteWatch(0, base, 8 * P, res, cnt, g), 0);
	CHECK_EQ(*cnt, 1);
	count = 64;
	CHECK_EQ(GetWriteWatch(0, base, SIZE, res, &count, &gran), 0);
	CHECK_EQ(count, 3);
	CHECK_EQ(res[1], base + 9 * P);
	CHECK_EQ(res[2], base + 10 * P);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
}

int main(void)
{
	utest_prefault_stack(32 * 1024);
	unsigned long long before = utest_free_frames();
	basics();
	errors();
	reserve_then_commit();
	guard();
	kernel_writes();
	/* A large watched region: 64 MiB, every 16th page written. */
	char *big = VirtualAlloc(NULL, 64 << 20, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(big != NULL);
	for (ULONG_PTR off = 0; off < (64 << 20); off += 16 * P)
		big[off] = 1;
	static PVOID many[1024];
	ULONG_PTR n = 1024;
	CHECK_EQ(GetWriteWatch(WRITE_WATCH_FLAG_RESET, big, 64 << 20, many, &n, &gran), 0);
	CHECK_EQ(n, 1024);
	CHECK_EQ(many[1023], big + 1023 * 16 * P);
	n = 1024;
	CHECK_EQ(GetWriteWatch(0, big, 64 << 20, many, &n, &gran), 0);
	CHECK_EQ(n, 0);
	CHECK(VirtualFree(big, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("ww_write_watch");
}
