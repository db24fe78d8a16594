/*
 * tests/kernel/test_pagefile.c - the pagefile on the virtio-blk disk: pages
 * written to slots read back intact (single and batched, slot boundaries, the
 * last slot), a device error is reported and the device keeps working, the
 * slot allocator runs dry and refills, and without a disk everything fails
 * cleanly.  Tests that need the disk pass trivially without one (PAGEFILE=0).
 */
#include "drivers/virtio_blk.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pagefile.h"
#include "mm/phys.h"
#include "mm/vm.h"
#include "mm/vm_ext.h"

static void fill(uint64_t phys, uint64_t seed)
{
	uint64_t *p = phys_to_virt(phys);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = seed * 0x9e3779b97f4a7c15ULL + i * 0x100000001b3ULL;
}

static bool check(uint64_t phys, uint64_t seed)
{
	const uint64_t *p = phys_to_virt(phys);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i] != seed * 0x9e3779b97f4a7c15ULL + i * 0x100000001b3ULL)
			return false;
	return true;
}

KTEST(pagefile_single_pages_read_back)
{
	if (!pagefile_present())
		return;
	uint64_t last = pagefile_slots() - 1;
	const uint64_t slots[] = { 0, 1, 7, 8, 63, 64, 65, 4097, last / 2, last - 1, last };
	uint64_t a = frame_alloc(0, FRAME_KERNEL), b = frame_alloc(0, FRAME_KERNEL);
	KT_ASSERT(a && b);
	for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) {
		fill(a, slots[i] + 1);
		KT_EQ(pagefile_write(slots[i], a), STATUS_SUCCESS);
	}
	/* Read back after all writes: a slot that aliased another would show its neighbour's pattern. */
	for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) {
		fill(b, 0);
		KT_EQ(pagefile_read(slots[i], b), STATUS_SUCCESS);
		KT_ASSERT(check(b, slots[i] + 1));
	}
	KT_EQ(pagefile_write(last + 1, a), STATUS_INVALID_PARAMETER);
	KT_EQ(pagefile_read(~0ULL - 1, a), STATUS_INVALID_PARAMETER);
	frame_free(a, 0);
	frame_free(b, 0);
}

#define BATCH 150	/* more than two VBLK_BATCH doorbells */

KTEST(pagefile_batched_transfer_reads_back)
{
	if (!pagefile_present())
		return;
	struct frame_stats before, after;
	frame_stats(&before);
	uint64_t *slots = kmalloc(BATCH * 8), *phys = kmalloc(BATCH * 8);
	KT_ASSERT(slots && phys);
	for (unsigned i = 0; i < BATCH; i++) {
		slots[i] = pagefile_slot_alloc();
		phys[i] = frame_alloc(0, FRAME_KERNEL);
		KT_ASSERT(slots[i] != PAGEFILE_NO_SLOT && phys[i]);
		fill(phys[i], 1000 + i);
	}
	/* Reversed order of slots against frames: the slot decides where the data goes. */
	for (unsigned i = 0; i < BATCH / 2; i++) {
		uint64_t t = slots[i];
		slots[i] = slots[BATCH - 1 - i];
		slots[BATCH - 1 - i] = t;
	}
	KT_EQ(pagefile_transfer(slots, phys, BATCH, true), STATUS_SUCCESS);
	for (unsigned i = 0; i < BATCH; i++)
		fill(phys[i], 0);
	KT_EQ(pagefile_transfer(slots, phys, BATCH, false), STATUS_SUCCESS);
	for (unsigned i = 0; i < BATCH; i++)
		KT_ASSERT(check(phys[i], 1000 + i));
	/* Single reads of batched writes agree. */
	KT_EQ(pagefile_read(slots[7], phys[0]), STATUS_SUCCESS);
	KT_ASSERT(check(phys[0], 1007));
	for (unsigned i = 0; i < BATCH; i++) {
		pagefile_slot_free(slots[i]);
		frame_free(phys[i], 0);
	}
	kfree(slots);
	kfree(phys);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
}

KTEST(pagefile_device_error_is_reported)
{
	if (!pagefile_present())
		return;
	uint64_t a = frame_alloc(0, FRAME_KERNEL);
	KT_ASSERT(a);
	/* Past the end of the disk: the device answers VIRTIO_BLK_S_IOERR. */
	struct vblk_op op = { vblk_sectors(), a, PAGE_SIZE };
	KT_EQ(vblk_transfer(&op, 1, false), -1);
	op.sector = vblk_sectors() - 4;	/* straddles the end */
	KT_EQ(vblk_transfer(&op, 1, true), -1);
	/* ... and the device goes on working. */
	fill(a, 77);
	KT_EQ(pagefile_write(3, a), STATUS_SUCCESS);
	fill(a, 0);
	KT_EQ(pagefile_read(3, a), STATUS_SUCCESS);
	KT_ASSERT(check(a, 77));
	frame_free(a, 0);
}

KTEST(pagefile_slot_allocator_exhausts_and_refills)
{
	if (!pagefile_present())
		return;
	uint64_t total = pagefile_slots(), free0 = pagefile_free_slots();
	KT_ASSERT(free0 <= total && free0 > 0);
	uint64_t *got = kmalloc(free0 * 8);
	KT_ASSERT(got);
	for (uint64_t i = 0; i < free0; i++) {
		got[i] = pagefile_slot_alloc();
		KT_ASSERT(got[i] < total);
		if (i && got[i] == got[i - 1])
			KT_ASSERT(false);
	}
	KT_EQ(pagefile_free_slots(), 0);
	KT_EQ(pagefile_slot_alloc(), PAGEFILE_NO_SLOT);
	/* Free a scattered few: exactly those come back. */
	const uint64_t pick[] = { 5, free0 / 3, free0 - 1 };
	for (int i = 0; i < 3; i++)
		pagefile_slot_free(got[pick[i]]);
	KT_EQ(pagefile_free_slots(), 3);
	for (int i = 0; i < 3; i++) {
		uint64_t s = pagefile_slot_alloc();
		KT_ASSERT(s == got[pick[0]] || s == got[pick[1]] || s == got[pick[2]]);
	}
	KT_EQ(pagefile_slot_alloc(), PAGEFILE_NO_SLOT);
	for (uint64_t i = 0; i < free0; i++)
		pagefile_slot_free(got[i]);
	KT_EQ(pagefile_free_slots(), free0);
	kfree(got);
}

KTEST(pagefile_absent_fails_cleanly)
{
	bool was = pagefile_test_attach(false);
	uint64_t a = frame_alloc(0, FRAME_KERNEL);
	KT_ASSERT(a);
	bool ok = !pagefile_present() && pagefile_slots() == 0 && pagefile_free_slots() == 0 &&
		  pagefile_slot_alloc() == PAGEFILE_NO_SLOT && pagefile_write(0, a) == STATUS_IN_PAGE_ERROR &&
		  pagefile_read(0, a) == STATUS_IN_PAGE_ERROR;
	pagefile_test_attach(was);
	frame_free(a, 0);
	KT_ASSERT(ok);
}

/* Pages per million cycles for n pages of one kind of transfer, `per` pages per call. */
static uint64_t bench_io(const uint64_t *slots, const uint64_t *phys, unsigned n, unsigned per, bool write)
{
	uint64_t t0 = rdtsc();
	for (unsigned i = 0; i < n; i += per)
		if (pagefile_transfer(slots + i, phys + (i % 64), per, write))
			return 0;
	uint64_t dt = rdtsc() - t0;
	return dt ? n * 1000000ULL / dt : 0;
}

#define BENCH_PAGES 2048	/* 8 MiB */

KTEST(bench_pagefile)
{
	if (!pagefile_present()) {
		kprintf("bench pagefile: no pagefile (PAGEFILE=0)\n");
		return;
	}
	uint64_t *slots = kmalloc(BENCH_PAGES * 8), phys[128];
	KT_ASSERT(slots);
	for (unsigned i = 0; i < BENCH_PAGES; i++)
		slots[i] = pagefile_slot_alloc();
	for (unsigned i = 0; i < 128; i++) {
		phys[i] = frame_alloc(0, FRAME_KERNEL);
		KT_ASSERT(phys[i]);
		fill(phys[i], i);
	}
	uint64_t w1 = bench_io(slots, phys, BENCH_PAGES, 1, true), r1 = bench_io(slots, phys, BENCH_PAGES, 1, false);
	uint64_t w64 = bench_io(slots, phys, BENCH_PAGES, 64, true), r64 = bench_io(slots, phys, BENCH_PAGES, 64, false);
	KT_ASSERT(w1 && r1 && w64 && r64);
	kprintf("bench pagefile_write_4k_single %lu pages/Mcycle\n", w1);
	kprintf("bench pagefile_read_4k_single %lu pages/Mcycle\n", r1);
	kprintf("bench pagefile_write_4k_batch64 %lu pages/Mcycle\n", w64);
	kprintf("bench pagefile_read_4k_batch64 %lu pages/Mcycle\n", r64);
	for (unsigned i = 0; i < BENCH_PAGES; i++)
		pagefile_slot_free(slots[i]);
	for (unsigned i = 0; i < 128; i++)
		frame_free(phys[i], 0);
	kfree(slots);
}

/*
 * The system-managed size (docs/pagefile.md): growth by whole chunks, slots
 * from the initial part first, the extension only once it is full, and no
 * shrink while a slot past the initial size is in use.  At boot (nothing
 * grown yet); the commit ledger is not involved.
 */
KTEST(pagefile_grows_in_chunks_and_shrinks_when_empty)
{
	if (!pagefile_present() || pagefile_max_slots() <= pagefile_slots() || pagefile_slots() != pagefile_initial_slots())
		return;
	uint64_t init = pagefile_slots(), room = pagefile_max_slots() - init, free0 = pagefile_free_slots();
	KT_EQ(pagefile_shrink(), 0);	/* nothing to give back */
	uint64_t added = pagefile_grow(1);
	KT_EQ(added, room < PAGEFILE_CHUNK ? room : PAGEFILE_CHUNK);
	KT_EQ(pagefile_slots(), init + added);
	KT_EQ(pagefile_free_slots(), free0 + added);
	uint64_t *got = kmalloc(free0 * 8);
	KT_ASSERT(got);
	for (uint64_t i = 0; i < free0; i++) {
		got[i] = pagefile_slot_alloc();
		KT_ASSERT(got[i] < init);	/* the initial part first */
	}
	KT_EQ(pagefile_used_past_initial(), 0);
	uint64_t s = pagefile_slot_alloc();
	KT_ASSERT(s >= init && s < init + added);
	KT_EQ(pagefile_used_past_initial(), 1);
	KT_EQ(pagefile_shrink(), 0);	/* a slot in the extension is in use */
	KT_EQ(pagefile_slots(), init + added);
	pagefile_slot_free(s);
	KT_EQ(pagefile_shrink(), added);
	KT_EQ(pagefile_slots(), init);
	KT_EQ(pagefile_slot_alloc(), PAGEFILE_NO_SLOT);	/* the initial part is full, and the extension gone */
	for (uint64_t i = 0; i < free0; i++)
		pagefile_slot_free(got[i]);
	kfree(got);
	KT_EQ(pagefile_free_slots(), free0);
}

/* The commit ledger grows the pagefile instead of refusing, up to its maximum, and shrinks it back. */
KTEST(commit_limit_grows_with_the_pagefile)
{
	if (!pagefile_present() || pagefile_max_slots() <= pagefile_slots() || pagefile_slots() != pagefile_initial_slots())
		return;
	struct vm_commit_info saved, now;
	vm_commit_get(&saved);
	uint64_t room = pagefile_max_slots() - pagefile_slots();
	vm_commit_init_growable(16, 16 + room);	/* the count starts at 0 */
	KT_ASSERT(vm_charge_system(16));
	KT_ASSERT(vm_charge_system(1));	/* one more grows the pagefile by a chunk */
	vm_commit_get(&now);
	uint64_t chunk = room < PAGEFILE_CHUNK ? room : PAGEFILE_CHUNK;
	KT_EQ(now.limit, 16 + chunk);
	KT_EQ(pagefile_slots(), pagefile_initial_slots() + chunk);
	KT_EQ(now.peak, 17);
	KT_ASSERT(!vm_charge_system(room + 1));	/* past the maximum: refused, nothing changes */
	vm_commit_get(&now);
	KT_EQ(now.charged, 17);
	KT_ASSERT(vm_charge_system(room - 1));	/* exactly to the maximum */
	vm_commit_get(&now);
	KT_EQ(now.limit, now.limit_max);
	KT_EQ(now.charged, now.limit);
	KT_EQ(pagefile_slots(), pagefile_max_slots());
	vm_uncharge_system(room - 1);
	vm_commit_get(&now);
	KT_EQ(now.limit, now.limit_max);	/* 17 pages charged do not fit 16: the extension stays */
	vm_uncharge_system(1);
	vm_commit_get(&now);
	KT_EQ(now.limit, 16);	/* now they fit without it: it went */
	KT_EQ(pagefile_slots(), pagefile_initial_slots());
	vm_uncharge_system(16);
	vm_commit_init(saved.limit);
	vm_commit_restore(&saved);
}
