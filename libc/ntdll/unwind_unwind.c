/*
 * libc/ntdll/unwind_unwind.c - the second pass: RtlUnwindEx walks from its
 * caller up to the target frame calling each frame's unwind handler
 * (EXCEPTION_UNWINDING, EXCEPTION_TARGET_UNWIND at the target), then resumes
 * the target frame's registers (nonvolatile integer and xmm6-15 restored by
 * the unwind) at TargetIp with rax = ReturnValue.  Also RtlRestoreContext,
 * the nested-exception and collided-unwind handlers of except_call.S, and
 * RtlCaptureStackBackTrace.
 */
#include <setjmp.h>

#include "except_internal.h"

/* The language handler of except_call_handler: an exception raised inside a handler is nested. */
EXCEPTION_DISPOSITION except_nested_handler(EXCEPTION_RECORD *rec, PVOID frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc)
{
	(void)ctx;
	if (rec->ExceptionFlags & EXCEPTION_UNWIND)
		return ExceptionContinueSearch;
	DISPATCHER_CONTEXT *outer = *(DISPATCHER_CONTEXT **)((char *)frame + 0x20);
	dc->EstablisherFrame = outer->EstablisherFrame;
	return ExceptionNestedException;
}

/* The unwind handler of except_call_unwind_handler: an unwind through a running unwind handler collides. */
EXCEPTION_DISPOSITION except_collided_handler(EXCEPTION_RECORD *rec, PVOID frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc)
{
	(void)ctx;
	if (!(rec->ExceptionFlags & EXCEPTION_UNWIND))
		return ExceptionContinueSearch;
	DISPATCHER_CONTEXT *outer = *(DISPATCHER_CONTEXT **)((char *)frame + 0x20);
	dc->ControlPc = outer->ControlPc;
	dc->ImageBase = outer->ImageBase;
	dc->FunctionEntry = outer->FunctionEntry;
	dc->EstablisherFrame = outer->EstablisherFrame;
	dc->ContextRecord = outer->ContextRecord;
	dc->LanguageHandler = outer->LanguageHandler;
	dc->HandlerData = outer->HandlerData;
	dc->HistoryTable = outer->HistoryTable;
	dc->ScopeIndex = outer->ScopeIndex;
	return ExceptionCollidedUnwind;
}

/*
 * Resumes ContextRecord.  With STATUS_UNWIND_CONSOLIDATE the record's
 * callback (ExceptionInformation[0]) runs first and returns the address to
 * resume at; with STATUS_LONGJUMP the registers come from the jump buffer in
 * ExceptionInformation[0].
 */
void __cdecl RtlRestoreContext(PCONTEXT ContextRecord, struct _EXCEPTION_RECORD *ExceptionRecord)
{
	CONTEXT *ctx = ContextRecord;
	EXCEPTION_RECORD *rec = ExceptionRecord;
	if (rec && rec->ExceptionCode == STATUS_LONGJUMP && rec->NumberParameters >= 1) {
		_JUMP_BUFFER *jb = (_JUMP_BUFFER *)rec->ExceptionInformation[0];
		ctx->Rbx = jb->Rbx;
		ctx->Rsp = jb->Rsp;
		ctx->Rbp = jb->Rbp;
		ctx->Rsi = jb->Rsi;
		ctx->Rdi = jb->Rdi;
		ctx->R12 = jb->R12;
		ctx->R13 = jb->R13;
		ctx->R14 = jb->R14;
		ctx->R15 = jb->R15;
		ctx->Rip = jb->Rip;
		ctx->FltSave.MxCsr = ctx->MxCsr = jb->MxCsr;
		ctx->FltSave.ControlWord = jb->FpCsr;
		M128A *x = &ctx->Xmm6;
		for (int i = 0; i < 10; i++)
			memcpy(&x[i], &(&jb->Xmm6)[i], sizeof(M128A));
	} else if (rec && rec->ExceptionCode == STATUS_UNWIND_CONSOLIDATE && rec->NumberParameters >= 1) {
		PVOID(CALLBACK * consolidate)(EXCEPTION_RECORD *) = (PVOID(CALLBACK *)(EXCEPTION_RECORD *))
			rec->ExceptionInformation[0];
		ctx->Rip = (DWORD64)consolidate(rec);
	}
	ctx->ContextFlags |= CONTEXT_FULL;
	long long st = except_continue(ctx);
	RtlRaiseStatus((NTSTATUS)st);
}

/* Calls handler for the frame of dc (unwind pass); follows collided unwinds.  Returns the disposition. */
static void call_unwind_handler(EXCEPTION_RECORD *rec, CONTEXT *cur, DISPATCHER_CONTEXT *dc, ULONG64 target_frame)
{
	for (;;) {
		if (dc->EstablisherFrame == target_frame)
			rec->ExceptionFlags |= EXCEPTION_TARGET_UNWIND;
		EXCEPTION_DISPOSITION d = except_call_unwind_handler(rec, (PVOID)dc->EstablisherFrame,
								     dc->ContextRecord, dc, dc->LanguageHandler);
		rec->ExceptionFlags &= ~(EXCEPTION_COLLIDED_UNWIND | EXCEPTION_TARGET_UNWIND);
		if (d == ExceptionContinueSearch)
			return;
		if (d != ExceptionCollidedUnwind)
			except_raise_status(STATUS_INVALID_DISPOSITION, rec);
		/*
		 * Collided: an earlier unwind was running this frame's handler.  Take
		 * over from the frame it had reached: its context, unwound once more,
		 * and call that frame's handler again.
		 */
		*cur = *dc->ContextRecord;
		CONTEXT next = *cur;
		ULONG64 frame;
		PVOID data;
		RtlVirtualUnwind(UNW_FLAG_UHANDLER, dc->ImageBase, dc->ControlPc, dc->FunctionEntry, &next, &data, &frame,
				 NULL);
		dc->ContextRecord = cur;
		dc->HandlerData = data;
		rec->ExceptionFlags |= EXCEPTION_COLLIDED_UNWIND;
	}
}

/*
 * Unwinds to TargetFrame (an establisher frame; NULL: exit unwind, every
 * frame) and resumes there at TargetIp with rax = ReturnValue.  Each frame
 * on the way with an unwind handler is called; ContextRecord, when given,
 * receives the final context.
 */
void NTAPI __attribute__((noinline)) RtlUnwindEx(PVOID TargetFrame, PVOID TargetIp, PEXCEPTION_RECORD ExceptionRecord,
						 PVOID ReturnValue, PCONTEXT ContextRecord, PUNWIND_HISTORY_TABLE HistoryTable)
{
	CONTEXT cur, next;
	EXCEPTION_RECORD local;
	ULONG64 target = (ULONG64)TargetFrame;
	RtlCaptureContext(&cur);
	EXCEPTION_RECORD *rec = ExceptionRecord;
	if (!rec) {
		local = (EXCEPTION_RECORD){ .ExceptionCode = STATUS_UNWIND, .ExceptionAddress = (PVOID)cur.Rip };
		rec = &local;
	}
	rec->ExceptionFlags |= EXCEPTION_UNWINDING | (target ? 0 : EXCEPTION_EXIT_UNWIND);

	/* Our own frame first (it has no handler): cur becomes the caller's context. */
	ULONG64 frame, base;
	PRUNTIME_FUNCTION entry;
	PVOID data;
	unwind_one(UNW_FLAG_NHANDLER, &cur, &data, &frame, &entry, &base, HistoryTable);
	for (;;) {
		ULONG64 pc = cur.Rip, sp = cur.Rsp;
		if (!pc || !unwind_frame_ok(sp)) {
			if (!target)
				break;	/* exit unwind: every frame done */
			except_raise_status(STATUS_BAD_STACK, rec);
		}
		next = cur;
		PEXCEPTION_ROUTINE handler = unwind_one(UNW_FLAG_UHANDLER, &next, &data, &frame, &entry, &base, HistoryTable);
		if (!unwind_frame_ok(frame) || (target && frame > target) || next.Rsp <= sp)
			except_raise_status(STATUS_BAD_STACK, rec);
		if (handler) {
			DISPATCHER_CONTEXT dc = {
				.ControlPc = pc, .ImageBase = base, .FunctionEntry = entry, .EstablisherFrame = frame,
				.TargetIp = (ULONG64)TargetIp, .ContextRecord = &cur, .LanguageHandler = handler,
				.HandlerData = data, .HistoryTable = HistoryTable,
			};
			call_unwind_handler(rec, &cur, &dc, target);
			if (dc.ContextRecord != &cur)
				cur = *dc.ContextRecord;
			if (dc.EstablisherFrame != frame) {	/* collided: carry on from where the other unwind was */
				frame = dc.EstablisherFrame;
				next = cur;
				unwind_one(UNW_FLAG_NHANDLER, &next, &data, &frame, &entry, &base, HistoryTable);
			}
		}
		if (frame == target)
			break;	/* cur is the target frame's context */
		cur = next;
	}
	cur.Rax = (DWORD64)ReturnValue;
	if (rec->ExceptionCode != STATUS_UNWIND_CONSOLIDATE)
		cur.Rip = (DWORD64)TargetIp;
	if (ContextRecord)
		*ContextRecord = cur;
	RtlRestoreContext(&cur, rec);
}

/* RtlUnwindEx with a context of its own. */
void NTAPI __attribute__((noinline)) RtlUnwind(PVOID TargetFrame, PVOID TargetIp, PEXCEPTION_RECORD ExceptionRecord,
					       PVOID ReturnValue)
{
	RtlUnwindEx(TargetFrame, TargetIp, ExceptionRecord, ReturnValue, NULL, NULL);
}

/*
 * Return addresses of the caller's callers: FramesToSkip frames skipped
 * after the caller itself, at most FramesToCapture.  The hash is their sum.
 */
WORD NTAPI __attribute__((noinline)) RtlCaptureStackBackTrace(DWORD FramesToSkip, DWORD FramesToCapture, PVOID *BackTrace,
							    PDWORD BackTraceHash)
{
	CONTEXT ctx;
	RtlCaptureContext(&ctx);
	ULONG64 frame, base, hash = 0;
	PRUNTIME_FUNCTION entry;
	PVOID data;
	WORD n = 0;
	DWORD skip = FramesToSkip + 1;	/* our own frame: ctx.Rip is inside this function */
	while (n < FramesToCapture) {
		ULONG64 sp = ctx.Rsp;
		if (!ctx.Rip || !unwind_frame_ok(sp))
			break;
		if (skip)
			skip--;
		else {
			BackTrace[n++] = (PVOID)ctx.Rip;
			hash += ctx.Rip;
		}
		unwind_one(UNW_FLAG_NHANDLER, &ctx, &data, &frame, &entry, &base, NULL);
		if (ctx.Rsp <= sp)
			break;
	}
	if (BackTraceHash)
		*BackTraceHash = (DWORD)hash;
	return n;
}
