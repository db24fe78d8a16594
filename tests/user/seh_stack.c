/*
 * tests/user/seh_stack.c - stack overflow as Windows: unbounded recursion
 * gets STATUS_STACK_OVERFLOW once, with (access, address) parameters and
 * the guarantee region committed for the handler, which here resumes on the
 * original stack; SetThreadStackGuarantee raises the guarantee (never
 * lowers it) and reports the previous value; in a child (this program
 * again), a second overflow, with no guard left, ends the process with
 * STATUS_STACK_OVERFLOW.
 */
#include <string.h>

#include "utest.h"

static volatile int recovered, so_calls;
static DWORD so_code, so_params;
static ULONG_PTR so_addr;
static ULONG64 saved_rsp;

/* Where the handler resumes: back on the stack main had, at after_overflow. */
static void __attribute__((noinline, used)) recover(void)
{
	recovered = 1;
	__asm__ volatile("mov %0, %%rsp\n jmp after_overflow" : : "m"(saved_rsp));
	__builtin_unreachable();
}

static LONG WINAPI so_handler(EXCEPTION_POINTERS *ep)
{
	if (ep->ExceptionRecord->ExceptionCode != STATUS_STACK_OVERFLOW)
		return EXCEPTION_CONTINUE_SEARCH;
	so_calls++;
	so_code = ep->ExceptionRecord->ExceptionCode;
	so_params = ep->ExceptionRecord->NumberParameters;
	so_addr = ep->ExceptionRecord->ExceptionInformation[1];
	ep->ContextRecord->Rip = (DWORD64)recover;
	ep->ContextRecord->Rsp = (saved_rsp & ~15ULL) - 8;
	return EXCEPTION_CONTINUE_EXECUTION;
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int __attribute__((noinline)) depth(int n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	return depth(n + 1) + frame[0];
}

/* Recurses until the overflow; returns after the handler resumed us. */
static void __attribute__((noinline)) overflow_once(void)
{
	recovered = 0;
	__asm__ volatile("mov %%rsp, %0" : "=m"(saved_rsp));
	if (!recovered)
		depth(0);
	__asm__ volatile(".globl after_overflow\nafter_overflow:" ::: "memory");
}

int main(int argc, char **argv)
{
	PVOID h = AddVectoredExceptionHandler(1, so_handler);
	CHECK(h != NULL);
	NT_TIB *tib;
	__asm__("mov %%gs:0x30, %0" : "=r"(tib));	/* NtCurrentTeb() trips GCC 12's array-bounds check */
	ULONG_PTR low = *(ULONG_PTR *)((char *)tib + 0x1478);	/* DeallocationStack */

	if (argc > 1 && !strcmp(argv[1], "twice")) {
		overflow_once();
		if (so_calls != 1)
			return 1;
		depth(0);	/* no guard left: the process ends with STATUS_STACK_OVERFLOW */
		return 2;
	}

	/* the guarantee: 0 queries; larger raises it; smaller is ignored; more than the stack fails */
	ULONG g = 0;
	CHECK(SetThreadStackGuarantee(&g));
	CHECK_EQ(g, 0);
	g = 3 * 4096 + 1;
	CHECK(SetThreadStackGuarantee(&g));
	CHECK_EQ(g, 0);
	g = 4096;
	CHECK(SetThreadStackGuarantee(&g));
	CHECK_EQ(g, 4 * 4096);	/* rounded to pages, and not lowered */
	g = 0x40000000;
	CHECK_ERR(SetThreadStackGuarantee(&g), ERROR_INVALID_PARAMETER);

	overflow_once();
	CHECK_EQ(recovered, 1);
	CHECK_EQ(so_calls, 1);
	CHECK_EQ(so_code, STATUS_STACK_OVERFLOW);
	CHECK_EQ(so_params, 2);
	/* the faulting address lies at the bottom of the reservation, above its last page and the guarantee */
	CHECK(so_addr >= low + 4096 && so_addr < low + 4096 + 4 * 4096 + 8192);
	/* the guarantee is committed: the whole region above the last page is readable now */
	MEMORY_BASIC_INFORMATION mbi;
	CHECK(VirtualQuery((void *)(low + 4096), &mbi, sizeof(mbi)));
	CHECK_EQ(mbi.State, MEM_COMMIT);
	CHECK(VirtualQuery((void *)low, &mbi, sizeof(mbi)));
	CHECK_EQ(mbi.State, MEM_RESERVE);

	/* a second overflow in a child ends it */
	ULONG pid = 0;
	DWORD code = 0;
	CHECK_STATUS(mm_spawn_cmdline("seh_stack.exe", "seh_stack.exe twice", &pid), 0);
	CHECK_STATUS(mm_wait(pid, &code), 0);
	CHECK_EQ(code, STATUS_STACK_OVERFLOW);

	RemoveVectoredExceptionHandler(h);
	return utest_done("seh_stack");
}
