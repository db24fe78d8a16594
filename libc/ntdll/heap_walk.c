/*
 * libc/ntdll/heap_walk.c - looking at a whole heap: RtlValidateHeap (every
 * header, every link), RtlWalkHeap (HeapWalk's entries) and RtlCompactHeap.
 *
 * The walk reports, per segment, one PROCESS_HEAP_REGION entry, then its
 * blocks in address order (a front-end run shows as its slots, busy or
 * free), then the big blocks; each entry's lpData tells the next call where
 * it was, as on Windows, so the caller holds HeapLock across the walk.
 */
#include "heap_internal.h"

/* Checks segment s block by block; TRUE when sound.  *free_bytes adds its free blocks' bytes. */
static BOOLEAN validate_segment(struct heap *h, struct hseg *s, SIZE_T *free_bytes)
{
	uint32_t prev = 0;
	int prev_free = 0;
	for (struct hblk *b = (struct hblk *)s->first;; b = hblk_next(b)) {
		if ((char *)b >= s->end || !seg_page_committed(s, b) || !hblk_ok(b, h->key) || b->prev != prev ||
		    b->size < MIN_FREE_UNITS || (char *)hblk_next(b) > s->end)
			return FALSE;
		int is_free = !(b->flags & HB_BUSY);
		if (is_free) {
			if (prev_free || (b->flags & (HB_LFH | HB_BIG | HB_SUBSEG)))
				return FALSE;
			*free_bytes += (SIZE_T)b->size * HEAP_UNIT;
		} else if (b->flags & HB_SUBSEG) {
			if (!lfh_validate_run(h, hblk_data(b)))
				return FALSE;
		} else if (b->flags & (HB_LFH | HB_BIG)) {
			return FALSE;
		}
		prev_free = is_free;
		prev = b->size;
		if (b->flags & HB_LAST)
			return (char *)hblk_next(b) == s->end;
	}
}

/* See heap_internal.h. */
BOOLEAN heap_validate_all_locked(struct heap *h)
{
	SIZE_T free_bytes = 0;
	for (LIST_ENTRY *e = h->segments.Flink; e != &h->segments; e = e->Flink) {
		struct hseg *s = CONTAINING_RECORD(e, struct hseg, link);
		if (s->signature != SEG_SIGNATURE || s->heap != h || !validate_segment(h, s, &free_bytes))
			return FALSE;
	}
	for (LIST_ENTRY *e = h->big.Flink; e != &h->big; e = e->Flink) {
		struct hbig *g = CONTAINING_RECORD(e, struct hbig, link);
		if (!hblk_ok(&g->h, h->key) || g->h.flags != (HB_BUSY | HB_BIG) || g->commit > g->reserve)
			return FALSE;
	}
	return free_bytes == h->free_bytes;
}

/* RtlValidateHeap: p NULL checks the whole heap, otherwise block p alone; TRUE when sound.  Never raises. */
BOOLEAN NTAPI RtlValidateHeap(PVOID HeapHandle, ULONG Flags, PVOID p)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return FALSE;
	if (heap_serialized(h, Flags))
		RtlEnterCriticalSection(&h->lock);
	BOOLEAN ok;
	if (p) {
		struct hseg *s;
		ok = heap_lookup(h, p, &s) != NULL;
	} else {
		ok = heap_validate_all_locked(h);
	}
	if (heap_serialized(h, Flags))
		RtlLeaveCriticalSection(&h->lock);
	return ok;
}

/* RtlCompactHeap: decommits free pages and releases empty segments; the largest free block's size. */
SIZE_T NTAPI RtlCompactHeap(PVOID HeapHandle, ULONG Flags)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return 0;
	SIZE_T largest;
	if (h->lfh)
		cache_flush_all(h);
	if (heap_serialized(h, Flags))
		RtlEnterCriticalSection(&h->lock);
	seg_compact_locked(h, &largest);
	if (heap_serialized(h, Flags))
		RtlLeaveCriticalSection(&h->lock);
	return largest;
}

/* Fills e for segment s (index i). */
static void region_entry(struct hseg *s, int i, PROCESS_HEAP_ENTRY *e)
{
	SIZE_T committed = 0;
	for (SIZE_T p = 0; p < s->npages; p++)
		if (s->committed[p / 64] & (1ULL << (p % 64)))
			committed++;
	e->lpData = s->base;
	e->cbData = (DWORD)((SIZE_T)(s->end - s->base));
	e->cbOverhead = 0;
	e->iRegionIndex = (BYTE)i;
	e->wFlags = PROCESS_HEAP_REGION;
	e->Region.dwCommittedSize = (DWORD)(committed * HEAP_PAGE);
	e->Region.dwUnCommittedSize = (DWORD)((s->npages - committed) * HEAP_PAGE);
	e->Region.lpFirstBlock = s->first;
	e->Region.lpLastBlock = s->end;
}

/* Fills e for block or slot b in region i. */
static void block_entry(struct heap *h, struct hblk *b, int i, PROCESS_HEAP_ENTRY *e)
{
	e->lpData = hblk_data(b);
	e->iRegionIndex = (BYTE)i;
	e->Block.hMem = NULL;
	if (b->flags & HB_BUSY) {
		e->cbData = (DWORD)heap_block_size(h, b);
		e->cbOverhead = (BYTE)(HEAP_UNIT + ((b->flags & HB_BIG) ? 0 : b->unused));
		e->wFlags = PROCESS_HEAP_ENTRY_BUSY | ((b->flags & HB_MOVEABLE) ? PROCESS_HEAP_ENTRY_MOVEABLE : 0);
	} else {
		e->cbData = (DWORD)((SIZE_T)(b->size - 1) * HEAP_UNIT);
		e->cbOverhead = (BYTE)HEAP_UNIT;
		e->wFlags = 0;
	}
}

/* The entry for backend block b of segment s (index i), or the next after it: runs open into their slots. */
static void backend_entry(struct heap *h, struct hblk *b, int i, PROCESS_HEAP_ENTRY *e)
{
	if (b->flags & HB_SUBSEG) {
		SIZE_T stride;
		block_entry(h, lfh_run_slots(h, hblk_data(b), &stride), i, e);
		return;
	}
	block_entry(h, b, i, e);
}

/* The segment with index i, or NULL. */
static struct hseg *segment_at(struct heap *h, int i)
{
	int n = 0;
	for (LIST_ENTRY *e = h->segments.Flink; e != &h->segments; e = e->Flink, n++)
		if (n == i)
			return CONTAINING_RECORD(e, struct hseg, link);
	return NULL;
}

/* The entry after the end of segment index i: the next segment's region, or the first big block. */
static NTSTATUS after_segment(struct heap *h, int i, PROCESS_HEAP_ENTRY *e)
{
	struct hseg *s = segment_at(h, i + 1);
	if (s) {
		region_entry(s, i + 1, e);
		return STATUS_SUCCESS;
	}
	if (IsListEmpty(&h->big))
		return STATUS_NO_MORE_ENTRIES;
	struct hbig *g = CONTAINING_RECORD(h->big.Flink, struct hbig, link);
	block_entry(h, &g->h, 0, e);
	return STATUS_SUCCESS;
}

/* The step of a walk, lock held (see RtlWalkHeap). */
static NTSTATUS walk_locked(struct heap *h, PROCESS_HEAP_ENTRY *e)
{
	if (!e->lpData) {
		region_entry(segment_at(h, 0), 0, e);
		return STATUS_SUCCESS;
	}
	int i = e->iRegionIndex;
	if (e->wFlags & PROCESS_HEAP_REGION) {
		struct hseg *s = segment_at(h, i);
		if (!s || e->lpData != s->base)
			return STATUS_INVALID_PARAMETER;
		backend_entry(h, (struct hblk *)s->first, i, e);
		return STATUS_SUCCESS;
	}
	struct hblk *b = hblk_of(e->lpData);
	struct hbig *g = big_find(h, e->lpData);
	if (g) {
		if (g->link.Flink == &h->big)
			return STATUS_NO_MORE_ENTRIES;
		block_entry(h, &CONTAINING_RECORD(g->link.Flink, struct hbig, link)->h, 0, e);
		return STATUS_SUCCESS;
	}
	struct hseg *s = seg_find(h, b);
	if (!s || !seg_page_committed(s, b) || !hblk_ok(b, h->key))
		return STATUS_INVALID_PARAMETER;
	if (b->flags & HB_LFH) {
		struct lfh_sub *r = lfh_sub_of(b);
		if (b->prev + 1U < r->count) {
			block_entry(h, hblk_next(b), i, e);
			return STATUS_SUCCESS;
		}
		b = hblk_of(r);	/* past the run: continue after its backend block */
	}
	if (b->flags & HB_LAST)
		return after_segment(h, i, e);
	backend_entry(h, hblk_next(b), i, e);
	return STATUS_SUCCESS;
}

/*
 * RtlWalkHeap: the entry after *Entry (lpData NULL: the first), in place;
 * STATUS_NO_MORE_ENTRIES after the last, STATUS_INVALID_PARAMETER when
 * Entry does not describe a place in this heap.
 */
NTSTATUS NTAPI RtlWalkHeap(PVOID HeapHandle, PROCESS_HEAP_ENTRY *Entry)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return STATUS_INVALID_HANDLE;
	if (!Entry)
		return STATUS_INVALID_PARAMETER;
	RtlEnterCriticalSection(&h->lock);
	NTSTATUS st = walk_locked(h, Entry);
	RtlLeaveCriticalSection(&h->lock);
	return st;
}
