/*
 * libc/ntdll/heap_cache.c - the processors' caches in front of the
 * low-fragmentation front end, and the lock-free segment table the fast
 * free path checks pointers against (docs/heap.md).
 *
 * Windows' LFH gives each processor its own "affinity slot" so threads on
 * different processors do not meet on one lock.  Here each processor (its
 * number from RDPID/RDTSCP, the kernel keeps it in IA32_TSC_AUX) has a page
 * of its own per heap: per size class a short stack of free slots.
 * HeapAlloc of a front-end size pops one, HeapFree of a front-end slot
 * pushes it, under the cache's own lock: one xchg, only ever tried.  When
 * the lock is taken (a thread preempted in it, or a thread that moved to
 * another processor), the stack is empty or full, or anything about the
 * pointer is unusual, the call takes the heap lock and the front end's own
 * path (heap_lfh.c), which also reports corruption.  So the fast path has no
 * system call and one locked instruction.
 *
 * A cached slot is free to every observer: its header says HB_CACHED (not
 * HB_BUSY), sealed as every header, so a double free, HeapSize or
 * HeapValidate of it is refused as for any free block; its run counts it as
 * in use, so a run with cached slots is not given back.  A header is
 * rewritten with one 8-byte store and read with two 8-byte loads
 * (slot_set, hblk_ok), so a thread checking its neighbour's header sees it
 * whole.  Stacks are short (CACHE_DEPTH, fewer for big classes) so little
 * memory waits in them; HeapCompact empties them (cache_flush_all).
 * Two threads freeing the same block at the same moment are not told apart
 * (each sees it busy); every other double free is.
 */
#include <cpuid.h>

#include "heap_internal.h"

/* How this CPU tells its number: 2 RDPID, 1 RDTSCP, 0 neither (every thread uses cache 0), -1 not asked yet. */
static volatile int cpu_how = -1;

static int find_cpu_how(void)
{
	unsigned a, b, c, d;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 22)))
		return 2;
	if (__get_cpuid(0x80000001, &a, &b, &c, &d) && (d & (1u << 27)))
		return 1;
	return 0;
}

/* The cache index of the processor running the caller now. */
static inline unsigned cpu_now(void)
{
	unsigned long long aux = 0;
	int how = cpu_how;
	if (how == 1) {
		unsigned lo, hi, c;
		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
		aux = c;
	} else if (how == 2) {
		__asm__ volatile("rdpid %0" : "=r"(aux));
	}
	return (unsigned)aux & (HEAP_CPUS - 1);
}

/* Slots a processor keeps per class: fewer of the big ones (classes above 256 and 1024 bytes). */
static const uint8_t cache_cap[LFH_CLASSES] = {
	[0 ... 15] = CACHE_DEPTH, [16 ... 39] = CACHE_DEPTH / 2, [40 ... LFH_CLASSES - 1] = CACHE_DEPTH / 4,
};

static inline int cache_trylock(struct lfh_cache *c)
{
	return !__atomic_exchange_n(&c->lock, 1, __ATOMIC_ACQUIRE);
}

static inline void cache_unlock(struct lfh_cache *c)
{
	__atomic_store_n(&c->lock, 0, __ATOMIC_RELEASE);
}

/* A cached slot whose header was overwritten while it was free: raises STATUS_HEAP_CORRUPTION. */
static __attribute__((noinline)) void *cached_corrupt(struct heap *h, struct hblk *b)
{
	heap_raise_corruption(h, hblk_data(b));
	return NULL;
}

/*
 * RtlAllocateHeap: a 16-byte aligned block of Size bytes (0 gives a unique
 * block); HEAP_ZERO_MEMORY zeroes it.  A front-end size comes from this
 * processor's cache when it holds one of its class; everything else is
 * heap_alloc_slow (heap_api.c).
 */
PVOID NTAPI RtlAllocateHeap(PVOID HeapHandle, ULONG Flags, SIZE_T Size)
{
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return NULL;
	struct lfh_cache *c;
	if (!h->lfh || Size > LFH_MAX_SIZE || !(c = h->cache[cpu_now()]) || !cache_trylock(c))
		return heap_alloc_slow(h, Flags, Size);
	int cls = lfh_class(Size);
	unsigned n = c->n[cls];
	if (!n) {
		cache_unlock(c);
		return heap_alloc_slow(h, Flags, Size);
	}
	struct hblk *b = c->slot[cls][n - 1];
	c->n[cls] = (uint8_t)(n - 1);
	cache_unlock(c);
	/* b is this thread's now: nobody else writes its header. */
	volatile hblk_word *q = (volatile hblk_word *)b;
	uint64_t w0 = q[0], w1 = q[1];
	uint64_t x = hblk_pre(w0, b, h->key);
	if ((uint32_t)w1 != (HB_LFH | HB_CACHED) || (uint32_t)(w1 >> 32) != hblk_fin(x, (uint32_t)w1))
		return cached_corrupt(h, b);	/* overwritten while it was free */
	uint32_t nw1 = ((uint32_t)((uint32_t)w0 * HEAP_UNIT - HEAP_UNIT - Size) << 16) | HB_BUSY | HB_LFH;
	q[1] = nw1 | ((uint64_t)hblk_fin(x, nw1) << 32);
	void *p = hblk_data(b);
	if (Flags & HEAP_ZERO_MEMORY)
		return memset(p, 0, Size);	/* a tail call: the fast path saves no registers */
	return p;
}

/* The segment whose blocks hold p, from the table without the heap lock; NULL: not found, or the table was changing. */
static inline struct hseg *seg_find_fast(struct heap *h, const void *p)
{
	struct segtab *t = &h->segtab;
	uint32_t seq = t->seq;
	__asm__ volatile("" ::: "memory");
	uint32_t n = t->n;
	struct hseg *s = NULL;
	for (uint32_t i = 0; i < n; i++)
		if ((const char *)p >= t->e[i].lo && (const char *)p < t->e[i].hi) {
			s = t->e[i].seg;
			break;
		}
	__asm__ volatile("" ::: "memory");	/* x86 keeps loads in order: only the compiler needs telling */
	return t->seq != seq || (seq & 1) ? NULL : s;
}

/* RtlFreeHeap's answer to a handle that is no heap: FALSE, ERROR_INVALID_HANDLE. */
static __attribute__((noinline)) BOOLEAN bad_handle(void)
{
	RtlSetLastWin32Error(ERROR_INVALID_HANDLE);
	return FALSE;
}

/*
 * RtlFreeHeap: frees block p (NULL: TRUE, nothing done); a pointer that is
 * not a live block raises STATUS_HEAP_CORRUPTION.  A sound busy front-end
 * slot of h (inside a segment on a committed page, its header and its
 * neighbour's checking out) goes to this processor's cache when there is
 * room; anything else, good or bad, to heap_free_slow (heap_api.c), which
 * also judges a bad p.
 */
BOOLEAN NTAPI RtlFreeHeap(PVOID HeapHandle, ULONG Flags, PVOID p)
{
	if (!p)
		return TRUE;
	struct heap *h = heap_of(HeapHandle);
	if (!h)
		return bad_handle();
	struct hblk *b = hblk_of(p);
	struct hseg *s;
	if (!h->lfh || ((uintptr_t)p & (HEAP_UNIT - 1)) || !(s = seg_find_fast(h, b)) || !seg_page_committed(s, b))
		return heap_free_slow(h, Flags, p);
	volatile hblk_word *q = (volatile hblk_word *)b;
	uint64_t w0 = q[0], w1 = q[1];
	uint64_t x = hblk_pre(w0, b, h->key);
	if (((uint32_t)w1 & 0xFFFF) != (HB_BUSY | HB_LFH) || (uint32_t)(w1 >> 32) != hblk_fin(x, (uint32_t)w1))
		return heap_free_slow(h, Flags, p);
	uint32_t units = (uint32_t)w0, idx = (uint32_t)(w0 >> 32);
	struct lfh_sub *r = (struct lfh_sub *)((char *)b - (SIZE_T)idx * units * HEAP_UNIT - sizeof(struct lfh_sub));
	/* The header is the heap's own (its check word holds its address and the key): r is its run. */
	if (r->signature != (SUB_SIGNATURE ^ (uint32_t)h->key) || r->cls >= LFH_CLASSES || idx >= r->count ||
	    (idx + 1 < r->count && !hblk_ok(hblk_next(b), h->key)))	/* the next slot's header overwritten */
		return heap_free_slow(h, Flags, p);
	int cls = r->cls;
	struct lfh_cache *c = h->cache[cpu_now()];
	if (!c || !cache_trylock(c))
		return heap_free_slow(h, Flags, p);
	unsigned n = c->n[cls];
	if (n >= cache_cap[cls]) {
		cache_unlock(c);
		return heap_free_slow(h, Flags, p);
	}
	q[1] = (HB_LFH | HB_CACHED) | ((uint64_t)hblk_fin(x, HB_LFH | HB_CACHED) << 32);
	c->slot[cls][n] = b;
	c->n[cls] = (uint8_t)(n + 1);
	cache_unlock(c);
	return TRUE;
}

/* See heap_internal.h: gives the processor running the caller its cache in h when it has none (lock held); quietly nothing when memory is short. */
void cache_make_locked(struct heap *h)
{
	if (cpu_how < 0)
		cpu_how = find_cpu_how();
	unsigned cpu = cpu_now();
	if (h->cache[cpu])
		return;
	if (!h->cache_area) {
		PVOID at = NULL;
		SIZE_T len = HEAP_CPUS * HEAP_PAGE;
		if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_RESERVE, PAGE_READWRITE)))
			return;
		h->cache_area = at;
	}
	PVOID at = h->cache_area + (SIZE_T)cpu * HEAP_PAGE;
	SIZE_T len = HEAP_PAGE;
	if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &at, 0, &len, MEM_COMMIT, PAGE_READWRITE)))
		return;
	__atomic_store_n(&h->cache[cpu], (struct lfh_cache *)at, __ATOMIC_RELEASE);	/* a fresh page: all stacks empty */
}

/* Takes cache c's lock, waiting (yielding) for a holder: never with c held by the caller. */
static void cache_lock_wait(struct lfh_cache *c)
{
	for (unsigned spins = 0; !cache_trylock(c); spins++)
		if (spins > 64)
			NtYieldExecution();
		else
			__builtin_ia32_pause();
}

/*
 * See heap_internal.h: empties every processor's cache of h into the runs
 * (HeapCompact, HeapSetInformation(HeapOptimizeResources)).  Takes the heap
 * lock for each cache's slots after that cache's lock is dropped: no one
 * waits for the heap lock while holding a cache lock, so waiting for a cache
 * lock here is safe even when the caller holds the heap lock (HeapLock).
 */
void cache_flush_all(struct heap *h)
{
	struct hblk *got[LFH_CLASSES * CACHE_DEPTH];
	for (unsigned cpu = 0; cpu < HEAP_CPUS; cpu++) {
		struct lfh_cache *c = h->cache[cpu];
		if (!c)
			continue;
		unsigned k = 0;
		cache_lock_wait(c);
		for (int cls = 0; cls < LFH_CLASSES; cls++) {
			for (unsigned i = 0; i < c->n[cls]; i++)
				got[k++] = c->slot[cls][i];
			c->n[cls] = 0;
		}
		cache_unlock(c);
		if (!k)
			continue;
		RtlEnterCriticalSection(&h->lock);
		for (unsigned i = 0; i < k; i++) {
			if (hblk_ok(got[i], h->key) && got[i]->flags == (HB_LFH | HB_CACHED))
				lfh_free_locked(h, got[i]);
			else
				heap_corrupt(h, hblk_data(got[i]));
		}
		RtlLeaveCriticalSection(&h->lock);
	}
}

/* See heap_internal.h: releases h's caches (HeapDestroy; their slots go with the segments). */
void cache_release(struct heap *h)
{
	if (!h->cache_area)
		return;
	PVOID at = h->cache_area;
	SIZE_T len = 0;
	NtFreeVirtualMemory(NT_CURRENT_PROCESS, &at, &len, MEM_RELEASE);
	h->cache_area = NULL;
	for (unsigned i = 0; i < HEAP_CPUS; i++)
		h->cache[i] = NULL;
}

/* See heap_internal.h: enters segment s in h's table (lock held); a full table leaves it to seg_find. */
void segtab_add_locked(struct heap *h, struct hseg *s)
{
	struct segtab *t = &h->segtab;
	if (t->n >= SEGTAB)
		return;
	t->seq++;
	__asm__ volatile("" ::: "memory");
	t->e[t->n].lo = s->first;
	t->e[t->n].hi = s->end;
	t->e[t->n].seg = s;
	t->n++;
	__asm__ volatile("" ::: "memory");
	t->seq++;
}

/* See heap_internal.h: takes segment s out of h's table (lock held), the last entry moving into its place. */
void segtab_remove_locked(struct heap *h, struct hseg *s)
{
	struct segtab *t = &h->segtab;
	for (uint32_t i = 0; i < t->n; i++) {
		if (t->e[i].seg != s)
			continue;
		t->seq++;
		__asm__ volatile("" ::: "memory");
		t->e[i] = t->e[t->n - 1];
		t->n--;
		__asm__ volatile("" ::: "memory");
		t->seq++;
		return;
	}
}
