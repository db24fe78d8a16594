/*
 * tests/user/files_lock.c - byte-range locks across two handles of one
 * file: LockFile/UnlockFile (exclusive), LockFileEx shared and exclusive
 * with LOCKFILE_FAIL_IMMEDIATELY, ERROR_LOCK_VIOLATION for conflicting
 * locks and for ReadFile/WriteFile of a range another handle locked,
 * ERROR_NOT_LOCKED for unlocking what is not locked, and locks dropped
 * when their handle closes.  LockFileEx without LOCKFILE_FAIL_IMMEDIATELY
 * waits (a second thread) until the other handle unlocks or is closed.
 */
#include "utest.h"

#define NAME "C:\\files_lock.bin"

static HANDLE open_rw(void)
{
	return CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
			   0, NULL);
}

static BOOL read_at(HANDLE h, DWORD off, DWORD n)
{
	char buf[64];
	DWORD got;
	OVERLAPPED ov = { .Offset = off };
	return ReadFile(h, buf, n, &got, &ov);
}

static BOOL write_at(HANDLE h, DWORD off, DWORD n)
{
	char buf[64] = { 0 };
	DWORD put;
	OVERLAPPED ov = { .Offset = off };
	return WriteFile(h, buf, n, &put, &ov);
}

static BOOL lock_ex(HANDLE h, DWORD flags, DWORD off, DWORD len)
{
	OVERLAPPED ov = { .Offset = off };
	return LockFileEx(h, flags, 0, len, 0, &ov);
}

static BOOL unlock_ex(HANDLE h, DWORD off, DWORD len)
{
	OVERLAPPED ov = { .Offset = off };
	return UnlockFileEx(h, 0, len, 0, &ov);
}

/* A thread that takes an exclusive lock on [1090, 1091) through handle arg, waiting for it. */
static volatile LONG waiter_done;
static DWORD WINAPI waiter(LPVOID arg)
{
	BOOL ok = lock_ex((HANDLE)arg, LOCKFILE_EXCLUSIVE_LOCK, 1090, 1);
	InterlockedExchange(&waiter_done, ok ? 1 : 2);
	return ok ? 0 : GetLastError();
}

/* LockFileEx waits: an unlock of the other handle wakes it, so does closing the other handle. */
static void waiting(void)
{
	HANDLE a = open_rw(), b = open_rw();
	CHECK(lock_ex(a, LOCKFILE_FAIL_IMMEDIATELY, 1000, 100));	/* shared */
	waiter_done = 0;
	HANDLE t = CreateThread(NULL, 0, waiter, b, 0, NULL);
	CHECK(t != NULL);
	CHECK_EQ(WaitForSingleObject(t, 200), WAIT_TIMEOUT);	/* blocked on a's shared lock */
	CHECK_EQ(waiter_done, 0);
	CHECK(read_at(b, 1000, 10));
	CHECK(unlock_ex(a, 1000, 100));
	CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
	CHECK_EQ(waiter_done, 1);
	CloseHandle(t);
	CHECK_ERR(read_at(a, 1090, 1), ERROR_LOCK_VIOLATION);	/* b holds it now */
	CHECK(unlock_ex(b, 1090, 1));

	/* the holder's handle closes: the waiter gets the range */
	CHECK(LockFile(a, 1080, 0, 20, 0));
	waiter_done = 0;
	t = CreateThread(NULL, 0, waiter, b, 0, NULL);
	CHECK(t != NULL);
	CHECK_EQ(WaitForSingleObject(t, 200), WAIT_TIMEOUT);
	CloseHandle(a);
	CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
	CHECK_EQ(waiter_done, 1);
	CloseHandle(t);
	CHECK(unlock_ex(b, 1090, 1));
	CloseHandle(b);
}

int main(void)
{
	DeleteFileA(NAME);
	HANDLE a = open_rw(), b = open_rw();
	CHECK(a != INVALID_HANDLE_VALUE && b != INVALID_HANDLE_VALUE);
	static char data[8192];
	DWORD n;
	CHECK(WriteFile(a, data, sizeof(data), &n, NULL));

	/* exclusive: the other handle can neither lock, read nor write the range */
	CHECK(LockFile(a, 100, 0, 50, 0));
	CHECK_ERR(LockFile(b, 120, 0, 10, 0), ERROR_LOCK_VIOLATION);
	CHECK_ERR(LockFile(b, 90, 0, 11, 0), ERROR_LOCK_VIOLATION);	/* overlaps the first byte */
	CHECK(LockFile(b, 90, 0, 10, 0));				/* touches, does not overlap */
	CHECK(LockFile(b, 150, 0, 10, 0));
	CHECK_ERR(read_at(b, 140, 20), ERROR_LOCK_VIOLATION);
	CHECK_ERR(write_at(b, 149, 1), ERROR_LOCK_VIOLATION);
	CHECK(read_at(a, 100, 50));	/* the owner can */
	CHECK(write_at(a, 100, 50));
	CHECK(read_at(b, 0, 50));	/* outside: anyone */
	CHECK(write_at(b, 200, 50));
	/* the same handle's own exclusive locks do not conflict with its I/O; a second lock on its range does */
	CHECK_ERR(LockFile(a, 100, 0, 50, 0), ERROR_LOCK_VIOLATION);
	/* unlock needs the exact range */
	CHECK_ERR(UnlockFile(a, 100, 0, 49, 0), ERROR_NOT_LOCKED);
	CHECK_ERR(UnlockFile(b, 100, 0, 50, 0), ERROR_NOT_LOCKED);
	CHECK(UnlockFile(a, 100, 0, 50, 0));
	CHECK_ERR(UnlockFile(a, 100, 0, 50, 0), ERROR_NOT_LOCKED);
	CHECK(read_at(b, 100, 50));
	CHECK(UnlockFile(b, 90, 0, 10, 0));
	CHECK(UnlockFile(b, 150, 0, 10, 0));

	/* shared: both may hold it, nobody writes, everybody reads; an exclusive lock conflicts */
	CHECK(lock_ex(a, LOCKFILE_FAIL_IMMEDIATELY, 1000, 100));
	CHECK(lock_ex(b, LOCKFILE_FAIL_IMMEDIATELY, 1050, 100));
	CHECK(read_at(b, 1000, 50));
	CHECK(read_at(a, 1060, 10));
	CHECK_ERR(write_at(b, 1000, 1), ERROR_LOCK_VIOLATION);
	CHECK_ERR(write_at(a, 1000, 1), ERROR_LOCK_VIOLATION);	/* a shared range: not even its owner writes */
	CHECK_ERR(lock_ex(b, LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK, 1090, 1), ERROR_LOCK_VIOLATION);
	CHECK(unlock_ex(a, 1000, 100));
	CHECK(unlock_ex(b, 1050, 100));
	CHECK(write_at(b, 1000, 1));

	/* bad arguments */
	OVERLAPPED ov = { .Offset = 0 };
	CHECK_ERR(LockFileEx(a, 0x80, 0, 1, 0, &ov), ERROR_INVALID_PARAMETER);
	CHECK_ERR(LockFileEx(a, 0, 1, 1, 0, &ov), ERROR_INVALID_PARAMETER);
	CHECK_ERR(LockFile((HANDLE)(ULONG_PTR)0x7ff0, 0, 0, 1, 0), ERROR_INVALID_HANDLE);
	/* a lock past the end of the file is allowed */
	CHECK(LockFile(a, 0, 1, 10, 0));
	CHECK(UnlockFile(a, 0, 1, 10, 0));

	/* closing a handle drops its locks */
	CHECK(LockFile(a, 4000, 0, 100, 0));
	CHECK_ERR(read_at(b, 4000, 10), ERROR_LOCK_VIOLATION);
	CloseHandle(a);
	CHECK(read_at(b, 4000, 10));
	CHECK(LockFile(b, 4000, 0, 100, 0));
	CloseHandle(b);
	waiting();
	/* a handle of its own sees no lock of the closed one */
	HANDLE c = open_rw();
	CHECK(LockFile(c, 4000, 0, 100, 0));
	CloseHandle(c);
	CHECK(DeleteFileA(NAME));
	return utest_done("files_lock");
}
