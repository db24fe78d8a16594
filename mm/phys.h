/* mm/phys.h - reaching physical memory through the direct map. */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include <stdint.h>
#include "kernel/layout.h"

/*
 * The highest physical address the kernel maps and manages (exclusive): the
 * direct map is one PML4 slot (512 GiB; the next slot holds file images,
 * kernel/image_file.h).  RAM above it is left out (frame numbers, 32 bits,
 * would reach 16 TiB).
 */
#define PHYS_MAX (1ULL << 39)

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(DIRECT_MAP_BASE + phys);
}

static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE;
}

#endif
