/*
 * tests/bench/bench_heap.c - the heap rows of issue 22, standalone
 * (`make run PROG=tests/bench/bench_heap.c`; under make bench's -icount the
 * cycles are guest instructions):
 *   heap_alloc_free_16_1024   HeapAlloc+HeapFree of 16..1024-byte blocks,
 *                             cycles per pair (64 live blocks, sizes cycling)
 *   crt_malloc_free_16_1024   the same through msvcrt's malloc/free
 *   heap_realloc_to_64mib     HeapReAlloc of one block growing by 1/8 each
 *                             step from 16 bytes to 64 MiB, cycles per call
 * With -DBENCH_MIMALLOC and mimalloc's static.o linked in, the same first row
 * through mi_malloc/mi_free (mimalloc_alloc_free_16_1024).
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
#ifdef BENCH_MIMALLOC
#include <mimalloc.h>
#endif

static inline unsigned long long cycles(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

#define ROUNDS 20000
#define LIVE   64

static unsigned sizes[LIVE];

static void init_sizes(void)
{
	unsigned x = 1;
	for (int i = 0; i < LIVE; i++) {
		x = x * 1103515245u + 12345u;
		sizes[i] = 16 + (x >> 8) % (1024 - 16 + 1);
	}
}

static void report(const char *name, unsigned long long total, unsigned long long n)
{
	printf("bench %s %llu cycles\n", name, total / n);
}

static void heap_row(void)
{
	HANDLE h = GetProcessHeap();
	void *live[LIVE] = { 0 };
	for (int i = 0; i < LIVE; i++)
		live[i] = HeapAlloc(h, 0, sizes[i]);
	unsigned long long t = cycles();
	for (int r = 0; r < ROUNDS; r++) {
		int i = r % LIVE;
		HeapFree(h, 0, live[i]);
		live[i] = HeapAlloc(h, 0, sizes[(i + r / LIVE) % LIVE]);
	}
	report("heap_alloc_free_16_1024", cycles() - t, ROUNDS);
	for (int i = 0; i < LIVE; i++)
		HeapFree(h, 0, live[i]);
}

static void crt_row(void)
{
	void *volatile live[LIVE] = { 0 };
	for (int i = 0; i < LIVE; i++)
		live[i] = malloc(sizes[i]);
	unsigned long long t = cycles();
	for (int r = 0; r < ROUNDS; r++) {
		int i = r % LIVE;
		free(live[i]);
		live[i] = malloc(sizes[(i + r / LIVE) % LIVE]);
	}
	report("crt_malloc_free_16_1024", cycles() - t, ROUNDS);
	for (int i = 0; i < LIVE; i++)
		free(live[i]);
}

#ifdef BENCH_MIMALLOC
static void mimalloc_row(void)
{
	void *volatile live[LIVE] = { 0 };
	for (int i = 0; i < LIVE; i++)
		live[i] = mi_malloc(sizes[i]);
	unsigned long long t = cycles();
	for (int r = 0; r < ROUNDS; r++) {
		int i = r % LIVE;
		mi_free(live[i]);
		live[i] = mi_malloc(sizes[(i + r / LIVE) % LIVE]);
	}
	report("mimalloc_alloc_free_16_1024", cycles() - t, ROUNDS);
	for (int i = 0; i < LIVE; i++)
		mi_free(live[i]);
}
#endif

static void realloc_row(void)
{
	HANDLE h = GetProcessHeap();
	SIZE_T n = 16;
	char *p = HeapAlloc(h, 0, n);
	unsigned long long calls = 0, t = cycles();
	while (n < (64u << 20)) {
		n += n / 8 + 16;
		if (n > (64u << 20))
			n = 64u << 20;
		p = HeapReAlloc(h, 0, p, n);
		if (!p) {
			printf("bench heap_realloc_to_64mib: failed at %zu bytes\n", (size_t)n);
			return;
		}
		p[n - 1] = 1;
		calls++;
	}
	report("heap_realloc_to_64mib", cycles() - t, calls);
	printf("bench-info heap_realloc_to_64mib: %llu calls\n", calls);
	HeapFree(h, 0, p);
}

int main(void)
{
	init_sizes();
	heap_row();
	crt_row();
#ifdef BENCH_MIMALLOC
	mimalloc_row();
#endif
	realloc_row();
	return 0;
}
