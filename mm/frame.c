/*
 * mm/frame.c - the frame database and the buddy allocator.
 *
 * A free block of order k is 2^k frames starting at a frame number that is a
 * multiple of 2^k.  Its head frame has owner FRAME_FREE and order k and sits
 * on free_head[k] (a doubly-linked list of frame numbers); every other frame
 * of the block has order FRAME_ORDER_TAIL, so "is the buddy a free head of
 * order k" is one look-up.  Splitting and merging touch only head frames,
 * which keeps alloc and free O(FRAME_MAX_ORDER).
 *
 * Single frames go through a per-CPU cache first (mm/frame_cache.c): this
 * file is the buddy behind it, the checks, and the counters (the caches
 * keep their own share, summed by frame_stats).
 *
 * MM_DEBUG: freed blocks are filled with FRAME_POISON and the poison is
 * checked when they are handed out again (a write-after-free detector), for
 * the frames below frame_poison_below (a block never straddles it when it
 * is a multiple of the largest block).
 */
#include "mm/frame.h"
#include "mm/allocfail.h"
#include "mm/frame_cache.h"
#include <stddef.h>

#ifdef HOST_TEST
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
void (*frame_panic_hook)(const char *msg);
/* frame_lock: threads play CPUs; a panic (the hook may longjmp) gives it back if this thread holds it. */
static pthread_mutex_t frame_host_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread bool frame_host_held;
#define frame_panic(...)                                                 \
	do {                                                             \
		char fp_msg_[160];                                       \
		snprintf(fp_msg_, sizeof(fp_msg_), __VA_ARGS__);         \
		if (!frame_panic_hook)                                   \
			abort();                                         \
		if (frame_host_held)                                     \
			frame_lock_drop();                               \
		frame_panic_hook(fp_msg_);                               \
	} while (0)
#define frame_lock_take()   (pthread_mutex_lock(&frame_host_lock), frame_host_held = true)
#define frame_lock_drop()   (frame_host_held = false, pthread_mutex_unlock(&frame_host_lock))
#define frame_lock_assert() ((void)0)
#else
#include "kernel/lock.h"
#include "kernel/panic.h"
#define frame_panic(...) panic(__VA_ARGS__)
/*
 * frame_lock (spin, innermost: no lock is taken under it): the free
 * lists, the entries of the free frames on them, the owner and order of
 * blocks the buddy hands out, its counters.  A per-CPU cache's frames and
 * counters are its CPU's (mm/frame_cache.c).  An allocated frame's refcount changes atomically without it
 * (frame_ref_entry); its swap_slot belongs to whoever maps the frame (the VM
 * lock of its space, or the section's lock).  Never held across anything.
 * The frame's contents (poison fill and check) are written under it.
 */
static struct spinlock frame_lock = SPINLOCK_INIT("frame");
#define frame_lock_take()   spin_lock(&frame_lock)
#define frame_lock_drop()   spin_unlock(&frame_lock)
#define frame_lock_assert() lock_assert_held(&frame_lock)
#endif

struct frame *frame_db;
struct allocfail allocfail;
uint64_t frame_db_count;
uint64_t frame_poison_below = UINT64_MAX;
#define db frame_db
#define nframes frame_db_count
static uint8_t *direct_map;
static uint32_t free_head[FRAME_MAX_ORDER + 1];
static uint64_t free_count[FRAME_MAX_ORDER + 1];	/* blocks per order */
static uint64_t total_frames, used_frames;	/* used: by the buddy; the caches keep their share */
static uint64_t owner_frames[FRAME_OWNER_COUNT];

void frame_buddy_lock(void)
{
	frame_lock_take();
}

void frame_buddy_unlock(void)
{
	frame_lock_drop();
}

static inline void fill_qwords(void *dst, uint64_t val, uint64_t count)
{
	__asm__ volatile("rep stosq" : "+D"(dst), "+c"(count) : "a"(val) : "memory");
}

static inline void *frame_va(uint64_t fn)
{
	return direct_map + (fn << PAGE_SHIFT);
}

static void list_push(uint32_t fn, unsigned order)
{
	struct frame *f = &db[fn];
	f->owner = FRAME_FREE;
	f->order = order;
	f->refcount = 0;
	f->prev = FRAME_NONE;
	f->next = free_head[order];
	if (f->next != FRAME_NONE)
		db[f->next].prev = fn;
	free_head[order] = fn;
	free_count[order]++;
}

static void list_remove(uint32_t fn, unsigned order)
{
	struct frame *f = &db[fn];
	if (f->prev != FRAME_NONE)
		db[f->prev].next = f->next;
	else
		free_head[order] = f->next;
	if (f->next != FRAME_NONE)
		db[f->next].prev = f->prev;
	f->next = f->prev = FRAME_NONE;
	free_count[order]--;
}

/*
 * Put the block [fn, fn + 2^order) on the free lists, merging it with its
 * buddy while the buddy is a free block of the same order.  The caller has
 * checked the block and updated the counters; poisoned: it holds the
 * poison already.  The buddy's state is read in one load: another CPU may
 * be changing it (a cached frame handed out, mm/frame_cache.c), never to
 * or from "free head of order k".
 */
static void free_block(uint64_t fn, unsigned order, bool poisoned)
{
	frame_lock_assert();
	if (!poisoned)
		frame_poison_fill(fn, order);
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = fn ^ (1ULL << order);
		if (buddy >= nframes ||
		    __atomic_load_n(&db[buddy].state, __ATOMIC_RELAXED) != FRAME_STATE(order, FRAME_FREE))
			break;
		list_remove(buddy, order);
		uint64_t upper = buddy > fn ? buddy : fn;
		db[upper].order = FRAME_ORDER_TAIL;
		db[upper].owner = FRAME_FREE;
		fn &= ~(1ULL << order);
		order++;
	}
	list_push(fn, order);
}

void frame_init_core(struct frame *database, uint64_t n, const struct phys_range *free, int nr, uint8_t *dmap)
{
	db = database;
	nframes = n;
	direct_map = dmap;
	for (uint64_t i = 0; i < n; i++)
		db[i] = (struct frame){ .next = FRAME_NONE, .prev = FRAME_NONE, .refcount = 0, .order = FRAME_ORDER_TAIL, .owner = FRAME_ABSENT };
	for (int k = 0; k <= FRAME_MAX_ORDER; k++) {
		free_head[k] = FRAME_NONE;
		free_count[k] = 0;
	}
	total_frames = used_frames = 0;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		owner_frames[i] = 0;
	frame_cache_reset();
	frame_add_ranges(free, nr);
}

void frame_add_ranges(const struct phys_range *free, int nr)
{
	frame_lock_take();
	for (int r = 0; r < nr; r++) {
		uint64_t fn = free[r].base >> PAGE_SHIFT, end = free[r].end >> PAGE_SHIFT;
		if (end > nframes)
			end = nframes;
		for (uint64_t i = fn; i < end; i++) {
			if (db[i].owner != FRAME_ABSENT) {
				frame_lock_drop();
				frame_panic("frame_add_ranges: frame %lx is already managed", (unsigned long)i);
				return;
			}
			db[i].owner = FRAME_FREE;	/* tail frames of free blocks */
		}
		/* Insert maximal naturally aligned blocks; free_block merges across ranges that touch. */
		while (fn < end) {
			unsigned k = 0;
			while (k < FRAME_MAX_ORDER && (fn & ((2ULL << k) - 1)) == 0 && fn + (2ULL << k) <= end)
				k++;
			free_block(fn, k, false);
			total_frames += 1ULL << k;
			fn += 1ULL << k;
		}
	}
	frame_lock_drop();
}

void frame_poison_fill(uint64_t fn, unsigned order)
{
	if (MM_DEBUG && fn < frame_poison_below)
		fill_qwords(frame_va(fn), FRAME_POISON, (PAGE_SIZE / 8) << order);
}

void frame_poison_check(uint64_t fn, unsigned order)
{
	if (!MM_DEBUG || fn >= frame_poison_below)
		return;
	const uint64_t *p = frame_va(fn);
	uint64_t n = (PAGE_SIZE / 8) << order;
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != FRAME_POISON)
			frame_panic("frame poison damaged at phys %lx", (unsigned long)((fn << PAGE_SHIFT) + i * 8));
}

void frame_zero_check(uint64_t fn, const char *who)
{
	const uint64_t *p = frame_va(fn);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i])
			frame_panic("%s: phys %lx holds %lx, not zero", who, (unsigned long)((fn << PAGE_SHIFT) + i * 8),
				    (unsigned long)p[i]);
}

unsigned frame_buddy_take(uint32_t *out, unsigned want)
{
	frame_lock_assert();
	unsigned n = 0;
	while (n < want) {
		/* The largest order that fits what is left; else the smallest above it; else the largest below. */
		unsigned o = 31 - (unsigned)__builtin_clz(want - n), k;
		if (o > FRAME_MAX_ORDER)
			o = FRAME_MAX_ORDER;
		for (k = o; k <= FRAME_MAX_ORDER && free_head[k] == FRAME_NONE; k++)
			;
		if (k > FRAME_MAX_ORDER) {
			for (k = o; k > 0 && free_head[k] == FRAME_NONE; k--)
				;
			if (free_head[k] == FRAME_NONE)
				break;	/* no free frame at all */
			o = k;
		}
		uint32_t fn = free_head[k];
		list_remove(fn, k);
		while (k > o) {
			k--;
			list_push(fn + (1u << k), k);
		}
		for (uint32_t i = 0; i < (1u << o); i++) {
			db[fn + i].refcount = 0;
			__atomic_store_n(&db[fn + i].state, FRAME_STATE(FRAME_ORDER_CACHED, FRAME_FREE), __ATOMIC_RELAXED);
			out[n++] = fn + i;
		}
	}
	return n;
}

void frame_buddy_put(const uint32_t *fns, unsigned n)
{
	frame_lock_assert();
	/* Often the frames of one refill come back together: one naturally aligned block, one merge. */
	if (n > 1 && (n & (n - 1)) == 0) {
		uint32_t lo = fns[0];
		for (unsigned i = 1; i < n; i++)
			lo = fns[i] < lo ? fns[i] : lo;
		bool whole = (lo & (n - 1)) == 0;
		for (unsigned i = 0; whole && i < n; i++)
			whole = fns[i] - lo < n;	/* n distinct frames (a cache holds each once) in [lo, lo + n) */
		if (whole) {
			for (unsigned i = 0; i < n; i++)
				__atomic_store_n(&db[lo + i].state, FRAME_STATE(FRAME_ORDER_TAIL, FRAME_FREE), __ATOMIC_RELAXED);
			free_block(lo, (unsigned)__builtin_ctz(n), true);
			return;
		}
	}
	for (unsigned i = 0; i < n; i++)
		free_block(fns[i], 0, true);
}

/* The buddy's allocation: a block of 2^order frames for owner, or 0. */
static uint64_t buddy_alloc(unsigned order, enum frame_owner owner)
{
	frame_lock_take();
	unsigned k = order;
	while (k <= FRAME_MAX_ORDER && free_head[k] == FRAME_NONE)
		k++;
	if (k > FRAME_MAX_ORDER) {
		frame_lock_drop();
		return 0;
	}
	uint64_t fn = free_head[k];
	frame_poison_check(fn, order);	/* before any change: a host hook may longjmp */
	list_remove(fn, k);
	/* Split: the upper halves go back to the lower lists. */
	while (k > order) {
		k--;
		list_push(fn + (1ULL << k), k);
	}
	struct frame *f = &db[fn];
	f->owner = owner;
	f->order = order;
	f->refcount = 1;
	f->swap_slot = 0;
	used_frames += 1ULL << order;
	owner_frames[owner] += 1ULL << order;
	frame_lock_drop();
	return fn << PAGE_SHIFT;
}

/* Whether a request is one frame_alloc may serve (and the injected failures let it through). */
static inline __attribute__((always_inline)) bool alloc_allowed(unsigned order, enum frame_owner owner)
{
	return order <= FRAME_MAX_ORDER && owner > FRAME_FREE && owner < FRAME_OWNER_COUNT && !allocfail_hit();
}

/* frame_alloc's work once alloc_allowed said yes; zeroed as frame_cache_alloc's (mm/frame_cache.h). */
static inline __attribute__((always_inline)) uint64_t alloc_block(unsigned order, enum frame_owner owner, bool *zeroed)
{
	if (order == 0) {
		uint64_t phys = frame_cache_alloc(owner, zeroed);
		if (phys != FRAME_CACHE_BYPASS)
			return phys;
	}
	uint64_t phys = buddy_alloc(order, owner);
	/* Free frames in the caches may complete the block: give them back and try once more. */
	if (!phys && frame_caches_drain())
		phys = buddy_alloc(order, owner);
	return phys;
}

uint64_t frame_alloc(unsigned order, enum frame_owner owner)
{
	return alloc_allowed(order, owner) ? alloc_block(order, owner, NULL) : 0;
}

uint64_t frame_alloc_zeroed(unsigned order, enum frame_owner owner)
{
	if (!alloc_allowed(order, owner))
		return 0;
	bool zeroed = false;	/* a frame freed holding only zeros (an emptied page table) needs no fill */
	uint64_t phys = alloc_block(order, owner, &zeroed);
	if (phys && !zeroed)
		fill_qwords(direct_map + phys, 0, (PAGE_SIZE / 8) << order);
	return phys;
}

/* The entry of the allocated block (phys, order) a caller frees, after frame_free's checks (panics). */
static inline __attribute__((always_inline)) struct frame *frame_free_check(uint64_t phys, unsigned order)
{
	uint64_t fn = phys >> PAGE_SHIFT;
	if (order > FRAME_MAX_ORDER || (phys & ((PAGE_SIZE << order) - 1)) != 0 || fn >= nframes) {
		frame_panic("frame_free: bad block phys %lx order %u", (unsigned long)phys, order);
		return 0;
	}
	struct frame *f = &db[fn];
	if (f->owner == FRAME_FREE || f->owner == FRAME_ABSENT) {
		frame_panic("frame_free: phys %lx is not allocated (double free?)", (unsigned long)phys);
		return 0;
	}
	if (f->order != order) {
		frame_panic("frame_free: phys %lx freed with order %u, allocated with order %u", (unsigned long)phys,
			    order, f->order);
		return 0;
	}
	if (f->refcount > 1) {
		frame_panic("frame_free: phys %lx still has %u references", (unsigned long)phys, f->refcount);
		return 0;
	}
	if (f->swap_slot) {
		frame_panic("frame_free: phys %lx still caches pagefile slot %u", (unsigned long)phys, f->swap_slot - 1);
		return 0;
	}
	return f;
}

/* frame_free's work once frame_free_check passed f. */
static inline __attribute__((always_inline)) void free_block_checked(struct frame *f, uint64_t phys, unsigned order)
{
	if (order == 0 && frame_cache_free(f, (uint32_t)(phys >> PAGE_SHIFT)))
		return;
	frame_lock_take();
	owner_frames[f->owner] -= 1ULL << order;
	used_frames -= 1ULL << order;
	f->refcount = 0;
	f->owner = FRAME_FREE;
	free_block(phys >> PAGE_SHIFT, order, false);
	frame_lock_drop();
}

void frame_free(uint64_t phys, unsigned order)
{
	struct frame *f = frame_free_check(phys, order);
	if (f)
		free_block_checked(f, phys, order);
}

void frame_free_zeroed(uint64_t phys)
{
	struct frame *f = frame_free_check(phys, 0);
	if (f && !frame_cache_free_zeroed(f, (uint32_t)(phys >> PAGE_SHIFT)))
		free_block_checked(f, phys, 0);
}

/* The allocated order-0 frame at phys, or a panic naming the caller's mistake. */
static struct frame *single_frame(uint64_t phys, const char *who)
{
	uint64_t fn = phys >> PAGE_SHIFT;
	struct frame *f = fn < nframes && !(phys & (PAGE_SIZE - 1)) ? &db[fn] : 0;
	if (!f || f->owner == FRAME_FREE || f->owner == FRAME_ABSENT || f->order != 0 ||
	    __atomic_load_n(&f->refcount, __ATOMIC_RELAXED) == 0) {
		frame_panic("%s: phys %lx is not an allocated single frame", who, (unsigned long)phys);
		return 0;
	}
	return f;
}

bool frame_ref_checked(uint64_t phys)
{
	frame_lock_take();
	struct frame *f = single_frame(phys, "frame_ref");
	uint16_t r = f ? __atomic_load_n(&f->refcount, __ATOMIC_RELAXED) : FRAME_REF_MAX;
	while (r != FRAME_REF_MAX && !__atomic_compare_exchange_n(&f->refcount, &r, r + 1, false, __ATOMIC_RELAXED,
								  __ATOMIC_RELAXED))
		;
	frame_lock_drop();
	return r != FRAME_REF_MAX;
}

bool frame_unref(uint64_t phys)
{
	struct frame *f = single_frame(phys, "frame_unref");
	if (!f)
		return false;
	/* Drop a reference that is not the last in one step; the last one's holder frees (no lock). */
	uint16_t r = __atomic_load_n(&f->refcount, __ATOMIC_ACQUIRE);	/* acquire: the others' writes before the free */
	while (r > 1)
		if (__atomic_compare_exchange_n(&f->refcount, &r, r - 1, false, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
			return false;
	frame_free(phys, 0);
	return true;
}


void frame_stats(struct frame_stats *out)
{
	int64_t owner[FRAME_OWNER_COUNT], used = 0;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		owner[i] = (int64_t)__atomic_load_n(&owner_frames[i], __ATOMIC_RELAXED);
	frame_cache_counts(owner);
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		used += owner[i];	/* used is the owners' sum by construction, whatever runs meanwhile */
	out->total = total_frames;
	out->used = (uint64_t)used;
	out->free = total_frames - (uint64_t)used;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		out->by_owner[i] = (uint64_t)owner[i];
}

uint64_t frame_free_count(void)
{
	return total_frames - __atomic_load_n(&used_frames, __ATOMIC_RELAXED) - (uint64_t)frame_cache_used();
}

uint64_t frame_owner_count(enum frame_owner owner)
{
	if (owner >= FRAME_OWNER_COUNT)
		return 0;
	struct frame_stats st;
	frame_stats(&st);
	return st.by_owner[owner];
}

uint64_t frame_free_blocks(unsigned order)
{
	frame_caches_drain();
	frame_lock_take();
	uint64_t n = order <= FRAME_MAX_ORDER ? free_count[order] : 0;
	frame_lock_drop();
	return n;
}

void page_zero(void *va)
{
	fill_qwords(va, 0, PAGE_SIZE / 8);
}

void page_zero_half(void *va)
{
	fill_qwords(va, 0, PAGE_SIZE / 16);
}

void page_copy(void *dst, const void *src)
{
	uint64_t n = PAGE_SIZE / 8;
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

uint64_t frame_for_each_run(frame_run_fn fn, void *ctx)
{
	uint64_t runs = 0, start = 0, i = 0;
	uint8_t owner = nframes ? db[0].owner : FRAME_ABSENT;
	while (i < nframes) {
		/* A block's head carries the owner and the order; its tail frames follow. */
		uint8_t o = db[i].owner;
		uint64_t len = db[i].order > FRAME_MAX_ORDER ? 1 : 1ULL << db[i].order;	/* tail or cached: one */
		if (o != owner) {
			fn(ctx, start, i - start, (enum frame_owner)owner);
			runs++;
			start = i;
			owner = o;
		}
		i += len;
	}
	if (nframes) {
		fn(ctx, start, nframes - start, (enum frame_owner)owner);
		runs++;
	}
	return runs;
}
