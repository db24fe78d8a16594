/*
 * mm/procmem.c - copies into and out of another address space through its
 * frames, under its lock (mm/procmem.h).  Nothing here loads the target's
 * page table: the frames are reached through the direct map.
 */
#include "procmem.h"
#include "frame.h"
#include "paging.h"
#include "phys.h"
#include "prot.h"
#include "section.h"
#include "vm_ext.h"

#include <string.h>

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
