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

void gdt_init(void);

/* Stack the CPU switches to on an interrupt or exception from user mode. */
void tss_set_kernel_stack(uint64_t rsp0);
#endif

#endif
