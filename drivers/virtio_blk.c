/*
 * drivers/virtio_blk.c - virtio-blk over PCI, legacy interface (virtio 1.0
 * spec section 4.1.4.8 "Legacy Interfaces: A Note on PCI Device Layout" and
 * 2.6 "Split Virtqueues", 5.2 "Block Device").
 *
 * Legacy I/O BAR 0 layout (MSI-X off): device features (32) at 0x00, driver
 * features (32) at 0x04, queue PFN (32, the queue's physical address >> 12)
 * at 0x08, queue size (16) at 0x0c, queue select (16) at 0x0e, queue notify
 * (16) at 0x10, device status (8) at 0x12, ISR (8) at 0x13, and the block
 * device's configuration from 0x14: capacity (64, in 512-byte sectors).
 *
 * The split virtqueue for queue size Q lives in one physically contiguous,
 * 4 KiB-aligned block: Q 16-byte descriptors, then the available ring
 * (flags, idx, ring[Q], used_event), then, at the next 4 KiB boundary, the
 * used ring (flags, idx, {id, len}[Q], avail_event).
 *
 * A request is three chained descriptors: the 16-byte header {type, reserved,
 * sector} (device reads), the data (device writes it for a read), and one
 * status byte (device writes).  Request k of a batch always uses descriptors
 * 3k..3k+2 and header/status slot k, so no free list is needed: a batch is
 * submitted whole and completed whole before the next.  The device may
 * complete them in any order; only the count matters.
 */
#include "virtio_blk.h"
#include <string.h>
#include "pci.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/klock.h"
#include "kernel/lock.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "mm/frame.h"
#include "mm/phys.h"

#define VIRTIO_VENDOR        0x1af4
#define VIRTIO_BLK_LEGACY_ID 0x1001

#define REG_DEVICE_FEATURES 0x00
#define REG_DRIVER_FEATURES 0x04
#define REG_QUEUE_PFN       0x08
#define REG_QUEUE_SIZE      0x0c
#define REG_QUEUE_SELECT    0x0e
#define REG_QUEUE_NOTIFY    0x10
#define REG_STATUS          0x12
#define REG_ISR             0x13
#define REG_CAPACITY        0x14

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER      2
#define STATUS_DRIVER_OK   4
#define STATUS_FAILED      128

#define VIRTIO_BLK_F_RO (1u << 5)

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_ID_BYTES 20

#define TIMEOUT_MS 10000

/* The request page: VBLK_BATCH headers, VBLK_BATCH status bytes, then the GET_ID buffer. */
#define REQ_STATUS_OFF (VBLK_BATCH * 16)
#define REQ_ID_OFF     2048

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct blk_req_header {
	uint32_t type, reserved;
	uint64_t sector;
};

/*
 * busy (the device's owner: 0, or the holding CPU's index + 1): the rings,
 * our indices, the request headers and status bytes.  Taken for one batch
 * (submit, poll the used ring, reap) with a compare-and-swap; a CPU that
 * finds it taken waits with pause.  Not a spinlock: its holder may have
 * given the kernel lock back (vblk_dev_transfer_unlocked) and polls with
 * interrupts on, and it takes nothing while it holds it (a leaf), so a
 * waiter that holds the kernel lock waits at most for one batch of another
 * CPU, which needs nothing from it.
 */
struct vdev {
	uint32_t busy;
	bool present;
	uint16_t io;		/* I/O BAR base */
	uint16_t qsize;
	uint64_t sectors;
	struct virtq_desc *desc;
	volatile uint16_t *avail;	/* [0] flags, [1] idx, [2 + i] ring */
	volatile uint16_t *used;	/* [0] flags, [1] idx, then elements from byte 4 */
	uint16_t avail_idx, used_idx;	/* our copies */
	struct blk_req_header *hdr;
	volatile uint8_t *status;
	uint64_t req_phys;
	char serial[VIRTIO_BLK_ID_BYTES + 1];
};

static struct vdev devs[VBLK_MAX_DEV];
static uint64_t unlocked_calls, unlocked_overlapped;	/* vblk_unlocked_stats */
static int ndevs;
static bool probed;
static int pagefile_dev = -1;

/* One request of a batch: type, sector, its data (phys, len > 0). */
struct req {
	uint32_t type;
	uint64_t sector, phys;
	uint32_t len;
};

static inline uint32_t io_in32(struct vdev *d, uint16_t off)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)(d->io + off)));
	return v;
}

static inline uint16_t io_in16(struct vdev *d, uint16_t off)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"((uint16_t)(d->io + off)));
	return v;
}

static uint64_t ring_bytes(uint16_t q, uint64_t *used_off)
{
	uint64_t avail_end = 16ULL * q + 6 + 2ULL * q;
	*used_off = (avail_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return *used_off + 6 + 8ULL * q;
}

/*
 * Submit r[0..n) (n <= VBLK_BATCH) with one notification and poll until all
 * are used; 0 if all OK.  Caller owns the device (busy) or is alone (boot).
 * unlocked: the caller gave the kernel lock back; it polls with interrupts
 * on (TLB shootdowns are answered) and sets *seen when it finds the kernel
 * lock taken (by another CPU) meanwhile.
 */
static int run_batch(struct vdev *d, const struct req *r, unsigned n, bool unlocked, bool *seen)
{
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *dd = &d->desc[3 * k];
		bool in = r[k].type != VIRTIO_BLK_T_OUT;	/* the device writes the data */
		d->hdr[k] = (struct blk_req_header){ r[k].type, 0, r[k].sector };
		d->status[k] = 0xff;
		dd[0] = (struct virtq_desc){ d->req_phys + k * sizeof(struct blk_req_header), sizeof(struct blk_req_header),
					     VIRTQ_DESC_F_NEXT, (uint16_t)(3 * k + 1) };
		dd[1] = (struct virtq_desc){ r[k].phys, r[k].len, (uint16_t)(VIRTQ_DESC_F_NEXT | (in ? VIRTQ_DESC_F_WRITE : 0)),
					     (uint16_t)(3 * k + 2) };
		dd[2] = (struct virtq_desc){ d->req_phys + REQ_STATUS_OFF + k, 1, VIRTQ_DESC_F_WRITE, 0 };
		d->avail[2 + (d->avail_idx + k) % d->qsize] = (uint16_t)(3 * k);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* descriptors and ring entries before the index */
	d->avail_idx = (uint16_t)(d->avail_idx + n);
	d->avail[1] = d->avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the index before the doorbell */
	outw(d->io + REG_QUEUE_NOTIFY, 0);

	uint16_t want = (uint16_t)(d->used_idx + n);
	uint64_t deadline = rdtsc() + TIMEOUT_MS * time_tsc_per_ms();
	while (d->used[1] != want) {
		if (rdtsc() > deadline) {
			kprintf("virtio-blk: no completion in %u ms; device %s given up\n", TIMEOUT_MS, d->serial);
			outb(d->io + REG_STATUS, STATUS_FAILED);
			d->present = false;
			return -1;
		}
		if (unlocked) {
			*seen |= klock_taken();
			__asm__ volatile("sti; nop; pause; cli" ::: "memory");
		} else {
			pause();
		}
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the used index before the status bytes */
	d->used_idx = want;
	(void)inb(d->io + REG_ISR);	/* acknowledge (interrupts are suppressed, the line may still be raised) */
	int rc = 0;
	for (unsigned k = 0; k < n; k++)
		if (d->status[k] != VIRTIO_BLK_S_OK)
			rc = -1;
	return rc;
}

/* Read the device's serial (GET_ID); "" when it has none or does not answer. */
static void read_serial(struct vdev *d)
{
	char *buf = phys_to_virt(d->req_phys + REQ_ID_OFF);
	memset(buf, 0, VIRTIO_BLK_ID_BYTES);
	struct req r = { VIRTIO_BLK_T_GET_ID, 0, d->req_phys + REQ_ID_OFF, VIRTIO_BLK_ID_BYTES };
	bool seen = false;
	if (run_batch(d, &r, 1, false, &seen) != 0)
		buf[0] = 0;	/* unsupported: no serial */
	int i = 0;
	for (; i < VIRTIO_BLK_ID_BYTES && buf[i] >= 0x20 && buf[i] < 0x7f; i++)
		d->serial[i] = buf[i];
	d->serial[i] = 0;
}

/* Set up the device at a; true if usable. */
static bool dev_init(struct vdev *d, struct pci_addr a)
{
	d->io = pci_io_bar(a, 0);
	if (!d->io) {
		kprintf("virtio-blk: %02x:%02x.%x has no I/O BAR (legacy interface off?)\n", a.bus, a.dev, a.fn);
		return false;
	}
	pci_write16(a, PCI_COMMAND, pci_read16(a, PCI_COMMAND) | PCI_CMD_IO | PCI_CMD_MASTER);

	outb(d->io + REG_STATUS, 0);	/* reset */
	outb(d->io + REG_STATUS, STATUS_ACKNOWLEDGE);
	outb(d->io + REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	uint32_t features = io_in32(d, REG_DEVICE_FEATURES);
	outl(d->io + REG_DRIVER_FEATURES, 0);	/* nothing optional is needed */
	outw(d->io + REG_QUEUE_SELECT, 0);
	uint16_t q = io_in16(d, REG_QUEUE_SIZE);
	if ((features & VIRTIO_BLK_F_RO) || q < 3 * VBLK_BATCH) {
		kprintf("virtio-blk: unusable (features %x, queue size %u)\n", features, q);
		outb(d->io + REG_STATUS, STATUS_FAILED);
		return false;
	}
	uint64_t used_off, bytes = ring_bytes(q, &used_off);
	unsigned order = 0;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	uint64_t ring = frame_alloc_zeroed(order, FRAME_KERNEL);
	uint64_t reqs = frame_alloc_zeroed(0, FRAME_KERNEL);
	if (!ring || !reqs) {
		if (ring)
			frame_free(ring, order);
		if (reqs)
			frame_free(reqs, 0);
		outb(d->io + REG_STATUS, STATUS_FAILED);
		return false;
	}
	uint8_t *base = phys_to_virt(ring);
	d->qsize = q;
	d->desc = (struct virtq_desc *)base;
	d->avail = (volatile uint16_t *)(base + 16ULL * q);
	d->used = (volatile uint16_t *)(base + used_off);
	d->avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;	/* we poll */
	d->hdr = phys_to_virt(reqs);
	d->req_phys = reqs;
	d->status = (volatile uint8_t *)phys_to_virt(reqs + REQ_STATUS_OFF);
	outl(d->io + REG_QUEUE_PFN, (uint32_t)(ring >> PAGE_SHIFT));
	outb(d->io + REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
	d->sectors = (uint64_t)io_in32(d, REG_CAPACITY) | (uint64_t)io_in32(d, REG_CAPACITY + 4) << 32;
	d->present = true;
	read_serial(d);
	kprintf("virtio-blk: %02x:%02x.%x io %x, %lu sectors (%lu MiB), queue size %u, serial \"%s\"\n", a.bus, a.dev,
		a.fn, d->io, d->sectors, d->sectors >> 11, q, d->serial);
	return true;
}

int vblk_init(void)
{
	if (!probed) {
		probed = true;
		struct pci_addr a;
		for (unsigned i = 0; ndevs < VBLK_MAX_DEV && pci_find_nth(VIRTIO_VENDOR, VIRTIO_BLK_LEGACY_ID, i, &a); i++)
			if (dev_init(&devs[ndevs], a))
				ndevs++;
		pagefile_dev = vblk_find("pagefile");
		if (pagefile_dev < 0 && ndevs > 0 && devs[0].serial[0] == 0)
			pagefile_dev = 0;
	}
	return pagefile_dev >= 0 ? 0 : -1;
}

int vblk_find(const char *serial)
{
	for (int i = 0; i < ndevs; i++)
		if (devs[i].present && strcmp(devs[i].serial, serial) == 0)
			return i;
	return -1;
}

bool vblk_dev_present(int dev)
{
	return dev >= 0 && dev < ndevs && devs[dev].present;
}

uint64_t vblk_dev_sectors(int dev)
{
	return vblk_dev_present(dev) ? devs[dev].sectors : 0;
}

/* Own d for a batch: wait (interrupts on when unlocked: the CPU holds no kernel lock) until it is free. */
static void dev_claim(struct vdev *d, bool unlocked)
{
	uint32_t me = this_cpu()->index + 1;
	if (__atomic_load_n(&d->busy, __ATOMIC_RELAXED) == me)
		panic("virtio-blk %s: transfer re-entered on CPU %u", d->serial, me - 1);
	for (;;) {
		uint32_t free_ = 0;
		if (!__atomic_load_n(&d->busy, __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&d->busy, &free_, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (unlocked)
			__asm__ volatile("sti; nop; pause; cli" ::: "memory");
		else
			pause();
	}
}

static void dev_release(struct vdev *d)
{
	__atomic_store_n(&d->busy, 0, __ATOMIC_RELEASE);
}

/* vblk_dev_transfer's work; unlocked: the kernel lock is already given back. */
static int transfer(int dev, const struct vblk_op *ops, unsigned n, bool write, bool unlocked, bool *seen)
{
	if (!vblk_dev_present(dev))
		return -1;
	struct vdev *d = &devs[dev];
	struct req r[VBLK_BATCH];
	int rc = 0;
	for (unsigned i = 0; i < n && d->present; i += VBLK_BATCH) {
		unsigned m = n - i < VBLK_BATCH ? n - i : VBLK_BATCH, k = 0;
		for (unsigned j = 0; j < m; j++) {
			const struct vblk_op *o = &ops[i + j];
			uint32_t len = o->len ? o->len : PAGE_SIZE;
			if (len % VBLK_SECTOR || len > VBLK_MAX_LEN || o->sector > d->sectors ||
			    len / VBLK_SECTOR > d->sectors - o->sector) {
				rc = -1;
				continue;
			}
			r[k++] = (struct req){ write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, o->sector, o->phys, len };
		}
		if (k) {
			dev_claim(d, unlocked);
			if (d->present && run_batch(d, r, k, unlocked, seen))
				rc = -1;
			dev_release(d);
		}
	}
	return d->present ? rc : -1;
}

int vblk_dev_transfer(int dev, const struct vblk_op *ops, unsigned n, bool write)
{
	lockdep_assert_no_spinlocks();	/* disk I/O: the caller may hold sleeping locks only */
	bool seen = false;
	return transfer(dev, ops, n, write, false, &seen);
}

int vblk_dev_transfer_unlocked(int dev, const struct vblk_op *ops, unsigned n, bool write)
{
	lockdep_assert_no_spinlocks();
	klock_assert_held();
	klock_leave();
	bool seen = false;
	int rc = transfer(dev, ops, n, write, true, &seen);
	__atomic_fetch_add(&unlocked_calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&unlocked_overlapped, seen, __ATOMIC_RELAXED);
	klock_enter();
	return rc;
}

void vblk_unlocked_stats(uint64_t *calls, uint64_t *overlapped)
{
	*calls = __atomic_load_n(&unlocked_calls, __ATOMIC_RELAXED);
	*overlapped = __atomic_load_n(&unlocked_overlapped, __ATOMIC_RELAXED);
}

bool vblk_present(void)
{
	return vblk_dev_present(pagefile_dev);
}

uint64_t vblk_sectors(void)
{
	return vblk_dev_sectors(pagefile_dev);
}

int vblk_transfer(const struct vblk_op *ops, unsigned n, bool write)
{
	return vblk_dev_transfer(pagefile_dev, ops, n, write);
}

int vblk_transfer_unlocked(const struct vblk_op *ops, unsigned n, bool write)
{
	return vblk_dev_transfer_unlocked(pagefile_dev, ops, n, write);
}
