/*
 * tests/user/mt_handles.c - issue 17: a handle closed by one thread while
 * another thread waits on it.  As on Windows, the wait holds the object, not
 * the handle: it goes on and completes when the object is signaled through
 * another handle (WAIT_OBJECT_0 + index), or times out (WAIT_TIMEOUT) when
 * the closed handle was the last one; the closed handle value is invalid
 * afterwards (ERROR_INVALID_HANDLE).  Events and semaphores (the second
 * handle from Open* on a named object, or DuplicateHandle), threads, and a
 * WaitForMultipleObjects with one closed handle among several.
 *
 * The waiter says it is about to wait, the main thread sleeps a little and
 * closes.  If the close still came first, the wait fails with
 * ERROR_INVALID_HANDLE (also correct); most rounds must take the real path.
 */
#include "mt_common.h"

struct job {
	HANDLE h[2];
	DWORD count, timeout, result, error;
	volatile LONG started;
};

static DWORD WINAPI waiter(void *arg)
{
	struct job *j = arg;
	j->started = 1;
	j->result = j->count == 1 ? WaitForSingleObject(j->h[0], j->timeout)
				  : WaitForMultipleObjects(j->count, j->h, FALSE, j->timeout);
	j->error = j->result == WAIT_FAILED ? GetLastError() : 0;
	return 0;
}

static DWORD WINAPI blocked(void *arg)
{
	WaitForSingleObject((HANDLE)arg, INFINITE);
	return 7;
}

/* A second handle to h (DuplicateHandle, DUPLICATE_SAME_ACCESS). */
static HANDLE dup(HANDLE h)
{
	HANDLE d = NULL;
	CHECK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	return d;
}

/*
 * A named event (manual or auto reset) or semaphore (kind 'm', 'a', 's') and,
 * in *second, a second handle to it from Open*.
 */
static HANDLE named(char kind, HANDLE *second)
{
	static unsigned serial;
	char name[48];
	snprintf(name, sizeof name, "mt_handles_%lu_%u", (unsigned long)GetCurrentProcessId(), serial++);
	HANDLE h = kind == 's' ? CreateSemaphoreA(NULL, 0, 4, name) : CreateEventA(NULL, kind == 'm', FALSE, name);
	CHECK(h != NULL);
	*second = kind == 's' ? OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, name) : OpenEventA(EVENT_ALL_ACCESS, FALSE, name);
	CHECK(*second != NULL && *second != h);
	return h;
}

static unsigned real_path, early_close;

/*
 * Runs one round: a waiter on j (its handles set), closes j->h[close_idx]
 * once the waiter is waiting, then signal() (may do nothing); checks the
 * result is `want` (or the early-close failure) and the handle is dead.
 */
static void round_trip(struct job *j, unsigned close_idx, void (*signal)(void *), void *ctx, DWORD want)
{
	j->started = 0;
	HANDLE w = mt_start(waiter, j);
	mt_wait_eq(&j->started, 1);
	Sleep(3);	/* into the wait */
	HANDLE closed = j->h[close_idx];
	CHECK(CloseHandle(closed));
	if (signal)
		signal(ctx);
	mt_join(w);
	if (j->result == WAIT_FAILED && j->error == ERROR_INVALID_HANDLE) {
		early_close++;
	} else {
		real_path++;
		CHECK_EQ(j->result, want);
	}
	CHECK_ERR(CloseHandle(closed), ERROR_INVALID_HANDLE);	/* nothing was created since */
}

static void set_event(void *e)
{
	CHECK(SetEvent(e));
}

static void release_sem(void *s)
{
	LONG prev = -1;
	CHECK(ReleaseSemaphore(s, 1, &prev));
	CHECK_EQ(prev, 0);
}

static void set_gate(void *g)
{
	CHECK(SetEvent(g));
}

static void one_of_each(void)
{
	struct job j;
	memset(&j, 0, sizeof j);
	/* an event: the closed duplicate's wait ends by SetEvent on the original */
	HANDLE e = named('a', &j.h[0]);
	j.count = 1, j.timeout = 20000;
	round_trip(&j, 0, set_event, e, WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT);	/* auto-reset: the waiter took the signal */
	CHECK(CloseHandle(e));

	/* the same with the second handle from DuplicateHandle */
	e = CreateEventA(NULL, FALSE, FALSE, NULL);
	j.h[0] = dup(e), j.count = 1, j.timeout = 20000;
	round_trip(&j, 0, set_event, e, WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
	CHECK(CloseHandle(e));

	/* the last handle of an event: the wait goes on until its timeout */
	j.h[0] = CreateEventA(NULL, TRUE, FALSE, NULL), j.count = 1, j.timeout = 60;
	round_trip(&j, 0, NULL, NULL, WAIT_TIMEOUT);

	/* a semaphore */
	HANDLE s = named('s', &j.h[0]);
	j.count = 1, j.timeout = 20000;
	round_trip(&j, 0, release_sem, s, WAIT_OBJECT_0);
	LONG prev = -1;
	CHECK(ReleaseSemaphore(s, 1, &prev));
	CHECK_EQ(prev, 0);	/* the waiter took the unit */
	CHECK(CloseHandle(s));

	/* a thread: the waiter's duplicate is closed, the thread ends later */
	HANDLE gate = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE th = mt_start(blocked, gate);
	j.h[0] = dup(th), j.count = 1, j.timeout = 20000;
	round_trip(&j, 0, set_gate, gate, WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(th, 20000), WAIT_OBJECT_0);
	DWORD code = 0;
	CHECK(GetExitCodeThread(th, &code));
	CHECK_EQ(code, 7);
	CHECK(CloseHandle(th));
	CHECK(CloseHandle(gate));

	/* wait-any on two events, the first handle closed, the second signaled through a duplicate */
	HANDLE a = named('a', &j.h[0]), b = named('a', &j.h[1]);
	j.count = 2, j.timeout = 20000;
	round_trip(&j, 0, set_event, b, WAIT_OBJECT_0 + 1);
	CHECK(CloseHandle(j.h[1]));
	CHECK(CloseHandle(a));
	CHECK(CloseHandle(b));

	/* wait-any, the closed handle's own object signaled through the original */
	a = named('a', &j.h[0]), b = named('a', &j.h[1]);
	j.count = 2, j.timeout = 20000;
	round_trip(&j, 0, set_event, a, WAIT_OBJECT_0);
	CHECK(CloseHandle(j.h[1]));
	CHECK(CloseHandle(a));
	CHECK(CloseHandle(b));
}

int main(void)
{
	one_of_each();	/* warm-up: handle tables grow once */
	struct mt_oracle o;
	mt_warm_begin(&o);
	unsigned rounds = mt_iters(8);
	for (unsigned r = 0; r < rounds; r++)
		one_of_each();
	CHECK(real_path >= 6 * (rounds + 1));	/* 7 per round; a few early closes are allowed */
	mt_oracle_end(&o, "handles");
	return mt_done("mt_handles");
}
