/*
 * tests/bench/bench.h - what the parts of the benchmark program share: the
 * time stamp counter, the fixed-point report line, and the allocation helpers
 * (bench.c); the process, image and reservation-scaling rows are in
 * bench_process.c.
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>
#include <mmtools.h>

#define PAGE 4096ULL	/* 64-bit: long is 32 bits on Windows (LLP64) */
#define KiB 1024ULL
#define MiB (1024ULL * 1024ULL)
#define REPS 9
#define SCALE 1000ULL	/* fixed point: values in 1/1000 cycle */

static inline unsigned long long rdtsc_s(void)
{
	unsigned lo, hi;
	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long long)hi << 32) | lo;
}

/* mean of `cycles` over n, in 1/SCALE cycle */

unsigned long long per(unsigned long long cycles, unsigned long long n);
unsigned long long median(unsigned long long *v, int n);
/* Prints "bench NAME VALUE UNIT", VALUE in 1/SCALE. */
void report(const char *name, unsigned long long v, const char *unit);
__attribute__((noreturn)) void die(const char *what);
char *alloc(SIZE_T len, DWORD type, DWORD prot);
void release(void *p);
void protect(void *p, SIZE_T len, DWORD prot);
void touch(volatile char *p, SIZE_T len);

/* bench_process.c */
void bench_process_start(void);
void bench_image_map(void);
void bench_reserve_scaling(unsigned N);

/* bench_files.c */
void bench_files(void);
/* bench_fmap.c: the mapped-file rows (issue 20) and process start from C:\. */
void bench_fmap(void);

/* bench_thread.c: the thread rows (issue 17) */
void bench_threads(void);
/* bench_switch.c: a switch between two processes (issue 18, PCID) */
void bench_switch(void);

/* bench_heap.c: the heap rows (issue 22) */
void bench_heap(void);

/* bench_procmem.c: another process's memory, the ring buffer's placeholders (issue 21) */
void bench_procmem(void);

/* bench_sqlite.c: SQLite's speedtest1 (issue 20) */
void bench_sqlite(void);

#endif
