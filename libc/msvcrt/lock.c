/*
 * libc/msvcrt/lock.c - the runtime's numbered locks (_lock/_unlock) and the
 * per-stream locks (_lock_file/_unlock_file).
 *
 * Every lock is a CRITICAL_SECTION, so a thread may take one again.  The
 * locks of the _iob streams are numbers CRT_STREAM_LOCKS + index, as in
 * Microsoft's runtime, because MinGW's own _lock_file (linked into programs
 * from libmsvcrt.a) calls _lock with those numbers; other streams are a FILE
 * followed by its CRITICAL_SECTION (MinGW's _FILEX).  An _iob stream that has
 * no buffer of its own writes what it gathered while locked when its
 * outermost lock is released (stdio.c), so one printf is one write.
 */
#include "crt.h"
#include "stdio_impl.h"

static CRITICAL_SECTION crt_locks[CRT_NLOCKS];
static int stream_depth[CRT_IOB_ENTRIES];	/* guarded by the stream's own lock */

/* Initialises every lock; called once from the DLL entry point before any other code runs. */
void crt_lock_init(void)
{
	for (int i = 0; i < CRT_NLOCKS; i++)
		InitializeCriticalSection(&crt_locks[i]);
}

/* Takes runtime lock n (0 <= n < CRT_NLOCKS; anything else is a fatal runtime error). */
void __cdecl _lock(int n)
{
	if (n < 0 || n >= CRT_NLOCKS)
		crt_fatal("runtime error: bad lock number\n");
	EnterCriticalSection(&crt_locks[n]);
	if (n >= CRT_STREAM_LOCKS && n < CRT_STREAM_LOCKS + CRT_IOB_ENTRIES)
		stream_depth[n - CRT_STREAM_LOCKS]++;
}

/* Releases runtime lock n; the outermost release of an unbuffered stream's lock writes out what it gathered. */
void __cdecl _unlock(int n)
{
	if (n < 0 || n >= CRT_NLOCKS)
		crt_fatal("runtime error: bad lock number\n");
	if (n >= CRT_STREAM_LOCKS && n < CRT_STREAM_LOCKS + CRT_IOB_ENTRIES) {
		int i = n - CRT_STREAM_LOCKS;
		if (stream_depth[i] == 1)
			crt_stream_unlocking(&crt_iob[i]);
		stream_depth[i]--;
	}
	LeaveCriticalSection(&crt_locks[n]);
}

/* The index of f in _iob, or -1 for another stream. */
static int iob_index(FILE *f)
{
	if (f >= crt_iob && f < crt_iob + CRT_IOB_ENTRIES)
		return (int)(f - crt_iob);
	return -1;
}

/* Locks stream f for the calling thread (recursive). */
void __cdecl _lock_file(FILE *f)
{
	int i = iob_index(f);
	if (i >= 0)
		_lock(CRT_STREAM_LOCKS + i);
	else
		EnterCriticalSection(&((struct crt_filex *)f)->lock);
}

/* Releases one level of _lock_file(f). */
void __cdecl _unlock_file(FILE *f)
{
	int i = iob_index(f);
	if (i >= 0)
		_unlock(CRT_STREAM_LOCKS + i);
	else
		LeaveCriticalSection(&((struct crt_filex *)f)->lock);
}
