/*
 * tests/user/seh_veh.c - RaiseException through vectored handlers: the
 * record (code, flags, at most 15 arguments copied, the address in
 * kernel32), handler order (first/last), removal, continue handlers before
 * resumption, a noncontinuable exception a vectored handler resumes (as
 * RtlDispatchException, which checks only frame handlers' and the top-level
 * filter's verdicts), an access violation resumed with a changed register;
 * and in children (this program again, with a command line): the top-level
 * filter ending the process with the code (EXCEPTION_EXECUTE_HANDLER) or
 * resuming it (EXCEPTION_CONTINUE_EXECUTION), the filter continuing a
 * noncontinuable exception (STATUS_NONCONTINUABLE_EXCEPTION, noncontinuable
 * itself, with the original as its ExceptionRecord), and an unhandled
 * exception ending the process with its code.
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

/* A vectored handler resuming a noncontinuable exception: allowed, as on Windows. */
static int noncont_calls;
static DWORD noncont_flags;
static LONG WINAPI noncont_handler(EXCEPTION_POINTERS *ep)
{
	noncont_calls++;
	noncont_flags = ep->ExceptionRecord->ExceptionFlags;
	return EXCEPTION_CONTINUE_EXECUTION;
}

/*
 * The child's view of the top-level filter continuing a noncontinuable
 * exception: the original passes by; the STATUS_NONCONTINUABLE_EXCEPTION that
 * follows ends the process with 0x25 when it is noncontinuable and points to
 * the original, 0xBAD otherwise (it cannot be resumed either).
 */
static LONG WINAPI nested_handler(EXCEPTION_POINTERS *ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	if (r->ExceptionCode == 0xE0000003)
		return EXCEPTION_CONTINUE_SEARCH;
	BOOL ok = r->ExceptionCode == STATUS_NONCONTINUABLE_EXCEPTION && (r->ExceptionFlags & EXCEPTION_NONCONTINUABLE) &&
		  r->ExceptionRecord && r->ExceptionRecord->ExceptionCode == 0xE0000003 &&
		  r->ExceptionRecord->NumberParameters == 1 && r->ExceptionRecord->ExceptionInformation[0] == 0x77;
	ExitProcess(ok ? 0x25 : 0xBAD);
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
		/* the previous filter is MinGW start-up's (_gnu_exception_handler), as in any MinGW program */
		CHECK(SetUnhandledExceptionFilter(filter_continue) != filter_continue);
		CHECK(SetUnhandledExceptionFilter(filter_continue) == filter_continue);
		RaiseException(0xE0000043, 0, 0, NULL);
		return utest_failures ? 1 : 7;	/* resumed here */
	}
	if (!strcmp(mode, "noncontinuable")) {
		AddVectoredExceptionHandler(1, nested_handler);
		SetUnhandledExceptionFilter(filter_continue);
		ULONG_PTR arg = 0x77;
		RaiseException(0xE0000003, EXCEPTION_NONCONTINUABLE, 1, &arg);
		return 1;	/* not reached: the filter's resumption is refused */
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

	/* noncontinuable, resumed by a vectored handler: RaiseException returns (the filter's case is a child's) */
	PVOID hn = AddVectoredExceptionHandler(1, noncont_handler);
	RaiseException(0xE0000003, EXCEPTION_NONCONTINUABLE, 0, NULL);
	CHECK_EQ(noncont_calls, 1);
	CHECK_EQ(noncont_flags, EXCEPTION_NONCONTINUABLE);
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
	CHECK_EQ(run_child("seh_veh.exe noncontinuable"), 0x25);
	CHECK_EQ(run_child("seh_veh.exe unhandled"), 0xE0000044);

	return utest_done("seh_veh");
}
