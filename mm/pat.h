/*
 * mm/pat.h - cache types.  The rest of the kernel names a logical cache type;
 * this is the one place that knows how it becomes PWT/PCD/PAT bits.
 */
#ifndef MM_PAT_H
#define MM_PAT_H

#include <stdbool.h>
#include <stdint.h>

enum cache_type {
	CACHE_WB,	/* write-back (normal memory) */
	CACHE_WT,	/* write-through */
	CACHE_UC_MINUS,	/* uncached, overridable by MTRR WC */
	CACHE_UC,	/* strongly uncached (PAGE_NOCACHE) */
	CACHE_WC,	/* write-combining (PAGE_WRITECOMBINE, framebuffers) */
	CACHE_WP,	/* write-protect */
	CACHE_TYPE_COUNT
};

/* The IA32_PAT value we program: entry i is the memory type of PAT index i. */
uint64_t pat_msr_value(void);

/* Program all eight IA32_PAT entries (call once at boot, before any WC/WP mapping). */
void pat_init(void);

/* PWT/PCD/PAT bits for a 4 KiB PTE (PAT = bit 7) or a 2 MiB PDE (PAT = bit 12). */
uint64_t pat_pte_bits(enum cache_type t, bool large);

/* The cache type a leaf entry selects (inverse of pat_pte_bits). */
enum cache_type pat_from_pte(uint64_t pte, bool large);

const char *cache_type_name(enum cache_type t);

#endif
