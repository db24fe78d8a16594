/*
 * libc/msvcrt/exit.c - process exit: the _onexit/atexit table, exit,
 * _exit, _cexit, _c_exit, abort, _amsg_exit, and __dllonexit (the table
 * MinGW-built DLLs keep themselves).
 *
 * exit runs the _onexit functions (last registered first, including any
 * registered while they run), flushes every stream and calls ExitProcess.
 * _exit and abort do neither.  If the process ends another way (ExitProcess
 * called directly), the DLL's PROCESS_DETACH does what exit would have.
 */
#include "crt.h"

#include <corecrt_startup.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

typedef int(__cdecl *onexit_fn)(void);

/* Guarded by _lock(CRT_LOCK_EXIT). */
static onexit_fn *table;
static size_t count, cap;
static volatile int exit_done;	/* the exit work is done or must be skipped */

/* Registers f to run at exit; returns f, or NULL when out of memory. */
_onexit_t __cdecl _onexit(_onexit_t f)
{
	_lock(CRT_LOCK_EXIT);
	if (count == cap) {
		size_t ncap = cap ? 2 * cap : 32;
		onexit_fn *t = realloc(table, ncap * sizeof(*t));
		if (!t) {
			_unlock(CRT_LOCK_EXIT);
			return NULL;
		}
		table = t;
		cap = ncap;
	}
	table[count++] = (onexit_fn)f;
	_unlock(CRT_LOCK_EXIT);
	return f;
}

/* Registers f to run at exit; 0, or -1 when out of memory. */
int __cdecl atexit(void(__cdecl *f)(void))
{
	return _onexit((_onexit_t)f) ? 0 : -1;
}

/* Runs the registered functions, last first, each once. */
void crt_run_onexit(void)
{
	for (;;) {
		_lock(CRT_LOCK_EXIT);
		if (!count) {
			_unlock(CRT_LOCK_EXIT);
			return;
		}
		onexit_fn f = table[--count];
		_unlock(CRT_LOCK_EXIT);
		f();
	}
}

/* The exit work without ending the process: _onexit functions, then every stream flushed. */
void __cdecl _cexit(void)
{
	if (exit_done)
		return;
	crt_run_onexit();
	crt_flush_all();
	exit_done = 1;
}

/* Ends the exit work without doing it (no _onexit functions, no flush). */
void __cdecl _c_exit(void)
{
	exit_done = 1;
}

/* _cexit, then ExitProcess(code). */
void __cdecl exit(int code)
{
	_cexit();
	ExitProcess((UINT)code);
}

/* ExitProcess(code) at once: no _onexit functions, no flush. */
void __cdecl _exit(int code)
{
	exit_done = 1;
	ExitProcess((UINT)code);
}

/* C99's _Exit: _exit. */
void __cdecl _Exit(int code)
{
	_exit(code);
}

/* The DLL's PROCESS_DETACH: the exit work if nobody did it. */
void crt_exit_detach(void)
{
	_cexit();
}

/* raise(SIGABRT); if that returns, the runtime's message on stderr and _exit(3). */
void __cdecl abort(void)
{
	raise(SIGABRT);
	static const char msg[] = "\nThis application has requested the Runtime to terminate it in an unusual way.\n"
				  "Please contact the application's support team for more information.\n";
	fwrite(msg, 1, sizeof(msg) - 1, &crt_iob[2]);
	_exit(3);
}

/* A fatal runtime error: "runtime error R60nn" on stderr and _exit(255). */
void __cdecl _amsg_exit(int n)
{
	fprintf(&crt_iob[2], "\nruntime error R60%02d\n", n);
	_exit(255);
}

/* Writes msg to the standard error handle and ends the process with 255 (for errors where stdio may not work). */
void crt_fatal(const char *msg)
{
	DWORD done;
	WriteFile(GetStdHandle(STD_ERROR_HANDLE), msg, (DWORD)strlen(msg), &done, NULL);
	ExitProcess(255);
}

/* A DLL's own exit table ([*begin, *end), malloc'ed by the caller): appends f, growing the
 * table when full.  Returns f, or NULL when out of memory. */
_onexit_t __cdecl __dllonexit(_onexit_t f, _PVFV **begin, _PVFV **end)
{
	_lock(CRT_LOCK_EXIT);
	size_t n = (size_t)(*end - *begin);
	size_t room = *begin ? _msize(*begin) / sizeof(_PVFV) : 0;
	if (n >= room) {
		size_t grow = n > 512 ? 512 : (n ? n : 16);
		_PVFV *t = realloc(*begin, (n + grow) * sizeof(_PVFV));
		if (!t) {
			_unlock(CRT_LOCK_EXIT);
			return NULL;
		}
		*begin = t;
		*end = t + n;
	}
	*(*end)++ = (_PVFV)f;
	_unlock(CRT_LOCK_EXIT);
	return f;
}
