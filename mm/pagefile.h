/*
 * mm/pagefile.h - the pagefile: 4 KiB slots on the virtio-blk disk, a
 * bitmap slot allocator over them, and single-page / batched transfers
 * between slots and frames.
 *
 * Without a disk (no `-drive`, or PAGEFILE=0 in the Makefile) there are no
 * slots: allocation fails and every transfer returns STATUS_IN_PAGE_ERROR.
 * Not locked: the memory manager calls it with its address space held (one CPU).
 */
#ifndef MM_PAGEFILE_H
#define MM_PAGEFILE_H

#include <stdbool.h>
#include <stdint.h>
#include "winvm.h"

#define PAGEFILE_NO_SLOT (~0ULL)

/* Probe the disk and size the slot bitmap (one bit per 4 KiB of disk).  Needs kmalloc.  Call once. */
void pagefile_init(void);

bool pagefile_present(void);
uint64_t pagefile_slots(void);		/* total slots (0 without a pagefile) */
uint64_t pagefile_free_slots(void);	/* slots not allocated */

/* Take a free slot (next fit); PAGEFILE_NO_SLOT when none is free or there is no pagefile. */
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

/* Tests only: hide the pagefile (false) or bring it back (true); returns the previous state. */
bool pagefile_test_attach(bool attached);

#endif
