/*
 * libc/ntdll/except_dispatch.c - the exception dispatcher: the kernel enters
 * KiUserExceptionDispatcher on a fault, RtlRaiseException enters the same
 * search.  Order, as Windows: vectored exception handlers; the frame-based
 * handlers found by unwinding the stack (.pdata language handlers, with
 * nested exceptions recognised); the top-level filter (kernel32's
 * UnhandledExceptionFilter, standing in for the thread start's __except);
 * vectored continue handlers before any resumption.  Unhandled: second
 * chance to the kernel, which ends the process with one line.
 */
#include "except_internal.h"

/* kernel32!UnhandledExceptionFilter, looked up on first need (kernel32 may not be loaded). */
static LONG top_level_filter(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	static LONG(WINAPI * filter)(EXCEPTION_POINTERS *);
	static BOOL looked;
	if (!looked) {
		looked = TRUE;
		filter = (LONG(WINAPI *)(EXCEPTION_POINTERS *))except_find_export("kernel32.dll",
										    "UnhandledExceptionFilter");
	}
	if (!filter)
		return EXCEPTION_CONTINUE_SEARCH;
	EXCEPTION_POINTERS ep = { rec, ctx };
	return filter(&ep);
}

/* Resumption: the vectored continue handlers run first. */
static BOOLEAN resume_now(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	except_call_vectored(1, rec, ctx);
	return TRUE;
}

/* A frame handler or the top-level filter chose to resume: refused for a noncontinuable exception. */
static BOOLEAN resume(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	if (rec->ExceptionFlags & EXCEPTION_NONCONTINUABLE)
		except_raise_status(STATUS_NONCONTINUABLE_EXCEPTION, rec);
	return resume_now(rec, ctx);
}

/* The frame-based search: TRUE when a language handler continued. */
static BOOLEAN search_frames(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	CONTEXT walk = *ctx;
	UNWIND_HISTORY_TABLE history = { 0 };
	ULONG64 nested_frame = 0;
	for (;;) {
		ULONG64 pc = walk.Rip, sp = walk.Rsp, frame, base;
		PRUNTIME_FUNCTION entry;
		PVOID data;
		if (!pc || !unwind_frame_ok(sp))
			return FALSE;	/* the end of the stack */
		PEXCEPTION_ROUTINE handler = unwind_one(UNW_FLAG_EHANDLER, &walk, &data, &frame, &entry, &base, &history);
		if (!unwind_frame_ok(frame) || walk.Rsp <= sp) {
			rec->ExceptionFlags |= EXCEPTION_STACK_INVALID;
			return FALSE;
		}
		if (!handler)
			continue;
		DISPATCHER_CONTEXT dc = {
			.ControlPc = pc, .ImageBase = base, .FunctionEntry = entry, .EstablisherFrame = frame,
			.ContextRecord = &walk, .LanguageHandler = handler, .HandlerData = data, .HistoryTable = &history,
		};
		EXCEPTION_DISPOSITION d = except_call_handler(rec, (PVOID)frame, ctx, &dc, handler);
		if (nested_frame == frame) {
			rec->ExceptionFlags &= ~EXCEPTION_NESTED_CALL;	/* past the frame that raised the nested one */
			nested_frame = 0;
		}
		switch (d) {
		case ExceptionContinueExecution:
			return resume(rec, ctx);
		case ExceptionContinueSearch:
			break;
		case ExceptionNestedException:
			rec->ExceptionFlags |= EXCEPTION_NESTED_CALL;
			if (dc.EstablisherFrame > nested_frame)
				nested_frame = dc.EstablisherFrame;
			break;
		default:
			except_raise_status(STATUS_INVALID_DISPOSITION, rec);
		}
	}
}

/* See except_internal.h. */
BOOLEAN except_dispatch(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	/* As RtlDispatchException: a vectored handler's EXCEPTION_CONTINUE_EXECUTION is not checked for EXCEPTION_NONCONTINUABLE. */
	if (except_call_vectored(0, rec, ctx))
		return resume_now(rec, ctx);
	if (search_frames(rec, ctx))
		return TRUE;
	switch (top_level_filter(rec, ctx)) {
	case EXCEPTION_EXECUTE_HANDLER:
		/* the thread start's __except: the process ends with the code */
		except_syscall(SYS_NtTerminateProcess, -1, (long long)rec->ExceptionCode, 0, 0);
		break;
	case EXCEPTION_CONTINUE_EXECUTION:
		return resume(rec, ctx);
	default:
		break;
	}
	return FALSE;
}

/* Second chance: the kernel ends the process with the code and one line. */
static void __attribute__((noreturn)) second_chance(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	except_syscall(SYS_NtRaiseException, (long long)rec, (long long)ctx, 0, 0);
	except_syscall(SYS_NtTerminateProcess, -1, (long long)rec->ExceptionCode, 0, 0);
	for (;;)
		__asm__ volatile("ud2");
}

/*
 * Entered by the kernel (not called) with rcx = record, rdx = context, both
 * on the user stack below the faulting rsp, rsp as after a call with 32
 * bytes of home space.  Resumes the (possibly changed) context when a
 * handler continues.  Never returns.
 */
void __attribute__((noreturn)) NTAPI KiUserExceptionDispatcher(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	if (except_dispatch(rec, ctx)) {
		long long st = except_continue(ctx);
		except_raise_status((DWORD)st, rec);	/* the context could not be resumed */
	}
	second_chance(rec, ctx);
}

/* See except_internal.h. */
void except_raise(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	if (except_dispatch(rec, ctx)) {
		long long st = except_continue(ctx);
		except_raise_status((DWORD)st, rec);
	}
	second_chance(rec, ctx);
}

/* Raises ExceptionRecord in the caller: its ExceptionAddress becomes the return address. */
void NTAPI __attribute__((noinline)) RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord)
{
	CONTEXT ctx;
	RtlCaptureContext(&ctx);
	/* Unwind our own frame: resuming means returning from this call. */
	ULONG64 frame, base;
	PRUNTIME_FUNCTION entry;
	PVOID data;
	unwind_one(UNW_FLAG_NHANDLER, &ctx, &data, &frame, &entry, &base, NULL);
	ExceptionRecord->ExceptionAddress = (PVOID)ctx.Rip;
	except_raise(ExceptionRecord, &ctx);
}

/* See except_internal.h. */
void except_raise_status(DWORD code, EXCEPTION_RECORD *nested)
{
	EXCEPTION_RECORD rec = { .ExceptionCode = code, .ExceptionFlags = EXCEPTION_NONCONTINUABLE,
				 .ExceptionRecord = nested };
	RtlRaiseException(&rec);
	for (;;)
		__asm__ volatile("ud2");
}

/* Raises Status as a noncontinuable exception (RtlRaiseStatus). */
void NTAPI RtlRaiseStatus(NTSTATUS Status)
{
	except_raise_status((DWORD)Status, NULL);
}

/* Registers the dispatcher with the kernel; called by LdrInitializeThunk before any other code runs. */
void except_init(void)
{
	except_syscall(SYS_NtSetExceptionDispatcher, (long long)KiUserExceptionDispatcher, 0, 0, 0);
}
