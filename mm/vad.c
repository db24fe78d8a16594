/*
 * mm/vad.c - the per-process region tree (see mm/vad.h).
 *
 * An AVL tree keyed by start address with parent pointers, so that in-order
 * neighbours are found without a stack; each VAD keeps its pages' state as a
 * sorted array of runs.  Pure data structure: also built for the host.
 */
#include "mm/vad.h"

#include <stddef.h>
#include <string.h>

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

#define VAD_INITIAL_RUNS 4

/* ---- VAD objects ----------------------------------------------------------- */

struct vad *vad_new(uint64_t start, uint64_t end, uint32_t state, uint32_t protect, uint32_t alloc_protect,
		    uint32_t type)
{
	struct vad *v = vad_zalloc(sizeof(*v));
	if (!v)
		return NULL;
	v->runs = vad_zalloc(VAD_INITIAL_RUNS * sizeof(*v->runs));
	if (!v->runs) {
		vad_free(v);
		return NULL;
	}
	v->start = start;
	v->end = end;
	v->alloc_protect = alloc_protect;
	v->type = type;
	v->cap = VAD_INITIAL_RUNS;
	v->nruns = 1;
	v->runs[0] = (struct vad_run){ start, end, state, protect };
	v->height = 1;
	return v;
}

void vad_delete(struct vad *v)
{
	if (!v)
		return;
	vad_free(v->runs);
	vad_free(v->watch_bits);
	vad_free(v->reset_bits);
	vad_free(v);
}

/* ---- AVL tree ---------------------------------------------------------------- */

static int height(const struct vad *n)
{
	return n ? n->height : 0;
}

static void update_height(struct vad *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = 1 + (l > r ? l : r);
}

/* Make new take old's place under parent p (or at the root when p is NULL). */
static void replace_child(struct vad_tree *t, struct vad *p, struct vad *old, struct vad *new)
{
	if (!p)
		t->root = new;
	else if (p->left == old)
		p->left = new;
	else
		p->right = new;
	if (new)
		new->parent = p;
}

/* Rotate x's right child up into x's place; returns the new subtree root. */
static struct vad *rotate_left(struct vad_tree *t, struct vad *x)
{
	struct vad *y = x->right;
	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* Rotate x's left child up into x's place; returns the new subtree root. */
static struct vad *rotate_right(struct vad_tree *t, struct vad *x)
{
	struct vad *y = x->left;
	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* Restore heights and balance from n up to the root after n's subtree changed. */
static void rebalance_up(struct vad_tree *t, struct vad *n)
{
	while (n) {
		update_height(n);
		int bal = height(n->left) - height(n->right);
		if (bal > 1) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (bal < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

void vad_insert(struct vad_tree *t, struct vad *v)
{
	struct vad *p = NULL, **link = &t->root;
	while (*link) {
		p = *link;
		link = v->start < p->start ? &p->left : &p->right;
	}
	v->left = v->right = NULL;
	v->parent = p;
	v->height = 1;
	*link = v;
	t->count++;
	rebalance_up(t, p);
}

void vad_remove(struct vad_tree *t, struct vad *v)
{
	struct vad *fix;
	if (!v->left || !v->right) {
		fix = v->parent;
		replace_child(t, v->parent, v, v->left ? v->left : v->right);
	} else {
		/* Put the successor s (leftmost of the right subtree, no left child) in v's place. */
		struct vad *s = v->right;
		while (s->left)
			s = s->left;
		if (s->parent != v) {
			fix = s->parent;
			fix->left = s->right;
			if (s->right)
				s->right->parent = fix;
			s->right = v->right;
			v->right->parent = s;
		} else {
			fix = s;
		}
		s->left = v->left;
		v->left->parent = s;
		replace_child(t, v->parent, v, s);
		s->height = v->height;
	}
	rebalance_up(t, fix);
	v->left = v->right = v->parent = NULL;
	v->height = 1;
	t->count--;
}

struct vad *vad_find_next(const struct vad_tree *t, uint64_t addr)
{
	/* VADs are disjoint, so ends are ordered like starts. */
	struct vad *best = NULL, *n = t->root;
	while (n) {
		if (n->end > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vad *vad_find(const struct vad_tree *t, uint64_t addr)
{
	struct vad *v = vad_find_next(t, addr);
	return v && v->start <= addr ? v : NULL;
}

struct vad *vad_first(const struct vad_tree *t)
{
	struct vad *n = t->root;
	while (n && n->left)
		n = n->left;
	return n;
}

struct vad *vad_next(const struct vad *v)
{
	if (v->right) {
		v = v->right;
		while (v->left)
			v = v->left;
		return (struct vad *)v;
	}
	while (v->parent && v->parent->right == v)
		v = v->parent;
	return v->parent;
}

/* The highest VAD, or NULL when the tree is empty. */
static struct vad *vad_last(const struct vad_tree *t)
{
	struct vad *n = t->root;
	while (n && n->right)
		n = n->right;
	return n;
}

/* The in-order predecessor of v, or NULL. */
static struct vad *vad_prev(const struct vad *v)
{
	if (v->left) {
		v = v->left;
		while (v->right)
			v = v->right;
		return (struct vad *)v;
	}
	while (v->parent && v->parent->left == v)
		v = v->parent;
	return v->parent;
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

/* ---- runs ---------------------------------------------------------------------- */

int vad_runs_reserve(struct vad *v)
{
	if (v->nruns + 2 <= v->cap)
		return 0;
	uint32_t cap = v->cap ? v->cap : VAD_INITIAL_RUNS;
	while (v->nruns + 2 > cap)
		cap *= 2;
	struct vad_run *runs = vad_zalloc(cap * sizeof(*runs));
	if (!runs)
		return -1;
	memcpy(runs, v->runs, v->nruns * sizeof(*runs));
	vad_free(v->runs);
	v->runs = runs;
	v->cap = cap;
	return 0;
}

/* Index of the run containing addr (addr inside the VAD). */
static uint32_t run_index(const struct vad *v, uint64_t addr)
{
	uint32_t lo = 0, hi = v->nruns - 1;	/* the answer is in [lo, hi] */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (v->runs[mid].start <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

const struct vad_run *vad_run_at(const struct vad *v, uint64_t addr)
{
	return &v->runs[run_index(v, addr)];
}

const struct vad_run *vad_run_next(const struct vad *v, const struct vad_run *r)
{
	return r + 1 < v->runs + v->nruns ? r + 1 : NULL;
}

static bool same(const struct vad_run *a, const struct vad_run *b)
{
	return a->state == b->state && a->protect == b->protect;
}

void vad_runs_set(struct vad *v, uint64_t start, uint64_t end, uint32_t state, uint32_t protect)
{
	if (start >= end)
		return;
	uint32_t i = run_index(v, start);
	uint32_t j = v->runs[i].end >= end ? i : run_index(v, end - 1);	/* runs[i..j] are touched */
	struct vad_run l = v->runs[i], r = v->runs[j], n = { start, end, state, protect };
	bool has_l = l.start < start, has_r = end < r.end;
	l.end = start;
	r.start = end;
	/* Merge the new run with what remains of its neighbours, or with the runs beyond. */
	if (has_l && same(&l, &n)) {
		n.start = l.start;
		has_l = false;
	} else if (!has_l && i > 0 && same(&v->runs[i - 1], &n)) {
		n.start = v->runs[--i].start;
	}
	if (has_r && same(&r, &n)) {
		n.end = r.end;
		has_r = false;
	} else if (!has_r && j + 1 < v->nruns && same(&v->runs[j + 1], &n)) {
		n.end = v->runs[++j].end;
	}
	/* Replace runs[i..j] with [l] n [r]: at most two more runs than before. */
	uint32_t count = (uint32_t)has_l + 1 + (uint32_t)has_r;
	memmove(&v->runs[i + count], &v->runs[j + 1], (v->nruns - j - 1) * sizeof(*v->runs));
	v->nruns = v->nruns - (j - i + 1) + count;
	if (has_l)
		v->runs[i++] = l;
	v->runs[i++] = n;
	if (has_r)
		v->runs[i] = r;
}
