/* tests/kernel/test_vad.c - the region tree in the running kernel: thousands of VADs on kmalloc, no leaks. */
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/vad.h"

#define VAD_N    3000
#define VAD_GRAN 0x10000ULL

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Height of an AVL tree with n nodes is below 1.45 log2(n + 2). */
static int max_avl_height(uint64_t n)
{
	int lg = 0;
	while ((1ULL << lg) < n + 2)
		lg++;
	return lg * 3 / 2 + 1;
}

KTEST(vad_tree_thousands_no_leak)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t live0 = kheap_live();
	struct vad_tree t = { 0 };
	/* Slot i (one 64 KiB granule apart, scrambled order) gets a VAD of 1..4 pages. */
	for (uint64_t k = 0; k < VAD_N; k++) {
		uint64_t i = (k * 7919) % VAD_N, start = (i + 16) * VAD_GRAN;
		struct vad *v = vad_new(start, start + (1 + i % 4) * PAGE_SIZE, 0x2000, 0, 0x04, 0x20000);
		KT_ASSERT(v);
		vad_insert(&t, v);
	}
	KT_EQ(t.count, VAD_N);
	KT_ASSERT(t.root->height <= max_avl_height(VAD_N));
	KT_EQ(kheap_live(), live0 + VAD_N);	/* one block per VAD: its first run is inline */
	/* Lookups: inside, just past, and the gap search between. */
	for (int k = 0; k < 4 * VAD_N; k++) {
		uint64_t i = rng() % VAD_N, start = (i + 16) * VAD_GRAN, len = (1 + i % 4) * PAGE_SIZE;
		struct vad *v = vad_find(&t, start + rng() % len);
		KT_ASSERT(v && v->start == start && v->end == start + len);
		KT_ASSERT(vad_find(&t, start + len) == NULL);
		KT_ASSERT(vad_find_next(&t, start + len) == (i + 1 < VAD_N ? vad_next(v) : NULL));
		KT_ASSERT(!vad_range_free(&t, start - PAGE_SIZE, start + PAGE_SIZE));
		KT_ASSERT(vad_range_free(&t, start + len, start + VAD_GRAN));
	}
	/* Split runs in some VADs (two spare run nodes each, taken by the split). */
	for (struct vad *v = vad_first(&t); v; v = vad_next(v)) {
		if (v->end - v->start < 3 * PAGE_SIZE)
			continue;
		KT_EQ(vad_runs_reserve(v), 0);
		vad_runs_set(v, v->start + PAGE_SIZE, v->start + 2 * PAGE_SIZE, 0x1000, 0x04);
		KT_EQ(v->nruns, 3);
		KT_EQ(vad_run_at(v, v->start + PAGE_SIZE)->state, 0x1000);
		uint64_t nodes;
		KT_ASSERT(avl_check(v->run_root, &nodes) == NULL);
		KT_EQ(nodes, 3);
		const struct vad_run *r = vad_run_at(v, v->start);
		KT_ASSERT(r->end == v->start + PAGE_SIZE && r->state == 0x2000);
		r = vad_run_next(v, vad_run_next(v, r));
		KT_ASSERT(r && r->start == v->start + 2 * PAGE_SIZE && r->end == v->end && !vad_run_next(v, r));
	}
	uint64_t nodes;
	KT_ASSERT(avl_check(t.root, &nodes) == NULL);
	KT_EQ(nodes, VAD_N);
	uint64_t below = 16 * VAD_GRAN, above = (VAD_N + 16) * VAD_GRAN;
	KT_EQ(vad_find_gap(&t, 2 * VAD_GRAN, VAD_GRAN, VAD_GRAN, 0x800000000000ULL, false), VAD_GRAN);
	KT_EQ(vad_find_gap(&t, 2 * VAD_GRAN, VAD_GRAN, below, 0x800000000000ULL, false), above);
	KT_EQ(vad_find_gap(&t, VAD_GRAN / 2, PAGE_SIZE, below, above, true), above - VAD_GRAN / 2);
	KT_EQ(vad_find_gap(&t, VAD_GRAN / 2, VAD_GRAN, below, above, true), 0);	/* every granule starts with a VAD */
	/* Remove everything in another order. */
	for (uint64_t k = 0; k < VAD_N; k++) {
		uint64_t i = (k * 104729) % VAD_N;
		struct vad *v = vad_find(&t, (i + 16) * VAD_GRAN);
		KT_ASSERT(v);
		vad_remove(&t, v);
		vad_delete(v);
		if (k % 500 == 0 && t.root)
			KT_ASSERT(t.root->height <= max_avl_height(t.count));
	}
	KT_ASSERT(t.root == NULL);
	KT_EQ(t.count, 0);
	KT_EQ(kheap_live(), live0);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(after.by_owner[FRAME_HEAP], before.by_owner[FRAME_HEAP]);
}
