/*
 * tests/user/seh_codes.c - the exception codes the kernel gives CPU traps,
 * as Windows: int3 STATUS_BREAKPOINT at the int3 itself (one parameter,
 * BREAKPOINT_BREAK), the trap flag STATUS_SINGLE_STEP after one instruction
 * with TF clear in the context, privileged instructions (hlt, cli, in, out,
 * rdmsr, mov cr) STATUS_PRIVILEGED_INSTRUCTION, idiv INT64_MIN / -1
 * STATUS_INTEGER_OVERFLOW but a zero divisor STATUS_INTEGER_DIVIDE_BY_ZERO
 * (register, memory and byte forms), `int 4` STATUS_INTEGER_OVERFLOW, a
 * kernel-only `int n` an access violation, ud2 STATUS_ILLEGAL_INSTRUCTION.  A
 * vectored handler records each and resumes past the instruction.
 */
#include "utest.h"

static DWORD seen_code, seen_params;
static ULONG_PTR seen_addr, seen_rip, seen_info0, seen_flags;
static int skip;	/* bytes to skip on resumption (the faulting instruction's length) */

static LONG WINAPI record(EXCEPTION_POINTERS *ep)
{
	seen_code = ep->ExceptionRecord->ExceptionCode;
	seen_addr = (ULONG_PTR)ep->ExceptionRecord->ExceptionAddress;
	seen_params = ep->ExceptionRecord->NumberParameters;
	seen_info0 = ep->ExceptionRecord->ExceptionInformation[0];
	seen_rip = ep->ContextRecord->Rip;
	seen_flags = ep->ContextRecord->EFlags;
	ep->ContextRecord->Rip += skip;
	return EXCEPTION_CONTINUE_EXECUTION;
}

/* Runs one faulting instruction at label `at` (global, so its address is known) and checks the code. */
#define TRAP(name, insn, len, code)                                                         \
	do {                                                                                \
		extern char name[];                                                         \
		seen_code = 0;                                                              \
		skip = (len);                                                               \
		__asm__ volatile(".globl " #name "\n" #name ": " insn ::: "memory");        \
		CHECK_EQ(seen_code, (code));                                                \
		CHECK_EQ(seen_addr, (ULONG_PTR)name);                                       \
		CHECK_EQ(seen_rip, (ULONG_PTR)name);                                        \
	} while (0)

static volatile long long divisor_mem;

int main(void)
{
	PVOID h = AddVectoredExceptionHandler(1, record);
	CHECK(h != NULL);

	/* int3: reported at the int3 (rip after it less one), one parameter 0 */
	TRAP(at_int3, "int3", 1, STATUS_BREAKPOINT);
	CHECK_EQ(seen_params, 1);
	CHECK_EQ(seen_info0, 0);
	/* the two-byte form too reports rip - 1, as Windows does */
	{
		extern char at_int3b[];
		skip = 1;
		__asm__ volatile(".globl at_int3b\nat_int3b: .byte 0xcd, 0x03" ::: "memory");
		CHECK_EQ(seen_code, STATUS_BREAKPOINT);
		CHECK_EQ(seen_addr, (ULONG_PTR)at_int3b + 1);
	}

	/* the trap flag: one instruction runs, then STATUS_SINGLE_STEP at the next one, TF clear */
	{
		extern char after_popf[], step_next[];
		seen_code = 0;
		skip = 0;
		__asm__ volatile("pushfq\n orq $0x100, (%%rsp)\n popfq\n"
				 ".globl after_popf\nafter_popf: nop\n"
				 ".globl step_next\nstep_next: nop\n" ::: "memory", "cc");
		CHECK_EQ(seen_code, STATUS_SINGLE_STEP);
		CHECK(seen_addr == (ULONG_PTR)after_popf || seen_addr == (ULONG_PTR)step_next);
		CHECK_EQ(seen_flags & 0x100, 0);
		CHECK_EQ(seen_params, 0);
	}

	/* privileged instructions */
	TRAP(at_hlt, "hlt", 1, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_cli, "cli", 1, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_sti, "sti", 1, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_in, "inb $0x60, %%al", 2, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_out, "outb %%al, $0x80", 2, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_indx, "inb %%dx, %%al", 1, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_rdmsr, "rdmsr", 2, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_wrmsr, "wrmsr", 2, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_movcr, "mov %%cr3, %%rax", 3, STATUS_PRIVILEGED_INSTRUCTION);
	TRAP(at_wbinvd, "wbinvd", 2, STATUS_PRIVILEGED_INSTRUCTION);
	CHECK_EQ(seen_params, 0);

	/* other interrupts: int 4 is STATUS_INTEGER_OVERFLOW; a kernel-only vector is an access violation */
	{
		extern char at_int4[], at_int40[];
		skip = 0;
		__asm__ volatile(".globl at_int4\nat_int4: int $4" ::: "memory");
		CHECK_EQ(seen_code, STATUS_INTEGER_OVERFLOW);
		CHECK(seen_addr >= (ULONG_PTR)at_int4 && seen_addr <= (ULONG_PTR)at_int4 + 2);
		skip = 2;
		__asm__ volatile(".globl at_int40\nat_int40: int $0x40" ::: "memory");
		CHECK_EQ(seen_code, STATUS_ACCESS_VIOLATION);
		CHECK_EQ(seen_addr, (ULONG_PTR)at_int40);
	}
	TRAP(at_ud2, "ud2", 2, STATUS_ILLEGAL_INSTRUCTION);

	/* division: INT64_MIN / -1 overflows, x / 0 divides by zero */
	{
		extern char at_idiv_ovf[], at_idiv_zero[], at_div_mem[], at_div_mem0[], at_idiv8[], at_div32[];
		skip = 3;
		__asm__ volatile("movabs $0x8000000000000000, %%rax\n cqo\n mov $-1, %%rcx\n"
				 ".globl at_idiv_ovf\nat_idiv_ovf: idivq %%rcx" ::: "rax", "rdx", "rcx", "memory");
		CHECK_EQ(seen_code, STATUS_INTEGER_OVERFLOW);
		CHECK_EQ(seen_addr, (ULONG_PTR)at_idiv_ovf);
		__asm__ volatile("mov $5, %%eax\n xor %%edx, %%edx\n xor %%ecx, %%ecx\n"
				 ".globl at_idiv_zero\nat_idiv_zero: idivq %%rcx" ::: "rax", "rdx", "rcx", "memory");
		CHECK_EQ(seen_code, STATUS_INTEGER_DIVIDE_BY_ZERO);
		CHECK_EQ(seen_addr, (ULONG_PTR)at_idiv_zero);
		/* a memory divisor, rip-relative: 7 bytes (REX.W F7 /6 disp32) */
		divisor_mem = 1;
		skip = 7;
		__asm__ volatile("mov $-1, %%rdx\n mov $-1, %%rax\n"
				 ".globl at_div_mem\nat_div_mem: divq divisor_mem(%%rip)" ::: "rax", "rdx", "memory");
		CHECK_EQ(seen_code, STATUS_INTEGER_OVERFLOW);	/* unsigned quotient too big */
		CHECK_EQ(seen_addr, (ULONG_PTR)at_div_mem);
		divisor_mem = 0;
		__asm__ volatile("xor %%edx, %%edx\n mov $1, %%eax\n"
				 ".globl at_div_mem0\nat_div_mem0: divq divisor_mem(%%rip)" ::: "rax", "rdx", "memory");
		CHECK_EQ(seen_code, STATUS_INTEGER_DIVIDE_BY_ZERO);
		CHECK_EQ(seen_addr, (ULONG_PTR)at_div_mem0);
		/* byte form: -128 / -1 in al, divisor in cl (F6 /7) */
		skip = 2;
		__asm__ volatile("mov $0xff80, %%eax\n mov $-1, %%cl\n"
				 ".globl at_idiv8\nat_idiv8: idivb %%cl" ::: "rax", "rcx", "memory");
		CHECK_EQ(seen_code, STATUS_INTEGER_OVERFLOW);
		CHECK_EQ(seen_addr, (ULONG_PTR)at_idiv8);
		/* no exception: 7 / 1 */
		seen_code = 0;
		__asm__ volatile("mov $0x0001, %%ecx\n mov $7, %%eax\n xor %%edx, %%edx\n"
				 ".globl at_div32\nat_div32: divl %%ecx" ::: "rax", "rdx", "rcx", "memory");
		CHECK_EQ(seen_code, 0);
		(void)at_div32;
	}

	CHECK(RemoveVectoredExceptionHandler(h));
	return utest_done("seh_codes");
}
