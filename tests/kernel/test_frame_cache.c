/* tests/kernel/test_frame_cache.c - this CPU's frame cache (mm/frame_cache.c) in the running kernel. */
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/phys.h"

static bool stats_equal(const struct frame_stats *a, const struct frame_stats *b)
{
	if (a->total != b->total || a->free != b->free || a->used != b->used)
		return false;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		if (a->by_owner[i] != b->by_owner[i])
			return false;
	return true;
}

/*
 * A single frame freed goes into the cache (free in every count, marked
 * cached, not on a free list) and is the next one handed out; a drain gives
 * the cache back to the buddy, and the statistics never move but by the
 * frames held.
 */
KTEST(frame_cache_lifo_exact_drain)
{
	struct frame_stats s0, s;
	frame_caches_drain();
	frame_stats(&s0);
	uint64_t blocks0 = frame_free_blocks(0);
	uint64_t p = frame_alloc(0, FRAME_KERNEL);
	KT_ASSERT(p != 0);
	frame_stats(&s);
	KT_EQ(s.used, s0.used + 1);
	KT_EQ(s.free, s0.free - 1);
	KT_EQ(s.by_owner[FRAME_KERNEL], s0.by_owner[FRAME_KERNEL] + 1);
	KT_EQ(frame_get(p)->order, 0);
	KT_EQ(frame_get(p)->refcount, 1);
	frame_free(p, 0);
	KT_EQ(frame_get(p)->owner, FRAME_FREE);
	KT_EQ(frame_get(p)->order, FRAME_ORDER_CACHED);
	frame_stats(&s);
	KT_ASSERT(stats_equal(&s, &s0));
	/* The cache is a stack: the frame just freed (still in the CPU's caches) comes back first. */
	uint64_t q = frame_alloc(0, FRAME_USER);
	KT_EQ(q, p);
	KT_EQ(frame_get(q)->owner, FRAME_USER);
	/* A free list shows none of this: the cache took a whole batch at its refill. */
	frame_free(q, 0);
	KT_ASSERT(frame_caches_drain() >= 1);
	KT_ASSERT(frame_get(p)->order != FRAME_ORDER_CACHED);
	KT_EQ(frame_free_blocks(0), blocks0);
	frame_stats(&s);
	KT_ASSERT(stats_equal(&s, &s0));
}

/* Many single frames at once (more than the cache holds): every one distinct, all counted, all back. */
#define MANY 300
static uint64_t many[MANY];

KTEST(frame_cache_overflow_and_refill)
{
	struct frame_stats s0, s;
	frame_stats(&s0);
	for (int i = 0; i < MANY; i++) {
		many[i] = frame_alloc(0, FRAME_KERNEL);
		KT_ASSERT(many[i] != 0);
		*(uint64_t *)(phys_to_virt(many[i])) = many[i];
	}
	for (int i = 0; i < MANY; i++)
		for (int j = i + 1; j < MANY; j++)
			KT_ASSERT(many[i] != many[j]);
	frame_stats(&s);
	KT_EQ(s.used, s0.used + MANY);
	KT_EQ(s.by_owner[FRAME_KERNEL], s0.by_owner[FRAME_KERNEL] + MANY);
	for (int i = 0; i < MANY; i++) {
		KT_EQ(*(uint64_t *)(phys_to_virt(many[i])), many[i]);
		frame_free(many[i], 0);
	}
	frame_stats(&s);
	KT_ASSERT(stats_equal(&s, &s0));
}
