/*
 * tests/bench/bench_switch.c - a switch between two processes (issue 18:
 * PCID keeps the TLB entries of both address spaces across it); ours alone,
 * the Linux peers have no such row.
 *
 *   process_switch_pingpong_event_1cpu
 *                   the parent and a forked child, both pinned to CPU 0,
 *                   hand a token through two auto-reset events the child
 *                   inherited (SetEvent + WaitForSingleObject each way):
 *                   each round trip is two switches between the address
 *                   spaces.  Compare thread_switch_pingpong_event_1cpu
 *                   (bench_thread.c: the same handoff between two threads
 *                   of one process, no page-table switch).  200 round
 *                   trips per repetition after 20 warm-ups, REPS
 *                   repetitions, the median
 *
 * On one CPU under -icount the difference between the two rows is the
 * kernel's instructions for the page-table switch (a TLB miss costs no
 * instruction there); on hardware it is also the TLB refills PCID saves.
 */
#include "bench.h"

#define SW_N 200
#define SW_WARM 20

static void child_side(HANDLE a, HANDLE b, int rounds)
{
	SetThreadAffinityMask(GetCurrentThread(), 1);
	for (int i = 0; i < rounds; i++) {
		if (WaitForSingleObject(a, 30000) != WAIT_OBJECT_0)
			_exit(2);
		SetEvent(b);
	}
	_exit(0);
}

void bench_switch(void)
{
	const char *name = "process_switch_pingpong_event_1cpu";
	unsigned long long v[REPS];
	HANDLE a = CreateEventA(NULL, FALSE, FALSE, NULL), b = CreateEventA(NULL, FALSE, FALSE, NULL);
	if (!a || !b) {
		printf("info skip %s: CreateEvent error %lu\n", name, (unsigned long)GetLastError());
		return;
	}
	DWORD_PTR old = SetThreadAffinityMask(GetCurrentThread(), 1);
	pid_t pid = fork();
	if (pid == 0)
		child_side(a, b, SW_WARM + REPS * SW_N);
	if (pid < 0) {
		printf("info skip %s: fork failed\n", name);
	} else {
		int ok = 1;
		for (int i = 0; i < SW_WARM && ok; i++)
			ok = SetEvent(a) && WaitForSingleObject(b, 30000) == WAIT_OBJECT_0;
		for (int r = 0; r < REPS && ok; r++) {
			unsigned long long t0 = rdtsc_s();
			for (int i = 0; i < SW_N && ok; i++)
				ok = SetEvent(a) && WaitForSingleObject(b, 30000) == WAIT_OBJECT_0;
			v[r] = per(rdtsc_s() - t0, SW_N);
		}
		int st = -1;
		waitpid(pid, &st, 0);
		if (ok && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			report(name, median(v, REPS), "cycles/roundtrip");
		else
			printf("info skip %s: the handoff failed (child status %d)\n", name, st);
	}
	if (old)
		SetThreadAffinityMask(GetCurrentThread(), old);
	CloseHandle(a);
	CloseHandle(b);
}
