/*
 * mm/swap.h - paged-out memory: swap entries, pagefile slot references and
 * the swap cache (mm/swap.c); eviction itself is mm/evict.c.
 *
 * A page written out to the pagefile leaves a swap entry in its PTE: not
 * present, PTE_SW_SWAP set, the slot number where the frame address goes.
 * Every swap entry holds a reference on its slot, and so does a section
 * page that was paged out (its frame array holds the same swap entry).  A
 * slot is freed with its last reference.
 *
 * The swap cache remembers, for a resident user frame, a slot holding the
 * same bytes (struct frame.swap_slot): a page read back from the pagefile
 * keeps its slot while nobody writes it, so evicting it again needs no
 * write, and the other processes whose entries still name that slot (after
 * fork) find the frame and share it again.  A frame in the swap cache is
 * never writable: page-in maps it read-only and copy-on-write, and the write
 * fault that takes it over (mm/cow.c) drops the association first.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <stdbool.h>
#include <stdint.h>
#include "paging.h"
#include "vm.h"

#define PTE_SW_SWAP (1ULL << 11)

static inline uint64_t swap_entry(uint64_t slot)
{
	return (slot << 12) | PTE_SW_SWAP;
}

static inline uint64_t swap_entry_slot(uint64_t e)
{
	return (e & PTE_ADDR) >> 12;
}

/* Size the slot tables after pagefile_init (kmalloc).  Without a pagefile nothing is ever paged out. */
void swap_init(void);

/* Slots the tables cover: the pagefile's maximum size (0: no pagefile, nothing is ever paged out). */
uint64_t swap_slots_total(void);

/* A free slot with no reference yet, or PAGEFILE_NO_SLOT. */
uint64_t swap_slot_new(void);
void swap_slot_ref(uint64_t slot);
/* Drop one reference; the last frees the slot. */
void swap_slot_unref(uint64_t slot);
uint32_t swap_slot_refs(uint64_t slot);
/* Slots in use (held by entries, sections or the swap cache): the leak oracle. */
uint64_t swap_slots_used(void);
/* Pages that live only in the pagefile now (slots some entry or section needs, the swap cache aside). */
uint64_t swap_pages_out(void);

/* Associate the resident user frame at phys with slot, which holds the same bytes (one slot reference). */
void swap_cache_add(uint64_t phys, uint64_t slot);
/* Forget phys's slot, if any (dropping that reference): call before the frame's contents change. */
void swap_cache_drop(uint64_t phys);
/* The resident frame holding slot's bytes, or 0. */
uint64_t swap_cache_find(uint64_t slot);
/*
 * The pagefile is full: free up to want slots that only the swap cache holds
 * (a resident page's second copy), so that dirty pages can be written out.
 * Sound because every committed page is charged: when no slot is free, the
 * pages living only in slots fill the pagefile's share of the commit, so a
 * resident page with a cached slot is one more than RAM's share, and either
 * a frame is free or such a slot exists.  Returns the number freed.
 */
uint64_t swap_cache_reclaim(uint64_t want);
/* Free every slot from first on that only the swap cache holds (the pagefile is to shrink); returns how many. */
uint64_t swap_cache_reclaim_from(uint64_t first);
/* Slots only the swap cache holds (resident pages' second copies). */
uint64_t swap_cache_only_slots(void);

/* Drop one reference to a user frame (frame_unref), leaving the swap cache with the last; true when freed. */
bool user_frame_put(uint64_t phys);

/*
 * A fault on the swap entry *pte of page (committed, protection prot, in v):
 * map the frame from the swap cache, or read the slot into a new frame, with
 * up to 7 paged-out neighbours in the same page table in one batch
 * (read-ahead).  VM_FAULT_IN_PAGE_ERROR when the pagefile cannot be read.
 */
enum vm_fault_result swap_in(struct vm_space *vm, const struct vad *v, uint64_t page, uint64_t *pte, uint32_t prot);

/*
 * A page-in whose read runs with no lock held (issue 18; docs/smp.md
 * "Page-ins without the kernel lock"): the faulting thread's own record,
 * on its stack.  While n > 0 it holds a reference to each slot (so no slot
 * is freed and reused while read: no ABA) and owns each frame not yet
 * mapped (frames[i] != 0).
 */
#define SWAP_READAHEAD 8
struct swap_read {
	uint64_t page;				/* the faulting page */
	unsigned n;				/* pages held: 0 when none */
	bool done;				/* swap_read_run ran: status says how it went */
	ntstatus_t status;
	uint64_t seen[SWAP_READAHEAD];		/* the entries as they were when the read was set up */
	uint64_t slots[SWAP_READAHEAD];
	uint64_t frames[SWAP_READAHEAD];	/* 0 once mapped */
};
/* swap_in_unlocked's answer: the read is set up in rd; run swap_read_run with vm->lock released, then fault again. */
#define SWAP_IN_READ ((enum vm_fault_result)-2)

/*
 * swap_in for the faulting thread's own fault (vm->lock and the kernel lock
 * held, no entry pointer kept past the call).  A cached slot is mapped as
 * swap_in does.  A read rd has done for this page whose entries are still
 * the ones it saw (compared after the fault walked the page again from the
 * region tree: protection, commit and guard were checked anew) is mapped
 * from its frames.  Otherwise rd is emptied and set up for this page
 * (frames taken, slots referenced): SWAP_IN_READ.  VM_FAULT_IN_PAGE_ERROR
 * when rd's read failed, VM_FAULT_NO_MEMORY when no frame is free.
 */
enum vm_fault_result swap_in_unlocked(struct vm_space *vm, const struct vad *v, uint64_t page, uint64_t *pte,
				      uint32_t prot, struct swap_read *rd);
/* Read rd's slots into its frames, the kernel lock given back meanwhile; the caller holds no other lock. */
void swap_read_run(struct swap_read *rd);
/* Give back what rd still holds (frames not mapped, slot references); the kernel lock held. */
void swap_read_end(struct swap_read *rd);

/* ---- evict.c ---- */

/*
 * Keep free frames above the low watermark by paging out user and section
 * pages (clock: a page whose accessed bit is set gets a second chance); every
 * CPU forgets a paged-out page's translation (mm/tlb.h).  Called before the fault path
 * allocates, never while a caller holds a page-table entry pointer.
 */
void vm_balance(void);
/* Would vm_balance page out now (free frames under its low watermark)?  Reads one counter. */
bool vm_balance_needed(void);

/*
 * After an allocation failed in the fault path of committed memory: page
 * out (file cache first, then the clock) until EVICT_HIGH frames are free
 * or nothing more can go, whatever the watermark says.  Returns the pages
 * written or dropped (0: nothing could go).  Never while a caller holds a
 * page-table entry pointer.
 */
uint64_t vm_reclaim(void);

/*
 * Page out every page of vm that can be (tests and the benchmark; accessed
 * bits are ignored).  Returns the number of pages written or dropped.
 */
uint64_t vm_evict_all(struct vm_space *vm);

/* Join / leave the list of spaces the evictor scans (vm_space_init / vm_space_destroy). */
void evict_space_add(struct vm_space *vm);
void evict_space_remove(struct vm_space *vm);

/* Sections the evictor scans (mm/section.c). */
struct section;
void evict_section_add(struct section *s);
void evict_section_remove(struct section *s);

#endif
