/*
 * tests/user/seh_veh.c - RaiseException through vectored handlers: the
 * record (code, flags, at most 15 arguments copied, the address in
 * kernel32), handler order (first/last), removal, continue handlers before
 * resumption, a noncontinuable exception that a handler tries to continue
 * (STATUS_NONCONTINUABLE_EXCEPTION with the original as its ExceptionRecord),
 * an access violation resumed with a changed register; and in children
 * (this program again, with a command line): the top-level filter ending the
 * process with the code (EXCEPTION_EXECUTE_HANDLER) or resuming it
 * (EXCEPTION_CONTINUE_EXECUTION), and an unhandled exception ending it with
 * its code.
 */
#include <string.h>

#include "utest.h"

static char trail[64];
static int ntrail;
static EXCEPTION_RECORD last;
static LONG verdict_a = EXCEPTION_CONTINUE_SEARCH, verdict_b = EXCEPTION_CONTINUE_EXECUTION;

static LONG WINAPI handler_a(EXCEPTION_POINTERS *ep)
{
	trail[ntrail++] = 'a';
	last = *ep->ExceptionRecord;
	return verdict_a;
}

static LONG WINAPI handler_b(EXCEPTION_POINTERS *ep)
{
	trail[ntrail++] = 'b';
	last = *ep->ExceptionRecord;
	return verdict_b;
}

static LONG WINAPI cont_c(EXCEPTION_POINTERS *ep)
{
	(void)ep;
	trail[ntrail++] = 'c';
	return EXCEPTION_CONTINUE_SEARCH;
}

/* The second exception's handler: the nested record and where it points. */
static DWORD nested_code, nested_inner_code;
static int noncont_calls;
static LONG WINAPI noncont_handler(EXCEPTION_POINTERS *ep)
{
	if (++noncont_calls == 1)
		return EXCEPTION_CONTINUE_EXECUTION;	/* refused: noncontinuable */
	nested_code = ep->ExceptionRecord->ExceptionCode;
	nested_inner_code = ep->ExceptionRecord->ExceptionRecord ? ep->ExceptionRecord->ExceptionRecord->ExceptionCode : 0;
	/* leave through a register-restoring jump: the context of the first raise cannot be resumed */
	ep->ContextRecord->Rip = (DWORD64)ep->ExceptionRecord->ExceptionRecord->ExceptionInformation[0];
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void reset(void)
{
	memset(trail, 0, sizeof(trail));
	ntrail = 0;
}

static volatile int av_resumed;
static LONG WINAPI av_handler(EXCEPTION_POINTERS *ep)
{
	if (ep->ExceptionRecord->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
		return EXCEPTION_CONTINUE_SEARCH;
	last = *ep->ExceptionRecord;
	ep->ContextRecord->Rax = (DWORD64)&av_resumed;	/* the store retries through a good pointer */
	return EXCEPTION_CONTINUE_EXECUTION;
}

static LONG WINAPI filter_execute(EXCEPTION_POINTERS *ep)
{
	(void)ep;
	return EXCEPTION_EXECUTE_HANDLER;
}

static LONG WINAPI filter_continue(EXCEPTION_POINTERS *ep)
{
	(void)ep;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static DWORD run_child(const char *cmdline)
{
	ULONG pid = 0;
	DWORD code = 0x12345678;
	CHECK_STATUS(mm_spawn_cmdline("seh_veh.exe", cmdline, &pid), 0);
	CHECK_STATUS(mm_wait(pid, &code), 0);
	return code;
}

/* Child modes: what the top-level filter and the kernel do with an unhandled exception. */
static int child(const char *mode)
{
	if (!strcmp(mode, "execute")) {
		SetUnhandledExceptionFilter(filter_execute);
		RaiseException(0xE0000042, 0, 0, NULL);
		return 1;	/* not reached: the process ends with 0xE0000042 */
	}
	if (!strcmp(mode, "continue")) {
		CHECK(SetUnhandledExceptionFilter(filter_continue) == NULL);
		CHECK(SetUnhandledExceptionFilter(filter_continue) == filter_continue);
		RaiseException(0xE0000043, 0, 0, NULL);
		return 7;	/* resumed here */
	}
	if (!strcmp(mode, "unhandled")) {
		RaiseException(0xE0000044, 0, 0, NULL);
		return 1;
	}
	return 2;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child(argv[1]);

	/* Order: a added last, b first: b runs first and continues; a is never called. */
	PVOID ha = AddVectoredExceptionHandler(0, handler_a);
	PVOID hb = AddVectoredExceptionHandler(1, handler_b);
	PVOID hc = AddVectoredContinueHandler(0, cont_c);
	CHECK(ha && hb && hc);
	reset();
	ULONG_PTR args[20];
	for (int i = 0; i < 20; i++)
		args[i] = 0x1000 + i;
	RaiseException(0xE0001234, 0x1234 /* only the noncontinuable bit is kept */ & ~EXCEPTION_NONCONTINUABLE, 20, args);
	CHECK(!strcmp(trail, "bc"));
	CHECK_EQ(last.ExceptionCode, 0xE0001234);
	CHECK_EQ(last.ExceptionFlags, 0);
	CHECK_EQ(last.NumberParameters, 15);
	CHECK_EQ(last.ExceptionInformation[0], 0x1000);
	CHECK_EQ(last.ExceptionInformation[14], 0x100e);
	CHECK(last.ExceptionRecord == NULL);
	/* ExceptionAddress: inside kernel32 (RaiseException's call), as on Windows */
	HMODULE k32 = GetModuleHandleA("kernel32.dll");
	HMODULE owner = NULL;
	CHECK(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
				 (LPCSTR)last.ExceptionAddress, &owner));
	CHECK(owner == k32);

	/* b passes: a runs next and continues; no arguments with a NULL array */
	verdict_b = EXCEPTION_CONTINUE_SEARCH;
	verdict_a = EXCEPTION_CONTINUE_EXECUTION;
	reset();
	RaiseException(0xE0000001, 0, 3, NULL);
	CHECK(!strcmp(trail, "bac"));
	CHECK_EQ(last.NumberParameters, 0);

	/* removal: b gone, a called alone; a second removal fails */
	CHECK_EQ(RemoveVectoredExceptionHandler(hb), 1);
	CHECK_EQ(RemoveVectoredExceptionHandler(hb), 0);
	reset();
	RaiseException(0xE0000002, 0, 0, NULL);
	CHECK(!strcmp(trail, "ac"));
	CHECK_EQ(RemoveVectoredContinueHandler(hc), 1);
	CHECK_EQ(RemoveVectoredExceptionHandler(ha), 1);

	/* noncontinuable: continuing raises STATUS_NONCONTINUABLE_EXCEPTION, noncontinuable itself */
	PVOID hn = AddVectoredExceptionHandler(1, noncont_handler);
	{
		extern char after_noncont[];
		ULONG_PTR where[1] = { (ULONG_PTR)after_noncont };
		RaiseException(0xE0000003, EXCEPTION_NONCONTINUABLE, 1, where);
		__asm__ volatile(".globl after_noncont\nafter_noncont:" ::: "memory");
	}
	CHECK_EQ(noncont_calls, 2);
	CHECK_EQ(nested_code, STATUS_NONCONTINUABLE_EXCEPTION);
	CHECK_EQ(nested_inner_code, 0xE0000003);
	RemoveVectoredExceptionHandler(hn);

	/* an access violation: (write, address) parameters; resumed with a fixed register */
	PVOID hv = AddVectoredExceptionHandler(1, av_handler);
	__asm__ volatile("mov $0x10, %%eax\n movl $1, (%%rax)" ::: "rax", "memory");
	CHECK_EQ(av_resumed, 1);
	CHECK_EQ(last.ExceptionCode, EXCEPTION_ACCESS_VIOLATION);
	CHECK_EQ(last.NumberParameters, 2);
	CHECK_EQ(last.ExceptionInformation[0], 1);	/* write */
	CHECK_EQ(last.ExceptionInformation[1], 0x10);
	RemoveVectoredExceptionHandler(hv);

	/* the top-level filter and unhandled exceptions, in children */
	CHECK_EQ(run_child("seh_veh.exe execute"), 0xE0000042);
	CHECK_EQ(run_child("seh_veh.exe continue"), 7);
	CHECK_EQ(run_child("seh_veh.exe unhandled"), 0xE0000044);

	return utest_done("seh_veh");
}
