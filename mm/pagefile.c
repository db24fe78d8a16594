/*
 * mm/pagefile.c - pagefile slots over the virtio-blk disk.
 *
 * Slot s is the 4 KiB at byte s * 4096 of the disk (sectors 8s..8s+7).  The
 * allocator is a bitmap, 1 = in use, searched next-fit a 64-bit word at a time
 * from where the last allocation ended, so consecutive allocations get
 * consecutive slots (good for batched writes) and a full word costs one compare.
 *
 * System-managed size (docs/pagefile.md): the disk is the pagefile at its
 * maximum (the image is sparse, so its unused part costs the host nothing);
 * the usable part, its current size, starts at the initial size and grows in
 * PAGEFILE_CHUNK steps when the commit limit would refuse a charge
 * (pagefile_grow, from mm/vm.c), and falls back to the initial size once no
 * slot past it is in use (pagefile_shrink).  Slots are only handed out below
 * the current size, so the pages living in the pagefile never exceed its
 * share of the commit limit.
 */
#include "pagefile.h"
#include "frame.h"
#include "kheap.h"
#include "drivers/virtio_blk.h"
#include "kernel/console.h"
#include "kernel/lock.h"
#include "kernel/panic.h"

/*
 * pf_lock (spin, taken under swap_lock or commit_lock, nothing under it): the
 * bitmap, used, used_past_initial, size and the hints.  present, slots and initial
 * are set once at boot.  The slots' disk contents are not under it: a slot's
 * owner (the swap tables' reference) does its I/O.
 */
static struct spinlock pf_lock = SPINLOCK_INIT("pagefile_slots");
static struct {
	bool present;
	uint64_t slots;		/* the maximum size: the disk (at most PAGEFILE_MAX_SLOTS) */
	uint64_t initial;	/* the initial size: a multiple of 64, or slots */
	uint64_t size;		/* the current size: initial <= size <= slots, a multiple of 64 or slots */
	uint64_t used, used_past_initial;
	uint64_t *bits;		/* bitmap_words(slots) words */
	uint64_t hint, hint_ext;	/* word index where the next search starts: initial part, extension */
} pf;

static bool hidden;		/* pagefile_test_attach(false) */

void pagefile_init(uint64_t initial_slots)
{
	if (vblk_init() != 0) {
		kprintf("pagefile: none (no virtio-blk disk)\n");
		return;
	}
	uint64_t slots = vblk_sectors() / (PAGE_SIZE / VBLK_SECTOR);
	if (slots > PAGEFILE_MAX_SLOTS)
		slots = PAGEFILE_MAX_SLOTS;
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
	initial_slots = (initial_slots + 63) & ~63ULL;
	pf.initial = pf.size = initial_slots && initial_slots < slots ? initial_slots : slots;
	pf.present = true;
	kprintf("pagefile: %lu MiB initial, %lu MiB maximum (%lu slots), bitmap %lu bytes\n", pf.initial >> 8,
		slots >> 8, slots, words * 8);
}

bool pagefile_present(void)
{
	return pf.present && !hidden;
}

uint64_t pagefile_slots(void)
{
	return pagefile_present() ? __atomic_load_n(&pf.size, __ATOMIC_RELAXED) : 0;
}

uint64_t pagefile_initial_slots(void)
{
	return pagefile_present() ? pf.initial : 0;
}

uint64_t pagefile_max_slots(void)
{
	return pagefile_present() ? pf.slots : 0;
}

uint64_t pagefile_free_slots(void)
{
	if (!pagefile_present())
		return 0;
	spin_lock(&pf_lock);
	uint64_t n = pf.size - pf.used;
	spin_unlock(&pf_lock);
	return n;
}

uint64_t pagefile_grow(uint64_t want)
{
	if (!pagefile_present())
		return 0;
	spin_lock(&pf_lock);
	uint64_t old = pf.size;
	if (want < PAGEFILE_CHUNK)
		want = PAGEFILE_CHUNK;
	uint64_t size = (old + want + PAGEFILE_CHUNK - 1) / PAGEFILE_CHUNK * PAGEFILE_CHUNK;
	if (size > pf.slots || size < old)
		size = pf.slots;
	pf.size = size;
	spin_unlock(&pf_lock);
	return size - old;
}

uint64_t pagefile_shrink(void)
{
	if (!pagefile_present())
		return 0;
	spin_lock(&pf_lock);
	uint64_t gone = 0;
	if (pf.size > pf.initial && !pf.used_past_initial) {
		gone = pf.size - pf.initial;
		pf.size = pf.initial;
	}
	spin_unlock(&pf_lock);
	return gone;
}

/* Next fit over bitmap words [lo, hi) from *hint: the slot taken, or PAGEFILE_NO_SLOT.  Caller holds pf_lock. */
static uint64_t take_in(uint64_t lo, uint64_t hi, uint64_t *hint)
{
	if (*hint < lo || *hint >= hi)
		*hint = lo;
	for (uint64_t n = 0, w = *hint; n < hi - lo; n++, w = w + 1 == hi ? lo : w + 1) {
		if (pf.bits[w] == ~0ULL)
			continue;
		unsigned bit = (unsigned)__builtin_ctzll(~pf.bits[w]);
		pf.bits[w] |= 1ULL << bit;
		*hint = w;
		return w * 64 + bit;
	}
	return PAGEFILE_NO_SLOT;
}

/*
 * The initial part first, the extension only when it is full: so the
 * extension empties (and the pagefile can shrink) as soon as the pressure
 * that grew it is gone.  The sizes are multiples of 64 or the maximum, whose
 * tail bits are set.
 */
uint64_t pagefile_slot_alloc(void)
{
	if (!pagefile_present())
		return PAGEFILE_NO_SLOT;
	spin_lock(&pf_lock);
	if (pf.used == pf.size) {
		spin_unlock(&pf_lock);
		return PAGEFILE_NO_SLOT;
	}
	uint64_t s, initial_words = (pf.initial + 63) / 64;
	if (pf.used - pf.used_past_initial < pf.initial) {
		s = take_in(0, initial_words, &pf.hint);
	} else {
		s = take_in(initial_words, (pf.size + 63) / 64, &pf.hint_ext);
		pf.used_past_initial += s != PAGEFILE_NO_SLOT;
	}
	if (s == PAGEFILE_NO_SLOT)
		panic("pagefile: %lu of %lu slots used but no free bit", pf.used, pf.size);
	pf.used++;
	spin_unlock(&pf_lock);
	return s;
}

uint64_t pagefile_used_past_initial(void)
{
	return __atomic_load_n(&pf.used_past_initial, __ATOMIC_RELAXED);
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
	pf.used_past_initial -= slot >= pf.initial;
	spin_unlock(&pf_lock);
}

/* pagefile_transfer's work; unlocked: through vblk_transfer_unlocked. */
static ntstatus_t transfer(const uint64_t *slots, const uint64_t *phys, unsigned n, bool write, bool unlocked)
{
	lockdep_assert_no_spinlocks();	/* disk I/O: the caller may hold sleeping locks only */
	if (!pagefile_present())
		return STATUS_IN_PAGE_ERROR;
	struct vblk_op ops[VBLK_BATCH];
	for (unsigned i = 0; i < n; i += VBLK_BATCH) {
		unsigned m = n - i < VBLK_BATCH ? n - i : VBLK_BATCH;
		for (unsigned k = 0; k < m; k++) {
			if (slots[i + k] >= pagefile_slots() || (phys[i + k] & (PAGE_SIZE - 1)))
				return STATUS_INVALID_PARAMETER;
			ops[k] = (struct vblk_op){ slots[i + k] * (PAGE_SIZE / VBLK_SECTOR), phys[i + k], PAGE_SIZE };
		}
		if (unlocked ? vblk_transfer_unlocked(ops, m, write) : vblk_transfer(ops, m, write))
			return STATUS_IN_PAGE_ERROR;
	}
	return STATUS_SUCCESS;
}

ntstatus_t pagefile_transfer(const uint64_t *slots, const uint64_t *phys, unsigned n, bool write)
{
	return transfer(slots, phys, n, write, false);
}

ntstatus_t pagefile_read_unlocked(const uint64_t *slots, const uint64_t *phys, unsigned n)
{
	return transfer(slots, phys, n, false, true);
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
