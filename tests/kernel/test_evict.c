/*
 * tests/kernel/test_evict.c - paging from inside: pages go out to the
 * pagefile and come back intact, a frame shared after fork stays shared
 * through page-out and page-in (the swap cache), a clean page read back
 * goes out again without a write, and every frame and slot comes back.
 * bench_paging measures page-out and page-in throughput.
 */
#include "kernel/ktest.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pagefile.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/swap.h"
#include "mm/vm.h"

#define PAGES 96

/* The leaf entry of va, present or not (pt_query reports only present ones). */
static pte_t entry(struct vm_space *vm, uint64_t va)
{
	pte_t *p = pt_walk(vm->root, va, false);
	return p ? *p : 0;
}

static uint64_t word(struct vm_space *vm, uint64_t va)
{
	return *(uint64_t *)phys_to_virt(entry(vm, va) & PTE_ADDR);
}

/* A space with n committed pages at *base, each written with 7000 + i. */
static int make_space(struct vm_space *vm, uint64_t *base, uint64_t n)
{
	uint64_t size = n * PAGE_SIZE;
	*base = 0;
	if (vm_space_init(vm) || vm_allocate(vm, base, &size, W_MEM_RESERVE | W_MEM_COMMIT, W_PAGE_READWRITE))
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		if (vm_fault(vm, *base + i * PAGE_SIZE, VM_ACCESS_WRITE) != VM_FAULT_RESOLVED)
			return -1;
		*(uint64_t *)phys_to_virt(entry(vm, *base + i * PAGE_SIZE) & PTE_ADDR) = 7000 + i;
	}
	return 0;
}

KTEST(evict_page_out_in_fork_and_clean_pages)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	uint64_t slots = swap_slots_used(), base;
	struct vm_space parent, child;
	KT_EQ(make_space(&parent, &base, PAGES), 0);
	if (!swap_slots_total()) {
		KT_EQ(vm_evict_all(&parent), 0);	/* no pagefile: nothing can go */
		vm_space_destroy(&parent);
		return;
	}
	struct frame_stats mid;
	frame_stats(&mid);
	KT_EQ(vm_evict_all(&parent), PAGES);
	struct frame_stats out;
	frame_stats(&out);
	KT_EQ(mid.by_owner[FRAME_USER] - out.by_owner[FRAME_USER], PAGES);
	KT_EQ(swap_slots_used(), slots + PAGES);
	KT_EQ(swap_pages_out(), PAGES);
	for (uint64_t i = 0; i < PAGES; i++)
		KT_ASSERT(entry(&parent, base + i * PAGE_SIZE) & PTE_SW_SWAP);
	/* Fork while paged out: the child names the same slots. */
	KT_EQ(vm_space_init(&child), STATUS_SUCCESS);
	KT_EQ(vm_fork(&parent, &child, 0), STATUS_SUCCESS);
	KT_EQ(entry(&child, base), entry(&parent, base));
	KT_EQ(swap_slot_refs(swap_entry_slot(entry(&parent, base))), 2);
	/* The child reads a page in; the parent finds the same frame in the swap cache: still shared. */
	KT_EQ(vm_fault(&child, base, VM_ACCESS_READ), VM_FAULT_RESOLVED);
	KT_EQ(word(&child, base), 7000);
	KT_EQ(vm_fault(&parent, base, VM_ACCESS_READ), VM_FAULT_RESOLVED);
	KT_EQ(entry(&parent, base) & PTE_ADDR, entry(&child, base) & PTE_ADDR);
	KT_EQ(frame_get(entry(&parent, base) & PTE_ADDR)->refcount, 2);
	KT_ASSERT(!(entry(&parent, base) & PTE_W));
	/* The parent writes: a copy; the child keeps the original. */
	KT_EQ(vm_fault(&parent, base, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	KT_ASSERT((entry(&parent, base) & PTE_ADDR) != (entry(&child, base) & PTE_ADDR));
	KT_EQ(word(&child, base), 7000);
	/* Every page comes back intact in the parent. */
	for (uint64_t i = 1; i < PAGES; i++) {
		KT_EQ(vm_fault(&parent, base + i * PAGE_SIZE, VM_ACCESS_READ), VM_FAULT_RESOLVED);
		KT_EQ(word(&parent, base + i * PAGE_SIZE), 7000 + i);
	}
	/* Read back and never written: out again without a write (the slot is reused). */
	uint64_t slot = frame_get(entry(&parent, base + PAGE_SIZE) & PTE_ADDR)->swap_slot;
	KT_ASSERT(slot != 0);
	KT_EQ(vm_evict_all(&child) > 0, 1);
	KT_EQ(vm_evict_all(&parent) > 0, 1);
	KT_EQ(entry(&parent, base + PAGE_SIZE), swap_entry(slot - 1));
	vm_space_destroy(&child);
	vm_space_destroy(&parent);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(swap_slots_used(), slots);
	KT_EQ(swap_pages_out(), 0);
	KT_EQ(kheap_live(), heap);
}

KTEST(evict_read_ahead_brings_neighbours)
{
	struct frame_stats before, after;
	frame_stats(&before);
	uint64_t slots = swap_slots_used(), base;
	struct vm_space vm;
	KT_EQ(make_space(&vm, &base, 16), 0);
	if (swap_slots_total()) {
		KT_EQ(vm_evict_all(&vm), 16);
		/* A fault on page 2 reads pages 2..9 in one batch; 0, 1 and 10.. stay out. */
		KT_EQ(vm_fault(&vm, base + 2 * PAGE_SIZE, VM_ACCESS_READ), VM_FAULT_RESOLVED);
		for (uint64_t i = 0; i < 16; i++) {
			pte_t e = entry(&vm, base + i * PAGE_SIZE);
			KT_EQ(!!(e & PTE_P), i >= 2 && i < 10);
			KT_EQ(!!(e & PTE_SW_SWAP), i < 2 || i >= 10);
			if (e & PTE_P) {
				KT_EQ(word(&vm, base + i * PAGE_SIZE), 7000 + i);
				KT_ASSERT(!(e & PTE_W) && !(e & PTE_A));	/* read-only, clean, not yet accessed */
			}
		}
		KT_EQ(swap_pages_out(), 8);
	}
	vm_space_destroy(&vm);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(swap_slots_used(), slots);
}

KTEST(bench_paging)
{
	enum { N = 4096 };	/* 16 MiB */
	if (!swap_slots_total()) {
		kprintf("bench paging: no pagefile (PAGEFILE=0)\n");
		return;
	}
	struct vm_space vm;
	uint64_t base;
	KT_EQ(make_space(&vm, &base, N), 0);
	uint64_t t0 = rdtsc();
	KT_EQ(vm_evict_all(&vm), N);
	uint64_t t1 = rdtsc();
	for (uint64_t i = 0; i < N; i++)
		KT_EQ(vm_fault(&vm, base + i * PAGE_SIZE, VM_ACCESS_READ), VM_FAULT_RESOLVED);
	uint64_t t2 = rdtsc();
	for (uint64_t i = 0; i < N; i++)	/* written after the read-back: out again with a write */
		KT_EQ(vm_fault(&vm, base + i * PAGE_SIZE, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	uint64_t t3 = rdtsc();
	KT_EQ(vm_evict_all(&vm), N);
	uint64_t t4 = rdtsc();
	kprintf("bench page_out_4k %lu pages/Mcycle (%lu cycles/page)\n", N * (uint64_t)1000000 / (t1 - t0), (t1 - t0) / N);
	kprintf("bench page_in_4k %lu pages/Mcycle (%lu cycles/page)\n", N * (uint64_t)1000000 / (t2 - t1), (t2 - t1) / N);
	kprintf("bench page_out_dirty_again_4k %lu pages/Mcycle (%lu cycles/page, after a write fault each: %lu)\n",
		N * (uint64_t)1000000 / (t4 - t3), (t4 - t3) / N, (t3 - t2) / N);
	vm_space_destroy(&vm);
}
