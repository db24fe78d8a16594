/*
 * kernel/fs/fat_node.c - files and directories in memory.  A node is shared
 * by every open of the object and stays cached after the last close (its
 * pages with it) until fat_idle.  Its cluster chain is kept as extents.  The
 * valid data length (vdl) makes extension cheap and safe: bytes past it read
 * as zeros whatever the newly allocated clusters hold, and the disk gets
 * zeros there before any later byte is written (or at flush).
 */
#include "fat.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/phys.h"
#include "mm/section.h"

#include <stddef.h>
#include <string.h>

static struct fat_node *nodes;

static struct fat_node *of_pc(struct pc_file *f)
{
	return (struct fat_node *)((char *)f - offsetof(struct fat_node, pc));
}

/* ---- extents ---- */

static ntstatus_t ext_add(struct fat_node *n, uint32_t dcl)
{
	if (n->next_ext) {
		struct fat_extent *e = &n->ext[n->next_ext - 1];
		if (e->dcl + e->n == dcl) {
			e->n++;
			n->chain_clusters++;
			return STATUS_SUCCESS;
		}
	}
	if (n->next_ext == n->cap_ext) {
		uint32_t cap = n->cap_ext ? n->cap_ext * 2 : 4;
		struct fat_extent *ne = kmalloc(cap * sizeof(*ne));
		if (!ne)
			return STATUS_NO_MEMORY;
		if (n->ext)
			memcpy(ne, n->ext, n->next_ext * sizeof(*ne));
		kfree(n->ext);
		n->ext = ne;
		n->cap_ext = cap;
	}
	n->ext[n->next_ext++] = (struct fat_extent){ n->chain_clusters, dcl, 1 };
	n->chain_clusters++;
	return STATUS_SUCCESS;
}

/* Walk the chain until `want` clusters are known or it ends (bounded by the cluster count). */
static ntstatus_t chain_walk(struct fat_node *n, uint32_t want)
{
	struct fat_vol *v = n->v;
	if (!n->first) {
		n->chain_done = true;
		return STATUS_SUCCESS;
	}
	if (!n->next_ext) {
		if (!fat_cluster_ok(v, n->first))
			return STATUS_FILE_CORRUPT_ERROR;
		ntstatus_t st = ext_add(n, n->first);
		if (st)
			return st;
	}
	while (!n->chain_done && n->chain_clusters < want) {
		if (n->chain_clusters > v->clusters)
			return STATUS_FILE_CORRUPT_ERROR;	/* a loop */
		struct fat_extent *e = &n->ext[n->next_ext - 1];
		uint32_t next;
		ntstatus_t st = fat_get(v, e->dcl + e->n - 1, &next);
		if (st)
			return st;
		if (next >= FAT_EOC) {
			n->chain_done = true;
			break;
		}
		if (!fat_cluster_ok(v, next))
			return STATUS_FILE_CORRUPT_ERROR;
		if ((st = ext_add(n, next)))
			return st;
	}
	return STATUS_SUCCESS;
}

static void chain_reset(struct fat_node *n)
{
	kfree(n->ext);
	n->ext = NULL;
	n->next_ext = n->cap_ext = n->chain_clusters = 0;
	n->chain_done = false;
}

/* The disk sector of file byte off and how many bytes from there are contiguous on disk (<= max). */
static ntstatus_t map(struct fat_node *n, uint64_t off, uint32_t max, uint64_t *sector, uint32_t *len)
{
	struct fat_vol *v = n->v;
	uint32_t fcl = (uint32_t)(off / v->cluster_bytes);
	ntstatus_t st = chain_walk(n, fcl + 1);
	if (st)
		return st;
	for (uint32_t i = 0; i < n->next_ext; i++) {
		struct fat_extent *e = &n->ext[i];
		if (fcl >= e->fcl && fcl < e->fcl + e->n) {
			uint64_t within = off - (uint64_t)e->fcl * v->cluster_bytes;
			uint64_t avail = (uint64_t)e->n * v->cluster_bytes - within;
			*sector = fat_cluster_sector(v, e->dcl) + within / 512;
			*len = avail < max ? (uint32_t)avail : max;
			return STATUS_SUCCESS;
		}
	}
	return STATUS_FILE_CORRUPT_ERROR;	/* the chain is shorter than the size says */
}

/* ---- batched requests ---- */

struct opbuf {
	struct fat_vol *v;
	bool write;
	unsigned n;
	ntstatus_t st;
	struct vblk_op ops[VBLK_BATCH];
};

static void ob_flush(struct opbuf *b)
{
	if (b->n && b->v->io(b->v, b->ops, b->n, b->write))
		b->st = b->write ? STATUS_IO_DEVICE_ERROR : STATUS_DEVICE_DATA_ERROR;
	b->n = 0;
}

static void ob_add(struct opbuf *b, uint64_t sector, uint64_t phys, uint32_t len)
{
	if (b->n) {
		struct vblk_op *p = &b->ops[b->n - 1];
		if (p->sector + p->len / 512 == sector && p->phys + p->len == phys && p->len + len <= VBLK_MAX_LEN) {
			p->len += len;
			return;
		}
	}
	if (b->n == VBLK_BATCH)
		ob_flush(b);
	b->ops[b->n++] = (struct vblk_op){ sector, phys, len };
}

/* Queue file bytes [off, off+len) (512-aligned) to or from phys. */
static ntstatus_t ob_file(struct opbuf *b, struct fat_node *n, uint64_t off, uint64_t phys, uint32_t len)
{
	while (len) {
		uint64_t sector;
		uint32_t run;
		ntstatus_t st = map(n, off, len, &sector, &run);
		if (st)
			return st;
		ob_add(b, sector, phys, run);
		off += run;
		phys += run;
		len -= run;
	}
	return STATUS_SUCCESS;
}

/*
 * Put zeros on the disk for file bytes [from, to), except in pages the cache
 * holds dirty (they will be written).  A sector holding `from` part-way keeps
 * its bytes before `from`.
 */
static ntstatus_t zero_range(struct fat_node *n, uint64_t from, uint64_t to)
{
	struct fat_vol *v = n->v;
	if (from >= to)
		return STATUS_SUCCESS;
	ntstatus_t st;
	if (from % 512) {	/* read-modify-write of the partial sector */
		uint64_t sec_start = from & ~511ULL;
		if (pagecache_state(&n->pc, from / PAGE_SIZE) != 2) {
			uint64_t sector;
			uint32_t run;
			if ((st = map(n, sec_start, 512, &sector, &run)))
				return st;
			struct vblk_op op = { sector, v->tmp_phys, 512 };
			if (v->io(v, &op, 1, false))
				return STATUS_DEVICE_DATA_ERROR;
			memset((uint8_t *)phys_to_virt(v->tmp_phys) + from % 512, 0, 512 - from % 512);
			if (v->io(v, &op, 1, true))
				return STATUS_IO_DEVICE_ERROR;
		}
		from = sec_start + 512;
	}
	struct opbuf b = { .v = v, .write = true };
	to = (to + 511) & ~511ULL;
	for (uint64_t off = from; off < to && !b.st;) {
		uint64_t page_end = (off / PAGE_SIZE + 1) * PAGE_SIZE, end = page_end < to ? page_end : to;
		if (pagecache_state(&n->pc, off / PAGE_SIZE) != 2 && (st = ob_file(&b, n, off, v->zero_phys + off % PAGE_SIZE,
										      (uint32_t)(end - off))))
			return st;
		off = end;
	}
	ob_flush(&b);
	return b.st;
}

/* The page cache's I/O for a file (mm/pagecache.h). */
static ntstatus_t node_io(struct pc_file *f, const uint64_t *index, const uint64_t *phys, unsigned cnt, bool write)
{
	struct fat_node *n = of_pc(f);
	struct opbuf b = { .v = n->v, .write = write };
	ntstatus_t st = STATUS_SUCCESS;
	if (!write) {
		for (unsigned i = 0; i < cnt && !st; i++) {
			uint64_t off = index[i] * PAGE_SIZE, end = off + PAGE_SIZE;
			uint64_t valid = n->vdl < end ? n->vdl : end;	/* bytes from the disk: [off, valid) */
			if (valid > off)
				st = ob_file(&b, n, off, phys[i], (uint32_t)(((valid - off) + 511) & ~511ULL));
		}
		ob_flush(&b);
		if (!st)
			st = b.st;
		for (unsigned i = 0; i < cnt && !st; i++) {
			uint64_t off = index[i] * PAGE_SIZE;
			uint64_t keep = n->vdl > off ? n->vdl - off : 0;
			if (keep < PAGE_SIZE)
				memset((uint8_t *)phys_to_virt(phys[i]) + keep, 0, PAGE_SIZE - keep);
		}
		return st;
	}
	for (unsigned i = 0; i < cnt && !st; i++) {
		uint64_t off = index[i] * PAGE_SIZE;
		if (off >= n->size)
			continue;	/* past the end (a truncation raced the write-back): nothing to keep */
		uint64_t end = off + PAGE_SIZE < n->size ? off + PAGE_SIZE : n->size;
		if (n->vdl < off) {
			ob_flush(&b);
			if ((st = zero_range(n, n->vdl, off)))
				break;
			n->vdl = (uint32_t)off;
		}
		st = ob_file(&b, n, off, phys[i], (uint32_t)(((end - off) + 511) & ~511ULL));
		if (!st && n->vdl < end)
			n->vdl = (uint32_t)end;
	}
	ob_flush(&b);
	return st ? st : b.st;
}

/* ---- nodes ---- */

static struct fat_node *node_new(struct fat_vol *v)
{
	struct fat_node *n = kmalloc(sizeof(*n));
	if (!n)
		return NULL;
	n->v = v;
	pagecache_file_init(&n->pc, node_io);
	n->refs = 1;
	n->next = nodes;
	nodes = n;
	return n;
}

static void node_free(struct fat_node *n)
{
	for (struct fat_node **pp = &nodes; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	pagecache_drop(&n->pc, true);
	chain_reset(n);
	kfree(n);
}

struct fat_node *fat_node_get(struct fat_vol *v, uint32_t dir, const struct fat_found *f)
{
	for (struct fat_node *n = nodes; n; n = n->next)
		if (n->v == v && n->dir == dir && n->off == f->off) {
			n->refs++;
			return n;
		}
	struct fat_node *n = node_new(v);
	if (!n)
		return NULL;
	const struct fat_dirent *d = &f->de;
	n->dir = dir;
	n->off = f->off;
	n->lfn_off = f->lfn_off;
	n->first = fat_de_cluster(d);
	n->attr = d->attr & (FAT_ATTR_SETTABLE | FAT_ATTR_DIRECTORY);
	n->size = fat_node_is_dir(n) ? 0 : d->size;
	n->vdl = n->size;
	n->ctime = fat_time_to_ft(d->cdate, d->ctime, d->ctime_cs);
	n->atime = fat_time_to_ft(d->adate, 0, 0);
	n->mtime = fat_time_to_ft(d->mdate, d->mtime, 0);
	return n;
}

struct fat_node *fat_node_root(struct fat_vol *v)
{
	for (struct fat_node *n = nodes; n; n = n->next)
		if (n->v == v && n->dir == 0) {
			n->refs++;
			return n;
		}
	struct fat_node *n = node_new(v);
	if (!n)
		return NULL;
	n->first = v->root;
	n->attr = FAT_ATTR_DIRECTORY;
	return n;
}

ntstatus_t fat_node_write_entry(struct fat_node *n)
{
	if (!n->dir)
		return STATUS_SUCCESS;	/* the root has no entry */
	struct fat_dirent d;
	ntstatus_t st = fat_dir_read(n->v, n->dir, n->off, &d);
	if (st)
		return st;
	d.size = fat_node_is_dir(n) ? 0 : n->size;
	d.cluster_hi = (uint16_t)(n->first >> 16);
	d.cluster_lo = (uint16_t)n->first;
	d.attr = n->attr;
	uint16_t date, time;
	uint8_t cs;
	fat_ft_to_time(n->ctime, &date, &time, &cs);
	d.cdate = date;
	d.ctime = time;
	d.ctime_cs = cs;
	fat_ft_to_time(n->atime, &date, &time, NULL);
	d.adate = date;
	fat_ft_to_time(n->mtime, &date, &time, NULL);
	d.mdate = date;
	d.mtime = time;
	if ((st = fat_dir_write(n->v, n->dir, n->off, &d)))
		return st;
	n->meta_dirty = false;
	return STATUS_SUCCESS;
}

ntstatus_t fat_node_resize(struct fat_node *n, uint64_t size)
{
	struct fat_vol *v = n->v;
	if (size > FAT_FILE_MAX)
		return STATUS_DISK_FULL;
	if (size < n->size && section_file_mapped_past(&n->pc, size))
		return STATUS_USER_MAPPED_FILE;	/* a view of a section still covers the part to go */
	uint32_t need = (uint32_t)((size + v->cluster_bytes - 1) / v->cluster_bytes);
	ntstatus_t st = chain_walk(n, UINT32_MAX);
	if (st)
		return st;
	uint32_t have = n->chain_clusters;
	if (need > have) {
		uint32_t last = have ? n->ext[n->next_ext - 1].dcl + n->ext[n->next_ext - 1].n - 1 : 0, first;
		if ((st = fat_alloc(v, need - have, last, &first)))
			return st;
		if (!have)
			n->first = first;
		chain_reset(n);	/* walked again on demand: the new clusters are usually one extent */
	} else if (need < have) {
		if (need == 0) {
			st = fat_free_chain(v, n->first);
			n->first = 0;
		} else {
			uint64_t sector;
			uint32_t run;
			if ((st = map(n, (uint64_t)(need - 1) * v->cluster_bytes, 1, &sector, &run)))
				return st;
			uint32_t lastc = (uint32_t)((sector - v->data_start) / v->spc + 2), next;
			if (!(st = fat_get(v, lastc, &next)) && !(st = fat_set(v, lastc, 0x0fffffff)) && fat_cluster_ok(v, next))
				st = fat_free_chain(v, next);
		}
		chain_reset(n);
		if (st)
			return st;
	}
	if (size < n->size) {
		pagecache_truncate(&n->pc, size);
		if (n->vdl > size)
			n->vdl = (uint32_t)size;
	}
	n->size = (uint32_t)size;
	n->mtime = clock_now();
	n->meta_dirty = true;
	return STATUS_SUCCESS;
}

ntstatus_t fat_node_flush(struct fat_node *n)
{
	return fat_node_flush_range(n, 0, UINT64_MAX);
}

ntstatus_t fat_node_flush_range(struct fat_node *n, uint64_t first, uint64_t last)
{
	ntstatus_t st = STATUS_SUCCESS;
	if (!fat_node_is_dir(n)) {
		st = pagecache_flush_range(&n->pc, first, last);
		if (!st && n->vdl < n->size && last == UINT64_MAX) {
			st = zero_range(n, n->vdl, n->size);
			if (!st)
				n->vdl = n->size;
		}
	}
	if (!st && n->meta_dirty)
		st = fat_node_write_entry(n);
	ntstatus_t st2 = fat_sync(n->v);
	return st ? st : st2;
}

ntstatus_t fat_node_delete(struct fat_node *n)
{
	pagecache_drop(&n->pc, true);
	ntstatus_t st = fat_dir_remove(n->v, n->dir, n->lfn_off, n->off);
	if (!st && n->first)
		st = fat_free_chain(n->v, n->first);
	n->first = 0;
	n->size = n->vdl = 0;
	n->meta_dirty = false;
	n->dir = 0xffffffff;	/* matches no entry any more */
	n->off = 0xffffffff;
	chain_reset(n);
	return st;
}

void fat_node_put(struct fat_node *n)
{
	if (--n->refs)
		return;
	if (n->delete_pending) {
		fat_node_delete(n);
		node_free(n);
		return;
	}
	if (n->meta_dirty)
		fat_node_write_entry(n);
}

void fat_idle(struct fat_vol *v)
{
	for (struct fat_node *n = nodes, *nx; n; n = nx) {
		nx = n->next;
		if (n->v != v)
			continue;
		if (!fat_node_is_dir(n) || n->meta_dirty)
			fat_node_flush(n);
		if (!n->refs)
			node_free(n);
	}
	fat_sync(v);
	bcache_drop_all(v);
}
