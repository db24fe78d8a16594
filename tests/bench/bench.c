/*
 * tests/bench/bench.c - the Linux peer's memory-manager micro-benchmarks
 * (../shared/peer/linux-bench/bench.c) through our Win32 API.
 *
 * `make bench` boots it under -icount shift=0 (rdtsc = guest instructions
 * retired) with "test=bench run=bench.exe".  Output: "bench NAME VALUE unit"
 * with the peer's names, units, iteration counts and statistics (each VALUE
 * the median over REPS repetitions, each repetition the mean over an inner
 * loop, unless noted); everything else starts with "info ".
 *
 * A mean is kept as a fixed-point number in 1/1000 cycle and printed rounded
 * to one decimal, which is what the peer's "%.1f" of a double gives (the
 * integer formatting keeps the output independent of the C runtime's
 * floating-point printf).
 *
 * Mapping to Win32 (reserve = MEM_RESERVE PAGE_NOACCESS, commit = MEM_COMMIT,
 * release = MEM_RELEASE):
 *   syscall_getppid            a real system call round trip through our DLLs and the
 *                              Microsoft x64 ABI: ntdll's export MmGetCurrentProcessId
 *                              (one SYS_NtGetCurrentProcessId), called through a pointer
 *                              from GetProcAddress (MinGW's libntdll.a lacks it).  Not
 *                              GetCurrentProcessId: that reads the TEB, no system call
 *   fault_demand_zero_4k       MEM_RESERVE|MEM_COMMIT 16 MiB RW, write each page
 *   reserve_commit_release_64k reserve 64 KiB; commit it all RW; release
 *   mmap_munmap_1m_untouched   MEM_RESERVE|MEM_COMMIT 1 MiB RW; release
 *   mprotect_toggle_1page      3-page reservation, middle page committed RW and
 *                              resident (neighbours reserved: they never merge);
 *                              VirtualProtect RO <-> RW
 *   region_*_K                 one K*64 KiB reservation; K commits of 64 KiB at
 *                              fixed addresses, alternating RW/RO (the peer's
 *                              MAP_FIXED over a PROT_NONE reservation), so the
 *                              reservation holds K runs that can never merge
 *   guard_fault_signal_mprotect PAGE_READWRITE|PAGE_GUARD on a resident page
 *                              (re-armed untimed before each sample); the write
 *                              raises STATUS_GUARD_PAGE_VIOLATION, the vectored
 *                              handler calls VirtualProtect(PAGE_READWRITE) (the
 *                              peer's one mprotect in its SIGSEGV handler) and
 *                              returns EXCEPTION_CONTINUE_EXECUTION; the write
 *                              completes.  The handler cannot re-arm the guard
 *                              itself: the retried write would fault again.
 * Ours only (no Linux rows; tools/bench-compare.sh leaves them out of its table):
 *   ww_write_unwatched_4k      one 8-byte store to each page of a 16 MiB RW region
 *   ww_write_watched_4k        whose pages are all present; the same region with
 *                              MEM_WRITE_WATCH, ResetWriteWatch (untimed) before each
 *                              repetition so every store finds D clear.  Equal: the
 *                              watch reads the dirty bits, a write never faults
 *   ww_first_touch_watched_4k  fault_demand_zero_4k on a MEM_WRITE_WATCH region
 *   ww_getwritewatch_*_64m     one GetWriteWatch over a 64 MiB watched region with
 *                              every page written (16384 pages, a 16384-entry array
 *                              from VirtualAlloc), without / with
 *                              WRITE_WATCH_FLAG_RESET; ww_resetwritewatch_64m one
 *                              ResetWriteWatch of it; ww_getwritewatch_clean_64m
 *                              the same query with no page written.  Each as
 *                              cycles/call and, with suffix _per_page, cycles/page
 *   cow_fault_child_write      as the peer: 16 MiB RW resident, fork(), the child
 *                              writes one byte per page; the mean reaches the parent
 *                              through a pagefile-backed section (the peer's MAP_SHARED)
 *   fork_baseline, fork_16m_resident
 *                              as the peer: fork() to its return in the parent, with
 *                              one page / 16 MiB resident and written before each rep
 *   fork_256m_resident,        as the peer; fork charges the child's copy-on-write pages
 *   fork_cow_setup_per_mib     to the commit limit up front (so a later copy never
 *                              fails), which at -m 512M needs the pagefile `make bench`
 *                              attaches (2 x 256 MiB is over the RAM part of the limit)
 *   reserve_1g_at_N1000,       ours only: a bottom-up 1 GiB reservation past N = 1,000 /
 *   reserve_1g_at_N100000      100,000 existing 1 GiB reservations (the free-gap search)
 */
#include "bench.h"

unsigned long long per(unsigned long long cycles, unsigned long long n)
{
	return cycles * SCALE / n;
}

unsigned long long median(unsigned long long *v, int n)
{
	for (int i = 1; i < n; i++)	/* insertion sort: n <= 201 */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long long t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return (n & 1) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void report(const char *name, unsigned long long v, const char *unit)
{
	unsigned long long tenths = (v + SCALE / 20) / (SCALE / 10);
	printf("bench %s %llu.%llu %s\n", name, tenths / 10, tenths % 10, unit);
	fflush(stdout);
}

void die(const char *what)
{
	printf("info FATAL %s: error %lu\n", what, (unsigned long)GetLastError());
	fflush(stdout);
	ExitProcess(1);
}

char *alloc(SIZE_T len, DWORD type, DWORD prot)
{
	char *p = VirtualAlloc(NULL, len, type, prot);
	if (!p)
		die("VirtualAlloc");
	return p;
}

void release(void *p)
{
	if (!VirtualFree(p, 0, MEM_RELEASE))
		die("VirtualFree");
}

void protect(void *p, SIZE_T len, DWORD prot)
{
	DWORD old;
	if (!VirtualProtect(p, len, prot, &old))
		die("VirtualProtect");
}

void touch(volatile char *p, SIZE_T len)
{
	for (SIZE_T off = 0; off < len; off += PAGE)
		p[off] = 1;
}

/* ------------------------------------------------------ physical floor */

static void zero_page_stosq(void *dst)
{
	void *d = dst;
	SIZE_T n = PAGE / 8;
	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(n) : "a"(0ULL) : "memory");
}

static void zero_page_stosb(void *dst)
{
	void *d = dst;
	SIZE_T n = PAGE;
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(n) : "a"(0ULL) : "memory");
}

static void copy_page_movsq(void *dst, const void *src)
{
	void *d = dst;
	const void *s = src;
	SIZE_T n = PAGE / 8;
	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static void bench_floor(void)
{
	const int N = 64;
	char *src = alloc(N * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	char *dst = alloc(N * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	touch(src, N * PAGE);
	touch(dst, N * PAGE);
	unsigned long long v[REPS];

	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++)
			zero_page_stosq(dst + i * PAGE);
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("floor_zero_4k_stosq", median(v, REPS), "cycles/page");

	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++)
			zero_page_stosb(dst + i * PAGE);
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("floor_zero_4k_stosb", median(v, REPS), "cycles/page");

	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++)
			copy_page_movsq(dst + i * PAGE, src + i * PAGE);
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("floor_copy_4k_movsq", median(v, REPS), "cycles/page");

	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		unsigned long long t1 = rdtsc_s();
		v[r] = per(t1 - t0, 1);
	}
	report("floor_rdtsc_pair", median(v, REPS), "cycles");

	release(src);
	release(dst);
}

/* ------------------------------------------------------------ syscall */

static void bench_syscall(void)
{
	const int N = 1000;
	unsigned long long v[REPS];
	typedef ULONG(WINAPI * pid_fn)(void);
	pid_fn getpid_sys = (pid_fn)(void (*)(void))GetProcAddress(GetModuleHandleA("ntdll.dll"), "MmGetCurrentProcessId");
	if (!getpid_sys || getpid_sys() != GetCurrentProcessId())
		die("ntdll!MmGetCurrentProcessId");
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++)
			getpid_sys();
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("syscall_getppid", median(v, REPS), "cycles/call");
}

/* --------------------------------------------------- demand-zero fault */

static void bench_demand_zero(void)
{
	const SIZE_T LEN = 16 * MiB;
	unsigned long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		char *p = alloc(LEN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		unsigned long long t0 = rdtsc_s();
		touch(p, LEN);
		v[r] = per(rdtsc_s() - t0, LEN / PAGE);
		release(p);
	}
	report("fault_demand_zero_4k", median(v, REPS), "cycles/page");
}

/* ------------------------------------------ reserve / commit / release */

static void bench_reserve_commit(void)
{
	const int N = 200;
	unsigned long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++) {
			void *p = VirtualAlloc(NULL, 64 * KiB, MEM_RESERVE, PAGE_NOACCESS);
			if (!p)
				die("VirtualAlloc reserve");
			if (!VirtualAlloc(p, 64 * KiB, MEM_COMMIT, PAGE_READWRITE))
				die("VirtualAlloc commit");
			VirtualFree(p, 0, MEM_RELEASE);
		}
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("reserve_commit_release_64k", median(v, REPS), "cycles/triple");

	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++) {
			void *p = VirtualAlloc(NULL, 1 * MiB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
			if (!p)
				die("VirtualAlloc");
			VirtualFree(p, 0, MEM_RELEASE);
		}
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("mmap_munmap_1m_untouched", median(v, REPS), "cycles/pair");
}

/* ------------------------------------------------------ protect toggle */

static void bench_protect_toggle(void)
{
	const int N = 200;
	unsigned long long v[REPS];
	/* 3 reserved pages; the middle one is committed RW and resident.  Its
	 * reserved neighbours differ in state, so its run never merges. */
	char *g = alloc(3 * PAGE, MEM_RESERVE, PAGE_NOACCESS);
	char *p = g + PAGE;
	if (!VirtualAlloc(p, PAGE, MEM_COMMIT, PAGE_READWRITE))
		die("VirtualAlloc commit");
	p[0] = 1;
	DWORD old;
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++) {
			VirtualProtect(p, PAGE, PAGE_READONLY, &old);
			VirtualProtect(p, PAGE, PAGE_READWRITE, &old);
		}
		v[r] = per(rdtsc_s() - t0, 2 * N);
	}
	report("mprotect_toggle_1page", median(v, REPS), "cycles/mprotect");
	release(g);
}

/* ------------------------------------------------------ region scaling */

static void bench_region_scaling(int K)
{
	const SIZE_T R = 64 * KiB;
	const int N = 100;
	char name[64];
	unsigned long long v[REPS];

	/* One K*64 KiB reservation, then K commits of 64 KiB at fixed addresses
	 * in it, alternating RW / RO so that no two runs can merge. */
	const int CR = 5;
	unsigned long long c[CR];
	char *base = NULL;
	for (int r = 0; r < CR; r++) {
		base = alloc((SIZE_T)K * R, MEM_RESERVE, PAGE_NOACCESS);
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < K; i++) {
			DWORD prot = (i & 1) ? PAGE_READONLY : PAGE_READWRITE;
			if (!VirtualAlloc(base + (SIZE_T)i * R, R, MEM_COMMIT, prot))
				die("VirtualAlloc commit fixed");
		}
		c[r] = per(rdtsc_s() - t0, K);
		if (r != CR - 1)
			release(base);
	}
	snprintf(name, sizeof name, "region_mmap_fixed_K%d", K);
	report(name, median(c, CR), "cycles/mmap");

	int mid = (K / 2) & ~1;				/* an RW region in the middle */
	char *mreg = base + (SIZE_T)mid * R;
	char *freg = base + (SIZE_T)(mid + 2) * R;	/* another RW region for faults */

	/* One page in the middle of a middle region: RW->RO splits its run into
	 * 3, RO->RW merges it back. */
	char *pg = mreg + 8 * PAGE;
	pg[0] = 1;
	DWORD old;
	for (int r = 0; r < REPS; r++) {
		unsigned long long a = rdtsc_s();
		for (int i = 0; i < N; i++) {
			VirtualProtect(pg, PAGE, PAGE_READONLY, &old);
			VirtualProtect(pg, PAGE, PAGE_READWRITE, &old);
		}
		v[r] = per(rdtsc_s() - a, 2 * N);
	}
	snprintf(name, sizeof name, "region_mprotect_mid_K%d", K);
	report(name, median(v, REPS), "cycles/mprotect");

	/* Page 0 first (untimed, builds the page table), then pages 1..15 singly. */
	unsigned long long f[15];
	freg[0] = 1;
	for (int i = 1; i < 16; i++) {
		volatile char *x = freg + i * PAGE;
		unsigned long long a = rdtsc_s();
		*x = 1;
		f[i - 1] = per(rdtsc_s() - a, 1);
	}
	snprintf(name, sizeof name, "region_fault_mid_K%d", K);
	report(name, median(f, 15), "cycles/fault");

	release(base);
}

/* ------------------------------------------------ guard-page analogue */

static volatile int guard_hits;

static LONG CALLBACK guard_handler(PEXCEPTION_POINTERS ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	if (r->ExceptionCode != STATUS_GUARD_PAGE_VIOLATION && r->ExceptionCode != STATUS_ACCESS_VIOLATION)
		return EXCEPTION_CONTINUE_SEARCH;
	DWORD old;
	void *a = (void *)(r->ExceptionInformation[1] & ~(PAGE - 1));
	if (!VirtualProtect(a, PAGE, PAGE_READWRITE, &old))
		return EXCEPTION_CONTINUE_SEARCH;
	guard_hits++;
	return EXCEPTION_CONTINUE_EXECUTION;
}

/* arm: PAGE_READWRITE|PAGE_GUARD (the peer's analogue) or PAGE_NOACCESS (the peer's exact workload) */
static unsigned long long guard_roundtrip(volatile char *p, DWORD arm)
{
	enum { N = 201 };
	static unsigned long long v[N];
	guard_hits = 0;
	for (int i = 0; i < N; i++) {
		protect((void *)p, PAGE, arm);	/* re-arm, untimed */
		unsigned long long a = rdtsc_s();
		p[0] = 2;	/* fault -> exception -> handler VirtualProtect RW -> NtContinue -> retry */
		v[i] = per(rdtsc_s() - a, 1);
	}
	if (guard_hits != N)
		die("guard handler count");
	return median(v, N);
}

static void bench_guard_page(void)
{
	PVOID h = AddVectoredExceptionHandler(1, guard_handler);
	char *g = alloc(3 * PAGE, MEM_RESERVE, PAGE_NOACCESS);
	volatile char *p = g + PAGE;
	if (!VirtualAlloc((void *)p, PAGE, MEM_COMMIT, PAGE_READWRITE))
		die("VirtualAlloc commit");
	p[0] = 1;	/* resident: only the protection fault remains */
	report("guard_fault_signal_mprotect", guard_roundtrip(p, PAGE_READWRITE | PAGE_GUARD), "cycles/roundtrip");
	/* ours only (no Linux row): the same with PAGE_NOACCESS, an access violation */
	report("guard_fault_av_noaccess", guard_roundtrip(p, PAGE_NOACCESS), "cycles/roundtrip");
	RemoveVectoredExceptionHandler(h);
	release(g);
}

/* --------------------------------------------------------- write watch */

static void store_each_page(char *p, SIZE_T len, unsigned long long val)
{
	for (SIZE_T off = 0; off < len; off += PAGE)
		*(volatile unsigned long long *)(p + off) = val;
}

static void ww_reset(char *p, SIZE_T len)
{
	if (ResetWriteWatch(p, len) != 0)
		die("ResetWriteWatch");
}

/* cycles per 8-byte store to each present page of p */
static unsigned long long ww_write(char *p, SIZE_T len, int watched)
{
	unsigned long long v[REPS];
	touch(p, len);		/* present, untimed */
	for (int r = 0; r < REPS; r++) {
		if (watched)
			ww_reset(p, len);	/* D clear on every page, untimed */
		unsigned long long t0 = rdtsc_s();
		store_each_page(p, len, r + 2);
		v[r] = per(rdtsc_s() - t0, len / PAGE);
	}
	return median(v, REPS);
}

static void ww_report2(const char *name, unsigned long long *v, unsigned long long pages)
{
	char n2[64];
	unsigned long long m = median(v, REPS);
	report(name, m, "cycles/call");
	snprintf(n2, sizeof n2, "%s_per_page", name);
	report(n2, m / pages, "cycles/page");
}

static void bench_write_watch(void)
{
	const SIZE_T LEN = 16 * MiB;
	char *u = alloc(LEN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	report("ww_write_unwatched_4k", ww_write(u, LEN, 0), "cycles/page");
	release(u);
	char *w = alloc(LEN, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	report("ww_write_watched_4k", ww_write(w, LEN, 1), "cycles/page");
	release(w);

	unsigned long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		char *p = alloc(LEN, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
		unsigned long long t0 = rdtsc_s();
		touch(p, LEN);
		v[r] = per(rdtsc_s() - t0, LEN / PAGE);
		release(p);
	}
	report("ww_first_touch_watched_4k", median(v, REPS), "cycles/page");

	const SIZE_T BIG = 64 * MiB;
	const ULONG_PTR NP = BIG / PAGE;	/* 16384 */
	char *b = alloc(BIG, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	PVOID *addrs = (PVOID *)alloc(NP * sizeof(PVOID), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	touch((char *)addrs, NP * sizeof(PVOID));
	touch(b, BIG);
	ULONG_PTR count;
	DWORD gran;
	unsigned long long t0;

	for (int r = 0; r < REPS; r++) {	/* every page written, no reset */
		count = NP;
		t0 = rdtsc_s();
		UINT rc = GetWriteWatch(0, b, BIG, addrs, &count, &gran);
		v[r] = per(rdtsc_s() - t0, 1);
		if (rc != 0 || count != NP || addrs[NP - 1] != b + BIG - PAGE)
			die("GetWriteWatch 64m");
	}
	ww_report2("ww_getwritewatch_64m", v, NP);

	for (int r = 0; r < REPS; r++) {
		store_each_page(b, BIG, r);	/* all dirty again, untimed */
		count = NP;
		t0 = rdtsc_s();
		UINT rc = GetWriteWatch(WRITE_WATCH_FLAG_RESET, b, BIG, addrs, &count, &gran);
		v[r] = per(rdtsc_s() - t0, 1);
		if (rc != 0 || count != NP)
			die("GetWriteWatch reset 64m");
	}
	ww_report2("ww_getwritewatch_reset_64m", v, NP);

	for (int r = 0; r < REPS; r++) {	/* nothing written since the reset */
		count = NP;
		t0 = rdtsc_s();
		UINT rc = GetWriteWatch(0, b, BIG, addrs, &count, &gran);
		v[r] = per(rdtsc_s() - t0, 1);
		if (rc != 0 || count != 0)
			die("GetWriteWatch clean 64m");
	}
	ww_report2("ww_getwritewatch_clean_64m", v, NP);

	for (int r = 0; r < REPS; r++) {
		store_each_page(b, BIG, r);
		t0 = rdtsc_s();
		UINT rc = ResetWriteWatch(b, BIG);
		v[r] = per(rdtsc_s() - t0, 1);
		if (rc != 0)
			die("ResetWriteWatch 64m");
	}
	ww_report2("ww_resetwritewatch_64m", v, NP);

	release(addrs);
	release(b);
}

/* --------------------------------------------------- (g) copy-on-write */

static void bench_cow(void)
{
	const SIZE_T LEN = 16 * MiB;
	unsigned long long v[REPS];
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, PAGE, NULL);
	volatile unsigned long long *shared = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (!shared)
		die("shared section");
	for (int r = 0; r < REPS; r++) {
		char *p = alloc(LEN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		touch(p, LEN);
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			unsigned long long a = rdtsc_s();
			for (SIZE_T off = 0; off < LEN; off += PAGE)
				((volatile char *)p)[off] = 2;
			shared[0] = per(rdtsc_s() - a, LEN / PAGE);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		v[r] = shared[0];
		release(p);
	}
	report("cow_fault_child_write", median(v, REPS), "cycles/page");
	UnmapViewOfFile((void *)shared);
	CloseHandle(h);
}

static unsigned long long fork_cost(SIZE_T len, int reps)
{
	unsigned long long v[REPS];
	char *p = alloc(len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	touch(p, len);
	for (int r = 0; r < reps; r++) {
		unsigned long long a = rdtsc_s();
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		unsigned long long b = rdtsc_s();
		if (pid < 0)
			die("fork");
		int st;
		waitpid(pid, &st, 0);
		v[r] = per(b - a, 1);
		touch(p, len);	/* re-dirty so every rep starts from the same (writable) state */
	}
	release(p);
	return median(v, reps);
}

static void bench_fork(void)
{
	unsigned long long f0 = fork_cost(PAGE, REPS);
	unsigned long long f16 = fork_cost(16 * MiB, REPS);
	unsigned long long f256 = fork_cost(256 * MiB, 5);
	report("fork_baseline", f0, "cycles/fork");
	report("fork_16m_resident", f16, "cycles/fork");
	report("fork_256m_resident", f256, "cycles/fork");
	report("fork_cow_setup_per_mib", (f256 - f16) / 240, "cycles/MiB");
}

int main(void)
{
	printf("info bench start pid %lu\n", (unsigned long)GetCurrentProcessId());
	unsigned long long T0 = rdtsc_s();
	bench_floor();
	bench_syscall();
	bench_demand_zero();
	bench_reserve_commit();
	bench_protect_toggle();
	bench_region_scaling(16);
	bench_region_scaling(256);
	bench_region_scaling(4096);
	bench_guard_page();
	bench_write_watch();
	bench_cow();
	bench_fork();
	bench_process_start();
	bench_image_map();
	bench_reserve_scaling(1000);
	bench_reserve_scaling(100000);
	bench_files();
	bench_fmap();
	bench_sqlite();
	bench_threads();
	bench_switch();
	bench_heap();
	bench_procmem();
	printf("info total_bench_tsc %llu\n", rdtsc_s() - T0);
	printf("info bench done\n");
	return 0;
}
