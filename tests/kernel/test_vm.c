/*
 * tests/kernel/test_vm.c - the VM layer seen from inside: cache types reach
 * the PTE through PAT, demand-zero takes a frame only on first touch, the
 * commit limit refuses and changes nothing, and a space's teardown returns
 * every frame.
 */
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pat.h"
#include "mm/paging.h"
#include "mm/vm.h"

KTEST(vm_cache_types_reach_the_pte)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	struct vm_space vm;
	KT_EQ(vm_space_init(&vm), STATUS_SUCCESS);
	const uint32_t prots[] = { W_PAGE_READWRITE, W_PAGE_READWRITE | W_PAGE_NOCACHE,
				   W_PAGE_READWRITE | W_PAGE_WRITECOMBINE, W_PAGE_READONLY | W_PAGE_WRITECOMBINE };
	const enum cache_type want[] = { CACHE_WB, CACHE_UC, CACHE_WC, CACHE_WC };
	for (int i = 0; i < 4; i++) {
		uint64_t base = 0, size = 0x3000;
		KT_EQ(vm_allocate(&vm, &base, &size, W_MEM_RESERVE | W_MEM_COMMIT, prots[i]), STATUS_SUCCESS);
		/* committed but untouched: no PTE yet */
		KT_EQ(pt_query(vm.root, base, NULL), 0);
		KT_EQ(vm_fault(&vm, base + 0x1000, VM_ACCESS_READ), VM_FAULT_RESOLVED);
		pte_t e = pt_query(vm.root, base + 0x1000, NULL);
		KT_ASSERT(e & PTE_P);
		KT_ASSERT(e & PTE_U);
		KT_ASSERT(e & PTE_NX);
		KT_EQ(pat_from_pte(e, false), want[i]);
		KT_EQ(!!(e & PTE_W), i < 3);
		/* A protection change keeps the cache type it was committed with. */
		uint32_t old;
		uint64_t pb = base, ps = 0x1000;
		KT_EQ(vm_protect(&vm, &pb, &ps, W_PAGE_READONLY, &old), STATUS_SUCCESS);
		KT_EQ(old, prots[i]);
		KT_EQ(pat_from_pte(pt_query(vm.root, base + 0x1000, NULL), false), want[i]);
		struct vm_basic_info info;
		KT_EQ(vm_query(&vm, base + 0x1000, &info), STATUS_SUCCESS);
		KT_EQ(info.protect, prots[i]);
		KT_EQ(info.allocation_protect, prots[i]);
	}
	vm_space_destroy(&vm);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}

KTEST(vm_commit_limit_refuses_and_changes_nothing)
{
	struct vm_commit_info saved;
	vm_commit_get(&saved);
	struct vm_space vm;
	KT_EQ(vm_space_init(&vm), STATUS_SUCCESS);
	vm_commit_init(saved.charged + 16 + 3);	/* room for 16 more pages and their PT, PD and PDPT (mm/ptcharge.h) */
	uint64_t base = 0, size = 64 * PAGE_SIZE;
	KT_EQ(vm_allocate(&vm, &base, &size, W_MEM_RESERVE, W_PAGE_READWRITE), STATUS_SUCCESS);
	uint64_t b = base, s = 17 * PAGE_SIZE;
	KT_EQ((uint32_t)vm_allocate(&vm, &b, &s, W_MEM_COMMIT, W_PAGE_READWRITE), (uint32_t)STATUS_COMMITMENT_LIMIT);
	struct vm_basic_info info;
	KT_EQ(vm_query(&vm, base, &info), STATUS_SUCCESS);
	KT_EQ(info.state, W_MEM_RESERVE);	/* nothing committed */
	KT_EQ(vm.charge, 0);
	b = base, s = 16 * PAGE_SIZE;
	KT_EQ(vm_allocate(&vm, &b, &s, W_MEM_COMMIT, W_PAGE_READWRITE), STATUS_SUCCESS);
	KT_EQ(vm.charge, 16);
	/* Re-committing committed pages costs nothing. */
	b = base, s = 16 * PAGE_SIZE;
	KT_EQ(vm_allocate(&vm, &b, &s, W_MEM_COMMIT, W_PAGE_READONLY), STATUS_SUCCESS);
	/* Decommit gives the charge back. */
	b = base, s = 8 * PAGE_SIZE;
	KT_EQ(vm_free(&vm, &b, &s, W_MEM_DECOMMIT), STATUS_SUCCESS);
	KT_EQ(vm.charge, 8);
	/* Every committed page can be faulted in: the charge guarantees its frame. */
	for (uint64_t a = base + 8 * PAGE_SIZE; a < base + 16 * PAGE_SIZE; a += PAGE_SIZE)
		KT_EQ(vm_fault(&vm, a, VM_ACCESS_READ), VM_FAULT_RESOLVED);
	vm_space_destroy(&vm);
	struct vm_commit_info now;
	vm_commit_get(&now);
	KT_EQ(now.charged, saved.charged);
	vm_commit_init(saved.limit);
	/* vm_commit_init resets the count; put the charge of the running system back. */
	vm_commit_restore(&saved);
}

KTEST(vm_release_frees_page_tables)
{
	struct frame_stats before, mid, after;
	struct vm_space vm;
	KT_EQ(vm_space_init(&vm), STATUS_SUCCESS);
	frame_stats(&before);
	/* 8 MiB touched at the start of a 1 GiB-aligned reservation: four leaf tables, a PD, a PDPT. */
	uint64_t base = 0x40000000, size = 8 << 20;
	KT_EQ(vm_allocate(&vm, &base, &size, W_MEM_RESERVE | W_MEM_COMMIT, W_PAGE_READWRITE), STATUS_SUCCESS);
	for (uint64_t off = 0; off < size; off += 1 << 20)
		KT_EQ(vm_fault(&vm, base + off, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	frame_stats(&mid);
	KT_EQ(mid.by_owner[FRAME_PAGETABLE] - before.by_owner[FRAME_PAGETABLE], 4 + 1 + 1);
	/* Decommitting half frees the two tables it emptied; a table still in use stays. */
	uint64_t b = base, s = 4 << 20;
	KT_EQ(vm_free(&vm, &b, &s, W_MEM_DECOMMIT), STATUS_SUCCESS);
	frame_stats(&mid);
	KT_EQ(mid.by_owner[FRAME_PAGETABLE] - before.by_owner[FRAME_PAGETABLE], 2 + 1 + 1);
	b = base, s = 0;
	KT_EQ(vm_free(&vm, &b, &s, W_MEM_RELEASE), STATUS_SUCCESS);
	frame_stats(&after);
	KT_EQ(after.by_owner[FRAME_PAGETABLE], before.by_owner[FRAME_PAGETABLE]);
	KT_EQ(after.free, before.free);
	vm_space_destroy(&vm);
}
