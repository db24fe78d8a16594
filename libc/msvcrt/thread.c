/*
 * libc/msvcrt/thread.c - the runtime's per-thread data (errno, _doserrno,
 * the rand seed, strtok's position, the gmtime and asctime buffers), as
 * Microsoft keeps them per thread.  Each thread's block is malloc'ed at its
 * first use and freed at DLL_THREAD_DETACH; if that fails, a shared static
 * block is used.
 */
#include <stdlib.h>
#include <string.h>

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
