/*
 * mm/frame_boot.c - kernel glue for the frame allocator: turn the Multiboot2
 * memory map into free ranges (every available range, above 4 GiB included,
 * less anything the map also calls reserved), place the frame database,
 * initialise in two steps (below 4 GiB, then the rest: frame_init_high).
 */
#include "kernel/console.h"
#include "kernel/layout.h"
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "mm/frame.h"
#include "mm/phys.h"

extern char __kernel_end[];	/* kernel/kernel.ld: end of the image, higher-half address */

/*
 * The boot page tables (boot/boot.S) map the low 4 GiB at the direct-map
 * base; RAM above that is reachable only once kpaging_init has built the
 * whole direct map.  So the allocator starts with the RAM below the limit
 * (the frame database lives there too) and frame_init_high adds the rest.
 */
#define FRAME_BOOT_LIMIT (4ULL << 30)
/* MM_DEBUG poisons the frames below this by default (poison=MiB on the command line moves it). */
#define FRAME_POISON_DEFAULT (4ULL << 30)
#define MAX_RANGES (2 * BOOT_MAX_MMAP + BOOT_MAX_MODULES + 8)

static struct phys_range ranges[MAX_RANGES];
static int nranges;

/* Remove [base, end) from the sorted, disjoint range list (may split one range). */
static void exclude(uint64_t base, uint64_t end)
{
	base &= ~(PAGE_SIZE - 1);
	end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	for (int i = 0; i < nranges; i++) {
		struct phys_range *r = &ranges[i];
		if (end <= r->base || base >= r->end)
			continue;
		if (base > r->base && end < r->end) {
			/* Split in two: shift the tail up by one slot. */
			if (nranges == MAX_RANGES)
				panic("frame_init: too many memory ranges");
			for (int j = nranges; j > i + 1; j--)
				ranges[j] = ranges[j - 1];
			nranges++;
			ranges[i + 1] = (struct phys_range){ end, r->end };
			r->end = base;
			i++;
		} else if (base <= r->base && end >= r->end) {
			r->end = r->base;	/* emptied; dropped below */
		} else if (base <= r->base) {
			r->base = end;
		} else {
			r->end = base;
		}
	}
	int n = 0;
	for (int i = 0; i < nranges; i++)
		if (ranges[i].end > ranges[i].base)
			ranges[n++] = ranges[i];
	nranges = n;
}

int phys_ranges_add(struct phys_range *r, int *n, int max, uint64_t base, uint64_t end)
{
	if (end <= base)
		return 0;
	if (*n == max)
		return -1;
	int i = *n;
	while (i > 0 && r[i - 1].base > base) {
		r[i] = r[i - 1];
		i--;
	}
	r[i] = (struct phys_range){ base, end };
	(*n)++;
	int k = 0;
	for (int j = 0; j < *n; j++) {
		if (k > 0 && r[j].base <= r[k - 1].end) {
			if (r[j].end > r[k - 1].end)
				r[k - 1].end = r[j].end;
		} else {
			r[k++] = r[j];
		}
	}
	*n = k;
	return 0;
}

/* Add a usable range to ranges[] (overlapping map entries are merged). */
static void add_range(uint64_t base, uint64_t end)
{
	if (phys_ranges_add(ranges, &nranges, MAX_RANGES, base, end))
		panic("frame_init: too many memory ranges");
}

static struct phys_range high[MAX_RANGES];	/* ranges above FRAME_BOOT_LIMIT, for frame_init_high */
static int nhigh;
static uint64_t db_bytes, db_phys;

/* Split the range list at FRAME_BOOT_LIMIT: the part above moves to high[]. */
static void split_high(void)
{
	nhigh = 0;
	int n = 0;
	for (int i = 0; i < nranges; i++) {
		struct phys_range r = ranges[i];
		if (r.end > FRAME_BOOT_LIMIT) {
			high[nhigh++] = (struct phys_range){ r.base > FRAME_BOOT_LIMIT ? r.base : FRAME_BOOT_LIMIT, r.end };
			r.end = FRAME_BOOT_LIMIT;
		}
		if (r.end > r.base)
			ranges[n++] = r;
	}
	nranges = n;
}

/* The poison limit: poison=MiB on the command line, else FRAME_POISON_DEFAULT; rounded up to the largest block. */
static uint64_t poison_limit(const struct boot_info *bi)
{
	char arg[24];
	uint64_t bytes = FRAME_POISON_DEFAULT;
	if (cmdline_get(bi->cmdline, "poison", arg, sizeof(arg))) {
		uint64_t mib = 0;
		for (const char *p = arg; *p >= '0' && *p <= '9' && mib < (1ULL << 40); p++)
			mib = mib * 10 + (uint64_t)(*p - '0');
		bytes = mib << 20;
	}
	uint64_t block = PAGE_SIZE << FRAME_MAX_ORDER;
	return ((bytes + block - 1) & ~(block - 1)) >> PAGE_SHIFT;
}

void frame_init(const struct boot_info *bi, uint64_t info_phys)
{
	nranges = 0;
	for (int i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type != MB2_MEM_AVAILABLE || m->len == 0 || m->base + m->len < m->base)
			continue;	/* not RAM, or an entry that wraps */
		uint64_t base = (m->base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t end = (m->base + m->len) & ~(PAGE_SIZE - 1);
		if (end > PHYS_MAX)
			end = PHYS_MAX;
		add_range(base, end);
	}
	/* A range the map also calls something else (a firmware's overlapping entries) is not ours. */
	for (int i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type != MB2_MEM_AVAILABLE && m->len && m->base < PHYS_MAX)
			exclude(m->base, m->len > PHYS_MAX - m->base ? PHYS_MAX : m->base + m->len);
	}
	exclude(0, 0x100000);
	exclude(0x100000, (uint64_t)__kernel_end - KERNEL_VMA);
	for (int i = 0; i < bi->module_count; i++)
		exclude(bi->modules[i].start, bi->modules[i].end);
	exclude(info_phys, info_phys + bi->total_size);
	if (nranges == 0)
		panic("frame_init: no usable memory");

	/* The database describes every frame up to the top of RAM, holes included. */
	uint64_t top = ranges[nranges - 1].end;
	uint64_t nframes = top >> PAGE_SHIFT;
	db_bytes = (nframes * sizeof(struct frame) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	split_high();
	db_phys = 0;
	for (int i = 0; i < nranges; i++) {
		if (ranges[i].end - ranges[i].base >= db_bytes) {
			db_phys = ranges[i].base;
			break;
		}
	}
	if (!db_phys)
		panic("frame_init: no room below 4 GiB for the frame database (%lu KiB)", db_bytes >> 10);
	exclude(db_phys, db_phys + db_bytes);

	frame_poison_below = poison_limit(bi);
	frame_init_core(phys_to_virt(db_phys), nframes, ranges, nranges, (uint8_t *)DIRECT_MAP_BASE);
	if (nhigh == 0)
		frame_init_high();
}

void frame_init_high(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	frame_add_ranges(high, nhigh);

	struct frame_stats st;
	frame_stats(&st);
	uint64_t above = 0;
	for (int i = 0; i < nhigh; i++)
		above += (high[i].end - high[i].base) >> PAGE_SHIFT;
	/* Metadata cost in hundredths of a percent of the managed RAM. */
	uint64_t bp = st.total ? db_bytes * 10000 / (st.total * PAGE_SIZE) : 0;
	uint64_t poisoned = frame_poison_below < frame_db_count ? frame_poison_below : frame_db_count;
	kprintf("frames: %lu frames (%lu MiB, %lu MiB above 4 GiB) in %d ranges; frame database %lu entries x %lu bytes "
		"= %lu KiB at %lx (%lu.%02lu%% of RAM); %lu free\n",
		st.total, st.total >> 8, above >> 8, nranges + nhigh, frame_db_count,
		(uint64_t)sizeof(struct frame), db_bytes >> 10, db_phys, bp / 100, bp % 100, st.free);
	if (MM_DEBUG)
		kprintf("frames: MM_DEBUG poisons freed frames below %lu MiB\n", poisoned >> 8);
}
