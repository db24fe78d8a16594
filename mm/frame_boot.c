/*
 * mm/frame_boot.c - kernel glue for the frame allocator: turn the Multiboot2
 * memory map into free ranges, place the frame database, initialise.
 */
#include "kernel/console.h"
#include "kernel/layout.h"
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "mm/frame.h"
#include "mm/phys.h"

extern char __kernel_end[];	/* kernel/kernel.ld: end of the image, higher-half address */

/*
 * Only the low 4 GiB are reachable through the boot page tables' direct map,
 * so memory above it is left out for now (QEMU runs with -m 512M).
 */
#define FRAME_BOOT_LIMIT (4ULL << 30)
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

/* Add a usable range, keeping the list sorted (overlapping map entries are merged). */
static void add_range(uint64_t base, uint64_t end)
{
	if (end <= base)
		return;
	if (nranges == MAX_RANGES)
		panic("frame_init: too many memory ranges");
	int i = nranges;
	while (i > 0 && ranges[i - 1].base > base) {
		ranges[i] = ranges[i - 1];
		i--;
	}
	ranges[i] = (struct phys_range){ base, end };
	nranges++;
	int n = 0;
	for (int j = 0; j < nranges; j++) {
		if (n > 0 && ranges[j].base <= ranges[n - 1].end) {
			if (ranges[j].end > ranges[n - 1].end)
				ranges[n - 1].end = ranges[j].end;
		} else {
			ranges[n++] = ranges[j];
		}
	}
	nranges = n;
}

void frame_init(const struct boot_info *bi, uint64_t info_phys)
{
	nranges = 0;
	for (int i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type != MB2_MEM_AVAILABLE)
			continue;
		uint64_t base = (m->base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t end = (m->base + m->len) & ~(PAGE_SIZE - 1);
		if (end > FRAME_BOOT_LIMIT)
			end = FRAME_BOOT_LIMIT;
		add_range(base, end);
	}
	exclude(0, 0x100000);
	exclude(0x100000, (uint64_t)__kernel_end - KERNEL_VMA);
	for (int i = 0; i < bi->module_count; i++)
		exclude(bi->modules[i].start, bi->modules[i].end);
	exclude(info_phys, info_phys + bi->total_size);
	if (nranges == 0)
		panic("frame_init: no usable memory");

	uint64_t top = ranges[nranges - 1].end;
	uint64_t nframes = top >> PAGE_SHIFT;
	uint64_t db_bytes = (nframes * sizeof(struct frame) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t db_phys = 0;
	for (int i = 0; i < nranges; i++) {
		if (ranges[i].end - ranges[i].base >= db_bytes) {
			db_phys = ranges[i].base;
			break;
		}
	}
	if (!db_phys)
		panic("frame_init: no room for the frame database (%lu KiB)", db_bytes >> 10);
	exclude(db_phys, db_phys + db_bytes);

	frame_init_core(phys_to_virt(db_phys), nframes, ranges, nranges, (uint8_t *)DIRECT_MAP_BASE);

	struct frame_stats st;
	frame_stats(&st);
	/* Metadata cost in hundredths of a percent of the managed RAM. */
	uint64_t bp = st.total ? db_bytes * 10000 / (st.total * PAGE_SIZE) : 0;
	kprintf("frames: %lu free (%lu MiB) in %d ranges, database %lu KiB at %lx = %lu bytes per 4 KiB frame "
		"(%lu.%02lu%%)\n",
		st.free, (uint64_t)((st.free * PAGE_SIZE) >> 20), nranges, db_bytes >> 10, db_phys, (uint64_t)sizeof(struct frame),
		bp / 100, bp % 100);
}
