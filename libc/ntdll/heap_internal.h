/*
 * libc/ntdll/heap_internal.h - the heap's structures and the hooks between
 * heap_*.c (docs/heap.md tells the design).
 *
 * A heap is one or more segments (reservations made with
 * NtAllocateVirtualMemory, committed page by page on demand), blocks above
 * HEAP_BIG_THRESHOLD each their own reservation ("big blocks"), and a
 * low-fragmentation front end (heap_lfh.c) that serves sizes up to
 * LFH_MAX_SIZE from runs of equal slots ("subsegments") cut from the
 * segments.  The heap structure sits at the start of its first segment: the
 * HANDLE is that address, as on Windows.
 *
 * Every block starts with a 16-byte header (struct hblk) just before its
 * 16-byte aligned payload.  The header carries a check word: a hash of its
 * fields, its own address and the heap's random key.  A header that was
 * overwritten, a pointer into the middle of a block, a pointer from another
 * heap or a block already freed fails the check or the busy flag, and the
 * heap reports corruption (heap_corrupt) instead of using it.
 *
 * Locking: heap->lock (an RTL_CRITICAL_SECTION) guards everything in a heap
 * unless the heap or the call has HEAP_NO_SERIALIZE; functions named
 * *_locked need it held.  heaps_lock guards the list of all heaps.
 */
#ifndef LIBC_NTDLL_HEAP_INTERNAL_H
#define LIBC_NTDLL_HEAP_INTERNAL_H

#include "ldr_thread.h"
#include "rtl_sync.h"
#include <stdint.h>

NTSTATUS NTAPI RtlInitializeCriticalSectionEx(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount, ULONG Flags);
void NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord);
void NTAPI RtlSetLastWin32Error(ULONG Error);

/* Doubly linked lists: the two ldr_thread.h lacks. */
static inline void InitializeListHead(LIST_ENTRY *l)
{
	l->Flink = l->Blink = l;
}

static inline BOOLEAN IsListEmpty(const LIST_ENTRY *l)
{
	return l->Flink == l;
}

#define HEAP_UNIT          16ULL
#define HEAP_PAGE          0x1000ULL
#define HEAP_GRANULE       0x10000ULL
#define HEAP_SIGNATURE     0x50414548u		/* "HEAP" */
#define SEG_SIGNATURE      0x47455348u		/* "HSEG" */
#define HEAP_BIG_THRESHOLD 0x7F000ULL		/* Windows' VirtualMemoryThreshold (508 KiB) */
#define HEAP_FIXED_MAX     0x7FFF8ULL		/* a fixed-size heap's largest block (MSDN) */
#define SEG_MAX_RESERVE    (64ULL << 20)	/* segments double up to this */
#define DECOMMIT_BLOCK     (64ULL << 10)	/* a free block's interior pages above this are decommitted ... */
#define DECOMMIT_TOTAL     (1ULL << 20)		/* ... once the heap holds this much free */

/* hblk.flags */
#define HB_BUSY     0x0001	/* allocated (payload in use) */
#define HB_LAST     0x0002	/* last block of its segment */
#define HB_LFH      0x0004	/* a slot of an LFH subsegment (prev = slot index) */
#define HB_BIG      0x0008	/* a big block (own reservation) */
#define HB_DECOMMIT 0x0010	/* free: interior pages may be decommitted */
#define HB_SUBSEG   0x0020	/* busy backend block holding an LFH subsegment */
#define HB_MOVEABLE 0x0040	/* kernel32 Local/Global moveable data (HEAP_SETTABLE_USER_FLAG1 analogue) */

struct hblk {
	uint32_t size;		/* this block in units, header included (LFH: the slot's) */
	uint32_t prev;		/* the previous block's size in units, 0 first; LFH: slot index */
	uint16_t flags;		/* HB_* */
	uint16_t unused;	/* payload bytes past the requested size */
	uint32_t check;		/* hblk_sum() */
};
_Static_assert(sizeof(struct hblk) == HEAP_UNIT, "the header keeps payloads 16-byte aligned");

/* A free backend block's payload: its links in a free bin. */
struct hfree {
	struct hblk h;
	LIST_ENTRY link;
};

#define MIN_FREE_UNITS 2	/* sizeof(struct hfree) / 16 */
#define NBINS_EXACT    128	/* exact bins for 2..127 units */
#define NBINS          (NBINS_EXACT + 32)

/* A segment's header (after the heap structure in the first one). */
struct hseg {
	uint32_t signature;
	uint32_t npages;		/* pages the reservation spans (bits in committed[]) */
	struct heap *heap;
	LIST_ENTRY link;		/* in heap->segments */
	char *base, *first, *end;	/* reservation, first block, end of the last block */
	uint64_t committed[];		/* one bit per page of the reservation */
};

/* A big block's reservation starts with this; the block header follows, payload at +64. */
struct hbig {
	LIST_ENTRY link;		/* in heap->big */
	SIZE_T reserve, commit;		/* bytes reserved / committed from the region base */
	SIZE_T requested;
	uint64_t pad;
	struct hblk h;
};
_Static_assert(sizeof(struct hbig) == 64, "big payloads at +64");

/* The low-fragmentation front end's classes. */
#define LFH_MAX_SIZE 4096
#define LFH_CLASSES  56

struct lfh_sub;
struct lfh_bin {
	struct lfh_sub *cur;		/* the subsegment allocations come from */
	LIST_ENTRY partial;		/* other subsegments with free slots */
	uint32_t slot_units;		/* slot size, header included */
	uint32_t nsubs;			/* subsegments of this class */
};

/* A run of equal slots: the payload of one busy backend block (HB_SUBSEG). */
struct lfh_sub {
	LIST_ENTRY link;		/* in bin->partial when not cur and not full */
	struct hblk *free;		/* free slots; the next pointer is in each payload */
	uint16_t cls, count, nfree, listed;
	uint32_t signature;
	uint32_t pad[3];
};
_Static_assert(sizeof(struct lfh_sub) % HEAP_UNIT == 0, "slots stay 16-byte aligned");

struct heap {
	uint32_t signature;
	uint32_t flags;			/* HEAP_* creation flags (HEAP_GROWABLE for growable heaps) */
	uint64_t key;			/* random, mixed into every header check */
	RTL_CRITICAL_SECTION lock;
	LIST_ENTRY segments;		/* struct hseg */
	LIST_ENTRY big;			/* struct hbig */
	LIST_ENTRY all;			/* in the list of every heap */
	SIZE_T next_reserve;		/* the next segment's reservation */
	SIZE_T free_bytes;		/* bytes in backend free blocks */
	SIZE_T max_block;		/* largest block a fixed heap serves */
	uint32_t lfh;			/* 1: the front end serves small sizes (HeapCompatibilityInformation 2) */
	uint32_t protect;		/* PAGE_READWRITE or PAGE_EXECUTE_READWRITE */
	const void *bad;		/* corruption found under the lock, raised after it */
	uint64_t bitmap[(NBINS + 63) / 64];	/* bins that are not empty */
	LIST_ENTRY bins[NBINS];
	struct lfh_bin lfh_bins[LFH_CLASSES];
};

/* The check word of header b at its address under key. */
static inline uint32_t hblk_sum(const struct hblk *b, uint64_t key)
{
	uint64_t w0 = ((uint64_t)b->prev << 32) | b->size;
	uint64_t w1 = ((uint64_t)b->unused << 16) | b->flags;
	uint64_t x = (w0 ^ key ^ (uint64_t)(uintptr_t)b) * 0x9E3779B97F4A7C15ULL;
	x ^= (w1 + (x >> 29)) * 0xBF58476D1CE4E5B9ULL;
	return (uint32_t)(x >> 32);
}

static inline void hblk_seal(struct hblk *b, uint64_t key)
{
	b->check = hblk_sum(b, key);
}

static inline int hblk_ok(const struct hblk *b, uint64_t key)
{
	return b->check == hblk_sum(b, key);
}

static inline struct hblk *hblk_of(const void *p)
{
	return (struct hblk *)((char *)p - HEAP_UNIT);
}

static inline void *hblk_data(struct hblk *b)
{
	return (char *)b + HEAP_UNIT;
}

static inline struct hblk *hblk_next(struct hblk *b)
{
	return (struct hblk *)((char *)b + (SIZE_T)b->size * HEAP_UNIT);
}

static inline int heap_serialized(const struct heap *h, ULONG flags)
{
	return !((h->flags | flags) & HEAP_NO_SERIALIZE);
}

/* heap_seg.c: the backend (segments, bins, big blocks). */
NTSTATUS seg_create_locked(struct heap *h, char *base, SIZE_T reserve, SIZE_T commit, SIZE_T header);
struct hblk *seg_alloc_locked(struct heap *h, SIZE_T units);
void seg_free_locked(struct heap *h, struct hseg *s, struct hblk *b);
BOOLEAN seg_resize_locked(struct heap *h, struct hseg *s, struct hblk *b, SIZE_T units);
struct hseg *seg_find(struct heap *h, const void *p);
int seg_page_committed(const struct hseg *s, const void *p);
void seg_compact_locked(struct heap *h, SIZE_T *largest);
void seg_release_all(struct heap *h);
void *big_alloc_locked(struct heap *h, SIZE_T size, SIZE_T reserve);
void big_free_locked(struct heap *h, struct hbig *g);
BOOLEAN big_resize_locked(struct heap *h, struct hbig *g, SIZE_T size);
struct hbig *big_find(struct heap *h, const void *p);
static inline struct hbig *big_of(struct hblk *b)
{
	return (struct hbig *)((char *)b - offsetof(struct hbig, h));
}

/* heap_lfh.c: the front end. */
void lfh_init(struct heap *h);
int lfh_class(SIZE_T size);
void *lfh_alloc_locked(struct heap *h, int cls, SIZE_T size);
void lfh_free_locked(struct heap *h, struct hblk *b);
struct lfh_sub *lfh_sub_of(struct hblk *slot);
SIZE_T lfh_slot_bytes(const struct heap *h, int cls);
BOOLEAN lfh_validate_run(struct heap *h, struct lfh_sub *s);
struct hblk *lfh_run_slots(struct heap *h, struct lfh_sub *s, SIZE_T *stride);

/* heap_api.c */
/* The header of p when p is a live block of h (its own and its successor's headers sound), else NULL; *seg its segment (NULL: big). */
struct hblk *heap_lookup(struct heap *h, const void *p, struct hseg **seg);
/* Records corruption found at p while the lock is held; the API call raises STATUS_HEAP_CORRUPTION once it is dropped. */
void heap_corrupt(struct heap *h, const void *p);
SIZE_T heap_block_size(struct heap *h, struct hblk *b);
/* Checks every block of h (lock held): TRUE when all headers and lists are sound. */
BOOLEAN heap_validate_all_locked(struct heap *h);

#endif
