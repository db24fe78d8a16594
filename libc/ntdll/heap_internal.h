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
#define HB_CACHED   0x0080	/* LFH slot, free, held in a processor's cache (heap_cache.c), not in its run's list */

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
#define SUB_SIGNATURE 0x5346484cu	/* "LHFS", XORed with the key in lfh_sub.signature */
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

/*
 * A processor's cache of free front-end slots (heap_cache.c): per class a
 * stack of up to CACHE_DEPTH slots (HB_CACHED), taken and given back under
 * the cache's own lock (one xchg), never the heap lock.  One page each.
 */
#define HEAP_CPUS   64		/* caches per heap: the processor number modulo this */
#define CACHE_DEPTH 8
struct lfh_cache {
	volatile LONG lock;		/* 0 free, 1 held (only ever tried, never waited for on the fast path) */
	uint8_t n[LFH_CLASSES];		/* slots held per class */
	uint32_t pad;
	struct hblk *slot[LFH_CLASSES][CACHE_DEPTH];
};
_Static_assert(sizeof(struct lfh_cache) <= HEAP_PAGE, "a cache is one page");

/*
 * The segments' address ranges, read without the heap lock by the fast
 * free path (seg_find_fast): changed under the heap lock between two
 * increments of seq (odd while changing), so a reader that sees seq even and
 * unchanged around its reads saw a consistent table.
 */
#define SEGTAB 64
struct segtab {
	volatile uint32_t seq;
	volatile uint32_t n;
	struct {
		char *lo, *hi;
		struct hseg *seg;
	} e[SEGTAB];
};

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
	struct segtab segtab;		/* segments beyond SEGTAB are found by seg_find alone */
	char *cache_area;		/* HEAP_CPUS pages reserved, each committed at its processor's first use */
	struct lfh_cache *volatile cache[HEAP_CPUS];
};

/* A header's two 8-byte halves, read and written whole (may alias its fields). */
typedef uint64_t __attribute__((may_alias)) hblk_word;

/*
 * The check word's first step: a header's first 8 bytes w0 (size, prev) at
 * address at, under key.  With hblk_fin, one multiply: the word is the high
 * half of (w0 ^ key ^ at ^ w1 << 24) * an odd constant, so a change to any
 * bit of the header changes it but for a 2^-32 chance (a product's bit i
 * depends on the factors' bits 0..i, the high half on all 64).
 */
static inline uint64_t hblk_pre(uint64_t w0, const void *at, uint64_t key)
{
	return w0 ^ key ^ (uint64_t)(uintptr_t)at;
}

/* The check word from hblk_pre's x and the header's next 4 bytes w1 (flags, unused). */
static inline uint32_t hblk_fin(uint64_t x, uint32_t w1)
{
	return (uint32_t)(((x ^ ((uint64_t)w1 << 24)) * 0x9E3779B97F4A7C15ULL) >> 32);
}

/* The check word of a header whose first 8 bytes are w0 and next 4 (flags, unused) w1, at address at, under key. */
static inline uint32_t hblk_hash(uint64_t w0, uint32_t w1, const void *at, uint64_t key)
{
	return hblk_fin(hblk_pre(w0, at, key), w1);
}

/* The check word of header b at its address under key. */
static inline uint32_t hblk_sum(const struct hblk *b, uint64_t key)
{
	return hblk_hash(((uint64_t)b->prev << 32) | b->size, ((uint32_t)b->unused << 16) | b->flags, b, key);
}

static inline void hblk_seal(struct hblk *b, uint64_t key)
{
	b->check = hblk_sum(b, key);
}

/*
 * TRUE when b's check word matches its fields.  The header is read as two
 * 8-byte loads, so a front-end slot's header that another thread rewrites
 * at the same time (slot_set) is seen whole, before or after.
 */
static inline int hblk_ok(const struct hblk *b, uint64_t key)
{
	const volatile hblk_word *q = (const volatile hblk_word *)b;
	uint64_t w0 = q[0], w1 = q[1];
	return (uint32_t)(w1 >> 32) == hblk_hash(w0, (uint32_t)w1, b, key);
}

/* Sets a front-end slot's flags and unused bytes and seals it with one 8-byte store (its size and index never change). */
static inline void slot_set(struct hblk *b, uint64_t key, uint16_t flags, uint16_t unused)
{
	uint32_t w1 = ((uint32_t)unused << 16) | flags;
	uint64_t w0 = ((uint64_t)b->prev << 32) | b->size;
	((volatile hblk_word *)b)[1] = w1 | ((uint64_t)hblk_hash(w0, w1, b, key) << 32);
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

/* The heap behind a handle, or NULL for a handle that is not one (never reads an unaligned or NULL one). */
static inline struct heap *heap_of(PVOID handle)
{
	struct heap *h = handle;
	if (!h || ((uintptr_t)h & (HEAP_GRANULE - 1)) || h->signature != HEAP_SIGNATURE)
		return NULL;
	return h;
}

/* The front-end class of a size up to LFH_MAX_SIZE: 16-byte steps to 512, then four per power of two. */
static inline int lfh_class(SIZE_T size)
{
	if (size <= 512)
		return size ? (int)((size + 15) / 16) - 1 : 0;
	if (size <= 1024)
		return 32 + (int)((size - 513) / 64);
	if (size <= 2048)
		return 40 + (int)((size - 1025) / 128);
	return 48 + (int)((size - 2049) / 256);
}

/* TRUE when the page of segment s holding p is committed. */
static inline int seg_page_committed(const struct hseg *s, const void *p)
{
	SIZE_T pg = ((uintptr_t)p - (uintptr_t)s->base) / HEAP_PAGE;
	return pg < s->npages && (s->committed[pg / 64] & (1ULL << (pg % 64)));
}

/* heap_seg.c: the backend (segments, bins, big blocks). */
NTSTATUS seg_create_locked(struct heap *h, char *base, SIZE_T reserve, SIZE_T commit, SIZE_T header);
struct hblk *seg_alloc_locked(struct heap *h, SIZE_T units);
void seg_free_locked(struct heap *h, struct hseg *s, struct hblk *b);
BOOLEAN seg_resize_locked(struct heap *h, struct hseg *s, struct hblk *b, SIZE_T units);
struct hseg *seg_find(struct heap *h, const void *p);
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
void *lfh_alloc_locked(struct heap *h, int cls, SIZE_T size);
void lfh_free_locked(struct heap *h, struct hblk *b);
struct lfh_sub *lfh_sub_of(struct hblk *slot);
SIZE_T lfh_slot_bytes(const struct heap *h, int cls);
BOOLEAN lfh_validate_run(struct heap *h, struct lfh_sub *s);
struct hblk *lfh_run_slots(struct heap *h, struct lfh_sub *s, SIZE_T *stride);

/* heap_cache.c: the processors' caches in front of the front end (RtlAllocateHeap, RtlFreeHeap). */
void cache_make_locked(struct heap *h);
void cache_flush_all(struct heap *h);
void cache_release(struct heap *h);
void segtab_add_locked(struct heap *h, struct hseg *s);
void segtab_remove_locked(struct heap *h, struct hseg *s);

/* heap_api.c */
/* RtlAllocateHeap / RtlFreeHeap when the processor's cache cannot serve them (h a sound heap, p not NULL). */
void *heap_alloc_slow(struct heap *h, ULONG Flags, SIZE_T Size);
BOOLEAN heap_free_slow(struct heap *h, ULONG Flags, PVOID p);
/* Raises STATUS_HEAP_CORRUPTION for p in h (no lock held). */
void heap_raise_corruption(struct heap *h, const void *p);
/* The header of p when p is a live block of h (its own and its successor's headers sound), else NULL; *seg its segment (NULL: big). */
struct hblk *heap_lookup(struct heap *h, const void *p, struct hseg **seg);
/* Records corruption found at p while the lock is held; the API call raises STATUS_HEAP_CORRUPTION once it is dropped. */
void heap_corrupt(struct heap *h, const void *p);
SIZE_T heap_block_size(struct heap *h, struct hblk *b);
/* Checks every block of h (lock held): TRUE when all headers and lists are sound. */
BOOLEAN heap_validate_all_locked(struct heap *h);

#endif
