/*
 * tests/user/fpu.c - x87/SSE state belongs to the process: floating point
 * gives the same bits while another process computes with it at the same
 * time (the timer switches between them), and an exception delivers the
 * registers in CONTEXT.FltSave and restores them on EXCEPTION_CONTINUE_EXECUTION
 * even when the handler used them.
 */
#include "harmonic.h"
#include "utest.h"

static char *noaccess;
static M128A seen_xmm7;
static DWORD seen_mxcsr, seen_flags;

static LONG CALLBACK handler(PEXCEPTION_POINTERS ep)
{
	seen_xmm7 = ep->ContextRecord->Xmm7;
	seen_mxcsr = ep->ContextRecord->MxCsr;
	seen_flags = ep->ContextRecord->ContextFlags;
	/* The handler itself uses the SSE registers. */
	__asm__ volatile("pxor %%xmm7, %%xmm7\n\tpcmpeqd %%xmm6, %%xmm6" : : : "xmm6", "xmm7");
	DWORD old;
	VirtualProtect(noaccess, 4096, PAGE_READWRITE, &old);
	return EXCEPTION_CONTINUE_EXECUTION;
}


int main(void)
{
	unsigned long long want = harmonic_bits(100000);
	double h;
	__builtin_memcpy(&h, &want, 8);
	CHECK(h > 12.0901 && h < 12.0902);	/* H(100000) = 12.090146... */

	/* Compete with a child doing the same for 300 ms: every result keeps the same bits. */
	ULONG pid;
	CHECK_STATUS(winmm_spawn("child_fpu.elf", &pid), 0);
	int same = 0, rounds = 0;
	DWORD t0 = GetTickCount();
	while (GetTickCount() - t0 < 300) {
		same += harmonic_bits(100000) == want;
		rounds++;
	}
	CHECK_EQ(same, rounds);
	DWORD code = 1;
	CHECK_STATUS(winmm_wait(pid, &code), 0);
	CHECK_EQ(code, 0);	/* the child saw stable results too */

	/* xmm7 survives an exception whose handler clobbers it, and CONTEXT shows it. */
	noaccess = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
	PVOID h1 = AddVectoredExceptionHandler(1, handler);
	unsigned long long lo = 0x0123456789abcdefULL, after = 0;
	__asm__ volatile("movq %1, %%xmm7\n\t"
			 "movb (%2), %%al\n\t"	/* faults once; the handler repairs the page */
			 "movq %%xmm7, %0"
			 : "=r"(after)
			 : "r"(lo), "r"(noaccess)
			 : "rax", "xmm7", "memory");
	CHECK_EQ(after, lo);
	CHECK_EQ(seen_xmm7.Low, lo);
	CHECK_EQ(seen_mxcsr & ~0x3fu, 0x1f80);	/* control bits; the low six are sticky exception flags */
	CHECK_EQ(seen_flags & CONTEXT_FLOATING_POINT, CONTEXT_FLOATING_POINT);
	CHECK(RemoveVectoredExceptionHandler(h1));
	CHECK(VirtualFree(noaccess, 0, MEM_RELEASE));
	printf("fpu: %d of %d rounds of H(100000) beside a child gave the same bits\n", same, rounds);
	return utest_done("fpu");
}
