/*
 * tests/user/fpu.c - x87/SSE state belongs to the process: floating point
 * gives the same bits while another process computes with it at the same
 * time (the timer switches between them), and an exception delivers the
 * registers in CONTEXT.FltSave and restores them on EXCEPTION_CONTINUE_EXECUTION
 * even when the handler used them: xmm5, volatile in the Microsoft x64
 * convention (nothing between the fault and the resume has to keep it, so
 * only the CONTEXT can bring it back), xmm7, nonvolatile, and xmm4, which
 * the handler changes in the CONTEXT (the new value is what the program sees).
 */
#include "harmonic.h"
#include "utest.h"

static char *noaccess;
static M128A seen_xmm5, seen_xmm7;
static DWORD seen_mxcsr, seen_flags;
#define XMM4_NEW 0x4444444455555555ULL

static LONG CALLBACK handler(PEXCEPTION_POINTERS ep)
{
	seen_xmm5 = ep->ContextRecord->Xmm5;
	seen_xmm7 = ep->ContextRecord->Xmm7;
	seen_mxcsr = ep->ContextRecord->MxCsr;
	seen_flags = ep->ContextRecord->ContextFlags;
	ep->ContextRecord->Xmm4.Low = XMM4_NEW;
	/* The handler itself uses the SSE registers (xmm4 and xmm5 are volatile: nobody restores them). */
	__asm__ volatile("pxor %%xmm7, %%xmm7\n\tpcmpeqd %%xmm6, %%xmm6\n\tpcmpeqd %%xmm5, %%xmm5\n\tpxor %%xmm4, %%xmm4"
			 : : : "xmm4", "xmm5", "xmm6", "xmm7");
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
	CHECK_STATUS(mm_spawn("child_fpu.exe", &pid), 0);
	int same = 0, rounds = 0;
	DWORD t0 = GetTickCount();
	while (GetTickCount() - t0 < 300) {
		same += harmonic_bits(100000) == want;
		rounds++;
	}
	CHECK_EQ(same, rounds);
	DWORD code = 1;
	CHECK_STATUS(mm_wait(pid, &code), 0);
	CHECK_EQ(code, 0);	/* the child saw stable results too */

	/* xmm7 survives an exception whose handler clobbers it, and CONTEXT shows it. */
	noaccess = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
	PVOID h1 = AddVectoredExceptionHandler(1, handler);
	unsigned long long lo = 0x0123456789abcdefULL, lo5 = 0xfedcba9876543210ULL, after = 0, after5 = 0, after4 = 0;
	__asm__ volatile("movq %3, %%xmm7\n\t"
			 "movq %4, %%xmm5\n\t"
			 "pxor %%xmm4, %%xmm4\n\t"
			 "movb (%5), %%al\n\t"	/* faults once; the handler repairs the page */
			 "movq %%xmm7, %0\n\t"
			 "movq %%xmm5, %1\n\t"
			 "movq %%xmm4, %2"
			 : "=&r"(after), "=&r"(after5), "=&r"(after4)
			 : "r"(lo), "r"(lo5), "r"(noaccess)
			 : "rax", "xmm4", "xmm5", "xmm7", "memory");
	CHECK_EQ(after, lo);
	CHECK_EQ(after5, lo5);
	CHECK_EQ(after4, XMM4_NEW);
	CHECK_EQ(seen_xmm7.Low, lo);
	CHECK_EQ(seen_xmm5.Low, lo5);
	CHECK_EQ(seen_mxcsr & ~0x3fu, 0x1f80);	/* control bits; the low six are sticky exception flags */
	CHECK_EQ(seen_flags & CONTEXT_FLOATING_POINT, CONTEXT_FLOATING_POINT);
	CHECK(RemoveVectoredExceptionHandler(h1));
	CHECK(VirtualFree(noaccess, 0, MEM_RELEASE));
	printf("fpu: %d of %d rounds of H(100000) beside a child gave the same bits\n", same, rounds);
	return utest_done("fpu");
}
