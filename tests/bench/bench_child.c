/*
 * tests/bench/bench_child.c - the program bench.c starts to time process
 * start: its first instruction of main reads the time stamp counter and
 * leaves it in the section "bench_start" for the parent.
 */
#include <windows.h>

int main(void)
{
	unsigned lo, hi;
	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	HANDLE h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, "bench_start");
	volatile unsigned long long *t = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (!t)
		return 1;
	*t = ((unsigned long long)hi << 32) | lo;
	UnmapViewOfFile((void *)t);
	CloseHandle(h);
	return 0;
}
