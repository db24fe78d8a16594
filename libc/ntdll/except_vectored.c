/*
 * libc/ntdll/except_vectored.c - vectored exception and continue handlers
 * (RtlAddVectoredExceptionHandler and friends; kernel32's
 * AddVectoredExceptionHandler forwards here).  Two ordered lists; a handle
 * is the entry.  One thread per process, so no locking; a handler may add or
 * remove handlers while the list is being called.
 */
#include "except_internal.h"

#define MAX_VECTORED 128

struct vectored {
	PVECTORED_EXCEPTION_HANDLER handler;
	BOOL used;
	unsigned list;	/* 0: exception handlers, 1: continue handlers */
};

static struct vectored slots[MAX_VECTORED];	/* the storage; handles point here */
static struct vectored *order[2][MAX_VECTORED];	/* each list in call order, front first */
static int count[2];

static PVOID add(unsigned list, ULONG first, PVECTORED_EXCEPTION_HANDLER handler)
{
	struct vectored *v = NULL;
	for (int i = 0; i < MAX_VECTORED && !v; i++)
		if (!slots[i].used)
			v = &slots[i];
	if (!v || !handler)
		return NULL;
	*v = (struct vectored){ handler, TRUE, list };
	struct vectored **o = order[list];
	if (first) {
		for (int i = count[list]; i > 0; i--)
			o[i] = o[i - 1];
		o[0] = v;
	} else {
		o[count[list]] = v;
	}
	count[list]++;
	return v;
}

static ULONG remove_handler(unsigned list, PVOID handle)
{
	struct vectored **o = order[list];
	for (int i = 0; i < count[list]; i++) {
		if (o[i] != handle)
			continue;
		o[i]->used = FALSE;
		o[i]->handler = NULL;
		for (int k = i; k + 1 < count[list]; k++)
			o[k] = o[k + 1];
		count[list]--;
		return 1;
	}
	return 0;
}

/* Adds an exception handler (first: called before the others); the handle, NULL when full. */
PVOID NTAPI RtlAddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
	return add(0, First, Handler);
}

/* Removes it: 1, or 0 for an unknown handle. */
ULONG NTAPI RtlRemoveVectoredExceptionHandler(PVOID Handle)
{
	return remove_handler(0, Handle);
}

/* Adds a continue handler: called before a handled exception resumes. */
PVOID NTAPI RtlAddVectoredContinueHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
	return add(1, First, Handler);
}

ULONG NTAPI RtlRemoveVectoredContinueHandler(PVOID Handle)
{
	return remove_handler(1, Handle);
}

/*
 * Calls list's handlers front to back until one returns
 * EXCEPTION_CONTINUE_EXECUTION (TRUE).  The handlers are taken as they are
 * when the call starts: a handler added meanwhile is not called, one
 * removed meanwhile is not called any more.
 */
BOOLEAN except_call_vectored(unsigned list, EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	int n = count[list];
	if (!n)
		return FALSE;
	struct vectored *snap[n];
	PVECTORED_EXCEPTION_HANDLER fn[n];
	for (int i = 0; i < n; i++) {
		snap[i] = order[list][i];
		fn[i] = snap[i]->handler;
	}
	EXCEPTION_POINTERS ep = { rec, ctx };
	for (int i = 0; i < n; i++) {
		if (!snap[i]->used || snap[i]->handler != fn[i] || snap[i]->list != list)
			continue;	/* removed by an earlier handler */
		if (fn[i](&ep) == EXCEPTION_CONTINUE_EXECUTION)
			return TRUE;
	}
	return FALSE;
}
