/*
 * drivers/virtio_blk.h - a virtio block device (PCI, legacy/transitional
 * interface through the I/O BAR), used only by the memory manager's pagefile.
 *
 * One request queue; requests are 4 KiB page transfers submitted in batches
 * (up to VBLK_BATCH per doorbell) and completed by polling the used ring, no
 * interrupts.  Not locked: the caller serialises (one CPU; the memory manager
 * is not re-entered during a transfer).
 */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define VBLK_SECTOR 512ULL
#define VBLK_BATCH  64	/* requests in flight per doorbell (3 descriptors each) */

/* One 4 KiB transfer: sector (512-byte units) on the disk, phys a page-aligned frame. */
struct vblk_op {
	uint64_t sector;
	uint64_t phys;
};

/*
 * Find the device (vendor 0x1af4, transitional device 0x1001), reset it,
 * negotiate no features, set up queue 0 in frames from frame_alloc and mark
 * it DRIVER_OK.  Returns 0, or -1 if there is no usable device (absent,
 * read-only, no I/O BAR, queue too small, out of memory).  Call once.
 */
int vblk_init(void);

/* True after a successful vblk_init, until a transfer times out (the device is then given up). */
bool vblk_present(void);

/* Disk size in 512-byte sectors (0 without a device). */
uint64_t vblk_sectors(void);

/*
 * Transfer n pages, all reads or all writes, in batches of VBLK_BATCH
 * requests per notification, polling for completion.  Returns 0 when every
 * request completed with VIRTIO_BLK_S_OK, -1 on any failure (no device, a
 * device error status, e.g. VIRTIO_BLK_S_IOERR for sectors past the end of
 * the disk, a timeout); pages of a failed call may or may not have been
 * transferred.  Callers check their ranges (the device is the last line).
 */
int vblk_transfer(const struct vblk_op *ops, unsigned n, bool write);

#endif
