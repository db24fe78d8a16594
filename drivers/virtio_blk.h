/*
 * drivers/virtio_blk.h - virtio block devices (PCI, legacy/transitional
 * interface through the I/O BAR): the pagefile disk and the C: disk.
 *
 * Every device found by PCI scan gets a number (0, 1, ... in scan order) and
 * is told apart by its serial (QEMU's `-device virtio-blk-pci,serial=...`,
 * read with a GET_ID request): "pagefile" is the pagefile, "cdrive" holds the
 * FAT32 volume C:.  A device without a serial is the pagefile if it is the
 * first one (older command lines).  One request queue per device; requests
 * of up to 64 KiB of physically contiguous memory each, submitted in batches
 * (up to VBLK_BATCH in flight per doorbell) and completed by polling the used
 * ring, no interrupts.  Each device has an owner word (busy) taken for one
 * batch; callers may run on several CPUs, with the kernel lock held or
 * given back (vblk_dev_transfer_unlocked).
 */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define VBLK_SECTOR  512ULL
#define VBLK_BATCH   64	/* requests in flight per doorbell (3 descriptors each) */
#define VBLK_MAX_DEV 4
#define VBLK_MAX_LEN 0x10000	/* bytes per request */

/* One transfer: sector (512-byte units) on the disk, len bytes (a multiple of 512, 0 means 4096) at phys. */
struct vblk_op {
	uint64_t sector;
	uint64_t phys;
	uint32_t len;
};

/*
 * Find every device (vendor 0x1af4, transitional device 0x1001, up to
 * VBLK_MAX_DEV), reset it, negotiate no features, set up queue 0 in frames
 * from frame_alloc, mark it DRIVER_OK and read its serial.  Returns 0 when
 * the pagefile device is usable, -1 otherwise.  Later calls only repeat the
 * answer.
 */
int vblk_init(void);

/* The device whose serial is serial ("cdrive"), or -1. */
int vblk_find(const char *serial);

/* True while device dev is usable (until a transfer times out: the device is then given up). */
bool vblk_dev_present(int dev);
/* Its size in 512-byte sectors (0 when absent). */
uint64_t vblk_dev_sectors(int dev);

/*
 * Transfer n requests on device dev, all reads or all writes, VBLK_BATCH per
 * notification, polling for completion.  Returns 0 when every request
 * completed with VIRTIO_BLK_S_OK, -1 on any failure (no device, a bad
 * length, a range past the end of the disk, a device error status such as
 * VIRTIO_BLK_S_IOERR, a timeout); requests of a failed call may or may not
 * have been transferred.
 */
int vblk_dev_transfer(int dev, const struct vblk_op *ops, unsigned n, bool write);

/*
 * The same, with the kernel lock given back while the device works (issue
 * 18: a page-in must not stop the other CPUs).  The caller holds the kernel
 * lock exclusively, no spinlock, nothing another CPU could need while it
 * waits, and runs a thread (klock_leave / klock_enter); it holds the kernel
 * lock again on return.  Everything it read under the lock may have changed.
 */
int vblk_dev_transfer_unlocked(int dev, const struct vblk_op *ops, unsigned n, bool write);

/*
 * Statistics of vblk_dev_transfer_unlocked since boot: calls, and the calls
 * during whose wait the kernel lock was seen taken (by another CPU: work
 * that the lock held across the wait would have stopped).
 */
void vblk_unlocked_stats(uint64_t *calls, uint64_t *overlapped);

/* The pagefile device: vblk_dev_* of vblk_find("pagefile"). */
bool vblk_present(void);
uint64_t vblk_sectors(void);
int vblk_transfer(const struct vblk_op *ops, unsigned n, bool write);
int vblk_transfer_unlocked(const struct vblk_op *ops, unsigned n, bool write);

#endif
