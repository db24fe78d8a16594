/*
 * mm/reset.c - MEM_RESET and MEM_RESET_UNDO, and the reclaim of reset pages.
 *
 * MEM_RESET works like Linux's MADV_FREE: the pages keep their frames, state
 * and protection; each committed page is marked reset and its PTE's dirty bit
 * is cleared (recorded first for write watch).  Under memory pressure
 * vm_reclaim_reset frees the frames of reset pages still clean: a later touch
 * reads zero and the page is marked lost.  A page written after its reset
 * (D set again) is live data and leaves the reset state.  MEM_RESET_UNDO
 * clears the reset state and fails when any page of the range was lost.
 *
 * Per VAD: v->reset_bits holds two bitmaps of 1 bit per page, [0, words) the
 * reset pages and [words, 2 * words) the lost ones, allocated on first reset.
 */
#include "tlb.h"
#include "vm_ext.h"
#include "frame.h"
#include "kheap.h"
#include "paging.h"
#include "prot.h"
#include "swap.h"

static uint64_t *lost_bits(const struct vad *v)
{
	return v->reset_bits + bitmap_words(vad_pages(v));
}

void reset_forget(struct vad *v, uint64_t start, uint64_t end)
{
	if (!v->reset_bits)
		return;
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t i = (va - v->start) / PAGE_SIZE;
		bit_clear(v->reset_bits, i);
		bit_clear(lost_bits(v), i);
	}
}

/* Mark the committed pages of [start, end) reset and clean; one TLB flush batch. */
static void reset_range(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end)
{
	uint64_t lo = 0, hi = 0;
	for (const struct vad_run *run = vad_run_at(v, start); run && run->start < end; run = vad_run_next(v, run)) {
		if (run->state != W_MEM_COMMIT || run->end <= start)
			continue;
		uint64_t s = run->start > start ? run->start : start, e = run->end < end ? run->end : end;
		for (uint64_t va = s; va < e; va += PAGE_SIZE) {
			uint64_t i = (va - v->start) / PAGE_SIZE;
			bit_set(v->reset_bits, i);
			bit_clear(lost_bits(v), i);
			pte_t *pte = pt_walk(vm->root, va, false);
			if (!pte || !(*pte & (PTE_P | PTE_SW_FRAME)) || !(*pte & PTE_D))
				continue;
			watch_note_pte(v, va, *pte);	/* the write before the reset still counts */
			*pte &= ~PTE_D;
			if (!hi)
				lo = va;
			hi = va + PAGE_SIZE;
		}
	}
	if (hi)
		tlb_shootdown(vm->root, lo, hi - lo);
}

ntstatus_t vm_reset(struct vm_space *vm, uint64_t *base, uint64_t *size, bool undo)
{
	uint64_t addr = *base, len = *size;
	if (addr == 0)
		return STATUS_INVALID_PARAMETER;	/* a reset names existing memory */
	uint64_t start = addr & ~(PAGE_SIZE - 1), end = (addr + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	struct vad *v = vad_find(&vm->tree, start);
	if (!v)
		return STATUS_MEMORY_NOT_ALLOCATED;
	if (end > v->end || (v->type != W_MEM_PRIVATE && !v->section))
		return STATUS_CONFLICTING_ADDRESSES;
	if (v->section) {
		/*
		 * Pagefile-backed views accept MEM_RESET and MEM_RESET_UNDO (spec
		 * 6.3.4).  Their pages belong to the section and every view of it, so
		 * none is discarded: the contents stay, which "undefined, old or
		 * zero" allows, and an undo always succeeds.
		 */
		*base = start;
		*size = end - start;
		return STATUS_SUCCESS;
	}
	bool lost = false;
	if (v->flags & VAD_LARGE) {
		/* large pages are never reclaimed: reset and undo change nothing */
	} else if (!undo) {
		if (!v->reset_bits) {
			v->reset_bits = kmalloc(2 * bitmap_words(vad_pages(v)) * sizeof(uint64_t));
			if (!v->reset_bits)
				return STATUS_NO_MEMORY;
		}
		reset_range(vm, v, start, end);
	} else if (v->reset_bits) {
		for (uint64_t va = start; va < end; va += PAGE_SIZE) {
			uint64_t i = (va - v->start) / PAGE_SIZE;
			lost |= bit_test(lost_bits(v), i);
			bit_clear(v->reset_bits, i);
			bit_clear(lost_bits(v), i);
		}
	}
	if (lost)
		return STATUS_CONFLICTING_ADDRESSES;
	*base = start;
	*size = end - start;
	return STATUS_SUCCESS;
}

/*
 * Pages whose entries reclaim_pages cleared, waiting for the shootdown that
 * makes every CPU forget them: only then is a racing write visible in the
 * old entry's D bit, and only then may the frame go (mm/tlb.h).
 */
struct reclaim_batch {
	unsigned n;
	uint64_t lo, hi;
	uint64_t va[32];
	pte_t *pte[32], old[32];
};

/* Shoot the batch's range down, then drop each clean page (lost) or put back one written meanwhile (live). */
static uint64_t reclaim_flush(struct vm_space *vm, struct vad *v, struct reclaim_batch *b)
{
	uint64_t freed = 0;
	if (!b->n)
		return 0;
	tlb_shootdown(vm->root, b->lo, b->hi - b->lo);
	for (unsigned k = 0; k < b->n; k++) {
		uint64_t i = (b->va[k] - v->start) / PAGE_SIZE;
		if (b->old[k] & PTE_D) {
			*b->pte[k] = b->old[k];	/* written since the reset: live data */
			bit_clear(v->reset_bits, i);
			continue;
		}
		freed += user_frame_put(b->old[k] & PTE_ADDR);	/* a frame still shared with a forked process stays theirs */
		bit_set(lost_bits(v), i);
	}
	b->n = 0;
	return freed;
}

/* vm_reclaim_reset over pages [first, last) of v: the frames freed. */
static uint64_t reclaim_pages(struct vm_space *vm, struct vad *v, uint64_t first, uint64_t last)
{
	struct reclaim_batch b = { 0 };
	uint64_t freed = 0;
	for (uint64_t i = first; i < last; i++) {
		if (!bit_test(v->reset_bits, i) || bit_test(lost_bits(v), i))
			continue;
		uint64_t va = v->start + i * PAGE_SIZE;
		pte_t *pte = pt_walk(vm->root, va, false);
		if (!pte || !(*pte & (PTE_P | PTE_SW_FRAME)))
			continue;	/* no frame: it reads zero either way */
		if (*pte & PTE_D) {
			bit_clear(v->reset_bits, i);	/* written since the reset: live data */
			continue;
		}
		if (!b.n)
			b.lo = va;
		b.hi = va + PAGE_SIZE;
		b.va[b.n] = va;
		b.pte[b.n] = pte;
		b.old[b.n++] = __atomic_exchange_n(pte, 0, __ATOMIC_SEQ_CST);
		if (b.n == sizeof(b.va) / sizeof(b.va[0]))
			freed += reclaim_flush(vm, v, &b);
	}
	return freed + reclaim_flush(vm, v, &b);
}

bool reset_discard_page(struct vm_space *vm, struct vad *v, uint64_t va, uint64_t *pte)
{
	uint64_t i = (va - v->start) / PAGE_SIZE;
	if (!v->reset_bits || !bit_test(v->reset_bits, i) || bit_test(lost_bits(v), i))
		return false;
	/* Cleared first, then forgotten by every CPU: a write racing with this shows in the old entry's D bit. */
	pte_t e = __atomic_exchange_n(pte, 0, __ATOMIC_SEQ_CST);
	tlb_shootdown_page(vm->root, va);
	if (e & PTE_D) {
		*pte = e;	/* written since the offer: live data, paged out as any page */
		bit_clear(v->reset_bits, i);
		return false;
	}
	user_frame_put(e & PTE_ADDR);
	bit_set(lost_bits(v), i);
	return true;
}

uint64_t vm_reclaim_reset(struct vm_space *vm)
{
	uint64_t freed = 0;
	for (struct vad *v = vad_first(&vm->tree); v; v = vad_next(v))
		if (v->reset_bits)
			freed += reclaim_pages(vm, v, 0, vad_pages(v));
	return freed;
}

uint64_t vm_reclaim_reset_range(struct vm_space *vm, uint64_t start, uint64_t end)
{
	struct vad *v = vad_find(&vm->tree, start);
	if (!v || !v->reset_bits || end > v->end)
		return 0;
	return reclaim_pages(vm, v, (start - v->start) / PAGE_SIZE, (end - v->start) / PAGE_SIZE);
}
