/*
 * tests/bench/bench_heap.c - the heap rows of `make bench` (issue 22), the
 * workloads of ../shared/peer/linux-bench-files (bench_files.c, "malloc")
 * copied; each value the median of REPS repetitions of the mean over the
 * inner loop, as the anchor:
 *
 *   malloc_free_small           HeapAlloc(process heap, 16 * (1 + i % 64)),
 *                               a 1-byte store, HeapFree; N = 2000 pairs,
 *                               cycles/pair (the anchor: glibc malloc/free)
 *   malloc_free_small_crt       the same through msvcrt's malloc/free (on
 *                               the process heap); ours alone
 *   malloc_free_small_mimalloc  the same through mimalloc 2.0.9's
 *                               mi_malloc/mi_free, built unchanged, in a
 *                               child process (bench_heap_mi.exe) so that its
 *                               segments do not weigh on the other rows: each
 *                               repetition is one child (a warm-up loop, then
 *                               the timed one), its exit code the cycles
 *   malloc_free_small_4threads  the first row in 4 threads at once on 4
 *                               CPUs, each REPS x N pairs on the process heap:
 *                               the main thread's cycles from the start
 *                               signal to the last thread's end / (4 x REPS
 *                               x N).  Under -icount the clock counts the
 *                               instructions of ALL CPUs (one clock, vCPUs in
 *                               turn) and jumps over time all CPUs idle, so
 *                               this is the work per pair: equal to the
 *                               single-thread row when threads never meet
 *                               (perfect scaling), above it by what lock
 *                               contention costs (spins, waits, system
 *                               calls, idle time).  (A thread's own span is
 *                               no measure there: threads that run one after
 *                               another each see only their own work.)
 *                               Only with 4 CPUs (make bench boots one: info skip)
 *   realloc_grow_64m            HeapAlloc(16), then HeapReAlloc to 32, 64,
 *                               ... 64 MiB (22 calls), a 1-byte store at the
 *                               new end after each; cycles for the sequence,
 *                               median of 31; HeapFree untimed
 *
 * bench.exe links this file (bench_heap()); bench_heap_mi.exe is the same
 * file built with -DBENCH_MIMALLOC and mimalloc's static.o (its main()).
 */
#include "bench.h"
#ifdef BENCH_MIMALLOC
#include <mimalloc.h>
#endif

#define PAIRS 2000

/* One repetition of the pair loop with alloc/free: its cycles, or 0 when an allocation failed. */
#define PAIR_LOOP(alloc, release)                                                  \
	({                                                                         \
		unsigned long long t0 = rdtsc_s(), t = 0;                          \
		int i;                                                             \
		for (i = 0; i < PAIRS; i++) {                                      \
			char *p = alloc(16 * (SIZE_T)(1 + i % 64));                \
			if (!p)                                                    \
				break;                                             \
			*(volatile char *)p = (char)i;                             \
			__asm__ __volatile__("" : : "r"(p) : "memory");            \
			release(p);                                                \
		}                                                                  \
		if (i == PAIRS)                                                    \
			t = rdtsc_s() - t0;                                        \
		t;                                                                 \
	})

#ifdef BENCH_MIMALLOC
/* One repetition: the exit code is its cycles (0: failed). */
int main(void)
{
	if (!PAIR_LOOP(mi_malloc, mi_free))	/* warm: mimalloc's first segment and pages */
		return 0;
	unsigned long long t = PAIR_LOOP(mi_malloc, mi_free);
	return t > 0x7fffffff ? 0 : (int)t;
}
#else

static HANDLE heap;

static void *heap_alloc(SIZE_T n)
{
	return HeapAlloc(heap, 0, n);
}

static void heap_free(void *p)
{
	HeapFree(heap, 0, p);
}

/* A repetition's cycles per pair, in 1/SCALE cycle. */
static unsigned long long pairs_per(unsigned long long cycles)
{
	if (!cycles)
		die("allocation in the pair loop");
	return per(cycles, PAIRS);
}

static void heap_row(void)
{
	unsigned long long v[REPS];
	pairs_per(PAIR_LOOP(heap_alloc, heap_free));	/* warm-up */
	for (int r = 0; r < REPS; r++)
		v[r] = pairs_per(PAIR_LOOP(heap_alloc, heap_free));
	report("malloc_free_small", median(v, REPS), "cycles/pair");
}

static void crt_row(void)
{
	unsigned long long v[REPS];
	pairs_per(PAIR_LOOP(malloc, free));
	for (int r = 0; r < REPS; r++)
		v[r] = pairs_per(PAIR_LOOP(malloc, free));
	report("malloc_free_small_crt", median(v, REPS), "cycles/pair");
}

/* mimalloc in bench_heap_mi.exe, one child per repetition. */
static void mimalloc_row(void)
{
	unsigned long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		ULONG pid;
		DWORD code = 0;
		NTSTATUS st = mm_spawn("bench_heap_mi.exe", &pid);
		if (st || mm_wait(pid, &code) || code == 0 || code == STILL_ACTIVE) {
			printf("info skip malloc_free_small_mimalloc: bench_heap_mi.exe failed (status %#lx, exit %lu)\n",
			       (unsigned long)st, (unsigned long)code);
			return;
		}
		v[r] = per(code, PAIRS);
	}
	report("malloc_free_small_mimalloc", median(v, REPS), "cycles/pair");
}

static volatile LONG go;
static int thread_result[4];	/* 1: the thread did all its pairs */

static DWORD WINAPI pair_thread(void *arg)
{
	while (!go)
		;
	for (int r = 0; r < REPS; r++)
		if (!PAIR_LOOP(heap_alloc, heap_free))
			return 1;
	thread_result[(ULONG_PTR)arg] = 1;
	return 0;
}

/* 4 threads at once on the process heap; each does REPS x PAIRS pairs.  Only with 4 CPUs or more. */
static void threads_row(void)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	if (si.dwNumberOfProcessors < 4) {
		printf("info skip malloc_free_small_4threads: %lu CPU(s)\n", (unsigned long)si.dwNumberOfProcessors);
		return;
	}
	HANDLE t[4];
	go = 0;
	for (ULONG_PTR i = 0; i < 4; i++)
		if (!(t[i] = CreateThread(NULL, 0, pair_thread, (void *)i, 0, NULL)))
			die("CreateThread");
	unsigned long long t0 = rdtsc_s();
	go = 1;
	WaitForMultipleObjects(4, t, TRUE, INFINITE);
	unsigned long long all = rdtsc_s() - t0;
	for (int i = 0; i < 4; i++) {
		CloseHandle(t[i]);
		if (!thread_result[i])
			die("malloc_free_small_4threads: an allocation failed");
	}
	report("malloc_free_small_4threads", per(all, 4ULL * REPS * PAIRS), "cycles/pair");
}

static void realloc_row(void)
{
	enum { RR = 31 };
	unsigned long long g[RR];
	for (int r = 0; r < RR; r++) {
		unsigned long long t0 = rdtsc_s();
		char *p = HeapAlloc(heap, 0, 16);
		if (!p)
			die("HeapAlloc");
		p[0] = 0x5a;
		for (SIZE_T sz = 32; sz <= 64 * MiB; sz *= 2) {
			if (!(p = HeapReAlloc(heap, 0, p, sz)))
				die("HeapReAlloc");
			p[sz - 1] = 1;	/* the new end is usable */
		}
		g[r] = per(rdtsc_s() - t0, 1);
		if (p[0] != 0x5a)
			die("HeapReAlloc lost data");
		HeapFree(heap, 0, p);
	}
	report("realloc_grow_64m", median(g, RR), "cycles");
}

void bench_heap(void)
{
	heap = GetProcessHeap();
	printf("info malloc_free_small: HeapAlloc/HeapFree on the process heap (msvcrt malloc: _crt)\n");
	heap_row();
	crt_row();
	mimalloc_row();
	threads_row();
	realloc_row();
}
#endif
