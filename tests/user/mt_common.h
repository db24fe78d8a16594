/*
 * tests/user/mt_common.h - what the concurrency tests (tests/user/mt_*.c)
 * share: checks any thread may make, threads started and joined, a barrier,
 * time bounds, and the leak oracle (frames and commit) of utest.h, reached
 * through mmtools.dll loaded at run time so the same .exe runs under Wine
 * (which has no mmtools.dll: there the oracle is skipped and says nothing).
 *
 *   MT_CHECK(cond);  MT_CHECK_EQ(a, b);      from any thread
 *   mt_start(fn, arg) / mt_join(h)          CreateThread / wait + close
 *   mt_barrier(&b, n)                       n threads meet (generation barrier)
 *   mt_deadline(ms) / mt_expired(d)         bounded loops (GetTickCount)
 *   mt_warm_begin(&o) / mt_oracle_end(&o)   frames and commit back
 *   return mt_done("name");
 */
#ifndef TESTS_USER_MT_COMMON_H
#define TESTS_USER_MT_COMMON_H

#include <string.h>

#include "utest.h"

static volatile LONG mt_checks, mt_failures, mt_print_lock;

/* Prints one failure line under a spin lock (the C runtime's stdout is not
 * assumed to be thread-safe); after 20 lines only counts. */
static __attribute__((unused, noinline)) void mt_fail(const char *what, unsigned long long a, unsigned long long b,
						      int has_values, const char *file, int line)
{
	LONG n = InterlockedIncrement(&mt_failures);
	if (n > 20)
		return;
	while (InterlockedCompareExchange(&mt_print_lock, 1, 0) != 0)
		SwitchToThread();
	if (has_values)
		printf("  check failed: %s: 0x%llx != 0x%llx (%s:%d, thread %lu)\n", what, a, b, file, line,
		       (unsigned long)GetCurrentThreadId());
	else
		printf("  check failed: %s (%s:%d, thread %lu)\n", what, file, line, (unsigned long)GetCurrentThreadId());
	fflush(stdout);
	InterlockedExchange(&mt_print_lock, 0);
}

#define MT_CHECK(c)                                                    \
	do {                                                           \
		InterlockedIncrement(&mt_checks);                      \
		if (!(c))                                              \
			mt_fail(#c, 0, 0, 0, __FILE__, __LINE__);      \
	} while (0)

#define MT_CHECK_EQ(a, b)                                                                        \
	do {                                                                                     \
		unsigned long long ma_ = (unsigned long long)(a), mb_ = (unsigned long long)(b); \
		InterlockedIncrement(&mt_checks);                                                \
		if (ma_ != mb_)                                                                  \
			mt_fail(#a " == " #b, ma_, mb_, 1, __FILE__, __LINE__);                  \
	} while (0)

/* Starts fn(arg) on a new thread with a 64 KiB stack; a failure counts and returns NULL. */
static __attribute__((unused)) HANDLE mt_start(LPTHREAD_START_ROUTINE fn, void *arg)
{
	HANDLE h = CreateThread(NULL, 0x10000, fn, arg, 0, NULL);
	MT_CHECK(h != NULL);
	return h;
}

/* Waits for thread h (at most 120 s), checks its exit code is 0 and closes it. */
static __attribute__((unused)) void mt_join(HANDLE h)
{
	if (!h)
		return;
	MT_CHECK_EQ(WaitForSingleObject(h, 120000), WAIT_OBJECT_0);
	DWORD code = 0xdeadbeef;
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, 0);
	MT_CHECK(CloseHandle(h));
}

/* Waits for every thread of hs[0..n) and closes them. */
static __attribute__((unused)) void mt_join_all(HANDLE *hs, int n)
{
	for (int i = 0; i < n; i++)
		mt_join(hs[i]);
}

/* Spins a little (the other thread may run on another CPU), then yields (one CPU). */
static inline void mt_relax(unsigned *spins)
{
	if (++*spins < 200)
		YieldProcessor();
	else
		SwitchToThread();
}

/* A barrier for n threads: the last to arrive opens the next generation. */
struct mt_barrier {
	volatile LONG count, gen;
};

#define MT_WAIT_LIMIT_MS 30000	/* a wait that long is a failure (a lost wake-up, a dead thread) */

static __attribute__((unused)) void mt_barrier(struct mt_barrier *b, LONG n)
{
	LONG gen = b->gen;
	if (InterlockedIncrement(&b->count) == n) {
		b->count = 0;
		InterlockedIncrement(&b->gen);
		return;
	}
	unsigned spins = 0;
	DWORD t0 = GetTickCount();
	while (b->gen == gen) {
		mt_relax(&spins);
		if (GetTickCount() - t0 > MT_WAIT_LIMIT_MS) {
			mt_fail("barrier: the other threads never came", (unsigned long long)b->count, (unsigned long long)n,
				1, __FILE__, __LINE__);
			return;
		}
	}
}

/* Waits until *p == v; after MT_WAIT_LIMIT_MS a failure (with the value seen) and 0. */
static __attribute__((unused)) int mt_wait_eq(volatile LONG *p, LONG v)
{
	unsigned spins = 0;
	DWORD t0 = GetTickCount();
	while (*p != v) {
		mt_relax(&spins);
		if (GetTickCount() - t0 > MT_WAIT_LIMIT_MS) {
			mt_fail("wait: the value never came", (unsigned long long)*p, (unsigned long long)v, 1, __FILE__,
				__LINE__);
			return 0;
		}
	}
	return 1;
}

/* Non-zero under Wine (ntdll exports wine_get_version): the speed and the oracle differ. */
static __attribute__((unused)) int mt_is_wine(void)
{
	return GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != NULL;
}

/*
 * Iterations for a loop: `ours` on this kernel (QEMU TCG, 50-100x slower
 * than the host), ten times that under Wine.
 */
static __attribute__((unused)) unsigned mt_iters(unsigned ours)
{
	return mt_is_wine() ? ours * 10 : ours;
}

static __attribute__((unused)) DWORD mt_deadline(DWORD ms)
{
	return GetTickCount() + ms;
}

static __attribute__((unused)) int mt_expired(DWORD deadline)
{
	return (LONG)(GetTickCount() - deadline) >= 0;
}

/*
 * mt_probe_read(p, &v): reads the 8 bytes at p into v and returns 0, or
 * returns the exception code the read raised (v untouched).  Like utest.h's
 * probes, with the value; call mt_probe_init once.
 */
__asm__(".text\n"
	".globl mt_probe_read_fn\n"
	"mt_probe_read_fn:\n	xor %eax, %eax\n"
	"mt_probe_read_insn:\n	movq (%rcx), %r8\n"
	"	movq %r8, (%rdx)\n"
	"mt_probe_read_end:\n	ret\n");
extern char mt_probe_read_insn[], mt_probe_read_end[];
unsigned mt_probe_read_fn(const volatile void *p, unsigned long long *v);

static __attribute__((unused)) LONG WINAPI mt_probe_handler(EXCEPTION_POINTERS *ep)
{
	CONTEXT *c = ep->ContextRecord;
	if (c->Rip != (DWORD64)mt_probe_read_insn)
		return EXCEPTION_CONTINUE_SEARCH;
	c->Rax = ep->ExceptionRecord->ExceptionCode;
	c->Rip = (DWORD64)mt_probe_read_end;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static __attribute__((unused)) void mt_probe_init(void)
{
	AddVectoredExceptionHandler(1, mt_probe_handler);
	utest_probe_init();
}

#define mt_probe_read(p, v) mt_probe_read_fn((p), (v))

/* ---- the leak oracle --------------------------------------------------------------- */

typedef NTSTATUS (*mt_frame_stats_fn)(struct abi_frame_stats *);
typedef NTSTATUS (*mt_memory_status_fn)(struct abi_memory_status *);

struct mt_oracle {
	int on;
	unsigned long long free_frames, commit;
};

static mt_frame_stats_fn mt_fs;
static mt_memory_status_fn mt_ms;

/* Loads mmtools.dll once (not under Wine); returns non-zero when the oracle works. */
static int mt_oracle_load(void)
{
	static int loaded;
	if (!loaded) {
		loaded = 1;
		if (mt_is_wine())
			return 0;
		HMODULE m = LoadLibraryA("mmtools.dll");
		if (m) {
			mt_fs = (mt_frame_stats_fn)(void *)GetProcAddress(m, "mm_frame_stats");
			mt_ms = (mt_memory_status_fn)(void *)GetProcAddress(m, "mm_memory_status");
		}
		utest_warm_images();	/* after the load: mmtools' own pages are in every baseline */
	}
	return mt_fs && mt_ms;
}

/* utest_free_frames' measure: free + page tables + pool - paged out. */
static unsigned long long mt_free_frames(void)
{
	struct abi_frame_stats s;
	memset(&s, 0, sizeof s);
	MT_CHECK_EQ(mt_fs(&s), 0);
	return s.free + s.pagetable + s.pool - s.paged_out;
}

static unsigned long long mt_commit(void)
{
	struct abi_memory_status s;
	memset(&s, 0, sizeof s);
	MT_CHECK_EQ(mt_ms(&s), 0);
	return s.process_charge;
}

/*
 * Commits the next 32 KiB of the calling thread's stack (the compiler's stack
 * probe touches the array page by page, top down, through the guard page).
 * A wait that blocks goes deeper than one that finds its thread already ended,
 * so on several CPUs the measured block may reach one stack page further than
 * the warm-up did: the program's own memory, not a leak.  (The per-processor
 * heap caches below were the measured cause of thread_tls's extra page at 4
 * CPUs; this one is the same kind of growth, made impossible too.)
 */
static __attribute__((unused, noinline)) void mt_stack_reserve_depth(void)
{
	volatile char depth[32768];
	for (int i = (int)sizeof(depth) - 1; i >= 0; i -= 4096)
		depth[i] = 0;
}

/*
 * Gives every heap its cache page on every processor this process may run on:
 * each heap commits one page per processor at that processor's first small
 * allocation (libc/ntdll/heap_cache.c, as Windows' LFH affinity slots), so a
 * thread of the measured block landing on a processor the warm-up did not
 * use would otherwise add a page that is the heap's, not a leak.
 */
static __attribute__((unused)) void mt_heap_warm_cpus(void)
{
	DWORD_PTR proc_mask, sys_mask;
	HANDLE heaps[16];
	HANDLE self = GetCurrentThread();
	if (!GetProcessAffinityMask(GetCurrentProcess(), &proc_mask, &sys_mask))
		return;
	DWORD nh = GetProcessHeaps(16, heaps);
	DWORD_PTR old = SetThreadAffinityMask(self, proc_mask);
	for (int cpu = 0; cpu < 64; cpu++) {
		if (!(proc_mask & ((DWORD_PTR)1 << cpu)) || !SetThreadAffinityMask(self, (DWORD_PTR)1 << cpu))
			continue;
		for (DWORD i = 0; i < nh && i < 16; i++)
			HeapFree(heaps[i], 0, HeapAlloc(heaps[i], 0, 16));
	}
	if (old)
		SetThreadAffinityMask(self, old);
}

/*
 * Takes the baseline: call it when every thread of the block under test has
 * been joined once already (a first thread may grow the C runtime's heap).
 */
static __attribute__((unused)) void mt_oracle_begin(struct mt_oracle *o)
{
	mt_stack_reserve_depth();
	if (mt_oracle_load())
		mt_heap_warm_cpus();
	o->free_frames = o->commit = 0;
	o->on = mt_oracle_load();
	if (o->on) {
		o->free_frames = mt_free_frames();
		o->commit = mt_commit();
	}
}

static DWORD WINAPI mt_noop(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * Starts and joins one thread first (a first thread may grow the C runtime's
 * heap, which is never given back), then takes the baseline.
 */
static __attribute__((unused)) void mt_warm_begin(struct mt_oracle *o)
{
	mt_join(mt_start(mt_noop, NULL));
	mt_oracle_begin(o);
}

/* Every frame and every page of commit is back (threads joined, memory released). */
static __attribute__((unused)) void mt_oracle_end(struct mt_oracle *o, const char *what)
{
	if (!o->on)
		return;
	unsigned long long f = mt_free_frames(), c = mt_commit();
	if (f != o->free_frames || c != o->commit)
		printf("  oracle %s: free frames %llu -> %llu, commit %llu -> %llu\n", what, o->free_frames, f,
		       o->commit, c);
	MT_CHECK_EQ(f, o->free_frames);
	MT_CHECK_EQ(c, o->commit);
}

/* A small xorshift generator per thread. */
static inline unsigned mt_rand(unsigned *s)
{
	unsigned x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static __attribute__((unused)) int mt_done(const char *name)
{
	utest_checks += mt_checks;
	utest_failures += mt_failures;
	return utest_done(name);
}

#endif
