/*
 * mm/vmmap.c - the kernel's view of one region for vmmap: how many of its
 * pages hold a frame, how many of those frames are shared, how many are dirty.
 * Read-only; page tables are reached through the walker (mm/paging.h) only.
 */
#include "vm.h"
#include "frame.h"
#include "paging.h"
#include "prot.h"

/* Count `pages` pages mapped by leaf entry e (frame at e & mask). */
static void count_leaf(struct vm_frames_info *out, pte_t e, uint64_t mask, uint64_t pages)
{
	out->resident += pages;
	if (e & PTE_D)
		out->dirty += pages;
	const struct frame *f = frame_get(e & mask);
	if (f && (f->refcount > 1 || f->owner == FRAME_SECTION))
		out->shared += pages;
}

ntstatus_t vm_query_frames(struct vm_space *vm, uint64_t addr, struct vm_frames_info *out)
{
	struct vm_basic_info basic;
	ntstatus_t st = vm_query(vm, addr, &basic);
	if (st)
		return st;
	*out = (struct vm_frames_info){ .base_address = basic.base_address, .region_size = basic.region_size };
	if (basic.state == W_MEM_FREE)
		return STATUS_SUCCESS;
	uint64_t va = basic.base_address, end = va + basic.region_size;
	while (va < end) {
		uint64_t size;
		pte_t e = pt_query(vm->root, va, &size);
		if (size > PAGE_SIZE) {	/* a large page: the part of it inside the region */
			uint64_t next = (va & ~(size - 1)) + size;
			next = next < end ? next : end;
			count_leaf(out, e, ~(size - 1) & PTE_ADDR, (next - va) / PAGE_SIZE);
			va = next;
			continue;
		}
		if (size == PAGE_SIZE) {
			count_leaf(out, e, PTE_ADDR, 1);
			va += PAGE_SIZE;
			continue;
		}
		/* Not present: a guard or no-access page may still hold its frame. */
		pte_t *p = pt_walk(vm->root, va, false);
		if (!p) {	/* no page table here: nothing mapped up to the next 2 MiB */
			uint64_t next = (va & ~(PAGE_2M - 1)) + PAGE_2M;
			va = next < end ? next : end;
			continue;
		}
		if (*p & PTE_SW_FRAME)
			count_leaf(out, *p, PTE_ADDR, 1);
		va += PAGE_SIZE;
	}
	return STATUS_SUCCESS;
}
