/*
 * mm/procmem.c - copies into and out of another address space through its
 * frames, under its lock (mm/procmem.h), its working set, and the prefetch
 * and discard of its pages.  Nothing here loads the target's
 * page table: the frames are reached through the direct map.
 */
#include "procmem.h"
#include "frame.h"
#include "paging.h"
#include "phys.h"
#include "prot.h"
#include "section.h"
#include "vm_ext.h"
#include "kernel/layout.h"

#include <string.h>

#define STATUS_INVALID_ADDRESS_PM ((ntstatus_t)0xC0000141)

/*
 * The physical address of page `page` of vm, present and (write) writable,
 * faulting it in as the target's access would; false when the page cannot
 * be accessed that way.  vm->lock held.
 */
static bool page_frame(struct vm_space *vm, uint64_t page, bool write, uint64_t *phys)
{
	for (int tries = 0; tries < 3; tries++) {
		struct vad *v = vad_find(&vm->tree, page);
		if (!v)
			return false;
		const struct vad_run *r = vad_run_at(v, page);
		if (v->section ? !view_committed(v, page) : r->state != W_MEM_COMMIT)
			return false;
		uint32_t prot = r->protect;
		if ((prot & W_PAGE_GUARD) || !prot_readable(prot) || (write && !prot_writable(prot)))
			return false;
		uint64_t size;
		pte_t e = pt_query(vm->root, page, &size);
		if (size == PAGE_2M) {	/* large pages are mapped at allocation and never paged */
			if (write && !(e & PTE_W))
				return false;
			*phys = (e & PTE_ADDR_2M) + (page & (PAGE_2M - 1));
			return true;
		}
		if (size == PAGE_SIZE && (!write || (e & PTE_W))) {
			pte_t *p = pt_walk(vm->root, page, false);
			*p |= PTE_A | (write ? PTE_D : 0);	/* D: the write watch and page-out see the write */
			*phys = e & PTE_ADDR;
			return true;
		}
		if (v->flags & VAD_PHYSICAL)	/* AWE: only MapUserPhysicalPages maps these */
			return false;
		if (vm_fault_locked(vm, page, write ? VM_ACCESS_WRITE : VM_ACCESS_READ) != VM_FAULT_RESOLVED)
			return false;
	}
	return false;
}

uint64_t vm_copy(struct vm_space *vm, uint64_t addr, void *kbuf, uint64_t len, bool write, bool *gone)
{
	uint64_t done = 0;
	kmutex_lock(&vm->lock);
	*gone = vm->root == 0;
	while (!*gone && done < len) {
		uint64_t va = addr + done, page = va & ~(PAGE_SIZE - 1), off = va - page;
		uint64_t n = PAGE_SIZE - off < len - done ? PAGE_SIZE - off : len - done;
		uint64_t phys;
		if (!page_frame(vm, page, write, &phys))
			break;
		char *frame = phys_to_virt(phys);
		if (write)
			memcpy(frame + off, (char *)kbuf + done, n);
		else
			memcpy((char *)kbuf + done, frame + off, n);
		done += n;
	}
	kmutex_unlock(&vm->lock);
	return done;
}

/* Count resident pages of [va, end): present leaves and frames kept behind no-access entries. */
static uint64_t resident_pages(struct vm_space *vm, uint64_t va, uint64_t end)
{
	uint64_t n = 0;
	while (va < end) {
		uint64_t size;
		pt_query(vm->root, va, &size);
		if (size == PAGE_2M) {
			uint64_t next = (va & ~(PAGE_2M - 1)) + PAGE_2M;
			next = next < end ? next : end;
			n += (next - va) / PAGE_SIZE;
			va = next;
			continue;
		}
		pte_t *p = size ? NULL : pt_walk(vm->root, va, false);
		if (!size && !p) {	/* no page table: nothing up to the next 2 MiB */
			uint64_t next = (va & ~(PAGE_2M - 1)) + PAGE_2M;
			va = next < end ? next : end;
			continue;
		}
		if (size || (*p & PTE_SW_FRAME))
			n++;
		va += PAGE_SIZE;
	}
	return n;
}

void vm_counters(struct vm_space *vm, struct vm_counters *out)
{
	*out = (struct vm_counters){ 0 };
	kmutex_lock(&vm->lock);
	if (vm->root) {
		for (const struct vad *v = vad_first(&vm->tree); v; v = vad_next(v)) {
			out->virtual_bytes += v->end - v->start;
			out->ws += resident_pages(vm, v->start, v->end);
		}
	}
	if (out->ws > vm->peak_ws)
		vm->peak_ws = out->ws;
	if (out->virtual_bytes > vm->peak_virtual)
		vm->peak_virtual = out->virtual_bytes;
	out->peak_ws = vm->peak_ws;
	out->peak_virtual = vm->peak_virtual;
	out->charge = vm->charge;
	out->peak_charge = vm->peak_charge;
	out->faults = vm->faults;
	kmutex_unlock(&vm->lock);
}

uint64_t vm_working_set_ex(struct vm_space *vm, uint64_t va)
{
	uint64_t page = va & ~(PAGE_SIZE - 1), block = 0;
	kmutex_lock(&vm->lock);
	struct vad *v = vm->root ? vad_find(&vm->tree, page) : NULL;
	uint64_t size = 0;
	pte_t e = v ? pt_query(vm->root, page, &size) : 0;
	if (size) {
		uint64_t phys = size == PAGE_2M ? (e & PTE_ADDR_2M) + (page & (PAGE_2M - 1)) : e & PTE_ADDR;
		const struct frame *f = frame_get(size == PAGE_2M ? e & PTE_ADDR_2M : phys);
		uint64_t refs = f ? f->refcount : 1;
		bool shared = (f && f->owner == FRAME_SECTION) || refs > 1;
		uint32_t prot = vad_run_at(v, page)->protect;
		block = 1 | (refs > 7 ? 7 : refs) << 1 | (uint64_t)(prot & 0x7ff) << 4 | (uint64_t)shared << 15;
		if (vm_page_locked(v, page))
			block |= 1ULL << 22;
		if (size == PAGE_2M)
			block |= 1ULL << 23;
	}
	kmutex_unlock(&vm->lock);
	return block;
}

uint64_t vm_prefetch(struct vm_space *vm, uint64_t start, uint64_t end)
{
	uint64_t brought = 0;
	for (uint64_t page = start; page < end; page += PAGE_SIZE) {
		kmutex_lock(&vm->lock);	/* per page: a page-in may wait for the disk */
		uint64_t size = 0, phys;
		if (vm->root)
			pt_query(vm->root, page, &size);
		if (vm->root && !size && page_frame(vm, page, false, &phys))
			brought++;
		bool gone = !vm->root;
		kmutex_unlock(&vm->lock);
		if (gone)
			break;
	}
	return brought;
}

ntstatus_t vm_discard(struct vm_space *vm, uint64_t start, uint64_t end)
{
	uint64_t base = start, size = end - start;
	kmutex_lock(&vm->lock);
	ntstatus_t st = vm->root ? vm_reset(vm, &base, &size, false) : STATUS_INVALID_PARAMETER;
	if (!st)
		vm_reclaim_reset_range(vm, base, base + size);
	kmutex_unlock(&vm->lock);
	return st;
}

ntstatus_t vm_region_info(struct vm_space *vm, uint64_t addr, struct vm_region_info *out, struct section **file)
{
	if (file)
		*file = NULL;
	if (addr > USER_MAX_ADDR)
		return STATUS_INVALID_PARAMETER;
	kmutex_lock(&vm->lock);
	struct vad *v = vm->root ? vad_find(&vm->tree, addr & ~(PAGE_SIZE - 1)) : NULL;
	if (!v || (v->flags & VAD_PLACEHOLDER)) {
		kmutex_unlock(&vm->lock);
		return STATUS_INVALID_ADDRESS_PM;
	}
	*out = (struct vm_region_info){ .base = v->start, .alloc_protect = v->alloc_protect, .size = v->end - v->start };
	if (v->type == W_MEM_IMAGE)
		out->type = VM_REGION_MAPPED_IMAGE;
	else if (v->section)
		out->type = v->section->file ? VM_REGION_MAPPED_FILE : VM_REGION_MAPPED_PAGEFILE;
	else
		out->type = VM_REGION_PRIVATE;
	if (v->section) {
		for (uint64_t va = v->start; va < v->end;) {	/* runs of one commit state */
			uint64_t end = view_commit_span(v, va, v->end);
			if (view_committed(v, va))
				out->commit += end - va;
			va = end;
		}
		if (file && (v->type == W_MEM_IMAGE ? v->section->image != NULL : v->section->file != NULL)) {
			obj_ref(&v->section->obj);
			*file = v->section;
		}
	} else {
		out->commit = vm_committed_pages(v, v->start, v->end) * PAGE_SIZE;
	}
	kmutex_unlock(&vm->lock);
	return STATUS_SUCCESS;
}
