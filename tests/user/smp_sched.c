/*
 * tests/user/smp_sched.c - issue 18: the scheduler's per-CPU run queues keep
 * Windows' rules on several CPUs.  As many spinning threads as CPUs run on
 * all of them at once (a thread made ready goes to an idle CPU); twice as
 * many, each doing a fixed amount of work, all finish and between them use
 * every CPU (queued on busy CPUs, taken by the ones that free up); a thread
 * of higher priority made ready while every CPU it may use runs a lower one
 * takes one of them at once; a thread queued behind a higher-priority one
 * on its only allowed CPU runs elsewhere as soon as its affinity lets it.
 * On one CPU the checks that need several are skipped.
 */
#include "smp_common.h"

static unsigned n;
static volatile LONG stop, started;
static volatile LONG where[SMP_MAX_TOUCHERS + 1];

/* Spins until stop, writing the CPU it is on into where[i]. */
static DWORD WINAPI spinner(void *arg)
{
	unsigned i = (unsigned)(ULONG_PTR)arg;
	InterlockedIncrement(&started);
	while (!stop)
		where[i] = (LONG)GetCurrentProcessorNumber();
	return 0;
}

/* n spinners: at some moment they are on n different CPUs. */
static void spread(void)
{
	HANDLE h[SMP_MAX_TOUCHERS + 1];
	stop = 0;
	started = 0;
	for (unsigned i = 0; i < n; i++) {
		where[i] = -1;
		h[i] = mt_start(spinner, (void *)(ULONG_PTR)i);
	}
	MT_CHECK(mt_wait_eq(&started, (LONG)n));
	unsigned best = 0;
	for (int tries = 0; tries < 400 && best < n; tries++) {
		ULONG seen = 0;
		for (unsigned i = 0; i < n; i++)
			if (where[i] >= 0)
				seen |= 1u << where[i];
		unsigned k = (unsigned)__builtin_popcount(seen);
		if (k > best)
			best = k;
		Sleep(5);
	}
	MT_CHECK_EQ(best, n);
	stop = 1;
	mt_join_all(h, (int)n);
}

static volatile LONG used_mask;

/* A fixed amount of work, noting every CPU it ran on. */
static DWORD WINAPI worker(void *arg)
{
	(void)arg;
	ULONG mine = 0;
	for (unsigned long i = 0; i < 3000000; i++) {
		if ((i & 1023) == 0)
			mine |= 1u << GetCurrentProcessorNumber();
		__asm__ volatile("" ::: "memory");
	}
	InterlockedOr(&used_mask, (LONG)mine);
	return 0;
}

/* 2n workers: all finish, and between them they ran on every CPU. */
static void oversubscribed(void)
{
	HANDLE h[2 * (SMP_MAX_TOUCHERS + 1)];
	used_mask = 0;
	for (unsigned i = 0; i < 2 * n; i++)
		h[i] = mt_start(worker, NULL);
	mt_join_all(h, (int)(2 * n));
	MT_CHECK_EQ((ULONG)used_mask, n >= 32 ? ~0u : (1u << n) - 1);
}

static volatile LONG hi_cpu;

static DWORD WINAPI high(void *arg)
{
	(void)arg;
	hi_cpu = (LONG)GetCurrentProcessorNumber();
	return 0;
}

/*
 * Every CPU but 0 (the main thread's) runs a below-normal spinner; a thread
 * of the highest priority that may not use CPU 0 runs at once on one of
 * them, while they still spin.
 */
static void preempt_lower(void)
{
	HANDLE h[SMP_MAX_TOUCHERS + 1];
	stop = 0;
	started = 0;
	for (unsigned i = 1; i < n; i++) {
		h[i] = CreateThread(NULL, 0x10000, spinner, (void *)(ULONG_PTR)i, CREATE_SUSPENDED, NULL);
		MT_CHECK(h[i] != NULL);
		smp_pin(h[i], i);
		MT_CHECK(SetThreadPriority(h[i], THREAD_PRIORITY_BELOW_NORMAL));
		MT_CHECK_EQ(ResumeThread(h[i]), 1);
	}
	MT_CHECK(mt_wait_eq(&started, (LONG)(n - 1)));
	hi_cpu = -1;
	HANDLE t = CreateThread(NULL, 0x10000, high, NULL, CREATE_SUSPENDED, NULL);
	MT_CHECK(t != NULL);
	MT_CHECK(SetThreadAffinityMask(t, (((DWORD_PTR)1 << n) - 1) & ~(DWORD_PTR)1) != 0);
	MT_CHECK(SetThreadPriority(t, THREAD_PRIORITY_HIGHEST));
	MT_CHECK_EQ(ResumeThread(t), 1);
	MT_CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
	MT_CHECK(hi_cpu >= 1 && hi_cpu < (LONG)n);
	MT_CHECK_EQ(stop, 0);	/* the spinners were still there */
	CloseHandle(t);
	stop = 1;
	for (unsigned i = 1; i < n; i++)
		mt_join(h[i]);
}

/*
 * A highest-priority spinner holds CPU n-1; a normal thread allowed only
 * there waits behind it; allowed CPU n-2 instead, it runs there at once.
 */
static void requeue(void)
{
	stop = 0;
	started = 0;
	HANDLE hog = CreateThread(NULL, 0x10000, spinner, (void *)(ULONG_PTR)0, CREATE_SUSPENDED, NULL);
	MT_CHECK(hog != NULL);
	smp_pin(hog, n - 1);
	MT_CHECK(SetThreadPriority(hog, THREAD_PRIORITY_HIGHEST));
	MT_CHECK_EQ(ResumeThread(hog), 1);
	MT_CHECK(mt_wait_eq(&started, 1));
	hi_cpu = -1;
	HANDLE t = CreateThread(NULL, 0x10000, high, NULL, CREATE_SUSPENDED, NULL);
	MT_CHECK(t != NULL);
	smp_pin(t, n - 1);
	MT_CHECK_EQ(ResumeThread(t), 1);
	MT_CHECK_EQ(WaitForSingleObject(t, 200), WAIT_TIMEOUT);	/* queued behind the hog */
	MT_CHECK_EQ(hi_cpu, -1);
	smp_pin(t, n - 2);
	MT_CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
	MT_CHECK_EQ(hi_cpu, (LONG)(n - 2));
	CloseHandle(t);
	stop = 1;
	mt_join(hog);
}

int main(void)
{
	n = smp_ncpu();
	if (n > SMP_MAX_TOUCHERS + 1)
		n = SMP_MAX_TOUCHERS + 1;
	smp_pin(GetCurrentThread(), 0);
	spread();
	oversubscribed();
	if (n >= 2) {
		preempt_lower();
		requeue();
	}
	MT_CHECK(SetThreadAffinityMask(GetCurrentThread(), n >= 64 ? ~(DWORD_PTR)0 : ((DWORD_PTR)1 << n) - 1) != 0);
	return mt_done("smp_sched");
}
