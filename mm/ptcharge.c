/* mm/ptcharge.c - page-table pages charged against the commit limit (see ptcharge.h). */
#include "ptcharge.h"
#include "kheap.h"
#include "paging.h"
#include "vad.h"
#include "vm_ext.h"
#include "kernel/layout.h"
#include "kernel/panic.h"

#include <stddef.h>

#define UNIT_2M  21	/* a page table (PT) covers 2 MiB */
#define UNIT_1G  30	/* a page directory (PD) covers 1 GiB */
#define UNIT_512G 39	/* a PDPT covers 512 GiB */
#define TOPS     256	/* PML4 entries of the user half */

/* One per GiB holding charged units: which of its 512 PTs are charged, how many. */
struct ptc_gib {
	uint64_t bits[8];
	uint32_t n;
};

/* One per 512 GiB holding charged units: its 512 GiB nodes (one page). */
struct ptc_top {
	struct ptc_gib *gib[512];
};

/*
 * The ledger of one space: per 512 GiB its node, how many GiB nodes it
 * holds, and slots [lo, hi] of its node that hold every one of them (a
 * process uses a few GiB at either end of a 512 GiB: fork and destroy look
 * at those slots, not all 512), and which nodes exist.  3.5 KiB, one page.
 * A fork shares the parent's ledger with the child (sharers counts the
 * other spaces using it): the first of them to change its charge takes a
 * copy of its own (ledger_own), so a child that exits first copies nothing.
 * Every change runs under the exclusive kernel lock (docs/smp.md).
 */
struct ptc_ledger {
	struct ptc_top *top[TOPS];
	uint16_t top_n[TOPS];
	uint16_t lo[TOPS], hi[TOPS];	/* an empty range (lo > hi) when the node is new */
	uint64_t used[TOPS / 64];	/* bit i: top[i] is not NULL */
	uint32_t sharers;		/* spaces using this ledger besides one (fork) */
};
_Static_assert(sizeof(struct ptc_ledger) <= 4096, "the ledger is one page");

static uint64_t total;	/* charged tables, all spaces */

uint64_t ptc_total(void)
{
	return total;
}

/* The GiB node of GiB index g, or NULL. */
static struct ptc_gib *gib_of(const struct vm_space *vm, uint64_t g)
{
	if (!vm->ptc)
		return NULL;
	const struct ptc_top *t = vm->ptc->top[g >> 9];
	return t ? t->gib[g & 511] : NULL;
}

static bool unit_charged(const struct ptc_gib *n, uint64_t u)
{
	return n && (n->bits[(u & 511) >> 6] >> (u & 63)) & 1;
}

/* Tables [start, end) needs beyond those charged (units of 2 MiB, 1 GiB, 512 GiB). */
static uint64_t tables_needed(const struct vm_space *vm, uint64_t start, uint64_t end)
{
	uint64_t need = 0, u0 = start >> UNIT_2M, u1 = (end - 1) >> UNIT_2M;
	for (uint64_t g = u0 >> 9; g <= u1 >> 9; g++) {
		uint64_t lo = g << 9 > u0 ? g << 9 : u0, hi = (g << 9 | 511) < u1 ? (g << 9 | 511) : u1;
		const struct ptc_gib *n = gib_of(vm, g);
		if (!n || !n->n) {
			need += hi - lo + 1 + 1;	/* every PT, and the PD */
		} else {
			for (uint64_t u = lo; u <= hi; u++)
				need += !unit_charged(n, u);
		}
		if ((g & 511) == 0 || g == u0 >> 9) {	/* the first GiB of a 512 GiB: its PDPT */
			if (!vm->ptc || !vm->ptc->top_n[g >> 9])
				need++;
		}
	}
	return need;
}

/* Free ledger l and its nodes (l used by no space). */
static void ledger_free(struct ptc_ledger *l)
{
	for (unsigned w = 0; w < TOPS / 64; w++) {
		for (uint64_t m = l->used[w]; m; m &= m - 1) {
			unsigned i = w * 64 + (unsigned)__builtin_ctzll(m);
			for (unsigned j = l->lo[i]; j <= l->hi[i]; j++)
				kfree(l->top[i]->gib[j]);
			kfree(l->top[i]);
		}
	}
	kfree(l);
}

/* Copy l's 512 GiB node i into c: false when out of memory (c then frees whole with ledger_free). */
static bool copy_top(struct ptc_ledger *c, const struct ptc_ledger *l, unsigned i)
{
	struct ptc_top *t = kmalloc(sizeof(struct ptc_top));
	if (!t)
		return false;
	c->top[i] = t;
	c->used[i / 64] |= 1ULL << (i & 63);
	c->top_n[i] = l->top_n[i];
	c->lo[i] = l->lo[i];
	c->hi[i] = l->hi[i];
	/* Only the GiB nodes holding a charge (an empty one is made again on demand), in [lo, hi]. */
	for (unsigned j = l->lo[i]; j <= l->hi[i]; j++) {
		const struct ptc_gib *g = l->top[i]->gib[j];
		if (!g || !g->n)
			continue;
		if (!(t->gib[j] = kmalloc(sizeof(struct ptc_gib))))
			return false;
		*t->gib[j] = *g;
	}
	return true;
}

/*
 * Give vm a ledger of its own before it changes one a fork left shared: a
 * copy (only the nodes that hold a charge), the shared one keeping its
 * other users.  False when out of memory, with nothing changed.
 */
static bool ledger_own(struct vm_space *vm)
{
	struct ptc_ledger *l = vm->ptc;
	if (!l || !l->sharers)
		return true;
	struct ptc_ledger *c = kmalloc(sizeof(struct ptc_ledger));
	if (!c)
		return false;
	for (unsigned w = 0; w < TOPS / 64; w++) {
		for (uint64_t m = l->used[w]; m; m &= m - 1) {
			if (!copy_top(c, l, w * 64 + (unsigned)__builtin_ctzll(m))) {
				ledger_free(c);
				return false;
			}
		}
	}
	l->sharers--;
	vm->ptc = c;
	return true;
}

/* Free the nodes under [start, end) that hold nothing (after a failed charge). */
static void tidy(struct vm_space *vm, uint64_t start, uint64_t end)
{
	if (!vm->ptc || vm->ptc->sharers)
		return;	/* still shared: make_nodes made nothing in it */
	for (uint64_t g = start >> UNIT_1G; g <= (end - 1) >> UNIT_1G; g++) {
		struct ptc_top *t = vm->ptc->top[g >> 9];
		if (t && t->gib[g & 511] && !t->gib[g & 511]->n) {
			kfree(t->gib[g & 511]);
			t->gib[g & 511] = NULL;
		}
		if (t && !vm->ptc->top_n[g >> 9] && ((g & 511) == 511 || g == (end - 1) >> UNIT_1G)) {
			bool empty = true;
			for (unsigned i = 0; i < 512 && empty; i++)
				empty = !t->gib[i];
			if (empty) {
				kfree(t);
				vm->ptc->top[g >> 9] = NULL;
				vm->ptc->used[g >> 15] &= ~(1ULL << ((g >> 9) & 63));
			}
		}
	}
}

/* Allocate every node [start, end) needs; false when out of memory (tidy frees what was made). */
static bool make_nodes(struct vm_space *vm, uint64_t start, uint64_t end)
{
	if (!vm->ptc && !(vm->ptc = kmalloc(sizeof(struct ptc_ledger))))
		return false;
	if (!ledger_own(vm))
		return false;
	for (uint64_t g = start >> UNIT_1G; g <= (end - 1) >> UNIT_1G; g++) {
		struct ptc_top **t = &vm->ptc->top[g >> 9];
		if (!*t) {
			if (!(*t = kmalloc(sizeof(struct ptc_top))))
				return false;
			vm->ptc->used[g >> 15] |= 1ULL << ((g >> 9) & 63);
			vm->ptc->lo[g >> 9] = 511;
			vm->ptc->hi[g >> 9] = 0;
		}
		if (!(*t)->gib[g & 511]) {
			if (!((*t)->gib[g & 511] = kmalloc(sizeof(struct ptc_gib))))
				return false;
			if ((g & 511) < vm->ptc->lo[g >> 9])
				vm->ptc->lo[g >> 9] = g & 511;
			if ((g & 511) > vm->ptc->hi[g >> 9])
				vm->ptc->hi[g >> 9] = g & 511;
		}
	}
	return true;
}

ntstatus_t ptc_charge(struct vm_space *vm, uint64_t start, uint64_t end)
{
	ASSERT(start < end && end <= USER_TOP);
	uint64_t need = tables_needed(vm, start, end);
	if (!need)
		return STATUS_SUCCESS;
	if (total + need > pt_table_limit() || !vm_charge_system(need))
		return STATUS_COMMITMENT_LIMIT;
	if (!make_nodes(vm, start, end)) {
		vm_uncharge_system(need);
		tidy(vm, start, end);
		return STATUS_NO_MEMORY;
	}
	uint64_t u0 = start >> UNIT_2M, u1 = (end - 1) >> UNIT_2M;
	for (uint64_t u = u0; u <= u1; u++) {
		struct ptc_gib *n = gib_of(vm, u >> 9);
		if (!n->n)
			vm->ptc->top_n[u >> 18]++;	/* a GiB node gains its first unit */
		if (!unit_charged(n, u)) {
			n->bits[(u & 511) >> 6] |= 1ULL << (u & 63);
			n->n++;
		}
	}
	total += need;
	vm->pt_charge += need;
	return STATUS_SUCCESS;
}

/* Whether anything in [s, e) of vm needs a page table (the footprint, ptcharge.h). */
static bool footprint(const struct vm_space *vm, uint64_t s, uint64_t e)
{
	for (const struct vad *v = vad_find_next(&vm->tree, s); v && v->start < e; v = vad_next(v)) {
		if (v->flags & VAD_PLACEHOLDER)
			continue;
		if (v->section || (v->flags & (VAD_PHYSICAL | VAD_LARGE)))
			return true;
		uint64_t a = v->start > s ? v->start : s;
		for (const struct vad_run *r = vad_run_at(v, a); r && r->start < e; r = vad_run_next(v, r))
			if (r->state == W_MEM_COMMIT)
				return true;
	}
	return false;
}

/* Give back unit u (charged) of GiB node n; returns the tables given back. */
static uint64_t drop_unit(struct vm_space *vm, struct ptc_gib *n, uint64_t u)
{
	uint64_t freed = 1;
	n->bits[(u & 511) >> 6] &= ~(1ULL << (u & 63));
	pt_prune(vm->root, u << UNIT_2M, 1ULL << UNIT_2M);	/* its PT (and the PD, PDPT when they empty) */
	if (--n->n == 0) {
		freed++;	/* the PD */
		struct ptc_top *t = vm->ptc->top[u >> 18];
		t->gib[(u >> 9) & 511] = NULL;
		kfree(n);
		if (--vm->ptc->top_n[u >> 18] == 0) {
			freed++;	/* the PDPT */
			vm->ptc->top[u >> 18] = NULL;
			vm->ptc->used[u >> 24] &= ~(1ULL << ((u >> 18) & 63));
			kfree(t);
		}
	}
	return freed;
}

void ptc_release(struct vm_space *vm, uint64_t start, uint64_t end)
{
	if (!vm->ptc || start >= end)
		return;
	if (end > USER_TOP)
		end = USER_TOP;
	uint64_t freed = 0, u0 = start >> UNIT_2M, u1 = (end - 1) >> UNIT_2M;
	for (uint64_t u = u0; u <= u1;) {
		struct ptc_top *t = vm->ptc->top[u >> 18];
		if (!t) {
			u = (u | ((1ULL << 18) - 1)) + 1;	/* the next 512 GiB */
			continue;
		}
		struct ptc_gib *n = t->gib[(u >> 9) & 511];
		if (!n) {
			u = (u | 511) + 1;	/* the next GiB */
			continue;
		}
		if (!n->bits[(u & 511) >> 6]) {
			u = (u | 63) + 1;	/* 64 units with no charge */
			continue;
		}
		if (unit_charged(n, u) && !footprint(vm, u << UNIT_2M, (u + 1) << UNIT_2M)) {
			if (vm->ptc->sharers) {	/* the first change of a ledger shared since fork: a copy first */
				if (!ledger_own(vm))
					break;	/* out of memory: the rest stays charged (given back at exit) */
				continue;	/* n was the shared ledger's: look again in the copy */
			}
			freed += drop_unit(vm, n, u);
		}
		u++;
	}
	if (freed) {
		ASSERT(freed <= vm->pt_charge && freed <= total);
		vm->pt_charge -= freed;
		total -= freed;
		vm_uncharge_system(freed);
	}
	if (!vm->pt_charge)
		ptc_destroy(vm);	/* nothing charged: the ledger's own page goes too */
}

void ptc_destroy(struct vm_space *vm)
{
	if (vm->ptc && vm->ptc->sharers)
		vm->ptc->sharers--;	/* another space still uses it */
	else if (vm->ptc)
		ledger_free(vm->ptc);
	vm->ptc = NULL;
	ASSERT(vm->pt_charge <= total);
	total -= vm->pt_charge;
	vm_uncharge_system(vm->pt_charge);
	vm->pt_charge = 0;
}

ntstatus_t ptc_fork(struct vm_space *child, const struct vm_space *parent)
{
	ASSERT(!child->ptc && !child->pt_charge);
	uint64_t need = parent->pt_charge;
	if (!parent->ptc || !need)
		return STATUS_SUCCESS;
	if (total + need > pt_table_limit() || !vm_charge_system(need))
		return STATUS_COMMITMENT_LIMIT;
	total += need;
	child->pt_charge = need;	/* ptc_destroy gives it back */
	child->ptc = parent->ptc;	/* shared until one of them changes it (ledger_own) */
	child->ptc->sharers++;
	return STATUS_SUCCESS;
}
