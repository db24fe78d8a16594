/*
 * mm/evict.c - paging out: a clock over every address space's resident
 * user pages and every section's pages.
 *
 * vm_balance runs when free frames fall below EVICT_LOW, at the start of a
 * page fault or a fork (never while anyone holds a page-table entry
 * pointer), and pages out batches of EVICT_BATCH until EVICT_HIGH frames are
 * free.  A page whose accessed bit is set has it cleared and is passed over
 * once (second chance).  A victim whose frame is in the swap cache (read
 * back and never written since) is dropped without a write; the others go
 * to new slots, the whole batch in one pagefile transfer.  A frame shared
 * after fork gets one slot, found again through the swap cache by the
 * sharers that page it in, so sharing survives paging.  A section page is
 * written once and unmapped from every view; its frame array holds the swap
 * entry.  An offered page (OfferVirtualMemory, MEM_RESET) not written since
 * is dropped, never written (mm/reset.c: ReclaimVirtualMemory then says
 * ERROR_BUSY).  Locked pages (VirtualLock), large pages, AWE pages and the
 * kernel are never paged.
 */
#include "tlb.h"
#include "swap.h"
#include "frame.h"
#include "pagefile.h"
#include "prot.h"
#include "section.h"
#include "vm_ext.h"
#include "pagecache.h"
#include "procmem.h"

#include <stddef.h>

#define EVICT_BATCH 64
#define EVICT_LOW   256	/* free frames below which a fault pages out (1 MiB) */
#define EVICT_HIGH  512	/* ... until this many are free */
#define EVICT_SCAN  65536	/* entries one pass may look at: bounds the work when little can go */

static struct vm_space *spaces, *space_hand;
static uint64_t scan_left;	/* what is left of the current batch's EVICT_SCAN */
static struct section *sections, *section_hand;
static uint64_t section_index;
static unsigned discarded;	/* offered pages the current batch dropped instead of paging out */

struct victim {
	struct vm_space *vm;	/* private page: its space, VAD, address and entry */
	struct vad *v;
	uint64_t va;
	pte_t *pte;
	struct section *sec;	/* section page: the section and page index */
	uint64_t index;
	uint64_t phys, slot;
	pte_t old;		/* private page: its entry before page_out unmapped it */
	bool cached;		/* page_out put the frame in the swap cache for this batch */
};

void evict_space_add(struct vm_space *vm)
{
	vm->evict_next = spaces;
	spaces = vm;
}

/* Page faults of the spaces removed from the list (vm_fault_count_total). */
static uint64_t faults_gone;

uint64_t vm_fault_count_total(void)
{
	uint64_t n = faults_gone;
	for (struct vm_space *vm = spaces; vm; vm = vm->evict_next)
		n += __atomic_load_n(&vm->faults, __ATOMIC_RELAXED);
	return n;
}

void evict_space_remove(struct vm_space *vm)
{
	faults_gone += vm->faults;
	for (struct vm_space **pp = &spaces; *pp; pp = &(*pp)->evict_next)
		if (*pp == vm) {
			*pp = vm->evict_next;
			break;
		}
	if (space_hand == vm)
		space_hand = NULL;
}

void evict_section_add(struct section *s)
{
	s->evict_next = sections;
	sections = s;
}

void evict_section_remove(struct section *s)
{
	for (struct section **pp = &sections; *pp; pp = &(*pp)->evict_next)
		if (*pp == s) {
			*pp = s->evict_next;
			break;
		}
	if (section_hand == s) {
		section_hand = NULL;
		section_index = 0;
	}
}

/* May the entry e (of page va in v) be paged out?  Clears a set accessed bit instead, unless all. */
static bool evictable(struct vad *v, uint64_t va, pte_t *pte, bool all)
{
	pte_t e = *pte;
	if (!(e & (PTE_P | PTE_SW_FRAME)))
		return false;
	const struct frame *f = frame_get(e & PTE_ADDR);
	if (f->owner != FRAME_USER || f->order != 0 || vm_page_locked(v, va))
		return false;
	if ((e & PTE_A) && !all) {
		*pte = e & ~PTE_A;	/* second chance */
		return false;
	}
	return true;
}

/*
 * Collect up to room victims from vm, from its clock hand on.  Returns how
 * many; *wrapped when the scan reached the end of the space (the hand goes
 * back to its start).
 */
static unsigned scan_space(struct vm_space *vm, struct victim *out, unsigned room, bool all, bool *wrapped)
{
	unsigned n = 0;
	uint64_t va = vm->evict_hand;
	*wrapped = false;
	for (struct vad *v = vad_find_next(&vm->tree, va); v; v = vad_next(v)) {
		if (v->flags & (VAD_LARGE | VAD_PHYSICAL))
			continue;
		for (uint64_t a = va > v->start ? va : v->start, next; a < v->end; a = next) {
			next = (a + PAGE_2M) & ~(PAGE_2M - 1);
			if (next > v->end)
				next = v->end;
			if (!scan_left) {
				vm->evict_hand = a;	/* out of budget: resume here next time */
				return n;
			}
			scan_left--;
			pte_t *pte = pt_walk(vm->root, a, false);
			for (; pte && a < next; a += PAGE_SIZE, pte++) {
				scan_left -= scan_left > 0;
				if (!evictable(v, a, pte, all))
					continue;
				if (v->reset_bits && reset_discard_page(vm, v, a, pte)) {
					discarded++;	/* offered and clean: dropped, never written to the pagefile */
					continue;
				}
				out[n++] = (struct victim){ .vm = vm, .v = v, .va = a, .pte = pte, .phys = *pte & PTE_ADDR };
				if (n == room) {
					vm->evict_hand = a + PAGE_SIZE;
					return n;
				}
			}
		}
	}
	vm->evict_hand = 0;
	*wrapped = true;
	return n;
}

/* The entry of view v for page index of its section, when it maps frame phys; else NULL. */
static pte_t *view_entry(struct vad *v, uint64_t index, uint64_t phys)
{
	uint64_t off = index * PAGE_SIZE;
	if (off < v->section_offset || off - v->section_offset >= v->end - v->start)
		return NULL;
	pte_t *pte = pt_walk(v->view_space->root, v->start + off - v->section_offset, false);
	return pte && (*pte & (PTE_P | PTE_SW_FRAME)) && (*pte & PTE_ADDR) == phys ? pte : NULL;
}

/* Collect up to room section pages none of whose views accessed them since the last pass. */
static unsigned scan_sections(struct victim *out, unsigned room, bool *wrapped)
{
	unsigned n = 0;
	*wrapped = false;
	struct section *s = section_hand ? section_hand : sections;
	for (; s; s = s->evict_next, section_index = 0) {
		for (; section_index < s->pages; section_index++) {
			if (!scan_left) {
				section_hand = s;	/* out of budget: resume here next time */
				return n;
			}
			scan_left--;
			const uint64_t *e = section_entry(s, section_index);
			if (!e) {	/* no leaf: nothing committed up to its end */
				section_index += SECTION_LEAF_PAGES - 1 - section_index % SECTION_LEAF_PAGES;
				continue;
			}
			uint64_t phys = *e;
			if (!phys || (phys & PTE_SW_SWAP) || frame_get(phys)->refcount > 1)
				continue;	/* > 1: the page cache's frame an image shares (mm/image.c), read again from the file */
			bool accessed = false;
			for (struct vad *v = s->views; v; v = v->view_next) {
				pte_t *pte = view_entry(v, section_index, phys);
				if (pte && (*pte & PTE_A)) {
					accessed = true;
					*pte &= ~PTE_A;
				}
			}
			if (accessed)
				continue;
			out[n++] = (struct victim){ .sec = s, .index = section_index, .phys = phys };
			if (n == room) {
				section_hand = s;
				section_index++;
				return n;
			}
		}
	}
	section_hand = NULL;
	section_index = 0;
	*wrapped = true;
	return n;
}

/* Does victim x need a new slot (not a private page whose frame is already in the swap cache)? */
static bool needs_slot(const struct victim *x)
{
	return x->sec || !frame_get(x->phys)->swap_slot;
}

/*
 * Unmap x everywhere (every view of a section page), with the shootdown,
 * before the pagefile write reads the frame: on other CPUs the process's
 * threads run on without the kernel lock, and a write landing after the
 * transfer had read the frame would be lost (mt_free at SMP=4: a trimmed
 * stack page came back old, the thread resumed with stale registers).  A
 * private entry becomes its swap entry at once, never 0 (the fast fault
 * path's "empty"); a fault on it waits for the kernel lock, held
 * exclusively until the entry is final.
 */
static void unmap_victim(struct victim *x)
{
	if (x->sec) {
		for (struct vad *v = x->sec->views; v; v = v->view_next) {
			pte_t *pte = view_entry(v, x->index, x->phys);
			if (!pte)
				continue;
			*pte = 0;	/* the view maps it again from the section on its next access */
			tlb_shootdown_page(v->view_space->root, v->start + x->index * PAGE_SIZE - v->section_offset);
		}
		return;
	}
	x->old = *x->pte;
	watch_note_pte(x->v, x->va, x->old);	/* the dirty bit goes with the entry */
	*x->pte = swap_entry(x->slot);	/* shot down by the caller: one round per address space (unmap_victims) */
}

/* Unmap the n victims, then one shootdown per run of private pages of one address space (its span). */
static void unmap_victims(struct victim *vs, unsigned n)
{
	struct vm_space *vm = NULL;
	uint64_t lo = 0, hi = 0;
	for (unsigned i = 0; i <= n; i++) {
		struct victim *x = i < n ? &vs[i] : NULL;
		if (vm && (!x || x->sec || x->vm != vm)) {
			tlb_shootdown(vm->root, lo, hi + PAGE_SIZE - lo);
			vm = NULL;
		}
		if (!x)
			break;
		unmap_victim(x);
		if (x->sec)
			continue;
		if (!vm) {
			vm = x->vm;
			lo = hi = x->va;
		}
		lo = x->va < lo ? x->va : lo;
		hi = x->va > hi ? x->va : hi;
	}
}

/*
 * Write the victims that need it (one transfer) and turn them into swap
 * entries.  A victim already in the swap cache needs no write; so does the
 * second mapping of a frame shared after fork, which the first victim put in
 * the cache.  When the pagefile is full, slots only the swap cache holds are
 * taken back first (swap_cache_reclaim); a victim that still finds no slot
 * stays resident, and the others go.  Returns the number paged out (0 when
 * the write failed: the pages stay resident, section pages unmapped from their views).
 */
static unsigned page_out(struct victim *vs, unsigned n)
{
	uint64_t slots[EVICT_BATCH], phys[EVICT_BATCH];
	unsigned nw = 0, i, want = 0;
	for (i = 0; i < n; i++)
		want += needs_slot(&vs[i]);
	if (want > pagefile_free_slots())
		swap_cache_reclaim(want - pagefile_free_slots());	/* before any victim takes a cached slot */
	unsigned m = 0;
	for (i = 0; i < n; i++) {
		struct victim *x = &vs[m];
		*x = vs[i];
		if (!needs_slot(x)) {
			x->slot = frame_get(x->phys)->swap_slot - 1;
			m++;
			continue;
		}
		uint64_t s = swap_slot_new();
		if (s == PAGEFILE_NO_SLOT)
			continue;	/* stays resident; the cached victims still go */
		x->slot = s;
		slots[nw] = s;
		phys[nw++] = x->phys;
		if (!x->sec) {
			swap_cache_add(x->phys, s);
			x->cached = true;
		} else
			swap_slot_ref(s);	/* held by the batch until the section takes it */
		m++;
	}
	n = m;
	unmap_victims(vs, n);
	if (nw && pagefile_transfer(slots, phys, nw, true) != STATUS_SUCCESS) {
		for (i = 0; i < n; i++) {	/* nothing is paged out: the frames stay where they are */
			if (vs[i].sec) {
				swap_slot_unref(vs[i].slot);	/* its views map it again from the section */
				continue;
			}
			*vs[i].pte = vs[i].old;
			if (vs[i].cached)
				swap_cache_drop(vs[i].phys);
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct victim *x = &vs[i];
		if (x->sec) {
			*section_entry(x->sec, x->index) = swap_entry(x->slot);	/* the batch's reference moves here */
			frame_unref(x->phys);
			continue;
		}
		swap_slot_ref(x->slot);	/* its entry holds the slot since unmap_victim */
		user_frame_put(x->phys);
	}
	return n;
}

/* One batch from the clock: address spaces in turn, then sections. */
static unsigned evict_batch(void)
{
	struct victim vs[EVICT_BATCH];
	unsigned n = 0;
	discarded = 0;
	/* A second pass only when the first found nothing (it cleared accessed bits): never a page twice. */
	for (int pass = 0; pass < 2 && n == 0 && discarded == 0; pass++) {
		scan_left = EVICT_SCAN;
		struct vm_space *start = space_hand ? space_hand : spaces;
		for (struct vm_space *vm = start; vm && n < EVICT_BATCH;) {
			bool wrapped;
			n += scan_space(vm, vs + n, EVICT_BATCH - n, false, &wrapped);
			space_hand = vm;
			if (!wrapped)
				break;
			vm = vm->evict_next ? vm->evict_next : spaces;
			space_hand = vm;
			if (vm == start)
				break;
		}
		bool wrapped;
		if (n < EVICT_BATCH)
			n += scan_sections(vs + n, EVICT_BATCH - n, &wrapped);
	}
	return (n ? page_out(vs, n) : 0) + discarded;
}

bool vm_balance_needed(void)
{
	return frame_free_count() < EVICT_LOW;
}

void vm_balance(void)
{
	if (frame_free_count() >= EVICT_LOW)
		return;
	/* The file cache's clock and the processes' clock take turns, a batch each. */
	while (frame_free_count() < EVICT_HIGH) {
		uint64_t got = pagecache_evict(EVICT_BATCH);
		if (frame_free_count() < EVICT_HIGH && swap_slots_total())
			got += evict_batch();
		if (!got)
			break;	/* nothing left to page out, or the pagefile is full */
	}
}

uint64_t vm_reclaim(void)
{
	/* As vm_balance, but whatever the watermark: the caller's allocation failed. */
	uint64_t total = 0;
	while (frame_free_count() < EVICT_HIGH) {
		uint64_t got = pagecache_evict(EVICT_BATCH);
		if (frame_free_count() < EVICT_HIGH && swap_slots_total())
			got += evict_batch();
		if (!got)
			break;
		total += got;
	}
	return total;
}

uint64_t vm_evict_all(struct vm_space *vm)
{
	struct victim vs[EVICT_BATCH];
	uint64_t total = 0;
	if (!swap_slots_total())
		return 0;
	uint64_t saved = vm->evict_hand;
	for (;;) {
		bool wrapped;
		vm->evict_hand = 0;
		scan_left = UINT64_MAX;	/* everything: the caller asked for it */
		unsigned n = scan_space(vm, vs, EVICT_BATCH, true, &wrapped);
		unsigned done = n ? page_out(vs, n) : 0;
		total += done;
		if (done < EVICT_BATCH)
			break;
	}
	vm->evict_hand = saved;
	return total;
}
