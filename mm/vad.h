/*
 * mm/vad.h - the per-process region tree: one VAD (virtual address
 * descriptor) per reservation, in an AVL tree keyed by start address, each
 * holding its pages' state and protection as runs in an AVL tree of its own,
 * also keyed by start address (mm/avl.h).
 *
 * Pure data structure (no page tables): compiled for the host too.
 * Not locked: the caller owns the process's address space.
 */
#ifndef MM_VAD_H
#define MM_VAD_H

#include "mm/avl.h"

#include <stdbool.h>
#include <stdint.h>

struct section;
struct vm_space;

/* A maximal run of pages with equal state and protection inside one reservation. */
struct vad_run {
	uint64_t start, end;	/* page aligned, end exclusive */
	uint32_t state;		/* MEM_RESERVE (0x2000) or MEM_COMMIT (0x1000) */
	uint32_t protect;	/* PAGE_* value (0 for reserved pages) */
	struct avl_node node;	/* in the VAD's run tree; mm/vad.c's business */
};

struct vad {
	uint64_t start, end;		/* the reservation, page aligned; start is 64 KiB aligned for private memory
					   but for a part left by a partial MEM_RELEASE (mm/vm_split.c) */
	uint32_t alloc_protect;		/* AllocationProtect, frozen at reservation */
	uint32_t type;			/* MEM_PRIVATE / MEM_MAPPED / MEM_IMAGE */
	uint32_t flags;			/* VAD_* below */
	struct avl_node *run_root;	/* the runs: covering [start, end) exactly; neighbours always differ */
	uint32_t nruns;			/* runs in the tree */
	uint32_t nspare;		/* runs on the spare list (vad_runs_reserve) */
	struct vad_run *spare;		/* linked through node.parent */
	struct avl_node node;		/* in the process's region tree */
	/* Kept by mm/vad.c in the region tree for the gap search: */
	uint64_t gap;			/* the free bytes below start: from the previous VAD's end, or from 0 */
	uint64_t gap_g;			/* the same from the gap's first VAD_GRANULE boundary (0: none) */
	uint64_t gap_max;		/* the largest gap_g in the subtree rooted here */
	/* Two run nodes inside the VAD's own allocation, in the tree or spare, never freed alone. */
	struct vad_run inline_runs[2];
	/* From here to the end: the VM layer's (vad_copy zeroes them as one block). */
	void *owner_data;		/* for the VM layer (sections, write watch...) */
	uint64_t *watch_bits;		/* VAD_WRITE_WATCH: 1 bit per page, written since the last reset (mm/watch.c) */
	uint64_t *reset_bits;		/* MEM_RESET: 2 bitmaps of 1 bit per page, reset then lost (mm/reset.c) */
	/* Views (type MEM_MAPPED, mm/section.c): */
	struct section *section;	/* the section this view maps, NULL for other VADs */
	uint64_t section_offset;	/* byte offset of v->start in the section, 64 KiB aligned */
	struct vad *view_next;		/* the section's next view (in any process) */
	uint64_t cow_charge;		/* pages charged for private copies of write-copy pages */
	struct vm_space *view_space;	/* the address space the view is in (the evictor unmaps section pages) */
	uint64_t *lock_bits;		/* VirtualLock: 1 bit per page, locked (mm/lock.c); NULL until the first lock */
	uint64_t priv_lo, priv_hi;	/* views: every page that ever held a private copy is in [priv_lo, priv_hi) (fork) */
};

/* Page of view v gets (or got) a private frame: widen the range fork shares (mm/fork.c). */
static inline void vad_view_private(struct vad *v, uint64_t page)
{
	if (v->priv_lo >= v->priv_hi) {
		v->priv_lo = page;
		v->priv_hi = page + 0x1000;
	} else if (page < v->priv_lo) {
		v->priv_lo = page;
	} else if (page + 0x1000 > v->priv_hi) {
		v->priv_hi = page + 0x1000;
	}
}

#define VAD_WRITE_WATCH 0x1
#define VAD_STACK       0x2
#define VAD_LARGE       0x4	/* MEM_LARGE_PAGES: mapped by 2 MiB entries, committed at once (mm/large.c) */
#define VAD_PHYSICAL    0x8	/* MEM_PHYSICAL: an AWE region, pages mapped only by MapUserPhysicalPages (mm/awe.c) */
#define VAD_PLACEHOLDER 0x10	/* MEM_RESERVE_PLACEHOLDER: never committed, only split, coalesced, replaced (mm/placeholder.c) */
#define VAD_FROM_PLACEHOLDER 0x20	/* replaced a placeholder: MEM_PRESERVE_PLACEHOLDER gives it back */

/*
 * Spare run nodes a VAD keeps from the heap (plus its inline ones): four, so
 * that splitting a run in three and merging it back, over and over (a page
 * toggled by VirtualProtect), allocates nothing.
 */
#define VAD_SPARE_MAX   4

/* The allocation granularity: the gap search is O(log n) for this alignment (vad_find_gap). */
#define VAD_GRANULE     0x10000ULL

struct vad_tree {
	struct avl_node *root;
	uint64_t count;
};

/* The VAD / run whose tree node is n (NULL for NULL). */
#define vad_of(n)     avl_entry(n, struct vad, node)
#define vad_run_of(n) avl_entry(n, struct vad_run, node)

/*
 * Allocate a VAD for [start, end) with every page in state/protect (one run).
 * Returns NULL when out of memory.  Not yet in any tree.
 */
struct vad *vad_new(uint64_t start, uint64_t end, uint32_t state, uint32_t protect, uint32_t alloc_protect,
		    uint32_t type);
void vad_delete(struct vad *v);	/* frees the VAD, its runs and bitmaps; must not be in a tree */

/*
 * A new VAD with v's range, alloc_protect, type, flags and runs (the run
 * tree copied node for node, shape and heights included: O(K), no search
 * or rebalancing); nothing else (bitmaps, views: the caller's).  NULL when
 * out of memory.  Not yet in any tree.
 */
struct vad *vad_copy(const struct vad *v);

/*
 * A new VAD for [start, end) (page aligned, inside v) with v's
 * alloc_protect, type, flags and the state and protection of those pages
 * (a partial release splits an allocation into such slices).  Nothing else
 * (bitmaps: the caller's).  NULL when out of memory.  Not yet in any tree.
 * O(m log m) for the m runs in the range.
 */
struct vad *vad_slice(const struct vad *v, uint64_t start, uint64_t end);

/* Insert (the range must not overlap any VAD of the tree) / remove.  O(log n). */
void vad_insert(struct vad_tree *t, struct vad *v);
void vad_remove(struct vad_tree *t, struct vad *v);

/*
 * Copying a whole tree shape for shape (fork): put c, the copy of v, at
 * *link below parent (NULL: the root) of t, with v's height and gaps.  The
 * caller places every copy in pre-order (a node before its subtrees), each
 * below the copy of its original's parent, so the result is balanced with
 * no search or rotation: O(1) a VAD.  Until every VAD is placed it is an
 * ordered binary tree whose heights and gaps may be wrong: a copy left
 * partial (out of memory) is made whole with vad_tree_rebuild.
 */
void vad_place_copy(struct vad_tree *t, struct vad *c, const struct vad *v, struct avl_node *parent,
		    struct avl_node **link);

/* Make an ordered binary tree of VADs (a partial copy) an AVL tree again with correct gaps: O(n log n). */
void vad_tree_rebuild(struct vad_tree *t);

/* The VAD containing addr, or NULL.  O(log n). */
struct vad *vad_find(const struct vad_tree *t, uint64_t addr);

/* The lowest VAD with end > addr (the one containing addr or the next above), or NULL. */
struct vad *vad_find_next(const struct vad_tree *t, uint64_t addr);

/* In-order traversal. */
struct vad *vad_first(const struct vad_tree *t);
struct vad *vad_next(const struct vad *v);

/* True when no VAD intersects [start, end). */
bool vad_range_free(const struct vad_tree *t, uint64_t start, uint64_t end);

/*
 * Find a free, align-aligned range of size bytes inside [lo, hi) (hi exclusive),
 * the lowest one, or the highest one when top_down.  Returns its start, or 0.
 * O(log n) for align VAD_GRANULE: the search descends only into subtrees
 * whose largest gap holds size bytes from a granule boundary.  Exact for
 * every power-of-two align, but a larger one (2 MiB large pages) may also
 * visit gaps that hold size bytes only at the granularity, and a smaller one
 * (tests only) every gap within a granule of size.
 */
uint64_t vad_find_gap(const struct vad_tree *t, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi,
		      bool top_down);

/*
 * Debug oracle for tests: recomputes every VAD's gap and every subtree's
 * largest gaps from the VADs' ranges alone and compares them with the stored
 * ones.  Returns NULL, or what differs.  O(n), recursive.
 */
const char *vad_tree_check(const struct vad_tree *t);

#ifdef HOST_TEST
extern uint64_t vad_gap_visits;	/* region tree nodes vad_find_gap looked at, ever: tests bound it */
extern uint64_t vad_alloc_fail_at;	/* tests: the allocation that fails, counted down from here (0: none) */
#endif

/*
 * Make sure a later vad_runs_set on v cannot fail for lack of memory (a set
 * adds at most two runs): at least two spare run nodes.  Returns 0, or -1
 * when out of memory.
 */
int vad_runs_reserve(struct vad *v);

/*
 * Set the pages [start, end) (page aligned, inside the VAD) to state/protect,
 * splitting and merging runs so that neighbours always differ.  Needs
 * vad_runs_reserve first; never fails after it.  O(log K + m log K) for K
 * runs of which m are swallowed whole.
 */
void vad_runs_set(struct vad *v, uint64_t start, uint64_t end, uint32_t state, uint32_t protect);

/* The run containing addr (inside the VAD).  O(log K). */
const struct vad_run *vad_run_at(const struct vad *v, uint64_t addr);

/*
 * The run after r, or NULL after the last.  Visit the runs overlapping
 * [start, end) with
 *   for (r = vad_run_at(v, start); r && r->start < end; r = vad_run_next(v, r))
 * Amortised O(1) per step.  Run pointers stay valid until the next vad_runs_set.
 */
const struct vad_run *vad_run_next(const struct vad *v, const struct vad_run *r);

#endif
