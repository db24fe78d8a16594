/*
 * libc/msvcrt/signal.c - signal and raise for the signals msvcrt knows:
 * SIGINT, SIGILL, SIGFPE, SIGSEGV, SIGTERM, SIGBREAK, SIGABRT (22, and 6
 * as SIGABRT_COMPAT).  A raised signal's handler is reset to SIG_DFL before
 * it runs; SIG_DFL ends the process with exit code 3.  MinGW's start-up
 * code asks signal() for the SIGSEGV/SIGILL/SIGFPE handlers when an
 * exception reaches its unhandled-exception filter.
 */
#include <errno.h>
#include <float.h>
#include <signal.h>
#include <stdlib.h>

#include "crt.h"

#define NSIG_MS 23
static __p_sig_fn_t handlers[NSIG_MS];	/* guarded by _lock(CRT_LOCK_SIGNAL) */

/* The table slot of sig, or -1 for a signal msvcrt does not know. */
static int slot(int sig)
{
	switch (sig) {
	case SIGINT: case SIGILL: case SIGFPE: case SIGSEGV: case SIGTERM: case SIGBREAK: case SIGABRT:
		return sig;
	case SIGABRT_COMPAT:
		return SIGABRT;
	default:
		return -1;
	}
}

/* Installs handler for sig; returns the previous one, or SIG_ERR (errno EINVAL) for a bad signal or action. */
__p_sig_fn_t __cdecl signal(int sig, __p_sig_fn_t handler)
{
	int s = slot(sig);
	if (s < 0 || handler == SIG_ERR || handler == SIG_GET || handler == SIG_SGE || handler == SIG_ACK) {
		errno = EINVAL;
		return SIG_ERR;
	}
	_lock(CRT_LOCK_SIGNAL);
	__p_sig_fn_t old = handlers[s];
	handlers[s] = handler;
	_unlock(CRT_LOCK_SIGNAL);
	return old;
}

/* Delivers sig: ignored, default (exit code 3) or the handler after resetting it; 0, or -1 (EINVAL) for a bad signal. */
int __cdecl raise(int sig)
{
	int s = slot(sig);
	if (s < 0) {
		errno = EINVAL;
		return -1;
	}
	_lock(CRT_LOCK_SIGNAL);
	__p_sig_fn_t h = handlers[s];
	if (h != SIG_IGN)
		handlers[s] = SIG_DFL;
	_unlock(CRT_LOCK_SIGNAL);
	if (h == SIG_IGN)
		return 0;
	if (h == SIG_DFL)
		_exit(3);
	if (s == SIGFPE)
		((void(__cdecl *)(int, int))(void (*)(void))h)(sig, _FPE_EXPLICITGEN);
	else
		h(sig);
	return 0;
}
