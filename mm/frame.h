/*
 * mm/frame.h - physical frames: the frame database and the buddy allocator.
 *
 * Every 4 KiB frame of RAM has a 12-byte struct frame.  Free frames sit in
 * per-order free lists (order k = 2^k contiguous frames, naturally aligned).
 * The frame database is also where copy-on-write keeps reference counts.
 * Single frames come from and go to a per-CPU cache in front of the buddy
 * (mm/frame_cache.c), with interrupts off and no lock; the cache refills
 * and drains in batches under frame_lock.
 * Lock: frame_lock (mm/frame.c, a spinlock) inside the buddy; a refcount
 * changes atomically (docs/locking.md).
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE       4096ULL
#define PAGE_SHIFT      12
#define FRAME_MAX_ORDER 10	/* orders 0..10: 4 KiB .. 4 MiB blocks */
#define FRAME_NONE      0xffffffffu

/* Debug aids always compile; MM_DEBUG=0 (make MM_DEBUG=0) turns the checks off for benchmarks. */
#ifndef MM_DEBUG
#define MM_DEBUG 1
#endif
#define FRAME_POISON 0x5a5a5a5a5a5a5a5aULL

enum frame_owner {
	FRAME_ABSENT = 0,	/* not RAM, or excluded (first MiB, kernel image, modules, boot info) */
	FRAME_FREE,		/* in a free list (only the head frame of a block has order set) */
	FRAME_KERNEL,		/* kernel data, allocated with frame_alloc(.., FRAME_KERNEL) */
	FRAME_PAGETABLE,	/* a page-table page */
	FRAME_HEAP,		/* kernel heap (mm/kheap.c) */
	FRAME_USER,		/* private user memory */
	FRAME_SECTION,		/* section (shared) memory */
	FRAME_AWE,		/* AWE physical pages of a process (AllocateUserPhysicalPages, mm/awe.c) */
	FRAME_OWNER_COUNT
};

struct frame {
	union {
		struct {
			uint32_t next, prev;	/* free frames: free-list links (frame numbers), FRAME_NONE at the ends */
		};
		struct {
			uint32_t swap_slot;	/* allocated user frames: pagefile slot + 1 holding a copy, 0 if none
						   (mm/swap.c) */
			uint32_t unused;
		};
		struct {
			uint32_t heap_quota[2];	/* a kernel heap block (FRAME_HEAP): the address of the pool quota it is
						   charged to, in two halves (mm/kheap.c; 0 for none) */
		};
	};
	uint16_t refcount;	/* users of an allocated frame; 0 while free */
	union {
		struct {
			uint8_t order;	/* block order, valid on the head frame of a block */
			uint8_t owner;	/* enum frame_owner */
		};
		uint16_t state;	/* both at once: a per-CPU cache changes them in one store (mm/frame_cache.c) */
	};
};
_Static_assert(sizeof(struct frame) <= 16, "frame database entry must stay within 16 bytes");

struct phys_range {
	uint64_t base, end;	/* physical, end exclusive */
};

struct frame_stats {
	uint64_t total;		/* frames managed (free + allocated) */
	uint64_t free;
	uint64_t used;		/* total - free */
	uint64_t by_owner[FRAME_OWNER_COUNT];	/* allocated frames per owner */
};

/*
 * Core initialisation (host-testable): db describes frames 0..nframes-1;
 * frames inside the sorted, disjoint, page-aligned ranges free[0..n) become free,
 * all others FRAME_ABSENT.  frame memory is reached at direct_map + phys
 * (used for poisoning).
 */
void frame_init_core(struct frame *db, uint64_t nframes, const struct phys_range *free, int n, uint8_t *direct_map);

/*
 * Hand more RAM to a running allocator: the frames of the sorted, disjoint,
 * page-aligned ranges free[0..n) (clipped to the database) become free.
 * They must be FRAME_ABSENT (panics otherwise: a frame managed twice).
 */
void frame_add_ranges(const struct phys_range *free, int n);

/*
 * MM_DEBUG poisons freed blocks and checks the poison on allocation only
 * for frame numbers below this (default: all).  It is a multiple of
 * 2^FRAME_MAX_ORDER, and set before frame_init_core.  mm/frame_boot.c keeps
 * big machines from writing all of their RAM at boot.
 */
extern uint64_t frame_poison_below;

/*
 * Allocate 2^order contiguous, naturally aligned frames for owner.  Returns
 * the physical address, or 0 when no block is free.  The head frame's
 * refcount is 1.  Contents are undefined (use frame_alloc_zeroed).
 */
uint64_t frame_alloc(unsigned order, enum frame_owner owner);
uint64_t frame_alloc_zeroed(unsigned order, enum frame_owner owner);

/* Free a block from frame_alloc; panics on a double free, a wrong order or a frame still shared (refcount > 1). */
void frame_free(uint64_t phys, unsigned order);
/*
 * Free a single frame that holds only zeros - a page table whose entries
 * were all cleared before it went (mm/paging.c).  The CPU keeps it apart,
 * and frame_alloc_zeroed hands it out again without filling it: page
 * tables are emptied entry by entry anyway, so what a fork or a fault
 * allocates next costs no 4 KiB fill.  MM_DEBUG checks every byte (a
 * caller that lies would hand out a stale page table).
 */
void frame_free_zeroed(uint64_t phys);

/*
 * Reference counts of single (order-0) frames, for frames mapped by more than
 * one page table (copy-on-write after fork).  frame_ref adds a reference;
 * it returns false, changing nothing, when the count is at FRAME_REF_MAX
 * (the caller copies the page instead of sharing it).  frame_unref drops one
 * and frees the frame with the last; it returns true when it freed.  Both
 * panic on a frame that is not an allocated order-0 frame.
 */
#define FRAME_REF_MAX 0xffffu
static inline bool frame_ref(uint64_t phys);	/* below, after frame_get */
bool frame_unref(uint64_t phys);
/* frame_ref's checks, out of line: panics on a frame that is not an allocated single one. */
bool frame_ref_checked(uint64_t phys);

/*
 * The database entry of a frame, or NULL if phys is beyond the database.
 * owner, order and refcount are meaningful on the head frame of a block; the
 * other frames of a block (free or allocated) keep order FRAME_ORDER_TAIL.
 */
extern struct frame *frame_db;	/* the database (mm/frame.c); read through frame_get */
extern uint64_t frame_db_count;
static inline struct frame *frame_get(uint64_t phys)
{
	uint64_t fn = phys >> PAGE_SHIFT;
	return fn < frame_db_count ? &frame_db[fn] : 0;
}
#define FRAME_ORDER_TAIL 0xff
/* A free frame held in a CPU's cache (owner FRAME_FREE): no buddy merges with it (mm/frame_cache.c). */
#define FRAME_ORDER_CACHED 0xfe

/* frame_ref for callers that already hold the frame's entry f = frame_get(phys). */
static inline bool frame_ref_entry(struct frame *f, uint64_t phys)
{
	/* An allocated single frame (only those have a count: free frames have 0) below the maximum;
	   the common case, inline: fork takes one per resident page.  Other CPUs may move the count. */
	if (f && f->order == 0) {
		uint16_t r = __atomic_load_n(&f->refcount, __ATOMIC_RELAXED);
		if ((uint16_t)(r - 1) < FRAME_REF_MAX - 1 &&
		    __atomic_compare_exchange_n(&f->refcount, &r, r + 1, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	}
	return frame_ref_checked(phys);
}

static inline bool frame_ref(uint64_t phys)
{
	return frame_ref_entry(frame_get(phys), phys);
}

/*
 * Copy the current frame counts into *out.  Frames in the per-CPU caches
 * count as free.  Exact whenever no other CPU is inside the allocator (the
 * caller holds the kernel lock, or one CPU runs); otherwise each CPU's
 * share is exact as of its last allocation or free, and used is always the
 * sum of by_owner.
 */
void frame_stats(struct frame_stats *out);

/*
 * Number of free blocks currently on the free list of order (0 for order >
 * FRAME_MAX_ORDER).  Empties the per-CPU caches first (frame_caches_drain),
 * so that the buddy's lists hold every free frame: for tests comparing the
 * lists' shape.
 */
uint64_t frame_free_blocks(unsigned order);

/*
 * Per-CPU caches of single frames (mm/frame_cache.c, docs/smp.md): give
 * their frames back to the buddy lists - every CPU's when no other CPU can
 * be inside the allocator (the caller holds the kernel lock), else this
 * CPU's, asking the others to drain at their next single-frame allocation or free.
 * Returns the number of frames given back.  frame_alloc calls it before it
 * fails.
 */
uint64_t frame_caches_drain(void);

/* Number of free frames (frame_stats' free, without the copy). */
uint64_t frame_free_count(void);
/* Number of allocated frames of owner. */
uint64_t frame_owner_count(enum frame_owner owner);

/*
 * Call fn(ctx, first_frame, count, owner) for every maximal run of frames
 * with the same owner, in ascending order, covering frames 0..N-1 of the
 * database (the frames of a block take its head's owner).  Returns the
 * number of runs.  The database must not change during the walk.
 */
typedef void (*frame_run_fn)(void *ctx, uint64_t first, uint64_t count, enum frame_owner owner);
uint64_t frame_for_each_run(frame_run_fn fn, void *ctx);

/*
 * Kernel glue (mm/frame_boot.c): build the free ranges from the Multiboot2
 * memory map (minus the first MiB, the kernel image, the modules and the
 * boot information at info_phys, bi->total_size bytes), place the frame
 * database in the first range below 4 GiB large enough, and initialise the
 * allocator with the RAM below 4 GiB.
 * Call once, before any frame_alloc.
 */
struct boot_info;
void frame_init(const struct boot_info *bi, uint64_t info_phys);

/*
 * Add [base, end) to the sorted, disjoint list r[0..*n) of at most max
 * entries, merging ranges that overlap or touch.  Returns 0, or -1 (nothing
 * changed) when the list is full; an empty range is ignored.
 */
int phys_ranges_add(struct phys_range *r, int *n, int max, uint64_t base, uint64_t end);

/*
 * Hand the RAM above 4 GiB (which frame_init leaves out: the boot page
 * tables do not reach it) to the allocator, and print the frame count and
 * the database's cost per frame.  Call once the direct map covers all RAM
 * (kpaging_init does); later calls do nothing.
 */
void frame_init_high(void);

#ifdef HOST_TEST
/* Host builds: called instead of panic() with the message; may longjmp out.  NULL: abort(). */
extern void (*frame_panic_hook)(const char *msg);
/* Host builds: the calling thread's CPU index for the per-CPU caches (< FRAME_CACHE_CPUS), or -1 for
   none (the buddy directly); NULL: no caches. */
extern int (*frame_cpu_hook)(void);
/* Host builds: true when no other thread can be inside the allocator (a drain may empty every cache);
   NULL: always true. */
extern bool (*frame_world_stopped_hook)(void);
#endif

/* Zero / copy one 4 KiB page through the direct map (rep stosq / rep movsq). */
void page_zero(void *va);
/* Zero the 2 KiB at va (half a page: the kernel half of a page-table root). */
void page_zero_half(void *va);
void page_copy(void *dst, const void *src);

#endif
