/*
 * mm/paging.h - the page-table walker: the only code that reads or writes
 * page-table entries or flushes the TLB.
 *
 * A page table is named by the physical address of its PML4 (its CR3 value).
 * Leaf entries are 4 KiB PTEs, or 2 MiB PDEs with PTE_PS.
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <stdbool.h>
#include <stdint.h>
#include "tlb.h"	/* the layer below: flushing translations */

typedef uint64_t pte_t;

#define PTE_P      (1ULL << 0)
#define PTE_W      (1ULL << 1)
#define PTE_U      (1ULL << 2)
#define PTE_PWT    (1ULL << 3)
#define PTE_PCD    (1ULL << 4)
#define PTE_A      (1ULL << 5)
#define PTE_D      (1ULL << 6)
#define PTE_PS     (1ULL << 7)	/* in a PDE/PDPTE: large page */
#define PTE_G      (1ULL << 8)
#define PTE_NX     (1ULL << 63)
#define PTE_ADDR   0x000ffffffffff000ULL
#define PTE_ADDR_2M 0x000fffffffe00000ULL
#define PTE_CACHE_4K ((1ULL << 3) | (1ULL << 4) | (1ULL << 7))
#define PTE_CACHE_2M ((1ULL << 3) | (1ULL << 4) | (1ULL << 12))

#define PAGE_2M (2ULL << 20)

/* Permission sets used by the kernel (cache bits come from mm/pat.h). */
#define KPROT_RX (PTE_P | PTE_G)
#define KPROT_R  (PTE_P | PTE_G | PTE_NX)
#define KPROT_RW (PTE_P | PTE_G | PTE_W | PTE_NX)

/*
 * Return a pointer (through the direct map) to the 4 KiB leaf entry of va.
 * With alloc, missing intermediate tables are allocated (zeroed, FRAME_PAGETABLE)
 * and NULL means out of memory; without alloc NULL means a table is missing.
 * NULL also when va lies inside a 2 MiB mapping.  Intermediate entries of
 * user addresses get PTE_U|PTE_W (the leaf decides), kernel ones PTE_W.
 */
pte_t *pt_walk(uint64_t root, uint64_t va, bool alloc);

/*
 * Cap the page-table pages of user addresses (all address spaces): beyond
 * pages, walks of user addresses allocate no more tables (the access fails
 * with STATUS_NO_MEMORY) so that page tables, which are never paged out,
 * cannot fill RAM and leave no frame for the pages they map.  A safety net:
 * commits charge their tables under the same cap first (mm/ptcharge.h), so
 * that a committed page never meets it.  No cap by default.
 */
void pt_set_table_limit(uint64_t pages);
/* The cap (pages); UINT64_MAX when none.  mm/ptcharge.c keeps the charged tables under it. */
uint64_t pt_table_limit(void);
/* Page-table pages of user addresses (every space, roots not counted): what the cap bounds. */
uint64_t pt_user_tables(void);

/* Map one 4 KiB page.  Returns 0, or -1 if a table could not be allocated. */
int pt_map(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags);

/* Map one 2 MiB page (va and phys 2 MiB aligned; flags without PTE_PS). */
int pt_map_large(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags);

/* Map [va, va+len) to [phys, phys+len): 2 MiB pages where alignment allows when large_ok. */
int pt_map_range(uint64_t root, uint64_t va, uint64_t phys, uint64_t len, uint64_t flags, bool large_ok);

/* Remove the 4 KiB mapping of va; returns the old entry (0 if none).  Flushes the TLB entry. */
pte_t pt_unmap(uint64_t root, uint64_t va);

/* Replace the flags (not the frame) of a present 4 KiB leaf; returns -1 if not mapped. */
int pt_protect(uint64_t root, uint64_t va, uint64_t flags);

/*
 * Find the leaf entry mapping va.  Returns it (0 if unmapped) and stores the
 * page size (4096 or 2 MiB, or 0 when unmapped) in *size when size != NULL.
 */
pte_t pt_query(uint64_t root, uint64_t va, uint64_t *size);

/*
 * Call fn for every present leaf in [va, va+len), in address order; fn may
 * modify *pte (the caller flushes).  Returns the number of leaves visited.
 */
typedef void (*pt_leaf_fn)(uint64_t va, pte_t *pte, uint64_t size, void *ctx);
uint64_t pt_for_each(uint64_t root, uint64_t va, uint64_t len, pt_leaf_fn fn, void *ctx);

/* Allocate an empty PML4 whose kernel half is shared with the kernel's. */
uint64_t pt_create_root(void);

/*
 * Free the page-table pages under [va, va+len) (user half) whose entries are
 * all zero, up to the PDPT, flushing the TLB when root is loaded.  The
 * caller has cleared the leaf entries it owned (release, decommit).
 */
void pt_prune(uint64_t root, uint64_t va, uint64_t len);

/* Free every page-table page of the user half of root, and root itself (not the mapped frames). */
void pt_destroy_root(uint64_t root);

/* Remove the 2 MiB mapping of va (2 MiB aligned); returns the old entry (0 if none).  Flushes the TLB entry. */
pte_t pt_unmap_large(uint64_t root, uint64_t va);


/* The kernel's own page table (set up by kpaging_init). */
extern uint64_t kernel_root;

#endif
