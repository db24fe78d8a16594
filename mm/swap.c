/* mm/swap.c - pagefile slot references, the swap cache, and reading a page back in. */
#include "swap.h"
#include "frame.h"
#include "kheap.h"
#include "pagefile.h"
#include "prot.h"
#include "vm_ext.h"
#include "winvm.h"
#include "kernel/lock.h"
#include "kernel/panic.h"

/*
 * swap_lock (spin; taken under a VM lock or a section's, before pf_lock):
 * slot_refs, slot_frame, the counters, and swap_slot of a frame in the swap
 * cache.  Never held across the pagefile I/O itself (swap_in reads with the
 * VM lock alone).
 */
static struct spinlock swap_lock = SPINLOCK_INIT("swap");
static uint32_t *slot_refs;	/* references per slot */
static uint32_t *slot_frame;	/* frame number caching the slot's bytes, 0 if none */
static uint64_t nslots, used, paged_out;

void swap_init(void)
{
	uint64_t n = pagefile_max_slots();	/* tables for the maximum size: growing allocates nothing */
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
	if (s != PAGEFILE_NO_SLOT) {
		spin_lock(&swap_lock);
		used++;
		spin_unlock(&swap_lock);
	}
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

/* Slots held by the swap cache alone (swap_cache_reclaim could free them), and the test for one. */
static uint64_t cached_alone;
static bool cache_only(uint64_t slot)
{
	return slot_frame[slot] && slot_refs[slot] == 1;
}

void swap_slot_ref(uint64_t slot)
{
	check(slot, "swap_slot_ref");
	spin_lock(&swap_lock);
	ASSERT(slot_refs[slot] < UINT32_MAX);
	paged_out += holders(slot) == 0;
	cached_alone -= cache_only(slot);
	slot_refs[slot]++;
	spin_unlock(&swap_lock);
}

void swap_slot_unref(uint64_t slot)
{
	check(slot, "swap_slot_unref");
	spin_lock(&swap_lock);
	ASSERT(holders(slot) > 0);
	paged_out -= holders(slot) == 1;
	if (--slot_refs[slot]) {
		cached_alone += cache_only(slot);
	} else {
		ASSERT(!slot_frame[slot]);	/* the cache holds a reference */
		pagefile_slot_free(slot);
		used--;
	}
	spin_unlock(&swap_lock);
}

uint32_t swap_slot_refs(uint64_t slot)
{
	check(slot, "swap_slot_refs");
	return __atomic_load_n(&slot_refs[slot], __ATOMIC_RELAXED);
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
	spin_lock(&swap_lock);
	ASSERT(!f->swap_slot && !slot_frame[slot]);
	f->swap_slot = (uint32_t)slot + 1;
	slot_frame[slot] = (uint32_t)(phys >> PAGE_SHIFT);
	slot_refs[slot]++;	/* the cache's own reference: holders() unchanged */
	cached_alone += cache_only(slot);
	spin_unlock(&swap_lock);
}

/* swap_cache_drop's work; caller holds swap_lock. */
static void cache_drop_locked(uint64_t phys)
{
	lock_assert_held(&swap_lock);
	struct frame *f = frame_get(phys);
	if (!f->swap_slot)
		return;
	uint64_t slot = f->swap_slot - 1;
	cached_alone -= cache_only(slot);
	f->swap_slot = 0;
	slot_frame[slot] = 0;
	if (--slot_refs[slot] == 0) {	/* the cache's reference was the last */
		pagefile_slot_free(slot);
		used--;
	}
}

void swap_cache_drop(uint64_t phys)
{
	spin_lock(&swap_lock);
	cache_drop_locked(phys);
	spin_unlock(&swap_lock);
}

uint64_t swap_cache_find(uint64_t slot)
{
	check(slot, "swap_cache_find");
	spin_lock(&swap_lock);
	uint64_t phys = (uint64_t)slot_frame[slot] << PAGE_SHIFT;
	spin_unlock(&swap_lock);
	return phys;
}

uint64_t swap_cache_reclaim(uint64_t want)
{
	static uint64_t hand;	/* where the last search stopped: the cost is spread over the calls */
	uint64_t freed = 0;
	spin_lock(&swap_lock);
	/* cached_alone says when the search would find nothing: the pagefile full of paged-out pages. */
	for (uint64_t n = 0; n < nslots && freed < want && cached_alone; n++, hand = hand + 1 == nslots ? 0 : hand + 1) {
		if (cache_only(hand)) {	/* no entry needs these bytes */
			cache_drop_locked((uint64_t)slot_frame[hand] << PAGE_SHIFT);
			freed++;
		}
	}
	spin_unlock(&swap_lock);
	return freed;
}

uint64_t swap_cache_only_slots(void)
{
	return __atomic_load_n(&cached_alone, __ATOMIC_RELAXED);
}

uint64_t swap_cache_reclaim_from(uint64_t first)
{
	uint64_t freed = 0;
	spin_lock(&swap_lock);
	for (uint64_t s = first; s < nslots && cached_alone; s++) {
		if (cache_only(s)) {
			cache_drop_locked((uint64_t)slot_frame[s] << PAGE_SHIFT);
			freed++;
		}
	}
	spin_unlock(&swap_lock);
	return freed;
}

bool user_frame_put(uint64_t phys)
{
	struct frame *f = frame_get(phys);
	if (f->refcount == 1)
		swap_cache_drop(phys);
	return frame_unref(phys);
}

/*
 * Read-ahead: the pages after the faulting one in the same page table that
 * are paged out too (uncached, committed, readable, not guard pages) come in
 * with it, in one batched read.  Eviction writes neighbours to neighbouring
 * slots in one batch, so they tend to be wanted together.
 */

/* How many entries from pte on (the first is the fault) to read in one batch; their slots in slots[]. */
static unsigned cluster(const struct vad *v, uint64_t page, const uint64_t *pte, uint64_t *slots)
{
	unsigned n = 1;
	slots[0] = swap_entry_slot(*pte);
	if (v->section)
		return n;	/* private copies in views are rare: one at a time */
	for (; n < SWAP_READAHEAD; n++) {
		uint64_t va = page + n * PAGE_SIZE;
		if (va >= v->end || !(va & (PAGE_2M - 1)) || !(pte[n] & PTE_SW_SWAP))
			break;
		uint64_t slot = swap_entry_slot(pte[n]);
		const struct vad_run *r = vad_run_at(v, va);
		if (swap_cache_find(slot) || r->state != W_MEM_COMMIT || !prot_readable(r->protect) ||
		    (r->protect & W_PAGE_GUARD))
			break;
		slots[n] = slot;
	}
	return n;
}

/* Map frames[0..n) at page, page + 4 KiB, ... (entries pte[0..n)), each entry's slot reference dropped. */
static void map_frames(const struct vad *v, uint64_t page, uint64_t *pte, const uint64_t *slots,
		       const uint64_t *frames, unsigned n, uint32_t prot)
{
	/* Read-only and copy-on-write: the first write takes the frame over (or copies it), leaving the cache. */
	for (unsigned i = 0; i < n; i++) {
		uint32_t p = i ? vad_run_at(v, page + i * PAGE_SIZE)->protect : prot;
		pte[i] = (frames[i] | prot_pte_flags(p) | PTE_SW_COW) & ~PTE_W;
		swap_slot_unref(slots[i]);	/* this entry's reference */
	}
	tlb_flush_page(page);	/* the read-ahead pages were not mapped: nothing cached for them */
}

/* The slot's frame from the swap cache, with a reference for one more entry; 0 if not cached. */
static uint64_t cached_frame(uint64_t slot)
{
	uint64_t phys = swap_cache_find(slot);
	return phys && frame_ref(phys) ? phys : 0;	/* shared again with whoever read it back (or never let it go) */
}

/* Put frames[0..n), just read from slots[0..n), in the swap cache (a slot cached meanwhile keeps its frame). */
static void cache_read(const uint64_t *slots, const uint64_t *frames, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!swap_cache_find(slots[i]))
			swap_cache_add(frames[i], slots[i]);
}

/* Take frames[0..*n) for a read (read-ahead only while frames are free: *n may shrink); false if none. */
static bool take_frames(struct vm_space *vm, uint64_t *frames, unsigned *n)
{
	for (unsigned i = 0; i < *n; i++) {
		frames[i] = vm_page_frame(vm, FRAME_USER, false);
		if (!frames[i]) {
			*n = i;
			break;
		}
	}
	return *n > 0;
}

enum vm_fault_result swap_in(struct vm_space *vm, const struct vad *v, uint64_t page, uint64_t *pte, uint32_t prot)
{
	uint64_t slots[SWAP_READAHEAD], frames[SWAP_READAHEAD];
	slots[0] = swap_entry_slot(*pte);
	frames[0] = cached_frame(slots[0]);
	unsigned n = 1;
	if (!frames[0]) {
		n = cluster(v, page, pte, slots);
		if (!take_frames(vm, frames, &n))
			return VM_FAULT_NO_MEMORY;
		if (pagefile_transfer(slots, frames, n, false) != STATUS_SUCCESS) {
			for (unsigned i = 0; i < n; i++)
				frame_free(frames[i], 0);
			return VM_FAULT_IN_PAGE_ERROR;	/* the entries stay: the process ends, its exit frees the slots */
		}
		cache_read(slots, frames, n);
	}
	map_frames(v, page, pte, slots, frames, n, prot);
	return VM_FAULT_RESOLVED;
}

/* How many of rd's pages, from the first, still have the entries it saw and may be mapped. */
static unsigned still_seen(const struct vad *v, uint64_t page, const uint64_t *pte, const struct swap_read *rd)
{
	unsigned n = 0;
	for (; n < rd->n && pte[n] == rd->seen[n]; n++) {
		if (!n)
			continue;	/* the fault checked the first */
		if (page + n * PAGE_SIZE >= v->end || swap_cache_find(rd->slots[n]))
			break;
		const struct vad_run *r = vad_run_at(v, page + n * PAGE_SIZE);
		if (r->state != W_MEM_COMMIT || !prot_readable(r->protect) || (r->protect & W_PAGE_GUARD))
			break;
	}
	return n;
}

enum vm_fault_result swap_in_unlocked(struct vm_space *vm, const struct vad *v, uint64_t page, uint64_t *pte,
				      uint32_t prot, struct swap_read *rd)
{
	uint64_t slot = swap_entry_slot(*pte), phys = cached_frame(slot);
	if (phys) {
		map_frames(v, page, pte, &slot, &phys, 1, prot);
		return VM_FAULT_RESOLVED;
	}
	if (rd->n && rd->done && rd->page == page && rd->seen[0] == *pte) {
		if (rd->status != STATUS_SUCCESS)
			return VM_FAULT_IN_PAGE_ERROR;	/* as swap_in: the entries stay */
		unsigned n = still_seen(v, page, pte, rd);
		cache_read(rd->slots, rd->frames, n);
		map_frames(v, page, pte, rd->slots, rd->frames, n, prot);
		for (unsigned i = 0; i < n; i++)
			rd->frames[i] = 0;	/* mapped: the entries own them; rd keeps its slot references till swap_read_end */
		return VM_FAULT_RESOLVED;
	}
	swap_read_end(rd);	/* a read for an entry that changed meanwhile */
	unsigned n = cluster(v, page, pte, rd->slots);
	if (!take_frames(vm, rd->frames, &n))
		return VM_FAULT_NO_MEMORY;
	for (unsigned i = 0; i < n; i++) {
		rd->seen[i] = pte[i];
		swap_slot_ref(rd->slots[i]);	/* rd's own: the slot outlives a decommit or free during the read */
	}
	rd->page = page;
	rd->n = n;
	rd->done = false;
	return SWAP_IN_READ;
}

void swap_read_run(struct swap_read *rd)
{
	rd->status = pagefile_read_unlocked(rd->slots, rd->frames, rd->n);
	rd->done = true;
}

void swap_read_end(struct swap_read *rd)
{
	for (unsigned i = 0; i < rd->n; i++) {
		if (rd->frames[i])
			frame_free(rd->frames[i], 0);
		swap_slot_unref(rd->slots[i]);
	}
	rd->n = 0;
	rd->done = false;
}
