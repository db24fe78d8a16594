/*
 * libc/msvcrt/thread.c - the runtime's per-thread data (errno, _doserrno,
 * the rand seed, strtok's position, the gmtime and asctime buffers), as
 * Microsoft keeps them per thread, and _beginthread(ex)/_endthread(ex).
 * Each thread's block is malloc'ed at its first use and freed at
 * DLL_THREAD_DETACH; if that fails, a shared static block is used.
 */
#include <errno.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_impl.h"
#include "thread.h"

static DWORD tls_index = TLS_OUT_OF_INDEXES;
static struct crt_thread fallback = { .rand_seed = 1 };

/* Allocates the TLS slot; called once from the DLL entry point. */
void crt_thread_init(void)
{
	tls_index = TlsAlloc();
}

/* The calling thread's block (never NULL). */
struct crt_thread *crt_thread(void)
{
	if (tls_index == TLS_OUT_OF_INDEXES)
		return &fallback;
	DWORD saved = GetLastError();	/* TlsGetValue clears the last error: keep the caller's */
	struct crt_thread *t = TlsGetValue(tls_index);
	if (!t) {
		t = crt_heap_alloc(sizeof(*t));	/* malloc would set errno through here */
		if (!t || !TlsSetValue(tls_index, t)) {
			crt_heap_free(t);
			t = &fallback;
		} else {
			memset(t, 0, sizeof(*t));
			t->rand_seed = 1;
		}
	}
	SetLastError(saved);
	return t;
}

/* Frees the calling thread's block (DLL_THREAD_DETACH). */
void crt_thread_detach(void)
{
	if (tls_index == TLS_OUT_OF_INDEXES)
		return;
	struct crt_thread *t = TlsGetValue(tls_index);
	if (t && t != &fallback) {
		TlsSetValue(tls_index, NULL);
		crt_heap_free(t);
	}
}

/* The calling thread's strtok position. */
char **crt_strtok_next(void)
{
	return &crt_thread()->strtok_next;
}

/* The calling thread's wcstok position. */
wchar_t **crt_wcstok_next(void)
{
	return &crt_thread()->wcstok_next;
}

/* What a thread _beginthread(ex) starts needs; freed by the thread itself. */
struct begin_args {
	void *start;		/* _beginthread_proc_type or _beginthreadex_proc_type */
	void *arg;
	int ex;			/* 1: _beginthreadex */
	HANDLE handle;		/* _beginthread's, for _endthread to close */
};

/* The first runtime code of a _beginthread(ex) thread: the routine, then _endthread(ex). */
static DWORD WINAPI begin_start(LPVOID p)
{
	struct begin_args a = *(struct begin_args *)p;
	crt_heap_free(p);
	if (a.ex)
		_endthreadex(((_beginthreadex_proc_type)a.start)(a.arg));
	crt_thread()->begin_handle = a.handle;
	((_beginthread_proc_type)a.start)(a.arg);
	_endthread();
}

/* The thread, created suspended so it knows its handle before it runs; NULL with errno set. */
static HANDLE begin(void *start, void *arg, int ex, unsigned stack, unsigned flags, unsigned *tid)
{
	if (!start) {
		crt_set_errno(EINVAL);
		return NULL;
	}
	struct begin_args *a = crt_heap_alloc(sizeof(*a));
	if (!a) {
		crt_set_errno(EAGAIN);
		return NULL;
	}
	a->start = start;
	a->arg = arg;
	a->ex = ex;
	DWORD id = 0;
	HANDLE h = CreateThread(NULL, stack, begin_start, a, flags | CREATE_SUSPENDED, &id);
	if (!h) {
		DWORD e = GetLastError();
		crt_heap_free(a);
		crt_dosmaperr(e);
		if (e == ERROR_NOT_ENOUGH_MEMORY || e == ERROR_OUTOFMEMORY)
			crt_set_errno(EAGAIN);	/* "too many threads", as Microsoft's runtime says it */
		return NULL;
	}
	a->handle = ex ? NULL : h;
	if (!(flags & CREATE_SUSPENDED))
		ResumeThread(h);
	if (tid)
		*tid = id;
	return h;
}

/*
 * _beginthread: start_address(arglist) in a new thread (stack_size: the
 * commit, 0 for the exe's); the handle, closed by the thread itself when it
 * ends (_endthread); -1 with errno EINVAL (NULL routine) or EAGAIN.
 */
uintptr_t __cdecl _beginthread(_beginthread_proc_type start_address, unsigned stack_size, void *arglist)
{
	HANDLE h = begin((void *)start_address, arglist, 0, stack_size, 0, NULL);
	return h ? (uintptr_t)h : (uintptr_t)-1;
}

/*
 * _beginthreadex: as CreateThread (initflag CREATE_SUSPENDED and
 * STACK_SIZE_PARAM_IS_A_RESERVATION; *thrdaddr the id); the caller closes
 * the handle.  0 with errno set on failure.  security is not used.
 */
uintptr_t __cdecl _beginthreadex(void *security, unsigned stack_size, _beginthreadex_proc_type start_address,
				 void *arglist, unsigned initflag, unsigned *thrdaddr)
{
	(void)security;
	return (uintptr_t)begin((void *)start_address, arglist, 1, stack_size, initflag, thrdaddr);
}

/* _endthread: closes the handle _beginthread returned, then ExitThread(0). */
void __cdecl _endthread(void)
{
	struct crt_thread *t = crt_thread();
	if (t->begin_handle) {
		CloseHandle(t->begin_handle);
		t->begin_handle = NULL;
	}
	ExitThread(0);
}

/* _endthreadex: ExitThread(retval); the handle stays the caller's. */
void __cdecl _endthreadex(unsigned retval)
{
	ExitThread(retval);
}
