/*
 * mm/kheap.h - kmalloc/kfree for memory-manager structures, and pool quota.
 * Sizes up to 2048 bytes come from one-page slabs of power-of-two classes
 * (16..2048); larger sizes take whole frame blocks.  Memory is zeroed but
 * for the _uninit variants, whose callers write every field themselves.
 * Frames are counted as FRAME_HEAP in frame_stats.
 *
 * Pool quota (NT's per-process pool quota): kernel memory a process causes
 * (its VADs and runs, bitmaps, section page arrays, handle table, image
 * bookkeeping, AWE arrays) is charged to it.  The heap keeps one set of slabs
 * per quota, so every heap frame belongs to exactly one quota (or to the
 * system) and a kfree always gives the frame back to the quota that paid for
 * it.  kmalloc charges the current context's quota (kheap_context_set: the
 * scheduler sets the running process's, a system call checks it); the frames
 * a quota holds are bounded by its limit and, all quotas together, by the
 * system pool limit.  Like NT's nonpaged pool they are resident memory, not
 * commit: they stay out of the commit charge (a reservation does not move
 * it), and the system pool limit keeps them from crowding out RAM.  One CPU,
 * no locks.
 */
#ifndef MM_KHEAP_H
#define MM_KHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "winvm.h"

#define STATUS_QUOTA_EXCEEDED ((ntstatus_t)0xC0000044)

/* Returns zeroed memory aligned to min(size class, 16), or NULL when out of memory or quota. */
void *kmalloc(size_t size);

/*
 * kmalloc without the zeroing, for an object whose every field the caller
 * writes at once (fork's copies of VADs); MM_DEBUG fills it with 0xa5 bytes.
 */
void *kmalloc_uninit(size_t size);

/*
 * n kmalloc_uninits of size bytes at once, to out[0..n): the heap lock taken
 * once (fork copies a run tree's nodes so).  Returns how many were made:
 * fewer than n when out of memory (out[0..returned) are valid and the caller's).
 */
size_t kmalloc_batch_uninit(size_t size, void **out, size_t n);

/* Free memory from kmalloc; NULL is ignored; panics on a pointer kmalloc did not return. */
void kfree(void *p);

/* Number of live kmalloc allocations (for leak tests). */
size_t kheap_live(void);

/* ---- pool quota ---- */

struct slab;
#define KHEAP_NCLASSES 8

struct pool_quota {
	struct slab *partial[KHEAP_NCLASSES];	/* this quota's slabs with a free object */
	struct slab *empty[KHEAP_NCLASSES];	/* an emptied slab kept (the three largest classes; on partial), until released */
	uint64_t pages;		/* heap frames charged now */
	uint64_t limit;		/* most frames (pages) */
	uint64_t peak;
	bool released;		/* the owner is gone: freed with its last frame */
};

/*
 * Whether a charge is checked: POOL_CHECKED (system calls) refuses one past
 * the quota's limit or the system pool limit; POOL_FORCE (page faults,
 * teardown, the kernel's own work) charges without refusing.
 */
enum pool_level { POOL_FORCE, POOL_CHECKED };

struct kheap_context {
	struct pool_quota *quota;	/* NULL: the system's own memory, not charged */
	enum pool_level level;
};

/*
 * The running thread's context (who pays for the next kmalloc) and the last
 * refusal: kheap.c's, read and written only through the inlines below (they
 * are on every system call's path).  The scheduler saves the context per thread.
 */
extern struct kheap_context kheap_ctx;
extern ntstatus_t kheap_refusal;

/* Make (quota, level) the context of later kmallocs; returns the previous one (for kheap_context_restore). */
static inline struct kheap_context kheap_context_set(struct pool_quota *quota, enum pool_level level)
{
	struct kheap_context old = kheap_ctx;
	kheap_ctx = (struct kheap_context){ quota, level };
	return old;
}

static inline void kheap_context_restore(struct kheap_context saved)
{
	kheap_ctx = saved;
}

/*
 * The status of the last charge refused since the last call (0 when none),
 * cleared: STATUS_QUOTA_EXCEEDED (the quota's limit), STATUS_INSUFFICIENT_RESOURCES
 * (the system pool limit).
 */
static inline ntstatus_t kheap_take_refusal(void)
{
	ntstatus_t r = kheap_refusal;
	kheap_refusal = 0;
	return r;
}

/* A new quota with the default per-process limit; NULL when out of memory. */
struct pool_quota *pool_quota_new(void);
/* The owner lets go of q: it is freed now, or with the last frame charged to it. */
void pool_quota_release(struct pool_quota *q);

/* The limits, in frames: per quota (for new quotas) and for all quotas together. */
void pool_set_limits(uint64_t per_quota, uint64_t system);
void pool_get_limits(uint64_t *per_quota, uint64_t *system, uint64_t *system_used);

#endif
