/*
 * libc/kernel32/sync.c - semaphores and events as user-mode objects behind
 * handles kernel32 marks (low bits 10; the kernel has no such objects yet),
 * and the waits on them.
 *
 * With one thread per process nothing can signal an object while its only
 * thread waits, so a wait that would block does not block: with a finite
 * timeout it sleeps that long and returns WAIT_TIMEOUT, as Windows would;
 * with INFINITE it returns WAIT_FAILED with ERROR_POSSIBLE_DEADLOCK instead
 * of hanging forever.  Counts change with atomic operations, shaped for
 * threads.  Names are per process (up to 63 characters): a second Create
 * with the same name returns the same object and ERROR_ALREADY_EXISTS.
 */
#include "k32_private.h"

#define MAX_OBJECTS 256
#define NAME_CHARS 64

enum { OBJ_FREE, OBJ_SEMAPHORE, OBJ_EVENT };

struct object {
	LONG type;
	LONG refs;		/* handles to it (CloseHandle drops one) */
	LONG count;		/* semaphore count, or event signaled (0/1) */
	LONG max;		/* semaphore maximum, or event manual-reset (0/1) */
	WCHAR name[NAME_CHARS];
};

static struct object objects[MAX_OBJECTS];

static HANDLE handle_of(int i)
{
	return (HANDLE)(ULONG_PTR)(((0x4000 + i) << 2) | 2);
}

/* The object behind h, or NULL. */
static struct object *object_of(HANDLE h)
{
	ULONG_PTR v = (ULONG_PTR)h;
	if ((v & 3) != 2)
		return NULL;
	ULONG_PTR i = (v >> 2) - 0x4000;
	if (i >= MAX_OBJECTS || objects[i].type == OBJ_FREE)
		return NULL;
	return &objects[i];
}

/*
 * A new object of type, or the existing one of that name (last error
 * ERROR_ALREADY_EXISTS; ERROR_INVALID_HANDLE when it has another type).
 */
static HANDLE create(LONG type, LPCWSTR name, LONG count, LONG max)
{
	size_t n = name ? k32_wcslen(name) : 0;
	if (n >= NAME_CHARS) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return NULL;
	}
	int free_slot = -1;
	for (int i = 0; i < MAX_OBJECTS; i++) {
		if (objects[i].type == OBJ_FREE) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (n && memcmp(objects[i].name, name, (n + 1) * sizeof(WCHAR)) == 0) {
			if (objects[i].type != type) {
				SetLastError(ERROR_INVALID_HANDLE);
				return NULL;
			}
			objects[i].refs++;
			SetLastError(ERROR_ALREADY_EXISTS);
			return handle_of(i);
		}
	}
	if (free_slot < 0) {
		SetLastError(ERROR_NO_SYSTEM_RESOURCES);
		return NULL;
	}
	struct object *o = &objects[free_slot];
	o->refs = 1;
	o->count = count;
	o->max = max;
	memset(o->name, 0, sizeof(o->name));
	if (n)
		memcpy(o->name, name, n * sizeof(WCHAR));
	o->type = type;
	SetLastError(ERROR_SUCCESS);
	return handle_of(free_slot);
}

BOOL k32_close_object(HANDLE h)
{
	struct object *o = object_of(h);
	if (!o) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (--o->refs == 0)
		o->type = OBJ_FREE;
	return TRUE;
}

/* Name through the ANSI code page; FALSE with the last error set when too long. */
static BOOL widen(LPCSTR name, WCHAR *buf)
{
	if (!name || k32_to_wide(name, buf, NAME_CHARS))
		return TRUE;
	SetLastError(ERROR_FILENAME_EXCED_RANGE);
	return FALSE;
}

/* CreateSemaphoreW: 0 <= initial <= maximum, maximum > 0. */
HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount, LONG lMaximumCount,
			       LPCWSTR lpName)
{
	(void)lpSemaphoreAttributes;
	if (lMaximumCount <= 0 || lInitialCount < 0 || lInitialCount > lMaximumCount) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return create(OBJ_SEMAPHORE, lpName, lInitialCount, lMaximumCount);
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount, LONG lMaximumCount,
			       LPCSTR lpName)
{
	WCHAR w[NAME_CHARS];
	if (!widen(lpName, w))
		return NULL;
	return CreateSemaphoreW(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName ? w : NULL);
}

/* ReleaseSemaphore: adds lReleaseCount; ERROR_TOO_MANY_POSTS (nothing changed) past the maximum. */
BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount)
{
	struct object *o = object_of(hSemaphore);
	if (!o || o->type != OBJ_SEMAPHORE) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (lReleaseCount <= 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	LONG old = o->count;
	do {
		if (lReleaseCount > o->max - old) {
			SetLastError(ERROR_TOO_MANY_POSTS);
			return FALSE;
		}
	} while (!__atomic_compare_exchange_n(&o->count, &old, old + lReleaseCount, FALSE, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	if (lpPreviousCount)
		*lpPreviousCount = old;
	return TRUE;
}

/* CreateEventW: manual- or auto-reset, initially signaled or not. */
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
			   LPCWSTR lpName)
{
	(void)lpEventAttributes;
	return create(OBJ_EVENT, lpName, bInitialState ? 1 : 0, bManualReset ? 1 : 0);
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
			   LPCSTR lpName)
{
	WCHAR w[NAME_CHARS];
	if (!widen(lpName, w))
		return NULL;
	return CreateEventW(lpEventAttributes, bManualReset, bInitialState, lpName ? w : NULL);
}

static BOOL set_event_state(HANDLE h, LONG state)
{
	struct object *o = object_of(h);
	if (!o || o->type != OBJ_EVENT) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	__atomic_store_n(&o->count, state, __ATOMIC_RELEASE);
	return TRUE;
}

BOOL WINAPI SetEvent(HANDLE hEvent)
{
	return set_event_state(hEvent, 1);
}

BOOL WINAPI ResetEvent(HANDLE hEvent)
{
	return set_event_state(hEvent, 0);
}

/* PulseEvent: releases the waiters (there are none while there is one thread) and leaves it reset. */
BOOL WINAPI PulseEvent(HANDLE hEvent)
{
	return set_event_state(hEvent, 0);
}

/* Takes o when it is signaled (a semaphore unit, an auto-reset event's state); FALSE when it is not. */
static BOOL try_acquire(struct object *o)
{
	LONG c = __atomic_load_n(&o->count, __ATOMIC_ACQUIRE);
	if (o->type == OBJ_EVENT) {
		if (!c)
			return FALSE;
		if (o->max)	/* manual reset: stays signaled */
			return TRUE;
		return __atomic_compare_exchange_n(&o->count, &c, 0, FALSE, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
	}
	while (c > 0)
		if (__atomic_compare_exchange_n(&o->count, &c, c - 1, FALSE, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return TRUE;
	return FALSE;
}

static BOOL signaled(struct object *o)
{
	return __atomic_load_n(&o->count, __ATOMIC_ACQUIRE) > 0;
}

/* The outcome of a wait nothing can satisfy (see the file comment). */
static DWORD unsatisfiable(DWORD ms)
{
	if (ms == INFINITE) {
		SetLastError(ERROR_POSSIBLE_DEADLOCK);
		return WAIT_FAILED;
	}
	if (ms)
		Sleep(ms);
	return WAIT_TIMEOUT;
}

/*
 * WaitForMultipleObjectsEx: 1..64 kernel32 objects (ERROR_INVALID_HANDLE for
 * anything else, the process pseudo-handle included).  bWaitAll: all at once
 * or none; otherwise the lowest signaled index.
 */
DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, CONST HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds,
				      BOOL bAlertable)
{
	(void)bAlertable;
	if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return WAIT_FAILED;
	}
	struct object *o[MAXIMUM_WAIT_OBJECTS];
	for (DWORD i = 0; i < nCount; i++) {
		o[i] = object_of(lpHandles[i]);
		if (!o[i]) {
			SetLastError(ERROR_INVALID_HANDLE);
			return WAIT_FAILED;
		}
	}
	if (bWaitAll) {
		BOOL all = TRUE;
		for (DWORD i = 0; i < nCount; i++)
			all = all && signaled(o[i]);
		if (all) {
			for (DWORD i = 0; i < nCount; i++)
				try_acquire(o[i]);
			return WAIT_OBJECT_0;
		}
	} else {
		for (DWORD i = 0; i < nCount; i++)
			if (try_acquire(o[i]))
				return WAIT_OBJECT_0 + i;
	}
	return unsatisfiable(dwMilliseconds);
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, CONST HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds)
{
	return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
	return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, bAlertable);
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, FALSE);
}
