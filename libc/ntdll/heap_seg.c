/*
 * libc/ntdll/heap_seg.c - the heap's backend: segments, free blocks in
 * bins, commit on demand and decommit, big blocks (heap_internal.h has the
 * structures, docs/heap.md the design).
 *
 * A segment is one reservation.  Its blocks lie end to end from
 * seg->first; each header holds its own size and its predecessor's, so a
 * freed block merges with free neighbours at once (no two free blocks are
 * ever adjacent).  Free blocks sit in bins: exact bins for 2..127 units,
 * then one bin per power of two, with a bitmap of the bins in use.  A fresh
 * segment is one free block of which only the first pages are committed
 * (HB_DECOMMIT: its interior may be uncommitted); carving a block from such a
 * block commits the pages it needs; a free block whose interior exceeds
 * DECOMMIT_BLOCK while the heap holds more than DECOMMIT_TOTAL free gives its
 * interior pages back, and a segment other than the first that becomes
 * entirely free is released.  Each segment keeps a bitmap of its committed
 * pages, so a pointer can be checked before its header is read.
 * Every function here needs the heap's lock (or HEAP_NO_SERIALIZE).
 */
#include "heap_internal.h"

static inline uintptr_t round_up(uintptr_t x, uintptr_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static inline uintptr_t round_down(uintptr_t x, uintptr_t a)
{
	return x & ~(a - 1);
}

/* The bin of a free block of units units. */
static unsigned bin_index(SIZE_T units)
{
	if (units < NBINS_EXACT)
		return (unsigned)units;
	unsigned lg = 63 - (unsigned)__builtin_clzll(units);	/* >= 7 */
	unsigned i = NBINS_EXACT + (lg - 7);
	return i < NBINS ? i : NBINS - 1;
}

static void bin_insert(struct heap *h, struct hblk *b)
{
	unsigned i = bin_index(b->size);
	LIST_ENTRY *head = &h->bins[i], *e = &((struct hfree *)b)->link;
	e->Flink = head->Flink;
	e->Blink = head;
	head->Flink->Blink = e;
	head->Flink = e;
	h->bitmap[i / 64] |= 1ULL << (i % 64);
	h->free_bytes += (SIZE_T)b->size * HEAP_UNIT;
}

static void bin_remove(struct heap *h, struct hblk *b)
{
	LIST_ENTRY *e = &((struct hfree *)b)->link;
	e->Blink->Flink = e->Flink;
	e->Flink->Blink = e->Blink;
	unsigned i = bin_index(b->size);
	if (h->bins[i].Flink == &h->bins[i])
		h->bitmap[i / 64] &= ~(1ULL << (i % 64));
	h->free_bytes -= (SIZE_T)b->size * HEAP_UNIT;
}

static struct hblk *link_block(LIST_ENTRY *e)
{
	return (struct hblk *)((char *)e - offsetof(struct hfree, link));
}

/* The first non-empty bin at or above i, or NBINS. */
static unsigned bin_next(const struct heap *h, unsigned i)
{
	while (i < NBINS) {
		uint64_t w = h->bitmap[i / 64] >> (i % 64);
		if (w)
			return i + (unsigned)__builtin_ctzll(w);
		i = (i | 63) + 1;
	}
	return NBINS;
}

/* Commits the pages of [from, to) in s that are not yet committed; FALSE when the system refuses. */
static BOOLEAN commit_range(struct heap *h, struct hseg *s, const char *from, const char *to)
{
	SIZE_T p0 = (round_down((uintptr_t)from, HEAP_PAGE) - (uintptr_t)s->base) / HEAP_PAGE;
	SIZE_T p1 = (round_up((uintptr_t)to, HEAP_PAGE) - (uintptr_t)s->base) / HEAP_PAGE;
	if (p1 > s->npages)
		p1 = s->npages;
	for (SIZE_T p = p0; p < p1;) {
		if (s->committed[p / 64] & (1ULL << (p % 64))) {
			p++;
			continue;
		}
		SIZE_T q = p;
		while (q < p1 && !(s->committed[q / 64] & (1ULL << (q % 64))))
			q++;
		PVOID at = s->base + p * HEAP_PAGE;
		SIZE_T len = (q - p) * HEAP_PAGE;
		if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_COMMIT, h->protect)))
			return FALSE;
		for (SIZE_T i = p; i < q; i++)
			s->committed[i / 64] |= 1ULL << (i % 64);
		p = q;
	}
	return TRUE;
}

/* Decommits the whole pages of free block b past its links and before the next header. */
static void decommit_interior(struct hseg *s, struct hblk *b)
{
	uintptr_t from = round_up((uintptr_t)b + sizeof(struct hfree), HEAP_PAGE);
	uintptr_t to = round_down((uintptr_t)hblk_next(b), HEAP_PAGE);
	if (to <= from)
		return;
	SIZE_T p0 = (from - (uintptr_t)s->base) / HEAP_PAGE, p1 = (to - (uintptr_t)s->base) / HEAP_PAGE;
	for (SIZE_T p = p0; p < p1;) {
		if (!(s->committed[p / 64] & (1ULL << (p % 64)))) {
			p++;
			continue;
		}
		SIZE_T q = p;
		while (q < p1 && (s->committed[q / 64] & (1ULL << (q % 64))))
			q++;
		PVOID at = s->base + p * HEAP_PAGE;
		SIZE_T len = (q - p) * HEAP_PAGE;
		if (NT_SUCCESS(NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_DECOMMIT)))
			for (SIZE_T i = p; i < q; i++)
				s->committed[i / 64] &= ~(1ULL << (i % 64));
		p = q;
	}
	b->flags |= HB_DECOMMIT;
}

/*
 * Makes a segment: base (the heap's first reservation, header bytes at its
 * start already used by the heap structure) or a new reservation of reserve
 * bytes when base is NULL; commit bytes committed from its start.  The
 * blocks area becomes one free block.  Lock held.
 */
NTSTATUS seg_create_locked(struct heap *h, char *base, SIZE_T reserve, SIZE_T commit, SIZE_T header)
{
	NTSTATUS st;
	reserve = round_up(reserve, HEAP_PAGE);	/* the blocks' end; the reservation itself is 64 KiB granular */
	if (!base) {
		PVOID at = NULL;
		SIZE_T len = round_up(reserve, HEAP_GRANULE);
		st = NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_RESERVE, h->protect);
		if (!NT_SUCCESS(st))
			return st;
		base = at;
	}
	SIZE_T npages = reserve / HEAP_PAGE;
	SIZE_T hdr = round_up(header + sizeof(struct hseg) + (npages + 63) / 64 * 8, HEAP_UNIT);
	if (commit < hdr + sizeof(struct hfree))
		commit = hdr + sizeof(struct hfree);
	commit = round_up(commit, HEAP_PAGE);
	if (commit > reserve || hdr + 2 * HEAP_UNIT > reserve)
		return STATUS_NO_MEMORY;
	PVOID at = base;
	SIZE_T len = commit;
	st = NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_COMMIT, h->protect);
	if (!NT_SUCCESS(st)) {
		if (!header) {
			at = base;
			len = 0;
			NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_RELEASE);
		}
		return st;
	}
	struct hseg *s = (struct hseg *)(base + header);
	s->signature = SEG_SIGNATURE;
	s->npages = (uint32_t)npages;
	s->heap = h;
	s->base = base;
	s->first = base + hdr;
	s->end = base + reserve;
	for (SIZE_T i = 0; i < (npages + 63) / 64; i++)
		s->committed[i] = 0;
	for (SIZE_T i = 0; i < commit / HEAP_PAGE; i++)
		s->committed[i / 64] |= 1ULL << (i % 64);
	struct hblk *b = (struct hblk *)s->first;
	b->size = (uint32_t)((reserve - hdr) / HEAP_UNIT);
	b->prev = 0;
	b->flags = HB_LAST | HB_DECOMMIT;
	b->unused = 0;
	hblk_seal(b, h->key);
	bin_insert(h, b);
	InsertTailList(&h->segments, &s->link);
	segtab_add_locked(h, s);
	return STATUS_SUCCESS;
}

/* The segment holding address p, or NULL. */
struct hseg *seg_find(struct heap *h, const void *p)
{
	for (LIST_ENTRY *e = h->segments.Flink; e != &h->segments; e = e->Flink) {
		struct hseg *s = CONTAINING_RECORD(e, struct hseg, link);
		if ((const char *)p >= s->first && (const char *)p < s->end)
			return s;
	}
	return NULL;
}

/* Sets the prev field of the block after b (when there is one) to b's size. */
static void fix_next_prev(struct heap *h, struct hblk *b)
{
	if (b->flags & HB_LAST)
		return;
	struct hblk *n = hblk_next(b);
	n->prev = b->size;
	hblk_seal(n, h->key);
}

/*
 * Splits busy or about-to-be-busy block b (not in a bin) to units, the rest
 * becoming a free block (merged with a free successor); nothing when the rest
 * would be too small.
 */
static void split_tail(struct heap *h, struct hseg *s, struct hblk *b, SIZE_T units)
{
	if (b->size - units < MIN_FREE_UNITS)
		return;
	struct hblk *r = (struct hblk *)((char *)b + units * HEAP_UNIT);
	r->size = b->size - (uint32_t)units;
	r->prev = (uint32_t)units;
	r->flags = (b->flags & (HB_LAST | HB_DECOMMIT)) | HB_BUSY;
	r->unused = 0;
	b->size = (uint32_t)units;
	b->flags &= ~(HB_LAST | HB_DECOMMIT);
	hblk_seal(b, h->key);
	hblk_seal(r, h->key);
	fix_next_prev(h, r);
	seg_free_locked(h, s, r);
}

/* Adds a segment big enough for units (doubling reservations); FALSE when the heap cannot grow. */
static BOOLEAN grow(struct heap *h, SIZE_T units)
{
	if (!(h->flags & HEAP_GROWABLE))
		return FALSE;
	SIZE_T need = units * HEAP_UNIT + HEAP_PAGE + sizeof(struct hseg) + SEG_MAX_RESERVE / HEAP_PAGE / 8;
	SIZE_T reserve = h->next_reserve > need ? h->next_reserve : round_up(need, HEAP_GRANULE);
	if (!NT_SUCCESS(seg_create_locked(h, NULL, reserve, HEAP_PAGE, 0)))
		return FALSE;
	if (h->next_reserve < SEG_MAX_RESERVE)
		h->next_reserve *= 2;
	return TRUE;
}

/* A busy backend block of exactly units units (header included; the caller seals it), or NULL. */
struct hblk *seg_alloc_locked(struct heap *h, SIZE_T units)
{
	for (int tries = 0; tries < 2; tries++) {
		for (unsigned i = bin_next(h, bin_index(units)); i < NBINS; i = bin_next(h, i + 1)) {
			LIST_ENTRY *head = &h->bins[i];
			for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
				struct hblk *b = link_block(e);
				if (b->size < units)
					continue;
				struct hseg *s = seg_find(h, b);
				if (b->flags & HB_DECOMMIT) {
					SIZE_T span = units * HEAP_UNIT + sizeof(struct hfree);
					if (span > (SIZE_T)b->size * HEAP_UNIT)
						span = (SIZE_T)b->size * HEAP_UNIT;
					if (!commit_range(h, s, (char *)b, (char *)b + span))
						return NULL;
				}
				bin_remove(h, b);
				b->flags |= HB_BUSY;
				split_tail(h, s, b, units);
				b->flags &= ~HB_DECOMMIT;
				return b;
			}
		}
		if (!grow(h, units))
			return NULL;
	}
	return NULL;
}

/* Releases segment s (not the first): it is one free block, already out of its bin. */
static void seg_release(struct hseg *s)
{
	RemoveEntryList(&s->link);
	segtab_remove_locked(s->heap, s);
	PVOID at = s->base;
	SIZE_T len = 0;
	NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_RELEASE);
}

static int is_first_segment(struct heap *h, struct hseg *s)
{
	return s->base == (char *)h;
}

/*
 * Frees busy block b of segment s: merges it with free neighbours (their
 * headers checked: a bad one is reported as corruption), then decommits or
 * releases what the thresholds say.
 */
void seg_free_locked(struct heap *h, struct hseg *s, struct hblk *b)
{
	struct hblk *n = (b->flags & HB_LAST) ? NULL : hblk_next(b);
	struct hblk *p = b->prev ? (struct hblk *)((char *)b - (SIZE_T)b->prev * HEAP_UNIT) : NULL;
	if (n && (!hblk_ok(n, h->key) || n->prev != b->size)) {
		heap_corrupt(h, hblk_data(n));
		return;
	}
	if (p && (!hblk_ok(p, h->key) || p->size != b->prev)) {
		heap_corrupt(h, hblk_data(p));
		return;
	}
	b->flags &= ~(HB_BUSY | HB_SUBSEG | HB_MOVEABLE);
	b->unused = 0;
	if (n && !(n->flags & HB_BUSY)) {
		bin_remove(h, n);
		b->size += n->size;
		b->flags |= n->flags & (HB_LAST | HB_DECOMMIT);
	}
	if (p && !(p->flags & HB_BUSY)) {
		bin_remove(h, p);
		p->size += b->size;
		p->flags |= b->flags & (HB_LAST | HB_DECOMMIT);
		b = p;
	}
	hblk_seal(b, h->key);
	fix_next_prev(h, b);
	if ((char *)b == s->first && (b->flags & HB_LAST) && !is_first_segment(h, s)) {
		seg_release(s);
		return;
	}
	if ((SIZE_T)b->size * HEAP_UNIT >= DECOMMIT_BLOCK + HEAP_PAGE && h->free_bytes >= DECOMMIT_TOTAL) {
		decommit_interior(s, b);
		hblk_seal(b, h->key);
	}
	bin_insert(h, b);
}

/* Resizes busy block b in place to units (growing into a free successor); FALSE when it cannot. */
BOOLEAN seg_resize_locked(struct heap *h, struct hseg *s, struct hblk *b, SIZE_T units)
{
	if (units > b->size) {
		if (b->flags & HB_LAST)
			return FALSE;
		struct hblk *n = hblk_next(b);
		if ((n->flags & HB_BUSY) || b->size + (SIZE_T)n->size < units)
			return FALSE;
		if (n->flags & HB_DECOMMIT) {
			SIZE_T span = units * HEAP_UNIT + sizeof(struct hfree);
			if (span > (SIZE_T)(b->size + n->size) * HEAP_UNIT)
				span = (SIZE_T)(b->size + n->size) * HEAP_UNIT;
			if (!commit_range(h, s, (char *)n, (char *)b + span))
				return FALSE;
		}
		bin_remove(h, n);
		b->size += n->size;
		b->flags |= n->flags & (HB_LAST | HB_DECOMMIT);
		hblk_seal(b, h->key);
		fix_next_prev(h, b);
	}
	split_tail(h, s, b, units);
	b->flags &= ~HB_DECOMMIT;
	hblk_seal(b, h->key);
	return TRUE;
}

/* HeapCompact: decommits every free block's interior, releases empty segments; *largest = the largest free block. */
void seg_compact_locked(struct heap *h, SIZE_T *largest)
{
	*largest = 0;
	for (unsigned i = bin_next(h, 0); i < NBINS; i = bin_next(h, i + 1)) {
		LIST_ENTRY *head = &h->bins[i];
		for (LIST_ENTRY *e = head->Flink, *nx; e != head; e = nx) {
			nx = e->Flink;
			struct hblk *b = link_block(e);
			struct hseg *s = seg_find(h, b);
			if ((char *)b == s->first && (b->flags & HB_LAST) && !is_first_segment(h, s)) {
				bin_remove(h, b);
				seg_release(s);
				continue;
			}
			if ((SIZE_T)b->size * HEAP_UNIT > *largest)
				*largest = (SIZE_T)b->size * HEAP_UNIT - HEAP_UNIT;
			decommit_interior(s, b);
			hblk_seal(b, h->key);
		}
	}
}

/* HeapDestroy: releases every big block and every segment but the first (the caller releases that). */
void seg_release_all(struct heap *h)
{
	while (!IsListEmpty(&h->big)) {
		struct hbig *g = CONTAINING_RECORD(h->big.Flink, struct hbig, link);
		RemoveEntryList(&g->link);
		PVOID at = g;
		SIZE_T len = 0;
		NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_RELEASE);
	}
	for (LIST_ENTRY *e = h->segments.Flink, *nx; e != &h->segments; e = nx) {
		nx = e->Flink;
		struct hseg *s = CONTAINING_RECORD(e, struct hseg, link);
		if (!is_first_segment(h, s))
			seg_release(s);
	}
}

/*
 * A big block of size bytes in its own reservation of at least reserve
 * bytes (more room lets HeapReAlloc grow it in place); NULL when the system
 * refuses.  Returns the payload.
 */
void *big_alloc_locked(struct heap *h, SIZE_T size, SIZE_T reserve)
{
	if (size > ((SIZE_T)1 << 46))
		return NULL;
	SIZE_T commit = round_up(sizeof(struct hbig) + size, HEAP_PAGE);
	if (reserve < commit)
		reserve = commit;
	reserve = round_up(reserve, HEAP_GRANULE);
	PVOID at = NULL;
	SIZE_T len = reserve;
	if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_RESERVE, h->protect))) {
		reserve = round_up(commit, HEAP_GRANULE);	/* no room for the headroom asked: just the block */
		at = NULL;
		len = reserve;
		if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_RESERVE, h->protect)))
			return NULL;
	}
	PVOID c = at;
	SIZE_T clen = commit;
	if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &c, 0, &clen, MEM_COMMIT, h->protect))) {
		len = 0;
		NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_RELEASE);
		return NULL;
	}
	struct hbig *g = at;
	g->reserve = reserve;
	g->commit = commit;
	g->requested = size;
	g->h.size = 0;
	g->h.prev = 0;
	g->h.flags = HB_BUSY | HB_BIG;
	g->h.unused = 0;
	hblk_seal(&g->h, h->key);
	InsertTailList(&h->big, &g->link);
	return hblk_data(&g->h);
}

/* Releases big block g. */
void big_free_locked(struct heap *h, struct hbig *g)
{
	(void)h;
	RemoveEntryList(&g->link);
	PVOID at = g;
	SIZE_T len = 0;
	NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_RELEASE);
}

/* Resizes big block g to size within its reservation (committing or decommitting the tail); FALSE when it does not fit. */
BOOLEAN big_resize_locked(struct heap *h, struct hbig *g, SIZE_T size)
{
	SIZE_T commit = round_up(sizeof(struct hbig) + size, HEAP_PAGE);
	if (commit > g->reserve)
		return FALSE;
	if (commit > g->commit) {
		PVOID at = (char *)g + g->commit;
		SIZE_T len = commit - g->commit;
		if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_COMMIT, h->protect)))
			return FALSE;
		g->commit = commit;
	} else if (commit + DECOMMIT_BLOCK <= g->commit) {
		PVOID at = (char *)g + commit;
		SIZE_T len = g->commit - commit;
		if (NT_SUCCESS(NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_DECOMMIT)))
			g->commit = commit;
	}
	g->requested = size;
	return TRUE;
}

/* The big block whose payload is p, or NULL (no memory outside the heap's own list is read). */
struct hbig *big_find(struct heap *h, const void *p)
{
	if (((uintptr_t)p & (HEAP_GRANULE - 1)) != sizeof(struct hbig))
		return NULL;
	for (LIST_ENTRY *e = h->big.Flink; e != &h->big; e = e->Flink) {
		struct hbig *g = CONTAINING_RECORD(e, struct hbig, link);
		if (hblk_data(&g->h) == p)
			return g;
	}
	return NULL;
}
