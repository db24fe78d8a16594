/*
 * tests/user/veh_order.c - vectored exception handlers: first/last ordering,
 * CONTINUE_SEARCH passing on, CONTINUE_EXECUTION resuming (with a changed
 * context), removal, and the exception record of an access violation.
 */
#include "utest.h"

static volatile char order[16];
static volatile int norder;
static char *volatile page;
static EXCEPTION_RECORD last;

/* The handlers run inside the faulting statement: the compiler must not cache across it. */
#define BARRIER() __asm__ volatile("" ::: "memory")

static LONG CALLBACK h_a(PEXCEPTION_POINTERS ep)
{
	(void)ep;
	order[norder++] = 'A';
	return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK h_b(PEXCEPTION_POINTERS ep)
{
	(void)ep;
	order[norder++] = 'B';
	return EXCEPTION_CONTINUE_SEARCH;
}

/* Repairs the fault by making the page writable, then resumes the same instruction. */
static LONG CALLBACK h_fix(PEXCEPTION_POINTERS ep)
{
	order[norder++] = 'F';
	last = *ep->ExceptionRecord;
	DWORD old;
	if (!VirtualProtect(page, 4096, PAGE_READWRITE, &old))
		return EXCEPTION_CONTINUE_SEARCH;
	return EXCEPTION_CONTINUE_EXECUTION;
}

/* Skips the faulting instruction instead of repairing it: resumes at a changed Rip. */
static volatile ULONG_PTR skip_to;
static LONG CALLBACK h_skip(PEXCEPTION_POINTERS ep)
{
	order[norder++] = 'S';
	ep->ContextRecord->Rip = skip_to;
	ep->ContextRecord->Rax = 0x5151;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void reset(void)
{
	norder = 0;
	for (int i = 0; i < 16; i++)
		order[i] = 0;
}

int main(void)
{
	page = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
	CHECK(page != NULL);

	PVOID a = AddVectoredExceptionHandler(0, h_a);	/* last */
	PVOID b = AddVectoredExceptionHandler(1, h_b);	/* first */
	PVOID f = AddVectoredExceptionHandler(0, h_fix);	/* last: after A */
	CHECK(a && b && f);

	reset();
	page[100] = 7;	/* write to a read-only page: B, A, F; F repairs */
	BARRIER();
	CHECK_EQ(page[100], 7);
	CHECK_EQ(norder, 3);
	CHECK(order[0] == 'B' && order[1] == 'A' && order[2] == 'F');
	CHECK_EQ(last.ExceptionCode, STATUS_ACCESS_VIOLATION);
	CHECK_EQ(last.NumberParameters, 2);
	CHECK_EQ(last.ExceptionInformation[0], EXCEPTION_WRITE_FAULT);
	CHECK_EQ(last.ExceptionInformation[1], (ULONG_PTR)(page + 100));
	CHECK(last.ExceptionAddress != NULL);

	/* A read fault reports [0] = 0. */
	DWORD old;
	CHECK(VirtualProtect(page, 4096, PAGE_NOACCESS, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	reset();
	volatile char c = page[5];
	(void)c;
	BARRIER();
	CHECK_EQ(last.ExceptionInformation[0], EXCEPTION_READ_FAULT);
	CHECK_EQ(last.ExceptionInformation[1], (ULONG_PTR)(page + 5));

	/* Removing B: the order becomes A, F. Removing twice fails. */
	CHECK(RemoveVectoredExceptionHandler(b) != 0);
	CHECK(RemoveVectoredExceptionHandler(b) == 0);
	CHECK(VirtualProtect(page, 4096, PAGE_READONLY, &old));
	reset();
	page[1] = 1;
	BARRIER();
	CHECK_EQ(norder, 2);
	CHECK(order[0] == 'A' && order[1] == 'F');

	/* A handler in front that resumes elsewhere stops the dispatch. */
	PVOID s = AddVectoredExceptionHandler(1, h_skip);
	CHECK(VirtualProtect(page, 4096, PAGE_NOACCESS, &old));
	reset();
	ULONG_PTR result;
	__asm__ volatile("lea 1f(%%rip), %%rax\n\t"
			 "mov %%rax, %1\n\t"
			 "xor %%eax, %%eax\n\t"
			 "movb (%2), %%cl\n\t"	/* faults; the handler jumps to 1 with rax = 0x5151 */
			 "1:\n\t"
			 "mov %%rax, %0"
			 : "=r"(result), "=m"(skip_to)
			 : "r"(page)
			 : "rax", "rcx", "memory");
	CHECK_EQ(result, 0x5151);
	CHECK_EQ(norder, 1);
	CHECK(order[0] == 'S');

	CHECK(RemoveVectoredExceptionHandler(s) != 0);
	CHECK(RemoveVectoredExceptionHandler(a) != 0);
	CHECK(RemoveVectoredExceptionHandler(f) != 0);
	CHECK(RemoveVectoredExceptionHandler(NULL) == 0);
	CHECK(VirtualFree(page, 0, MEM_RELEASE));
	return utest_done("veh_order");
}
