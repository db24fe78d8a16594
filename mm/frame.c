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
 * MM_DEBUG: freed blocks are filled with FRAME_POISON and the poison is
 * checked when they are handed out again (a write-after-free detector), for
 * the frames below frame_poison_below (a block never straddles it when it
 * is a multiple of the largest block).
 */
#include "mm/frame.h"
#include "mm/allocfail.h"

#ifdef HOST_TEST
#include <stdio.h>
#include <stdlib.h>
void (*frame_panic_hook)(const char *msg);
#define frame_panic(...)                                                 \
	do {                                                             \
		char fp_msg_[160];                                       \
		snprintf(fp_msg_, sizeof(fp_msg_), __VA_ARGS__);         \
		if (!frame_panic_hook)                                   \
			abort();                                         \
		frame_panic_hook(fp_msg_);                               \
	} while (0)
#define frame_lock_take()   ((void)0)
#define frame_lock_drop()   ((void)0)
#define frame_lock_assert() ((void)0)
#else
#include "kernel/lock.h"
#include "kernel/panic.h"
#define frame_panic(...) panic(__VA_ARGS__)
/*
 * frame_lock (spin, innermost: no lock is taken under it): the free
 * lists, every free frame's entry, the owner and order of allocated blocks,
 * the counters.  An allocated frame's refcount changes atomically without it
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
static uint64_t total_frames, free_frames;
static uint64_t owner_frames[FRAME_OWNER_COUNT];

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
 * checked the block and updated the counters.
 */
static void free_block(uint64_t fn, unsigned order)
{
	frame_lock_assert();
	if (MM_DEBUG && fn < frame_poison_below)
		fill_qwords(frame_va(fn), FRAME_POISON, (PAGE_SIZE / 8) << order);
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = fn ^ (1ULL << order);
		if (buddy >= nframes || db[buddy].owner != FRAME_FREE || db[buddy].order != order)
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
	total_frames = free_frames = 0;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		owner_frames[i] = 0;
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
			free_block(fn, k);
			total_frames += 1ULL << k;
			free_frames += 1ULL << k;
			fn += 1ULL << k;
		}
	}
	frame_lock_drop();
}

/* MM_DEBUG: check that the block still holds the poison written when it was freed. */
static void check_poison(uint64_t fn, unsigned order)
{
	const uint64_t *p = frame_va(fn);
	uint64_t n = (PAGE_SIZE / 8) << order;
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != FRAME_POISON)
			frame_panic("frame poison damaged at phys %lx", (unsigned long)((fn << PAGE_SHIFT) + i * 8));
}

uint64_t frame_alloc(unsigned order, enum frame_owner owner)
{
	if (order > FRAME_MAX_ORDER || owner <= FRAME_FREE || owner >= FRAME_OWNER_COUNT || allocfail_hit())
		return 0;
	frame_lock_take();
	unsigned k = order;
	while (k <= FRAME_MAX_ORDER && free_head[k] == FRAME_NONE)
		k++;
	if (k > FRAME_MAX_ORDER) {
		frame_lock_drop();
		return 0;
	}
	uint64_t fn = free_head[k];
	if (MM_DEBUG && fn < frame_poison_below)
		check_poison(fn, order);	/* before any change: a host hook may longjmp */
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
	free_frames -= 1ULL << order;
	owner_frames[owner] += 1ULL << order;
	frame_lock_drop();
	return fn << PAGE_SHIFT;
}

uint64_t frame_alloc_zeroed(unsigned order, enum frame_owner owner)
{
	uint64_t phys = frame_alloc(order, owner);
	if (phys)
		fill_qwords(direct_map + phys, 0, (PAGE_SIZE / 8) << order);
	return phys;
}

/* frame_free's work; caller holds frame_lock. */
static void frame_free_locked(uint64_t phys, unsigned order)
{
	frame_lock_assert();
	uint64_t fn = phys >> PAGE_SHIFT;
	if (order > FRAME_MAX_ORDER || (phys & ((PAGE_SIZE << order) - 1)) != 0 || fn >= nframes) {
		frame_panic("frame_free: bad block phys %lx order %u", (unsigned long)phys, order);
		return;
	}
	struct frame *f = &db[fn];
	if (f->owner == FRAME_FREE || f->owner == FRAME_ABSENT) {
		frame_panic("frame_free: phys %lx is not allocated (double free?)", (unsigned long)phys);
		return;
	}
	if (f->order != order) {
		frame_panic("frame_free: phys %lx freed with order %u, allocated with order %u", (unsigned long)phys,
			    order, f->order);
		return;
	}
	if (f->refcount > 1) {
		frame_panic("frame_free: phys %lx still has %u references", (unsigned long)phys, f->refcount);
		return;
	}
	if (f->swap_slot) {
		frame_panic("frame_free: phys %lx still caches pagefile slot %u", (unsigned long)phys, f->swap_slot - 1);
		return;
	}
	owner_frames[f->owner] -= 1ULL << order;
	free_frames += 1ULL << order;
	f->refcount = 0;
	f->owner = FRAME_FREE;
	free_block(fn, order);
}

void frame_free(uint64_t phys, unsigned order)
{
	frame_lock_take();
	frame_free_locked(phys, order);
	frame_lock_drop();
}

/* The allocated order-0 frame at phys, or a panic naming the caller's mistake. */
static struct frame *single_frame(uint64_t phys, const char *who)
{
	uint64_t fn = phys >> PAGE_SHIFT;
	struct frame *f = fn < nframes && !(phys & (PAGE_SIZE - 1)) ? &db[fn] : 0;
	if (!f || f->owner == FRAME_FREE || f->owner == FRAME_ABSENT || f->order != 0 || f->refcount == 0) {
		frame_panic("%s: phys %lx is not an allocated single frame", who, (unsigned long)phys);
		return 0;
	}
	return f;
}

bool frame_ref_checked(uint64_t phys)
{
	frame_lock_take();
	struct frame *f = single_frame(phys, "frame_ref");
	bool ok = f && f->refcount != FRAME_REF_MAX;
	if (ok)
		__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	frame_lock_drop();
	return ok;
}

bool frame_unref(uint64_t phys)
{
	frame_lock_take();
	struct frame *f = single_frame(phys, "frame_unref");
	bool freed = false;
	if (f && __atomic_load_n(&f->refcount, __ATOMIC_RELAXED) > 1) {
		__atomic_sub_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	} else if (f) {
		frame_free_locked(phys, 0);
		freed = true;
	}
	frame_lock_drop();
	return freed;
}


void frame_stats(struct frame_stats *out)
{
	out->total = total_frames;
	out->free = free_frames;
	out->used = total_frames - free_frames;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		out->by_owner[i] = owner_frames[i];
}

uint64_t frame_free_count(void)
{
	return free_frames;
}

uint64_t frame_owner_count(enum frame_owner owner)
{
	return owner < FRAME_OWNER_COUNT ? owner_frames[owner] : 0;
}

uint64_t frame_free_blocks(unsigned order)
{
	return order <= FRAME_MAX_ORDER ? free_count[order] : 0;
}

void page_zero(void *va)
{
	fill_qwords(va, 0, PAGE_SIZE / 8);
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
		uint64_t len = db[i].order == FRAME_ORDER_TAIL ? 1 : 1ULL << db[i].order;
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
