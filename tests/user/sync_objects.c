/*
 * tests/user/sync_objects.c - events, mutexes, semaphores and the waits on
 * them (kernel objects through kernel32): manual/auto reset, PulseEvent,
 * mutex recursion, ERROR_NOT_OWNER and abandonment, semaphore limits and
 * ERROR_TOO_MANY_POSTS, WaitForMultipleObjects any/all with timeouts,
 * invalid handles, names (ERROR_ALREADY_EXISTS, a name of another type).
 * The first half needs one thread; the second starts threads (their
 * results are checked by the main thread: CHECK is not thread-safe).
 * Same results under Wine (make compare).
 */
#include "utest.h"

/* Wine departs from Windows in a few argument checks, which are then skipped. */
static BOOL under_wine;

/* Milliseconds a call took (GetTickCount). */
#define ELAPSED(call, ms)                              \
	do {                                           \
		DWORD t0_ = GetTickCount();            \
		call;                                  \
		(ms) = GetTickCount() - t0_;           \
	} while (0)

static void test_events(void)
{
	HANDLE a = CreateEventA(NULL, FALSE, TRUE, NULL);	/* auto, signaled */
	CHECK(a != NULL);
	CHECK_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);	/* the wait consumed it */
	CHECK(SetEvent(a));
	CHECK(SetEvent(a));	/* no count: still one */
	CHECK_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
	CHECK(SetEvent(a));
	CHECK(ResetEvent(a));
	CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);

	HANDLE m = CreateEventW(NULL, TRUE, FALSE, NULL);	/* manual, reset */
	CHECK_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
	CHECK(SetEvent(m));
	CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(m, INFINITE), WAIT_OBJECT_0);	/* stays signaled */
	CHECK(PulseEvent(m));	/* nobody waits: just reset */
	CHECK_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);

	HANDLE x = CreateEventExW(NULL, NULL, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET, EVENT_ALL_ACCESS);
	CHECK_EQ(WaitForSingleObject(x, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(x, 0), WAIT_OBJECT_0);

	DWORD ms, r;
	ELAPSED(r = WaitForSingleObject(a, 60), ms);
	CHECK_EQ(r, WAIT_TIMEOUT);
	CHECK(ms >= 50 && ms < 1000);
	CHECK(CloseHandle(a));
	CHECK(CloseHandle(m));
	CHECK(CloseHandle(x));
}

static void test_mutex_one_thread(void)
{
	HANDLE mx = CreateMutexA(NULL, TRUE, NULL);
	CHECK(mx != NULL);
	CHECK_EQ(WaitForSingleObject(mx, 0), WAIT_OBJECT_0);	/* recursion: depth 2 */
	CHECK_EQ(WaitForSingleObject(mx, INFINITE), WAIT_OBJECT_0);	/* depth 3 */
	CHECK(ReleaseMutex(mx));
	CHECK(ReleaseMutex(mx));
	CHECK(ReleaseMutex(mx));
	CHECK_ERR(ReleaseMutex(mx), ERROR_NOT_OWNER);
	CHECK_EQ(WaitForSingleObject(mx, 0), WAIT_OBJECT_0);
	CHECK(ReleaseMutex(mx));
	CHECK(CloseHandle(mx));

	HANDLE free_mx = CreateMutexExW(NULL, NULL, 0, MUTEX_ALL_ACCESS);
	CHECK_ERR(ReleaseMutex(free_mx), ERROR_NOT_OWNER);
	CHECK(CloseHandle(free_mx));
}

static void test_semaphores(void)
{
	HANDLE s = CreateSemaphoreA(NULL, 2, 3, NULL);
	CHECK(s != NULL);
	CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
	LONG prev = -1;
	CHECK(ReleaseSemaphore(s, 2, &prev));
	CHECK_EQ(prev, 0);
	prev = -1;
	CHECK_ERR(ReleaseSemaphore(s, 2, &prev), ERROR_TOO_MANY_POSTS);	/* 2 + 2 > 3: unchanged */
	CHECK(ReleaseSemaphore(s, 1, &prev));
	CHECK_EQ(prev, 2);
	CHECK_ERR(ReleaseSemaphore(s, 1, NULL), ERROR_TOO_MANY_POSTS);
	if (!under_wine) {	/* Wine accepts 0 and takes -1 as too many; Windows (NtReleaseSemaphore): invalid */
		CHECK_ERR(ReleaseSemaphore(s, 0, NULL), ERROR_INVALID_PARAMETER);
		CHECK_ERR(ReleaseSemaphore(s, -1, NULL), ERROR_INVALID_PARAMETER);
	}
	for (int i = 0; i < 3; i++)
		CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
	CHECK(CloseHandle(s));

	CHECK_ERR(CreateSemaphoreA(NULL, 4, 3, NULL), ERROR_INVALID_PARAMETER);
	CHECK_ERR(CreateSemaphoreA(NULL, 0, 0, NULL), ERROR_INVALID_PARAMETER);
	CHECK_ERR(CreateSemaphoreA(NULL, -1, 3, NULL), ERROR_INVALID_PARAMETER);
	HANDLE big = CreateSemaphoreExW(NULL, 0, 0x7fffffff, NULL, 0, SEMAPHORE_ALL_ACCESS);
	CHECK(big != NULL);
	CHECK(ReleaseSemaphore(big, 0x7fffffff, NULL));
	CHECK_ERR(ReleaseSemaphore(big, 1, NULL), ERROR_TOO_MANY_POSTS);
	CHECK(CloseHandle(big));
}

static void test_wait_multiple(void)
{
	HANDLE e[3];
	e[0] = CreateEventA(NULL, FALSE, FALSE, NULL);	/* auto, reset */
	e[1] = CreateEventA(NULL, FALSE, TRUE, NULL);	/* auto, set */
	e[2] = CreateEventA(NULL, TRUE, TRUE, NULL);	/* manual, set */
	CHECK_EQ(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_OBJECT_0 + 1);	/* the lowest signaled index */
	CHECK_EQ(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_OBJECT_0 + 2);	/* e[1] was consumed */
	CHECK(SetEvent(e[1]));
	DWORD ms, r;
	ELAPSED(r = WaitForMultipleObjects(3, e, TRUE, 40), ms);	/* all: e[0] is not set */
	CHECK_EQ(r, WAIT_TIMEOUT);
	CHECK(ms >= 30);
	CHECK_EQ(WaitForSingleObject(e[1], 0), WAIT_OBJECT_0);	/* a wait-all that failed took nothing */
	CHECK(SetEvent(e[0]));
	CHECK(SetEvent(e[1]));
	CHECK_EQ(WaitForMultipleObjects(3, e, TRUE, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(e[0], 0), WAIT_TIMEOUT);	/* both autos were taken */
	CHECK_EQ(WaitForSingleObject(e[1], 0), WAIT_TIMEOUT);
	CHECK_EQ(WaitForSingleObject(e[2], 0), WAIT_OBJECT_0);

	HANDLE twice[2] = { e[2], e[2] };
	CHECK_EQ(WaitForMultipleObjects(2, twice, FALSE, 0), WAIT_OBJECT_0);	/* allowed in a wait-any */
	if (!under_wine) {	/* Wine waits; Windows refuses one object twice in a wait-all (STATUS_INVALID_PARAMETER_MIX) */
		SetLastError(0);
		CHECK_EQ(WaitForMultipleObjects(2, twice, TRUE, 0), WAIT_FAILED);
		CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	}
	SetLastError(0);
	CHECK_EQ(WaitForMultipleObjects(0, e, FALSE, 0), WAIT_FAILED);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	HANDLE many[MAXIMUM_WAIT_OBJECTS + 1];
	for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
		many[i] = e[2];
	SetLastError(0);
	CHECK_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, FALSE, 0), WAIT_FAILED);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, FALSE, 0), WAIT_OBJECT_0);

	/* A semaphore and a mutex in one wait-all. */
	HANDLE s = CreateSemaphoreA(NULL, 1, 1, NULL), mx = CreateMutexA(NULL, FALSE, NULL);
	HANDLE sm[2] = { s, mx };
	CHECK_EQ(WaitForMultipleObjects(2, sm, TRUE, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForMultipleObjects(2, sm, TRUE, 0), WAIT_TIMEOUT);	/* the semaphore is empty */
	CHECK(ReleaseMutex(mx));
	CHECK_ERR(ReleaseMutex(mx), ERROR_NOT_OWNER);
	for (int i = 0; i < 3; i++)
		CHECK(CloseHandle(e[i]));
	CHECK(CloseHandle(s));
	CHECK(CloseHandle(mx));
}

static void test_bad_handles(void)
{
	HANDLE sem = CreateSemaphoreA(NULL, 0, 1, NULL), ev = CreateEventA(NULL, FALSE, FALSE, NULL);
	SetLastError(0);
	CHECK_EQ(WaitForSingleObject((HANDLE)(ULONG_PTR)0x123458, 0), WAIT_FAILED);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	CHECK_EQ(WaitForSingleObject(NULL, 0), WAIT_FAILED);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK_ERR(SetEvent(sem), ERROR_INVALID_HANDLE);
	CHECK_ERR(SetEvent(NULL), ERROR_INVALID_HANDLE);
	CHECK_ERR(ResetEvent((HANDLE)(ULONG_PTR)0x123458), ERROR_INVALID_HANDLE);
	CHECK_ERR(PulseEvent(sem), ERROR_INVALID_HANDLE);
	CHECK_ERR(ReleaseMutex(ev), ERROR_INVALID_HANDLE);
	CHECK_ERR(ReleaseSemaphore(ev, 1, NULL), ERROR_INVALID_HANDLE);
	CHECK_EQ(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);	/* running */
	CHECK_EQ(WaitForSingleObject(GetCurrentThread(), 0), WAIT_TIMEOUT);
	CHECK(CloseHandle(ev));
	CHECK_ERR(CloseHandle(ev), ERROR_INVALID_HANDLE);
	SetLastError(0);
	CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_FAILED);	/* closed */
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	HANDLE pair[2] = { sem, ev };
	SetLastError(0);
	CHECK_EQ(WaitForMultipleObjects(2, pair, FALSE, 0), WAIT_FAILED);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(CloseHandle(sem));
}

static void test_names(void)
{
	SetLastError(0xdead);
	HANDLE a = CreateEventA(NULL, TRUE, FALSE, "u2_sync_event");
	CHECK(a != NULL);
	CHECK_EQ(GetLastError(), ERROR_SUCCESS);
	HANDLE b = CreateEventW(NULL, FALSE, TRUE, L"Local\\u2_sync_event");	/* the same object; arguments ignored */
	CHECK(b != NULL && b != a);
	CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	CHECK_EQ(WaitForSingleObject(b, 0), WAIT_TIMEOUT);	/* still manual and reset */
	CHECK(SetEvent(a));
	CHECK_EQ(WaitForSingleObject(b, 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(b, 0), WAIT_OBJECT_0);	/* manual */
	HANDLE o = OpenEventA(EVENT_ALL_ACCESS, FALSE, "u2_sync_event");
	CHECK(o != NULL);
	CHECK(ResetEvent(o));
	CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);

	CHECK_ERR(CreateMutexA(NULL, FALSE, "u2_sync_event"), ERROR_INVALID_HANDLE);
	CHECK_ERR(CreateSemaphoreA(NULL, 0, 1, "u2_sync_event"), ERROR_INVALID_HANDLE);
	CHECK_ERR(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, "u2_sync_event"), ERROR_INVALID_HANDLE);
	CHECK_ERR(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, "u2_sync_event"), ERROR_INVALID_HANDLE);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "u2_sync_event"),
		  ERROR_INVALID_HANDLE);
	CHECK_ERR(OpenEventA(EVENT_ALL_ACCESS, FALSE, "u2_sync_none"), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(OpenEventA(EVENT_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER);

	/* An existing mutex: bInitialOwner is ignored. */
	HANDLE m1 = CreateMutexA(NULL, FALSE, "u2_sync_mutex");
	SetLastError(0);
	HANDLE m2 = CreateMutexA(NULL, TRUE, "u2_sync_mutex");
	CHECK(m2 != NULL);
	CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	CHECK_ERR(ReleaseMutex(m2), ERROR_NOT_OWNER);
	HANDLE m3 = OpenMutexW(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, L"u2_sync_mutex");
	CHECK(m3 != NULL);
	CHECK_EQ(WaitForSingleObject(m3, 0), WAIT_OBJECT_0);
	CHECK(ReleaseMutex(m1));	/* any handle of the owner releases */

	HANDLE s1 = CreateSemaphoreW(NULL, 1, 5, L"u2_sync_sem");
	HANDLE s2 = OpenSemaphoreW(SEMAPHORE_ALL_ACCESS, FALSE, L"u2_sync_sem");
	CHECK(s2 != NULL);
	LONG prev = -1;
	CHECK(ReleaseSemaphore(s2, 1, &prev));
	CHECK_EQ(prev, 1);
	CHECK_EQ(WaitForSingleObject(s1, 0), WAIT_OBJECT_0);

	/* The name goes with the last handle. */
	CHECK(CloseHandle(a));
	CHECK(CloseHandle(b));
	HANDLE again = OpenEventA(SYNCHRONIZE, FALSE, "u2_sync_event");	/* still there through o */
	CHECK(again != NULL);
	CHECK(CloseHandle(again));
	CHECK(CloseHandle(o));
	CHECK_ERR(OpenEventA(EVENT_ALL_ACCESS, FALSE, "u2_sync_event"), ERROR_FILE_NOT_FOUND);
	CHECK(CloseHandle(m1));
	CHECK(CloseHandle(m2));
	CHECK(CloseHandle(m3));
	CHECK(CloseHandle(s1));
	CHECK(CloseHandle(s2));
}

/* ---- with threads ---- */

static HANDLE start(LPTHREAD_START_ROUTINE fn, void *arg)
{
	HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
	CHECK(t != NULL);
	return t;
}

static void join(HANDLE t)
{
	CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	CHECK(CloseHandle(t));
}

static HANDLE g_event, g_mutex, g_sem;
static volatile LONG g_count;

static DWORD WINAPI wait_then_count(void *arg)
{
	(void)arg;
	if (WaitForSingleObject(g_event, 10000) == WAIT_OBJECT_0)
		InterlockedIncrement(&g_count);
	return 0;
}

/* n waiters on g_event; after each action (set/pulse), how many have passed. */
static void waiters_vs(BOOL manual, BOOL pulse, LONG expect_first)
{
	g_event = CreateEventA(NULL, manual, FALSE, NULL);
	g_count = 0;
	HANDLE t[3];
	for (int i = 0; i < 3; i++)
		t[i] = start(wait_then_count, NULL);
	Sleep(100);	/* all three block */
	CHECK_EQ(g_count, 0);
	CHECK(pulse ? PulseEvent(g_event) : SetEvent(g_event));
	Sleep(100);
	CHECK_EQ(g_count, expect_first);
	CHECK_EQ(WaitForSingleObject(g_event, 0), (pulse || !manual) ? WAIT_TIMEOUT : WAIT_OBJECT_0);
	for (int k = 0; k < 3 && g_count < 3; k++) {
		LONG before = g_count;
		CHECK(SetEvent(g_event));
		Sleep(50);
		CHECK_EQ(g_count, manual ? 3 : before + 1);
	}
	for (int i = 0; i < 3; i++)
		join(t[i]);
	CHECK(CloseHandle(g_event));
}

static DWORD WINAPI take_mutex_and_exit(void *arg)
{
	(void)arg;
	return WaitForSingleObject(g_mutex, 0);	/* owned at exit: abandoned */
}

static DWORD WINAPI try_mutex(void *arg)
{
	(void)arg;
	return WaitForSingleObject(g_mutex, 0);
}

static DWORD WINAPI mutex_counter(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		if (WaitForSingleObject(g_mutex, INFINITE) != WAIT_OBJECT_0)
			return 1;
		LONG v = g_count;
		if (i % 64 == 0)
			SwitchToThread();	/* invite the others in: the mutex must keep them out */
		g_count = v + 1;
		if (!ReleaseMutex(g_mutex))
			return 2;
	}
	return 0;
}

static void test_mutex_threads(void)
{
	DWORD code = 99;
	g_mutex = CreateMutexA(NULL, TRUE, NULL);
	HANDLE t = start(try_mutex, NULL);	/* owned by main: another thread times out */
	CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	CHECK(GetExitCodeThread(t, &code));
	CHECK_EQ(code, WAIT_TIMEOUT);
	CHECK(CloseHandle(t));
	CHECK(ReleaseMutex(g_mutex));

	t = start(take_mutex_and_exit, NULL);
	CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	CHECK(GetExitCodeThread(t, &code));
	CHECK_EQ(code, WAIT_OBJECT_0);
	CHECK(CloseHandle(t));
	CHECK_ERR(ReleaseMutex(g_mutex), ERROR_NOT_OWNER);
	CHECK_EQ(WaitForSingleObject(g_mutex, 0), WAIT_ABANDONED_0);	/* and now it is ours */
	CHECK_EQ(WaitForSingleObject(g_mutex, 0), WAIT_OBJECT_0);	/* abandonment is reported once */
	CHECK(ReleaseMutex(g_mutex));
	CHECK(ReleaseMutex(g_mutex));

	t = start(take_mutex_and_exit, NULL);
	join(t);
	HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE pair[2] = { ev, g_mutex };
	CHECK_EQ(WaitForMultipleObjects(2, pair, FALSE, 0), WAIT_ABANDONED_0 + 1);
	CHECK(ReleaseMutex(g_mutex));
	CHECK(CloseHandle(ev));

	g_count = 0;
	HANDLE w[4];
	for (int i = 0; i < 4; i++)
		w[i] = start(mutex_counter, NULL);
	CHECK_EQ(WaitForMultipleObjects(4, w, TRUE, 60000), WAIT_OBJECT_0);
	for (int i = 0; i < 4; i++) {
		CHECK(GetExitCodeThread(w[i], &code));
		CHECK_EQ(code, 0);
		CHECK(CloseHandle(w[i]));
	}
	CHECK_EQ(g_count, 8000);
	CHECK(CloseHandle(g_mutex));
}

static DWORD WINAPI consumer(void *arg)
{
	LONG *got = arg;
	while (WaitForSingleObject(g_sem, 2000) == WAIT_OBJECT_0)
		(*got)++;
	return 0;
}

static void test_semaphore_threads(void)
{
	g_sem = CreateSemaphoreA(NULL, 0, 1000, NULL);
	LONG got[3] = { 0 };
	HANDLE t[3];
	for (int i = 0; i < 3; i++)
		t[i] = start(consumer, &got[i]);
	for (int i = 0; i < 300; i++) {
		if (!ReleaseSemaphore(g_sem, 1 + (i % 3), NULL))
			CHECK(!"ReleaseSemaphore");
		if (i % 50 == 0)
			Sleep(1);
	}
	for (int i = 0; i < 3; i++)
		join(t[i]);
	CHECK_EQ(got[0] + got[1] + got[2], 600);	/* 100 x (1 + 2 + 3) */
	CHECK(CloseHandle(g_sem));
}

static DWORD WINAPI set_later(void *arg)
{
	Sleep(50);
	SetEvent(arg);
	return 0;
}

static DWORD WINAPI spinner(void *arg)
{
	volatile LONG *stop = arg;
	while (!*stop)
		;
	return 0;
}

static void test_wait_threads(void)
{
	HANDLE e[2] = { CreateEventA(NULL, FALSE, FALSE, NULL), CreateEventA(NULL, FALSE, FALSE, NULL) };
	HANDLE t0 = start(set_later, e[0]), t1 = start(set_later, e[1]);
	DWORD ms, r;
	ELAPSED(r = WaitForMultipleObjects(2, e, TRUE, 5000), ms);	/* wakes when the second is set */
	CHECK_EQ(r, WAIT_OBJECT_0);
	CHECK(ms >= 40 && ms < 5000);
	join(t0);
	join(t1);
	HANDLE t = start(set_later, e[1]);
	CHECK_EQ(WaitForMultipleObjects(2, e, FALSE, 5000), WAIT_OBJECT_0 + 1);
	CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);	/* a thread handle: signaled when it ends */
	CHECK(CloseHandle(t));

	/* Both on CPU 0 (SMP=n): SwitchToThread yields only to a thread ready on its own processor. */
	volatile LONG stop = 0;
	DWORD_PTR mask = SetThreadAffinityMask(GetCurrentThread(), 1);
	CHECK(mask != 0);
	t = start(spinner, (void *)&stop);
	CHECK(SetThreadAffinityMask(t, 1) != 0);
	Sleep(10);
	CHECK(SwitchToThread());	/* another thread was ready: it ran */
	stop = 1;
	join(t);
	CHECK(SetThreadAffinityMask(GetCurrentThread(), mask) == 1);
	CHECK(CloseHandle(e[0]));
	CHECK(CloseHandle(e[1]));
}

int main(void)
{
	under_wine = GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != NULL;
	test_events();
	test_mutex_one_thread();
	test_semaphores();
	test_wait_multiple();
	test_bad_handles();
	test_names();
	waiters_vs(TRUE, FALSE, 3);	/* manual SetEvent: all */
	waiters_vs(FALSE, FALSE, 1);	/* auto SetEvent: one */
	waiters_vs(TRUE, TRUE, 3);	/* manual PulseEvent: all waiting, then reset */
	waiters_vs(FALSE, TRUE, 1);	/* auto PulseEvent: one */
	test_mutex_threads();
	test_semaphore_threads();
	test_wait_threads();
	return utest_done("sync_objects");
}
