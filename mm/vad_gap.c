/*
 * mm/vad_gap.c - the free-range search of the region tree (vad_find_gap,
 * mm/vad.h): O(log n) through the gaps mm/vad.c keeps in every VAD and the
 * largest one of every subtree.  Pure code: also built for the host.
 */
#include "mm/vad.h"

/*
 * One search looks at free ranges in address order (descending when
 * top_down): the gaps below VADs, found through the subtree maxima, and the
 * range above the last VAD (below hi: above the last VAD starting below hi).
 * A gap is looked at only when its size from a granule boundary reaches need
 * (size, or for align below VAD_GRANULE size less a granule's worth, since
 * such a gap can start up to VAD_GRANULE - 1 bytes lower), then clipped to
 * [lo, hi) and tried exactly; for align VAD_GRANULE the filter is exact.
 */
struct gap_search {
	uint64_t size, mask, lo, hi;
	uint64_t need;		/* the filter */
	bool top_down;
	bool done;		/* found, or no range further on can lie inside [lo, hi) */
	uint64_t found;
};

#ifdef HOST_TEST
uint64_t vad_gap_visits;
#define COUNT_VISIT() (vad_gap_visits++)
#else
#define COUNT_VISIT() ((void)0)
#endif

/* Whether v's gap can hold the size at all. */
static bool gap_passes(const struct gap_search *q, const struct vad *v)
{
	return v->gap_g >= q->need;
}

/* Whether some gap in v's subtree can. */
static bool subtree_passes(const struct gap_search *q, const struct vad *v)
{
	return v->gap_max >= q->need;
}

/*
 * Try the free range [base, top): clipped to [lo, hi), does an aligned
 * range of size fit (the lowest, or the highest when top_down)?  Sets done
 * when it fits or when the range reaches the bound the search moves towards.
 * Returns done.
 */
static bool try_range(struct gap_search *q, uint64_t base, uint64_t top)
{
	bool edge = q->top_down ? base <= q->lo : top >= q->hi;
	if (base < q->lo)
		base = q->lo;
	if (top > q->hi)
		top = q->hi;
	if (top > base && top - base >= q->size) {
		if (!q->top_down) {
			if (base <= UINT64_MAX - q->mask) {
				uint64_t cand = (base + q->mask) & ~q->mask;
				if (cand < top && top - cand >= q->size) {
					q->found = cand;
					edge = true;
				}
			}
		} else {
			uint64_t cand = (top - q->size) & ~q->mask;
			if (cand >= base) {
				q->found = cand;
				edge = true;
			}
		}
	}
	q->done = edge;
	return edge;
}

/* Bottom-up through n's subtree: the gaps below its VADs that end above lo. */
static void search_up(struct gap_search *q, const struct avl_node *n)
{
	while (n && !q->done) {
		const struct vad *v = vad_of(n);
		COUNT_VISIT();
		if (v->end <= q->lo) {	/* v and its left subtree: below the window */
			n = n->right;
			continue;
		}
		if (!subtree_passes(q, v))
			return;
		search_up(q, n->left);
		if (q->done || (gap_passes(q, v) && try_range(q, v->start - v->gap, v->start)))
			return;
		if (v->start >= q->hi) {	/* every later range starts above v: outside */
			q->done = true;
			return;
		}
		n = n->right;
	}
}

/* Top-down through n's subtree: the gaps below its VADs that start below hi. */
static void search_down(struct gap_search *q, const struct avl_node *n)
{
	while (n && !q->done) {
		const struct vad *v = vad_of(n);
		COUNT_VISIT();
		if (v->start >= q->hi) {	/* v and its right subtree: above the window */
			n = n->left;
			continue;
		}
		if (!subtree_passes(q, v))
			return;
		search_down(q, n->right);
		if (q->done || (gap_passes(q, v) && try_range(q, v->start - v->gap, v->start)))
			return;
		if (v->start - v->gap <= q->lo) {	/* every later range ends below v's gap: outside */
			q->done = true;
			return;
		}
		n = n->left;
	}
}

/*
 * align must be a power of two (0 is taken as 1).  Address 0 is never
 * returned (0 means no gap), so lo is raised to 1.  All arithmetic is checked
 * for wrap-around.
 */
uint64_t vad_find_gap(const struct vad_tree *t, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi,
		      bool top_down)
{
	struct gap_search q = { .size = size, .mask = align ? align - 1 : 0, .lo = lo ? lo : 1, .hi = hi,
				.top_down = top_down };
	q.need = align >= VAD_GRANULE ? size : size > VAD_GRANULE - 1 ? size - (VAD_GRANULE - 1) : 0;
	if (size == 0 || q.lo >= hi || hi - q.lo < size)
		return 0;
	if (!top_down) {
		search_up(&q, t->root);
		if (!q.done) {
			const struct vad *last = vad_of(avl_last(t->root));
			try_range(&q, last ? last->end : 0, UINT64_MAX);
		}
		return q.found;
	}
	/* The last VAD starting below hi: the one holding hi - 1, or the one before the next above it. */
	const struct vad *v = vad_find_next(t, hi - 1);
	if (!v)
		v = vad_of(avl_last(t->root));
	else if (v->start >= hi)
		v = vad_of(avl_prev(&v->node));
	if (!try_range(&q, v ? v->end : 0, hi))
		search_down(&q, t->root);
	return q.found;
}
