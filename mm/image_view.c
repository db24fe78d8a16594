/* mm/image_view.c - the loader's reads and writes through a process's view of an image, and vm_poke. */
#include "tlb.h"
#include "image_internal.h"
#include "frame.h"
#include "paging.h"
#include "phys.h"
#include "prot.h"
#include "section.h"
#include "swap.h"
#include "vm_ext.h"
#include "kernel/layout.h"

#include <string.h>

#define USER_END    (USER_MAX_ADDR + 1)

/* ---- a process's view of an image ---- */

/* Make page of view v resident in vm and return its entry (a frame attached), or NULL. */
static pte_t *view_resident(struct vm_space *vm, struct vad *v, uint64_t page)
{
	pte_t *pte = pt_walk(vm->root, page, true);
	if (!pte)
		return NULL;
	uint32_t prot = vad_run_at(v, page)->protect;
	if ((*pte & PTE_SW_SWAP) && swap_in(vm, v, page, pte, prot) != VM_FAULT_RESOLVED)
		return NULL;
	if (!(*pte & (PTE_P | PTE_SW_FRAME)) && view_fault(vm, v, page, pte, prot, VM_ACCESS_READ, NULL) != VM_FAULT_RESOLVED)
		return NULL;
	return pte;
}

/* Give page of view v a private frame of its own (a copy of what it maps), keeping its protection. */
static uint8_t *view_private(struct vm_space *vm, struct vad *v, uint64_t page)
{
	pte_t *pte = view_resident(vm, v, page);
	if (!pte)
		return NULL;
	uint64_t phys = *pte & PTE_ADDR;
	struct frame *f = frame_get(phys);
	uint64_t flags = prot_pte_flags(vad_run_at(v, page)->protect) | PTE_A | PTE_D;
	if (f->owner == FRAME_SECTION || f->refcount > 1) {
		uint64_t copy = vm_page_frame(vm, FRAME_USER, false);
		if (!copy)
			return NULL;
		page_copy(phys_to_virt(copy), phys_to_virt(phys));
		if (f->owner != FRAME_SECTION)
			user_frame_put(phys);
		vad_view_private(v, page);
		phys = copy;
	} else {
		swap_cache_drop(phys);	/* its bytes are about to change */
	}
	*pte = phys | flags;
	tlb_shootdown_page(vm->root, page);
	return phys_to_virt(phys);
}

/* Read (or, privately, write) len bytes of view v at va. */
ntstatus_t view_rw(struct vm_space *vm, struct vad *v, uint64_t va, void *buf, uint64_t len, bool write)
{
	uint8_t *b = buf;
	while (len) {
		uint64_t page = va & ~(PAGE_SIZE - 1), in = va - page, n = PAGE_SIZE - in < len ? PAGE_SIZE - in : len;
		uint8_t *p;
		if (write) {
			p = view_private(vm, v, page);
		} else {
			pte_t *pte = view_resident(vm, v, page);
			p = pte ? phys_to_virt(*pte & PTE_ADDR) : NULL;
		}
		if (!p)
			return STATUS_NO_MEMORY;
		if (write)
			memcpy(p + in, b, n);
		else
			memcpy(b, p + in, n);
		va += n, b += n, len -= n;
	}
	return STATUS_SUCCESS;
}

ntstatus_t vm_poke(struct vm_space *vm, uint64_t va, const void *src, uint64_t len)
{
	const uint8_t *b = src;
	while (len) {
		uint64_t page = va & ~(PAGE_SIZE - 1), in = va - page, n = PAGE_SIZE - in < len ? PAGE_SIZE - in : len;
		struct vad *v = va < USER_END ? vad_find(&vm->tree, page) : NULL;
		if (!v)
			return STATUS_ACCESS_VIOLATION;
		uint8_t *p = NULL;
		if (v->section) {
			p = view_private(vm, v, page);
		} else if (vm_fault(vm, page, VM_ACCESS_WRITE) == VM_FAULT_RESOLVED) {
			pte_t *pte = pt_walk(vm->root, page, false);
			if (pte && (*pte & PTE_P) && (*pte & PTE_W))
				p = phys_to_virt(*pte & PTE_ADDR);
		}
		if (!p)
			return STATUS_ACCESS_VIOLATION;
		memcpy(p + in, b, n);
		va += n, b += n, len -= n;
	}
	return STATUS_SUCCESS;
}

