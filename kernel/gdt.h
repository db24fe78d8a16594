/* kernel/gdt.h - segments and the TSS.  The selector order suits syscall/sysret. */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H


#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b	/* 0x18 | RPL 3 */
#define SEL_UCODE 0x23	/* 0x20 | RPL 3 */
#define SEL_TSS   0x28

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The boot CPU's GDT and TSS (gdt_init_cpu(0)). */
void gdt_init(void);

/*
 * Load CPU `index`'s own GDT and TSS (segments, task register; a double fault
 * runs on its own IST stack).  GS is not touched: its base is the per-CPU data.
 */
void gdt_init_cpu(unsigned index);

/* Stack THIS CPU switches to on an interrupt or exception from user mode. */
void tss_set_kernel_stack(uint64_t rsp0);
#endif

#endif
