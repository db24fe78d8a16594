/*
 * mm/vad.c - the per-process region tree (see mm/vad.h).
 *
 * Two kinds of AVL tree (mm/avl.c), both keyed by start address: the VADs of
 * a process, and inside each VAD the runs of pages with equal state and
 * protection, so that finding, splitting and merging runs costs O(log K) in
 * the number K of runs rather than moving an array.  The free-range search
 * over the gaps kept here is mm/vad_gap.c.  Pure data structure: also built
 * for the host.
 */
#include "mm/vad.h"

#include <stddef.h>
#include <string.h>

/*
 * vad_zalloc: zeroed memory.  The _uninit ones are not zeroed (fork's copies,
 * whose every field vad_copy and copy_runs write): filled with 0xa5 bytes on
 * the host as the kernel's debug builds do, so that a field left unwritten
 * shows in the tests.
 */
#ifdef HOST_TEST
#include <stdlib.h>
uint64_t vad_alloc_fail_at;
static bool alloc_fails(void)
{
	return vad_alloc_fail_at && --vad_alloc_fail_at == 0;
}
static void *vad_zalloc(size_t size)
{
	return alloc_fails() ? NULL : calloc(1, size);
}
static void *vad_alloc_uninit(size_t size)
{
	void *p = alloc_fails() ? NULL : malloc(size);
	return p ? memset(p, 0xa5, size) : NULL;
}
static size_t vad_alloc_batch_uninit(size_t size, void **out, size_t n)
{
	size_t i = 0;
	while (i < n && (out[i] = vad_alloc_uninit(size)))
		i++;
	return i;
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
static void *vad_alloc_uninit(size_t size)
{
	return kmalloc_uninit(size);
}
static size_t vad_alloc_batch_uninit(size_t size, void **out, size_t n)
{
	return kmalloc_batch_uninit(size, out, n);
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

/*
 * Copying a run tree: the copy, and the nodes for it in batch[]: first the
 * copy's two inline ones, then heap nodes made COPY_BATCH at a time (one heap
 * lock each).
 */
#define COPY_BATCH 32
struct run_copy {
	struct vad *c;
	uint32_t left;		/* heap nodes the copy still needs beyond those in batch */
	uint32_t n, next;	/* batch[next..n) not yet taken */
	void *batch[COPY_BATCH];
};

/* A run node for the copy, not zeroed; NULL when out of memory. */
static struct vad_run *copy_node(struct run_copy *rc)
{
	if (rc->next == rc->n) {
		uint32_t want = rc->left < COPY_BATCH ? rc->left : COPY_BATCH;
		rc->n = (uint32_t)vad_alloc_batch_uninit(sizeof(struct vad_run), rc->batch, want ? want : 1);
		rc->next = 0;
		rc->left -= rc->n < rc->left ? rc->n : rc->left;
		if (!rc->n)
			return NULL;
	}
	return rc->batch[rc->next++];
}

/*
 * Copy the run tree rooted at n (not empty: a VAD has a run at least) into
 * rc->c, writing every field of each node (they are not zeroed).  Pre-order
 * without recursion (a call per left subtree cost about 20 instructions):
 * the original's parent pointers lead back up and the copy's are followed in
 * step.  Each node is linked when made, so after a failure (false)
 * everything taken is reachable from c->run_root for vad_delete.
 */
static bool copy_runs(struct run_copy *rc, const struct avl_node *n)
{
	struct avl_node *up = NULL, **link = &rc->c->run_root;	/* where n's copy goes */
	for (;;) {
		const struct vad_run *from = vad_run_of(n);
		struct vad_run *r = copy_node(rc);
		if (!r)
			return false;
		/* Field by field: a compound literal would zero the node first. */
		r->start = from->start;
		r->end = from->end;
		r->state = from->state;
		r->protect = from->protect;
		r->node.left = r->node.right = NULL;
		r->node.parent = up;
		r->node.height = n->height;
		*link = &r->node;
		up = &r->node;	/* n's copy, walking up with n from here */
		if (n->left) {
			link = &up->left;
			n = n->left;
			continue;
		}
		/* Next: the right subtree of n or of its nearest ancestor whose left subtree is done. */
		while (!n->right) {
			const struct avl_node *done;
			do {
				done = n;
				n = n->parent;
				up = up->parent;
				if (!n)
					return true;
			} while (n->right == done);
		}
		link = &up->right;
		n = n->right;
	}
}

struct vad *vad_copy(const struct vad *v)
{
	/* Not zeroed: every field is written below (the inline run nodes by copy_runs or as spares). */
	struct vad *c = vad_alloc_uninit(sizeof(*c));
	if (!c)
		return NULL;
	c->start = v->start;
	c->end = v->end;
	c->alloc_protect = v->alloc_protect;
	c->type = v->type;
	c->flags = v->flags;
	c->run_root = NULL;
	c->nruns = c->nspare = 0;
	c->spare = NULL;
	c->node = (struct avl_node){ .height = 1 };
	c->gap = c->gap_g = c->gap_max = 0;
	memset(&c->owner_data, 0, sizeof(*c) - offsetof(struct vad, owner_data));	/* bitmaps and views: the caller's */
	struct run_copy rc;	/* not zeroed whole: batch[] is written before it is read */
	rc.c = c;
	rc.batch[0] = &c->inline_runs[0];
	rc.batch[1] = &c->inline_runs[1];
	rc.n = 2;
	rc.next = 0;
	rc.left = v->nruns > 2 ? v->nruns - 2 : 0;
	bool ok = copy_runs(&rc, v->run_root);
	while (rc.next < rc.n) {	/* not needed: an inline node is a spare (zeroed, as vad_new leaves it), a heap one
					   (the copy failed) freed */
		struct vad_run *r = rc.batch[rc.next++];
		if (run_inline(c, r)) {
			*r = (struct vad_run){ 0 };
			run_put(c, r);
		} else {
			vad_free(r);
		}
	}
	if (!ok) {
		vad_delete(c);
		return NULL;
	}
	c->nruns = v->nruns;
	return c;
}

#define VAD_STATE_RESERVE 0x2000	/* MEM_RESERVE */

struct vad *vad_slice(const struct vad *v, uint64_t start, uint64_t end)
{
	struct vad *c = vad_new(start, end, VAD_STATE_RESERVE, 0, v->alloc_protect, v->type);
	if (!c)
		return NULL;
	c->flags = v->flags;
	for (const struct vad_run *r = vad_run_at(v, start); r && r->start < end; r = vad_run_next(v, r)) {
		if (r->state == VAD_STATE_RESERVE)
			continue;	/* already so */
		if (vad_runs_reserve(c)) {
			vad_delete(c);
			return NULL;
		}
		vad_runs_set(c, r->start > start ? r->start : start, r->end < end ? r->end : end, r->state, r->protect);
	}
	return c;
}

/* ---- the region tree (mm/avl.c keyed by start, augmented) ------------------------- */

/*
 * Every VAD keeps its gap, the free bytes between the previous VAD's end (or
 * 0) and its start, and every subtree its largest gap counted from the first
 * VAD_GRANULE boundary in it (where a reservation can start).  A subtree's
 * largest gap follows from the node and its children alone, so mm/avl.c
 * keeps it through rotations; an insert or a remove also changes the next
 * VAD's gap, propagated upwards while a maximum changes.  Appending (the
 * usual bottom-up case) stops within a level or two.
 */

/* The free range [end, start) counted from its first granule boundary (0 when it holds none). */
static uint64_t gap_granule(uint64_t end, uint64_t start)
{
	if (end > UINT64_MAX - (VAD_GRANULE - 1))
		return 0;
	uint64_t from = (end + VAD_GRANULE - 1) & ~(VAD_GRANULE - 1);
	return from < start ? start - from : 0;
}

/* Set v's gap to the free range below it, from prev_end (the previous VAD's end, or 0). */
static void set_gap(struct vad *v, uint64_t prev_end)
{
	v->gap = v->start - prev_end;
	v->gap_g = gap_granule(prev_end, v->start);
}

/* avl_update_fn of the region tree: recompute n's subtree maximum from its gap and children; true when changed. */
static bool vad_update(struct avl_node *n)
{
	struct vad *v = vad_of(n);
	uint64_t m = v->gap_g;
	if (n->left && vad_of(n->left)->gap_max > m)
		m = vad_of(n->left)->gap_max;
	if (n->right && vad_of(n->right)->gap_max > m)
		m = vad_of(n->right)->gap_max;
	if (m == v->gap_max)
		return false;
	v->gap_max = m;
	return true;
}

/* The maximum of n's subtree from the VADs' gaps alone; *e set when a stored one differs. */
static uint64_t check_max(const struct avl_node *n, const char **e)
{
	const struct vad *v = vad_of(n);
	uint64_t m = gap_granule(v->start - v->gap, v->start);
	for (int side = 0; side < 2; side++) {
		const struct avl_node *c = side ? n->right : n->left;
		uint64_t cm = c ? check_max(c, e) : 0;
		m = cm > m ? cm : m;
	}
	if (!*e && m != v->gap_max)
		*e = "vad: stored largest gap of a subtree";
	return m;
}

const char *vad_tree_check(const struct vad_tree *t)
{
	uint64_t prev_end = 0;
	for (const struct vad *v = vad_first(t); v; v = vad_next(v)) {
		if (v->start < prev_end || v->gap != v->start - prev_end || v->gap_g != gap_granule(prev_end, v->start))
			return "vad: stored gap below a VAD";
		prev_end = v->end;
	}
	const char *e = NULL;
	if (t->root)
		check_max(t->root, &e);
	return e;
}

void vad_insert(struct vad_tree *t, struct vad *v)
{
	struct avl_node *p = NULL, **link = &t->root;
	struct vad *prev = NULL, *next = NULL;	/* the new neighbours: the last nodes passed on either side */
	while (*link) {
		p = *link;
		if (v->start < vad_of(p)->start) {
			next = vad_of(p);
			link = &p->left;
		} else {
			prev = vad_of(p);
			link = &p->right;
		}
	}
	set_gap(v, prev ? prev->end : 0);
	if (next)
		set_gap(next, v->end);
	avl_link_aug(&t->root, p, link, &v->node, vad_update);
	if (next)
		avl_propagate(&next->node, vad_update);
	t->count++;
}

void vad_place_copy(struct vad_tree *t, struct vad *c, const struct vad *v, struct avl_node *parent,
		    struct avl_node **link)
{
	c->node = (struct avl_node){ .parent = parent, .height = v->node.height };
	c->gap = v->gap;	/* the same neighbours once the copy is whole */
	c->gap_g = v->gap_g;
	c->gap_max = v->gap_max;
	*link = &c->node;
	t->count++;
}

void vad_tree_rebuild(struct vad_tree *t)
{
	struct avl_node *list = NULL;	/* linked through parent */
	while (t->root) {	/* detach the lowest node: it has no left child, and is its parent's left */
		struct avl_node *n = avl_first(t->root), *p = n->parent, *r = n->right;
		if (p)
			p->left = r;
		else
			t->root = r;
		if (r)
			r->parent = p;
		n->parent = list;
		list = n;
	}
	t->count = 0;
	while (list) {
		struct avl_node *n = list;
		list = n->parent;
		vad_insert(t, vad_of(n));
	}
}

void vad_remove(struct vad_tree *t, struct vad *v)
{
	struct vad *next = vad_next(v);
	if (next)
		set_gap(next, v->start - v->gap);	/* now from v's previous VAD's end */
	avl_erase_aug(&t->root, &v->node, vad_update);
	if (next)
		avl_propagate(&next->node, vad_update);
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

bool vad_range_free(const struct vad_tree *t, uint64_t start, uint64_t end)
{
	if (start >= end)
		return true;
	struct vad *v = vad_find_next(t, start);
	return !v || v->start >= end;
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
