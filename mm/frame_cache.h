/*
 * mm/frame_cache.h - between the buddy allocator (mm/frame.c) and the
 * per-CPU caches of single frames in front of it (mm/frame_cache.c).
 * Nothing outside these two files includes it.
 *
 * A cached frame is free: owner FRAME_FREE, order FRAME_ORDER_CACHED,
 * refcount 0, poisoned (MM_DEBUG, below frame_poison_below).  It is on no
 * free list, and the buddy never merges with it.
 */
#ifndef MM_FRAME_CACHE_H
#define MM_FRAME_CACHE_H

#include "mm/frame.h"

#define FRAME_CACHE_CPUS  16	/* CPUs with a cache; a higher index uses the buddy directly */
#define FRAME_CACHE_HIGH  64	/* frames a cache holds at most: a free into a full cache flushes */
#define FRAME_CACHE_BATCH 32	/* frames moved per refill (empty cache) and per flush (full cache) */
#define FRAME_CACHE_ZEROED 32	/* frames known to hold only zeros a cache keeps apart (frame_free_zeroed) */
#define FRAME_CACHE_BYPASS UINT64_MAX	/* frame_cache_alloc: no cache here, use the buddy */

#define FRAME_STATE(order, owner) ((uint16_t)((order) | (owner) << 8))

/* ---- the buddy's side (mm/frame.c) ---- */
void frame_buddy_lock(void);
void frame_buddy_unlock(void);
/*
 * Under frame_buddy_lock: take up to want (>= 1) single frames off the free
 * lists into out[] (largest blocks that fit first), each marked cached.
 * Returns how many (0: the lists are empty).  Moves no counter: a cached
 * frame is still free.
 */
unsigned frame_buddy_take(uint32_t *out, unsigned want);
/*
 * Under frame_buddy_lock: put the n cached frames fns[] back on the free
 * lists (they are poisoned already); as one block when they are exactly a
 * naturally aligned block (the frames of one refill, freed together).
 */
void frame_buddy_put(const uint32_t *fns, unsigned n);
/* MM_DEBUG: panic unless the block still holds FRAME_POISON. */
void frame_poison_check(uint64_t fn, unsigned order);
/* MM_DEBUG: fill the block with FRAME_POISON. */
void frame_poison_fill(uint64_t fn, unsigned order);
/* Panic (naming who) unless frame fn holds only zeros. */
void frame_zero_check(uint64_t fn, const char *who);

/* ---- the caches' side (mm/frame_cache.c) ---- */
/* Forget every cache (frame_init_core: a new database). */
void frame_cache_reset(void);
/*
 * One frame for owner from this CPU's cache (refilled as needed); 0 when
 * memory is out; FRAME_CACHE_BYPASS when this CPU has no cache.  zeroed not
 * NULL: one of the frames known to hold zeros first, *zeroed telling
 * whether it is one.
 */
uint64_t frame_cache_alloc(enum frame_owner owner, bool *zeroed);
/* Free the single frame f (number fn), which frame_free has checked, into this CPU's cache; false (nothing done) when it has none. */
bool frame_cache_free(struct frame *f, uint32_t fn);
/* Free the single all-zero frame f (number fn), checked by frame_free, among this CPU's zeroed frames; false
   (nothing done) when it has no cache or they are full. */
bool frame_cache_free_zeroed(struct frame *f, uint32_t fn);
/* Add every cache's share of the owner counts: frames allocated from caches minus freed to them. */
void frame_cache_counts(int64_t owner[FRAME_OWNER_COUNT]);
/* The caches' share of used frames (the sum of their owner counts, kept apart for frame_free_count). */
int64_t frame_cache_used(void);

#endif
