/* kernel/layout.h - the virtual address layout, shared by C, assembly and the linker script. */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

#define KERNEL_VMA           0xffffffff80000000	/* kernel image: phys 0 maps here */
#define DIRECT_MAP_BASE      0xffff800000000000	/* all physical memory, RW+NX */
#define PML4_DIRECT_MAP_SLOT 256
#define KERNEL_STACK_SIZE    (16 * 1024)

#define USER_MIN_ADDR        0x10000ULL		/* lpMinimumApplicationAddress */
#define USER_MAX_ADDR        0x7FFFFFFEFFFFULL	/* lpMaximumApplicationAddress */
#define USER_TOP             0x800000000000ULL	/* end of the lower canonical half */

#endif
