/*
 * kernel/gdt.c - each CPU's GDT with kernel and user segments, and its TSS with
 * an IST stack for double faults.  The TSS differs per CPU (its rsp0 is the
 * stack of the thread running there), so each CPU has its own GDT to hold it.
 */
#include "gdt.h"
#include "layout.h"
#include "sched.h"

#include <stddef.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss_of[MAX_CPUS];
static uint64_t gdt_of[MAX_CPUS][7];
static uint8_t double_fault_stack[MAX_CPUS][8192] __attribute__((aligned(16)));

void gdt_init(void)
{
	gdt_init_cpu(0);
}

void gdt_init_cpu(unsigned index)
{
	uint64_t *gdt = gdt_of[index];
	struct tss *tss = &tss_of[index];
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;	/* kernel code: L, P, DPL 0 */
	gdt[2] = 0x00cf92000000ffffULL;	/* kernel data */
	gdt[3] = 0x00cff2000000ffffULL;	/* user data: DPL 3 */
	gdt[4] = 0x00affa000000ffffULL;	/* user code: L, DPL 3 */
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;

	tss->ist[0] = (uint64_t)(double_fault_stack[index] + sizeof(double_fault_stack[index]));
	tss->iomap_base = sizeof(*tss);

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(gdt_of[0]) - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "pushq %2\n\t"
			 "lea 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(ptr), "r"((uint64_t)SEL_KDATA), "i"(SEL_KCODE), "r"((uint16_t)SEL_TSS)
			 : "rax", "memory");
}

void tss_set_kernel_stack(uint64_t rsp0)
{
	tss_of[this_cpu()->index].rsp[0] = rsp0;
}
