/*
 * tests/kernel/test_fork.c - copy-on-write from inside: after vm_fork every
 * resident private frame has one reference per space, the first write
 * copies (or takes over the last reference), and fork/exit cycles bring
 * every reference count, frame and heap block back.
 */
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/prot.h"
#include "mm/vm.h"

#define PAGES 40

static uint64_t frame_of(struct vm_space *vm, uint64_t va)
{
	return pt_query(vm->root, va, NULL) & PTE_ADDR;
}

static uint16_t refs(struct vm_space *vm, uint64_t va)
{
	return frame_get(frame_of(vm, va))->refcount;
}

/* A space with PAGES committed, written pages at *base, page i holding 1000 + i. */
static int make_parent(struct vm_space *vm, uint64_t *base)
{
	uint64_t size = PAGES * PAGE_SIZE;
	*base = 0;
	if (vm_space_init(vm) || vm_allocate(vm, base, &size, W_MEM_RESERVE | W_MEM_COMMIT, W_PAGE_READWRITE))
		return -1;
	for (int i = 0; i < PAGES; i++) {
		if (vm_fault(vm, *base + i * PAGE_SIZE, VM_ACCESS_WRITE) != VM_FAULT_RESOLVED)
			return -1;
		*(uint64_t *)phys_to_virt(frame_of(vm, *base + i * PAGE_SIZE)) = 1000 + i;
	}
	return 0;
}

KTEST(fork_reference_counts_follow_fork_write_and_exit)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	struct vm_space parent;
	uint64_t base;
	KT_EQ(make_parent(&parent, &base), 0);
	/* Three generations: parent -> child -> grandchild, each forked from the previous. */
	struct vm_space child, grandchild;
	KT_EQ(vm_space_init(&child), STATUS_SUCCESS);
	KT_EQ(vm_fork(&parent, &child, 0), STATUS_SUCCESS);
	KT_EQ(vm_space_init(&grandchild), STATUS_SUCCESS);
	KT_EQ(vm_fork(&child, &grandchild, 0), STATUS_SUCCESS);
	for (int i = 0; i < PAGES; i++) {
		uint64_t va = base + i * PAGE_SIZE;
		pte_t p = pt_query(parent.root, va, NULL), c = pt_query(child.root, va, NULL);
		KT_EQ(p & PTE_ADDR, c & PTE_ADDR);
		KT_EQ(refs(&parent, va), 3);
		KT_ASSERT(!(p & PTE_W) && (p & PTE_SW_COW));
		KT_ASSERT(!(c & PTE_W) && (c & PTE_SW_COW));
	}
	/* The child writes page 0: a copy for it, one reference less on the original. */
	uint64_t orig = frame_of(&parent, base);
	KT_EQ(vm_fault(&child, base, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	KT_ASSERT(frame_of(&child, base) != orig);
	KT_EQ(refs(&child, base), 1);
	KT_EQ(frame_get(orig)->refcount, 2);
	KT_EQ(*(uint64_t *)phys_to_virt(frame_of(&child, base)), 1000);
	KT_ASSERT(pt_query(child.root, base, NULL) & PTE_W);
	/* The grandchild and the parent write it too: the grandchild copies, the parent holds the last reference. */
	KT_EQ(vm_fault(&grandchild, base, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	KT_EQ(frame_get(orig)->refcount, 1);
	KT_EQ(vm_fault(&parent, base, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	KT_EQ(frame_of(&parent, base), orig);	/* written in place, no copy */
	KT_ASSERT(!(pt_query(parent.root, base, NULL) & PTE_SW_COW));
	/* A read of a shared page changes nothing. */
	KT_EQ(vm_fault(&grandchild, base + PAGE_SIZE, VM_ACCESS_READ), VM_FAULT_RESOLVED);
	KT_EQ(refs(&parent, base + PAGE_SIZE), 3);
	/* A protection change keeps a shared page read-only in hardware. */
	uint32_t old;
	uint64_t pb = base + PAGE_SIZE, ps = PAGE_SIZE;
	KT_EQ(vm_protect(&child, &pb, &ps, W_PAGE_EXECUTE_READWRITE, &old), STATUS_SUCCESS);
	KT_ASSERT(!(pt_query(child.root, base + PAGE_SIZE, NULL) & PTE_W));
	/* The middle generation exits: its references go, the others keep their data. */
	vm_space_destroy(&child);
	for (int i = 1; i < PAGES; i++) {
		uint64_t va = base + i * PAGE_SIZE;
		KT_EQ(refs(&parent, va), 2);
		KT_EQ(*(uint64_t *)phys_to_virt(frame_of(&grandchild, va)), (uint64_t)(1000 + i));
	}
	vm_space_destroy(&grandchild);
	for (int i = 1; i < PAGES; i++)
		KT_EQ(refs(&parent, base + i * PAGE_SIZE), 1);
	vm_space_destroy(&parent);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(after.by_owner[FRAME_USER], before.by_owner[FRAME_USER]);
	KT_EQ(kheap_live(), heap);
}

KTEST(fork_cycles_return_every_frame)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	struct vm_space parent;
	uint64_t base;
	KT_EQ(make_parent(&parent, &base), 0);
	for (int round = 0; round < 50; round++) {
		struct vm_space child;
		KT_EQ(vm_space_init(&child), STATUS_SUCCESS);
		KT_EQ(vm_fork(&parent, &child, 0), STATUS_SUCCESS);
		/* Each side writes a different half. */
		for (int i = 0; i < PAGES; i++)
			KT_EQ(vm_fault(i & 1 ? &child : &parent, base + i * PAGE_SIZE, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
		vm_space_destroy(&child);
		for (int i = 0; i < PAGES; i++)
			KT_EQ(refs(&parent, base + i * PAGE_SIZE), 1);
	}
	vm_space_destroy(&parent);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}

/*
 * The forking thread's stack page (vm_fork's stack_ptr) is not shared: the
 * child has its own copy at once and the parent keeps write access; the
 * pages around it are shared as usual.  A page already shared with an
 * earlier child (read-only) is shared again, not copied.
 */
KTEST(fork_copies_the_stack_page_at_once)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	struct vm_space parent, child, second;
	uint64_t base;
	KT_EQ(make_parent(&parent, &base), 0);
	uint64_t hot = base + 5 * PAGE_SIZE, orig = frame_of(&parent, hot);
	KT_EQ(vm_space_init(&child), STATUS_SUCCESS);
	KT_EQ(vm_fork(&parent, &child, hot + 0x123), STATUS_SUCCESS);	/* any address in the page */
	pte_t p = pt_query(parent.root, hot, NULL), c = pt_query(child.root, hot, NULL);
	KT_EQ(p & PTE_ADDR, orig);
	KT_ASSERT((p & PTE_W) && !(p & PTE_SW_COW));
	KT_ASSERT((c & PTE_ADDR) != orig && (c & PTE_W) && !(c & PTE_SW_COW));
	KT_EQ(refs(&parent, hot), 1);
	KT_EQ(refs(&child, hot), 1);
	KT_EQ(*(uint64_t *)phys_to_virt(c & PTE_ADDR), 1005);
	KT_EQ(refs(&parent, hot - PAGE_SIZE), 2);
	KT_EQ(refs(&parent, hot + PAGE_SIZE), 2);
	/* Forked again with a stack page the first child shares (read-only): shared once more, not copied. */
	KT_EQ(vm_space_init(&second), STATUS_SUCCESS);
	KT_EQ(vm_fork(&parent, &second, hot - PAGE_SIZE), STATUS_SUCCESS);
	KT_EQ(refs(&parent, hot - PAGE_SIZE), 3);
	KT_EQ(frame_of(&second, hot - PAGE_SIZE), frame_of(&parent, hot - PAGE_SIZE));
	vm_space_destroy(&second);
	vm_space_destroy(&child);
	vm_space_destroy(&parent);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}
