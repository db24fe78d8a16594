/* link: -lsynchronization */
/*
 * tests/user/sync_locks.c - the user-mode locks with several threads:
 * critical sections (recursion, TryEnter, spin count), SRW locks (shared
 * and exclusive, writers get in while readers keep coming), condition
 * variables over both (timeouts, LOCKMODE_SHARED, a bounded queue),
 * InitOnce (once among racing threads, failure retried, Begin/Complete,
 * async), WaitOnAddress/WakeByAddress* (through
 * api-ms-win-core-synch-l1-2-0.dll, as MinGW links them), SLists.  Every
 * counter must come out exact.  Threads record; the main thread checks.
 */
#include "utest.h"

#define THREADS 4

static HANDLE start(LPTHREAD_START_ROUTINE fn, void *arg)
{
	HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
	CHECK(t != NULL);
	return t;
}

/* Runs fn in n threads (arg i for thread i) and waits for all; their exit codes must be 0. */
static void run_threads(int n, LPTHREAD_START_ROUTINE fn)
{
	HANDLE t[THREADS * 2];
	for (int i = 0; i < n; i++)
		t[i] = start(fn, (void *)(ULONG_PTR)i);
	CHECK_EQ(WaitForMultipleObjects(n, t, TRUE, 120000), WAIT_OBJECT_0);
	for (int i = 0; i < n; i++) {
		DWORD code = 99;
		CHECK(GetExitCodeThread(t[i], &code));
		CHECK_EQ(code, 0);
		CHECK(CloseHandle(t[i]));
	}
}

/* ---- critical sections ---- */

static CRITICAL_SECTION cs;
static volatile LONG counter;

static DWORD WINAPI cs_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		EnterCriticalSection(&cs);
		EnterCriticalSection(&cs);	/* recursion under contention */
		LONG v = counter;
		if (i % 256 == 0)
			Sleep(0);	/* hold it across a reschedule: the others must wait */
		counter = v + 1;
		LeaveCriticalSection(&cs);
		LeaveCriticalSection(&cs);
	}
	for (int i = 0; i < 2000; i++) {
		while (!TryEnterCriticalSection(&cs))
			SwitchToThread();
		counter++;
		LeaveCriticalSection(&cs);
	}
	return 0;
}

static DWORD WINAPI try_cs(void *arg)
{
	(void)arg;
	return TryEnterCriticalSection(&cs) ? 1 : 0;
}

static void test_critical_sections(void)
{
	InitializeCriticalSection(&cs);
	CHECK_EQ(cs.LockCount, -1);
	CHECK_EQ(cs.RecursionCount, 0);
	CHECK(cs.OwningThread == NULL);
	EnterCriticalSection(&cs);
	EnterCriticalSection(&cs);
	CHECK(TryEnterCriticalSection(&cs));
	CHECK_EQ(cs.RecursionCount, 3);
	CHECK_EQ((ULONG_PTR)cs.OwningThread, GetCurrentThreadId());
	HANDLE t = start(try_cs, NULL);	/* another thread cannot take it */
	DWORD code = 99;
	CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	CHECK(GetExitCodeThread(t, &code));
	CHECK_EQ(code, 0);
	CHECK(CloseHandle(t));
	for (int i = 0; i < 3; i++)
		LeaveCriticalSection(&cs);
	CHECK_EQ(cs.LockCount, -1);
	CHECK_EQ(cs.RecursionCount, 0);
	CHECK(cs.OwningThread == NULL);

	counter = 0;
	run_threads(THREADS, cs_worker);
	CHECK_EQ(counter, THREADS * 22000);
	CHECK_EQ(cs.LockCount, -1);
	DeleteCriticalSection(&cs);

	/* Spin counts: Windows keeps none on a machine with one processor. */
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	DWORD expect = si.dwNumberOfProcessors > 1 ? 4000 : 0;
	CHECK(InitializeCriticalSectionAndSpinCount(&cs, 4000));
	CHECK_EQ(cs.SpinCount & 0xFFFFFF, expect);
	CHECK_EQ(SetCriticalSectionSpinCount(&cs, 100), expect);
	CHECK_EQ(cs.SpinCount & 0xFFFFFF, si.dwNumberOfProcessors > 1 ? 100 : 0);
	counter = 0;
	run_threads(THREADS, cs_worker);
	CHECK_EQ(counter, THREADS * 22000);
	DeleteCriticalSection(&cs);
}

/* ---- SRW locks ---- */

static SRWLOCK srw = SRWLOCK_INIT;
static volatile LONG pair_a, pair_b, readers_done, reader_errors, writes_done;

static DWORD WINAPI srw_writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3000; i++) {
		AcquireSRWLockExclusive(&srw);
		LONG a = pair_a;
		if (i % 128 == 0)
			Sleep(0);
		pair_a = a + 1;
		pair_b = pair_b + 1;
		ReleaseSRWLockExclusive(&srw);
	}
	InterlockedIncrement(&writes_done);
	return 0;
}

static DWORD WINAPI srw_reader(void *arg)
{
	(void)arg;
	/* Readers keep coming until both writers are through: they must not starve them. */
	while (writes_done < 2) {
		AcquireSRWLockShared(&srw);
		if (pair_a != pair_b)
			InterlockedIncrement(&reader_errors);
		ReleaseSRWLockShared(&srw);
		InterlockedIncrement(&readers_done);
	}
	return 0;
}

static DWORD WINAPI srw_mixed(void *arg)
{
	return (ULONG_PTR)arg < 2 ? srw_writer(arg) : srw_reader(arg);
}

static DWORD WINAPI try_srw_exclusive(void *arg)
{
	(void)arg;
	if (!TryAcquireSRWLockExclusive(&srw))
		return 1;
	ReleaseSRWLockExclusive(&srw);
	return 0;
}

static void test_srw(void)
{
	CHECK(TryAcquireSRWLockShared(&srw));
	CHECK(TryAcquireSRWLockShared(&srw));	/* two readers */
	CHECK(!TryAcquireSRWLockExclusive(&srw));
	ReleaseSRWLockShared(&srw);
	ReleaseSRWLockShared(&srw);
	CHECK(TryAcquireSRWLockExclusive(&srw));
	CHECK(!TryAcquireSRWLockShared(&srw));
	CHECK(!TryAcquireSRWLockExclusive(&srw));
	HANDLE t = start(try_srw_exclusive, NULL);
	DWORD code = 99;
	CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	CHECK(GetExitCodeThread(t, &code));
	CHECK_EQ(code, 1);
	CHECK(CloseHandle(t));
	ReleaseSRWLockExclusive(&srw);
	CHECK(srw.Ptr == NULL);

	run_threads(THREADS + 2, srw_mixed);	/* 2 writers, 4 readers */
	CHECK_EQ(pair_a, 6000);
	CHECK_EQ(pair_b, 6000);
	CHECK_EQ(reader_errors, 0);
	CHECK(srw.Ptr == NULL);
}

/* ---- condition variables ---- */

#define QUEUE 8
#define ITEMS 3000
static CONDITION_VARIABLE not_empty = CONDITION_VARIABLE_INIT, not_full = CONDITION_VARIABLE_INIT;
static LONG queue[QUEUE], q_head, q_count, consumed_sum, consumed_n;

static DWORD WINAPI producer(void *arg)
{
	(void)arg;
	for (LONG i = 1; i <= ITEMS; i++) {
		EnterCriticalSection(&cs);
		while (q_count == QUEUE)
			SleepConditionVariableCS(&not_full, &cs, INFINITE);
		queue[(q_head + q_count++) % QUEUE] = i;
		WakeConditionVariable(&not_empty);
		LeaveCriticalSection(&cs);
	}
	return 0;
}

static DWORD WINAPI consumer(void *arg)
{
	(void)arg;
	for (;;) {
		EnterCriticalSection(&cs);
		while (q_count == 0 && consumed_n < 2 * ITEMS)
			SleepConditionVariableCS(&not_empty, &cs, INFINITE);
		if (consumed_n == 2 * ITEMS) {
			LeaveCriticalSection(&cs);
			WakeAllConditionVariable(&not_empty);	/* the other consumers end too */
			return 0;
		}
		consumed_sum += queue[q_head];
		q_head = (q_head + 1) % QUEUE;
		q_count--;
		consumed_n++;
		WakeConditionVariable(&not_full);
		if (consumed_n == 2 * ITEMS)
			WakeAllConditionVariable(&not_empty);
		LeaveCriticalSection(&cs);
	}
}

static DWORD WINAPI queue_role(void *arg)
{
	return (ULONG_PTR)arg < 2 ? producer(arg) : consumer(arg);
}

static CONDITION_VARIABLE go = CONDITION_VARIABLE_INIT;
static volatile LONG go_flag, shared_waiters_through;

static DWORD WINAPI shared_sleeper(void *arg)
{
	(void)arg;
	AcquireSRWLockShared(&srw);
	while (!go_flag)
		if (!SleepConditionVariableSRW(&go, &srw, 10000, CONDITION_VARIABLE_LOCKMODE_SHARED))
			break;
	if (go_flag)
		InterlockedIncrement(&shared_waiters_through);
	ReleaseSRWLockShared(&srw);
	return 0;
}

static void test_condition_variables(void)
{
	InitializeCriticalSection(&cs);
	CONDITION_VARIABLE cv;
	InitializeConditionVariable(&cv);
	EnterCriticalSection(&cs);
	DWORD t0 = GetTickCount();
	SetLastError(0);
	CHECK(!SleepConditionVariableCS(&cv, &cs, 50));
	CHECK_EQ(GetLastError(), ERROR_TIMEOUT);
	CHECK(GetTickCount() - t0 >= 40);
	CHECK_EQ(cs.RecursionCount, 1);	/* held again */
	CHECK_EQ((ULONG_PTR)cs.OwningThread, GetCurrentThreadId());
	LeaveCriticalSection(&cs);
	WakeConditionVariable(&cv);	/* nobody waits: nothing happens */
	WakeAllConditionVariable(&cv);

	AcquireSRWLockExclusive(&srw);
	SetLastError(0);
	CHECK(!SleepConditionVariableSRW(&cv, &srw, 20, 0));
	CHECK_EQ(GetLastError(), ERROR_TIMEOUT);
	CHECK(!TryAcquireSRWLockShared(&srw));	/* exclusive again */
	ReleaseSRWLockExclusive(&srw);

	run_threads(THREADS, queue_role);	/* 2 producers, 2 consumers, 8 slots */
	CHECK_EQ(consumed_n, 2 * ITEMS);
	CHECK_EQ(consumed_sum, (LONG)ITEMS * (ITEMS + 1));	/* 2 x (1 + ... + ITEMS) */
	CHECK_EQ(q_count, 0);

	HANDLE t[3];
	for (int i = 0; i < 3; i++)
		t[i] = start(shared_sleeper, NULL);
	Sleep(100);
	AcquireSRWLockExclusive(&srw);	/* all three sleep, so the lock is free */
	go_flag = 1;
	ReleaseSRWLockExclusive(&srw);
	WakeAllConditionVariable(&go);
	CHECK_EQ(WaitForMultipleObjects(3, t, TRUE, 10000), WAIT_OBJECT_0);
	for (int i = 0; i < 3; i++)
		CHECK(CloseHandle(t[i]));
	CHECK_EQ(shared_waiters_through, 3);
	DeleteCriticalSection(&cs);
}

/* ---- InitOnce ---- */

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static volatile LONG init_calls, init_fail_first;
static PVOID seen_ctx[THREADS];

static BOOL CALLBACK init_fn(PINIT_ONCE o, PVOID param, PVOID *ctx)
{
	(void)o;
	LONG n = InterlockedIncrement(&init_calls);
	Sleep(30);	/* the others arrive meanwhile and must wait */
	if (init_fail_first && n == 1)
		return FALSE;
	*ctx = param;
	return TRUE;
}

static DWORD WINAPI once_racer(void *arg)
{
	ULONG_PTR i = (ULONG_PTR)arg;
	PVOID ctx = NULL;
	/* A caller whose init failed tries again, as a program would. */
	for (int k = 0; k < 3 && !InitOnceExecuteOnce(&once, init_fn, (PVOID)0x5000, &ctx); k++)
		;
	seen_ctx[i] = ctx;
	return 0;
}

static void test_init_once(void)
{
	run_threads(THREADS, once_racer);
	CHECK_EQ(init_calls, 1);
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ((ULONG_PTR)seen_ctx[i], 0x5000);

	InitOnceInitialize(&once);
	init_calls = 0;
	init_fail_first = 1;
	run_threads(THREADS, once_racer);
	CHECK_EQ(init_calls, 2);	/* the failure, then one success */
	for (int i = 0; i < THREADS; i++)
		CHECK_EQ((ULONG_PTR)seen_ctx[i], 0x5000);

	INIT_ONCE o = INIT_ONCE_STATIC_INIT;
	BOOL pending = 7;
	PVOID ctx = (PVOID)1;
	CHECK_ERR(InitOnceBeginInitialize(&o, INIT_ONCE_CHECK_ONLY, &pending, &ctx), ERROR_GEN_FAILURE);
	CHECK(InitOnceBeginInitialize(&o, 0, &pending, &ctx));
	CHECK_EQ(pending, TRUE);
	CHECK_ERR(InitOnceBeginInitialize(&o, INIT_ONCE_CHECK_ONLY, &pending, &ctx), ERROR_GEN_FAILURE);
	CHECK_ERR(InitOnceComplete(&o, 0, (PVOID)0x1001), ERROR_INVALID_PARAMETER);	/* reserved bits */
	CHECK(InitOnceComplete(&o, 0, (PVOID)0x1000));
	CHECK(InitOnceBeginInitialize(&o, INIT_ONCE_CHECK_ONLY, &pending, &ctx));
	CHECK_EQ(pending, FALSE);
	CHECK_EQ((ULONG_PTR)ctx, 0x1000);
	CHECK_ERR(InitOnceComplete(&o, 0, (PVOID)0x2000), ERROR_GEN_FAILURE);	/* already done */

	INIT_ONCE f = INIT_ONCE_STATIC_INIT;	/* a failed Begin/Complete goes back to the start */
	CHECK(InitOnceBeginInitialize(&f, 0, &pending, NULL));
	CHECK(InitOnceComplete(&f, INIT_ONCE_INIT_FAILED, NULL));
	CHECK(InitOnceBeginInitialize(&f, 0, &pending, NULL));
	CHECK_EQ(pending, TRUE);
	CHECK(InitOnceComplete(&f, 0, NULL));

	INIT_ONCE a = INIT_ONCE_STATIC_INIT;
	CHECK(InitOnceBeginInitialize(&a, INIT_ONCE_ASYNC, &pending, &ctx));
	CHECK_EQ(pending, TRUE);
	CHECK(InitOnceBeginInitialize(&a, INIT_ONCE_ASYNC, &pending, &ctx));	/* several may race */
	CHECK_EQ(pending, TRUE);
	CHECK_ERR(InitOnceBeginInitialize(&a, 0, &pending, &ctx), ERROR_INVALID_PARAMETER);
	CHECK_ERR(InitOnceBeginInitialize(&a, INIT_ONCE_ASYNC | INIT_ONCE_CHECK_ONLY, &pending, &ctx),
		  ERROR_INVALID_PARAMETER);
	CHECK(InitOnceComplete(&a, INIT_ONCE_ASYNC, (PVOID)0x3000));
	CHECK_ERR(InitOnceComplete(&a, INIT_ONCE_ASYNC, (PVOID)0x4000), ERROR_GEN_FAILURE);	/* the first won */
	CHECK(InitOnceBeginInitialize(&a, INIT_ONCE_ASYNC, &pending, &ctx));
	CHECK_EQ(pending, FALSE);
	CHECK_EQ((ULONG_PTR)ctx, 0x3000);
}

/* ---- WaitOnAddress ---- */

static volatile LONG token, woken;

static DWORD WINAPI ping(void *arg)
{
	LONG me = (LONG)(ULONG_PTR)arg;	/* 0 or 1: waits for token == me, passes it on */
	for (int i = 0; i < 500; i++) {
		LONG v;
		while ((v = token) != me)
			WaitOnAddress(&token, &v, sizeof(v), INFINITE);
		token = 1 - me;
		WakeByAddressSingle((PVOID)&token);
	}
	return 0;
}

static volatile LONG gate;

static DWORD WINAPI gate_waiter(void *arg)
{
	(void)arg;
	LONG closed = 0;
	while (gate == 0)
		WaitOnAddress(&gate, &closed, sizeof(closed), INFINITE);
	InterlockedIncrement(&woken);
	return 0;
}

static void test_wait_on_address(void)
{
	LONG v = 5, other = 6;
	CHECK(WaitOnAddress(&v, &other, sizeof(v), INFINITE));	/* differs: at once */
	DWORD t0 = GetTickCount();
	SetLastError(0);
	CHECK(!WaitOnAddress(&v, &v, sizeof(v), 40));
	CHECK_EQ(GetLastError(), ERROR_TIMEOUT);
	CHECK(GetTickCount() - t0 >= 30);
	USHORT s = 1;
	UCHAR b = 1;
	ULONG64 q = 1;
	CHECK(!WaitOnAddress(&s, &s, 2, 0));
	CHECK(!WaitOnAddress(&b, &b, 1, 0));
	CHECK(!WaitOnAddress(&q, &q, 8, 0));
	CHECK_ERR(WaitOnAddress(&v, &v, 3, 0), ERROR_INVALID_PARAMETER);
	WakeByAddressSingle(&v);	/* nobody: nothing */
	WakeByAddressAll(&v);

	token = 0;
	HANDLE t[2] = { start(ping, (void *)0), start(ping, (void *)1) };
	CHECK_EQ(WaitForMultipleObjects(2, t, TRUE, 60000), WAIT_OBJECT_0);
	CHECK(CloseHandle(t[0]));
	CHECK(CloseHandle(t[1]));
	CHECK_EQ(token, 0);	/* 1000 hand-overs */

	HANDLE g[3];
	for (int i = 0; i < 3; i++)
		g[i] = start(gate_waiter, NULL);
	Sleep(100);
	CHECK_EQ(woken, 0);
	gate = 1;
	WakeByAddressAll((PVOID)&gate);
	CHECK_EQ(WaitForMultipleObjects(3, g, TRUE, 10000), WAIT_OBJECT_0);
	for (int i = 0; i < 3; i++)
		CHECK(CloseHandle(g[i]));
	CHECK_EQ(woken, 3);
}

/* ---- SLists ---- */

struct item {
	SLIST_ENTRY entry;
	LONG value;
} __attribute__((aligned(16)));

#define SL_ITEMS 64
static struct item items[SL_ITEMS];
static SLIST_HEADER slist __attribute__((aligned(16)));
static volatile LONG sl_errors;

static DWORD WINAPI slist_churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		struct item *it = (struct item *)InterlockedPopEntrySList(&slist);
		if (!it) {
			InterlockedIncrement(&sl_errors);
			continue;
		}
		if (InterlockedIncrement(&it->value) != 1)	/* nobody else holds it */
			InterlockedIncrement(&sl_errors);
		InterlockedDecrement(&it->value);
		InterlockedPushEntrySList(&slist, &it->entry);
	}
	return 0;
}

static void test_slist(void)
{
	InitializeSListHead(&slist);
	CHECK_EQ(QueryDepthSList(&slist), 0);
	CHECK(InterlockedPopEntrySList(&slist) == NULL);
	for (int i = 0; i < SL_ITEMS; i++)
		CHECK(InterlockedPushEntrySList(&slist, &items[i].entry) == (i ? &items[i - 1].entry : NULL));
	CHECK_EQ(QueryDepthSList(&slist), SL_ITEMS);
	CHECK(InterlockedPopEntrySList(&slist) == &items[SL_ITEMS - 1].entry);	/* last in, first out */
	CHECK(InterlockedPushEntrySList(&slist, &items[SL_ITEMS - 1].entry) == &items[SL_ITEMS - 2].entry);

	run_threads(THREADS, slist_churn);
	CHECK_EQ(sl_errors, 0);
	CHECK_EQ(QueryDepthSList(&slist), SL_ITEMS);
	int n = 0;
	for (PSLIST_ENTRY e = InterlockedFlushSList(&slist); e; e = e->Next)
		n++;
	CHECK_EQ(n, SL_ITEMS);
	CHECK_EQ(QueryDepthSList(&slist), 0);
	CHECK(InterlockedFlushSList(&slist) == NULL);
}

int main(void)
{
	test_critical_sections();
	test_srw();
	test_condition_variables();
	test_init_once();
	test_wait_on_address();
	test_slist();
	return utest_done("sync_locks");
}
