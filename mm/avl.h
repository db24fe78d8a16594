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

#include <stdbool.h>
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

/*
 * Augmented trees: the owner keeps data in each node that is a function of
 * the node's own key and its children's data only (a subtree summary, such as
 * the region tree's largest free gap).  avl_update_fn recomputes n's data
 * from its children (whose data are up to date) and says whether it changed.
 * The _aug variants do what the plain ones do and keep the summaries exact
 * through every rotation: each node whose subtree changed is recomputed,
 * bottom-up, stopping once neither height nor summary changes.  O(log n).
 */
typedef bool (*avl_update_fn)(struct avl_node *n);
void avl_link_aug(struct avl_node **root, struct avl_node *parent, struct avl_node **link, struct avl_node *n,
		  avl_update_fn update);
void avl_erase_aug(struct avl_node **root, struct avl_node *n, avl_update_fn update);

/*
 * After the owner changed n's own data (not its key order): recompute n's
 * summary, then its ancestors' while they change.  O(log n).
 */
void avl_propagate(struct avl_node *n, avl_update_fn update);

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
