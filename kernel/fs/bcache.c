/*
 * kernel/fs/bcache.c - the metadata buffer cache: FAT blocks and directory
 * blocks, by disk position (docs/files.md says why metadata is not in the
 * page cache).  A buffer is up to 8 sectors in one frame and never crosses a
 * FAT or cluster boundary, so a buffer never aliases file data.  At most
 * BCACHE_MAX buffers; the least recently used unpinned one is reused (written
 * first when dirty).  Buffers of the first FAT are written to every FAT copy.
 */
#include "fat.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/phys.h"

#include <string.h>

#define BCACHE_MAX  128
#define BCACHE_HASH 64

static struct buf *hash[BCACHE_HASH];
static struct buf lru = { .lprev = &lru, .lnext = &lru };	/* most recent first */
static uint32_t count;

static unsigned hslot(uint64_t sector)
{
	return (unsigned)((sector >> 3) % BCACHE_HASH);
}

uint32_t bcache_count(void)
{
	return count;
}

static void lru_unlink(struct buf *b)
{
	b->lprev->lnext = b->lnext;
	b->lnext->lprev = b->lprev;
}

static void lru_front(struct buf *b)
{
	b->lnext = lru.lnext;
	b->lprev = &lru;
	lru.lnext->lprev = b;
	lru.lnext = b;
}

static void unhash(struct buf *b)
{
	struct buf **pp = &hash[hslot(b->sector)];
	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
}

static void destroy(struct buf *b)
{
	unhash(b);
	lru_unlink(b);
	frame_free(b->phys, 0);
	kfree(b);
	count--;
}

/* Write b (and its FAT copies); 0 or -1. */
static int write_buf(struct buf *b)
{
	struct fat_vol *v = b->v;
	struct vblk_op ops[8];
	unsigned n = 0;
	uint32_t copies = b->fat ? v->nfats : 1;
	for (uint32_t k = 0; k < copies && n < 8; k++)
		ops[n++] = (struct vblk_op){ b->sector + k * v->fat_sectors, b->phys, b->nsect * 512 };
	if (v->io(v, ops, n, true))
		return -1;
	b->dirty = false;
	return 0;
}

struct buf *buf_get(struct fat_vol *v, uint64_t sector, uint32_t nsect, bool noread)
{
	for (struct buf *b = hash[hslot(sector)]; b; b = b->hnext)
		if (b->v == v && b->sector == sector) {
			if (b->nsect != nsect)
				return NULL;	/* cannot happen with one geometry; refuse rather than alias */
			b->pins++;
			lru_unlink(b);
			lru_front(b);
			if (noread) {
				memset(b->data, 0, nsect * 512);
				b->dirty = true;
			}
			return b;
		}
	struct buf *b = NULL;
	if (count >= BCACHE_MAX) {	/* reuse the least recent unpinned buffer */
		for (struct buf *c = lru.lprev; c != &lru; c = c->lprev)
			if (!c->pins && (!c->dirty || write_buf(c) == 0)) {
				b = c;
				break;
			}
		if (b) {
			unhash(b);
			lru_unlink(b);
		}
	}
	if (!b) {
		b = kmalloc(sizeof(*b));
		if (!b)
			return NULL;
		b->phys = frame_alloc(0, FRAME_KERNEL);
		if (!b->phys) {
			kfree(b);
			return NULL;
		}
		b->data = phys_to_virt(b->phys);
		count++;
	}
	b->v = v;
	b->sector = sector;
	b->nsect = nsect;
	b->pins = 1;
	b->dirty = false;
	b->fat = sector >= v->fat_start && sector < v->fat_start + v->fat_sectors;
	b->hnext = hash[hslot(sector)];
	hash[hslot(sector)] = b;
	lru_front(b);
	if (noread) {
		memset(b->data, 0, nsect * 512);
		b->dirty = true;
	} else {
		struct vblk_op op = { sector, b->phys, nsect * 512 };
		if (v->io(v, &op, 1, false)) {
			b->pins = 0;
			destroy(b);
			return NULL;
		}
	}
	return b;
}

void buf_put(struct buf *b)
{
	if (b && b->pins)
		b->pins--;
}

void buf_dirty(struct buf *b)
{
	b->dirty = true;
}

ntstatus_t bcache_flush(struct fat_vol *v)
{
	/* Sorted by sector so the device sees ascending requests; n is small (BCACHE_MAX). */
	struct buf *d[BCACHE_MAX];
	unsigned n = 0;
	for (struct buf *b = lru.lnext; b != &lru; b = b->lnext)
		if (b->v == v && b->dirty && n < BCACHE_MAX)
			d[n++] = b;
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && d[j - 1]->sector > d[j]->sector; j--) {
			struct buf *t = d[j];
			d[j] = d[j - 1];
			d[j - 1] = t;
		}
	struct vblk_op ops[VBLK_BATCH];
	unsigned k = 0, first = 0;
	ntstatus_t st = STATUS_SUCCESS;
	for (unsigned i = 0; i <= n; i++) {
		uint32_t copies = i < n && d[i]->fat ? v->nfats : 1;
		if (i == n || k + copies > VBLK_BATCH) {
			if (k && v->io(v, ops, k, true))
				st = STATUS_IO_DEVICE_ERROR;
			else
				for (unsigned j = first; j < i; j++)
					d[j]->dirty = false;
			k = 0;
			first = i;
			if (i == n)
				break;
		}
		for (uint32_t c = 0; c < copies; c++)
			ops[k++] = (struct vblk_op){ d[i]->sector + c * v->fat_sectors, d[i]->phys, d[i]->nsect * 512 };
	}
	return st;
}

void bcache_invalidate(struct fat_vol *v, uint64_t sector, uint64_t n)
{
	for (struct buf *b = lru.lnext, *nx; b != &lru; b = nx) {
		nx = b->lnext;
		if (b->v == v && b->sector >= sector && b->sector < sector + n && !b->pins)
			destroy(b);
	}
}

void bcache_drop_all(struct fat_vol *v)
{
	bcache_flush(v);
	for (struct buf *b = lru.lnext, *nx; b != &lru; b = nx) {
		nx = b->lnext;
		if (b->v == v && !b->pins && !b->dirty)
			destroy(b);
	}
}
