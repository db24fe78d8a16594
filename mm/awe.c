/*
 * mm/awe.c - Address Windowing Extensions (MEM_PHYSICAL regions and the
 * physical pages mapped into them).
 *
 * A process's AWE frames are kept in one array sorted by frame number
 * (binary search: O(log n) to check that a frame is the process's), each with
 * the address it is mapped at (0 if none).  A free marks entries and
 * compacts the array once at the end of the call.  A MEM_PHYSICAL reservation
 * is an ordinary VAD with VAD_PHYSICAL whose runs stay MEM_RESERVE: the fault
 * path therefore never gives it a demand-zero frame, decommit and commit
 * leave it alone, and its PTEs are written only here.
 *
 * Mapping is two-phase: every target page's table is allocated and every
 * frame checked first (epoch marks, so no clean-up pass is needed), then the
 * PTEs are rewritten; a failure changes nothing.
 */
#include "tlb.h"
#include "awe.h"
#include "frame.h"
#include "kheap.h"
#include "lock.h"
#include "paging.h"
#include "prot.h"
#include "vm_ext.h"

#include <string.h>

#define AWE_FREED 1ULL	/* bit 0 of awe_page.va: freed in this call, compacted away at its end */

struct awe_page {
	uint64_t pfn;
	uint64_t va;		/* page it is mapped at, 0 if unmapped */
	uint64_t target_epoch;	/* == state epoch: mapped at a page this map call rewrites */
	uint64_t claim_epoch;	/* == state epoch: already named by this map call */
};

struct awe_state {
	struct awe_page *pages;	/* sorted by pfn */
	uint64_t count;
	uint64_t epoch;
};

ntstatus_t awe_check_alloc(uint32_t type, uint32_t protect)
{
	if (type != (W_MEM_RESERVE | W_MEM_PHYSICAL))
		return STATUS_INVALID_PARAMETER;
	if (protect != W_PAGE_READWRITE)
		return STATUS_INVALID_PAGE_PROTECTION;
	return STATUS_SUCCESS;
}

uint64_t awe_owned(const struct vm_space *vm)
{
	return vm->awe ? vm->awe->count : 0;
}

static struct awe_page *find(struct awe_state *s, uint64_t pfn)
{
	if (!s)
		return NULL;
	uint64_t lo = 0, hi = s->count;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (s->pages[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->count && s->pages[lo].pfn == pfn && !(s->pages[lo].va & AWE_FREED))
		return &s->pages[lo];
	return NULL;
}

static void sift_down(struct awe_page *a, uint64_t i, uint64_t n)
{
	for (;;) {
		uint64_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1].pfn > a[c].pfn)
			c++;
		if (a[i].pfn >= a[c].pfn)
			return;
		struct awe_page t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

/* Heapsort by pfn: O(n log n), no extra memory. */
static void sort_pages(struct awe_page *a, uint64_t n)
{
	for (uint64_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (uint64_t end = n; end-- > 1;) {
		struct awe_page t = a[0];
		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

ntstatus_t awe_allocate(struct vm_space *vm, uint64_t want, uint64_t *pfns, uint64_t *got)
{
	*got = 0;
	if (want == 0)
		return STATUS_SUCCESS;
	if (!vm->awe && !(vm->awe = kmalloc(sizeof(*vm->awe))))
		return STATUS_INSUFFICIENT_RESOURCES;
	struct awe_state *s = vm->awe;
	struct awe_page *grown = kmalloc((s->count + want) * sizeof(*grown));
	if (!grown)
		return STATUS_INSUFFICIENT_RESOURCES;
	ntstatus_t why = STATUS_SUCCESS;
	uint64_t n = 0;
	for (; n < want; n++) {
		if (!vm_charge(vm, 1)) {
			why = STATUS_COMMITMENT_LIMIT;
			break;
		}
		if (!pin_charge(vm, 1)) {	/* the pinned-memory bounds (mm/lock.h) */
			vm_uncharge(vm, 1);
			why = STATUS_INSUFFICIENT_RESOURCES;
			break;
		}
		uint64_t f = frame_alloc_zeroed(0, FRAME_AWE);
		if (!f) {
			pin_uncharge(vm, 1);
			vm_uncharge(vm, 1);
			why = STATUS_INSUFFICIENT_RESOURCES;
			break;
		}
		pfns[n] = f >> PAGE_SHIFT;
		grown[s->count + n] = (struct awe_page){ .pfn = pfns[n] };
	}
	if (n == 0) {
		kfree(grown);
		if (!s->count) {
			kfree(s);
			vm->awe = NULL;
		}
		return why;
	}
	if (s->count)
		memcpy(grown, s->pages, s->count * sizeof(*grown));
	kfree(s->pages);
	s->pages = grown;
	s->count += n;
	sort_pages(s->pages, s->count);
	*got = n;
	return STATUS_SUCCESS;
}

/* Clear the PTE of mapped page e (the caller flushes the TLB). */
static void unmap_entry(struct vm_space *vm, struct awe_page *e)
{
	pte_t *pte = pt_walk(vm->root, e->va & ~(PAGE_SIZE - 1), false);
	if (pte)
		*pte = 0;
	e->va &= AWE_FREED;
}

/*
 * Drop the entries marked AWE_FREED (order kept); the array shrinks when less
 * than half is left, and the state goes when nothing is, so the bookkeeping
 * does not outlive the pages.
 */
static void compact(struct vm_space *vm)
{
	struct awe_state *s = vm->awe;
	uint64_t j = 0, was = s->count;
	for (uint64_t i = 0; i < s->count; i++)
		if (!(s->pages[i].va & AWE_FREED))
			s->pages[j++] = s->pages[i];
	s->count = j;
	if (j == 0) {
		kfree(s->pages);
		kfree(s);
		vm->awe = NULL;
	} else if (j < was / 2) {
		struct awe_page *smaller = kmalloc(j * sizeof(*smaller));
		if (smaller) {	/* else keep the big one */
			memcpy(smaller, s->pages, j * sizeof(*smaller));
			kfree(s->pages);
			s->pages = smaller;
		}
	}
}

ntstatus_t awe_free(struct vm_space *vm, const uint64_t *pfns, uint64_t n, uint64_t *done)
{
	ntstatus_t st = STATUS_SUCCESS;
	uint64_t i = 0;
	for (; i < n; i++) {
		struct awe_page *e = find(vm->awe, pfns[i]);
		if (!e) {
			st = STATUS_INVALID_PARAMETER;
			break;
		}
		if (e->va) {
			uint64_t va = e->va;
			unmap_entry(vm, e);
			tlb_shootdown_page(vm->root, va);
		}
		frame_free(e->pfn << PAGE_SHIFT, 0);
		vm_uncharge(vm, 1);
		pin_uncharge(vm, 1);
		e->va = AWE_FREED;
	}
	if (i)
		compact(vm);
	*done = i;
	return st;
}

/* The MEM_PHYSICAL VAD containing va, or NULL. */
static struct vad *awe_vad(struct vm_space *vm, uint64_t va)
{
	struct vad *v = vad_find(&vm->tree, va);
	return v && (v->flags & VAD_PHYSICAL) ? v : NULL;
}

ntstatus_t awe_map_check(struct vm_space *vm, uint64_t va, uint64_t n)
{
	va &= ~(PAGE_SIZE - 1);
	struct vad *v = awe_vad(vm, va);
	if (!v)
		return STATUS_INVALID_PARAMETER_1;
	if (n > (v->end - va) / PAGE_SIZE)
		return STATUS_INVALID_PARAMETER_2;
	return STATUS_SUCCESS;
}

static uint64_t target(uint64_t va, const uint64_t *vas, uint64_t i)
{
	return vas ? vas[i] & ~(PAGE_SIZE - 1) : (va & ~(PAGE_SIZE - 1)) + i * PAGE_SIZE;
}

ntstatus_t awe_map(struct vm_space *vm, uint64_t va, const uint64_t *vas, uint64_t n, const uint64_t *pfns)
{
	if (!vas) {
		ntstatus_t st = awe_map_check(vm, va, n);
		if (st)
			return st;
	}
	struct awe_state *s = vm->awe;
	uint64_t epoch = s ? ++s->epoch : 0;
	/* Phase 1: tables for every target page; mark the frames mapped there now. */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t = target(va, vas, i);
		if (vas && !awe_vad(vm, t))
			return STATUS_INVALID_PARAMETER_1;
		pte_t *pte = pt_walk(vm->root, t, true);
		if (!pte)
			return STATUS_INSUFFICIENT_RESOURCES;
		struct awe_page *e = (*pte & PTE_P) ? find(s, (*pte & PTE_ADDR) >> PAGE_SHIFT) : NULL;
		if (e)
			e->target_epoch = epoch;
	}
	/* Phase 1: every new frame is ours, named once, and not mapped outside the targets. */
	for (uint64_t i = 0; pfns && i < n; i++) {
		if (!pfns[i])
			continue;
		struct awe_page *e = find(s, pfns[i]);
		if (!e || e->claim_epoch == epoch || (e->va && e->target_epoch != epoch))
			return STATUS_INVALID_PARAMETER_3;
		e->claim_epoch = epoch;
	}
	/* Phase 2: rewrite the entries; cannot fail. */
	uint64_t flags = prot_pte_flags(W_PAGE_READWRITE);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t = target(va, vas, i);
		pte_t *pte = pt_walk(vm->root, t, false);
		if (*pte & PTE_P) {
			struct awe_page *old = find(s, (*pte & PTE_ADDR) >> PAGE_SHIFT);
			if (old && old->va == t)	/* not if an earlier page of this call took it over */
				old->va = 0;
		}
		uint64_t pfn = pfns ? pfns[i] : 0;
		*pte = pfn ? (pfn << PAGE_SHIFT) | flags : 0;
		if (pfn)
			find(s, pfn)->va = t;
		if (vas || n <= TLB_FLUSH_PAGES_MAX)
			tlb_shootdown_page(vm->root, t);
	}
	if (!vas && n > TLB_FLUSH_PAGES_MAX)
		tlb_shootdown(vm->root, va & ~(PAGE_SIZE - 1), n * PAGE_SIZE);
	return STATUS_SUCCESS;
}

static void unmap_leaf(uint64_t va, pte_t *pte, uint64_t size, void *ctx)
{
	(void)size;
	struct awe_page *e = find(ctx, (*pte & PTE_ADDR) >> PAGE_SHIFT);
	if (e && e->va == va)
		e->va = 0;
	*pte = 0;
}

void awe_release(struct vm_space *vm, struct vad *v)
{
	if (!(v->flags & VAD_PHYSICAL))
		return;
	vm->physical_regions--;
	if (pt_for_each(vm->root, v->start, v->end - v->start, unmap_leaf, vm->awe))
		tlb_shootdown(vm->root, v->start, v->end - v->start);
}

void awe_destroy(struct vm_space *vm)
{
	struct awe_state *s = vm->awe;
	if (!s)
		return;
	for (uint64_t i = 0; i < s->count; i++) {
		if (s->pages[i].va)
			unmap_entry(vm, &s->pages[i]);
		frame_free(s->pages[i].pfn << PAGE_SHIFT, 0);
	}
	vm_uncharge(vm, s->count);
	pin_uncharge(vm, s->count);
	kfree(s->pages);
	kfree(s);
	vm->awe = NULL;
}
