/*
 * tests/host/test_frame.c - the buddy allocator on a fake 16 MiB RAM arena with holes, one CPU's
 * frame cache in front of it (tests/host/test_frame_smp.c: many CPUs).
 * sources: mm/frame.c mm/frame_cache.c
 */
#include "check.h"
#include "mm/frame.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#define ARENA_SIZE (16u << 20)
#define NFRAMES    (ARENA_SIZE / 4096)
#define FRAME_CACHE_ZEROED_TEST 100	/* more than a CPU keeps zeroed (mm/frame_cache.h: 32) */

/* Holes: frame 0, 5..15, 1536, 2047 and 3072.. are absent; 1..4 and 16..1535 are usable, with
 * the range boundary at 0x200000 touching (the allocator must merge across it). */
static const struct phys_range ranges[] = {
	{ 0x1000, 0x5000 },     { 0x10000, 0x200000 }, { 0x200000, 0x600000 },
	{ 0x601000, 0x7ff000 }, { 0x800000, 0xc00000 },
};
#define NRANGES ((int)(sizeof(ranges) / sizeof(ranges[0])))

static uint8_t *arena;
static struct frame *database;
static uint8_t usable[NFRAMES];	/* reference: frame inside a range */
static uint64_t usable_count;
static uint64_t initial_blocks[FRAME_MAX_ORDER + 1];

static jmp_buf panic_jmp;
static char panic_msg[200];
static int panics;

static void test_panic_hook(const char *msg)
{
	snprintf(panic_msg, sizeof(panic_msg), "%s", msg);
	panics++;
	longjmp(panic_jmp, 1);
}

/* The per-CPU caches (mm/frame_cache.c) are on: this thread is CPU 0. */
static int cpu_zero(void)
{
	return 0;
}

/* Fresh allocator on the arena, every test starts from here. */
static void setup(void)
{
	if (!arena) {
		arena = aligned_alloc(1 << 22, ARENA_SIZE);
		database = malloc(NFRAMES * sizeof(struct frame));
	}
	memset(arena, 0xcc, ARENA_SIZE);
	memset(usable, 0, sizeof(usable));
	usable_count = 0;
	for (int r = 0; r < NRANGES; r++)
		for (uint64_t f = ranges[r].base / 4096; f < ranges[r].end / 4096; f++, usable_count++)
			usable[f] = 1;
	frame_panic_hook = test_panic_hook;
	frame_cpu_hook = cpu_zero;
	panics = 0;
	frame_init_core(database, NFRAMES, ranges, NRANGES, arena);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		initial_blocks[k] = frame_free_blocks(k);
}

static int all_usable(uint64_t f, unsigned k)
{
	for (uint64_t i = f; i < f + (1ULL << k); i++)
		if (i >= NFRAMES || !usable[i])
			return 0;
	return 1;
}

/* Oracle: the number of maximal free buddy blocks of order k over the usable set. */
static uint64_t expected_blocks(unsigned k)
{
	uint64_t n = 0;
	for (uint64_t f = 0; f < NFRAMES; f += 1ULL << k) {
		if (!all_usable(f, k))
			continue;
		if (k < FRAME_MAX_ORDER && all_usable(f & ~((2ULL << k) - 1), k + 1))
			continue;
		n++;
	}
	return n;
}

static int counts_are_initial(void)
{
	struct frame_stats st;
	frame_stats(&st);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		if (frame_free_blocks(k) != initial_blocks[k])
			return 0;
	return st.free == usable_count && st.used == 0;
}

TEST(init_matches_oracle)
{
	setup();
	struct frame_stats st;
	frame_stats(&st);
	CHECK_EQ(st.total, usable_count);
	CHECK_EQ(st.free, usable_count);
	CHECK_EQ(st.used, 0);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK_EQ(frame_free_blocks(k), expected_blocks(k));
	CHECK_EQ(frame_free_blocks(FRAME_MAX_ORDER), 1);	/* 0x800000..0xc00000 */
	CHECK_EQ(frame_get(0)->owner, FRAME_ABSENT);
	CHECK_EQ(frame_get(0x600000)->owner, FRAME_ABSENT);
	CHECK_EQ(frame_get(0x1000)->owner, FRAME_FREE);
	CHECK(frame_get((uint64_t)NFRAMES * 4096) == NULL);
	/* Free memory carries the poison. */
	CHECK_EQ(*(uint64_t *)(arena + 0x10000), FRAME_POISON);
	CHECK_EQ(arena[0x5000], 0xcc);
}

TEST(alloc_every_order)
{
	setup();
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		uint64_t p = frame_alloc(k, FRAME_KERNEL);
		CHECK(p != 0);
		CHECK_EQ(p & ((4096ULL << k) - 1), 0);
		CHECK(all_usable(p / 4096, k));
		struct frame *f = frame_get(p);
		CHECK_EQ(f->owner, FRAME_KERNEL);
		CHECK_EQ(f->order, k);
		CHECK_EQ(f->refcount, 1);
		struct frame_stats st;
		frame_stats(&st);
		CHECK_EQ(st.by_owner[FRAME_KERNEL], 1ULL << k);
		CHECK_EQ(st.free, usable_count - (1ULL << k));
		frame_free(p, k);
		CHECK_EQ(f->owner, FRAME_FREE);
		CHECK_EQ(f->refcount, 0);
		CHECK(counts_are_initial());
	}
	CHECK_EQ(frame_alloc(FRAME_MAX_ORDER + 1, FRAME_KERNEL), 0);
	CHECK_EQ(frame_alloc(0, FRAME_FREE), 0);
	/* Only one 4 MiB block exists. */
	uint64_t a = frame_alloc(FRAME_MAX_ORDER, FRAME_USER);
	CHECK_EQ(a, 0x800000);
	CHECK_EQ(frame_alloc(FRAME_MAX_ORDER, FRAME_USER), 0);
	frame_free(a, FRAME_MAX_ORDER);
	CHECK(counts_are_initial());
}

static uint64_t live[NFRAMES];

TEST(exhaustion_and_full_coalescing)
{
	setup();
	int n = 0;
	uint64_t p;
	static uint8_t seen[NFRAMES];
	memset(seen, 0, sizeof(seen));
	while ((p = frame_alloc(0, FRAME_HEAP)) != 0) {
		CHECK(usable[p / 4096]);
		CHECK(!seen[p / 4096]);
		seen[p / 4096] = 1;
		live[n++] = p;
	}
	CHECK_EQ(n, usable_count);
	CHECK_EQ(frame_alloc(0, FRAME_HEAP), 0);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK_EQ(frame_free_blocks(k), 0);
	struct frame_stats st;
	frame_stats(&st);
	CHECK_EQ(st.free, 0);
	CHECK_EQ(st.by_owner[FRAME_HEAP], usable_count);
	/* Free in a scrambled order; the blocks must coalesce back to the initial shape. */
	srand(7);
	for (int i = n - 1; i > 0; i--) {
		int j = rand() % (i + 1);
		uint64_t t = live[i];
		live[i] = live[j];
		live[j] = t;
	}
	for (int i = 0; i < n; i++)
		frame_free(live[i], 0);
	CHECK(counts_are_initial());
	CHECK_EQ(panics, 0);
}

TEST(random_stress_no_overlap)
{
	setup();
	static uint8_t owned[NFRAMES];
	static uint64_t lp[4096];
	static unsigned lo[4096];
	memset(owned, 0, sizeof(owned));
	int n = 0;
	srand(12345);
	for (int step = 0; step < 100000; step++) {
		if (n > 0 && (rand() % 100 < 45 || n == 4096)) {
			int i = rand() % n;
			/* The pattern written at allocation is still there: nobody else got the block. */
			CHECK_EQ(*(uint64_t *)(arena + lp[i]), lp[i] ^ lo[i]);
			for (uint64_t f = lp[i] / 4096; f < lp[i] / 4096 + (1ULL << lo[i]); f++)
				owned[f] = 0;
			frame_free(lp[i], lo[i]);
			lp[i] = lp[--n];
			lo[i] = lo[n];
		} else {
			unsigned k = rand() % 100 < 70 ? rand() % 3 : rand() % (FRAME_MAX_ORDER + 1);
			uint64_t p = frame_alloc(k, FRAME_USER);
			if (!p)
				continue;
			CHECK_EQ(p & ((4096ULL << k) - 1), 0);
			for (uint64_t f = p / 4096; f < p / 4096 + (1ULL << k); f++) {
				CHECK(usable[f]);
				CHECK(!owned[f]);
				owned[f] = 1;
			}
			*(uint64_t *)(arena + p) = p ^ k;
			lp[n] = p;
			lo[n++] = k;
		}
	}
	uint64_t used = 0;
	for (int i = 0; i < n; i++)
		used += 1ULL << lo[i];
	struct frame_stats st;
	frame_stats(&st);
	CHECK_EQ(st.used, used);
	CHECK_EQ(st.by_owner[FRAME_USER], used);
	while (n > 0) {
		n--;
		frame_free(lp[n], lo[n]);
	}
	CHECK(counts_are_initial());
	CHECK_EQ(panics, 0);
}

TEST(double_free_and_wrong_order_panic)
{
	setup();
	uint64_t a = frame_alloc(2, FRAME_KERNEL);
	CHECK(a != 0);
	if (setjmp(panic_jmp) == 0) {
		frame_free(a, 1);
		CHECK(!"wrong order not detected");
	}
	CHECK_EQ(panics, 1);
	CHECK(strncmp(panic_msg, "frame_free: ", 12) == 0);
	if (setjmp(panic_jmp) == 0) {
		frame_free(a + 4096, 0);	/* inside the block, not its head */
		CHECK(!"free of a non-head frame not detected");
	}
	CHECK_EQ(panics, 2);
	if (setjmp(panic_jmp) == 0) {
		frame_free(a + 2048, 2);	/* misaligned */
		CHECK(!"misaligned free not detected");
	}
	CHECK_EQ(panics, 3);
	frame_free(a, 2);
	CHECK(counts_are_initial());
	if (setjmp(panic_jmp) == 0) {
		frame_free(a, 2);
		CHECK(!"double free not detected");
	}
	CHECK_EQ(panics, 4);
	CHECK(strstr(panic_msg, "double free") != NULL);
	CHECK(counts_are_initial());
	if (setjmp(panic_jmp) == 0) {
		frame_free(0x600000, 0);	/* a hole */
		CHECK(!"free of an absent frame not detected");
	}
	CHECK_EQ(panics, 5);
	CHECK(counts_are_initial());
}

TEST(poison_detects_write_after_free)
{
	setup();
	uint64_t victim = frame_alloc(0, FRAME_KERNEL);
	CHECK(victim != 0);
	frame_free(victim, 0);
	arena[victim + 100] = 1;	/* use after free */
	int n = 0;
	uint64_t p = 1;
	if (setjmp(panic_jmp) == 0) {
		while ((p = frame_alloc(0, FRAME_KERNEL)) != 0)
			live[n++] = p;
	}
	CHECK_EQ(panics, 1);
	char want[80];
	snprintf(want, sizeof(want), "frame poison damaged at phys %lx", (unsigned long)(victim + 96));
	CHECK_STR(panic_msg, want);
	/* The allocator is intact: repair the page, and the rest of the run completes. */
	arena[victim + 100] = 0x5a;
	while ((p = frame_alloc(0, FRAME_KERNEL)) != 0)
		live[n++] = p;
	CHECK_EQ(n, usable_count);
	for (int i = 0; i < n; i++)
		frame_free(live[i], 0);
	CHECK(counts_are_initial());
}

TEST(zeroed_alloc_and_page_ops)
{
	setup();
	uint64_t a = frame_alloc_zeroed(1, FRAME_KERNEL);
	CHECK(a != 0);
	for (int i = 0; i < 8192; i++)
		CHECK_EQ(arena[a + i], 0);
	uint64_t b = frame_alloc(0, FRAME_KERNEL);
	for (int i = 0; i < 4096; i++)
		arena[b + i] = (uint8_t)(i * 7 + 1);
	page_copy(arena + a, arena + b);
	CHECK(memcmp(arena + a, arena + b, 4096) == 0);
	CHECK_EQ(arena[a + 4096], 0);	/* exactly one page copied */
	page_zero(arena + b);
	for (int i = 0; i < 4096; i++)
		CHECK_EQ(arena[b + i], 0);
	frame_free(b, 0);
	frame_free(a, 1);
	CHECK(counts_are_initial());
}

/* frame_free_zeroed: an all-zero frame kept apart, handed back by frame_alloc_zeroed unfilled, checked both ways. */
TEST(zeroed_frames_kept_apart_and_checked)
{
	setup();
	struct frame_stats st;
	uint64_t a = frame_alloc(0, FRAME_PAGETABLE);
	CHECK(a != 0);
	page_zero(arena + a);
	frame_free_zeroed(a);
	frame_stats(&st);
	CHECK_EQ(st.used, 0);	/* free at once, as any freed frame */
	uint64_t other = frame_alloc(0, FRAME_KERNEL);
	CHECK(other != a);	/* a plain allocation leaves the zeroed frames alone */
	frame_free(other, 0);
	uint64_t b = frame_alloc_zeroed(0, FRAME_PAGETABLE);
	CHECK_EQ(b, a);
	CHECK_EQ(frame_get(b)->owner, FRAME_PAGETABLE);
	CHECK_EQ(frame_get(b)->refcount, 1);
	/* A frame that is not zero is refused (it would become someone's stale page table), and stays allocated. */
	arena[b + 100] = 1;
	if (setjmp(panic_jmp) == 0) {
		frame_free_zeroed(b);
		CHECK(!"a frame that is not zero was taken as zeroed");
	}
	CHECK_EQ(panics, 1);
	CHECK(strstr(panic_msg, "not zero") != NULL);
	CHECK_EQ(frame_get(b)->owner, FRAME_PAGETABLE);
	arena[b + 100] = 0;
	frame_free_zeroed(b);
	/* A write after the free is found at the next frame_alloc_zeroed, which then hands nothing out. */
	arena[b + 8] = 5;
	if (setjmp(panic_jmp) == 0) {
		frame_alloc_zeroed(0, FRAME_PAGETABLE);
		CHECK(!"a write to a zeroed free frame went unseen");
	}
	CHECK_EQ(panics, 2);
	CHECK(strstr(panic_msg, "was written") != NULL);
	arena[b + 8] = 0;
	/* More zeroed frees than a CPU keeps: the rest are freed (and poisoned) as usual; all counted free. */
	static uint64_t got[FRAME_CACHE_ZEROED_TEST];
	for (int i = 0; i < FRAME_CACHE_ZEROED_TEST; i++) {
		got[i] = frame_alloc(0, FRAME_PAGETABLE);
		page_zero(arena + got[i]);
	}
	for (int i = 0; i < FRAME_CACHE_ZEROED_TEST; i++)
		frame_free_zeroed(got[i]);
	frame_stats(&st);
	CHECK_EQ(st.used, 0);
	CHECK(frame_caches_drain() > 0);	/* the zeroed frames go back to the buddy too */
	CHECK(counts_are_initial());
	for (int i = 0; i < (int)usable_count; i++)	/* and every frame allocates again, poison intact */
		live[i] = frame_alloc(0, FRAME_KERNEL);
	CHECK(live[usable_count - 1] != 0);
	for (int i = 0; i < (int)usable_count; i++)
		frame_free(live[i], 0);
	CHECK(counts_are_initial());
}

TEST(reference_counts_share_and_free_on_last)
{
	setup();
	uint64_t a = frame_alloc(0, FRAME_USER);
	CHECK(a != 0);
	struct frame *f = frame_get(a);
	CHECK(frame_ref(a));
	CHECK(frame_ref(a));
	CHECK_EQ(f->refcount, 3);
	/* A shared frame cannot be freed behind its other users' backs. */
	if (setjmp(panic_jmp) == 0) {
		frame_free(a, 0);
		CHECK(!"free of a shared frame not detected");
	}
	CHECK_EQ(panics, 1);
	CHECK(strstr(panic_msg, "references") != NULL);
	CHECK(!frame_unref(a));
	CHECK(!frame_unref(a));
	CHECK_EQ(f->refcount, 1);
	CHECK_EQ(f->owner, FRAME_USER);
	CHECK(frame_unref(a));	/* the last reference frees */
	CHECK_EQ(f->owner, FRAME_FREE);
	CHECK(counts_are_initial());
	/* Overflow: the count stops at FRAME_REF_MAX and says so, unchanged. */
	uint64_t b = frame_alloc(0, FRAME_USER);
	for (unsigned i = 1; i < FRAME_REF_MAX; i++)
		CHECK(frame_ref(b));
	CHECK_EQ(frame_get(b)->refcount, FRAME_REF_MAX);
	CHECK(!frame_ref(b));
	CHECK_EQ(frame_get(b)->refcount, FRAME_REF_MAX);
	for (unsigned i = 1; i < FRAME_REF_MAX; i++)
		CHECK(!frame_unref(b));
	CHECK(frame_unref(b));
	CHECK(counts_are_initial());
	/* Only allocated single frames have reference counts. */
	uint64_t c = frame_alloc(1, FRAME_USER);
	if (setjmp(panic_jmp) == 0) {
		frame_ref(c);
		CHECK(!"ref of a 2-frame block not detected");
	}
	if (setjmp(panic_jmp) == 0) {
		frame_unref(b);
		CHECK(!"unref of a free frame not detected");
	}
	CHECK_EQ(panics, 3);
	frame_free(c, 1);
	CHECK(counts_are_initial());
}

/*
 * The cache's batches: frames freed in the order they were handed out come
 * back to the buddy as whole blocks, in other orders frame by frame; either
 * way the lists end as they began and every frame is handed out once.
 */
TEST(cache_batches_whole_blocks_and_singles)
{
	setup();
	static uint64_t got[300];
	static uint8_t seen[NFRAMES];
	for (int pass = 0; pass < 4; pass++) {
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < 300; i++) {
			got[i] = frame_alloc(0, FRAME_KERNEL);
			CHECK(got[i] != 0);
			CHECK(!seen[got[i] / 4096]);
			seen[got[i] / 4096] = 1;
		}
		struct frame_stats st;
		frame_stats(&st);
		CHECK_EQ(st.used, 300);
		for (int i = 0; i < 300; i++) {
			/* in order, reversed, odd ones first, a stride of 7 */
			int j = pass == 0 ? i : pass == 1 ? 299 - i : pass == 2 ? (i < 150 ? 2 * i + 1 : 2 * (i - 150)) : (i * 7) % 300;
			frame_free(got[j], 0);
		}
		CHECK(counts_are_initial());
	}
	/* A flushed batch that is contiguous but not aligned is not a block: frames one by one. */
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < 300; i++) {
		got[i] = frame_alloc(0, FRAME_KERNEL);
		seen[got[i] / 4096] = 1;
	}
	uint64_t lo = 0;
	for (uint64_t f = 16; f + 32 < NFRAMES && !lo; f += 32) {
		int run = 1;
		for (uint64_t g = f; g < f + 32; g++)
			run &= seen[g];
		lo = run ? f : 0;
	}
	CHECK(lo != 0);
	frame_free_blocks(0);	/* the cache empty: the 65th free below flushes the top 32 */
	int fillers = 0;
	for (int i = 0; i < 300 && fillers < 32; i++)
		if (got[i] / 4096 < lo || got[i] / 4096 >= lo + 32) {
			frame_free(got[i], 0);
			got[i] = 0;
			fillers++;
		}
	for (int i = 0; i < 300; i++)
		if (got[i] && got[i] / 4096 >= lo && got[i] / 4096 < lo + 32) {
			frame_free(got[i], 0);
			got[i] = 0;
		}
	for (int i = 0; i < 300; i++)
		if (got[i])
			frame_free(got[i], 0);
	CHECK(counts_are_initial());
	CHECK_EQ(panics, 0);
}

/*
 * Two-step start (mm/frame_boot.c): the low ranges first, the rest added
 * later, ends exactly as one frame_init_core over all of them (the same
 * blocks: merging across the step); adding a managed frame again panics;
 * frames at or above frame_poison_below are neither poisoned nor checked.
 */
TEST(add_ranges_later_matches_one_init)
{
	setup();
	memset(arena, 0xcc, ARENA_SIZE);
	frame_init_core(database, NFRAMES, ranges, 2, arena);	/* up to 0x200000 */
	struct frame_stats st;
	frame_stats(&st);
	CHECK_EQ(st.total, (0x5000 - 0x1000 + 0x200000 - 0x10000) / 4096);
	CHECK_EQ(frame_get(0x300000)->owner, FRAME_ABSENT);
	frame_add_ranges(ranges + 2, NRANGES - 2);
	CHECK(counts_are_initial());
	frame_stats(&st);
	CHECK_EQ(st.total, usable_count);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK_EQ(frame_free_blocks(k), expected_blocks(k));
	if (setjmp(panic_jmp) == 0) {
		frame_add_ranges(ranges + 4, 1);
		CHECK(!"a range added twice not detected");
	}
	CHECK_EQ(panics, 1);
	CHECK(strstr(panic_msg, "already managed") != NULL);

	/* Poison only below the limit: 0x800000 (frame 0x800) and above stay as they were. */
	frame_poison_below = 0x800;
	setup();
	CHECK_EQ(*(uint64_t *)(arena + 0x10000), FRAME_POISON);
	CHECK_EQ(arena[0x800000], 0xcc);
	uint64_t p = frame_alloc(FRAME_MAX_ORDER, FRAME_KERNEL);	/* the one 4 MiB block, unpoisoned: no panic */
	CHECK_EQ(p, 0x800000);
	arena[p + 100] = 1;	/* a write after free above the limit goes unnoticed, as documented */
	frame_free(p, FRAME_MAX_ORDER);
	CHECK_EQ(arena[0x800000], 0xcc);
	CHECK_EQ(panics, 0);
	frame_poison_below = UINT64_MAX;
}

int main(void)
{
	return run_tests("frame");
}
