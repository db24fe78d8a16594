/*
 * mm/vm_split.c - NtFreeVirtualMemory(MEM_RELEASE) of part of a private
 * allocation (spec 19.2.2): the pages [start, end) go back to free and what
 * is left of the allocation below and above them becomes one or two
 * separate allocations, each with its own AllocationBase (its first page),
 * released on its own later.  As Windows, an AWE region, a large-page
 * allocation and a write-watched one are never split or chopped
 * (STATUS_FREE_VM_NOT_AT_BASE); views are refused before this
 * (STATUS_UNABLE_TO_DELETE_SECTION_OR_VIEW), a range past the allocation's
 * end too (STATUS_UNABLE_TO_FREE_VM).  The parts keep the flags (a stack, a
 * placeholder's replacement), the pages' state and protection, the
 * VirtualLock and MEM_RESET state of their pages; the released pages lose
 * theirs, their frames, pagefile slots and commit charge.
 */
#include "vm_ext.h"
#include "kheap.h"
#include "lock.h"
#include "paging.h"
#include "ptcharge.h"

#include <string.h>

/*
 * A copy of pages [first, first + pages) of the maps bitmaps (each of
 * bitmap_words(src_pages) words, back to back) at *dst, or NULL when src is.
 * -1 when out of memory.
 */
static int slice_bits(uint64_t **dst, const uint64_t *src, uint64_t src_pages, uint64_t first, uint64_t pages,
		      unsigned maps)
{
	*dst = NULL;
	if (!src)
		return 0;
	uint64_t sw = bitmap_words(src_pages), dw = bitmap_words(pages);
	uint64_t *b = kmalloc(maps * dw * sizeof(uint64_t));
	if (!b)
		return -1;
	memset(b, 0, maps * dw * sizeof(uint64_t));
	for (unsigned m = 0; m < maps; m++)
		for (uint64_t i = 0; i < pages; i++)
			if (bit_test(src + m * sw, first + i))
				bit_set(b + m * dw, i);
	*dst = b;
	return 0;
}

/* The part [s, e) of v as a VAD of its own, with its pages' lock and reset bits; NULL when out of memory. */
static struct vad *part_new(const struct vad *v, uint64_t s, uint64_t e)
{
	struct vad *p = vad_slice(v, s, e);
	if (!p)
		return NULL;
	uint64_t first = (s - v->start) / PAGE_SIZE, pages = (e - s) / PAGE_SIZE;
	if (slice_bits(&p->lock_bits, v->lock_bits, vad_pages(v), first, pages, 1) ||
	    slice_bits(&p->reset_bits, v->reset_bits, vad_pages(v), first, pages, 2)) {
		vad_delete(p);	/* frees what was made */
		return NULL;
	}
	return p;
}

ntstatus_t vm_release_part(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end)
{
	lock_assert_held(&vm->lock);
	if (v->flags & (VAD_LARGE | VAD_PHYSICAL | VAD_WRITE_WATCH))
		return STATUS_FREE_VM_NOT_AT_BASE;	/* never split or chopped */
	/* Everything that can fail first: the parts. */
	struct vad *lo = NULL, *hi = NULL;
	if (start > v->start && !(lo = part_new(v, v->start, start)))
		return STATUS_INSUFFICIENT_RESOURCES;
	if (end < v->end && !(hi = part_new(v, end, v->end))) {
		vad_delete(lo);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	lock_forget(vm, v, start, end);	/* releasing unlocks */
	for (const struct vad_run *r = vad_run_at(v, start); r && r->start < end; r = vad_run_next(v, r))
		if (r->state == W_MEM_COMMIT)
			vm_drop_entries(vm, r->start > start ? r->start : start, r->end < end ? r->end : end);
	vm_uncharge(vm, vm_committed_pages(v, start, end));
	vad_remove(&vm->tree, v);
	vad_delete(v);
	if (lo)
		vad_insert(&vm->tree, lo);
	if (hi)
		vad_insert(&vm->tree, hi);
	pt_prune(vm->root, start, end - start);	/* page tables nothing else uses any more */
	ptc_release(vm, start, end);	/* and their charge (the parts' footprint stays charged) */
	return STATUS_SUCCESS;
}
