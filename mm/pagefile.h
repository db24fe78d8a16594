/*
 * mm/pagefile.h - the pagefile: 4 KiB slots on the virtio-blk disk, a
 * bitmap slot allocator over them, and single-page / batched transfers
 * between slots and frames.
 *
 * Without a disk (no `-drive`, or PAGEFILE=0 in the Makefile) there are no
 * slots: allocation fails and every transfer returns STATUS_IN_PAGE_ERROR.
 *
 * A system-managed size (docs/pagefile.md): the disk is the maximum size;
 * slots are handed out below the current size, which starts at the initial
 * size, grows in PAGEFILE_CHUNK steps (pagefile_grow, when the commit limit
 * would refuse a charge) and returns to the initial size once nothing past it
 * is in use (pagefile_shrink).  Both are called by the commit ledger (mm/vm.c).
 */
#ifndef MM_PAGEFILE_H
#define MM_PAGEFILE_H

#include <stdbool.h>
#include <stdint.h>
#include "winvm.h"

#define PAGEFILE_NO_SLOT (~0ULL)
#define PAGEFILE_MAX_SLOTS (1ULL << 20)	/* 4 GiB: a larger disk is used up to this */
#define PAGEFILE_CHUNK 4096		/* growth step: 16 MiB of slots */
#define PAGEFILE_INITIAL_MIB 256	/* the initial size unless pagefile_initial=MiB is on the command line */

/*
 * Probe the disk and size the slot bitmap (one bit per 4 KiB of disk, up to
 * PAGEFILE_MAX_SLOTS): the maximum size.  initial_slots is the initial size
 * (rounded up to 64 slots; 0 or more than the disk: the whole disk, which then
 * never grows).  Needs kmalloc.  Call once.
 */
void pagefile_init(uint64_t initial_slots);

bool pagefile_present(void);
uint64_t pagefile_slots(void);		/* the current size in slots (0 without a pagefile) */
uint64_t pagefile_initial_slots(void);	/* the initial size */
uint64_t pagefile_max_slots(void);	/* the maximum size (the disk) */
uint64_t pagefile_free_slots(void);	/* slots below the current size not allocated */

/*
 * Grow the current size by at least want slots (at least one chunk, rounded
 * up to chunks), never past the maximum.  Returns the slots added (0 at the
 * maximum).  The caller adds them to the commit limit.
 */
uint64_t pagefile_grow(uint64_t want);
/*
 * Back to the initial size when no slot past it is allocated.  Returns the
 * slots removed (0: nothing to give back, or still in use).  The caller has
 * checked that the commit charge fits the smaller limit, and lowers it.
 */
uint64_t pagefile_shrink(void);
/* Slots allocated past the initial size (what keeps the pagefile from shrinking). */
uint64_t pagefile_used_past_initial(void);

/*
 * Take a free slot (next fit, below the initial size while one is free there);
 * PAGEFILE_NO_SLOT when none is free or there is no pagefile.
 */
uint64_t pagefile_slot_alloc(void);
/* Give back a slot from pagefile_slot_alloc; panics on a free slot or one out of range. */
void pagefile_slot_free(uint64_t slot);

/*
 * Write the frame at phys (page aligned) to slot / read slot into it.
 * STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a slot out of range;
 * STATUS_IN_PAGE_ERROR when there is no pagefile or the disk failed.
 * Synchronous: the data is on the device (or in its cache) on return.
 */
ntstatus_t pagefile_write(uint64_t slot, uint64_t phys);
ntstatus_t pagefile_read(uint64_t slot, uint64_t phys);

/*
 * n transfers at once (slots[i] <-> phys[i]), all writes or all reads,
 * batched on the device (one doorbell per VBLK_BATCH pages).  Results as
 * above; on failure the contents of every listed slot (write) or frame
 * (read) are undefined.
 */
ntstatus_t pagefile_transfer(const uint64_t *slots, const uint64_t *phys, unsigned n, bool write);

/*
 * pagefile_transfer's reads with the kernel lock given back while the disk
 * works (vblk_dev_transfer_unlocked's contract: the caller holds the kernel
 * lock exclusively and nothing else, runs a thread, and holds it again on
 * return with everything it read before possibly changed).  The caller
 * keeps the slots (a reference each) and the frames its own meanwhile.
 */
ntstatus_t pagefile_read_unlocked(const uint64_t *slots, const uint64_t *phys, unsigned n);

/* Tests only: hide the pagefile (false) or bring it back (true); returns the previous state. */
bool pagefile_test_attach(bool attached);

#endif
