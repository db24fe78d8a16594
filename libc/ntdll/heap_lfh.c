/*
 * libc/ntdll/heap_lfh.c - the heap's low-fragmentation front end: sizes up
 * to LFH_MAX_SIZE bytes in 56 classes (16-byte steps to 512, then four
 * classes per power of two to 4096), each served from subsegments, runs of
 * equal slots cut from one backend block (docs/heap.md).
 *
 * A slot is a 16-byte header (struct hblk with HB_LFH; prev = its index in
 * the run, so the run is found from the slot) and its payload.  A free
 * slot's payload holds the next free slot of its run, encoded with the heap's
 * key and checked to lie in the run before it is followed, so a write into a
 * freed slot is caught rather than followed.  Each class allocates from its
 * current run; runs with free slots wait in a list; a run whose slots are all
 * free again (unless it is the class's only one) goes back to the backend, which
 * may decommit or release it.  Runs grow from 4 KiB to 32 KiB as a class
 * gets more of them.  Lock held in every function (heap_internal.h).
 */
#include "heap_internal.h"

/* The payload bytes of class cls's slots. */
static SIZE_T class_payload(int cls)
{
	if (cls < 32)
		return (SIZE_T)(cls + 1) * 16;
	if (cls < 40)
		return 512 + (SIZE_T)(cls - 31) * 64;
	if (cls < 48)
		return 1024 + (SIZE_T)(cls - 39) * 128;
	return 2048 + (SIZE_T)(cls - 47) * 256;
}

/* See heap_internal.h. */
SIZE_T lfh_slot_bytes(const struct heap *h, int cls)
{
	return (SIZE_T)h->lfh_bins[cls].slot_units * HEAP_UNIT;
}

/* Sets up the classes of a new heap (empty). */
void lfh_init(struct heap *h)
{
	for (int c = 0; c < LFH_CLASSES; c++) {
		struct lfh_bin *bin = &h->lfh_bins[c];
		bin->cur = NULL;
		InitializeListHead(&bin->partial);
		bin->slot_units = (uint32_t)(class_payload(c) / HEAP_UNIT + 1);
		bin->nsubs = 0;
	}
}

/* See heap_internal.h: the run slot belongs to (slot's header already checked). */
struct lfh_sub *lfh_sub_of(struct hblk *slot)
{
	return (struct lfh_sub *)((char *)slot - (SIZE_T)slot->prev * slot->size * HEAP_UNIT - sizeof(struct lfh_sub));
}

static inline struct hblk *first_slot(struct lfh_sub *s)
{
	return (struct hblk *)(s + 1);
}

/* The encoded next-free link kept in free slot b's payload. */
static inline uint64_t *link_of(struct hblk *b)
{
	return (uint64_t *)hblk_data(b);
}

/* A new run for class cls (a backend block), its slots all free; NULL when the backend has no memory. */
static struct lfh_sub *new_run(struct heap *h, int cls)
{
	struct lfh_bin *bin = &h->lfh_bins[cls];
	SIZE_T slot = (SIZE_T)bin->slot_units * HEAP_UNIT;
	SIZE_T target = (SIZE_T)4096 << (bin->nsubs < 3 ? bin->nsubs : 3);
	SIZE_T count = (target - sizeof(struct lfh_sub) - HEAP_UNIT) / slot;
	if (count < 4)
		count = 4;
	if (count > 1024)
		count = 1024;
	SIZE_T units = (sizeof(struct lfh_sub) + count * slot) / HEAP_UNIT + 1;
	struct hblk *b = seg_alloc_locked(h, units);
	if (!b)
		return NULL;
	b->flags |= HB_SUBSEG;
	b->unused = 0;
	hblk_seal(b, h->key);
	struct lfh_sub *s = hblk_data(b);
	s->cls = (uint16_t)cls;
	s->count = (uint16_t)count;
	s->nfree = (uint16_t)count;
	s->listed = 0;
	s->signature = SUB_SIGNATURE ^ (uint32_t)h->key;
	struct hblk *slots = first_slot(s), *next = NULL;
	for (SIZE_T i = count; i-- > 0;) {
		struct hblk *t = (struct hblk *)((char *)slots + i * slot);
		t->size = bin->slot_units;
		t->prev = (uint32_t)i;
		t->flags = HB_LFH;
		t->unused = 0;
		hblk_seal(t, h->key);
		*link_of(t) = (uint64_t)(uintptr_t)next ^ h->key;
		next = t;
	}
	s->free = next;
	bin->nsubs++;
	return s;
}

/* TRUE when t (decoded from a free link) is NULL or a slot of run s. */
static inline int link_sane(struct heap *h, struct lfh_sub *s, struct hblk *t)
{
	if (!t)
		return 1;
	char *lo = (char *)first_slot(s), *hi = lo + (SIZE_T)s->count * h->lfh_bins[s->cls].slot_units * HEAP_UNIT;
	return (char *)t >= lo && (char *)t < hi && !((uintptr_t)t & (HEAP_UNIT - 1));
}

/* Makes bin->cur a run with a free slot: a waiting run or a new one.  FALSE when out of memory. */
static BOOLEAN refill(struct heap *h, int cls)
{
	struct lfh_bin *bin = &h->lfh_bins[cls];
	if (!IsListEmpty(&bin->partial)) {
		struct lfh_sub *s = CONTAINING_RECORD(bin->partial.Flink, struct lfh_sub, link);
		RemoveEntryList(&s->link);
		s->listed = 0;
		bin->cur = s;
		return TRUE;
	}
	struct lfh_sub *s = new_run(h, cls);
	if (!s)
		return FALSE;
	bin->cur = s;
	return TRUE;
}

/* A block of size bytes (class cls) from the front end, or NULL (out of memory, or a corrupt free list: heap_corrupt). */
void *lfh_alloc_locked(struct heap *h, int cls, SIZE_T size)
{
	struct lfh_bin *bin = &h->lfh_bins[cls];
	struct lfh_sub *s = bin->cur;
	if (!s || !s->free) {
		if (!refill(h, cls))
			return NULL;
		s = bin->cur;
	}
	struct hblk *b = s->free;
	if (!hblk_ok(b, h->key) || b->flags != HB_LFH) {
		heap_corrupt(h, hblk_data(b));
		return NULL;
	}
	struct hblk *next = (struct hblk *)(uintptr_t)(*link_of(b) ^ h->key);
	if (!link_sane(h, s, next)) {
		heap_corrupt(h, hblk_data(b));
		return NULL;
	}
	s->free = next;
	s->nfree--;
	slot_set(b, h->key, HB_BUSY | HB_LFH, (uint16_t)((SIZE_T)(b->size - 1) * HEAP_UNIT - size));
	return hblk_data(b);
}

/* Frees slot b (a live, checked LFH block, or a slot back from a cache); an emptied run goes back to the backend unless it is its class's only one. */
void lfh_free_locked(struct heap *h, struct hblk *b)
{
	struct lfh_sub *s = lfh_sub_of(b);
	struct lfh_bin *bin = &h->lfh_bins[s->cls];
	slot_set(b, h->key, HB_LFH, 0);
	*link_of(b) = (uint64_t)(uintptr_t)s->free ^ h->key;
	s->free = b;
	s->nfree++;
	if (s->nfree == s->count && s == bin->cur && bin->nsubs > 1) {
		bin->cur = NULL;	/* not the class's last run: it goes back too */
	} else if (s == bin->cur) {
		return;
	}
	if (s->nfree == s->count) {
		if (s->listed)
			RemoveEntryList(&s->link);
		bin->nsubs--;
		struct hblk *run = hblk_of(s);
		seg_free_locked(h, seg_find(h, run), run);
		return;
	}
	if (!s->listed) {
		InsertTailList(&bin->partial, &s->link);
		s->listed = 1;
	}
}

/* TRUE when run s (the payload of a busy HB_SUBSEG block) and its slot headers are sound. */
BOOLEAN lfh_validate_run(struct heap *h, struct lfh_sub *s)
{
	if (s->signature != (SUB_SIGNATURE ^ (uint32_t)h->key) || s->cls >= LFH_CLASSES || !s->count ||
	    s->nfree > s->count)
		return FALSE;
	uint32_t units = h->lfh_bins[s->cls].slot_units;
	SIZE_T nfree = 0;
	for (SIZE_T i = 0; i < s->count; i++) {
		struct hblk *t = (struct hblk *)((char *)first_slot(s) + i * units * HEAP_UNIT);
		if (!hblk_ok(t, h->key) || t->size != units || t->prev != i || !(t->flags & HB_LFH))
			return FALSE;
		if (!(t->flags & (HB_BUSY | HB_CACHED)))
			nfree++;
	}
	if (nfree != s->nfree)
		return FALSE;
	SIZE_T walked = 0;
	for (struct hblk *t = s->free; t; walked++) {
		if (walked > s->count || !link_sane(h, s, t) || t->flags != HB_LFH)
			return FALSE;
		t = (struct hblk *)(uintptr_t)(*link_of(t) ^ h->key);
	}
	return walked == s->nfree;
}

/* A run's slots for HeapWalk: the first slot and the slot stride in bytes. */
struct hblk *lfh_run_slots(struct heap *h, struct lfh_sub *s, SIZE_T *stride)
{
	*stride = (SIZE_T)h->lfh_bins[s->cls].slot_units * HEAP_UNIT;
	return first_slot(s);
}
