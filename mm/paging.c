/* mm/paging.c - one walker for every page-table operation. */
#include "paging.h"
#include "tlb.h"
#include "frame.h"
#include "phys.h"
#include "kernel/cpu.h"
#include "kernel/layout.h"
#include "kernel/panic.h"

#include <stddef.h>

uint64_t kernel_root;
static uint64_t table_limit = UINT64_MAX;	/* page-table pages allowed before user walks stop allocating */
static uint64_t user_tables;	/* page-table pages below USER_TOP, roots not counted */

void pt_set_table_limit(uint64_t pages)
{
	table_limit = pages;
}

uint64_t pt_table_limit(void)
{
	return table_limit;
}

uint64_t pt_user_tables(void)
{
	return user_tables;
}

static inline unsigned pt_index(uint64_t va, int level)	/* level 3 = PML4 .. 0 = PT */
{
	return (va >> (12 + 9 * level)) & 511;
}

static inline pte_t *table_of(pte_t e)
{
	return phys_to_virt(e & PTE_ADDR);
}

/* Walk down to the table at level `stop` (0 = PT, 1 = PD) for va. */
static pte_t *walk_to(uint64_t root, uint64_t va, int stop, bool alloc)
{
	pte_t *table = phys_to_virt(root);
	for (int level = 3; level > stop; level--) {
		pte_t *e = &table[pt_index(va, level)];
		if (!(*e & PTE_P)) {
			if (!alloc)
				return NULL;
			if (va < USER_TOP && user_tables >= table_limit)
				return NULL;	/* page tables cannot be paged out: they may not crowd out user pages */
			uint64_t page = frame_alloc_zeroed(0, FRAME_PAGETABLE);
			if (!page)
				return NULL;
			user_tables += va < USER_TOP;
			*e = page | PTE_P | PTE_W | (va < USER_TOP ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			return NULL;	/* covered by a large page */
		}
		table = table_of(*e);
	}
	return &table[pt_index(va, stop)];
}

pte_t *pt_walk(uint64_t root, uint64_t va, bool alloc)
{
	return walk_to(root, va, 0, alloc);
}

int pt_map(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags)
{
	pte_t *e = walk_to(root, va, 0, true);
	if (!e)
		return -1;
	pte_t old = *e;
	*e = (phys & PTE_ADDR) | flags;
	if (old & PTE_P)
		tlb_shootdown_page(root, va);	/* a translation replaced: no CPU may keep the old one */
	else
		tlb_flush_page(va);	/* none was cached anywhere (not-present entries are not) */
	return 0;
}

int pt_map_large(uint64_t root, uint64_t va, uint64_t phys, uint64_t flags)
{
	ASSERT(((va | phys) & (PAGE_2M - 1)) == 0);
	pte_t *e = walk_to(root, va, 1, true);
	if (!e)
		return -1;
	ASSERT(!(*e & PTE_P) || (*e & PTE_PS));	/* never drop a page table silently */
	pte_t old = *e;
	*e = (phys & PTE_ADDR_2M) | flags | PTE_PS;
	if (old & PTE_P)
		tlb_shootdown_page(root, va);
	else
		tlb_flush_page(va);
	return 0;
}

int pt_map_range(uint64_t root, uint64_t va, uint64_t phys, uint64_t len, uint64_t flags, bool large_ok)
{
	uint64_t end = va + len;
	while (va < end) {
		if (large_ok && ((va | phys) & (PAGE_2M - 1)) == 0 && end - va >= PAGE_2M) {
			/* the 4 KiB cache bits move from bit 7 to bit 12 in a large entry */
			uint64_t lflags = flags & ~(1ULL << 7);
			if (flags & (1ULL << 7))
				lflags |= 1ULL << 12;
			if (pt_map_large(root, va, phys, lflags))
				return -1;
			va += PAGE_2M;
			phys += PAGE_2M;
		} else {
			if (pt_map(root, va, phys, flags))
				return -1;
			va += PAGE_SIZE;
			phys += PAGE_SIZE;
		}
	}
	return 0;
}

pte_t pt_unmap(uint64_t root, uint64_t va)
{
	pte_t *e = walk_to(root, va, 0, false);
	if (!e || !(*e & PTE_P))
		return 0;
	pte_t old = *e;
	*e = 0;
	tlb_shootdown_page(root, va);
	return old;
}

pte_t pt_unmap_large(uint64_t root, uint64_t va)
{
	ASSERT((va & (PAGE_2M - 1)) == 0);
	pte_t *e = walk_to(root, va, 1, false);
	if (!e || (*e & (PTE_P | PTE_PS)) != (PTE_P | PTE_PS))
		return 0;
	pte_t old = *e;
	*e = 0;
	tlb_shootdown_page(root, va);
	return old;
}

int pt_protect(uint64_t root, uint64_t va, uint64_t flags)
{
	pte_t *e = walk_to(root, va, 0, false);
	if (!e || !(*e & PTE_P))
		return -1;
	*e = (*e & PTE_ADDR) | flags;
	tlb_shootdown_page(root, va);
	return 0;
}

pte_t pt_query(uint64_t root, uint64_t va, uint64_t *size)
{
	pte_t *table = phys_to_virt(root);
	for (int level = 3; level >= 0; level--) {
		pte_t e = table[pt_index(va, level)];
		if (!(e & PTE_P))
			break;
		if (level == 0 || (e & PTE_PS)) {
			if (size)
				*size = 1ULL << (12 + 9 * level);
			return e;
		}
		table = table_of(e);
	}
	if (size)
		*size = 0;
	return 0;
}

static uint64_t for_each_level(pte_t *table, int level, uint64_t base, uint64_t va, uint64_t end, pt_leaf_fn fn,
			       void *ctx)
{
	uint64_t span = 1ULL << (12 + 9 * level), n = 0;
	for (unsigned i = pt_index(va, level); i < 512; i++) {
		uint64_t start = base + (uint64_t)i * span;
		if (level == 3 && i >= 256)
			start |= 0xffff000000000000ULL;	/* sign-extend the upper half */
		if (start >= end)
			break;
		pte_t *e = &table[i];
		if (!(*e & PTE_P))
			continue;
		if (level == 0 || (*e & PTE_PS)) {
			fn(start, e, span, ctx);
			n++;
		} else {
			n += for_each_level(table_of(*e), level - 1, start, va > start ? va : start, end, fn, ctx);
		}
		if (start + span < start)	/* wrapped at the top of the address space */
			break;
	}
	return n;
}

uint64_t pt_for_each(uint64_t root, uint64_t va, uint64_t len, pt_leaf_fn fn, void *ctx)
{
	uint64_t end = va + len;
	if (end < va)
		end = ~0ULL;
	return for_each_level(phys_to_virt(root), 3, 0, va, end, fn, ctx);
}

uint64_t pt_create_root(void)
{
	uint64_t root = frame_alloc_zeroed(0, FRAME_PAGETABLE);
	if (!root)
		return 0;
	/* The kernel half, the same in every address space (its tables exist from boot: kpaging_init). */
	pte_t *dst = (pte_t *)phys_to_virt(root) + 256;
	const pte_t *src = (const pte_t *)phys_to_virt(kernel_root) + 256;
	uint64_t n = 256;
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return root;
}

/*
 * Free the tables below table (a level-`level` table: 2 = PDPT, 1 = PD),
 * clearing its entries as they go.  The leaf tables hold nothing by now:
 * the teardown cleared every entry it dropped (vm_drop_entries, the large
 * and AWE releases).  So every table freed here is all zeros and goes back
 * as such (frame_free_zeroed): the next page table allocated costs no fill.
 */
static void free_tables(pte_t *table, int level)
{
	for (int i = 0; i < 512; i++) {
		pte_t e = table[i];
		if (!e)
			continue;
		table[i] = 0;
		if (!(e & PTE_P) || (e & PTE_PS))
			continue;
		if (level > 1)
			free_tables(table_of(e), level - 1);
		frame_free_zeroed(e & PTE_ADDR);
		user_tables--;	/* only the user half is freed this way */
	}
}

void pt_destroy_root(uint64_t root)
{
	tlb_root_free(root);	/* no CPU keeps it loaded, not even an idle one */
	pte_t *pml4 = phys_to_virt(root);
	for (int i = 0; i < 256; i++) {
		pte_t e = pml4[i];
		if (!e)
			continue;
		pml4[i] = 0;
		if (!(e & PTE_P))
			continue;
		free_tables(table_of(e), 2);
		frame_free_zeroed(e & PTE_ADDR);
		user_tables--;
	}
	page_zero_half(pml4 + 256);	/* the kernel half: then the whole root is zeros again */
	frame_free_zeroed(root);
}

/*
 * Whether a page table holds nothing, looking outward from entry `near`
 * (the one just cleared): a neighbour is what usually keeps a table alive
 * (regions sit side by side, stacks and TEBs top down), and the scan stops
 * at the first entry it finds.  A table that is really empty costs the 512.
 */
static bool table_empty(const pte_t *table, unsigned near)
{
	near &= 511;
	if (table[near])
		return false;
	for (unsigned d = 1; d < 512; d++) {
		if ((near + d < 512 && table[near + d]) || (d <= near && table[near - d]))
			return false;
		if (near + d >= 512 && d > near)
			break;
	}
	return true;
}

/*
 * Free the tables below *e (a level-`level` entry: 2 = PDPTE, 1 = PDE) that
 * cover [va, end) and hold nothing any more; then *e itself when its table
 * became empty.  Returns true when something was freed.
 */
/*
 * Page-table pages unlinked by pt_prune, freed only after the shootdown
 * that makes every CPU forget them (its paging-structure caches may still
 * point there until then).  The kernel lock serialises pt_prune.
 */
static struct {
	uint64_t root;
	unsigned n;
	uint64_t frames[64];
} unlinked;

static void unlinked_free(void)
{
	if (!unlinked.n)
		return;
	tlb_shootdown(unlinked.root, 0, USER_TOP);	/* a full flush on every CPU that has root */
	for (unsigned i = 0; i < unlinked.n; i++)
		frame_free_zeroed(unlinked.frames[i]);	/* empty: table_empty said so */
	user_tables -= unlinked.n;	/* pt_prune works on the user half only */
	unlinked.n = 0;
}

static void unlink_table(pte_t *e)
{
	if (unlinked.n == sizeof(unlinked.frames) / sizeof(unlinked.frames[0]))
		unlinked_free();
	unlinked.frames[unlinked.n++] = *e & PTE_ADDR;
	*e = 0;
}

/*
 * Whether the entry just below or just above [va, end) in table (the
 * level-`level` entry's table, covering 512 << (12 + 9 * (level - 1))
 * bytes) is in use: a freed region's neighbours are what most often keep
 * its table, so they are looked at before table_empty's scan.
 */
static bool neighbour_used(const pte_t *table, int level, uint64_t va, uint64_t end)
{
	uint64_t span = 1ULL << (12 + 9 * level);
	unsigned lo = pt_index(va, level - 1);
	if (lo > 0 && table[lo - 1])
		return true;
	if (((end - 1) & ~(span - 1)) != (va & ~(span - 1)))
		return false;	/* the range runs to this table's end */
	unsigned hi = pt_index(end - 1, level - 1);
	return hi < 511 && table[hi + 1];
}

static bool prune(pte_t *e, int level, uint64_t va, uint64_t end)
{
	if (!(*e & PTE_P) || (*e & PTE_PS))
		return false;
	pte_t *table = table_of(*e);
	bool freed = false;
	if (level > 1) {
		uint64_t span = 1ULL << (12 + 9 * (level - 1));
		for (uint64_t a = va; a < end; a = (a & ~(span - 1)) + span)
			freed |= prune(&table[pt_index(a, level - 1)], level - 1, a, end);
	}
	if (neighbour_used(table, level, va, end) || !table_empty(table, pt_index(va, level - 1)))
		return freed;
	unlink_table(e);
	return true;
}

void pt_prune(uint64_t root, uint64_t va, uint64_t len)
{
	if (!len || va >= USER_TOP)
		return;
	uint64_t end = va + len > USER_TOP ? USER_TOP : va + len;
	pte_t *pml4 = phys_to_virt(root);
	bool freed = false;
	unlinked.root = root;
	for (uint64_t a = va; a < end; a = (a & ~((1ULL << 39) - 1)) + (1ULL << 39)) {
		pte_t *e = &pml4[pt_index(a, 3)];
		if (!(*e & PTE_P))
			continue;
		pte_t *pdpt = table_of(*e);
		for (uint64_t b = a; b < end && pt_index(b, 3) == pt_index(a, 3); b = (b & ~((1ULL << 30) - 1)) + (1ULL << 30))
			freed |= prune(&pdpt[pt_index(b, 2)], 2, b, end < ((b | ((1ULL << 30) - 1)) + 1) ? end : (b | ((1ULL << 30) - 1)) + 1);
		if (table_empty(pdpt, pt_index(a, 2))) {
			unlink_table(e);
			freed = true;
		}
	}
	/* CPUs may cache the entries that pointed at the unlinked tables (paging-structure caches). */
	if (freed)
		unlinked_free();
}

