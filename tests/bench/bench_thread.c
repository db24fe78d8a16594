/*
 * tests/bench/bench_thread.c - the thread rows of `make bench` (issue 17),
 * the workloads of ../shared/peer/linux-bench-smp (bench_smp.c) copied: each
 * value is the median of REPS repetitions of the mean over an inner loop,
 * rows carry the CPU count (_1cpu: the kernel runs on one CPU).
 *
 *   thread_create_join_1cpu     50 x {CreateThread with a 64 KiB stack
 *                               (STACK_SIZE_PARAM_IS_A_RESERVATION: 64 KiB
 *                               reserved, as the anchor's pthread attr), the
 *                               thread returns at once, WaitForSingleObject,
 *                               CloseHandle}; after 2 warm-ups
 *   thread_clone_join_1cpu      the cheapest creation the kernel offers: 50 x
 *                               {raw SYS_NtCreateThread (64 KiB reserved, one
 *                               page committed) of a 5-instruction routine
 *                               that calls SYS_NtTerminateThread itself (no
 *                               ntdll start thunk: no TLS, no DllMain, no
 *                               thread list), raw SYS_NtWaitForSingleObject
 *                               on its handle, raw SYS_NtClose} - the
 *                               anchor's raw clone + futex join
 *   thread_switch_pingpong_samecpu_1cpu
 *                               two threads hand a token through one 32-bit
 *                               word: A stores odd, WakeByAddressSingle,
 *                               WaitOnAddress until even; B the mirror.  200
 *                               round trips per repetition after 20 warm-ups
 *   thread_switch_pingpong_event_1cpu
 *                               the same handoff with two auto-reset events
 *                               (SetEvent + WaitForSingleObject each way);
 *                               ours alone
 *   cs_enter_leave_uncontended, srw_exclusive_uncontended
 *                               ours alone: 1000 x an uncontended
 *                               EnterCriticalSection/LeaveCriticalSection or
 *                               AcquireSRWLockExclusive/ReleaseSRWLockExclusive
 *                               pair (issue 17: no system call; compare with
 *                               syscall_getppid)
 *
 * With one CPU a new thread runs on the creator's CPU (info line).  When
 * threads do not work (CreateThread fails) the rows are skipped with an
 * info line, so the other rows still come out.
 */
#include "bench.h"
#include "bench_raw.h"

#define TC_N 50
#define TC_STACK (64 * KiB)
#define PP_N 200
#define PP_WARM 20
#define LOCK_N 1000

static DWORD WINAPI noop_thread(void *a)
{
	(void)a;
	return 0;
}

static int create_join(void)
{
	HANDLE h = CreateThread(NULL, TC_STACK, noop_thread, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (!h)
		return 0;
	WaitForSingleObject(h, INFINITE);
	CloseHandle(h);
	return 1;
}

/*
 * Where a raw thread's cycles go (an info line, medians of REPS x TC_N): the
 * creation call (suspended), resume + run + exit + the wait that sees it
 * end, and the close that frees the thread object.
 */
static void clone_split(void)
{
	unsigned long long c[REPS], r[REPS], x[REPS];
	for (int rep = 0; rep < REPS; rep++) {
		unsigned long long sc = 0, sr = 0, sx = 0;
		for (int i = 0; i < TC_N; i++) {
			HANDLE h = NULL;
			unsigned long long t0 = rdtsc_s();
			if (raw_thread_create(&h, ABI_THREAD_CREATE_SUSPENDED) != 0)
				return;
			unsigned long long t1 = rdtsc_s();
			raw_syscall(SYS_NtResumeThread, (long long)h, 0, 0);
			raw_syscall(SYS_NtWaitForSingleObject, (long long)h, 0, 0);
			unsigned long long t2 = rdtsc_s();
			raw_syscall(SYS_NtClose, (long long)h, 0, 0);
			unsigned long long t3 = rdtsc_s();
			sc += t1 - t0, sr += t2 - t1, sx += t3 - t2;
		}
		c[rep] = sc / TC_N, r[rep] = sr / TC_N, x[rep] = sx / TC_N;
	}
	printf("info thread_clone_join_1cpu split: create (suspended) %llu, resume+run+exit+wait %llu, close %llu cycles\n",
	       median(c, REPS), median(r, REPS), median(x, REPS));
}

static void bench_create(const char *name, int (*one)(void))
{
	unsigned long long v[REPS];
	for (int i = 0; i < 2; i++)
		if (!one()) {
			printf("info skip %s: error %lu\n", name, (unsigned long)GetLastError());
			return;
		}
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < TC_N; i++)
			if (!one())
				die(name);
		v[r] = per(rdtsc_s() - t0, TC_N);
	}
	report(name, median(v, REPS), "cycles/thread");
}

/* ---- ping-pong -------------------------------------------------------------------- */

typedef BOOL(WINAPI *wait_on_address_fn)(volatile VOID *, PVOID, SIZE_T, DWORD);
typedef void(WINAPI *wake_by_address_fn)(PVOID);
static wait_on_address_fn wait_on_address;
static wake_by_address_fn wake_single;

static volatile LONG seq __attribute__((aligned(64)));
static HANDLE ev_a, ev_b;

static DWORD WINAPI pp_partner(void *arg)
{
	unsigned total = (unsigned)(ULONG_PTR)arg;
	for (unsigned i = 0; i < total; i++) {
		LONG want = 2 * (LONG)i + 1, v;
		while ((v = seq) != want)
			wait_on_address(&seq, &v, sizeof v, INFINITE);
		seq = want + 1;
		wake_single((PVOID)&seq);
	}
	return 0;
}

static DWORD WINAPI ev_partner(void *arg)
{
	unsigned total = (unsigned)(ULONG_PTR)arg;
	for (unsigned i = 0; i < total; i++) {
		WaitForSingleObject(ev_a, INFINITE);
		SetEvent(ev_b);
	}
	return 0;
}

static LONG pp_s;

static void pp_round(void)
{
	LONG v;
	seq = pp_s + 1;
	wake_single((PVOID)&seq);
	while ((v = seq) != pp_s + 2)
		wait_on_address(&seq, &v, sizeof v, INFINITE);
	pp_s += 2;
}

static void ev_round(void)
{
	SetEvent(ev_a);
	WaitForSingleObject(ev_b, INFINITE);
}

static void bench_pingpong(const char *name, LPTHREAD_START_ROUTINE partner, void (*round)(void))
{
	unsigned long long v[REPS];
	HANDLE h = CreateThread(NULL, TC_STACK, partner, (void *)(ULONG_PTR)(PP_WARM + REPS * PP_N),
				STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (!h) {
		printf("info skip %s: error %lu\n", name, (unsigned long)GetLastError());
		return;
	}
	for (int i = 0; i < PP_WARM; i++)
		round();
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < PP_N; i++)
			round();
		v[r] = per(rdtsc_s() - t0, PP_N);
	}
	WaitForSingleObject(h, INFINITE);
	CloseHandle(h);
	report(name, median(v, REPS), "cycles/roundtrip");
}

/* WaitOnAddress is not in kernel32 on Windows (an API set of kernelbase): find it where it is. */
static int find_address_waits(void)
{
	const char *dlls[] = { "kernel32.dll", "kernelbase.dll", "api-ms-win-core-synch-l1-2-0.dll" };
	for (unsigned i = 0; i < sizeof dlls / sizeof dlls[0] && !wait_on_address; i++) {
		HMODULE m = i == 0 ? GetModuleHandleA(dlls[i]) : LoadLibraryA(dlls[i]);
		if (!m)
			continue;
		wait_on_address = (wait_on_address_fn)(void *)GetProcAddress(m, "WaitOnAddress");
		wake_single = (wake_by_address_fn)(void *)GetProcAddress(m, "WakeByAddressSingle");
		if (!wake_single)
			wait_on_address = NULL;
	}
	return wait_on_address != NULL;
}

/* ---- uncontended locks ------------------------------------------------------------ */

static void bench_locks(void)
{
	unsigned long long v[REPS];
	CRITICAL_SECTION cs;
	InitializeCriticalSection(&cs);
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < LOCK_N; i++) {
			EnterCriticalSection(&cs);
			LeaveCriticalSection(&cs);
		}
		v[r] = per(rdtsc_s() - t0, LOCK_N);
	}
	DeleteCriticalSection(&cs);
	report("cs_enter_leave_uncontended", median(v, REPS), "cycles/pair");
	SRWLOCK l = SRWLOCK_INIT;
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < LOCK_N; i++) {
			AcquireSRWLockExclusive(&l);
			ReleaseSRWLockExclusive(&l);
		}
		v[r] = per(rdtsc_s() - t0, LOCK_N);
	}
	report("srw_exclusive_uncontended", median(v, REPS), "cycles/pair");
}

void bench_threads(void)
{
	bench_locks();
	bench_create("thread_create_join_1cpu", create_join);
	bench_create("thread_clone_join_1cpu", raw_clone_join);
	clone_split();
	printf("info thread_create_join_1cpu one CPU: the new thread runs on the creator's CPU\n");
	if (find_address_waits())
		bench_pingpong("thread_switch_pingpong_samecpu_1cpu", pp_partner, pp_round);
	else
		printf("info skip thread_switch_pingpong_samecpu_1cpu: no WaitOnAddress\n");
	ev_a = CreateEventA(NULL, FALSE, FALSE, NULL);
	ev_b = CreateEventA(NULL, FALSE, FALSE, NULL);
	if (ev_a && ev_b)
		bench_pingpong("thread_switch_pingpong_event_1cpu", ev_partner, ev_round);
	else
		printf("info skip thread_switch_pingpong_event_1cpu: CreateEvent error %lu\n",
		       (unsigned long)GetLastError());
	if (ev_a)
		CloseHandle(ev_a);
	if (ev_b)
		CloseHandle(ev_b);
}
