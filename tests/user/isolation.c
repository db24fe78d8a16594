/*
 * tests/user/isolation.c - a process can touch neither kernel memory nor
 * another process's memory: kernel-half and non-canonical addresses fault on
 * read, write and execute; a child given the same user address sees its own
 * fresh memory, not ours, and its writes do not reach us.
 */
#include "utest.h"

#define SHARED_ADDR ((char *)0x200000000ULL)	/* the child maps the same address */

static volatile int faults;
static volatile ULONG_PTR fault_addr, fault_kind;
static volatile ULONG_PTR resume_at, resume_sp;

/* Resumes after the access with rsp as it was before it (a call to a kernel address faults after its push). */
static LONG CALLBACK skip(PEXCEPTION_POINTERS ep)
{
	faults++;
	fault_kind = ep->ExceptionRecord->ExceptionInformation[0];
	fault_addr = ep->ExceptionRecord->ExceptionInformation[1];
	ep->ContextRecord->Rip = resume_at;
	ep->ContextRecord->Rsp = resume_sp;
	return EXCEPTION_CONTINUE_EXECUTION;
}

/* Read / write one byte at addr; the handler resumes after the access. */
static void try_read(ULONG_PTR addr)
{
	__asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tmov %%rsp, %1\n\tmovb (%2), %%al\n1:"
			 : "=m"(resume_at), "=m"(resume_sp) : "r"(addr) : "rax", "memory");
}

static void try_write(ULONG_PTR addr)
{
	__asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tmov %%rsp, %1\n\tmovb $0x5a, (%2)\n1:"
			 : "=m"(resume_at), "=m"(resume_sp) : "r"(addr) : "rax", "memory");
}

static void try_call(ULONG_PTR addr)
{
	__asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tmov %%rsp, %1\n\tcall *%2\n1:"
			 : "=m"(resume_at), "=m"(resume_sp) : "r"(addr)
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
}

int main(void)
{
	PVOID h = AddVectoredExceptionHandler(1, skip);
	static const ULONG_PTR kernel[] = {
		0xffff800000000000ULL,	/* direct map of physical memory */
		0xffff800000100000ULL,	/* the kernel image through the direct map */
		0xffffffff80100000ULL,	/* kernel text */
		0xffffc00000000000ULL,	/* MMIO mappings */
		0x0000800000000000ULL,	/* first non-canonical address */
		0x7fffffff0000ULL,	/* above lpMaximumApplicationAddress */
	};
	for (unsigned i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++) {
		int f0 = faults;
		try_read(kernel[i]);
		try_write(kernel[i]);
		try_call(kernel[i]);
		CHECK_EQ(faults - f0, 3);
	}
	/* A canonical kernel address faults with the address; a non-canonical one is a #GP (address -1). */
	try_write(0xffffffff80100000ULL);
	CHECK_EQ(fault_kind, EXCEPTION_WRITE_FAULT);
	CHECK_EQ(fault_addr, 0xffffffff80100000ULL);

	/* Our memory at SHARED_ADDR. */
	char *p = VirtualAlloc(SHARED_ADDR, 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(p == SHARED_ADDR);
	for (int i = 0; i < 0x10000; i += 4096)
		p[i] = 0x11;
	ULONG pid;
	DWORD code = 99;
	CHECK_STATUS(mm_spawn("child_isolation.exe", &pid), 0);
	CHECK_STATUS(mm_wait(pid, &code), 0);
	CHECK_EQ(code, 0);	/* the child saw zeroes at the same address */
	int ok = 1;
	for (int i = 0; i < 0x10000; i += 4096)
		ok &= p[i] == 0x11;	/* and its writes did not reach us */
	CHECK(ok);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK(RemoveVectoredExceptionHandler(h));
	return utest_done("isolation");
}
