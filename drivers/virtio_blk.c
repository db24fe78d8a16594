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
 * sector} (device reads), the 4 KiB data page (device writes it for a read),
 * and one status byte (device writes).  Request k of a batch always uses
 * descriptors 3k..3k+2 and header/status slot k, so no free list is needed:
 * a batch is submitted whole and completed whole before the next.
 */
#include "virtio_blk.h"
#include "pci.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
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

#define VIRTIO_BLK_T_IN  0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_S_OK  0

#define TIMEOUT_MS 10000

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct virtq_used_elem {
	uint32_t id, len;
};

struct blk_req_header {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct {
	bool present;
	uint16_t io;		/* I/O BAR base */
	uint16_t qsize;
	uint64_t sectors;
	struct virtq_desc *desc;
	volatile uint16_t *avail;	/* [0] flags, [1] idx, [2 + i] ring */
	volatile uint16_t *used;	/* [0] flags, [1] idx, then elements from byte 4 */
	uint16_t avail_idx, used_idx;	/* our copies */
	struct blk_req_header *hdr;	/* VBLK_BATCH headers, then VBLK_BATCH status bytes */
	volatile uint8_t *status;
	uint64_t hdr_phys, status_phys;
} vb;

static inline uint32_t io_in32(uint16_t off)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)(vb.io + off)));
	return v;
}

static inline uint16_t io_in16(uint16_t off)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"((uint16_t)(vb.io + off)));
	return v;
}

static uint64_t ring_bytes(uint16_t q, uint64_t *used_off)
{
	uint64_t avail_end = 16ULL * q + 6 + 2ULL * q;
	*used_off = (avail_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return *used_off + 6 + 8ULL * q;
}

int vblk_init(void)
{
	struct pci_addr a;
	if (!pci_find(VIRTIO_VENDOR, VIRTIO_BLK_LEGACY_ID, &a))
		return -1;
	vb.io = pci_io_bar(a, 0);
	if (!vb.io) {
		kprintf("virtio-blk: %02x:%02x.%x has no I/O BAR (legacy interface off?)\n", a.bus, a.dev, a.fn);
		return -1;
	}
	pci_write16(a, PCI_COMMAND, pci_read16(a, PCI_COMMAND) | PCI_CMD_IO | PCI_CMD_MASTER);

	outb(vb.io + REG_STATUS, 0);	/* reset */
	outb(vb.io + REG_STATUS, STATUS_ACKNOWLEDGE);
	outb(vb.io + REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	uint32_t features = io_in32(REG_DEVICE_FEATURES);
	outl(vb.io + REG_DRIVER_FEATURES, 0);	/* nothing optional is needed */
	outw(vb.io + REG_QUEUE_SELECT, 0);
	uint16_t q = io_in16(REG_QUEUE_SIZE);
	if ((features & VIRTIO_BLK_F_RO) || q < 3 * VBLK_BATCH) {
		kprintf("virtio-blk: unusable (features %x, queue size %u)\n", features, q);
		outb(vb.io + REG_STATUS, STATUS_FAILED);
		return -1;
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
		outb(vb.io + REG_STATUS, STATUS_FAILED);
		return -1;
	}
	uint8_t *base = phys_to_virt(ring);
	vb.qsize = q;
	vb.desc = (struct virtq_desc *)base;
	vb.avail = (volatile uint16_t *)(base + 16ULL * q);
	vb.used = (volatile uint16_t *)(base + used_off);
	vb.avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;	/* we poll */
	vb.hdr = phys_to_virt(reqs);
	vb.hdr_phys = reqs;
	vb.status = (volatile uint8_t *)(vb.hdr + VBLK_BATCH);
	vb.status_phys = reqs + VBLK_BATCH * sizeof(struct blk_req_header);
	outl(vb.io + REG_QUEUE_PFN, (uint32_t)(ring >> PAGE_SHIFT));
	outb(vb.io + REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
	vb.sectors = (uint64_t)io_in32(REG_CAPACITY) | (uint64_t)io_in32(REG_CAPACITY + 4) << 32;
	vb.present = true;
	kprintf("virtio-blk: %02x:%02x.%x io %x, %lu sectors (%lu MiB), queue size %u\n", a.bus, a.dev, a.fn, vb.io,
		vb.sectors, vb.sectors >> 11, q);
	return 0;
}

bool vblk_present(void)
{
	return vb.present;
}

uint64_t vblk_sectors(void)
{
	return vb.present ? vb.sectors : 0;
}

/* Submit ops[0..n) (n <= VBLK_BATCH) with one notification and poll until all are used. */
static int run_batch(const struct vblk_op *ops, unsigned n, bool write)
{
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &vb.desc[3 * k];
		vb.hdr[k] = (struct blk_req_header){ write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, 0, ops[k].sector };
		vb.status[k] = 0xff;
		d[0] = (struct virtq_desc){ vb.hdr_phys + k * sizeof(struct blk_req_header), sizeof(struct blk_req_header),
					    VIRTQ_DESC_F_NEXT, (uint16_t)(3 * k + 1) };
		d[1] = (struct virtq_desc){ ops[k].phys, PAGE_SIZE,
					    (uint16_t)(VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE)), (uint16_t)(3 * k + 2) };
		d[2] = (struct virtq_desc){ vb.status_phys + k, 1, VIRTQ_DESC_F_WRITE, 0 };
		vb.avail[2 + (vb.avail_idx + k) % vb.qsize] = (uint16_t)(3 * k);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* descriptors and ring entries before the index */
	vb.avail_idx = (uint16_t)(vb.avail_idx + n);
	vb.avail[1] = vb.avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the index before the doorbell */
	outw(vb.io + REG_QUEUE_NOTIFY, 0);

	uint16_t want = (uint16_t)(vb.used_idx + n);
	uint64_t deadline = rdtsc() + TIMEOUT_MS * time_tsc_per_ms();
	while (vb.used[1] != want) {
		if (rdtsc() > deadline) {
			kprintf("virtio-blk: no completion in %u ms; device given up\n", TIMEOUT_MS);
			outb(vb.io + REG_STATUS, STATUS_FAILED);
			vb.present = false;
			return -1;
		}
		pause();
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the used index before the status bytes */
	vb.used_idx = want;
	(void)inb(vb.io + REG_ISR);	/* acknowledge (interrupts are suppressed, the line may still be raised) */
	int rc = 0;
	for (unsigned k = 0; k < n; k++)
		if (vb.status[k] != VIRTIO_BLK_S_OK)
			rc = -1;
	return rc;
}

int vblk_transfer(const struct vblk_op *ops, unsigned n, bool write)
{
	if (!vb.present)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < n && vb.present; i += VBLK_BATCH) {
		unsigned m = n - i < VBLK_BATCH ? n - i : VBLK_BATCH;
		if (run_batch(ops + i, m, write))
			rc = -1;
	}
	return vb.present ? rc : -1;
}
