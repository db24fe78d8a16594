/* mm/kheap.c - size-class slabs of one page each, whole blocks for large requests, one set per pool quota. */
#include "kheap.h"
#include "allocfail.h"
#include "frame.h"
#include "phys.h"
#include "kernel/lock.h"
#include "kernel/panic.h"

#include <stdint.h>
#include <string.h>

#define SLAB_MAGIC  0x51ab51ab
#define MIN_SHIFT   4	/* 16 bytes */
#define MAX_SHIFT   11	/* 2048 bytes */
#define NCLASSES    (MAX_SHIFT - MIN_SHIFT + 1)
_Static_assert(NCLASSES == KHEAP_NCLASSES, "kheap.h's class count");

/* Header at the start of every slab page; objects follow at class-size alignment. */
struct slab {
	uint32_t magic;
	uint16_t shift;		/* object size = 1 << shift */
	uint16_t inuse;
	uint16_t fresh;		/* objects [fresh, objects_per_slab) were never handed out: not on the free list */
	void *free;		/* singly linked objects freed since (made lazily: a new slab links nothing) */
	struct slab *next, *prev;	/* partial-slab list of the class */
	struct pool_quota *quota;	/* whose slab this is; NULL: the system's */
};

/*
 * heap_lock (spin, taken before the frame lock): the partial-slab lists, every
 * slab header and free list, large blocks' quota fields, the quotas' page
 * counts and the live count.  Never held across anything else but frame
 * allocation (docs/locking.md).  ctx and refusal (kheap_ctx, kheap_refusal) are the running thread's
 * (the scheduler saves kheap_ctx per thread).
 */
static struct spinlock heap_lock = SPINLOCK_INIT("kheap");
static struct slab *system_partial[NCLASSES];
static size_t live;
struct kheap_context kheap_ctx;	/* who pays for the next kmalloc */
ntstatus_t kheap_refusal;
static uint64_t per_quota_limit = UINT64_MAX, system_limit = UINT64_MAX, system_used;

static struct slab **partial_list(struct pool_quota *q, unsigned shift)
{
	return q ? &q->partial[shift - MIN_SHIFT] : &system_partial[shift - MIN_SHIFT];
}

/*
 * Per class: where a slab's first object starts (past the header, at the
 * class's alignment) and how many objects it holds.  Looked up, not worked
 * out, on every kmalloc and kfree.
 */
#define FIRST_OFFSET(shift) ((sizeof(struct slab) + (1u << (shift)) - 1) & ~((1u << (shift)) - 1))
#define PER_SLAB(shift)     ((PAGE_SIZE - FIRST_OFFSET(shift)) >> (shift))
#define CLASS_TABLE(f)      { f(4), f(5), f(6), f(7), f(8), f(9), f(10), f(11) }
static const uint16_t first_offset[NCLASSES] = CLASS_TABLE(FIRST_OFFSET);
static const uint16_t per_slab[NCLASSES] = CLASS_TABLE(PER_SLAB);
_Static_assert(MIN_SHIFT == 4 && MAX_SHIFT == 11, "CLASS_TABLE lists the classes");

static unsigned first_object_offset(unsigned shift)
{
	return first_offset[shift - MIN_SHIFT];
}

static unsigned objects_per_slab(unsigned shift)
{
	return per_slab[shift - MIN_SHIFT];
}

static void list_remove(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*partial_list(s->quota, s->shift) = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void list_push(struct slab *s)
{
	struct slab **head = partial_list(s->quota, s->shift);
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

/* Charge n frames to q under the current level; false (nothing charged, kheap_refusal set) when refused. */
static bool charge(struct pool_quota *q, uint64_t n)
{
	if (!q)
		return true;
	if (kheap_ctx.level == POOL_CHECKED) {
		if (n > q->limit - q->pages || q->pages > q->limit) {
			kheap_refusal = STATUS_QUOTA_EXCEEDED;
			return false;
		}
		if (n > system_limit - system_used || system_used > system_limit) {
			kheap_refusal = STATUS_INSUFFICIENT_RESOURCES;
			return false;
		}
	}
	q->pages += n;
	system_used += n;
	if (q->pages > q->peak)
		q->peak = q->pages;
	return true;
}

static void kfree_locked(void *p);

/* Give back n frames charged to q; a released quota goes with its last frame.  Caller holds heap_lock. */
static void uncharge(struct pool_quota *q, uint64_t n)
{
	if (!q)
		return;
	ASSERT(n <= q->pages && n <= system_used);
	q->pages -= n;
	system_used -= n;
	if (q->released && q->pages == 0)
		kfree_locked(q);
}

static struct slab *slab_new(struct pool_quota *q, unsigned shift)
{
	if (!charge(q, 1))
		return NULL;
	uint64_t f = frame_alloc(0, FRAME_HEAP);
	if (!f) {
		uncharge(q, 1);
		return NULL;
	}
	struct slab *s = phys_to_virt(f);
	s->magic = SLAB_MAGIC;
	s->shift = shift;
	s->inuse = 0;
	s->fresh = 0;	/* objects are taken from the front as needed: linking 255 of them would cost ~1,000 cycles */
	s->free = NULL;
	s->quota = q;
	list_push(s);
	return s;
}

/* The quota a heap block's head frame records (split in halves: the frame database keeps 4-byte alignment). */
static void block_set_quota(struct frame *f, struct pool_quota *q)
{
	uint64_t a = (uint64_t)q;
	f->heap_quota[0] = (uint32_t)a;
	f->heap_quota[1] = (uint32_t)(a >> 32);
}

static struct pool_quota *block_quota(const struct frame *f)
{
	return (struct pool_quota *)((uint64_t)f->heap_quota[1] << 32 | f->heap_quota[0]);
}

/* A whole block of 2^order frames charged to q. */
static void *block_new(struct pool_quota *q, unsigned order)
{
	if (!charge(q, 1ULL << order))
		return NULL;
	uint64_t f = frame_alloc_zeroed(order, FRAME_HEAP);
	if (!f) {
		uncharge(q, 1ULL << order);
		return NULL;
	}
	block_set_quota(frame_get(f), q);
	return phys_to_virt(f);
}

/*
 * The slab class of a size of at most 1 << MAX_SHIFT bytes: the object size
 * is 1 << the result, the bit length of size - 1 (a loop over the classes
 * cost 7 instructions a class: 35 for a 312-byte VAD).
 */
static unsigned class_shift(size_t size)
{
	return size <= (1u << MIN_SHIFT) ? MIN_SHIFT : 64 - (unsigned)__builtin_clzll(size - 1);
}

/*
 * What kmalloc_uninit and kmalloc_batch_uninit hand out: debug builds fill it
 * with a pattern, so that a field the caller forgot to write shows up as
 * garbage in tests rather than as a lucky zero left by the last user.
 */
#define UNINIT_POISON 0xa5

/*
 * The next free object of partial slab s (class shift): one freed since, else
 * the next never handed out (a partial slab has one or the other).  kmalloc's
 * own path keeps its bookkeeping inline: through slab_take it cost about 50
 * cycles more per call (bench1: region_mmap_fixed_K16 1,855 -> 1,907).
 */
static inline void **slab_pop(struct slab *s, unsigned shift)
{
	void **obj = s->free;
	if (obj)
		s->free = *obj;
	else
		obj = (void **)((char *)s + first_object_offset(shift) + ((size_t)s->fresh++ << shift));
	return obj;
}

/* Take up to n (>= 1) objects of class shift from partial slab s of q to out (not zeroed); returns how many. */
static size_t slab_take(struct pool_quota *q, struct slab *s, unsigned shift, void **out, size_t n, size_t size)
{
	if (q && q->empty[shift - MIN_SHIFT] == s)
		q->empty[shift - MIN_SHIFT] = NULL;	/* the kept slab is in use again */
	unsigned per = objects_per_slab(shift);
	size_t i = 0;
	for (; i < n && s->inuse < per; i++, s->inuse++) {
		void **obj = slab_pop(s, shift);
		if (MM_DEBUG)
			memset(obj, UNINIT_POISON, size);
		out[i] = obj;
	}
	if (s->inuse == per)
		list_remove(s);	/* full slabs leave the partial list */
	live += i;
	return i;
}

/* A whole block (zeroed) for a size above the largest class, charged to q; caller holds heap_lock. */
static __attribute__((noinline)) void *large_alloc(size_t size, struct pool_quota *q)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < size && order <= FRAME_MAX_ORDER)
		order++;
	if (order > FRAME_MAX_ORDER)
		return NULL;
	void *p = block_new(q, order);
	if (p)
		live++;
	return p;
}

/* kmalloc's object for the current context's quota q, not zeroed; caller holds heap_lock. */
static inline void *kmalloc_locked(size_t size, struct pool_quota *q)
{
	lock_assert_held(&heap_lock);
	if (size > (1u << MAX_SHIFT))
		return large_alloc(size, q);
	unsigned shift = class_shift(size);
	struct slab *s = *partial_list(q, shift);
	if (!s && !(s = slab_new(q, shift)))
		return NULL;
	if (q && q->empty[shift - MIN_SHIFT] == s)
		q->empty[shift - MIN_SHIFT] = NULL;	/* the kept slab is in use again */
	void **obj = slab_pop(s, shift);
	if (++s->inuse == objects_per_slab(shift))
		list_remove(s);	/* full slabs leave the partial list */
	live++;
	return obj;
}

/*
 * The first size bytes are zeroed when zero (the rest of the object's class
 * is never read: zeroing it cost a VAD 25 stores more, a thread 50), after
 * the lock is let go: the object is already the caller's.  Inlined in both
 * callers: through a call to kmalloc_locked every kmalloc cost about 30
 * instructions more (its frame, the lock's flags kept across it).
 */
static inline __attribute__((always_inline)) void *kmalloc_common(size_t size, bool zero)
{
	if (allocfail_hit())
		return NULL;	/* injected (tests/kernel/test_allocfail.c) */
	spin_lock(&heap_lock);
	void *p = kmalloc_locked(size, kheap_ctx.quota);
	spin_unlock(&heap_lock);
	if (p && size <= (1u << MAX_SHIFT) && (zero || MM_DEBUG))	/* a large block is zeroed already */
		memset(p, zero ? 0 : UNINIT_POISON, size);
	return p;
}

void *kmalloc(size_t size)
{
	return kmalloc_common(size, true);
}

void *kmalloc_uninit(size_t size)
{
	return kmalloc_common(size, false);
}

size_t kmalloc_batch_uninit(size_t size, void **out, size_t n)
{
	size_t want = 0;
	while (want < n && !allocfail_hit())	/* each object counts as one allocation for the injected failures */
		want++;
	size_t made = 0;
	struct pool_quota *q = kheap_ctx.quota;
	spin_lock(&heap_lock);
	if (size > (1u << MAX_SHIFT)) {
		while (made < want && (out[made] = large_alloc(size, q)))
			made++;
	} else {
		unsigned shift = class_shift(size);
		while (made < want) {	/* a slab at a time: the class and its slab looked up once for its objects */
			struct slab *s = *partial_list(q, shift);
			if (!s && !(s = slab_new(q, shift)))
				break;
			made += slab_take(q, s, shift, out + made, want - made, size);
		}
	}
	spin_unlock(&heap_lock);
	return made;
}

/* kfree's work; caller holds heap_lock. */
static void kfree_locked(void *p)
{
	lock_assert_held(&heap_lock);
	uint64_t addr = (uint64_t)p;
	if ((addr & (PAGE_SIZE - 1)) == 0) {
		struct frame *f = frame_get(virt_to_phys(p));
		if (f->owner != FRAME_HEAP)
			panic("kfree: %p is not a heap block", p);
		struct pool_quota *q = block_quota(f);
		unsigned order = f->order;
		block_set_quota(f, NULL);	/* swap_slot shares the field: frame_free wants it 0 */
		frame_free(virt_to_phys(p), order);
		live--;
		uncharge(q, 1ULL << order);
		return;
	}
	struct slab *s = (struct slab *)(addr & ~(PAGE_SIZE - 1));
	if (s->magic != SLAB_MAGIC || ((addr - (uint64_t)s - first_object_offset(s->shift)) & ((1u << s->shift) - 1)))
		panic("kfree: %p was not returned by kmalloc", p);
	if (s->inuse == objects_per_slab(s->shift))
		list_push(s);	/* it was full: back on the partial list */
	void **obj = p;
	*obj = s->free;
	s->free = obj;
	s->inuse--;
	live--;
	if (s->inuse == 0) {
		struct pool_quota *q = s->quota;
		/*
		 * A quota keeps one emptied slab of each of its three largest classes
		 * (512 B-2 KiB: a thread's 1,648-byte object is one a slab, a region
		 * record 312 bytes) while its owner lives: an object made and freed
		 * again and again would take and free a page each time.  Its page
		 * stays charged to the quota (utest_free_frames counts the quota's
		 * pages as free); pool_quota_release frees it.  Not the small
		 * classes: limits_pool expects its pool back within one page.
		 */
		if (q && s->shift >= MAX_SHIFT - 2 && !q->released && !q->empty[s->shift - MIN_SHIFT]) {
			q->empty[s->shift - MIN_SHIFT] = s;
			return;
		}
		list_remove(s);
		s->magic = 0;
		frame_free(virt_to_phys(s), 0);
		uncharge(q, 1);
	}
}

void kfree(void *p)
{
	if (!p)
		return;
	spin_lock(&heap_lock);
	kfree_locked(p);
	spin_unlock(&heap_lock);
}

size_t kheap_live(void)
{
	return live;
}

/* The default limits, from the RAM the frame allocator manages: an eighth per quota, half for all. */
static void limits_init(void)
{
	struct frame_stats fs;
	frame_stats(&fs);
	pool_set_limits(fs.total / 8, fs.total / 2);
}

struct pool_quota *pool_quota_new(void)
{
	if (per_quota_limit == UINT64_MAX)
		limits_init();
	struct kheap_context old = kheap_context_set(NULL, POOL_FORCE);	/* the quota itself is the system's */
	struct pool_quota *q = kmalloc(sizeof(*q));
	kheap_context_restore(old);
	if (q)
		q->limit = per_quota_limit;
	return q;
}

void pool_quota_release(struct pool_quota *q)
{
	if (!q)
		return;
	spin_lock(&heap_lock);
	for (int i = 0; i < KHEAP_NCLASSES; i++) {
		struct slab *s = q->empty[i];
		if (!s)
			continue;
		q->empty[i] = NULL;
		list_remove(s);
		s->magic = 0;
		frame_free(virt_to_phys(s), 0);
		uncharge(q, 1);
	}
	if (q->pages == 0)
		kfree_locked(q);
	else
		q->released = true;
	spin_unlock(&heap_lock);
}

void pool_set_limits(uint64_t per_quota, uint64_t system)
{
	per_quota_limit = per_quota;
	system_limit = system;
}

void pool_get_limits(uint64_t *per_quota, uint64_t *system, uint64_t *used)
{
	*per_quota = per_quota_limit;
	*system = system_limit;
	*used = system_used;
}
