/*
 * kernel/fs/fat_vol.c - the FAT32 volume: boot sector checks, mount, FAT
 * entries, cluster allocation and the free count (FSInfo).  Layout facts
 * from Microsoft's "FAT: General Overview of On-Disk Format" (fatgen103).
 */
#include "fat.h"
#include "kernel/console.h"
#include "mm/frame.h"
#include "mm/phys.h"

#include <string.h>

struct fat_vol *fat_c;

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

int fat_io_vblk(struct fat_vol *v, const struct vblk_op *ops, unsigned n, bool write)
{
	return vblk_dev_transfer(v->dev, ops, n, write);
}

ntstatus_t fat_parse_bpb(struct fat_vol *v, const uint8_t *bs, uint64_t dev_sectors)
{
	uint32_t bps = rd16(bs + 11), spc = bs[13], reserved = rd16(bs + 14), nfats = bs[16];
	uint32_t root_entries = rd16(bs + 17), total16 = rd16(bs + 19), fatsz16 = rd16(bs + 22);
	uint32_t total32 = rd32(bs + 32), fatsz32 = rd32(bs + 36), root = rd32(bs + 44);
	uint32_t fsinfo = rd16(bs + 48);
	if ((bs[0] != 0xeb && bs[0] != 0xe9) || bs[510] != 0x55 || bs[511] != 0xaa)
		return STATUS_UNRECOGNIZED_VOLUME;
	if (!pow2(bps) || bps < 512 || bps > 4096 || !pow2(spc) || spc > 128 || bps * spc > 65536)
		return STATUS_UNRECOGNIZED_VOLUME;
	if (!reserved || nfats < 1 || nfats > 2 || root_entries || total16 || fatsz16 || !fatsz32 || !total32)
		return STATUS_UNRECOGNIZED_VOLUME;	/* not FAT32 */
	uint32_t sps = bps / 512;
	uint64_t total = (uint64_t)total32 * sps, fat_sectors = (uint64_t)fatsz32 * sps;
	uint64_t data_start = (uint64_t)reserved * sps + nfats * fat_sectors;
	if (total > dev_sectors || data_start >= total)
		return STATUS_UNRECOGNIZED_VOLUME;
	uint64_t clusters = (total - data_start) / (spc * sps);
	/* The FAT must describe every cluster (entries 0 and 1 are reserved); cluster numbers are 28 bits. */
	if (clusters < 1 || clusters > 0x0ffffff5 - 2 || fat_sectors * 512 / 4 < clusters + 2)
		return STATUS_UNRECOGNIZED_VOLUME;
	if (root < 2 || root > clusters + 1)
		return STATUS_UNRECOGNIZED_VOLUME;
	v->sps = sps;
	v->spc = spc * sps;
	v->cluster_bytes = bps * spc;
	v->fat_start = (uint64_t)reserved * sps;
	v->fat_sectors = fat_sectors;
	v->nfats = nfats;
	v->data_start = data_start;
	v->clusters = (uint32_t)clusters;
	v->root = root;
	v->fsinfo = fsinfo >= 1 && fsinfo < reserved ? (uint64_t)fsinfo * sps : 0;
	v->serial = rd32(bs + 67);
	int i = 0;
	for (; i < 11 && bs[71 + i] >= 0x20 && bs[71 + i] < 0x7f; i++)
		v->label[i] = (char)bs[71 + i];
	while (i > 0 && v->label[i - 1] == ' ')
		i--;
	v->label[i] = 0;
	return STATUS_SUCCESS;
}

bool fat_cluster_ok(const struct fat_vol *v, uint32_t c)
{
	return c >= 2 && c <= v->clusters + 1;
}

uint64_t fat_cluster_sector(const struct fat_vol *v, uint32_t c)
{
	return v->data_start + (uint64_t)(c - 2) * v->spc;
}

/* The buffer holding the FAT entry of c and the entry's byte offset in it. */
static struct buf *fat_buf(struct fat_vol *v, uint32_t c, uint32_t *at)
{
	uint64_t byte = (uint64_t)c * 4, sec = byte / 512, blk = sec & ~7ULL;
	uint32_t n = v->fat_sectors - blk < 8 ? (uint32_t)(v->fat_sectors - blk) : 8;
	*at = (uint32_t)(byte - blk * 512);
	return buf_get(v, v->fat_start + blk, n, false);
}

ntstatus_t fat_get(struct fat_vol *v, uint32_t c, uint32_t *next)
{
	if (!fat_cluster_ok(v, c))
		return STATUS_FILE_CORRUPT_ERROR;
	uint32_t at;
	struct buf *b = fat_buf(v, c, &at);
	if (!b)
		return STATUS_DEVICE_DATA_ERROR;
	*next = rd32(b->data + at) & 0x0fffffff;
	buf_put(b);
	return STATUS_SUCCESS;
}

ntstatus_t fat_set(struct fat_vol *v, uint32_t c, uint32_t value)
{
	if (!fat_cluster_ok(v, c))
		return STATUS_FILE_CORRUPT_ERROR;
	uint32_t at;
	struct buf *b = fat_buf(v, c, &at);
	if (!b)
		return STATUS_DEVICE_DATA_ERROR;
	uint32_t old = rd32(b->data + at);
	uint32_t nv = (old & 0xf0000000) | (value & 0x0fffffff);	/* the top four bits are reserved */
	memcpy(b->data + at, &nv, 4);
	buf_dirty(b);
	buf_put(b);
	return STATUS_SUCCESS;
}

/* Count free clusters and find the first, reading the FAT directly (mount). */
static ntstatus_t count_free(struct fat_vol *v)
{
	uint64_t buf = frame_alloc(4, FRAME_KERNEL);	/* 64 KiB at a time */
	if (!buf)
		return STATUS_NO_MEMORY;
	const uint32_t *e = phys_to_virt(buf);
	uint32_t free = 0, first = 0;
	uint64_t need = ((uint64_t)v->clusters + 2) * 4;	/* bytes of FAT in use */
	ntstatus_t st = STATUS_SUCCESS;
	for (uint64_t off = 0; off < need; off += 65536) {
		uint64_t bytes = need - off < 65536 ? need - off : 65536;
		uint32_t len = (uint32_t)((bytes + 511) & ~511ULL);
		struct vblk_op op = { v->fat_start + off / 512, buf, len };
		if (v->io(v, &op, 1, false)) {
			st = STATUS_DEVICE_DATA_ERROR;
			break;
		}
		for (uint64_t i = 0; i < bytes / 4; i++) {
			uint64_t c = off / 4 + i;
			if (c >= 2 && !(e[i] & 0x0fffffff)) {
				free++;
				if (!first)
					first = (uint32_t)c;
			}
		}
	}
	frame_free(buf, 4);
	v->free_count = free;
	v->next_free = first ? first : 2;
	return st;
}

ntstatus_t fat_mount(struct fat_vol *v, uint64_t dev_sectors)
{
	uint64_t page = frame_alloc_zeroed(0, FRAME_KERNEL);
	if (!page)
		return STATUS_NO_MEMORY;
	struct vblk_op op = { 0, page, 4096 };
	ntstatus_t st = v->io(v, &op, 1, false) ? STATUS_DEVICE_DATA_ERROR : fat_parse_bpb(v, phys_to_virt(page), dev_sectors);
	if (!st && v->fsinfo) {	/* FSInfo: signatures at 0, 484, 508; kept only if they match */
		op.sector = v->fsinfo;
		const uint8_t *fi = phys_to_virt(page);
		if (v->io(v, &op, 1, false) || rd32(fi) != 0x41615252 || rd32(fi + 484) != 0x61417272 ||
		    rd32(fi + 508) != 0xaa550000)
			v->fsinfo = 0;
	}
	frame_free(page, 0);
	if (!st)
		st = count_free(v);
	if (!st) {
		v->fsinfo_dirty = v->fsinfo != 0;	/* the first sync writes the exact count */
		v->zero_phys = frame_alloc_zeroed(0, FRAME_KERNEL);
		v->tmp_phys = frame_alloc_zeroed(0, FRAME_KERNEL);
		if (!v->zero_phys || !v->tmp_phys)
			st = STATUS_NO_MEMORY;
	}
	return st;
}

ntstatus_t fat_alloc(struct fat_vol *v, uint32_t n, uint32_t last, uint32_t *first)
{
	if (!n || n > v->free_count)
		return n ? STATUS_DISK_FULL : STATUS_INVALID_PARAMETER;
	uint32_t got = 0, prev = last, c = v->next_free, scanned = 0;
	*first = 0;
	ntstatus_t st = STATUS_SUCCESS;
	while (got < n && scanned < v->clusters) {
		if (!fat_cluster_ok(v, c))
			c = 2;
		uint32_t e;
		if ((st = fat_get(v, c, &e)))
			break;
		scanned++;
		if (e == 0) {
			if ((st = fat_set(v, c, 0x0fffffff)) || (prev && (st = fat_set(v, prev, c))))
				break;
			if (!*first)
				*first = c;
			prev = c;
			got++;
		}
		c++;
	}
	if (!st && got < n)
		st = STATUS_DISK_CORRUPT_ERROR;	/* the free count was wrong */
	if (st) {	/* undo: the new chain goes back, `last` ends the old one again */
		if (*first)
			fat_free_chain(v, *first);
		if (last)
			fat_set(v, last, 0x0fffffff);
		*first = 0;
		return st;
	}
	v->free_count -= n;
	v->next_free = c;
	v->fsinfo_dirty = true;
	return STATUS_SUCCESS;
}

ntstatus_t fat_free_chain(struct fat_vol *v, uint32_t c)
{
	v->gen++;
	for (uint32_t steps = 0; fat_cluster_ok(v, c) && steps < v->clusters; steps++) {
		uint32_t next;
		ntstatus_t st = fat_get(v, c, &next);
		if (st)
			return st;
		if (next == 0)
			return STATUS_FILE_CORRUPT_ERROR;	/* a chain through a free cluster */
		if ((st = fat_set(v, c, 0)))
			return st;
		bcache_invalidate(v, fat_cluster_sector(v, c), v->spc);
		v->free_count++;
		v->fsinfo_dirty = true;
		c = next;
	}
	return STATUS_SUCCESS;
}

ntstatus_t fat_sync(struct fat_vol *v)
{
	if (v->fsinfo_dirty && v->fsinfo) {
		struct buf *b = buf_get(v, v->fsinfo, 1, false);
		if (!b)
			return STATUS_DEVICE_DATA_ERROR;
		memcpy(b->data + 488, &v->free_count, 4);
		memcpy(b->data + 492, &v->next_free, 4);
		buf_dirty(b);
		buf_put(b);
	}
	v->fsinfo_dirty = false;
	return bcache_flush(v);
}
