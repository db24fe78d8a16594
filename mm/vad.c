/*
 * mm/vad.c - the per-process region tree (see mm/vad.h).
 *
 * Two kinds of AVL tree (mm/avl.c), both keyed by start address: the VADs of
 * a process, and inside each VAD the runs of pages with equal state and
 * protection, so that finding, splitting and merging runs costs O(log K) in
 * the number K of runs rather than moving an array.  Pure data structure:
 * also built for the host.
 */
#include "mm/vad.h"

#include <stddef.h>

#ifdef HOST_TEST
#include <stdlib.h>
static void *vad_zalloc(size_t size)
{
	return calloc(1, size);
}
static void vad_free(void *p)
{
	free(p);
}
#else
#include "mm/kheap.h"
static void *vad_zalloc(size_t size)
{
	return kmalloc(size);
}
static void vad_free(void *p)
{
	kfree(p);
}
#endif

/* ---- VAD objects ----------------------------------------------------------- */

static bool run_inline(const struct vad *v, const struct vad_run *r)
{
	return r == &v->inline_runs[0] || r == &v->inline_runs[1];
}

/* A run node taken off the tree: kept as a spare (always when inline), or freed. */
static void run_put(struct vad *v, struct vad_run *r)
{
	if (v->nspare >= VAD_SPARE_MAX && !run_inline(v, r)) {
		vad_free(r);
		return;
	}
	r->node.parent = v->spare ? &v->spare->node : NULL;
	v->spare = r;
	v->nspare++;
}

/* A spare run node (vad_runs_reserve made sure there is one). */
static struct vad_run *run_take(struct vad *v)
{
	struct vad_run *r = v->spare;
	v->spare = vad_run_of(r->node.parent);
	v->nspare--;
	return r;
}

static void run_fill(struct vad_run *r, uint64_t start, uint64_t end, uint32_t state, uint32_t protect)
{
	r->start = start;
	r->end = end;
	r->state = state;
	r->protect = protect;
}

struct vad *vad_new(uint64_t start, uint64_t end, uint32_t state, uint32_t protect, uint32_t alloc_protect,
		    uint32_t type)
{
	struct vad *v = vad_zalloc(sizeof(*v));
	if (!v)
		return NULL;
	struct vad_run *r = &v->inline_runs[0];
	run_put(v, &v->inline_runs[1]);
	v->start = start;
	v->end = end;
	v->alloc_protect = alloc_protect;
	v->type = type;
	v->node.height = 1;
	run_fill(r, start, end, state, protect);
	avl_link(&v->run_root, NULL, &v->run_root, &r->node);
	v->nruns = 1;
	return v;
}

void vad_delete(struct vad *v)
{
	if (!v)
		return;
	/* Free the run tree bottom-up: a leaf goes, then its parent is looked at again. */
	struct avl_node *n = v->run_root;
	while (n) {
		if (n->left) {
			n = n->left;
		} else if (n->right) {
			n = n->right;
		} else {
			struct avl_node *p = n->parent;
			if (p && p->left == n)
				p->left = NULL;
			else if (p)
				p->right = NULL;
			if (!run_inline(v, vad_run_of(n)))
				vad_free(vad_run_of(n));
			n = p;
		}
	}
	while (v->spare) {
		struct vad_run *r = run_take(v);
		if (!run_inline(v, r))
			vad_free(r);
	}
	vad_free(v->watch_bits);
	vad_free(v->reset_bits);
	vad_free(v->lock_bits);
	vad_free(v);
}

/* A run node for a copy: c's unused inline ones first, then the heap; NULL when out of memory. */
static struct vad_run *copy_node(struct vad *c, uint32_t *inline_used)
{
	if (*inline_used < 2)
		return &c->inline_runs[(*inline_used)++];
	return vad_zalloc(sizeof(struct vad_run));
}

/*
 * Copy the run subtree n below parent (NULL: the root) into c at *link.  Each
 * node is linked before its children are copied, so after a failure (false)
 * everything allocated is reachable from c->run_root for vad_delete.
 */
static bool copy_runs(struct vad *c, const struct avl_node *n, struct avl_node *parent, struct avl_node **link,
		      uint32_t *inline_used)
{
	for (; n; n = n->right) {
		const struct vad_run *from = vad_run_of(n);
		struct vad_run *r = copy_node(c, inline_used);
		if (!r)
			return false;
		run_fill(r, from->start, from->end, from->state, from->protect);
		r->node = (struct avl_node){ .parent = parent, .height = n->height };
		*link = &r->node;
		c->nruns++;
		if (!copy_runs(c, n->left, &r->node, &r->node.left, inline_used))
			return false;
		parent = &r->node;	/* the right subtree: iterate rather than recurse */
		link = &r->node.right;
	}
	return true;
}

struct vad *vad_copy(const struct vad *v)
{
	struct vad *c = vad_zalloc(sizeof(*c));
	if (!c)
		return NULL;
	c->start = v->start;
	c->end = v->end;
	c->alloc_protect = v->alloc_protect;
	c->type = v->type;
	c->flags = v->flags;
	c->node.height = 1;
	uint32_t inline_used = 0;
	if (!copy_runs(c, v->run_root, NULL, &c->run_root, &inline_used)) {
		vad_delete(c);
		return NULL;
	}
	while (inline_used < 2)	/* the inline nodes not in the tree are spares, as vad_new leaves them */
		run_put(c, &c->inline_runs[inline_used++]);
	return c;
}

/* ---- the region tree (mm/avl.c keyed by start) ---------------------------------- */

void vad_insert(struct vad_tree *t, struct vad *v)
{
	struct avl_node *p = NULL, **link = &t->root;
	while (*link) {
		p = *link;
		link = v->start < vad_of(p)->start ? &p->left : &p->right;
	}
	avl_link(&t->root, p, link, &v->node);
	t->count++;
}

void vad_remove(struct vad_tree *t, struct vad *v)
{
	avl_erase(&t->root, &v->node);
	t->count--;
}

struct vad *vad_find_next(const struct vad_tree *t, uint64_t addr)
{
	/* VADs are disjoint, so ends are ordered like starts. */
	const struct avl_node *best = NULL, *n = t->root;
	while (n) {
		if (vad_of(n)->end > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return vad_of(best);
}

struct vad *vad_find(const struct vad_tree *t, uint64_t addr)
{
	struct vad *v = vad_find_next(t, addr);
	return v && v->start <= addr ? v : NULL;
}

struct vad *vad_first(const struct vad_tree *t)
{
	return vad_of(avl_first(t->root));
}

struct vad *vad_next(const struct vad *v)
{
	return vad_of(avl_next(&v->node));
}

/* The highest VAD, or NULL when the tree is empty. */
static struct vad *vad_last(const struct vad_tree *t)
{
	return vad_of(avl_last(t->root));
}

/* The in-order predecessor of v, or NULL. */
static struct vad *vad_prev(const struct vad *v)
{
	return vad_of(avl_prev(&v->node));
}

bool vad_range_free(const struct vad_tree *t, uint64_t start, uint64_t end)
{
	if (start >= end)
		return true;
	struct vad *v = vad_find_next(t, start);
	return !v || v->start >= end;
}

/*
 * Bottom-up and top-down gap search.  align must be a power of two (0 is
 * taken as 1).  Address 0 is never returned (0 means no gap), so lo is
 * raised to 1.  All arithmetic is checked for wrap-around.
 */
uint64_t vad_find_gap(const struct vad_tree *t, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi,
		      bool top_down)
{
	uint64_t mask = align ? align - 1 : 0;
	if (lo == 0)
		lo = 1;
	if (size == 0 || lo >= hi || hi - lo < size)
		return 0;
	if (!top_down) {
		struct vad *v = vad_find_next(t, lo);
		uint64_t base = lo;
		for (;;) {
			uint64_t top = v && v->start < hi ? v->start : hi;
			if (base <= UINT64_MAX - mask) {
				uint64_t cand = (base + mask) & ~mask;
				if (cand < top && top - cand >= size)
					return cand;
			}
			if (!v || v->end >= hi)
				return 0;
			base = v->end;
			v = vad_next(v);
		}
	}
	/* Top-down: start from the highest VAD beginning below hi. */
	struct vad *v = vad_find_next(t, hi - 1);
	if (!v)
		v = vad_last(t);
	else if (v->start >= hi)
		v = vad_prev(v);
	uint64_t top = hi;
	for (;;) {
		uint64_t bottom = v && v->end > lo ? v->end : lo;
		if (top > bottom && top - bottom >= size) {
			uint64_t cand = (top - size) & ~mask;
			if (cand >= bottom)
				return cand;
		}
		if (!v || v->start <= lo)
			return 0;
		top = v->start;
		v = vad_prev(v);
	}
}

/* ---- runs (mm/avl.c keyed by start) --------------------------------------------- */

int vad_runs_reserve(struct vad *v)
{
	while (v->nspare < 2) {
		struct vad_run *r = vad_zalloc(sizeof(*r));
		if (!r)
			return -1;
		run_put(v, r);
	}
	return 0;
}

/* The run containing addr (inside the VAD). */
static struct vad_run *run_find(const struct vad *v, uint64_t addr)
{
	const struct avl_node *n = v->run_root;
	while (n) {
		struct vad_run *r = vad_run_of(n);
		if (addr < r->start)
			n = n->left;
		else if (addr >= r->end)
			n = n->right;
		else
			return r;
	}
	return NULL;	/* addr outside the VAD: a caller's bug */
}

const struct vad_run *vad_run_at(const struct vad *v, uint64_t addr)
{
	return run_find(v, addr);
}

const struct vad_run *vad_run_next(const struct vad *v, const struct vad_run *r)
{
	(void)v;
	return vad_run_of(avl_next(&r->node));
}

static struct vad_run *run_next(struct vad_run *r)
{
	return vad_run_of(avl_next(&r->node));
}

static struct vad_run *run_prev(struct vad_run *r)
{
	return vad_run_of(avl_prev(&r->node));
}

static bool same(const struct vad_run *a, uint32_t state, uint32_t protect)
{
	return a->state == state && a->protect == protect;
}

/* Put a spare node holding n's range and values into v's run tree just after `after` (NULL: first). */
static struct vad_run *run_insert(struct vad *v, struct vad_run *after, const struct vad_run *n)
{
	struct vad_run *r = run_take(v);
	run_fill(r, n->start, n->end, n->state, n->protect);
	avl_insert_after(&v->run_root, after ? &after->node : NULL, &r->node);
	v->nruns++;
	return r;
}

/*
 * The runs touched are lo (holding start) .. hi (holding end - 1).  The new
 * run n swallows the runs first .. last: those inside [start, end) and an
 * equal neighbour on either side, growing to cover them; a different run
 * reaching past start or end keeps its outer part.  The first swallowed node
 * is reused for n and the others go back to the spares; when nothing is
 * swallowed n takes a spare node, and splitting one run in three takes two.
 */
void vad_runs_set(struct vad *v, uint64_t start, uint64_t end, uint32_t state, uint32_t protect)
{
	if (start >= end)
		return;
	struct vad_run n = { .start = start, .end = end, .state = state, .protect = protect };
	struct vad_run *lo = run_find(v, start), *hi = lo->end >= end ? lo : run_find(v, end - 1);
	bool same_lo = same(lo, state, protect), same_hi = same(hi, state, protect);
	bool cut_lo = lo->start < start && !same_lo, cut_hi = end < hi->end && !same_hi;
	if (cut_lo && cut_hi && lo == hi) {	/* the middle of one run: three runs */
		struct vad_run right = { .start = end, .end = lo->end, .state = lo->state, .protect = lo->protect };
		lo->end = start;
		run_insert(v, run_insert(v, lo, &n), &right);
		return;
	}
	struct vad_run *first, *last;
	if (lo->start < start) {
		first = same_lo ? lo : run_next(lo);
	} else {
		struct vad_run *p = run_prev(lo);
		first = p && same(p, state, protect) ? p : lo;
	}
	if (end < hi->end) {
		last = same_hi ? hi : run_prev(hi);
	} else {
		struct vad_run *q = run_next(hi);
		last = q && same(q, state, protect) ? q : hi;
	}
	if (cut_lo)
		lo->end = start;
	if (cut_hi)
		hi->start = end;
	if (!first || !last || first->start > last->start) {	/* nothing swallowed: n goes after last */
		run_insert(v, last, &n);
		return;
	}
	n.start = first->start < start ? first->start : start;
	n.end = last->end > end ? last->end : end;
	while (first != last) {
		struct vad_run *gone = last;
		last = run_prev(last);
		avl_erase(&v->run_root, &gone->node);
		run_put(v, gone);
		v->nruns--;
	}
	run_fill(first, n.start, n.end, state, protect);
}
