/*
 * tests/bench/bench_smp.c - the multi-CPU rows of `make bench` (issue 18):
 * the workloads of ../shared/peer/linux-bench-smp/bench_smp.c (read its
 * README) with the Win32 calls in place of Linux's, one program booted with
 * SMP=2 and SMP=4.  Every row is "bench NAME_<n>cpu VALUE unit", n the CPUs
 * the system reports; VALUE the median of REPS repetitions of the mean over
 * an inner loop; timestamps are taken only on CPU 0 by the thread that
 * drives the test (under -icount a difference counts the instructions of
 * ALL CPUs: work, not elapsed time).
 *
 *   mmap/munmap    VirtualAlloc(MEM_RESERVE|MEM_COMMIT)/VirtualFree(MEM_RELEASE)
 *   mprotect       VirtualProtect (PAGE_READONLY <-> PAGE_READWRITE)
 *   futex          WaitOnAddress/WakeByAddressSingle
 *   pthread/clone  CreateThread (64 KiB reserved) + WaitForSingleObject +
 *                  CloseHandle / a raw thread (bench_raw.h, as bench_thread.c)
 *   sched_setaffinity  SetThreadAffinityMask; the anchor's "_samecpu" rows
 *                  (the child inherits the creator's CPU) set the process's
 *                  mask to CPU 0 (a new Windows thread takes the process's)
 *   minor faults   GetProcessMemoryInfo's PageFaultCount (process-wide)
 *
 * A running sibling executes the anchor's loop exactly (movzbl; pause;
 * incq; cmpl; je: 5 instructions) and the *_shootdown rows are net of it.
 * Workers 1..n-1 are pinned to CPU i and block in WaitOnAddress between
 * jobs (the "blocked sibling" state).
 */
#include "bench_smp.h"
#include "bench_raw.h"

/* ---- single-thread reference rows ---- */

static void bench_floor(void)
{
	long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s(), t1 = rdtsc_s();
		v[r] = (long long)(t1 - t0) * 10;
	}
	report("floor_rdtsc_pair", median(v, REPS), "cycles");
	typedef ULONG(WINAPI * pid_fn)(void);
	pid_fn sys_pid = (pid_fn)(void (*)(void))GetProcAddress(GetModuleHandleA("ntdll.dll"), "MmGetCurrentProcessId");
	if (!sys_pid)
		die("ntdll!MmGetCurrentProcessId");
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < 1000; i++)
			sys_pid();
		v[r] = tenths((long long)(rdtsc_s() - t0), 1000);
	}
	report("syscall_getppid", median(v, REPS), "cycles/call");
}

static void bench_demand_zero(void)
{
	const SIZE_T LEN = 16 * MiB;
	long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		char *p = valloc(LEN, PAGE_READWRITE);
		unsigned long long t0 = rdtsc_s();
		touch(p, LEN);
		v[r] = tenths((long long)(rdtsc_s() - t0), LEN / PAGE);
		vfree(p);
	}
	report("fault_demand_zero_4k", median(v, REPS), "cycles/page");
}

/* A 1-page read-write region between two no-access pages, written once. */
static char *guarded_page(void)
{
	char *g = VirtualAlloc(NULL, 3 * PAGE, MEM_RESERVE, PAGE_NOACCESS);
	if (!g || VirtualAlloc(g + PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE) != g + PAGE)
		die("guarded_page");
	g[PAGE] = 1;
	return g + PAGE;
}

#define NPROT 200
#define NUNMAP 200

/* NPROT x {RW -> R, R -> RW}: per VirtualProtect; *net less the running siblings' loop. */
static long long mprotect_loop(char *p, int nsib, long long *net, long long *itp)
{
	long long v[REPS], n[REPS], it[REPS];
	DWORD old;
	for (int r = 0; r < REPS; r++) {
		unsigned long long c0 = sib_iters(nsib), t0 = rdtsc_s();
		for (int i = 0; i < NPROT; i++) {
			VirtualProtect(p, PAGE, PAGE_READONLY, &old);
			VirtualProtect(p, PAGE, PAGE_READWRITE, &old);
		}
		unsigned long long t1 = rdtsc_s(), c1 = sib_iters(nsib);
		v[r] = tenths((long long)(t1 - t0), 2 * NPROT);
		it[r] = tenths((long long)(c1 - c0), 2 * NPROT);
		n[r] = tenths((long long)(t1 - t0) - (long long)(c1 - c0) * K_PAUSE, 2 * NPROT);
	}
	if (net)
		*net = median(n, REPS);
	if (itp)
		*itp = median(it, REPS);
	return median(v, REPS);
}

/* NUNMAP x {VirtualAlloc 4 KiB RW, write 1 byte, VirtualFree}: per triple. */
static long long munmap_loop(int nsib, long long *net, long long *itp)
{
	long long v[REPS], n[REPS], it[REPS];
	for (int r = 0; r < REPS; r++) {
		unsigned long long c0 = sib_iters(nsib), t0 = rdtsc_s();
		for (int i = 0; i < NUNMAP; i++) {
			volatile char *q = VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
			if (!q)
				die("VirtualAlloc");
			q[0] = 1;
			VirtualFree((void *)q, 0, MEM_RELEASE);
		}
		unsigned long long t1 = rdtsc_s(), c1 = sib_iters(nsib);
		v[r] = tenths((long long)(t1 - t0), NUNMAP);
		it[r] = tenths((long long)(c1 - c0), NUNMAP);
		n[r] = tenths((long long)(t1 - t0) - (long long)(c1 - c0) * K_PAUSE, NUNMAP);
	}
	if (net)
		*net = median(n, REPS);
	if (itp)
		*itp = median(it, REPS);
	return median(v, REPS);
}

static void bench_nosib(void)
{
	char *p = guarded_page();
	report("mprotect_nosib", mprotect_loop(p, 0, NULL, NULL), "cycles/mprotect");
	report("munmap_nosib", munmap_loop(0, NULL, NULL), "cycles/triple");
	vfree(p - PAGE);
}

static void bench_shootdown(void)
{
	int nsib = ncpu - 1;
	char *p = guarded_page();
	for (int running = 0; running <= 1; running++) {
		long long net, it, raw;
		sib_start(nsib, running, p);
		raw = mprotect_loop(p, running ? nsib : 0, &net, &it);
		sib_stop(nsib, running);
		report(running ? "mprotect_shootdown" : "mprotect_blockedsib", running ? net : raw, "cycles/mprotect");
		if (running)
			printf("info mprotect_shootdown_%dcpu raw %lld.%lld sibling_iters_per_op %lld.%lld\n", ncpu,
			       raw / 10, raw % 10, it / 10, it % 10);
		sib_start(nsib, running, p);
		raw = munmap_loop(running ? nsib : 0, &net, &it);
		sib_stop(nsib, running);
		report(running ? "munmap_shootdown" : "munmap_blockedsib", running ? net : raw, "cycles/triple");
		if (running)
			printf("info munmap_shootdown_%dcpu raw %lld.%lld sibling_iters_per_op %lld.%lld\n", ncpu,
			       raw / 10, raw % 10, it / 10, it % 10);
	}
	vfree(p - PAGE);
}

/* ---- thread create ---- */

#define TC_N 50
#define TC_STACK (64 * KiB)

static DWORD WINAPI noop_thread(void *a)
{
	return (DWORD)(ULONG_PTR)a;
}

static void create_join(void)
{
	HANDLE h = CreateThread(NULL, TC_STACK, noop_thread, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (!h)
		die("CreateThread");
	WaitForSingleObject(h, INFINITE);
	CloseHandle(h);
}

static void clone_join(void)
{
	if (!raw_clone_join())
		die("NtCreateThread");
}

static void time_create(const char *name, void (*one)(void))
{
	long long v[REPS];
	one();
	one();
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < TC_N; i++)
			one();
		v[r] = tenths((long long)(rdtsc_s() - t0), TC_N);
	}
	report(name, median(v, REPS), "cycles/thread");
}

static volatile LONG where_cpu;

static DWORD WINAPI where_thread(void *a)
{
	(void)a;
	where_cpu = (LONG)GetCurrentProcessorNumber();
	return 0;
}

/* pinned: creator and children on CPU 0 (the process's mask); else the creator may run anywhere. */
static void bench_thread_create(int pinned)
{
	char name[64];
	const char *sfx = pinned ? "_samecpu" : "";
	if (pinned) {
		if (!SetProcessAffinityMask(GetCurrentProcess(), 1))
			die("SetProcessAffinityMask");
	} else {
		SetThreadAffinityMask(GetCurrentThread(), all_cpus());
	}
	snprintf(name, sizeof name, "thread_clone_join%s", sfx);
	time_create(name, clone_join);
	int other = 0;
	for (int i = 0; i < 20; i++) {	/* untimed: where does a new thread run? */
		HANDLE h = CreateThread(NULL, TC_STACK, where_thread, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
		if (!h)
			die("CreateThread");
		WaitForSingleObject(h, INFINITE);
		CloseHandle(h);
		other += where_cpu != (LONG)GetCurrentProcessorNumber();
	}
	printf("info %s_%dcpu child_on_other_cpu %d/20\n", name, ncpu, other);
	snprintf(name, sizeof name, "thread_create_join%s", sfx);
	time_create(name, create_join);
	if (pinned && !SetProcessAffinityMask(GetCurrentProcess(), all_cpus()))
		die("SetProcessAffinityMask");
	pin(GetCurrentThread(), 0);
}

/* ---- WaitOnAddress ping-pong ---- */

#define PP_N 200
#define PP_WARM 20
static volatile LONG pp_seq __attribute__((aligned(64)));
static int pp_cpu, pp_total;

static DWORD WINAPI pp_thread(void *a)
{
	(void)a;
	pin(GetCurrentThread(), pp_cpu);
	for (int i = 0; i < pp_total; i++) {
		LONG want = 2 * i + 1, v;
		while ((v = pp_seq) != want)
			wait_addr(&pp_seq, &v, sizeof v, INFINITE);
		pp_seq = want + 1;
		wake_addr((PVOID)&pp_seq);
	}
	return 0;
}

static void bench_pingpong(int cpu)
{
	long long v[REPS];
	LONG s = 0;
	pp_seq = 0;
	pp_cpu = cpu;
	pp_total = PP_WARM + REPS * PP_N;
	HANDLE h = CreateThread(NULL, TC_STACK, pp_thread, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (!h)
		die("CreateThread pp");
	for (int r = -1; r < REPS; r++) {
		int n = r < 0 ? PP_WARM : PP_N;
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < n; i++) {
			LONG x;
			pp_seq = s + 1;
			wake_addr((PVOID)&pp_seq);
			while ((x = pp_seq) != s + 2)
				wait_addr(&pp_seq, &x, sizeof x, INFINITE);
			s += 2;
		}
		if (r >= 0)
			v[r] = tenths((long long)(rdtsc_s() - t0), PP_N);
	}
	WaitForSingleObject(h, INFINITE);
	CloseHandle(h);
	report(cpu ? "thread_switch_pingpong_crosscpu" : "thread_switch_pingpong_samecpu", median(v, REPS),
	       "cycles/roundtrip");
}

/* ---- diagnostics ---- */

static void userloop(unsigned long long n)
{
	__asm__ __volatile__("1:\n\tdec %0\n\tjnz 1b" : "+r"(n) : : "cc");
}

static void bench_diag(void)
{
	const unsigned long long L = 1 << 20;
	long long v[REPS], n[REPS];
	char *page = guarded_page();
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		userloop(L);
		v[r] = (long long)(rdtsc_s() - t0) * 10;
	}
	report("diag_userloop_2m_alone", median(v, REPS), "cycles");
	sib_start(1, 1, page);
	for (int r = 0; r < REPS; r++) {
		unsigned long long c0 = sib_iters(1), t0 = rdtsc_s();
		userloop(L);
		unsigned long long t1 = rdtsc_s(), c1 = sib_iters(1);
		n[r] = ((long long)(t1 - t0) - (long long)(c1 - c0) * K_PAUSE) * 10;
	}
	sib_stop(1, 1);
	report("diag_userloop_2m_sibling_net", median(n, REPS), "cycles");
	vfree(page - PAGE);
}

/* ---- faults on N CPUs ---- */

#define FZ_BYTES (16 * MiB)
#define FZ_REPS 5
static char *fz_base;

static void body_fz(int idx, void *arg)
{
	(void)arg;
	touch(fz_base + (SIZE_T)idx * FZ_BYTES, FZ_BYTES);
}

static long long fault_scaling(int n)
{
	long long v[FZ_REPS];
	for (int r = 0; r < FZ_REPS; r++) {
		fz_base = valloc((SIZE_T)n * FZ_BYTES, PAGE_READWRITE);
		v[r] = tenths((long long)run_par(n, body_fz, NULL), (long long)n * (FZ_BYTES / PAGE));
		vfree(fz_base);
	}
	return median(v, FZ_REPS);
}

#define RACE_PAGES 1000
#define RACE_REPS 5
static volatile char *race_base;
static volatile LONG race_arrive;

static void body_race(int idx, void *arg)
{
	(void)arg;
	unsigned spins = 0;
	for (int i = 0; i < RACE_PAGES; i++) {
		LONG target = (i + 1) * ncpu;
		InterlockedIncrement(&race_arrive);
		while (race_arrive < target)
			relax(&spins);
		race_base[(SIZE_T)i * PAGE + (SIZE_T)idx * 64] = 1;
	}
}

static DWORD page_faults(void)
{
	PROCESS_MEMORY_COUNTERS c;
	memset(&c, 0, sizeof c);
	c.cb = sizeof c;
	GetProcessMemoryInfo(GetCurrentProcess(), &c, sizeof c);
	return c.PageFaultCount;
}

static void bench_race(void)
{
	long long v[2][RACE_REPS];
	DWORD faults = 0;
	for (int pre = 0; pre < 2; pre++)
		for (int r = 0; r < RACE_REPS; r++) {
			race_base = valloc(RACE_PAGES * PAGE, PAGE_READWRITE);
			if (pre)
				touch(race_base, RACE_PAGES * PAGE);
			race_arrive = 0;
			DWORD f0 = page_faults();
			v[pre][r] = tenths((long long)run_par(ncpu, body_race, NULL), RACE_PAGES);
			if (!pre)
				faults += page_faults() - f0;
			vfree((void *)race_base);
		}
	long long raw = median(v[0], RACE_REPS), base = median(v[1], RACE_REPS);
	report("same_page_fault_race", raw - base, "cycles/page");
	report("same_page_fault_race_faults", tenths(faults, RACE_REPS * RACE_PAGES), "faults/page");
}

#define MC_N 200
#define MC_LEN (64 * KiB)

static void body_mc(int idx, void *arg)
{
	(void)idx;
	(void)arg;
	for (int i = 0; i < MC_N; i++) {
		void *q = VirtualAlloc(NULL, MC_LEN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!q)
			die("VirtualAlloc mc");
		VirtualFree(q, 0, MEM_RELEASE);
	}
}

static long long mmap_contention(int n)
{
	long long v[REPS];
	for (int r = 0; r < REPS; r++)
		v[r] = tenths((long long)run_par(n, body_mc, NULL), (long long)n * MC_N);
	return median(v, REPS);
}

/* The work ratio in tenths of a percent. */
static long long percent(long long a, long long b)
{
	return b ? (a * 1000 + b / 2) / b : 0;
}

int main(void)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	ncpu = (int)si.dwNumberOfProcessors;
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > MAXCPU)
		ncpu = MAXCPU;
	HMODULE k = GetModuleHandleA("kernel32.dll");
	wait_addr = (wait_on_address_fn)(void *)GetProcAddress(k, "WaitOnAddress");
	wake_addr = (wake_by_address_fn)(void *)GetProcAddress(k, "WakeByAddressSingle");
	if (!wait_addr || !wake_addr)
		die("WaitOnAddress");
	printf("info bench_smp %d CPUs\n", ncpu);
	pin(GetCurrentThread(), 0);
	unsigned long long T0 = rdtsc_s();
	bench_floor();
	bench_demand_zero();
	bench_nosib();
	long long fz1 = fault_scaling(1), mc1 = mmap_contention(1);
	report(ncpu == 1 ? "fault_scaling_per_fault" : "fault_scaling_per_fault_1thread", fz1, "cycles/fault");
	report(ncpu == 1 ? "mmap_munmap_64k" : "mmap_munmap_64k_1thread", mc1, "cycles/pair");
	if (ncpu > 1)
		bench_thread_create(1);
	bench_thread_create(0);
	bench_pingpong(0);
	if (ncpu > 1) {
		bench_pingpong(1);
		pool_create();
		bench_diag();
		bench_shootdown();
		long long fz = fault_scaling(ncpu);
		report("fault_scaling_per_fault", fz, "cycles/fault");
		report("fault_scaling_work_vs_1thread", percent(fz, fz1), "percent");
		bench_race();
		long long mc = mmap_contention(ncpu);
		report("mmap_munmap_64k", mc, "cycles/pair");
		report("mmap_munmap_64k_work_vs_1thread", percent(mc, mc1), "percent");
	}
	printf("info bench_smp total %llu cycles\n", rdtsc_s() - T0);
	fflush(stdout);
	ExitProcess(0);	/* the pool's workers are still blocked */
}
