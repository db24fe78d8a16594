/*
 * tests/kernel/test_ram.c - all of RAM: every usable range of the memory map
 * is frames (above 4 GiB included), the direct map covers RAM and only RAM,
 * and the frame count matches the machine (the `-m 16G` boot of make test
 * names its size in fw_cfg opt/winmm/ram_mib).
 */
#include "drivers/fw_cfg.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/multiboot.h"
#include "mm/frame.h"
#include "mm/kpaging.h"
#include "mm/paging.h"
#include "mm/phys.h"

extern struct boot_info boot_info;
extern char __kernel_end[];

#define GIB        (1ULL << 30)
#define TAG_FIRST  0x52414d4649525354ULL	/* "RAMFIRST" ^ block */
#define TAG_LAST   0x52414d4c41535420ULL	/* "RAMLAST " ^ block */

/* True when [base, end) lies inside one available range of the memory map. */
static bool inside_available(uint64_t base, uint64_t end)
{
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type == MB2_MEM_AVAILABLE && base >= m->base && end <= m->base + m->len)
			return true;
	}
	return false;
}

/* The end of the highest available range (below PHYS_MAX), page-aligned down. */
static uint64_t available_top(void)
{
	uint64_t top = 0;
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		uint64_t end = (m->base + m->len) & ~(PAGE_SIZE - 1);
		if (m->type == MB2_MEM_AVAILABLE && end <= PHYS_MAX && end > top)
			top = end;
	}
	return top;
}

struct run_count {
	uint64_t free_runs, free_frames;
};

static void count_free_runs(void *ctx, uint64_t first, uint64_t count, enum frame_owner owner)
{
	struct run_count *c = ctx;
	(void)first;
	if (owner == FRAME_FREE) {
		c->free_runs++;
		c->free_frames += count;
	}
}

/*
 * The sample stride: a power of two of at least 4 MiB giving about 64
 * regions below the top of RAM.  QEMU backs guest RAM with 2 MiB host pages
 * (THP), so every word written costs the host 2 MiB: write few.
 */
static uint64_t sample_stride(uint64_t top)
{
	uint64_t s = PAGE_SIZE << FRAME_MAX_ORDER;
	while (s < top / 64)
		s <<= 1;
	return s;
}

/*
 * Take every free frame from the allocator (largest blocks first), write a
 * tag into the first and the last word of every sample region (a sample: the
 * host pays for the pages the guest touches), check each block is RAM of the
 * memory map and each frame's database entry, that the highest RAM and RAM
 * above 4 GiB came out, then give everything back.
 */
KTEST(ram_every_frame_usable)
{
	struct frame_stats before, after;
	frame_stats(&before);
	uint64_t blocks_before[FRAME_MAX_ORDER + 1];
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		blocks_before[k] = frame_free_blocks(k);

	/* The blocks taken (head | order) go into the first block, as large as there is. */
	int lk = FRAME_MAX_ORDER;
	uint64_t lphys = 0;
	while (lk >= 0 && !(lphys = frame_alloc((unsigned)lk, FRAME_KERNEL)))
		lk--;
	KT_ASSERT(lphys != 0);
	uint64_t *list = phys_to_virt(lphys), cap = (PAGE_SIZE << lk) / 8, n = 0;
	list[n++] = lphys | (uint64_t)lk;

	uint64_t top = available_top(), stride = sample_stride(top);
	uint64_t taken = 1ULL << lk, highest_end = lphys + (PAGE_SIZE << lk), above_4g = 0, samples = 0;
	uint64_t bad_place = 0, bad_entry = 0;
	for (int k = FRAME_MAX_ORDER; k >= 0 && n < cap; k--) {
		uint64_t p;
		while (n < cap && (p = frame_alloc((unsigned)k, FRAME_KERNEL)) != 0) {
			uint64_t size = PAGE_SIZE << k;
			list[n++] = p | (uint64_t)k;
			taken += 1ULL << k;
			if (p + size > highest_end)
				highest_end = p + size;
			if (p >= (4ULL << 30))
				above_4g += 1ULL << k;
			if ((p & (size - 1)) || !inside_available(p, p + size))
				bad_place++;
			const struct frame *f = frame_get(p);
			if (!f || f->owner != FRAME_KERNEL || f->order != k || f->refcount != 1)
				bad_entry++;
			for (uint64_t t = 1; t < (1ULL << k); t++)	/* the tail frames' entries */
				if (f && f[t].order != FRAME_ORDER_TAIL)
					bad_entry++;
			if ((p & (stride - 1)) == 0) {
				*(uint64_t *)phys_to_virt(p) = TAG_FIRST ^ p;
				samples++;
			}
			if (((p + size) & (stride - 1)) == 0) {
				*(uint64_t *)phys_to_virt(p + size - 8) = TAG_LAST ^ p;
				samples++;
			}
		}
	}
	struct frame_stats empty;
	frame_stats(&empty);
	struct run_count rc = { 0, 0 };
	frame_for_each_run(count_free_runs, &rc);

	/* Verify the samples and give the blocks back, the list's own block last. */
	uint64_t bad_tag = 0;
	for (uint64_t i = n; i-- > 1;) {
		uint64_t p = list[i] & ~(PAGE_SIZE - 1);
		unsigned k = list[i] & (PAGE_SIZE - 1);
		uint64_t size = PAGE_SIZE << k;
		if ((p & (stride - 1)) == 0 && *(uint64_t *)phys_to_virt(p) != (TAG_FIRST ^ p))
			bad_tag++;
		if (((p + size) & (stride - 1)) == 0 && *(uint64_t *)phys_to_virt(p + size - 8) != (TAG_LAST ^ p))
			bad_tag++;
		frame_free(p, k);
	}
	frame_free(lphys, (unsigned)lk);
	frame_stats(&after);
	kprintf("ram: took %lu frames (%lu MiB, %lu MiB above 4 GiB) in %lu blocks, highest end %lx; "
		"%lu samples, one per %lu MiB\n",
		taken, taken >> 8, above_4g >> 8, n, highest_end, samples, stride >> 20);

	KT_ASSERT(n < cap);
	KT_EQ(taken, before.free);
	KT_EQ(empty.free, 0);
	KT_EQ(rc.free_runs, 0);
	KT_EQ(bad_place, 0);
	KT_EQ(bad_entry, 0);
	KT_EQ(bad_tag, 0);
	KT_ASSERT(samples > 0);
	KT_EQ(after.free, before.free);
	KT_EQ(after.total, before.total);
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		KT_EQ(after.by_owner[i], before.by_owner[i]);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		KT_EQ(frame_free_blocks(k), blocks_before[k]);
	/* The top of RAM is handed out (unless a boot module or the database sits there), and RAM above 4 GiB. */
	KT_ASSERT(highest_end <= top);
	KT_ASSERT(highest_end + (64ULL << 20) >= top);
	if (top > (4ULL << 30) + (64ULL << 20))
		KT_ASSERT(above_4g > 0);
}

/* Page size of the direct mapping of phys, 0 if unmapped; a mapping must be RW, NX and reach phys. */
static uint64_t direct_size(uint64_t phys, bool *ok)
{
	uint64_t size;
	pte_t e = pt_query(kernel_root, DIRECT_MAP_BASE + phys, &size);
	if (!(e & PTE_P))
		return 0;
	uint64_t frame = (e & PTE_ADDR) & ~(size - 1);
	if (!(e & PTE_W) || !(e & PTE_NX) || (e & PTE_U) || frame + (phys & (size - 1)) != (phys & ~(PAGE_SIZE - 1)))
		*ok = false;
	return size;
}

static bool is_ram_type(uint32_t t)
{
	return t == MB2_MEM_AVAILABLE || t == MB2_MEM_ACPI || t == MB2_MEM_NVS;
}

/* True when phys (a page) overlaps a RAM-type entry of the memory map. */
static bool page_is_ram(uint64_t phys)
{
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (is_ram_type(m->type) && phys + PAGE_SIZE > m->base && phys < m->base + m->len)
			return true;
	}
	return false;
}

/*
 * The direct map: every available range is mapped at its start, its last
 * page and every 2 MiB in between, RW+NX, with 1 GiB pages wherever an
 * aligned GiB is all RAM and the CPU has them (2 MiB pages for aligned 2 MiB
 * otherwise); the pages just outside RAM (holes, above the top) are not.
 */
KTEST(ram_direct_map_covers_ram)
{
	bool ok = true;
	uint64_t checked = 0, huge = 0, unmapped_ram = 0, mapped_hole = 0, wrong_size = 0;
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (!is_ram_type(m->type) || m->len < PAGE_SIZE || m->base >= PHYS_MAX)
			continue;
		uint64_t base = (m->base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t end = (m->base + m->len) & ~(PAGE_SIZE - 1);
		if (end > PHYS_MAX)
			end = PHYS_MAX;
		for (uint64_t p = base; p < end; p = (p + PAGE_2M) & ~(PAGE_2M - 1)) {
			uint64_t size = direct_size(p, &ok);
			checked++;
			if (!size) {
				unmapped_ram++;
				continue;
			}
			bool gib = (p & ~(GIB - 1)) >= m->base && (p & ~(GIB - 1)) + GIB <= m->base + m->len;
			bool mib2 = (p & ~(PAGE_2M - 1)) >= m->base && (p & ~(PAGE_2M - 1)) + PAGE_2M <= m->base + m->len;
			/* at least this large (ranges that touch are mapped as one, so larger is fine) */
			uint64_t want = gib && cpu_has_page1gb ? GIB : mib2 ? PAGE_2M : PAGE_SIZE;
			if (size < want)
				wrong_size++;
			if (size == GIB)
				huge++;
		}
		if (!direct_size(end - PAGE_SIZE, &ok))
			unmapped_ram++;
		/* The page after the range and the one before it: unmapped unless RAM too. */
		if (end < PHYS_MAX && !page_is_ram(end) && direct_size(end, &ok))
			mapped_hole++;
		if (base >= PAGE_SIZE && !page_is_ram(base - PAGE_SIZE) && direct_size(base - PAGE_SIZE, &ok))
			mapped_hole++;
	}
	/* Far above RAM (the 64-bit MMIO window) and inside the PCI hole below 4 GiB. */
	uint64_t top = available_top();
	if (top + GIB < PHYS_MAX && direct_size(top + GIB, &ok))
		mapped_hole++;
	if (!page_is_ram(0xfec00000) && direct_size(0xfec00000, &ok))	/* I/O APIC */
		mapped_hole++;
	kprintf("ram: direct map checked at %lu places, %lu in 1 GiB pages (1 GiB pages %s)\n", checked, huge,
		cpu_has_page1gb ? "on" : "absent");
	KT_ASSERT(ok);
	KT_EQ(unmapped_ram, 0);
	KT_EQ(mapped_hole, 0);
	KT_EQ(wrong_size, 0);
	KT_ASSERT(checked > 0);
	if (!cpu_has_page1gb)
		KT_EQ(huge, 0);
}

/* Decimal number at s (up to a non-digit). */
static uint64_t parse_u64(const char *s)
{
	uint64_t v = 0;
	while (*s >= '0' && *s <= '9' && v < (1ULL << 50))
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

/*
 * The frame count is the available RAM of the memory map less what the
 * kernel keeps (first MiB, image, boot modules, boot information, frame
 * database); with fw_cfg opt/winmm/ram_mib (the -m 16G boot), the memory
 * map's RAM is the machine's size less the firmware's few reserved pages.
 */
KTEST(ram_total_matches_machine)
{
	struct frame_stats st;
	frame_stats(&st);
	uint64_t avail = 0;
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type == MB2_MEM_AVAILABLE && m->base < PHYS_MAX)
			avail += (m->base + m->len > PHYS_MAX ? PHYS_MAX : m->base + m->len) - m->base;
	}
	uint64_t kept = (1ULL << 20) + ((uint64_t)__kernel_end - KERNEL_VMA) + frame_db_count * sizeof(struct frame) +
			(64ULL << 10);
	for (int i = 0; i < boot_info.module_count; i++)
		kept += boot_info.modules[i].end - boot_info.modules[i].start + PAGE_SIZE;
	uint64_t managed = st.total * PAGE_SIZE;
	KT_ASSERT(managed <= avail);
	KT_ASSERT(managed + kept >= avail);
	/* The database covers every frame up to the top of RAM. */
	KT_EQ(frame_db_count, available_top() >> PAGE_SHIFT);

	char arg[24];
	if (fw_cfg_read_file("opt/winmm/ram_mib", arg, sizeof(arg))) {
		uint64_t machine = parse_u64(arg) << 20;
		kprintf("ram: machine %lu MiB, memory map %lu MiB available, %lu MiB in frames\n", machine >> 20,
			avail >> 20, managed >> 20);
		KT_ASSERT(avail <= machine);
		KT_ASSERT(avail + (2ULL << 20) >= machine);	/* below 1 MiB and the firmware's tables */
		KT_ASSERT(managed + kept + (2ULL << 20) >= machine);
	}
}
