/* mm/phys.h - reaching physical memory through the direct map. */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include <stdint.h>
#include "kernel/layout.h"

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
