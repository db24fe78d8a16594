/*
 * mm/avl.c - intrusive AVL tree with parent pointers (see mm/avl.h).
 *
 * AVL rather than red-black: lookups dominate (every fault and every
 * VirtualQuery/VirtualProtect finds a VAD and a run), and AVL trees are the
 * flatter of the two (height below 1.44 log2 n against 2 log2 n).  Updates
 * walk up only while a subtree's height changes, so an insert does at most
 * one (single or double) rotation and usually stops within a level or two.
 */
#include "mm/avl.h"

#include <stdbool.h>

static int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static int max_child_height(const struct avl_node *n)
{
	int l = height(n->left), r = height(n->right);
	return l > r ? l : r;
}

/* Make new take old's place under parent p (or at the root when p is NULL). */
static void replace_child(struct avl_node **root, struct avl_node *p, struct avl_node *old, struct avl_node *new)
{
	if (!p)
		*root = new;
	else if (p->left == old)
		p->left = new;
	else
		p->right = new;
	if (new)
		new->parent = p;
}

/*
 * Rotate one child y of x up into x's place (the right child when right_up,
 * a left rotation; else the left child); y's inner subtree moves under x.
 * Recomputes x's then y's summary (update, unless NULL).  Returns y, the new
 * subtree root.
 */
static struct avl_node *rotate(struct avl_node **root, struct avl_node *x, bool right_up, avl_update_fn update)
{
	struct avl_node **x_to_y = right_up ? &x->right : &x->left;
	struct avl_node *y = *x_to_y;
	struct avl_node **y_inner = right_up ? &y->left : &y->right;
	*x_to_y = *y_inner;
	if (*y_inner)
		(*y_inner)->parent = x;
	replace_child(root, x->parent, x, y);
	*y_inner = x;
	x->parent = y;
	x->height = 1 + max_child_height(x);
	y->height = 1 + max_child_height(y);
	if (update) {
		update(x);
		update(y);
	}
	return y;
}

/*
 * Restore n's height and balance (its children are valid AVL trees); returns
 * the subtree's new root.  With update, the summaries of the nodes rotated are
 * recomputed (n's own, when nothing rotates, is the caller's).
 */
static struct avl_node *fix(struct avl_node **root, struct avl_node *n, avl_update_fn update)
{
	int bal = height(n->left) - height(n->right);
	if (bal > 1) {
		if (height(n->left->left) < height(n->left->right))
			rotate(root, n->left, true, update);
		return rotate(root, n, false, update);
	}
	if (bal < -1) {
		if (height(n->right->right) < height(n->right->left))
			rotate(root, n->right, false, update);
		return rotate(root, n, true, update);
	}
	n->height = 1 + max_child_height(n);
	return n;
}

/*
 * After n's subtree changed: fix n and its ancestors while the subtree height
 * (or, with update, its summary) keeps changing.  After a rotation the new
 * subtree root's summary is taken as changed: the one stored before was x's.
 */
static void rebalance(struct avl_node **root, struct avl_node *n, avl_update_fn update)
{
	while (n) {
		int old = n->height;
		struct avl_node *top = fix(root, n, update);
		bool changed = top->height != old;
		if (top != n)
			changed |= update != NULL;
		else if (update && update(n))
			changed = true;
		if (!changed)
			return;
		n = top->parent;
	}
}

void avl_propagate(struct avl_node *n, avl_update_fn update)
{
	update(n);	/* whether n's changed says nothing: its stored summary may be stale */
	for (n = n->parent; n && update(n); n = n->parent)
		;
}

void avl_link_aug(struct avl_node **root, struct avl_node *parent, struct avl_node **link, struct avl_node *n,
		  avl_update_fn update)
{
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	if (update)
		update(n);
	*link = n;
	rebalance(root, parent, update);
}

void avl_link(struct avl_node **root, struct avl_node *parent, struct avl_node **link, struct avl_node *n)
{
	avl_link_aug(root, parent, link, n, NULL);
}

void avl_insert_after(struct avl_node **root, struct avl_node *after, struct avl_node *n)
{
	if (!after) {
		struct avl_node *p = avl_first(*root);
		avl_link(root, p, p ? &p->left : root, n);
	} else if (!after->right) {
		avl_link(root, after, &after->right, n);
	} else {
		struct avl_node *p = avl_first(after->right);
		avl_link(root, p, &p->left, n);
	}
}

void avl_erase_aug(struct avl_node **root, struct avl_node *n, avl_update_fn update)
{
	struct avl_node *from;		/* the lowest node whose subtree lost a level */
	struct avl_node *moved = NULL;	/* the successor put in n's place, if any */
	if (!n->left || !n->right) {
		from = n->parent;
		replace_child(root, n->parent, n, n->left ? n->left : n->right);
	} else {
		/* Put the successor s (leftmost of the right subtree, no left child) in n's place. */
		struct avl_node *s = n->right;
		while (s->left)
			s = s->left;
		if (s->parent != n) {
			from = s->parent;
			from->left = s->right;
			if (s->right)
				s->right->parent = from;
			s->right = n->right;
			n->right->parent = s;
		} else {
			from = s;
		}
		s->left = n->left;
		n->left->parent = s;
		replace_child(root, n->parent, n, s);
		s->height = n->height;
		moved = s;
	}
	rebalance(root, from, update);
	/* The walk may stop below the successor's new place, where its stored summary is another subtree's. */
	if (update && moved)
		avl_propagate(moved, update);
	n->left = n->right = n->parent = NULL;
	n->height = 1;
}

void avl_erase(struct avl_node **root, struct avl_node *n)
{
	avl_erase_aug(root, n, NULL);
}

struct avl_node *avl_first(const struct avl_node *n)
{
	while (n && n->left)
		n = n->left;
	return (struct avl_node *)n;
}

struct avl_node *avl_last(const struct avl_node *n)
{
	while (n && n->right)
		n = n->right;
	return (struct avl_node *)n;
}

/* The in-order neighbour of n: the next one when forward, else the previous one. */
static inline struct avl_node *neighbour(const struct avl_node *n, bool forward)
{
	const struct avl_node *down = forward ? n->right : n->left;
	if (down)
		return forward ? avl_first(down) : avl_last(down);
	while (n->parent && (forward ? n->parent->right : n->parent->left) == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *avl_next(const struct avl_node *n)
{
	return neighbour(n, true);
}

struct avl_node *avl_prev(const struct avl_node *n)
{
	return neighbour(n, false);
}

/* avl_check below n (whose parent must be parent): sets *h to the subtree's real height. */
static const char *check_below(const struct avl_node *n, const struct avl_node *parent, int *h, uint64_t *count)
{
	if (!n) {
		*h = 0;
		return NULL;
	}
	if (n->parent != parent)
		return "avl: parent link";
	int hl, hr;
	const char *e = check_below(n->left, n, &hl, count);
	if (!e)
		e = check_below(n->right, n, &hr, count);
	if (e)
		return e;
	if (n->height != 1 + (hl > hr ? hl : hr))
		return "avl: stored height";
	if (hl - hr > 1 || hr - hl > 1)
		return "avl: unbalanced";
	*h = n->height;
	(*count)++;
	return NULL;
}

const char *avl_check(const struct avl_node *root, uint64_t *count)
{
	int h;
	*count = 0;
	return check_below(root, NULL, &h, count);
}
