/*
 * tests/bench/bench_smp.h - what the two halves of bench_smp.exe share: the
 * constants, the timing and reporting helpers, the worker pool (worker i
 * pinned to CPU i, blocked in WaitOnAddress between jobs), the parallel run
 * and the siblings (tests/bench/bench_smp_pool.c); the rows are in
 * tests/bench/bench_smp.c.
 */
#ifndef BENCH_SMP_H
#define BENCH_SMP_H

#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <psapi.h>


#define PAGE 4096ULL
#define KiB 1024ULL
#define MiB (1024ULL * 1024ULL)
#define REPS 9
#define MAXCPU 8
#define K_PAUSE 5

extern int ncpu;	/* the CPUs the system reports, at most MAXCPU */

typedef BOOL(WINAPI *wait_on_address_fn)(volatile VOID *, PVOID, SIZE_T, DWORD);
typedef void(WINAPI *wake_by_address_fn)(PVOID);
extern wait_on_address_fn wait_addr;
extern wake_by_address_fn wake_addr;

static inline unsigned long long rdtsc_s(void)
{
	unsigned lo, hi;
	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long long)hi << 32) | lo;
}

static inline void cpu_pause(void)
{
	__asm__ __volatile__("pause" : : : "memory");
}

/*
 * A spin-wait step: pause (under -icount it ends this CPU's turn, so a wait
 * costs a few instructions per turn, as the anchor's); after 4096 spins in
 * a row also yield, for a kernel that runs the waited-for thread on this
 * CPU (never reached when every thread has a CPU of its own).
 */
static inline void relax(unsigned *spins)
{
	cpu_pause();
	if (++*spins % 4096 == 0)
		SwitchToThread();
}

/* Values are in tenths of a cycle (the anchor prints one decimal): the median of v[0..n). */
long long median(long long *v, int n);
/* cycles / n in tenths, rounded. */
long long tenths(long long cycles, long long n);
/* "bench NAME_<ncpu>cpu VALUE unit", t in tenths. */
void report(const char *name, long long t, const char *unit);
/* "info FATAL what: error N" and the process ends. */
__attribute__((noreturn)) void die(const char *what);
/* VirtualAlloc(MEM_RESERVE|MEM_COMMIT) of len bytes with prot, or die. */
char *valloc(SIZE_T len, DWORD prot);
/* VirtualFree(MEM_RELEASE), or die. */
void vfree(void *p);
/* A write to each page of [p, p+len). */
void touch(volatile char *p, SIZE_T len);
/* Thread h runs on CPU cpu only, or die. */
void pin(HANDLE h, int cpu);
/* The mask of every CPU. */
DWORD_PTR all_cpus(void);

/* Start workers 1..ncpu-1, each pinned to its CPU and blocked until it has work. */
void pool_create(void);
/* body(i, arg) on CPUs 0..n-1 at once; the cycles on CPU 0 from "go" to every thread finished. */
unsigned long long run_par(int n, void (*body)(int, void *), void *arg);
/* Siblings 1..nsib: running 0, each touches page on its CPU and blocks; 1, each spins reading it. */
void sib_start(int nsib, int running, volatile char *page);
/* The running siblings' loop iterations so far. */
unsigned long long sib_iters(int nsib);
/* Stop the running siblings and wait until they are blocked again. */
void sib_stop(int nsib, int running);

#endif
