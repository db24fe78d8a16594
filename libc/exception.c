/*
 * libc/exception.c - vectored exception handlers and the user-mode exception
 * dispatcher the kernel enters on a fault (kernel/syscall_abi.h).
 * One thread per process, so no locking.
 */
#include <string.h>
#include <windows.h>

#include "internal.h"

/* The kernel writes these CONTEXT offsets; the layouts must agree. */
_Static_assert(sizeof(CONTEXT) == ABI_CONTEXT_SIZE, "CONTEXT size");
_Static_assert(offsetof(CONTEXT, ContextFlags) == ABI_CONTEXT_FLAGS, "CONTEXT.ContextFlags");
_Static_assert(offsetof(CONTEXT, MxCsr) == ABI_CONTEXT_MXCSR, "CONTEXT.MxCsr");
_Static_assert(offsetof(CONTEXT, FltSave) == ABI_CONTEXT_FLTSAVE, "CONTEXT.FltSave");
_Static_assert(offsetof(CONTEXT, SegCs) == ABI_CONTEXT_SEGCS, "CONTEXT.SegCs");
_Static_assert(offsetof(CONTEXT, EFlags) == ABI_CONTEXT_EFLAGS, "CONTEXT.EFlags");
_Static_assert(offsetof(CONTEXT, Rax) == ABI_CONTEXT_RAX, "CONTEXT.Rax");
_Static_assert(offsetof(CONTEXT, Rip) == ABI_CONTEXT_RIP, "CONTEXT.Rip");
_Static_assert(offsetof(CONTEXT, R15) + 8 == ABI_CONTEXT_RIP, "CONTEXT integer registers");
_Static_assert(_Alignof(CONTEXT) == 16, "CONTEXT alignment");
_Static_assert(sizeof(EXCEPTION_RECORD) == ABI_EXCEPTION_RECORD_SIZE, "EXCEPTION_RECORD size");
_Static_assert(CONTEXT_FULL == ABI_CONTEXT_FULL, "CONTEXT_FULL");

#define MAX_HANDLERS 64

struct veh {
	PVECTORED_EXCEPTION_HANDLER handler;
	int used;
};

static struct veh slots[MAX_HANDLERS];	/* the storage; handles point here */
static struct veh *order[MAX_HANDLERS];	/* the call order, front first */
static int count;

PVOID WINAPI AddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
	struct veh *v = NULL;
	for (int i = 0; i < MAX_HANDLERS && !v; i++)
		if (!slots[i].used)
			v = &slots[i];
	if (!v || !Handler)
		return NULL;
	v->used = 1;
	v->handler = Handler;
	if (First) {
		memmove(&order[1], &order[0], count * sizeof(order[0]));
		order[0] = v;
	} else {
		order[count] = v;
	}
	count++;
	return v;
}

ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle)
{
	for (int i = 0; i < count; i++) {
		if (order[i] != Handle)
			continue;
		order[i]->used = 0;
		order[i]->handler = NULL;
		memmove(&order[i], &order[i + 1], (count - i - 1) * sizeof(order[0]));
		count--;
		return 1;
	}
	return 0;
}

/*
 * Entered by the kernel (not called) with rdi = record, rsi = context, both on
 * the user stack below the faulting rsp, and rsp as after a call.  Calls the
 * handlers front to back; the first that returns EXCEPTION_CONTINUE_EXECUTION
 * resumes the (possibly modified) context.  If none does, the exception goes
 * back to the kernel as second chance, which ends the process.  Never returns.
 */
static void __attribute__((noreturn, used)) dispatch_exception(EXCEPTION_RECORD *rec, CONTEXT *ctx)
{
	/* Snapshot the list: a handler may add or remove handlers. */
	PVECTORED_EXCEPTION_HANDLER list[MAX_HANDLERS];
	int n = count;
	for (int i = 0; i < n; i++)
		list[i] = order[i]->handler;

	EXCEPTION_POINTERS ep = { rec, ctx };
	for (int i = 0; i < n; i++) {
		if (list[i](&ep) == EXCEPTION_CONTINUE_EXECUTION) {
			NtContinue(ctx, FALSE);
			break;	/* NtContinue failed: treat as unhandled */
		}
	}
	libc_stdio_flush();
	libc_raise_exception(rec, ctx, FALSE);
	NtTerminateProcess(GetCurrentProcess(), (NTSTATUS)rec->ExceptionCode);
	for (;;)
		__asm__ volatile("ud2");
}

void libc_exceptions_init(void)
{
	SYSCALL1(SYS_NtSetExceptionDispatcher, dispatch_exception);
}
