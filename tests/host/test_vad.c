/*
 * tests/host/test_vad.c - the region tree: AVL shape, lookups, gap search,
 * run splitting/merging, and a randomized differential test against a
 * page-array reference model.
 * sources: mm/vad.c mm/vad_gap.c mm/avl.c
 */
#include "check.h"
#include "mm/vad.h"

#include <stdlib.h>

#define PG       4096ULL
#define GRAN     0x10000ULL	/* allocation granularity */
#define TOP      0x800000000000ULL
#define RESERVE  0x2000u
#define COMMIT   0x1000u

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
static uint64_t rnd(uint64_t n)	/* 0 .. n-1 */
{
	return rng() % n;
}

static uint32_t random_protect(uint32_t state)
{
	static const uint32_t prot[] = { 0x02, 0x04, 0x20, 0x40 };
	return state == COMMIT ? prot[rnd(4)] : 0;
}

/* ---- structural checks (return NULL or what is wrong) ------------------------- */

/* AVL height bound: below 1.45 log2(n + 2). */
static int max_avl_height(uint64_t n)
{
	int lg = 0;
	while ((1ULL << lg) < n + 2)
		lg++;
	return lg * 3 / 2 + 1;
}

/* The run tree and the spare list of v against the invariants, walking the runs in order. */
static const char *check_runs(const struct vad *v)
{
	uint64_t count;
	const char *e = avl_check(v->run_root, &count);
	if (e)
		return e;
	if (count != v->nruns || count == 0)
		return "nruns differs from the nodes in the run tree";
	if (v->run_root->height > max_avl_height(count))
		return "run tree too high";
	uint32_t spares = 0;
	for (const struct vad_run *s = v->spare; s; s = vad_run_of(s->node.parent))
		spares++;
	if (spares != v->nspare || spares > VAD_SPARE_MAX + 2)	/* the inline nodes stay beyond the limit */
		return "spare list";
	const struct vad_run *r = vad_run_at(v, v->start), *prev = NULL;
	if (r != vad_run_of(avl_first(v->run_root)) || r->start != v->start)
		return "first run does not start the VAD";
	uint64_t seen = 0;
	for (; r; prev = r, r = vad_run_next(v, r)) {
		if (r->start >= r->end || r->start % PG || r->end % PG)
			return "empty or unaligned run";
		if (prev && r->start != prev->end)
			return "runs not contiguous";
		if (prev && r->state == prev->state && r->protect == prev->protect)
			return "equal neighbouring runs";
		for (uint64_t a = r->start; a < r->end; a += PG)
			if (vad_run_at(v, a) != r || vad_run_at(v, a + PG - 1) != r)
				return "vad_run_at";
		seen++;
	}
	if (!prev || prev->end != v->end)
		return "runs do not reach the end of the VAD";
	return seen == count ? NULL : "in-order run count";
}

static const char *check_tree(const struct vad_tree *t)
{
	uint64_t count;
	const char *e = avl_check(t->root, &count);
	if (e)
		return e;
	if (count != t->count)
		return "count";
	/* In-order traversal sees the same nodes, sorted and disjoint (the BST order). */
	uint64_t seen = 0, prev_end = 0;
	for (const struct vad *v = vad_first(t); v; v = vad_next(v)) {
		if (v->start < prev_end || v->start >= v->end)
			return "in-order traversal not sorted";
		prev_end = v->end;
		seen++;
	}
	if (seen != count)
		return "in-order traversal count";
	return vad_tree_check(t);	/* every subtree summary (largest gap) recomputed from the VADs */
}

#define CHECK_OK(expr)                                                        \
	do {                                                                  \
		const char *err_ = (expr);                                    \
		if (err_)                                                     \
			printf("    %s\n", err_);                          \
		CHECK(err_ == NULL);                                          \
	} while (0)

static void free_tree(struct vad_tree *t)
{
	while (t->root) {
		struct vad *v = vad_of(t->root);
		vad_remove(t, v);
		vad_delete(v);
	}
}

/* ---- unit tests ------------------------------------------------------------------ */

TEST(new_has_one_run)
{
	struct vad *v = vad_new(0x10000, 0x30000, RESERVE, 0, 0x04, 0x20000);
	CHECK(v != NULL);
	CHECK_EQ(v->nruns, 1);
	CHECK_EQ(vad_run_at(v, 0x2f000)->state, RESERVE);
	CHECK_OK(check_runs(v));
	vad_delete(v);
}

TEST(runs_split_and_merge)
{
	struct vad *v = vad_new(0x10000, 0x20000, RESERVE, 0, 0x04, 0x20000);
	CHECK(v);
	CHECK_EQ(vad_runs_reserve(v), 0);
	vad_runs_set(v, 0x14000, 0x16000, COMMIT, 0x04);	/* middle: 3 runs */
	CHECK_EQ(v->nruns, 3);
	CHECK_OK(check_runs(v));
	CHECK_EQ(vad_run_at(v, 0x15fff)->protect, 0x04);
	CHECK_EQ(vad_run_at(v, 0x16000)->state, RESERVE);
	CHECK_EQ(vad_runs_reserve(v), 0);
	vad_runs_set(v, 0x16000, 0x18000, COMMIT, 0x04);	/* extends the middle run */
	CHECK_EQ(v->nruns, 3);
	CHECK_EQ(vad_run_at(v, 0x17fff)->start, 0x14000);
	CHECK_EQ(vad_run_at(v, 0x14000)->end, 0x18000);
	CHECK_EQ(vad_runs_reserve(v), 0);
	vad_runs_set(v, 0x15000, 0x16000, COMMIT, 0x02);	/* split the middle: 5 runs */
	CHECK_EQ(v->nruns, 5);
	CHECK_OK(check_runs(v));
	CHECK_EQ(vad_runs_reserve(v), 0);
	CHECK(v->nspare >= 2);
	vad_runs_set(v, 0x10000, 0x20000, RESERVE, 0);	/* everything back: 1 run */
	CHECK_EQ(v->nruns, 1);
	CHECK_OK(check_runs(v));
	/* Alternating pages: splits at the end of a run, then merges of three runs into one. */
	for (uint64_t a = 0x10000; a < 0x20000; a += 2 * PG) {
		CHECK_EQ(vad_runs_reserve(v), 0);
		vad_runs_set(v, a, a + PG, COMMIT, 0x40);
	}
	CHECK_EQ(v->nruns, 16);
	CHECK_OK(check_runs(v));
	for (uint64_t a = 0x11000; a < 0x20000; a += 2 * PG) {
		CHECK_EQ(vad_runs_reserve(v), 0);
		vad_runs_set(v, a, a + PG, COMMIT, 0x40);
	}
	CHECK_EQ(v->nruns, 1);
	CHECK_EQ(vad_run_at(v, 0x10000)->state, COMMIT);
	CHECK_OK(check_runs(v));
	vad_delete(v);
}

/* c against v: the same range, type, flags and runs; a valid tree of its own with two spares at least. */
static const char *check_copy(const struct vad *v, const struct vad *c)
{
	const char *e = check_runs(c);
	if (e)
		return e;
	if (c->start != v->start || c->end != v->end || c->type != v->type || c->flags != v->flags ||
	    c->alloc_protect != v->alloc_protect || c->nruns != v->nruns)
		return "copy differs in range, type, flags or run count";
	for (const struct vad_run *a = vad_run_at(v, v->start), *b = vad_run_at(c, c->start); a || b;
	     a = vad_run_next(v, a), b = vad_run_next(c, b)) {
		if (!a || !b || a == b || a->start != b->start || a->end != b->end || a->state != b->state ||
		    a->protect != b->protect)
			return "copy differs in a run (or shares a node)";
	}
	if (c->run_root->height != v->run_root->height)
		return "copy has another shape";
	return NULL;
}

TEST(copy_runs_node_for_node)
{
	static const uint64_t pages[] = { 1, 2, 3, 5, 64, 3001 };
	for (unsigned k = 0; k < sizeof(pages) / sizeof(pages[0]); k++) {
		uint64_t n = pages[k];
		struct vad *v = vad_new(0x40000000, 0x40000000 + n * PG, RESERVE, 0, 0x04, 0x1000000);
		CHECK(v);
		v->flags = 0x2;
		for (uint64_t p = 1; p < n; p += 2) {	/* every other page its own run */
			CHECK_EQ(vad_runs_reserve(v), 0);
			vad_runs_set(v, v->start + p * PG, v->start + (p + 1) * PG, COMMIT, p % 3 ? 0x04 : 0x02);
		}
		struct vad *c = vad_copy(v);
		CHECK(c);
		CHECK_OK(check_copy(v, c));
		CHECK_OK(check_runs(c));	/* links, heights and spares of the copy (its nodes are not zeroed) */
		/* The copy is independent: rewriting it leaves v alone, and both stay valid. */
		uint32_t before = v->nruns;
		CHECK_EQ(vad_runs_reserve(c), 0);
		vad_runs_set(c, c->start, c->end, COMMIT, 0x40);
		CHECK_EQ(c->nruns, 1);
		CHECK_EQ(v->nruns, before);
		CHECK_OK(check_runs(c));
		CHECK_OK(check_runs(v));
		vad_delete(c);
		vad_delete(v);
	}
}

/*
 * vad_copy with each of its allocations failing in turn (the VAD, then its
 * run nodes, 32 a batch): NULL when the VAD or a batch's first node fails, a
 * whole copy when a batch is only cut short (the rest is asked for again);
 * the original intact, nothing leaked (LeakSanitizer at exit).
 */
TEST(copy_out_of_memory)
{
	struct vad *v = vad_new(0x40000000, 0x40000000 + 150 * PG, RESERVE, 0, 0x04, 0x1000000);
	CHECK(v);
	for (uint64_t p = 1; p < 150; p += 2) {	/* 150 runs: 148 heap nodes beyond the inline two */
		CHECK_EQ(vad_runs_reserve(v), 0);
		vad_runs_set(v, v->start + p * PG, v->start + (p + 1) * PG, COMMIT, 0x04);
	}
	unsigned failed = 0;
	for (uint64_t k = 1; k <= 149; k++) {	/* the VAD and 148 nodes */
		vad_alloc_fail_at = k;
		struct vad *c = vad_copy(v);
		CHECK_EQ(vad_alloc_fail_at, 0);	/* the failure happened */
		bool batch_first = k >= 2 && (k - 2) % 32 == 0;
		CHECK_EQ(!c, k == 1 || batch_first);
		if (c) {
			CHECK_OK(check_copy(v, c));
			CHECK_OK(check_runs(c));
			vad_delete(c);
		} else {
			failed++;
		}
		CHECK_OK(check_runs(v));
	}
	CHECK_EQ(failed, 6);	/* the VAD, and batches at nodes 1, 33, 65, 97, 129 */
	vad_delete(v);
}

/*
 * One VAD of 8192 pages cut into 8192 single-page runs, then random sets over
 * it (mostly short ranges, some long ones that swallow hundreds of runs),
 * against a per-page model; the run tree stays balanced throughout.
 */
#define BIG_PAGES 8192
static uint32_t big_state[BIG_PAGES], big_protect[BIG_PAGES];

static const char *check_big(const struct vad *v)
{
	const char *e = check_runs(v);
	for (uint64_t p = 0; !e && p < BIG_PAGES; p++) {
		const struct vad_run *r = vad_run_at(v, v->start + p * PG);
		if (r->state != big_state[p] || r->protect != big_protect[p])
			e = "run state/protect differs from the model";
	}
	return e;
}

TEST(run_tree_thousands_of_runs)
{
	struct vad *v = vad_new(0x10000000, 0x10000000 + BIG_PAGES * PG, RESERVE, 0, 0x04, 0x20000);
	CHECK(v);
	for (uint64_t p = 0; p < BIG_PAGES; p++) {
		big_state[p] = p & 1 ? COMMIT : RESERVE;
		big_protect[p] = p & 1 ? 0x04 : 0;
		if (p & 1) {
			CHECK_EQ(vad_runs_reserve(v), 0);
			vad_runs_set(v, v->start + p * PG, v->start + (p + 1) * PG, COMMIT, 0x04);
		}
	}
	CHECK_EQ(v->nruns, BIG_PAGES);
	CHECK_OK(check_big(v));
	long merged = 0, split = 0;
	for (int step = 0; step < 3000; step++) {
		uint64_t s = rnd(BIG_PAGES), n = 1 + (rnd(8) ? rnd(3) : rnd(600));
		uint64_t e = s + n < BIG_PAGES ? s + n : BIG_PAGES;
		uint32_t st = rnd(2) ? COMMIT : RESERVE, pr = random_protect(st);
		uint32_t before = v->nruns;
		CHECK_EQ(vad_runs_reserve(v), 0);
		uint32_t owned = v->nruns + v->nspare;
		vad_runs_set(v, v->start + s * PG, v->start + e * PG, st, pr);
		CHECK(v->nruns <= before + 2 && v->nruns + v->nspare <= owned);	/* the set allocated nothing */
		merged += v->nruns < before;
		split += v->nruns > before;
		for (uint64_t p = s; p < e; p++)
			big_state[p] = st, big_protect[p] = pr;
		if (step % 100 == 0) {
			const char *err = check_big(v);
			if (err)
				printf("    step %d: %s\n", step, err);
			CHECK(err == NULL);
			if (err)
				break;
		}
	}
	CHECK_OK(check_big(v));
	printf("    %u runs left, %ld sets merged, %ld split\n", v->nruns, merged, split);
	CHECK(merged > 300 && split > 300);
	vad_delete(v);
}

static void avl_steps(struct vad_tree *t)
{
	for (uint64_t i = 0; i < 4096; i++) {
		struct vad *v = vad_new((i + 1) * GRAN, (i + 1) * GRAN + PG, RESERVE, 0, 4, 0);
		CHECK(v);
		vad_insert(t, v);
	}
	CHECK_OK(check_tree(t));
	CHECK(t->root->height <= 13);	/* 4096 nodes: perfect 13, AVL allows ~17 */
	CHECK(t->root->height <= max_avl_height(t->count));
	for (uint64_t i = 0; i < 4096; i++) {
		uint64_t a = (i + 1) * GRAN;
		struct vad *v = vad_find(t, a + 0x800);
		CHECK(v && v->start == a);
		CHECK(vad_find(t, a + PG) == NULL);
		struct vad *nx = vad_find_next(t, a + PG);
		CHECK(i == 4095 ? nx == NULL : nx && nx->start == a + GRAN);
	}
	/* Remove in a scrambled order, checking the shape as we go. */
	for (uint64_t k = 0; k < 4096; k++) {
		uint64_t i = (k * 2654435761u) % 4096;
		struct vad *v = vad_find(t, (i + 1) * GRAN);
		CHECK(v);
		vad_remove(t, v);
		vad_delete(v);
		if (k % 64 == 0)
			CHECK_OK(check_tree(t));
	}
	CHECK(t->root == NULL && t->count == 0);
}

TEST(avl_stays_balanced_sequential_and_random)
{
	struct vad_tree t = { 0 };
	avl_steps(&t);
	free_tree(&t);
}

TEST(gap_edges_and_overflow)
{
	struct vad_tree t = { 0 };
	CHECK_EQ(vad_find_gap(&t, TOP - 2 * GRAN, GRAN, GRAN, TOP, false), GRAN);
	CHECK_EQ(vad_find_gap(&t, TOP - 2 * GRAN, GRAN, GRAN, TOP, true), 2 * GRAN);
	CHECK_EQ(vad_find_gap(&t, TOP - GRAN, GRAN, GRAN, TOP, true), GRAN);
	CHECK_EQ(vad_find_gap(&t, TOP, GRAN, GRAN, TOP, false), 0);
	CHECK_EQ(vad_find_gap(&t, TOP, GRAN, GRAN, TOP, true), 0);
	CHECK_EQ(vad_find_gap(&t, UINT64_MAX, GRAN, GRAN, TOP, false), 0);
	CHECK_EQ(vad_find_gap(&t, UINT64_MAX, GRAN, GRAN, TOP, true), 0);
	CHECK_EQ(vad_find_gap(&t, GRAN, GRAN, UINT64_MAX - 10, UINT64_MAX, false), 0);
	CHECK_EQ(vad_find_gap(&t, PG, GRAN, 0, TOP, false), GRAN);	/* never address 0 */
	CHECK_EQ(vad_find_gap(&t, PG, PG, 0, 2 * PG, true), PG);
	CHECK_EQ(vad_find_gap(&t, PG, GRAN, TOP, TOP, true), 0);
	struct vad *hi = vad_new(TOP - GRAN, TOP, RESERVE, 0, 4, 0);
	struct vad *mid = vad_new(0x40000, 0x7fff00000000ULL, RESERVE, 0, 4, 0);
	CHECK(hi && mid);
	vad_insert(&t, hi);
	vad_insert(&t, mid);
	CHECK_EQ(vad_find_gap(&t, GRAN, GRAN, GRAN, TOP, true), TOP - 2 * GRAN);
	CHECK_EQ(vad_find_gap(&t, 3 * GRAN, GRAN, GRAN, TOP, false), GRAN);
	CHECK_EQ(vad_find_gap(&t, 4 * GRAN, GRAN, GRAN, TOP, false), 0x7fff00000000ULL);
	CHECK_EQ(vad_find_gap(&t, TOP - 0x7fff00000000ULL - GRAN, GRAN, GRAN, TOP, true), 0x7fff00000000ULL);
	CHECK_EQ(vad_find_gap(&t, TOP - 0x7fff00000000ULL, GRAN, GRAN, TOP, true), 0);
	CHECK(!vad_range_free(&t, 0x3f000, 0x41000));
	CHECK(vad_range_free(&t, 0x30000, 0x40000));
	CHECK(vad_range_free(&t, 0x7fff00000000ULL, TOP - GRAN));
	CHECK(!vad_range_free(&t, 0x7fff00000000ULL, TOP - GRAN + 1));
	free_tree(&t);
}

/* Nodes one search may look at in a tree of height h: the paths to lo and hi and one descent. */
static uint64_t visit_bound(const struct vad_tree *t)
{
	return 6 * (uint64_t)t->root->height + 8;
}

/* vad_find_gap(...) == want, looking at no more than visit_bound nodes. */
static const char *gap_is(const struct vad_tree *t, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi, bool td,
			  uint64_t want)
{
	uint64_t before = vad_gap_visits;
	uint64_t got = vad_find_gap(t, size, align, lo, hi, td);
	if (got != want) {
		printf("    find_gap(%#llx, align %#llx, [%#llx, %#llx), %s) = %#llx, want %#llx\n",
		       (unsigned long long)size, (unsigned long long)align, (unsigned long long)lo,
		       (unsigned long long)hi, td ? "top-down" : "bottom-up", (unsigned long long)got,
		       (unsigned long long)want);
		return "wrong gap";
	}
	if (vad_gap_visits - before > visit_bound(t)) {
		printf("    find_gap looked at %llu nodes (bound %llu)\n", (unsigned long long)(vad_gap_visits - before),
		       (unsigned long long)visit_bound(t));
		return "gap search not logarithmic";
	}
	return NULL;
}

/*
 * 100,000 reservations in the two layouts a linear search is slowest on:
 * 1 GiB ones side by side (no gap at all), and one page at the start of each
 * granule (a 60 KiB gap after each, useless at the granularity).  The search
 * must find the free space past them, a hole made in the middle, or that
 * nothing fits, looking at O(log n) nodes, bottom-up and top-down, inside
 * bounds; the summaries must stay exact as VADs come and go.
 */
TEST(gap_search_logarithmic)
{
	enum { N = 100000 };
	static const uint64_t sizes[] = { 1ULL << 30, PG };
	for (int layout = 0; layout < 2; layout++) {
		struct vad_tree t = { 0 };
		uint64_t step = layout == 0 ? 1ULL << 30 : GRAN, base = layout == 0 ? 1ULL << 32 : GRAN;
		uint64_t len = sizes[layout], end = base + N * step;
		for (uint64_t i = 0; i < N; i++) {
			struct vad *v = vad_new(base + i * step, base + i * step + len, RESERVE, 0, 4, 0x20000);
			CHECK(v);
			vad_insert(&t, v);
		}
		CHECK_OK(check_tree(&t));
		/* Past all of them; below them (layout 0 only); nothing among them; the top; too big. */
		CHECK_OK(gap_is(&t, len, GRAN, base, TOP, false, end));
		CHECK_OK(gap_is(&t, len, GRAN, GRAN, end, false, layout == 0 ? GRAN : 0));
		CHECK_OK(gap_is(&t, len, GRAN, base, end, true, 0));
		CHECK_OK(gap_is(&t, len, GRAN, GRAN, TOP, true, (TOP - len) & ~(GRAN - 1)));
		CHECK_OK(gap_is(&t, 2 * len, GRAN, base, end + len, false, 0));
		/* A hole in the middle: found from both sides; a window that holds it only in part: not. */
		uint64_t hole = base + (N / 2 + 7) * step;
		struct vad *v = vad_find(&t, hole);
		CHECK(v);
		vad_remove(&t, v);
		CHECK_OK(check_tree(&t));
		CHECK_OK(gap_is(&t, len, GRAN, base, TOP, false, hole));
		CHECK_OK(gap_is(&t, len, GRAN, base, end, true, hole));
		CHECK_OK(gap_is(&t, step, GRAN, base, end, false, hole));
		CHECK_OK(gap_is(&t, len, GRAN, hole + PG, end, false, 0));
		CHECK_OK(gap_is(&t, len, GRAN, base, hole + len - PG, true, 0));
		vad_insert(&t, v);
		/* Remove every other one from the low half: the summaries follow every rotation. */
		for (uint64_t i = 0; i < N / 2; i += 2) {
			struct vad *w = vad_find(&t, base + i * step);
			CHECK(w);
			vad_remove(&t, w);
			vad_delete(w);
			if (i % 8192 == 0)
				CHECK_OK(check_tree(&t));
		}
		CHECK_OK(check_tree(&t));
		CHECK_OK(gap_is(&t, len, GRAN, base, TOP, false, base));
		CHECK_OK(gap_is(&t, len, GRAN, base, end, true, base + (N / 2 - 2) * step));
		free_tree(&t);
	}
}

/* ---- randomized differential test ----------------------------------------------- */

#define NPAGES 4096
#define BASE   (TOP - NPAGES * PG)	/* the model space ends at the top of user space */
#define STEPS  25000

struct page_model {
	struct vad *owner;
	uint32_t state, protect;
};
static struct page_model model[NPAGES];
static uint32_t used_prefix[NPAGES + 1];	/* used_prefix[i] = reserved pages below page i */
static struct vad *live[NPAGES];
static int nlive;

static void model_prefix(void)
{
	for (int i = 0; i < NPAGES; i++)
		used_prefix[i + 1] = used_prefix[i] + (model[i].owner != NULL);
}

static bool model_free(uint64_t p0, uint64_t p1)	/* pages [p0, p1) */
{
	return used_prefix[p1] == used_prefix[p0];
}

/* The model's answer to vad_find_gap over the model space (addresses in pages relative to BASE). */
static uint64_t model_gap(uint64_t npg, uint64_t align_pg, uint64_t lo_pg, uint64_t hi_pg, bool top_down)
{
	if (npg == 0 || lo_pg >= hi_pg || hi_pg - lo_pg < npg)
		return 0;
	if (!top_down) {
		for (uint64_t c = (lo_pg + align_pg - 1) / align_pg * align_pg; c + npg <= hi_pg; c += align_pg)
			if (model_free(c, c + npg))
				return BASE + c * PG;
		return 0;
	}
	for (int64_t c = (int64_t)((hi_pg - npg) / align_pg * align_pg); c >= (int64_t)lo_pg; c -= align_pg)
		if (model_free(c, c + npg))
			return BASE + c * PG;
	return 0;
}

static const char *check_against_model(const struct vad_tree *t)
{
	const char *e = check_tree(t);
	if (e)
		return e;
	if ((int)t->count != nlive)
		return "count vs model";
	uint64_t covered = 0;
	for (const struct vad *v = vad_first(t); v; v = vad_next(v)) {
		if (v->start < BASE || v->end > TOP)
			return "VAD outside the model space";
		if ((e = check_runs(v)))
			return e;
		for (uint64_t a = v->start; a < v->end; a += PG) {
			const struct page_model *m = &model[(a - BASE) / PG];
			if (m->owner != v)
				return "VAD covers a page the model does not give it";
			const struct vad_run *r = vad_run_at(v, a);
			if (r->state != m->state || r->protect != m->protect)
				return "run state/protect differs from the model";
		}
		covered += (v->end - v->start) / PG;
	}
	if (covered != used_prefix[NPAGES])
		return "traversal does not cover the reserved pages";
	/* Point lookups. */
	for (int k = 0; k < 6; k++) {
		uint64_t p = rnd(NPAGES), a = BASE + p * PG + rnd(PG);
		if (vad_find(t, a) != model[p].owner)
			return "vad_find";
		struct vad *want = NULL;
		for (uint64_t q = p; q < NPAGES && !want; q++)
			want = model[q].owner;
		if (vad_find_next(t, a) != want)
			return "vad_find_next";
	}
	if (vad_find_next(t, BASE - 1) != vad_first(t) || vad_find(t, BASE - 1) || vad_find_next(t, TOP))
		return "lookups outside the model space";
	/* Range checks. */
	for (int k = 0; k < 4; k++) {
		uint64_t p0 = rnd(NPAGES), p1 = p0 + 1 + rnd(k < 2 ? 16 : NPAGES - p0);
		if (vad_range_free(t, BASE + p0 * PG, BASE + p1 * PG) != model_free(p0, p1))
			return "vad_range_free";
	}
	/* Gap search, both directions, against the model's lowest/highest answer. */
	for (int k = 0; k < 2; k++) {
		uint64_t npg = 1 + (rnd(4) ? rnd(40) : rnd(NPAGES)), align_pg = rnd(2) ? 16 : 1 << rnd(3);
		uint64_t lo = rnd(NPAGES), hi = lo + rnd(NPAGES - lo + 1);
		if (rnd(4) == 0)
			lo = 0, hi = NPAGES;
		bool td = k;
		uint64_t got = vad_find_gap(t, npg * PG, align_pg * PG, BASE + lo * PG, BASE + hi * PG, td);
		if (got != model_gap(npg, align_pg, lo, hi, td))
			return td ? "vad_find_gap top-down" : "vad_find_gap bottom-up";
	}
	return NULL;
}

/* Reserve npg pages at page p (free in the model) as a new VAD. */
static bool model_reserve(struct vad_tree *t, uint64_t p, uint64_t npg)
{
	uint32_t st = rnd(2) ? COMMIT : RESERVE, pr = random_protect(st);
	struct vad *v = vad_new(BASE + p * PG, BASE + (p + npg) * PG, st, pr, 0x04, 0x20000);
	if (!v)
		return false;
	vad_insert(t, v);
	for (uint64_t i = p; i < p + npg; i++)
		model[i] = (struct page_model){ v, st, pr };
	live[nlive++] = v;
	return true;
}

/* The random steps; on a failed check it returns early and the caller frees the tree. */
static void random_steps(struct vad_tree *t)
{
	long reserves = 0, releases = 0, sets = 0, merges_seen = 0;
	memset(model, 0, sizeof(model));
	nlive = 0;
	model_prefix();
	for (int step = 0; step < STEPS; step++) {
		int op = (int)rnd(100);
		int want_reserve = nlive < 20 ? 60 : nlive > 120 ? 15 : 35;
		if (op < want_reserve) {
			uint64_t npg = 1 + (rnd(8) ? rnd(32) : rnd(400));
			uint64_t align_pg = rnd(3) ? 16 : 1;
			int how = (int)rnd(3);
			if (how == 0) {	/* a random aligned place, if the model says it is free */
				uint64_t p = rnd(NPAGES) / align_pg * align_pg;
				if (p + npg > NPAGES)
					npg = NPAGES - p;
				bool free_ = model_free(p, p + npg);
				CHECK_EQ(vad_range_free(t, BASE + p * PG, BASE + (p + npg) * PG), free_);
				if (free_) {
					CHECK(model_reserve(t, p, npg));
					reserves++;
				}
			} else {	/* through the gap search, bottom-up or top-down */
				uint64_t a = vad_find_gap(t, npg * PG, align_pg * PG, BASE, TOP, how == 2);
				CHECK_EQ(a, model_gap(npg, align_pg, 0, NPAGES, how == 2));
				if (a) {
					uint64_t p = (a - BASE) / PG;
					CHECK(model_free(p, p + npg));
					CHECK(model_reserve(t, p, npg));
					reserves++;
				}
			}
		} else if (op < want_reserve + 20 && nlive > 0) {	/* release */
			int i = (int)rnd(nlive);
			struct vad *v = live[i];
			for (uint64_t a = v->start; a < v->end; a += PG)
				model[(a - BASE) / PG] = (struct page_model){ 0 };
			vad_remove(t, v);
			CHECK(v->node.parent == NULL && v->node.left == NULL && v->node.right == NULL);
			vad_delete(v);
			live[i] = live[--nlive];
			releases++;
		} else if (nlive > 0) {	/* change state/protect of a sub-range */
			struct vad *v = live[rnd(nlive)];
			uint64_t n = (v->end - v->start) / PG;
			uint64_t s = rnd(n), e = s + 1 + rnd(rnd(2) ? n - s : (n - s < 4 ? n - s : 4));
			uint32_t st = rnd(2) ? COMMIT : RESERVE, pr = random_protect(st);
			uint32_t before = v->nruns;
			CHECK_EQ(vad_runs_reserve(v), 0);
			CHECK(v->nspare >= 2);
			uint32_t owned = v->nruns + v->nspare;
			vad_runs_set(v, v->start + s * PG, v->start + e * PG, st, pr);
			CHECK(v->nruns <= before + 2 && v->nruns + v->nspare <= owned);	/* the set allocated nothing */
			if (v->nruns < before)
				merges_seen++;
			for (uint64_t p = s; p < e; p++) {
				struct page_model *m = &model[(v->start - BASE) / PG + p];
				m->state = st;
				m->protect = pr;
			}
			sets++;
		}
		model_prefix();
		const char *err = check_against_model(t);
		if (err)
			printf("    step %d: %s\n", step, err);
		CHECK(err == NULL);
	}
	printf("    %d steps: %ld reserves, %ld releases, %ld run sets (%ld merged), %d VADs left\n", STEPS,
	       reserves, releases, sets, merges_seen, nlive);
	CHECK(reserves > 1000 && releases > 1000 && sets > 1000 && merges_seen > 100);
}

TEST(randomized_against_model)
{
	struct vad_tree t = { 0 };
	random_steps(&t);
	free_tree(&t);	/* also after a failure, so LeakSanitizer only reports real leaks */
	nlive = 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);	/* keep the report if LeakSanitizer ends the program */
	return run_tests("vad");
}
