/*
 * libc/ntdll/rtl_sync_once.c - one-time initialization (RTL_RUN_ONCE, one
 * pointer-sized word, 0 = not started; kernel32's InitOnce* over these).
 *
 * The word's low two bits (RTL_RUN_ONCE_CTX_RESERVED_BITS) are its state:
 *   0 not started, 1 one thread initializing (the others sleep on the word
 *   with NtWaitOnAddress), 2 done (the context in the other bits),
 *   3 initializing asynchronously (any number of threads may be racing).
 * A synchronous initialization that fails returns the word to 0 and wakes
 * the sleepers: the next caller tries again.
 */
#include "rtl_sync.h"

#define STATE_MASK  3
#define NOT_STARTED 0
#define IN_PROGRESS 1
#define DONE        2
#define ASYNC_BUSY  3

static inline volatile ULONG_PTR *word(PRTL_RUN_ONCE once)
{
	return (volatile ULONG_PTR *)&once->Ptr;
}

/* RtlRunOnceInitialize: not started. */
void NTAPI RtlRunOnceInitialize(PRTL_RUN_ONCE RunOnce)
{
	RunOnce->Ptr = NULL;
}

/*
 * RtlRunOnceBeginInitialize: STATUS_SUCCESS when done (*Context, if given,
 * the context), STATUS_PENDING when the caller is to initialize.  Without
 * RTL_RUN_ONCE_ASYNC it waits while another thread initializes.  With
 * RTL_RUN_ONCE_CHECK_ONLY it never starts one: STATUS_UNSUCCESSFUL when not
 * done.  Mixing sync and async on one word, CHECK_ONLY|ASYNC, or other
 * flags: STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI RtlRunOnceBeginInitialize(PRTL_RUN_ONCE RunOnce, ULONG Flags, PVOID *Context)
{
	if (Flags & ~(RTL_RUN_ONCE_CHECK_ONLY | RTL_RUN_ONCE_ASYNC))
		return STATUS_INVALID_PARAMETER;
	if ((Flags & RTL_RUN_ONCE_CHECK_ONLY) && (Flags & RTL_RUN_ONCE_ASYNC))
		return STATUS_INVALID_PARAMETER;
	BOOLEAN async = (Flags & RTL_RUN_ONCE_ASYNC) != 0;
	for (;;) {
		ULONG_PTR v = __atomic_load_n(word(RunOnce), __ATOMIC_ACQUIRE);
		switch (v & STATE_MASK) {
		case DONE:
			if (Context)
				*Context = (PVOID)(v & ~(ULONG_PTR)STATE_MASK);
			return STATUS_SUCCESS;
		case NOT_STARTED:
			if (Flags & RTL_RUN_ONCE_CHECK_ONLY)
				return STATUS_UNSUCCESSFUL;
			if (__atomic_compare_exchange_n(word(RunOnce), &v, async ? ASYNC_BUSY : IN_PROGRESS, FALSE,
							__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
				return STATUS_PENDING;
			break;
		case IN_PROGRESS:
			if (Flags & RTL_RUN_ONCE_CHECK_ONLY)
				return STATUS_UNSUCCESSFUL;
			if (async)
				return STATUS_INVALID_PARAMETER;
			nt_wait_on_address(word(RunOnce), &v, sizeof(v), NULL);
			break;
		default:	/* ASYNC_BUSY */
			if (Flags & RTL_RUN_ONCE_CHECK_ONLY)
				return STATUS_UNSUCCESSFUL;
			return async ? STATUS_PENDING : STATUS_INVALID_PARAMETER;
		}
	}
}

/*
 * RtlRunOnceComplete: ends the caller's initialization with Context (its
 * low two bits must be 0), or with RTL_RUN_ONCE_INIT_FAILED (Context NULL,
 * not with ASYNC) back to not started.  Asynchronous: the first to complete
 * wins, the others get STATUS_UNSUCCESSFUL.  Nothing in progress:
 * STATUS_UNSUCCESSFUL.
 */
NTSTATUS NTAPI RtlRunOnceComplete(PRTL_RUN_ONCE RunOnce, ULONG Flags, PVOID Context)
{
	ULONG_PTR ctx = (ULONG_PTR)Context;
	if (ctx & STATE_MASK)
		return STATUS_INVALID_PARAMETER;
	if (Flags & ~(RTL_RUN_ONCE_ASYNC | RTL_RUN_ONCE_INIT_FAILED))
		return STATUS_INVALID_PARAMETER;
	BOOLEAN failed = (Flags & RTL_RUN_ONCE_INIT_FAILED) != 0;
	if (failed && (ctx || (Flags & RTL_RUN_ONCE_ASYNC)))
		return STATUS_INVALID_PARAMETER;
	ULONG_PTR new_value = failed ? NOT_STARTED : ctx | DONE;
	for (;;) {
		ULONG_PTR v = __atomic_load_n(word(RunOnce), __ATOMIC_ACQUIRE);
		switch (v & STATE_MASK) {
		case IN_PROGRESS:
			if (!__atomic_compare_exchange_n(word(RunOnce), &v, new_value, FALSE, __ATOMIC_RELEASE,
							 __ATOMIC_RELAXED))
				continue;
			nt_wake_address(word(RunOnce), TRUE);
			return STATUS_SUCCESS;
		case ASYNC_BUSY:
			if (!(Flags & RTL_RUN_ONCE_ASYNC))
				return STATUS_INVALID_PARAMETER;
			if (!__atomic_compare_exchange_n(word(RunOnce), &v, new_value, FALSE, __ATOMIC_RELEASE,
							 __ATOMIC_RELAXED))
				continue;
			return STATUS_SUCCESS;
		default:
			return STATUS_UNSUCCESSFUL;
		}
	}
}

/*
 * RtlRunOnceExecuteOnce: runs InitFn(RunOnce, Parameter, &context) once
 * for the word; every caller returns after it has succeeded, with *Context
 * (if given) its context.  InitFn returning 0 is a failure: the word goes
 * back to not started (the next caller runs InitFn again) and this caller
 * gets STATUS_UNSUCCESSFUL.
 */
NTSTATUS NTAPI RtlRunOnceExecuteOnce(PRTL_RUN_ONCE RunOnce, PRTL_RUN_ONCE_INIT_FN InitFn, PVOID Parameter,
				     PVOID *Context)
{
	NTSTATUS st = RtlRunOnceBeginInitialize(RunOnce, 0, Context);
	if (st != STATUS_PENDING)
		return st;
	PVOID ctx = NULL;
	if (!InitFn(RunOnce, Parameter, &ctx)) {
		RtlRunOnceComplete(RunOnce, RTL_RUN_ONCE_INIT_FAILED, NULL);
		return STATUS_UNSUCCESSFUL;
	}
	st = RtlRunOnceComplete(RunOnce, 0, ctx);
	if (!NT_SUCCESS(st))	/* a context with its low bits set: as a failure, so nobody waits forever */
		RtlRunOnceComplete(RunOnce, RTL_RUN_ONCE_INIT_FAILED, NULL);
	else if (Context)
		*Context = ctx;
	return st;
}
