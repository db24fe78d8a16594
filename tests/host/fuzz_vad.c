/*
 * tests/host/fuzz_vad.c - libFuzzer target for the region tree (mm/vad.c).
 *
 * The input bytes are decoded into a sequence of operations on a tree that
 * owns the top NPAGES pages of the user address space: reserve at a given
 * place, reserve through vad_find_gap (bottom-up or top-down, with random
 * bounds, alignment and sometimes hostile sizes), release, change the state
 * and protection of a sub-range (vad_runs_reserve + vad_runs_set), and point
 * lookups.  A page-array model predicts every answer; after each operation
 * the whole tree (AVL shape, parent links, heights, count, the subtree
 * summaries the gap search uses recomputed from scratch, and each VAD's run
 * tree: shape, coverage, neighbours differing, every page's state and
 * protection) is compared with it.  A mismatch prints what differs
 * and abort()s, which libFuzzer reports as a crash with the input saved.
 *
 * Built by tools/host-tests.sh with clang -fsanitize=fuzzer,address,undefined
 * when clang is available; `make test` runs it for a bounded number of inputs.
 * sources: mm/vad.c mm/vad_gap.c mm/avl.c
 */
#include "mm/vad.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG      4096ULL
#define TOP     0x800000000000ULL
#define NPAGES  1024			/* 4 MiB: the model space ends at the top of user space */
#define BASE    (TOP - NPAGES * PG)	/* 2 MiB aligned */
#define RESERVE 0x2000u
#define COMMIT  0x1000u

/* ---- input decoding ------------------------------------------------------------- */

static const uint8_t *in_data;
static size_t in_len, in_pos;

static uint64_t take(int nbytes)	/* little-endian; 0 once the input is used up */
{
	uint64_t v = 0;
	for (int i = 0; i < nbytes; i++)
		v |= (uint64_t)(in_pos < in_len ? in_data[in_pos++] : 0) << (8 * i);
	return v;
}

static uint64_t take_below(uint64_t n, int nbytes)	/* 0 .. n-1 */
{
	return n ? take(nbytes) % n : 0;
}

/* ---- the model ----------------------------------------------------------------- */

struct page_model {
	struct vad *owner;
	uint32_t state, protect;
};
static struct page_model model[NPAGES];
static struct vad *live[NPAGES];
static int nlive;
static long op_index;
static unsigned long long total_ops, total_reserved, max_live;	/* reported at exit */

__attribute__((noreturn)) static void fail(const char *what)
{
	fprintf(stderr, "fuzz_vad: mismatch after operation %ld: %s\n", op_index, what);
	abort();
}

#define EXPECT(c)                                    \
	do {                                         \
		if (!(c))                            \
			fail(#c);                    \
	} while (0)

static bool model_free(uint64_t p0, uint64_t p1)	/* pages [p0, p1) of the model space */
{
	for (uint64_t p = p0; p < p1; p++)
		if (model[p].owner)
			return false;
	return true;
}

/* The model's vad_find_gap inside the model space (page numbers relative to BASE). */
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
	for (int64_t c = (int64_t)((hi_pg - npg) / align_pg * align_pg); c >= (int64_t)lo_pg; c -= (int64_t)align_pg)
		if (model_free((uint64_t)c, (uint64_t)c + npg))
			return BASE + (uint64_t)c * PG;
	return 0;
}

static struct vad *model_owner_at_or_above(uint64_t addr)	/* vad_find_next's answer, addr >= BASE */
{
	for (uint64_t p = (addr - BASE) / PG; p < NPAGES; p++)
		if (model[p].owner)
			return model[p].owner;
	return NULL;
}

/* ---- structural checks ---------------------------------------------------------- */

static void check_runs(const struct vad *v)
{
	uint64_t count;
	const char *e = avl_check(v->run_root, &count);
	if (e)
		fail(e);
	EXPECT(count >= 1 && count == v->nruns);
	EXPECT(v->nspare <= VAD_SPARE_MAX + 2);	/* the inline nodes stay beyond the limit */
	const struct vad_run *r = vad_run_at(v, v->start), *prev = NULL;
	EXPECT(r == vad_run_of(avl_first(v->run_root)) && r->start == v->start);
	for (; r; prev = r, r = vad_run_next(v, r), count--) {
		EXPECT(count > 0);
		EXPECT(r->start < r->end && r->start % PG == 0 && r->end % PG == 0);
		if (prev) {
			EXPECT(r->start == prev->end);
			EXPECT(r->state != prev->state || r->protect != prev->protect);
		}
	}
	EXPECT(count == 0 && prev->end == v->end);
}

static void check_against_model(const struct vad_tree *t)
{
	uint64_t count;
	const char *e = avl_check(t->root, &count);
	if (e)
		fail(e);
	EXPECT(count == t->count);
	EXPECT((int)t->count == nlive);
	uint64_t covered = 0, prev_end = 0;
	for (const struct vad *v = vad_first(t); v; v = vad_next(v), count--) {
		EXPECT(count > 0);
		EXPECT(v->start >= prev_end && v->start < v->end);
		EXPECT(v->start >= BASE && v->end <= TOP);
		prev_end = v->end;
		check_runs(v);
		for (uint64_t a = v->start; a < v->end; a += PG) {
			const struct page_model *m = &model[(a - BASE) / PG];
			EXPECT(m->owner == v);
			const struct vad_run *r = vad_run_at(v, a + ((a >> 12) * 0x9e5 & 0xfff));	/* any byte of the page */
			EXPECT(r->start <= a && a < r->end);
			EXPECT(r->state == m->state && r->protect == m->protect);
		}
		covered += (v->end - v->start) / PG;
	}
	EXPECT(count == 0);	/* the traversal met every node */
	e = vad_tree_check(t);	/* every subtree summary (largest gap) recomputed from the VADs */
	if (e)
		fail(e);
	uint64_t reserved = 0;
	for (int p = 0; p < NPAGES; p++)
		reserved += model[p].owner != NULL;
	EXPECT(covered == reserved);
}

/* ---- operations ------------------------------------------------------------------ */

static uint32_t decode_protect(uint32_t state)
{
	static const uint32_t prot[] = { 0x01, 0x02, 0x04, 0x10, 0x20, 0x40, 0x104, 0x204 };
	return state == COMMIT ? prot[take(1) & 7] : 0;
}

static void reserve(struct vad_tree *t, uint64_t p, uint64_t npg)
{
	uint32_t st = take(1) & 1 ? COMMIT : RESERVE, pr = decode_protect(st);
	struct vad *v = vad_new(BASE + p * PG, BASE + (p + npg) * PG, st, pr, 0x04, 0x20000);
	EXPECT(v != NULL);
	vad_insert(t, v);
	for (uint64_t i = p; i < p + npg; i++)
		model[i] = (struct page_model){ v, st, pr };
	live[nlive++] = v;
	total_reserved++;
}

static uint64_t decode_npages(void)
{
	uint64_t b = take(1);
	return b < 200 ? 1 + b % 32 : 1 + take_below(NPAGES + 8, 2);	/* mostly small, sometimes too big */
}

static void op_reserve_at(struct vad_tree *t)
{
	uint64_t align_pg = take(1) & 1 ? 16 : 1;
	uint64_t p = take_below(NPAGES, 2) / align_pg * align_pg, npg = decode_npages();
	if (p + npg > NPAGES)
		npg = NPAGES - p;
	bool free_ = model_free(p, p + npg);
	EXPECT(vad_range_free(t, BASE + p * PG, BASE + (p + npg) * PG) == free_);
	if (free_)
		reserve(t, p, npg);
}

static void op_reserve_gap(struct vad_tree *t, bool top_down)
{
	static const uint64_t aligns[] = { 1, 2, 4, 16, 16, 16, 512, 1024 };
	uint64_t align_pg = aligns[take(1) & 7], npg = decode_npages();
	uint64_t lo = 0, hi = NPAGES;
	uint8_t how = (uint8_t)take(1);
	if (how & 1) {	/* sub-window */
		lo = take_below(NPAGES, 2);
		hi = lo + take_below(NPAGES - lo + 1, 2);
	}
	uint64_t size = npg * PG;
	if (how & 2)	/* a size that is not a page multiple: the gap must hold the pages it touches */
		size -= 1 + take_below(PG - 1, 2);
	uint64_t got = vad_find_gap(t, size, align_pg * PG, BASE + lo * PG, BASE + hi * PG, top_down);
	EXPECT(got == model_gap(npg, align_pg, lo, hi, top_down));
	if ((how & 0x0c) == 0x0c) {	/* hostile sizes never fit */
		static const uint64_t huge[] = { UINT64_MAX, UINT64_MAX - PG + 1, TOP, NPAGES * PG + 1 };
		EXPECT(vad_find_gap(t, huge[(how >> 4) & 3], align_pg * PG, BASE + lo * PG, BASE + hi * PG, top_down) == 0);
		EXPECT(vad_find_gap(t, 0, align_pg * PG, BASE, TOP, top_down) == 0);
	}
	if (got) {
		uint64_t p = (got - BASE) / PG;
		EXPECT(got % (align_pg * PG) == 0 && p + npg <= NPAGES);
		if (npg <= NPAGES - p)
			reserve(t, p, npg);
	}
}

static void op_release(struct vad_tree *t)
{
	if (!nlive)
		return;
	int i = (int)take_below((uint64_t)nlive, 1);
	struct vad *v = live[i];
	for (uint64_t a = v->start; a < v->end; a += PG)
		model[(a - BASE) / PG] = (struct page_model){ 0 };
	vad_remove(t, v);
	EXPECT(v->node.parent == NULL && v->node.left == NULL && v->node.right == NULL);
	EXPECT(vad_find(t, v->start) == NULL);
	vad_delete(v);
	live[i] = live[--nlive];
}

static void op_set(void)
{
	if (!nlive)
		return;
	struct vad *v = live[take_below((uint64_t)nlive, 1)];
	uint64_t n = (v->end - v->start) / PG;
	uint64_t s = take_below(n, 2), e = s + 1 + take_below(n - s, 2);
	uint32_t st = take(1) & 1 ? COMMIT : RESERVE, pr = decode_protect(st);
	EXPECT(vad_runs_reserve(v) == 0);
	EXPECT(v->nspare >= 2);
	uint32_t before = v->nruns, owned = v->nruns + v->nspare;
	vad_runs_set(v, v->start + s * PG, v->start + e * PG, st, pr);
	EXPECT(v->nruns <= before + 2 && v->nruns + v->nspare <= owned);	/* the set allocated nothing */
	for (uint64_t p = s; p < e; p++) {
		struct page_model *m = &model[(v->start - BASE) / PG + p];
		m->state = st;
		m->protect = pr;
	}
}

static void op_lookup(const struct vad_tree *t)
{
	uint64_t p = take_below(NPAGES, 2), a = BASE + p * PG + take_below(PG, 2);
	EXPECT(vad_find(t, a) == model[p].owner);
	EXPECT(vad_find_next(t, a) == model_owner_at_or_above(a));
	uint64_t q = p + 1 + take_below(NPAGES - p, 2);
	EXPECT(vad_range_free(t, BASE + p * PG, BASE + q * PG) == model_free(p, q));
	/* Outside the model space: nothing below, nothing at or above TOP. */
	uint64_t below = take(8) % BASE;
	EXPECT(vad_find(t, below) == NULL);
	EXPECT(vad_find_next(t, below) == vad_first(t));
	EXPECT(vad_find(t, TOP + take(2)) == NULL && vad_find_next(t, TOP + take(2)) == NULL);
	EXPECT(vad_find(t, UINT64_MAX) == NULL);
}

__attribute__((destructor)) static void report(void)
{
	fprintf(stderr, "fuzz_vad: %llu operations checked against the model (%llu reservations, up to %llu VADs)\n",
		total_ops, total_reserved, max_live);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vad_tree t = { 0 };
	in_data = data;
	in_len = size;
	in_pos = 0;
	memset(model, 0, sizeof(model));
	nlive = 0;
	for (op_index = 0; in_pos < in_len; op_index++) {
		switch (take(1) % 8) {
		case 0:
		case 1:
			op_reserve_at(&t);
			break;
		case 2:
			op_reserve_gap(&t, false);
			break;
		case 3:
			op_reserve_gap(&t, true);
			break;
		case 4:
			op_release(&t);
			break;
		case 5:
		case 6:
			op_set();
			break;
		case 7:
			op_lookup(&t);
			break;
		}
		check_against_model(&t);
		if ((uint64_t)nlive > max_live)
			max_live = (uint64_t)nlive;
	}
	total_ops += (unsigned long long)op_index;
	while (t.root) {	/* every VAD freed: LeakSanitizer checks */
		struct vad *v = vad_of(t.root);
		vad_remove(&t, v);
		vad_delete(v);
	}
	return 0;
}
