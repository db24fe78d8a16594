/*
 * tests/bench/bench_smp_pool.c - bench_smp.exe's harness (tests/bench/bench_smp.h):
 * timing and reporting, the pinned worker pool, the parallel run and the
 * spinning or blocked siblings the shootdown rows need.
 */
#include "bench_smp.h"

int ncpu = 1;
wait_on_address_fn wait_addr;
wake_by_address_fn wake_addr;

long long median(long long *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			long long t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return (n & 1) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long long tenths(long long cycles, long long n)
{
	return (cycles * 10 + (cycles >= 0 ? n / 2 : -n / 2)) / n;
}

void report(const char *name, long long t, const char *unit)
{
	printf("bench %s_%dcpu %s%lld.%lld %s\n", name, ncpu, t < 0 ? "-" : "", (t < 0 ? -t : t) / 10,
	       (t < 0 ? -t : t) % 10, unit);
	fflush(stdout);
}

__attribute__((noreturn)) void die(const char *what)
{
	printf("info FATAL %s: error %lu\n", what, (unsigned long)GetLastError());
	fflush(stdout);
	ExitProcess(1);
}

char *valloc(SIZE_T len, DWORD prot)
{
	char *p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, prot);
	if (!p)
		die("VirtualAlloc");
	return p;
}

void vfree(void *p)
{
	if (!VirtualFree(p, 0, MEM_RELEASE))
		die("VirtualFree");
}

void touch(volatile char *p, SIZE_T len)
{
	for (SIZE_T off = 0; off < len; off += PAGE)
		p[off] = 1;
}

void pin(HANDLE h, int cpu)
{
	if (!SetThreadAffinityMask(h, (DWORD_PTR)1 << cpu))
		die("SetThreadAffinityMask");
}

DWORD_PTR all_cpus(void)
{
	return ncpu >= 64 ? ~(DWORD_PTR)0 : ((DWORD_PTR)1 << ncpu) - 1;
}

/* ---- worker pool: worker i pinned to CPU i, blocked in WaitOnAddress between jobs ---- */

typedef void (*job_fn)(int idx, void *arg);
struct worker {
	volatile LONG seq, done;
	job_fn fn;
	void *arg;
	int idx;
} __attribute__((aligned(64)));
static struct worker W[MAXCPU];

static DWORD WINAPI worker_main(void *p)
{
	struct worker *w = p;
	LONG last = 0;
	pin(GetCurrentThread(), w->idx);
	for (;;) {
		LONG s = w->seq;
		if (s == last) {
			wait_addr(&w->seq, &last, sizeof last, INFINITE);
			continue;
		}
		last = s;
		w->fn(w->idx, w->arg);
		w->done = s;
		wake_addr((PVOID)&w->done);
	}
	return 0;
}

static void post(int i, job_fn fn, void *arg)
{
	W[i].fn = fn;
	W[i].arg = arg;
	InterlockedIncrement(&W[i].seq);
	wake_addr((PVOID)&W[i].seq);
}

static void wait_done(int i)
{
	LONG s = W[i].seq;
	for (;;) {
		LONG d = W[i].done;
		if (d == s)
			break;
		wait_addr(&W[i].done, &d, sizeof d, INFINITE);
	}
}

static void job_nop(int idx, void *arg)
{
	(void)idx;
	if (arg)
		((volatile char *)arg)[0] += 1;	/* read + write the shared page */
}

void pool_create(void)
{
	for (int i = 1; i < ncpu; i++) {
		W[i].idx = i;
		HANDLE h = CreateThread(NULL, 256 * KiB, worker_main, &W[i], STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
		if (!h)
			die("CreateThread pool");
		CloseHandle(h);
	}
	for (int i = 1; i < ncpu; i++) {
		post(i, job_nop, NULL);
		wait_done(i);
	}
}

/* body(i) on CPUs 0..n-1 at once; the interval on CPU 0 from "go" to every thread finished. */
static struct {
	void (*body)(int, void *);
	void *arg;
	volatile LONG ready, go, finished;
} PAR;

static void job_par(int idx, void *arg)
{
	(void)arg;
	unsigned spins = 0;
	InterlockedIncrement(&PAR.ready);
	while (!PAR.go)
		relax(&spins);
	PAR.body(idx, PAR.arg);
	InterlockedIncrement(&PAR.finished);
}

unsigned long long run_par(int n, void (*body)(int, void *), void *arg)
{
	PAR.body = body;
	PAR.arg = arg;
	PAR.ready = PAR.go = PAR.finished = 0;
	unsigned spins = 0;
	for (int i = 1; i < n; i++)
		post(i, job_par, NULL);
	while (PAR.ready != n - 1)
		relax(&spins);
	unsigned long long t0 = rdtsc_s();
	InterlockedExchange(&PAR.go, 1);
	body(0, arg);
	while (PAR.finished != n - 1)
		relax(&spins);
	unsigned long long t1 = rdtsc_s();
	for (int i = 1; i < n; i++)
		wait_done(i);
	return t1 - t0;
}

/* ---- siblings ---- */

static struct sib {
	volatile char *page;
	volatile LONG started, stop;
	char pad[64];
	volatile unsigned long long iters __attribute__((aligned(64)));
} S[MAXCPU] __attribute__((aligned(64)));

static void sib_loop_pause(volatile char *page, volatile unsigned long long *ctr, volatile LONG *stop)
{
	__asm__ __volatile__("1:\n\t"
			     "movzbl (%0), %%eax\n\t"
			     "pause\n\t"
			     "incq (%1)\n\t"
			     "cmpl $0, (%2)\n\t"
			     "je 1b\n\t"
			     :
			     : "r"(page), "r"(ctr), "r"(stop)
			     : "eax", "memory", "cc");
}

static void job_sib(int idx, void *arg)
{
	struct sib *s = arg;
	(void)idx;
	s->started = 1;
	sib_loop_pause(s->page, &s->iters, &s->stop);
}

/* running 0: each sibling touches the page on its CPU and blocks; 1: each spins reading it. */
void sib_start(int nsib, int running, volatile char *page)
{
	for (int i = 1; i <= nsib; i++) {
		S[i].page = page;
		S[i].started = S[i].stop = 0;
		S[i].iters = 0;
		if (!running) {
			post(i, job_nop, (void *)page);
			wait_done(i);
		} else {
			post(i, job_sib, &S[i]);
		}
	}
	unsigned spins = 0;
	if (running)
		for (int i = 1; i <= nsib; i++)
			while (!S[i].started)
				relax(&spins);
}

unsigned long long sib_iters(int nsib)
{
	unsigned long long n = 0;
	for (int i = 1; i <= nsib; i++)
		n += S[i].iters;
	return n;
}

void sib_stop(int nsib, int running)
{
	if (!running)
		return;
	for (int i = 1; i <= nsib; i++)
		S[i].stop = 1;
	for (int i = 1; i <= nsib; i++)
		wait_done(i);
}
