/*
 * libc/ntdll/except_cspecific.c - __C_specific_handler, the language handler
 * of C structured exception handling (__try/__except/__finally).  Its
 * handler data is a scope table: a count, then per scope the code range
 * [Begin, End), the filter (or 1: always EXCEPTION_EXECUTE_HANDLER; for a
 * __finally the termination handler) and the __except target (0 for a
 * __finally), all RVAs.  msvcrt.dll forwards its export here.
 */
/* excpt.h declares it imported (it is, in programs); here it is defined. */
#define _CRTIMP
#include "except_internal.h"

struct scope_table {
	ULONG count;
	struct {
		ULONG begin, end, handler, target;
	} scope[];
};

typedef LONG(__cdecl *filter_fn)(EXCEPTION_POINTERS *, ULONG64 frame);
typedef void(__cdecl *termination_fn)(BOOLEAN abnormal, ULONG64 frame);

/* Whether the unwind target lies in a scope equivalent to scope i (same handler and target): stop there. */
static BOOL target_in_same_scope(const struct scope_table *t, ULONG i, ULONG64 target)
{
	for (ULONG k = 0; k < t->count; k++)
		if (target >= t->scope[k].begin && target < t->scope[k].end && t->scope[k].target == t->scope[i].target &&
		    t->scope[k].handler == t->scope[i].handler)
			return TRUE;
	return FALSE;
}

/* Dispatch: the filters of the scopes around pc, innermost first; an accepting filter unwinds to its __except. */
static EXCEPTION_DISPOSITION dispatch(EXCEPTION_RECORD *rec, ULONG64 frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc)
{
	const struct scope_table *t = dc->HandlerData;
	ULONG64 base = dc->ImageBase, pc = dc->ControlPc - base;
	EXCEPTION_POINTERS ep = { rec, ctx };
	for (ULONG i = dc->ScopeIndex; i < t->count; i++) {
		if (pc < t->scope[i].begin || pc >= t->scope[i].end || !t->scope[i].target)
			continue;
		LONG r = t->scope[i].handler == 1 ? EXCEPTION_EXECUTE_HANDLER
						  : ((filter_fn)(base + t->scope[i].handler))(&ep, frame);
		if (r < 0)
			return ExceptionContinueExecution;
		if (r > 0)
			RtlUnwindEx((PVOID)frame, (PVOID)(base + t->scope[i].target), rec, (PVOID)(ULONG64)rec->ExceptionCode,
				    dc->ContextRecord, dc->HistoryTable);
	}
	return ExceptionContinueSearch;
}

/* Unwind: the termination handlers of the scopes around pc, up to the target's scope. */
static EXCEPTION_DISPOSITION unwind(EXCEPTION_RECORD *rec, ULONG64 frame, DISPATCHER_CONTEXT *dc)
{
	const struct scope_table *t = dc->HandlerData;
	ULONG64 base = dc->ImageBase, pc = dc->ControlPc - base, target = dc->TargetIp - base;
	for (ULONG i = dc->ScopeIndex; i < t->count; i++) {
		if (pc < t->scope[i].begin || pc >= t->scope[i].end)
			continue;
		if ((rec->ExceptionFlags & EXCEPTION_TARGET_UNWIND) && target_in_same_scope(t, i, target))
			break;
		if (t->scope[i].target) {
			if (t->scope[i].target == target && (rec->ExceptionFlags & EXCEPTION_TARGET_UNWIND))
				break;	/* the __except being unwound to */
			continue;
		}
		dc->ScopeIndex = i + 1;	/* a collided unwind resumes after this one */
		((termination_fn)(base + t->scope[i].handler))(TRUE, frame);
	}
	return ExceptionContinueSearch;
}

EXCEPTION_DISPOSITION __cdecl __C_specific_handler(struct _EXCEPTION_RECORD *ExceptionRecord, void *EstablisherFrame,
						   struct _CONTEXT *ContextRecord,
						   struct _DISPATCHER_CONTEXT *DispatcherContext)
{
	if (ExceptionRecord->ExceptionFlags & EXCEPTION_UNWIND)
		return unwind(ExceptionRecord, (ULONG64)EstablisherFrame, DispatcherContext);
	return dispatch(ExceptionRecord, (ULONG64)EstablisherFrame, ContextRecord, DispatcherContext);
}
