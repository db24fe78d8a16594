/*
 * mm/large.c - MEM_LARGE_PAGES: private memory mapped by 2 MiB entries.
 *
 * A large-page reservation (VAD_LARGE) is reserved and committed in one call,
 * every 2 MiB page gets an order-9 zeroed frame and a PDE with PTE_PS and the
 * PAT bit at 12 (pat_pte_bits(.., true)) at once, and the whole size is
 * charged.  It is released whole; it cannot be decommitted; VirtualProtect
 * applies to whole 2 MiB pages only; PAGE_GUARD and PAGE_NOACCESS are refused
 * (a large page is always accessible, as on Windows).
 */
#include "tlb.h"
#include "vm_ext.h"
#include "frame.h"
#include "kheap.h"
#include "lock.h"
#include "pat.h"
#include "paging.h"
#include "prot.h"
#include "ptcharge.h"
#include "kernel/layout.h"

#define USER_END (USER_MAX_ADDR + 1)

/* The 2 MiB entry flags for protect (without PTE_PS, which pt_map_large adds). */
static uint64_t large_flags(uint32_t protect)
{
	return (prot_pte_flags(protect) & ~PTE_CACHE_4K) | pat_pte_bits(prot_cache(protect), true);
}

static bool large_prot_ok(uint32_t protect)
{
	return !(protect & W_PAGE_GUARD) && (protect & 0xff) != W_PAGE_NOACCESS;
}

ntstatus_t large_allocate(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect)
{
	uint64_t addr = *base, len = *size;
	if ((len & (PAGE_2M - 1)) || (addr & (PAGE_2M - 1)))
		return STATUS_INVALID_PARAMETER;
	if (!large_prot_ok(protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	uint64_t start = addr;
	if (start == 0) {
		start = vad_find_gap(&vm->tree, len, PAGE_2M, USER_MIN_ADDR, USER_END, type & W_MEM_TOP_DOWN);
		if (!start)
			return STATUS_NO_MEMORY;
	} else if (!vad_range_free(&vm->tree, start, start + len)) {
		return STATUS_CONFLICTING_ADDRESSES;
	}
	uint64_t end = start + len, n = len / PAGE_2M;

	/* Phase 1: everything that can fail, undone on failure. */
	struct vad *v = vad_new(start, end, W_MEM_RESERVE, 0, protect, W_MEM_PRIVATE);
	uint64_t *frames = kmalloc(n * sizeof(uint64_t));
	ntstatus_t st = STATUS_SUCCESS;
	uint64_t got = 0, mapped = 0;
	if (!v || !frames) {
		st = STATUS_NO_MEMORY;
		goto undo;
	}
	if (!vm_charge(vm, len / PAGE_SIZE)) {
		st = STATUS_COMMITMENT_LIMIT;
		goto undo;
	}
	if ((st = ptc_charge(vm, start, end))) {	/* its page directories (mm/ptcharge.h) */
		vm_uncharge(vm, len / PAGE_SIZE);
		goto undo;
	}
	if (!pin_charge(vm, len / PAGE_SIZE)) {	/* the pinned-memory bounds (mm/lock.h) */
		ptc_release(vm, start, end);
		vm_uncharge(vm, len / PAGE_SIZE);
		st = STATUS_INSUFFICIENT_RESOURCES;	/* ERROR_NO_SYSTEM_RESOURCES */
		goto undo;
	}
	for (; got < n; got++) {
		frames[got] = frame_alloc_zeroed(9, FRAME_USER);
		if (!frames[got]) {
			st = STATUS_INSUFFICIENT_RESOURCES;	/* no contiguous 2 MiB block: ERROR_NO_SYSTEM_RESOURCES */
			goto uncharge;
		}
	}
	uint64_t flags = large_flags(protect);
	for (; mapped < n; mapped++) {
		if (pt_map_large(vm->root, start + mapped * PAGE_2M, frames[mapped], flags)) {
			st = STATUS_INSUFFICIENT_RESOURCES;	/* no page-table page */
			goto uncharge;
		}
	}

	/* Phase 2: cannot fail. */
	v->flags |= VAD_LARGE;
	vad_runs_set(v, start, end, W_MEM_COMMIT, protect);	/* one run: needs no memory */
	vad_insert(&vm->tree, v);
	kfree(frames);
	*base = start;
	*size = len;
	return STATUS_SUCCESS;

uncharge:
	while (mapped)
		pt_unmap_large(vm->root, start + --mapped * PAGE_2M);
	while (got)
		frame_free(frames[--got], 9);
	pin_uncharge(vm, len / PAGE_SIZE);
	ptc_release(vm, start, end);	/* after the unmaps: the tables are pruned */
	vm_uncharge(vm, len / PAGE_SIZE);
undo:
	kfree(frames);
	vad_delete(v);
	return st;
}

void large_release(struct vm_space *vm, struct vad *v)
{
	if (!(v->flags & VAD_LARGE))
		return;
	for (uint64_t va = v->start; va < v->end; va += PAGE_2M) {
		pte_t old = pt_unmap_large(vm->root, va);
		if (old & PTE_P) {
			frame_free(old & PTE_ADDR_2M, 9);
			pin_uncharge(vm, PAGE_2M / PAGE_SIZE);	/* each mapped 2 MiB page was pinned (fork: fork_large) */
		}
	}
}

static void set_large_flags(uint64_t va, pte_t *pte, uint64_t size, void *ctx)
{
	(void)va;
	if (size == PAGE_2M)
		*pte = (*pte & (PTE_ADDR_2M | PTE_A | PTE_D)) | PTE_PS | *(const uint64_t *)ctx;
}

ntstatus_t large_protect(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, uint32_t protect)
{
	(void)v;
	if ((start | end) & (PAGE_2M - 1))
		return STATUS_INVALID_PARAMETER;	/* only whole 2 MiB pages */
	if (!large_prot_ok(protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	uint64_t flags = large_flags(protect);
	pt_for_each(vm->root, start, end - start, set_large_flags, &flags);
	tlb_shootdown(vm->root, start, end - start);
	return STATUS_SUCCESS;
}
