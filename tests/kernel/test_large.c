/*
 * tests/kernel/test_large.c - large pages, write watch and reset from inside:
 * the PDE of a large user mapping has PS, a 2 MiB-aligned frame and the PAT
 * bit at 12 for write-combining; no contiguous 2 MiB gives
 * STATUS_INSUFFICIENT_RESOURCES and changes nothing; reclaim of MEM_RESET pages.
 */
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pat.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/vm.h"

KTEST(large_pde_has_ps_and_pat12)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	struct vm_space vm;
	KT_EQ(vm_space_init(&vm), STATUS_SUCCESS);
	uint64_t base = 0, size = 2 * PAGE_2M;
	KT_EQ(vm_allocate(&vm, &base, &size, W_MEM_RESERVE | W_MEM_COMMIT | W_MEM_LARGE_PAGES,
			  W_PAGE_READWRITE | W_PAGE_WRITECOMBINE), STATUS_SUCCESS);
	KT_EQ(base & (PAGE_2M - 1), 0);
	for (uint64_t va = base; va < base + size; va += PAGE_2M) {
		uint64_t sz;
		pte_t e = pt_query(vm.root, va + 0x1234, &sz);
		KT_EQ(sz, PAGE_2M);
		KT_ASSERT(e & PTE_PS);
		KT_ASSERT(e & PTE_P);
		KT_ASSERT(e & PTE_U);
		KT_ASSERT(e & PTE_W);
		KT_ASSERT(e & PTE_NX);
		KT_EQ(e & PTE_ADDR & (PAGE_2M - 1) & ~(1ULL << 12), 0);	/* frame 2 MiB aligned */
		KT_ASSERT(e & (1ULL << 12));	/* WC is PAT entry 4: the PAT bit of a large entry */
		KT_EQ(pat_from_pte(e, true), CACHE_WC);
	}
	/* A protection change rewrites the PDE, keeping the cache type. */
	uint64_t pb = base + PAGE_2M, ps = PAGE_2M;
	uint32_t old;
	KT_EQ(vm_protect(&vm, &pb, &ps, W_PAGE_READONLY, &old), STATUS_SUCCESS);
	pte_t e = pt_query(vm.root, base + PAGE_2M, NULL);
	KT_ASSERT(!(e & PTE_W));
	KT_ASSERT(e & PTE_PS);
	KT_EQ(pat_from_pte(e, true), CACHE_WC);
	KT_EQ(vm_fault(&vm, base + 5, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	KT_EQ(vm_fault(&vm, base + PAGE_2M + 5, VM_ACCESS_WRITE), VM_FAULT_ACCESS_VIOLATION);
	vm_space_destroy(&vm);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}

KTEST(large_no_block_is_insufficient_resources)
{
	struct vm_space vm;
	KT_EQ(vm_space_init(&vm), STATUS_SUCCESS);
	struct frame_stats before, after;
	frame_stats(&before);
	/* Take every block of order 9 and above (as 2 MiB blocks). */
	static uint64_t held[1024];
	unsigned n = 0;
	uint64_t f;
	while (n < 1024 && (f = frame_alloc(9, FRAME_KERNEL)))
		held[n++] = f;
	KT_ASSERT(n < 1024);
	uint64_t base = 0, size = PAGE_2M;
	ntstatus_t st = vm_allocate(&vm, &base, &size, W_MEM_RESERVE | W_MEM_COMMIT | W_MEM_LARGE_PAGES, W_PAGE_READWRITE);
	while (n)
		frame_free(held[--n], 9);
	KT_EQ((uint32_t)st, (uint32_t)STATUS_INSUFFICIENT_RESOURCES);
	KT_EQ(vm.charge, 0);
	KT_EQ(vad_first(&vm.tree), NULL);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	vm_space_destroy(&vm);
}

KTEST(reset_pages_reclaimed_under_pressure)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	struct vm_space vm;
	KT_EQ(vm_space_init(&vm), STATUS_SUCCESS);
	uint64_t base = 0, size = 8 * PAGE_SIZE;
	KT_EQ(vm_allocate(&vm, &base, &size, W_MEM_RESERVE | W_MEM_COMMIT | W_MEM_WRITE_WATCH, W_PAGE_READWRITE),
	      STATUS_SUCCESS);
	for (int i = 0; i < 8; i++) {
		KT_EQ(vm_fault(&vm, base + i * PAGE_SIZE, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
		pte_t *pte = pt_walk(vm.root, base + i * PAGE_SIZE, false);
		*pte |= PTE_D;	/* as the CPU would on the write */
	}
	uint64_t b = base, s = 4 * PAGE_SIZE;
	KT_EQ(vm_allocate(&vm, &b, &s, W_MEM_RESET, W_PAGE_READWRITE), STATUS_SUCCESS);
	KT_ASSERT(!(pt_query(vm.root, base, NULL) & PTE_D));	/* reset pages are clean */
	/* Page 1 is written again after the reset: it stays. */
	*pt_walk(vm.root, base + PAGE_SIZE, false) |= PTE_D;
	KT_EQ(vm_reclaim_reset(&vm), 3);
	KT_EQ(pt_query(vm.root, base, NULL), 0);
	KT_ASSERT(pt_query(vm.root, base + PAGE_SIZE, NULL) & PTE_P);
	KT_ASSERT(pt_query(vm.root, base + 4 * PAGE_SIZE, NULL) & PTE_P);
	KT_EQ(vm_reclaim_reset(&vm), 0);
	/* The watch still reports every page written before the reset. */
	uint64_t count = 64;
	KT_EQ(vm_get_write_watch(&vm, 0, base, size, &count, NULL, NULL), STATUS_SUCCESS);
	KT_EQ(count, 8);
	/* Undo over a reclaimed page fails; over the kept one succeeds. */
	b = base + PAGE_SIZE, s = PAGE_SIZE;
	KT_EQ(vm_allocate(&vm, &b, &s, W_MEM_RESET_UNDO, W_PAGE_READWRITE), STATUS_SUCCESS);
	b = base, s = 4 * PAGE_SIZE;
	KT_EQ((uint32_t)vm_allocate(&vm, &b, &s, W_MEM_RESET_UNDO, W_PAGE_READWRITE),
	      (uint32_t)STATUS_CONFLICTING_ADDRESSES);
	/* The reclaimed page is demand-zero again and still committed. */
	KT_EQ(vm_fault(&vm, base, VM_ACCESS_READ), VM_FAULT_RESOLVED);
	KT_EQ(*(volatile uint64_t *)phys_to_virt(pt_query(vm.root, base, NULL) & PTE_ADDR), 0);
	vm_space_destroy(&vm);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}
