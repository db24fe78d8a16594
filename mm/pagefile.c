/*
 * mm/pagefile.c - pagefile slots over the virtio-blk disk.
 *
 * Slot s is the 4 KiB at byte s * 4096 of the disk (sectors 8s..8s+7).  The
 * allocator is a bitmap, 1 = in use, searched next-fit a 64-bit word at a time
 * from where the last allocation ended, so consecutive allocations get
 * consecutive slots (good for batched writes) and a full word costs one compare.
 */
#include "pagefile.h"
#include "frame.h"
#include "kheap.h"
#include "drivers/virtio_blk.h"
#include "kernel/console.h"
#include "kernel/lock.h"
#include "kernel/panic.h"

/*
 * pf_lock (spin, taken under swap_lock, nothing under it): the bitmap, used and
 * hint.  present and slots are set once at boot.  The slots' disk contents are
 * not under it: a slot's owner (the swap tables' reference) does its I/O.
 */
static struct spinlock pf_lock = SPINLOCK_INIT("pagefile_slots");
static struct {
	bool present;
	uint64_t slots, used;
	uint64_t *bits;		/* bitmap_words(slots) words */
	uint64_t hint;		/* word index where the next search starts */
} pf;

static bool hidden;		/* pagefile_test_attach(false) */

void pagefile_init(void)
{
	if (vblk_init() != 0) {
		kprintf("pagefile: none (no virtio-blk disk)\n");
		return;
	}
	uint64_t slots = vblk_sectors() / (PAGE_SIZE / VBLK_SECTOR);
	uint64_t words = (slots + 63) / 64;
	pf.bits = slots ? kmalloc(words * sizeof(uint64_t)) : NULL;
	if (!pf.bits) {
		kprintf("pagefile: disk of %lu sectors unusable (no slots or no memory for the bitmap)\n", vblk_sectors());
		return;
	}
	/* Bits past the last slot are marked used, so the search never returns them. */
	if (slots % 64)
		pf.bits[words - 1] = ~0ULL << (slots % 64);
	pf.slots = slots;
	pf.present = true;
	kprintf("pagefile: %lu slots (%lu MiB), bitmap %lu bytes\n", slots, slots >> 8, words * 8);
}

bool pagefile_present(void)
{
	return pf.present && !hidden;
}

uint64_t pagefile_slots(void)
{
	return pagefile_present() ? pf.slots : 0;
}

uint64_t pagefile_free_slots(void)
{
	return pagefile_present() ? pf.slots - pf.used : 0;
}

uint64_t pagefile_slot_alloc(void)
{
	if (!pagefile_present())
		return PAGEFILE_NO_SLOT;
	spin_lock(&pf_lock);
	if (pf.used == pf.slots) {
		spin_unlock(&pf_lock);
		return PAGEFILE_NO_SLOT;
	}
	uint64_t words = (pf.slots + 63) / 64;
	for (uint64_t n = 0, w = pf.hint; n < words; n++, w = w + 1 == words ? 0 : w + 1) {
		if (pf.bits[w] == ~0ULL)
			continue;
		unsigned bit = (unsigned)__builtin_ctzll(~pf.bits[w]);
		pf.bits[w] |= 1ULL << bit;
		pf.used++;
		pf.hint = w;
		spin_unlock(&pf_lock);
		return w * 64 + bit;
	}
	panic("pagefile: %lu of %lu slots used but no free bit", pf.used, pf.slots);
}

void pagefile_slot_free(uint64_t slot)
{
	if (!pf.present || slot >= pf.slots)
		panic("pagefile: freeing slot %lx out of range (%lu slots)", slot, pf.slots);
	spin_lock(&pf_lock);
	uint64_t *w = &pf.bits[slot / 64], m = 1ULL << (slot % 64);
	if (!(*w & m))
		panic("pagefile: double free of slot %lx", slot);
	*w &= ~m;
	pf.used--;
	spin_unlock(&pf_lock);
}

ntstatus_t pagefile_transfer(const uint64_t *slots, const uint64_t *phys, unsigned n, bool write)
{
	lockdep_assert_no_spinlocks();	/* disk I/O: the caller may hold sleeping locks only */
	if (!pagefile_present())
		return STATUS_IN_PAGE_ERROR;
	struct vblk_op ops[VBLK_BATCH];
	for (unsigned i = 0; i < n; i += VBLK_BATCH) {
		unsigned m = n - i < VBLK_BATCH ? n - i : VBLK_BATCH;
		for (unsigned k = 0; k < m; k++) {
			if (slots[i + k] >= pf.slots || (phys[i + k] & (PAGE_SIZE - 1)))
				return STATUS_INVALID_PARAMETER;
			ops[k] = (struct vblk_op){ slots[i + k] * (PAGE_SIZE / VBLK_SECTOR), phys[i + k], PAGE_SIZE };
		}
		if (vblk_transfer(ops, m, write))
			return STATUS_IN_PAGE_ERROR;
	}
	return STATUS_SUCCESS;
}

ntstatus_t pagefile_write(uint64_t slot, uint64_t phys)
{
	return pagefile_transfer(&slot, &phys, 1, true);
}

ntstatus_t pagefile_read(uint64_t slot, uint64_t phys)
{
	return pagefile_transfer(&slot, &phys, 1, false);
}

bool pagefile_test_attach(bool attached)
{
	bool was = !hidden;
	hidden = !attached;
	return was;
}
