/*
 * mm/frame_cache.c - per-CPU caches of single frames in front of the buddy
 * allocator (issue 18; docs/smp.md "Frames on many CPUs").
 *
 * Each CPU has a stack of up to FRAME_CACHE_HIGH free frames.  An order-0
 * frame_alloc pops from it and an order-0 frame_free pushes onto it, with
 * interrupts off and no lock: only this CPU touches its cache then.  An
 * empty cache refills FRAME_CACHE_BATCH frames from the buddy, a full one
 * flushes FRAME_CACHE_BATCH back, each under frame_lock once per batch.
 *
 * Beside the stack, each CPU keeps up to FRAME_CACHE_ZEROED frames known
 * to hold only zeros: page tables, which are emptied entry by entry before
 * they are freed (frame_free_zeroed).  frame_alloc_zeroed takes one of
 * those first and skips its 4 KiB fill.  They are not poisoned (MM_DEBUG
 * checks that they are still zero instead) and are poisoned on their way
 * back to the buddy.
 *
 * Counters: a cached frame is free, so moving frames between a cache and
 * the buddy changes no counter.  An allocation from a cache adds one to its
 * CPU's used and owner[] counts and a free subtracts one (a CPU may free
 * what another allocated: the counts are signed); frame_stats adds them to
 * the buddy's.  Each count has one writer (its CPU) and is read whole.
 *
 * Draining: another CPU's cache is emptied only when no other CPU can be
 * inside the allocator - the caller holds the kernel lock, which every
 * allocation and free runs under (exclusively today; when faults run with
 * it shared, "held exclusively").  A caller without that empties its own
 * cache and sets the others' drain flags: each CPU empties its cache at its
 * next single-frame allocation or free.
 */
#include "mm/frame_cache.h"

#ifdef HOST_TEST
int (*frame_cpu_hook)(void);
bool (*frame_world_stopped_hook)(void);
static inline uint64_t cache_irq_save(void) { return 0; }
static inline void cache_irq_restore(uint64_t f) { (void)f; }
static inline int cache_cpu(void) { return frame_cpu_hook ? frame_cpu_hook() : -1; }
static inline bool world_stopped(void) { return !frame_world_stopped_hook || frame_world_stopped_hook(); }
#else
#include "kernel/klock.h"
#include "kernel/lock.h"
static inline uint64_t cache_irq_save(void) { return irq_save(); }
static inline void cache_irq_restore(uint64_t f) { irq_restore(f); }
static inline int cache_cpu(void) { return (int)lock_cpu_id(); }
static inline bool world_stopped(void) { return klock_held(); }
#endif

struct frame_cache {
	uint32_t count;				/* frames in frames[] */
	uint8_t drain;				/* set by another CPU: empty the cache at the next call */
	int64_t used;				/* allocated from this cache minus freed to it */
	int64_t owner[FRAME_OWNER_COUNT];	/* the same per owner */
	uint32_t frames[FRAME_CACHE_HIGH];	/* frame numbers; the top is handed out first */
	uint32_t nzeroed;			/* frames in zeroed[] */
	uint32_t zeroed[FRAME_CACHE_ZEROED];	/* free frames holding only zeros, the top handed out first */
} __attribute__((aligned(64)));

static struct frame_cache caches[FRAME_CACHE_CPUS];
static unsigned cache_cpus;	/* 1 + the highest CPU index that used its cache */

void frame_cache_reset(void)
{
	for (unsigned i = 0; i < FRAME_CACHE_CPUS; i++)
		caches[i] = (struct frame_cache){ 0 };
	__atomic_store_n(&cache_cpus, 0, __ATOMIC_RELAXED);
}

static void cache_drain_requested(struct frame_cache *c);

/*
 * This CPU's cache, interrupts off (*flags to restore), or NULL (interrupts
 * as they were).  Honours a drain another CPU asked for.
 */
static struct frame_cache *cache_enter(uint64_t *flags)
{
	int cpu = cache_cpu();
	if (cpu < 0 || cpu >= FRAME_CACHE_CPUS)
		return 0;
	*flags = cache_irq_save();
	if (__builtin_expect((unsigned)cpu >= __atomic_load_n(&cache_cpus, __ATOMIC_RELAXED), 0)) {
		unsigned seen = __atomic_load_n(&cache_cpus, __ATOMIC_RELAXED);
		while (seen <= (unsigned)cpu &&
		       !__atomic_compare_exchange_n(&cache_cpus, &seen, (unsigned)cpu + 1, false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED))
			;
	}
	struct frame_cache *c = &caches[cpu];
	if (__builtin_expect(__atomic_load_n(&c->drain, __ATOMIC_RELAXED), 0))
		cache_drain_requested(c);
	return c;
}

/* Give n frames from the top of c back to the buddy (c is this CPU's, or every CPU is stopped). */
static void cache_flush(struct frame_cache *c, uint32_t n)
{
	frame_buddy_lock();
	c->count -= n;
	frame_buddy_put(&c->frames[c->count], n);
	frame_buddy_unlock();
}

/* Give all of c's zeroed frames back to the buddy, poisoned as it expects its frames (MM_DEBUG). */
static void zeroed_flush(struct frame_cache *c)
{
	if (!c->nzeroed)
		return;
	for (uint32_t i = 0; MM_DEBUG && i < c->nzeroed; i++)
		frame_poison_fill(c->zeroed[i], 0);
	frame_buddy_lock();
	frame_buddy_put(c->zeroed, c->nzeroed);
	frame_buddy_unlock();
	c->nzeroed = 0;
}

/* A cache's count, one writer: a plain read and a whole store. */
static inline void count_add(int64_t *p, int64_t d)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + d, __ATOMIC_RELAXED);
}

uint64_t frame_caches_drain(void)
{
	uint64_t flags = 0, n = 0;
	struct frame_cache *self = cache_enter(&flags);
	bool all = world_stopped();
	unsigned cpus = __atomic_load_n(&cache_cpus, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < cpus; i++) {
		struct frame_cache *c = &caches[i];
		if (c == self || all) {
			n += c->count + c->nzeroed;
			cache_flush(c, c->count);
			zeroed_flush(c);
			__atomic_store_n(&c->drain, 0, __ATOMIC_RELAXED);
		} else {
			__atomic_store_n(&c->drain, 1, __ATOMIC_RELAXED);
		}
	}
	if (self)
		cache_irq_restore(flags);
	return n;
}

/* The drain flag another CPU set: empty this CPU's cache c. */
static void cache_drain_requested(struct frame_cache *c)
{
	__atomic_store_n(&c->drain, 0, __ATOMIC_RELAXED);
	cache_flush(c, c->count);
	zeroed_flush(c);
}

/* Refill the empty cache c from the buddy, draining the others first when the buddy has nothing. */
static bool cache_refill(struct frame_cache *c)
{
	frame_buddy_lock();
	c->count = frame_buddy_take(c->frames, FRAME_CACHE_BATCH);
	frame_buddy_unlock();
	if (c->count == 0 && frame_caches_drain()) {
		frame_buddy_lock();
		c->count = frame_buddy_take(c->frames, FRAME_CACHE_BATCH);
		frame_buddy_unlock();
	}
	return c->count != 0;
}

/* Frame fn, just taken off one of c's stacks, allocated to owner; interrupts back as flags had them. */
static inline __attribute__((always_inline)) uint64_t hand_out(struct frame_cache *c, uint32_t fn, enum frame_owner owner, uint64_t flags)
{
	struct frame *f = &frame_db[fn];
	f->refcount = 1;
	f->swap_slot = 0;
	/* One store: the buddy, merging a neighbour, never sees "free" with order 0. */
	__atomic_store_n(&f->state, FRAME_STATE(0, owner), __ATOMIC_RELAXED);
	count_add(&c->used, 1);
	count_add(&c->owner[owner], 1);
	cache_irq_restore(flags);
	return (uint64_t)fn << PAGE_SHIFT;
}

uint64_t frame_cache_alloc(enum frame_owner owner, bool *zeroed)
{
	uint64_t flags;
	struct frame_cache *c = cache_enter(&flags);
	if (!c)
		return FRAME_CACHE_BYPASS;
	uint32_t fn;
	if (zeroed && c->nzeroed) {
		fn = c->zeroed[c->nzeroed - 1];
		if (MM_DEBUG)
			frame_zero_check(fn, "frame_alloc_zeroed: a zeroed free frame was written");
		c->nzeroed--;
		*zeroed = true;
		return hand_out(c, fn, owner, flags);
	}
	if (c->count == 0 && !cache_refill(c)) {
		cache_irq_restore(flags);
		return 0;
	}
	fn = c->frames[c->count - 1];
	if (MM_DEBUG)
		frame_poison_check(fn, 0);	/* before any change: a host hook may longjmp */
	c->count--;
	return hand_out(c, fn, owner, flags);
}

/* The free frame f (number fn) taken back into c: counted free, marked cached. */
static inline __attribute__((always_inline)) void take_back(struct frame_cache *c, struct frame *f)
{
	count_add(&c->used, -1);
	count_add(&c->owner[f->owner], -1);
	f->refcount = 0;
	__atomic_store_n(&f->state, FRAME_STATE(FRAME_ORDER_CACHED, FRAME_FREE), __ATOMIC_RELAXED);
}

bool frame_cache_free(struct frame *f, uint32_t fn)
{
	uint64_t flags;
	struct frame_cache *c = cache_enter(&flags);
	if (!c)
		return false;
	if (c->count == FRAME_CACHE_HIGH)
		cache_flush(c, FRAME_CACHE_BATCH);
	if (MM_DEBUG)
		frame_poison_fill(fn, 0);
	take_back(c, f);
	c->frames[c->count++] = fn;
	cache_irq_restore(flags);
	return true;
}

bool frame_cache_free_zeroed(struct frame *f, uint32_t fn)
{
	uint64_t flags;
	struct frame_cache *c = cache_enter(&flags);
	if (!c)
		return false;
	if (c->nzeroed == FRAME_CACHE_ZEROED) {
		cache_irq_restore(flags);
		return false;	/* frame_free's way: this CPU's zeroed frames are enough */
	}
	if (MM_DEBUG)
		frame_zero_check(fn, "frame_free_zeroed");
	take_back(c, f);
	c->zeroed[c->nzeroed++] = fn;
	cache_irq_restore(flags);
	return true;
}

void frame_cache_counts(int64_t owner[FRAME_OWNER_COUNT])
{
	unsigned cpus = __atomic_load_n(&cache_cpus, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < cpus; i++) {
		for (int k = 0; k < FRAME_OWNER_COUNT; k++)
			owner[k] += __atomic_load_n(&caches[i].owner[k], __ATOMIC_RELAXED);
	}
}

int64_t frame_cache_used(void)
{
	int64_t used = 0;
	unsigned cpus = __atomic_load_n(&cache_cpus, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < cpus; i++)
		used += __atomic_load_n(&caches[i].used, __ATOMIC_RELAXED);
	return used;
}
