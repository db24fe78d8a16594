/*
 * tests/user/heap_basic.c - the Win32 heap (docs/heap.md): the process heap
 * and private heaps, every size class, HeapSize/HeapReAlloc (in place only,
 * zeroing), big blocks straight from VirtualAlloc and released on free,
 * fixed-size heaps that run out and do not grow (NULL, or STATUS_NO_MEMORY
 * with HEAP_GENERATE_EXCEPTIONS), HeapWalk/HeapValidate/HeapCompact,
 * HeapLock, the information classes, and the decommit behaviour: 256 MiB
 * allocated and freed in small blocks leaves the process's commit near where
 * it started.  Runs the same under Wine.
 */
#include "utest.h"
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of committed private memory in the process (a VirtualQuery walk). */
static SIZE_T private_commit(void)
{
	MEMORY_BASIC_INFORMATION m;
	SIZE_T total = 0;
	for (char *p = NULL; VirtualQuery(p, &m, sizeof m) == sizeof m;) {
		if (m.State == MEM_COMMIT && m.Type == MEM_PRIVATE)
			total += m.RegionSize;
		char *next = (char *)m.BaseAddress + m.RegionSize;
		if (next <= p)
			break;
		p = next;
	}
	return total;
}

static unsigned rng = 12345;
static unsigned rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static int is_zero(const void *p, SIZE_T n)
{
	for (SIZE_T i = 0; i < n; i++)
		if (((const unsigned char *)p)[i])
			return 0;
	return 1;
}

/* Every size from 0 to 5000 and some big ones: 16-byte aligned, HeapSize exact, writable, distinct. */
static void sizes(HANDLE h)
{
	static void *blocks[5001];
	int bad_align = 0, bad_size = 0;
	for (SIZE_T n = 0; n <= 5000; n++) {
		blocks[n] = HeapAlloc(h, 0, n);
		if (!blocks[n] || ((ULONG_PTR)blocks[n] & 15))
			bad_align++;
		else if (HeapSize(h, 0, blocks[n]) != n)
			bad_size++;
		else
			memset(blocks[n], (int)(n & 0xff), n);
	}
	CHECK_EQ(bad_align, 0);
	CHECK_EQ(bad_size, 0);
	int bad_data = 0;
	for (SIZE_T n = 1; n <= 5000; n++)
		if (((unsigned char *)blocks[n])[n - 1] != (n & 0xff) || ((unsigned char *)blocks[n])[0] != (n & 0xff))
			bad_data++;
	CHECK_EQ(bad_data, 0);
	CHECK(HeapValidate(h, 0, NULL));
	for (SIZE_T n = 0; n <= 5000; n++)
		CHECK(HeapFree(h, 0, blocks[n]) || n > 5000);
	CHECK(HeapValidate(h, 0, NULL));
	CHECK(HeapFree(h, 0, NULL));
}

/* HEAP_ZERO_MEMORY on reused memory, HeapReAlloc keeping data, zeroing growth, in-place only. */
static void realloc_rules(HANDLE h)
{
	char *p = HeapAlloc(h, 0, 200);
	memset(p, 0xAA, 200);
	CHECK(HeapFree(h, 0, p));
	char *z = HeapAlloc(h, HEAP_ZERO_MEMORY, 200);
	CHECK(z && is_zero(z, 200));
	for (int i = 0; i < 200; i++)
		z[i] = (char)i;
	char *q = HeapReAlloc(h, HEAP_ZERO_MEMORY, z, 3000);
	CHECK(q != NULL);
	CHECK_EQ(HeapSize(h, 0, q), 3000);
	int same = 1;
	for (int i = 0; i < 200; i++)
		same &= q[i] == (char)i;
	CHECK(same);
	CHECK(is_zero(q + 200, 2800));
	q = HeapReAlloc(h, 0, q, 10);
	CHECK(q && q[9] == 9 && HeapSize(h, 0, q) == 10);
	/* A small block cannot grow to 100 KiB where it is. */
	CHECK(HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, q, 100000) == NULL);
	CHECK_EQ(HeapSize(h, 0, q), 10);
	CHECK(HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, q, 5) == q);
	CHECK_EQ(HeapSize(h, 0, q), 5);
	CHECK(HeapFree(h, 0, q));
	/* A backend block grows in place into the free space after it. */
	char *a = HeapAlloc(h, 0, 20000), *b = HeapAlloc(h, 0, 20000);
	CHECK(a && b);
	CHECK(HeapFree(h, 0, b));
	CHECK(HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, a, 30000) == a || HeapSize(h, 0, a) == 20000);
	CHECK(HeapFree(h, 0, a));
}

/* A 4 MiB block is its own committed region and is released on free. */
static void big_blocks(HANDLE h)
{
	char *p = HeapAlloc(h, 0, 4 << 20);
	CHECK(p != NULL);
	MEMORY_BASIC_INFORMATION m = query_region(p);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Type, MEM_PRIVATE);
	CHECK(m.RegionSize >= (4 << 20) - 4096);
	PVOID base = m.AllocationBase;
	p[0] = 1;
	p[(4 << 20) - 1] = 2;
	CHECK_EQ(HeapSize(h, 0, p), 4 << 20);
	char *q = HeapReAlloc(h, 0, p, 8 << 20);
	CHECK(q && q[0] == 1 && q[(4 << 20) - 1] == 2);
	CHECK_EQ(HeapSize(h, 0, q), 8 << 20);
	CHECK(HeapFree(h, 0, q));
	m = query_region(q);
	CHECK_EQ(m.State, MEM_FREE);
	if (base != m.AllocationBase)
		CHECK_EQ(query_region(base).State, MEM_FREE);
}

/* A fixed-size heap runs out (NULL, or STATUS_NO_MEMORY raised under HEAP_GENERATE_EXCEPTIONS) and never grows. */
static int no_memory_raised;
static LONG WINAPI count_no_memory(EXCEPTION_POINTERS *ep)
{
	if (ep->ExceptionRecord->ExceptionCode == STATUS_NO_MEMORY) {
		no_memory_raised++;
		return EXCEPTION_CONTINUE_EXECUTION;
	}
	return EXCEPTION_CONTINUE_SEARCH;
}

static void fixed_heaps(void)
{
	HANDLE h = HeapCreate(0, 0, 256 << 10);
	CHECK(h != NULL);
	SIZE_T total = 0;
	int n = 0;
	void *p;
	while ((p = HeapAlloc(h, 0, 1000)) != NULL && n < 100000) {
		total += 1000;
		n++;
	}
	CHECK(p == NULL);
	if (!(total > 128 << 10 && total <= 256 << 10))
		printf("  fixed heap of 256 KiB served %zu bytes\n", total);
	CHECK(total > 128 << 10 && total <= 256 << 10);
	CHECK(HeapAlloc(h, 0, 1 << 20) == NULL);
	CHECK(HeapValidate(h, 0, NULL));
	CHECK(HeapDestroy(h));

	h = HeapCreate(HEAP_GENERATE_EXCEPTIONS, 0, 64 << 10);
	CHECK(h != NULL);
	PVOID veh = AddVectoredExceptionHandler(1, count_no_memory);
	for (n = 0; n < 1000 && HeapAlloc(h, 0, 1000); n++)
		;
	CHECK(n < 1000);
	CHECK_EQ(no_memory_raised, 1);
	RemoveVectoredExceptionHandler(veh);
	CHECK(HeapDestroy(h));
}

/* HeapWalk finds every busy block we made with its size; HeapLock lets the owner allocate. */
static void walk(void)
{
	HANDLE h = HeapCreate(0, 0, 0);
	void *blk[64];
	for (int i = 0; i < 64; i++)
		blk[i] = HeapAlloc(h, 0, 24 + i * 97);
	void *big = HeapAlloc(h, 0, 1 << 20);
	CHECK(HeapLock(h));
	void *inside = HeapAlloc(h, 0, 32);
	CHECK(inside != NULL);
	PROCESS_HEAP_ENTRY e = { 0 };
	int found = 0, regions = 0, busy = 0, sizes_ok = 1;
	while (HeapWalk(h, &e)) {
		if (e.wFlags & PROCESS_HEAP_REGION)
			regions++;
		if (!(e.wFlags & PROCESS_HEAP_ENTRY_BUSY))
			continue;
		busy++;
		for (int i = 0; i < 64; i++)
			if (e.lpData == blk[i]) {
				found++;
				sizes_ok &= e.cbData == (DWORD)(24 + i * 97);
			}
		if (e.lpData == big) {
			found++;
			sizes_ok &= e.cbData == (1 << 20);
		}
	}
	CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
	CHECK(HeapUnlock(h));
	CHECK_EQ(found, 65);
	CHECK(sizes_ok);
	CHECK(regions >= 1);
	CHECK(busy >= 66);
	CHECK(HeapDestroy(h));
}

static HANDLE mt_heap;
static volatile LONG mt_errors;

/* A thread: 20000 random allocations and frees of up to 3000 bytes, each block checked before it is freed. */
static DWORD WINAPI mt_worker(LPVOID arg)
{
	unsigned seed = (unsigned)(ULONG_PTR)arg;
	unsigned char *slots[128] = { 0 };
	for (int i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned k = (seed >> 8) % 128;
		HANDLE h = (k & 1) ? mt_heap : GetProcessHeap();
		if (slots[k]) {
			SIZE_T n = HeapSize(h, 0, slots[k]);
			if (n == (SIZE_T)-1 || slots[k][0] != (unsigned char)k || slots[k][n - 1] != (unsigned char)k)
				InterlockedIncrement(&mt_errors);
			HeapFree(h, 0, slots[k]);
			slots[k] = NULL;
		} else {
			SIZE_T n = 1 + (seed >> 12) % 3000;
			slots[k] = HeapAlloc(h, 0, n);
			if (!slots[k])
				InterlockedIncrement(&mt_errors);
			else
				memset(slots[k], (int)k, n);
		}
	}
	for (unsigned k = 0; k < 128; k++)
		if (slots[k])
			HeapFree((k & 1) ? mt_heap : GetProcessHeap(), 0, slots[k]);
	return 0;
}

static void threads(void)
{
	mt_heap = HeapCreate(0, 0, 0);
	HANDLE t[4];
	for (int i = 0; i < 4; i++)
		t[i] = CreateThread(NULL, 0, mt_worker, (LPVOID)(ULONG_PTR)(i * 7919 + 1), 0, NULL);
	CHECK_EQ(WaitForMultipleObjects(4, t, TRUE, 120000), WAIT_OBJECT_0);
	for (int i = 0; i < 4; i++)
		CloseHandle(t[i]);
	CHECK_EQ(mt_errors, 0);
	CHECK(HeapValidate(mt_heap, 0, NULL));
	CHECK(HeapValidate(GetProcessHeap(), 0, NULL));
	CHECK(HeapDestroy(mt_heap));
}

/* 256 MiB in 64..1000-byte blocks allocated, then all freed: the commit comes back near where it was. */
static void decommit(void)
{
	HANDLE h = HeapCreate(0, 0, 0);
	enum { N = 700000 };
	void **v = VirtualAlloc(NULL, N * sizeof(void *), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
	SIZE_T before = private_commit();
	SIZE_T total = 0;
	int n = 0;
	for (; n < N && total < (256u << 20) - 4096; n++) {
		SIZE_T sz = 64 + rnd() % 937;
		v[n] = HeapAlloc(h, 0, sz);
		if (!v[n])
			break;
		total += sz;
	}
	SIZE_T peak = private_commit();
	for (int i = 0; i < n; i++)
		HeapFree(h, 0, v[i]);
	SIZE_T after = private_commit();
	printf("heap_basic: %d blocks, %zu MiB asked; private commit %zu KiB before, %zu KiB at peak, %zu KiB after free\n",
	       n, total >> 20, before >> 10, peak >> 10, after >> 10);
	CHECK(total >= (255u << 20));
	CHECK(peak - before >= total);
	CHECK(after < before + (4u << 20));
	CHECK(HeapValidate(h, 0, NULL));
	CHECK(HeapDestroy(h));
	VirtualFree(v, 0, MEM_RELEASE);
}

/* Local and Global memory: fixed, moveable with lock counts, handles, discarding, reallocation. */
static void local_global(void)
{
	HLOCAL f = LocalAlloc(LMEM_FIXED | LMEM_ZEROINIT, 100);
	CHECK(f && is_zero(f, 100));
	CHECK(LocalLock(f) == f);
	CHECK_EQ(LocalSize(f), 100);
	CHECK_EQ(LocalFlags(f), 0);
	CHECK(LocalHandle(f) == f);
	CHECK(LocalFree(f) == NULL);

	HGLOBAL g = GlobalAlloc(GMEM_MOVEABLE, 50);
	CHECK(g != NULL);
	CHECK_EQ(GlobalFlags(g), 0);
	char *p = GlobalLock(g);
	CHECK(p != NULL && p != (char *)g);
	CHECK_EQ(GlobalFlags(g), 1);
	CHECK(GlobalLock(g) == p);
	CHECK_EQ(GlobalFlags(g), 2);
	CHECK(GlobalHandle(p) == g);
	CHECK_EQ(GlobalSize(g), 50);
	strcpy(p, "moveable");
	CHECK(GlobalUnlock(g));
	SetLastError(0xdead);
	CHECK(!GlobalUnlock(g));
	CHECK_EQ(GetLastError(), NO_ERROR);
	CHECK(!GlobalUnlock(g));
	CHECK_EQ(GetLastError(), ERROR_NOT_LOCKED);
	CHECK(GlobalReAlloc(g, 100000, GMEM_MOVEABLE) == g);
	p = GlobalLock(g);
	CHECK(p && !strcmp(p, "moveable"));
	CHECK_EQ(GlobalSize(g), 100000);
	GlobalUnlock(g);
	CHECK(GlobalReAlloc(g, 0, GMEM_MOVEABLE) == g);
	CHECK(GlobalFlags(g) & GMEM_DISCARDED);
	CHECK_ERR(GlobalLock(g), ERROR_DISCARDED);
	CHECK(GlobalFree(g) == NULL);

	HLOCAL d = LocalAlloc(LMEM_MOVEABLE, 0);
	CHECK(d != NULL);
	CHECK(LocalFlags(d) & LMEM_DISCARDED);
	CHECK(LocalFree(d) == NULL);
}

/* msvcrt's allocator is the process heap. */
static void crt(void)
{
	char *p = malloc(123);
	CHECK(p != NULL);
	CHECK_EQ(_msize(p), 123);
	CHECK_EQ(HeapSize(GetProcessHeap(), 0, p), 123);
	CHECK(HeapValidate(GetProcessHeap(), 0, p));
	p = realloc(p, 70000);
	CHECK(p && _msize(p) == 70000);
	free(p);
	int *z = calloc(1000, sizeof(int));
	CHECK(z && is_zero(z, 1000 * sizeof(int)));
	free(z);
	void *a = _aligned_malloc(1000, 256);
	CHECK(a && ((ULONG_PTR)a & 255) == 0);
	_aligned_free(a);
}

int main(void)
{
	HANDLE ph = GetProcessHeap();
	CHECK(ph != NULL);
	HANDLE all[64];
	DWORD nh = GetProcessHeaps(64, all);
	int listed = 0;
	for (DWORD i = 0; i < nh && i < 64; i++)
		listed |= all[i] == ph;
	CHECK(listed);
	ULONG compat = 99;
	CHECK(HeapQueryInformation(ph, HeapCompatibilityInformation, &compat, sizeof compat, NULL));
	CHECK_EQ(compat, 2);
	CHECK(HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0));
	CHECK(!HeapDestroy(ph));

	sizes(ph);
	HANDLE h = HeapCreate(0, 0, 0);
	CHECK(h != NULL);
	nh = GetProcessHeaps(64, all);
	listed = 0;
	for (DWORD i = 0; i < nh && i < 64; i++)
		listed |= all[i] == h;
	CHECK(listed);
	sizes(h);
	realloc_rules(h);
	big_blocks(h);
	CHECK(HeapValidate(h, 0, NULL));
	CHECK(HeapDestroy(h));
	CHECK(HeapCreate(HEAP_NO_SERIALIZE, 4096, 0) != NULL);
	fixed_heaps();
	walk();
	local_global();
	crt();
	threads();
	decommit();
	return utest_done("heap_basic");
}
