/*
 * mm/fork.c - duplicate an address space copy-on-write (fork).
 *
 * Every reservation is cloned at the same address with the same runs,
 * flags, write-watch and reset state.  Private frames (private memory,
 * images, the private copies of write-copy view pages) become shared
 * copy-on-write in both spaces (mm/cow.c).  Views stay views of the same
 * section, so parent and child exchange data through them.  Large pages are
 * copied at once (a 2 MiB copy-on-write fault would stall for a long time).
 * AWE regions (MEM_PHYSICAL) and their physical pages stay with the parent:
 * Windows documents them as not inheritable.  The child is charged every
 * committed private page and every write-copy view charge up front: a later
 * copy can never fail for lack of commit.
 */
#include "tlb.h"
#include "vm_ext.h"
#include "ptcharge.h"
#include "frame.h"
#include "kheap.h"
#include "lock.h"
#include "paging.h"
#include "phys.h"
#include "section.h"
#include "swap.h"
#include "kernel/layout.h"
#include "kernel/panic.h"

#include <string.h>

struct vad *vad_clone(const struct vad *v)
{
	struct vad *c = vad_copy(v);	/* the run tree node for node: no searches, no rebalancing */
	if (!c)
		return NULL;
	uint64_t words = bitmap_words(vad_pages(v));
	if (v->watch_bits && !(c->watch_bits = kmalloc(words * sizeof(uint64_t))))
		goto fail;
	if (v->reset_bits && !(c->reset_bits = kmalloc(2 * words * sizeof(uint64_t))))
		goto fail;
	if (v->watch_bits)
		memcpy(c->watch_bits, v->watch_bits, words * sizeof(uint64_t));
	if (v->reset_bits)
		memcpy(c->reset_bits, v->reset_bits, 2 * words * sizeof(uint64_t));
	return c;
fail:
	vad_delete(c);
	return NULL;
}

/* Give the child its own copy of every 2 MiB page of the large-page reservation v. */
static ntstatus_t fork_large(struct vm_space *parent, const struct vad *v, struct vm_space *child)
{
	for (uint64_t va = v->start; va < v->end; va += PAGE_2M) {
		uint64_t size;
		pte_t e = pt_query(parent->root, va, &size);
		if (!(e & PTE_P) || size != PAGE_2M)
			continue;
		if (!pin_charge(child, PAGE_2M / PAGE_SIZE))	/* the child's copy is pinned too (mm/lock.h) */
			return STATUS_INSUFFICIENT_RESOURCES;
		uint64_t f = frame_alloc(9, FRAME_USER);
		if (!f) {
			pin_uncharge(child, PAGE_2M / PAGE_SIZE);
			return STATUS_INSUFFICIENT_RESOURCES;
		}
		uint64_t from = e & PTE_ADDR_2M;
		for (uint64_t off = 0; off < PAGE_2M; off += PAGE_SIZE)
			page_copy(phys_to_virt(f + off), phys_to_virt(from + off));
		if (pt_map_large(child->root, va, f, e & ~(PTE_ADDR_2M | PTE_PS))) {
			frame_free(f, 9);
			pin_uncharge(child, PAGE_2M / PAGE_SIZE);
			return STATUS_INSUFFICIENT_RESOURCES;
		}
	}
	return STATUS_SUCCESS;
}

/*
 * Share the private reservation v's pages with the child.  Only committed
 * runs can hold entries (decommit drops them, a reserved page never faults
 * one in), so reserved runs - most of a stack or heap reservation - are
 * skipped without reading their page tables.
 */
static ntstatus_t fork_private(struct vm_space *parent, const struct vad *v, struct vm_space *child, uint64_t hot)
{
	for (const struct vad_run *r = vad_run_at(v, v->start); r; r = vad_run_next(v, r)) {
		if (r->state != W_MEM_COMMIT)
			continue;
		ntstatus_t st = cow_share(parent, child, r->start, r->end, hot);
		if (st)
			return st;
	}
	return STATUS_SUCCESS;
}

/* Commit the child will hold: its committed private pages and its views' write-copy charges; *awe set when
   the parent holds an AWE region (not inherited). */
static uint64_t fork_charge(const struct vm_space *vm, bool *awe)
{
	uint64_t pages = 0;
	*awe = false;
	for (const struct vad *v = vad_first(&vm->tree); v; v = vad_next(v)) {
		if (v->flags & VAD_PHYSICAL)
			*awe = true;
		else
			pages += v->section ? v->cow_charge : vm_committed_pages(v, v->start, v->end);
	}
	return pages;
}

/* The child's copy of the parent's reservation v (a view or private), in no tree; NULL when out of memory. */
static struct vad *fork_clone(const struct vad *v, struct vm_space *child)
{
	return v->section ? view_clone(v, child) : vad_clone(v);
}

/* Share v's pages with child, whose copy of v is in its tree; hot as cow_share's (mm/vm_ext.h). */
static ntstatus_t fork_share(struct vm_space *parent, const struct vad *v, struct vm_space *child, uint64_t hot)
{
	if (v->section)
		return view_share(parent, v, child);
	return (v->flags & VAD_LARGE) ? fork_large(parent, v, child) : fork_private(parent, v, child, hot);
}

/*
 * Copy the parent's subtree n (every VAD of it inherited) into child, shape
 * for shape: each copy placed below the copy of its parent up at *link
 * (mm/vad.h vad_place_copy), in pre-order, and its pages shared.  The left
 * subtree is a recursion (the depth is the tree's height, 1.44 log2 of the
 * VADs at most), the right one a loop.
 */
static ntstatus_t fork_subtree(struct vm_space *parent, const struct avl_node *n, struct vm_space *child,
			       struct avl_node *up, struct avl_node **link, uint64_t hot)
{
	for (; n; n = n->right) {
		const struct vad *v = vad_of(n);
		struct vad *c = fork_clone(v, child);
		if (!c)
			return STATUS_NO_MEMORY;
		vad_place_copy(&child->tree, c, v, up, link);
		ntstatus_t st = fork_share(parent, v, child, hot);
		if (!st)
			st = fork_subtree(parent, n->left, child, &c->node, &c->node.left, hot);
		if (st)
			return st;
		up = &c->node;
		link = &c->node.right;
	}
	return STATUS_SUCCESS;
}

/* The parent holds AWE regions, which stay with it: every other VAD copied and inserted one by one. */
static ntstatus_t fork_each(struct vm_space *parent, struct vm_space *child, uint64_t hot)
{
	for (struct vad *v = vad_first(&parent->tree); v; v = vad_next(v)) {
		if (v->flags & VAD_PHYSICAL)
			continue;	/* AWE regions are "not sharable, and therefore not inheritable" (Microsoft) */
		struct vad *c = fork_clone(v, child);
		if (!c)
			return STATUS_NO_MEMORY;
		vad_insert(&child->tree, c);
		ntstatus_t st = fork_share(parent, v, child, hot);
		if (st)
			return st;
	}
	ptc_release(child, 0, USER_TOP);	/* the tables of what was not inherited (AWE regions) */
	return STATUS_SUCCESS;
}

ntstatus_t vm_fork(struct vm_space *parent, struct vm_space *child, uint64_t stack_ptr)
{
	vm_balance();	/* the child's page tables need frames: page out first if they run short */
	/*
	 * What the child is charged is what the parent is, but for AWE pages
	 * and regions (not inherited): with none the space's own count serves,
	 * and the walk over every region is needed only with them.
	 */
	bool awe = parent->physical_regions || parent->awe;
	uint64_t charge = awe ? fork_charge(parent, &awe) : parent->charge;
	if (MM_DEBUG && !awe) {
		bool any;
		ASSERT(charge == fork_charge(parent, &any) && !any);
	}
	uint64_t hot = stack_ptr & ~(PAGE_SIZE - 1);
	if (!vm_charge(child, charge))
		return STATUS_COMMITMENT_LIMIT;
	ntstatus_t st = ptc_fork(child, parent);	/* the same page tables (mm/ptcharge.h) */
	if (st) {	/* the caller destroys the child, which gives back what ptc_fork charged */
		vm_uncharge(child, charge);
		return st;
	}
	if (awe) {
		st = fork_each(parent, child, hot);
	} else {
		st = fork_subtree(parent, parent->tree.root, child, NULL, &child->tree.root, hot);
		if (st)
			vad_tree_rebuild(&child->tree);	/* a partial copy: balanced again, for the caller's destroy */
	}
	/* The parent's entries lost write access: no stale writable TLB entry may survive. */
	tlb_shootdown(parent->root, USER_MIN_ADDR, USER_MAX_ADDR + 1 - USER_MIN_ADDR);
	if (st)	/* the caller destroys the child, which gives back the charge of what it holds: the rest now */
		vm_uncharge(child, charge - fork_charge(child, &awe));
	return st;
}
