/* mm/swap.c - pagefile slot references, the swap cache, and reading a page back in. */
#include "swap.h"
#include "frame.h"
#include "kheap.h"
#include "pagefile.h"
#include "prot.h"
#include "vm_ext.h"
#include "kernel/panic.h"

#define SWAP_MAX_SLOTS (1ULL << 20)	/* 4 GiB of pagefile: each table is one kmalloc block (4 MiB) */

static uint32_t *slot_refs;	/* references per slot */
static uint32_t *slot_frame;	/* frame number caching the slot's bytes, 0 if none */
static uint64_t nslots, used, paged_out;

void swap_init(void)
{
	uint64_t n = pagefile_slots() < SWAP_MAX_SLOTS ? pagefile_slots() : SWAP_MAX_SLOTS;
	if (!n)
		return;
	slot_refs = kmalloc(n * sizeof(uint32_t));
	slot_frame = kmalloc(n * sizeof(uint32_t));
	if (!slot_refs || !slot_frame) {
		kfree(slot_refs);
		kfree(slot_frame);
		slot_refs = slot_frame = NULL;
		return;	/* no paging: the kernel runs as without a pagefile */
	}
	nslots = n;
}

uint64_t swap_slots_total(void)
{
	return nslots;
}

uint64_t swap_slot_new(void)
{
	if (!nslots)
		return PAGEFILE_NO_SLOT;
	uint64_t s = pagefile_slot_alloc();
	if (s != PAGEFILE_NO_SLOT && s >= nslots) {	/* beyond the tables (a pagefile over 4 GiB) */
		pagefile_slot_free(s);
		return PAGEFILE_NO_SLOT;
	}
	if (s != PAGEFILE_NO_SLOT)
		used++;
	return s;
}

static void check(uint64_t slot, const char *who)
{
	if (slot >= nslots)
		panic("%s: slot %lx out of range", who, slot);
}

/* References other than the swap cache's: entries and sections that need the slot's bytes. */
static uint32_t holders(uint64_t slot)
{
	return slot_refs[slot] - (slot_frame[slot] != 0);
}

void swap_slot_ref(uint64_t slot)
{
	check(slot, "swap_slot_ref");
	ASSERT(slot_refs[slot] < UINT32_MAX);
	paged_out += holders(slot) == 0;
	slot_refs[slot]++;
}

void swap_slot_unref(uint64_t slot)
{
	check(slot, "swap_slot_unref");
	ASSERT(holders(slot) > 0);
	paged_out -= holders(slot) == 1;
	if (--slot_refs[slot])
		return;
	ASSERT(!slot_frame[slot]);	/* the cache holds a reference */
	pagefile_slot_free(slot);
	used--;
}

uint32_t swap_slot_refs(uint64_t slot)
{
	check(slot, "swap_slot_refs");
	return slot_refs[slot];
}

uint64_t swap_slots_used(void)
{
	return used;
}

uint64_t swap_pages_out(void)
{
	return paged_out;
}

void swap_cache_add(uint64_t phys, uint64_t slot)
{
	struct frame *f = frame_get(phys);
	ASSERT(!f->swap_slot && !slot_frame[slot]);
	f->swap_slot = (uint32_t)slot + 1;
	slot_frame[slot] = (uint32_t)(phys >> PAGE_SHIFT);
	slot_refs[slot]++;	/* the cache's own reference: holders() unchanged */
}

void swap_cache_drop(uint64_t phys)
{
	struct frame *f = frame_get(phys);
	if (!f->swap_slot)
		return;
	uint64_t slot = f->swap_slot - 1;
	f->swap_slot = 0;
	slot_frame[slot] = 0;
	if (--slot_refs[slot] == 0) {	/* the cache's reference was the last */
		pagefile_slot_free(slot);
		used--;
	}
}

uint64_t swap_cache_find(uint64_t slot)
{
	check(slot, "swap_cache_find");
	return (uint64_t)slot_frame[slot] << PAGE_SHIFT;
}

bool user_frame_put(uint64_t phys)
{
	struct frame *f = frame_get(phys);
	if (f->refcount == 1)
		swap_cache_drop(phys);
	return frame_unref(phys);
}

enum vm_fault_result swap_in(struct vm_space *vm, uint64_t page, uint64_t *pte, uint32_t prot)
{
	uint64_t slot = swap_entry_slot(*pte);
	uint64_t phys = swap_cache_find(slot);
	if (!phys || !frame_ref(phys)) {	/* not cached (or 65535 sharers): read the slot */
		phys = vm_user_frame(vm, false);
		if (!phys)
			return VM_FAULT_NO_MEMORY;
		if (pagefile_read(slot, phys)) {
			frame_free(phys, 0);
			return VM_FAULT_IN_PAGE_ERROR;	/* the entry stays: the process ends, its exit frees the slot */
		}
		if (!swap_cache_find(slot))
			swap_cache_add(phys, slot);
	}
	/* Read-only and copy-on-write: the first write takes the frame over (or copies it), leaving the cache. */
	*pte = (phys | prot_pte_flags(prot) | PTE_SW_COW) & ~PTE_W;
	swap_slot_unref(slot);	/* this entry's reference */
	tlb_flush_page(page);
	return VM_FAULT_RESOLVED;
}
