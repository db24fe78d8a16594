/*
 * mm/cow.c - copy-on-write: the write fault on a shared frame, and sharing a
 * range's frames between two address spaces at fork.
 *
 * A frame mapped by several page tables (after fork) has a reference per
 * mapping in the frame database and is mapped read-only with PTE_SW_COW in
 * every one of them.  The first write through one of them copies the frame,
 * unless that mapping holds the last reference: then it writes in place.
 */
#include "tlb.h"
#include "vm_ext.h"
#include "frame.h"
#include "paging.h"
#include "phys.h"
#include "prot.h"
#include "swap.h"

#include <stddef.h>

enum vm_fault_result cow_write(struct vm_space *vm, struct vad *v, uint64_t page, uint64_t *pte, uint32_t prot)
{
	uint64_t phys = *pte & PTE_ADDR;
	const struct frame *f = frame_get(phys);
	uint32_t written = prot_after_copy(prot);
	if (written != prot && vad_runs_reserve(v))
		return VM_FAULT_NO_MEMORY;
	uint64_t target = phys;
	if (f->owner == FRAME_SECTION || f->refcount > 1) {
		target = vm_page_frame(vm, FRAME_USER, false);
		if (!target)
			return VM_FAULT_NO_MEMORY;	/* cannot happen: the commit charge covers every copy */
		page_copy(phys_to_virt(target), phys_to_virt(phys));
		if (f->owner != FRAME_SECTION)
			user_frame_put(phys);
		if (v->section)
			vad_view_private(v, page);
	} else {
		swap_cache_drop(phys);	/* taken over: its bytes are about to differ from any pagefile copy */
	}
	/* A and D as the write would set them (D counts for write watch). */
	*pte = target | prot_pte_flags(written) | PTE_A | PTE_D;
	if (written != prot)
		vad_runs_set(v, page, page + PAGE_SIZE, W_MEM_COMMIT, written);	/* its own region, spec 13.8 */
	tlb_shootdown_page(vm->root, page);
	return VM_FAULT_RESOLVED;
}

/* The child's own copy of the parent's page e (for the hot page, and past FRAME_REF_MAX sharers); 0 when out of memory. */
static pte_t copy_for_child(struct vm_space *child, pte_t e)
{
	uint64_t copy = vm_page_frame(child, FRAME_USER, false);
	if (!copy)
		return 0;
	page_copy(phys_to_virt(copy), phys_to_virt(e & PTE_ADDR));
	return copy | (e & ~PTE_ADDR);	/* A and D as the parent's: write watch reads them, the evictor does not */
}

ntstatus_t cow_share(struct vm_space *parent, struct vm_space *child, uint64_t start, uint64_t end, uint64_t hot)
{
	for (uint64_t va = start, next; va < end; va = next) {
		next = (va + PAGE_2M) & ~(PAGE_2M - 1);
		if (next > end)
			next = end;
		pte_t *src = pt_walk(parent->root, va, false);
		if (!src)
			continue;	/* no table: nothing resident in this 2 MiB */
		pte_t *dst = NULL;	/* the child's entry for va, once its leaf table exists */
		for (; va < next; va += PAGE_SIZE, src++, dst = dst ? dst + 1 : NULL) {
			pte_t e = *src;
			if (e & PTE_SW_SWAP) {	/* paged out: the child names the same slot */
				if (!dst && !(dst = pt_walk(child->root, va, true)))
					return STATUS_NO_MEMORY;
				swap_slot_ref(swap_entry_slot(e));
				*dst = e;
				continue;
			}
			if (!(e & (PTE_P | PTE_SW_FRAME)))
				continue;
			uint64_t phys = e & PTE_ADDR;
			struct frame *f = frame_get(phys);
			if (f->owner == FRAME_SECTION)
				continue;
			if (!dst && !(dst = pt_walk(child->root, va, true)))	/* one leaf table per 2 MiB */
				return STATUS_NO_MEMORY;
			if (va == hot && (e & PTE_W)) {	/* writable: this space's alone, and written next */
				if (!(*dst = copy_for_child(child, e)))
					return STATUS_NO_MEMORY;
				continue;
			}
			if (frame_ref_entry(f, phys)) {
				e = (e | PTE_SW_COW) & ~PTE_W;
				*src = e;
				*dst = e;
				continue;
			}
			/* 65535 sharers already: this child gets its own copy now (its first write takes it over). */
			if (!(*dst = copy_for_child(child, e & ~(PTE_SW_COW | PTE_W))))
				return STATUS_NO_MEMORY;
		}
	}
	return STATUS_SUCCESS;
}
