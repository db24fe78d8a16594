/* mm/kpaging.h - the kernel's own address space: direct map, image permissions, MMIO, stacks. */
#ifndef MM_KPAGING_H
#define MM_KPAGING_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/multiboot.h"
#include "pat.h"

#define MMIO_BASE   0xffffc00000000000ULL	/* PML4 slot 384: device mappings */
#define KSTACK_BASE 0xffffc08000000000ULL	/* PML4 slot 385: kernel stacks with guard pages */

/*
 * Build the kernel page table (direct map of RAM RW+NX, text RX, rodata and
 * symbols R+NX, data/bss RW+NX, no mapping for the boot stack's guard page),
 * program PAT, switch CR3, and enable global pages, SMEP and SMAP when the
 * CPU has them; then hand the RAM above 4 GiB to the frame allocator
 * (frame_init_high).  The direct map covers every RAM range of the memory
 * map (1 GiB pages when CPUID says Page1GB, else 2 MiB, 4 KiB at the edges)
 * and nothing else.  Needs the frame allocator.
 */
void kpaging_init(const struct boot_info *bi);

/* Map len bytes of device memory at phys with a cache type; returns the virtual address. */
void *kmap_mmio(uint64_t phys, uint64_t len, enum cache_type cache);

/* A kernel stack of KERNEL_STACK_SIZE with an unmapped guard page below; returns its top, 0 if out of memory. */
uint64_t kstack_alloc(void);
void kstack_free(uint64_t top);

/*
 * A thread's kernel stack: kstack_get borrows the one spare stack (still
 * mapped: no page-table work, no shootdown) or allocates; kstack_put gives
 * the spare back, or frees any other stack.  The spare is made at boot
 * (kpaging_init) and a process's first thread does not take it
 * (kernel/thread.c) unless it is a fork's child, so it is there whenever no
 * thread a process made itself and no fork's child is alive: frame counts
 * taken before and after threads agree.
 * Kernel lock held.
 */
uint64_t kstack_get(void);
void kstack_put(uint64_t top);

extern bool cpu_has_smep, cpu_has_smap, cpu_has_page1gb;

/* Open and close a window for kernel access to user pages (stac/clac when SMAP is on). */
static inline void user_access_begin(void)
{
	if (cpu_has_smap)
		__asm__ volatile("stac" ::: "memory");
}
static inline void user_access_end(void)
{
	if (cpu_has_smap)
		__asm__ volatile("clac" ::: "memory");
}

#endif
