/*
 * libc/ntdll/heap_api.c - the Rtl heap calls (RtlCreateHeap,
 * RtlAllocateHeap, RtlFreeHeap, RtlReAllocateHeap, RtlSizeHeap,
 * RtlDestroyHeap, RtlLockHeap/RtlUnlockHeap, RtlGetProcessHeaps,
 * RtlQuery/SetHeapInformation) over the backend (heap_seg.c) and the front
 * end (heap_lfh.c); kernel32's Heap* are these (docs/heap.md).
 *
 * Errors as on Windows: an allocation that cannot be met returns NULL, or
 * raises STATUS_NO_MEMORY when the heap or the call has
 * HEAP_GENERATE_EXCEPTIONS; a pointer that is not a live block of the heap
 * (freed already, from elsewhere, or its header or its successor's header
 * overwritten) raises STATUS_HEAP_CORRUPTION (0xC0000374), noncontinuable,
 * which ends the process with that status when nothing handles it (Windows'
 * termination on corruption, on by default for 64-bit processes).
 */
#include "heap_internal.h"

/* Every heap of the process (RtlGetProcessHeaps), guarded by heaps_lock. */
static RTL_CRITICAL_SECTION heaps_lock = { (PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1, -1, 0, 0, 0, 0 };
static LIST_ENTRY heaps = { &heaps, &heaps };

static inline void lock(struct heap *h, ULONG flags)
{
	if (heap_serialized(h, flags))
		RtlEnterCriticalSection(&h->lock);
}

static inline void unlock(struct heap *h, ULONG flags)
{
	if (heap_serialized(h, flags))
		RtlLeaveCriticalSection(&h->lock);
}

/* See heap_internal.h. */
void heap_corrupt(struct heap *h, const void *p)
{
	if (!h->bad)
		h->bad = p ? p : (const void *)h;
}

/* See heap_internal.h (noncontinuable; parameters: the heap, the address). */
void heap_raise_corruption(struct heap *h, const void *p)
{
	EXCEPTION_RECORD rec = { .ExceptionCode = (DWORD)STATUS_HEAP_CORRUPTION,
				 .ExceptionFlags = EXCEPTION_NONCONTINUABLE, .NumberParameters = 2 };
	rec.ExceptionInformation[0] = (ULONG_PTR)h;
	rec.ExceptionInformation[1] = (ULONG_PTR)p;
	RtlRaiseException(&rec);
}

/* After the lock is dropped: raises what heap_corrupt recorded. */
static void raise_recorded(struct heap *h)
{
	const void *p = h->bad;
	if (p) {
		h->bad = NULL;
		heap_raise_corruption(h, p);
	}
}

/* A failed allocation of size bytes: STATUS_NO_MEMORY raised under HEAP_GENERATE_EXCEPTIONS, else NULL. */
static void *alloc_failed(struct heap *h, ULONG flags, SIZE_T size)
{
	if ((h->flags | flags) & HEAP_GENERATE_EXCEPTIONS) {
		EXCEPTION_RECORD rec = { .ExceptionCode = (DWORD)STATUS_NO_MEMORY, .NumberParameters = 1 };
		rec.ExceptionInformation[0] = size;
		RtlRaiseException(&rec);
	}
	RtlSetLastWin32Error(ERROR_NOT_ENOUGH_MEMORY);
	return NULL;
}

/* See heap_internal.h. */
struct hblk *heap_lookup(struct heap *h, const void *p, struct hseg **seg)
{
	if (!p || ((uintptr_t)p & (HEAP_UNIT - 1)))
		return NULL;
	struct hblk *b = hblk_of(p);
	struct hseg *s = seg_find(h, b);
	if (s) {
		if (!seg_page_committed(s, b) || !hblk_ok(b, h->key) || !(b->flags & HB_BUSY))
			return NULL;
		*seg = s;
		if (b->flags & HB_LFH) {
			struct lfh_sub *r = lfh_sub_of(b);
			struct hblk *run = hblk_of(r);
			if ((char *)run < s->first || !hblk_ok(run, h->key) || !(run->flags & HB_SUBSEG) ||
			    r->cls >= LFH_CLASSES || b->size != h->lfh_bins[r->cls].slot_units || b->prev >= r->count)
				return NULL;
			if (b->prev + 1U < r->count && !hblk_ok(hblk_next(b), h->key))
				return NULL;	/* the next slot's header was overwritten */
			return b;
		}
		if (b->flags & (HB_SUBSEG | HB_BIG))
			return NULL;
		if (!(b->flags & HB_LAST)) {
			struct hblk *n = hblk_next(b);
			if (!hblk_ok(n, h->key) || n->prev != b->size)
				return NULL;
		}
		return b;
	}
	struct hbig *g = big_find(h, p);
	if (!g || !hblk_ok(&g->h, h->key) || g->h.flags != (HB_BUSY | HB_BIG))
		return NULL;
	*seg = NULL;
	return &g->h;
}

/* See heap_internal.h: the size the caller asked for. */
SIZE_T heap_block_size(struct heap *h, struct hblk *b)
{
	(void)h;
	if (b->flags & HB_BIG)
		return big_of(b)->requested;
	return (SIZE_T)(b->size - 1) * HEAP_UNIT - b->unused;
}

/*
 * RtlCreateHeap: a heap of ReserveSize bytes (HEAP_GROWABLE: the first
 * segment's, 1 MiB when 0; otherwise the heap's fixed maximum), CommitSize
 * committed at first.  Caller-provided memory (HeapBase), a caller lock and
 * Parameters are not supported (NULL).  Returns the handle or NULL.
 */
PVOID NTAPI RtlCreateHeap(ULONG Flags, PVOID HeapBase, SIZE_T ReserveSize, SIZE_T CommitSize, PVOID Lock,
			  PRTL_HEAP_PARAMETERS Parameters)
{
	(void)Parameters;
	if (HeapBase || Lock)
		return NULL;
	Flags &= HEAP_GROWABLE | HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | HEAP_CREATE_ENABLE_EXECUTE;
	SIZE_T reserve = ReserveSize ? ReserveSize : (1ULL << 20);
	if (reserve > SEG_MAX_RESERVE && (Flags & HEAP_GROWABLE))
		reserve = SEG_MAX_RESERVE;
	if (reserve > ((SIZE_T)1 << 40))
		return NULL;
	SIZE_T header = (sizeof(struct heap) + HEAP_UNIT - 1) & ~(HEAP_UNIT - 1);
	SIZE_T min = header + sizeof(struct hseg) + HEAP_PAGE;
	if (Flags & HEAP_GROWABLE)
		reserve = (reserve + min + HEAP_GRANULE - 1) & ~(HEAP_GRANULE - 1);
	else	/* a fixed heap spans its maximum, overhead included */
		reserve = ((reserve > min + HEAP_PAGE ? reserve : min + HEAP_PAGE) + HEAP_PAGE - 1) & ~(HEAP_PAGE - 1);
	SIZE_T commit = CommitSize > min ? CommitSize : min;
	if (commit > reserve)
		commit = reserve;
	commit = (commit + HEAP_PAGE - 1) & ~(HEAP_PAGE - 1);
	ULONG protect = (Flags & HEAP_CREATE_ENABLE_EXECUTE) ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
	PVOID base = NULL;
	SIZE_T len = (reserve + HEAP_GRANULE - 1) & ~(HEAP_GRANULE - 1);
	if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &base, 0, &len, MEM_RESERVE, protect)))
		return NULL;
	PVOID at = base;
	len = commit;
	if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_COMMIT, protect)))
		goto fail;
	struct heap *h = base;
	h->signature = HEAP_SIGNATURE;
	h->flags = Flags;
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	h->key = ((((uint64_t)hi << 32) | lo) * 0x9E3779B97F4A7C15ULL) ^ ((uintptr_t)base >> 16) ^ 0x5bd1e9955bd1e995ULL;
	RtlInitializeCriticalSectionEx(&h->lock, 0, 0);
	InitializeListHead(&h->segments);
	InitializeListHead(&h->big);
	h->next_reserve = reserve * 2 < SEG_MAX_RESERVE ? reserve * 2 : SEG_MAX_RESERVE;
	h->free_bytes = 0;
	h->max_block = (Flags & HEAP_GROWABLE) ? ((SIZE_T)1 << 46) : HEAP_FIXED_MAX;
	h->lfh = (Flags & HEAP_GROWABLE) && !(Flags & HEAP_NO_SERIALIZE);
	h->protect = protect;
	h->bad = NULL;
	for (unsigned i = 0; i < sizeof(h->bitmap) / sizeof(h->bitmap[0]); i++)
		h->bitmap[i] = 0;
	for (unsigned i = 0; i < NBINS; i++)
		InitializeListHead(&h->bins[i]);
	lfh_init(h);
	h->segtab.seq = 0;
	h->segtab.n = 0;
	h->cache_area = NULL;
	for (unsigned i = 0; i < HEAP_CPUS; i++)
		h->cache[i] = NULL;
	if (!NT_SUCCESS(seg_create_locked(h, base, reserve, commit, header)))
		goto fail;
	RtlEnterCriticalSection(&heaps_lock);
	InsertTailList(&heaps, &h->all);
	RtlLeaveCriticalSection(&heaps_lock);
	return h;
fail:
	len = 0;
	NtFreeVirtualMemory(NT_CURRENT_PROCESS, &base, &len, MEM_RELEASE);
	return NULL;
}

/* RtlDestroyHeap: releases every segment and big block; NULL on success, the handle back on failure (the process heap). */
PVOID NTAPI RtlDestroyHeap(PVOID HeapHandle)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h || HeapHandle == PEB_PROCESS_HEAP(ldr_peb()))
		return HeapHandle;
	RtlEnterCriticalSection(&heaps_lock);
	RemoveEntryList(&h->all);
	RtlLeaveCriticalSection(&heaps_lock);
	cache_release(h);
	seg_release_all(h);
	h->signature = 0;
	PVOID base = h;
	SIZE_T len = 0;
	NtFreeVirtualMemory(NT_CURRENT_PROCESS, &base, &len, MEM_RELEASE);
	return NULL;
}

/* The allocation itself, lock held: front end, big block or backend by size. */
static void *alloc_locked(struct heap *h, SIZE_T size, SIZE_T big_reserve)
{
	if (size > h->max_block)
		return NULL;
	if (h->lfh && size <= LFH_MAX_SIZE)
		return lfh_alloc_locked(h, lfh_class(size), size);
	if (size >= HEAP_BIG_THRESHOLD && (h->flags & HEAP_GROWABLE))
		return big_alloc_locked(h, size, big_reserve);
	SIZE_T units = (size + HEAP_UNIT - 1) / HEAP_UNIT + 1;
	if (units < MIN_FREE_UNITS)
		units = MIN_FREE_UNITS;
	struct hblk *b = seg_alloc_locked(h, units);
	if (!b)
		return NULL;
	b->unused = (uint16_t)((SIZE_T)(b->size - 1) * HEAP_UNIT - size);
	hblk_seal(b, h->key);
	return hblk_data(b);
}

/* See heap_internal.h: RtlAllocateHeap past the processor's cache (heap_cache.c); h sound. */
void *heap_alloc_slow(struct heap *h, ULONG Flags, SIZE_T Size)
{
	void *p;
	lock(h, Flags);
	if (h->lfh && Size <= LFH_MAX_SIZE)
		cache_make_locked(h);
	p = alloc_locked(h, Size, 0);
	unlock(h, Flags);
	raise_recorded(h);
	if (!p)
		return alloc_failed(h, Flags, Size);
	if (Flags & HEAP_ZERO_MEMORY)
		memset(p, 0, Size);
	return p;
}

/* The free itself, lock held. */
static void free_locked(struct heap *h, struct hseg *s, struct hblk *b)
{
	if (b->flags & HB_LFH)
		lfh_free_locked(h, b);
	else if (b->flags & HB_BIG)
		big_free_locked(h, big_of(b));
	else
		seg_free_locked(h, s, b);
}

/* See heap_internal.h: RtlFreeHeap past the processor's cache (heap_cache.c); h sound, p not NULL. */
BOOLEAN heap_free_slow(struct heap *h, ULONG Flags, PVOID p)
{
	lock(h, Flags);
	struct hseg *s;
	struct hblk *b = heap_lookup(h, p, &s);
	if (b && (b->flags & HB_LFH))
		cache_make_locked(h);
	if (b)
		free_locked(h, s, b);
	else
		heap_corrupt(h, p);
	unlock(h, Flags);
	raise_recorded(h);
	return b != NULL;
}

/* RtlSizeHeap: the size block p was asked with; (SIZE_T)-1 for a pointer that is not a live block. */
SIZE_T NTAPI RtlSizeHeap(PVOID HeapHandle, ULONG Flags, PVOID p)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return (SIZE_T)-1;
	lock(h, Flags);
	struct hseg *s;
	struct hblk *b = heap_lookup(h, p, &s);
	SIZE_T n = b ? heap_block_size(h, b) : (SIZE_T)-1;
	unlock(h, Flags);
	if (!b)
		RtlSetLastWin32Error(ERROR_INVALID_PARAMETER);
	return n;
}

/* Resizes live block b in place to size (lock held); FALSE when it cannot stay where it is. */
static BOOLEAN resize_in_place(struct heap *h, struct hseg *s, struct hblk *b, SIZE_T size, ULONG flags)
{
	if (b->flags & HB_BIG)
		return size >= HEAP_BIG_THRESHOLD / 2 && big_resize_locked(h, big_of(b), size);
	if (b->flags & HB_LFH) {
		SIZE_T cap = (SIZE_T)(b->size - 1) * HEAP_UNIT;
		if (size > cap)
			return FALSE;
		if (!(flags & HEAP_REALLOC_IN_PLACE_ONLY) && lfh_class(size) != lfh_sub_of(b)->cls)
			return FALSE;
		slot_set(b, h->key, b->flags, (uint16_t)(cap - size));
		return TRUE;
	}
	if (size >= HEAP_BIG_THRESHOLD && (h->flags & HEAP_GROWABLE) && !(flags & HEAP_REALLOC_IN_PLACE_ONLY))
		return FALSE;
	SIZE_T units = (size + HEAP_UNIT - 1) / HEAP_UNIT + 1;
	if (units < MIN_FREE_UNITS)
		units = MIN_FREE_UNITS;
	if (units > 0xFFFFFFFFULL || !seg_resize_locked(h, s, b, units))
		return FALSE;
	b->unused = (uint16_t)((SIZE_T)(b->size - 1) * HEAP_UNIT - size);
	hblk_seal(b, h->key);
	return TRUE;
}

/*
 * RtlReAllocateHeap: block p resized to Size bytes, in place when it can be,
 * else moved (not under HEAP_REALLOC_IN_PLACE_ONLY); the bytes kept are the
 * smaller size's, HEAP_ZERO_MEMORY zeroes the new ones.  NULL when it cannot
 * (p untouched); p NULL gives NULL.  A bad p raises STATUS_HEAP_CORRUPTION.
 */
PVOID NTAPI RtlReAllocateHeap(PVOID HeapHandle, ULONG Flags, PVOID p, SIZE_T Size)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h || !p) {
		RtlSetLastWin32Error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	lock(h, Flags);
	struct hseg *s;
	struct hblk *b = heap_lookup(h, p, &s);
	void *q = NULL;
	SIZE_T old = 0;
	if (!b) {
		heap_corrupt(h, p);
	} else if (Size <= h->max_block) {
		old = heap_block_size(h, b);
		if (resize_in_place(h, s, b, Size, Flags)) {
			q = p;
		} else if (!(Flags & HEAP_REALLOC_IN_PLACE_ONLY)) {
			/*
			 * A block HeapReAlloc moves into the big range is a growing
			 * buffer: its reservation (address space, no commit) is 8x
			 * its size plus the header's granule, so it grows in place
			 * (commit only) until it is 8x bigger, copying once per 8x.
			 */
			SIZE_T reserve = Size >= HEAP_BIG_THRESHOLD && Size <= ((SIZE_T)1 << 40) ? Size * 8 + HEAP_GRANULE : 0;
			q = alloc_locked(h, Size, reserve);
			if (q) {
				memcpy(q, p, old < Size ? old : Size);
				free_locked(h, s, b);
			}
		}
	}
	unlock(h, Flags);
	raise_recorded(h);
	if (!q)
		return b ? alloc_failed(h, Flags, Size) : NULL;
	if ((Flags & HEAP_ZERO_MEMORY) && Size > old)
		memset((char *)q + old, 0, Size - old);
	return q;
}

/* RtlLockHeap: takes the heap's lock (recursive for its owner); FALSE for a bad handle. */
BOOLEAN NTAPI RtlLockHeap(PVOID HeapHandle)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return FALSE;
	RtlEnterCriticalSection(&h->lock);
	return TRUE;
}

/* RtlUnlockHeap: drops what RtlLockHeap took. */
BOOLEAN NTAPI RtlUnlockHeap(PVOID HeapHandle)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return FALSE;
	RtlLeaveCriticalSection(&h->lock);
	return TRUE;
}

/* RtlGetProcessHeaps: the number of heaps; the first Count handles into Heaps. */
ULONG NTAPI RtlGetProcessHeaps(ULONG Count, PVOID *Heaps)
{
	ULONG n = 0;
	RtlEnterCriticalSection(&heaps_lock);
	for (LIST_ENTRY *e = heaps.Flink; e != &heaps; e = e->Flink, n++)
		if (n < Count)
			Heaps[n] = CONTAINING_RECORD(e, struct heap, all);
	RtlLeaveCriticalSection(&heaps_lock);
	return n;
}

/* RtlQueryHeapInformation: HeapCompatibilityInformation (0): ULONG 2 with the front end, 0 without. */
DWORD NTAPI RtlQueryHeapInformation(PVOID HeapHandle, HEAP_INFORMATION_CLASS Class, PVOID Info, SIZE_T Length,
				    PSIZE_T ReturnLength)
{
	struct heap *h = heap_of(HeapHandle);
	if (Class != 0)
		return STATUS_INVALID_INFO_CLASS;
	if (!h)
		return STATUS_INVALID_HANDLE;
	if (ReturnLength)
		*ReturnLength = sizeof(ULONG);
	if (Length < sizeof(ULONG))
		return STATUS_BUFFER_TOO_SMALL;
	*(ULONG *)Info = h->lfh ? 2 : 0;
	return STATUS_SUCCESS;
}

/*
 * RtlSetHeapInformation: HeapCompatibilityInformation (0) = 2 turns the
 * front end on (not for HEAP_NO_SERIALIZE or fixed-size heaps); class 1
 * (HeapEnableTerminationOnCorruption, any handle) is always on here; class 3
 * (HeapOptimizeResources) compacts.
 */
DWORD NTAPI RtlSetHeapInformation(PVOID HeapHandle, HEAP_INFORMATION_CLASS Class, PVOID Info, SIZE_T Length)
{
	if (Class == 1)
		return STATUS_SUCCESS;
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return STATUS_INVALID_HANDLE;
	if (Class == 3) {
		SIZE_T largest;
		if (h->lfh)
			cache_flush_all(h);
		RtlEnterCriticalSection(&h->lock);
		seg_compact_locked(h, &largest);
		RtlLeaveCriticalSection(&h->lock);
		return STATUS_SUCCESS;
	}
	if (Class != 0)
		return STATUS_INVALID_INFO_CLASS;
	if (Length < sizeof(ULONG) || !Info)
		return STATUS_BUFFER_TOO_SMALL;
	ULONG v = *(ULONG *)Info;
	if (v == 2 && (h->flags & HEAP_GROWABLE) && !(h->flags & HEAP_NO_SERIALIZE)) {
		h->lfh = 1;
		return STATUS_SUCCESS;
	}
	if (v == (h->lfh ? 2U : 0U))
		return STATUS_SUCCESS;
	return STATUS_UNSUCCESSFUL;
}
