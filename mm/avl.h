/*
 * mm/avl.h - an intrusive AVL tree with parent pointers, shared by the
 * region tree (VADs of a process) and the run tree of each VAD (mm/vad.c).
 *
 * The node is embedded in the owner's structure; the caller does its own
 * key comparisons while descending, then links the node with avl_link, so
 * this file knows nothing about keys.  Parent pointers give in-order
 * neighbours without a stack.  Pure code: built for the host too.  Not
 * locked: the owner of the tree serialises access.
 */
#ifndef MM_AVL_H
#define MM_AVL_H

#include <stddef.h>
#include <stdint.h>

struct avl_node {
	struct avl_node *left, *right, *parent;
	int height;		/* of the subtree rooted here; a leaf is 1 */
};

/* The structure of type T whose member m is the avl_node p; NULL for NULL.  p is evaluated once. */
#define avl_entry(p, T, m)                                                           \
	({                                                                           \
		const struct avl_node *avl_p_ = (p);                                 \
		avl_p_ ? (T *)(void *)((char *)avl_p_ - offsetof(T, m)) : (T *)NULL; \
	})

/*
 * Attach n (its links are overwritten) as the child of parent at *link, where
 * link is &parent->left or &parent->right, or root when parent is NULL, and
 * rebalance.  *link must be NULL.  O(log n).
 */
void avl_link(struct avl_node **root, struct avl_node *parent, struct avl_node **link, struct avl_node *n);

/* Attach n just after (in order) the node after, or first when after is NULL.  O(log n). */
void avl_insert_after(struct avl_node **root, struct avl_node *after, struct avl_node *n);

/* Detach n from the tree and rebalance; n's links are cleared.  O(log n). */
void avl_erase(struct avl_node **root, struct avl_node *n);

/* In-order first / last / next / previous; NULL past either end.  Amortised O(1) for next/prev. */
struct avl_node *avl_first(const struct avl_node *root);
struct avl_node *avl_last(const struct avl_node *root);
struct avl_node *avl_next(const struct avl_node *n);
struct avl_node *avl_prev(const struct avl_node *n);

/*
 * Debug oracle for tests: checks parent links, stored heights and balance of
 * the whole tree and counts its nodes into *count.  Returns NULL, or what is
 * wrong.  O(n), recursive.
 */
const char *avl_check(const struct avl_node *root, uint64_t *count);

#endif
