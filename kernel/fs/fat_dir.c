/*
 * kernel/fs/fat_dir.c - directories: 32-byte entries in the directory's
 * cluster chain, read and written through the buffer cache; long names as
 * VFAT entry sets (up to 20 entries of 13 UTF-16 units, last first, each
 * with the checksum of the short entry that follows them).
 */
#include "fat.h"

#include <string.h>

/* The cluster holding byte off of directory dir (chain walked, bounded); *last the last cluster seen. */
static ntstatus_t dir_cluster(struct fat_vol *v, uint32_t dir, uint32_t off, uint32_t *c, uint32_t *last)
{
	static struct fat_vol *cv;	/* the last walk, reused when the next asks for the same or a later cluster */
	static uint32_t cdir, cidx, ccl, cgen;
	uint32_t want = off / v->cluster_bytes, i = 0, cl = dir;
	if (!fat_cluster_ok(v, dir))
		return STATUS_FILE_CORRUPT_ERROR;
	if (cv == v && cdir == dir && cgen == v->gen && cidx <= want) {
		i = cidx;
		cl = ccl;
	}
	*last = cl;
	for (; i < want; i++) {
		uint32_t next;
		ntstatus_t st = fat_get(v, cl, &next);
		if (st)
			return st;
		if (next >= FAT_EOC) {
			*c = 0;	/* past the end */
			return STATUS_SUCCESS;
		}
		if (!fat_cluster_ok(v, next))
			return STATUS_FILE_CORRUPT_ERROR;
		cl = next;
		*last = cl;
	}
	cv = v;
	cdir = dir;
	cgen = v->gen;
	cidx = want;
	ccl = cl;
	*c = cl;
	return STATUS_SUCCESS;
}

/* Forget dir_cluster's memory (a chain changed). */
static void dir_forget(struct fat_vol *v, uint32_t dir)
{
	uint32_t c, l;
	dir_cluster(v, dir, 0, &c, &l);	/* resets the walk to the first cluster */
}

/* The buffer holding entry off of dir (pinned) and the entry in it; NULL with *st (0 past the end). */
static uint8_t *entry_at(struct fat_vol *v, uint32_t dir, uint32_t off, struct buf **bp, ntstatus_t *st)
{
	uint32_t c, last;
	*bp = NULL;
	if (off >= FAT_DIR_MAX) {
		*st = STATUS_SUCCESS;
		return NULL;
	}
	if ((*st = dir_cluster(v, dir, off, &c, &last)) || !c)
		return NULL;
	uint32_t in = off % v->cluster_bytes, blk = in / 4096;
	uint32_t nsect = v->spc - blk * 8 < 8 ? v->spc - blk * 8 : 8;
	struct buf *b = buf_get(v, fat_cluster_sector(v, c) + blk * 8, nsect, false);
	if (!b) {
		*st = STATUS_DEVICE_DATA_ERROR;
		return NULL;
	}
	*bp = b;
	return b->data + (in - blk * 4096);
}

/*
 * A cursor over a directory's entries: the block last looked at stays pinned,
 * so the entries after it cost a pointer each instead of a chain lookup and a
 * buffer lookup (a scan of a small directory was mostly that).  cur_done
 * unpins it; every user calls it on every path out.
 */
struct dcur {
	struct fat_vol *v;
	uint32_t dir;
	uint32_t lo, hi;	/* the directory bytes [lo, hi) that b holds */
	struct buf *b;
};

static void cur_init(struct dcur *c, struct fat_vol *v, uint32_t dir)
{
	c->v = v;
	c->dir = dir;
	c->lo = c->hi = 0;
	c->b = NULL;
}

static void cur_done(struct dcur *c)
{
	buf_put(c->b);
	c->b = NULL;
}

/* Entry off of the cursor's directory (valid until the cursor moves or is done); NULL with *st (0 past the end). */
static uint8_t *cur_at(struct dcur *c, uint32_t off, ntstatus_t *st)
{
	if (c->b && off >= c->lo && off < c->hi)
		return c->b->data + (off - c->lo);
	cur_done(c);
	uint8_t *e = entry_at(c->v, c->dir, off, &c->b, st);
	if (e) {
		c->lo = off - (uint32_t)(e - c->b->data);
		c->hi = c->lo + c->b->nsect * 512;
	}
	return e;
}

/* What a scan looks for: the next live entry, a name (long or short, case-insensitive), or a raw short name. */
struct want {
	const uint16_t *name;	/* with len */
	uint32_t len;
	const uint8_t *sfn;	/* 11 bytes */
};

/*
 * The scan behind fat_dir_next and the lookups: from *pos, the next live
 * entry that w accepts (any with w NULL).  Names are built only for an entry
 * that is returned or compared by name.
 */
static ntstatus_t scan(struct fat_vol *v, uint32_t dir, uint32_t *pos, struct fat_found *out, const struct want *w)
{
	/*
	 * lfn is not cleared: a set is used only when complete (entries
	 * seq..1 all seen), and those write every unit of lfn[0, seq * 13)
	 * that is read.
	 */
	uint16_t lfn[20 * 13];
	int expect = 0, total = 0;	/* the long-name entry expected next (counting down), entries in the set */
	uint8_t sum = 0;
	uint32_t set_start = 0;
	struct dcur c;
	ntstatus_t st = STATUS_NO_MORE_FILES;
	cur_init(&c, v, dir);
	for (uint32_t off = *pos & ~31u;; off += 32) {
		uint8_t *e = cur_at(&c, off, &st);
		if (!e) {
			*pos = off;
			if (!st)
				st = STATUS_NO_MORE_FILES;
			break;
		}
		if (e[0] == 0) {
			*pos = off;
			st = STATUS_NO_MORE_FILES;
			break;
		}
		if (e[0] == 0xe5) {
			expect = 0;
			continue;
		}
		if ((e[11] & 0x3f) == FAT_ATTR_LFN) {
			const struct fat_lfn *l = (const struct fat_lfn *)e;
			int seq = l->seq & 0x1f;
			if ((l->seq & 0x40) && seq >= 1 && seq <= 20) {
				expect = total = seq;
				sum = l->checksum;
				set_start = off;
			} else if (!expect || seq != expect || l->checksum != sum) {
				expect = 0;	/* an orphan: ignored */
				continue;
			}
			uint16_t *dst = &lfn[(seq - 1) * 13];
			memcpy(dst, l->name1, 10);
			memcpy(dst + 5, l->name2, 12);
			memcpy(dst + 11, l->name3, 4);
			expect = seq - 1 ? seq - 1 : -1;	/* -1: complete, the short entry comes next */
			continue;
		}
		const struct fat_dirent *de = (const struct fat_dirent *)e;
		bool complete = expect == -1;
		expect = 0;
		if (de->attr & FAT_ATTR_VOLUME)
			continue;
		if (w && w->sfn && memcmp(de->name, w->sfn, 11) != 0)
			continue;
		uint32_t n = 0;	/* the long name's length (0: none) */
		if (complete && fat_sfn_checksum(de->name) == sum)
			while (n < (uint32_t)total * 13 && lfn[n] != 0 && n < FAT_NAME_MAX)
				n++;
		out->slen = fat_sfn_to_name(de->name, de->nt_case, out->sname);
		if (w && w->name && !(n && fat_name_eq(lfn, n, w->name, w->len)) &&
		    !fat_name_eq(out->sname, out->slen, w->name, w->len))
			continue;	/* neither the long name nor the short one */
		out->off = off;
		memcpy(&out->de, de, 32);
		out->has_lfn = n != 0;
		if (n) {
			memcpy(out->name, lfn, n * 2);
			out->len = n;
			out->lfn_off = set_start;
		} else {
			memcpy(out->name, out->sname, out->slen * 2);
			out->len = out->slen;
			out->lfn_off = off;
		}
		*pos = off + 32;
		st = STATUS_SUCCESS;
		break;
	}
	cur_done(&c);
	return st;
}

ntstatus_t fat_dir_next(struct fat_vol *v, uint32_t dir, uint32_t *pos, struct fat_found *out)
{
	return scan(v, dir, pos, out, NULL);
}

ntstatus_t fat_dir_lookup(struct fat_vol *v, uint32_t dir, const uint16_t *name, uint32_t len, struct fat_found *out)
{
	uint32_t pos = 0;
	struct want w = { name, len, NULL };
	ntstatus_t st = scan(v, dir, &pos, out, &w);
	return st == STATUS_NO_MORE_FILES ? STATUS_OBJECT_NAME_NOT_FOUND : st;
}

/* Does dir hold a short entry named sfn? */
static ntstatus_t sfn_exists(struct fat_vol *v, uint32_t dir, const uint8_t sfn[11], bool *exists)
{
	uint32_t pos = 0;
	struct fat_found f;
	struct want w = { NULL, 0, sfn };
	ntstatus_t st = scan(v, dir, &pos, &f, &w);
	*exists = st == STATUS_SUCCESS;
	return st == STATUS_NO_MORE_FILES ? STATUS_SUCCESS : st;
}

/* Append a zeroed cluster to directory dir, whose last cluster is last. */
static ntstatus_t dir_extend(struct fat_vol *v, uint32_t dir, uint32_t last)
{
	uint32_t c;
	ntstatus_t st = fat_alloc(v, 1, last, &c);
	if (st)
		return st;
	dir_forget(v, dir);
	for (uint32_t blk = 0; blk * 8 < v->spc; blk++) {
		uint32_t nsect = v->spc - blk * 8 < 8 ? v->spc - blk * 8 : 8;
		struct buf *b = buf_get(v, fat_cluster_sector(v, c) + blk * 8, nsect, true);
		if (!b)
			return STATUS_DEVICE_DATA_ERROR;
		buf_put(b);
	}
	return STATUS_SUCCESS;
}

/* Find n consecutive free entries in dir (extending it when needed): *at the first. */
static ntstatus_t find_slots(struct fat_vol *v, uint32_t dir, uint32_t n, uint32_t *at)
{
	uint32_t run = 0, start = 0;
	struct dcur c;
	ntstatus_t st = STATUS_SUCCESS;
	bool found = false;
	cur_init(&c, v, dir);
	for (uint32_t off = 0; off < FAT_DIR_MAX && !found; off += 32) {
		uint8_t *e = cur_at(&c, off, &st);
		if (!e) {
			uint32_t cl, last;
			if (st || (st = dir_cluster(v, dir, off - 32, &cl, &last)) || (st = dir_extend(v, dir, cl)))
				break;
			off -= 32;	/* look at the new cluster */
			continue;
		}
		if (e[0] != 0 && e[0] != 0xe5) {
			run = 0;
			continue;
		}
		if (!run++)
			start = off;
		found = run == n;
	}
	cur_done(&c);
	if (!st && !found)
		st = STATUS_DISK_FULL;	/* the directory is at its 65536 entries */
	*at = start;
	return st;
}

/* Write the 32 bytes at off of the cursor's directory. */
static ntstatus_t put_entry(struct dcur *c, uint32_t off, const void *src)
{
	ntstatus_t st;
	uint8_t *e = cur_at(c, off, &st);
	if (!e)
		return st ? st : STATUS_FILE_CORRUPT_ERROR;
	memcpy(e, src, 32);
	buf_dirty(c->b);
	return STATUS_SUCCESS;
}

ntstatus_t fat_dir_add(struct fat_vol *v, uint32_t dir, const uint16_t *name, uint32_t len, const struct fat_dirent *de,
		       struct fat_found *out)
{
	struct fat_dirent d = *de;
	uint8_t nt_case = 0;
	bool need_lfn = !fat_name_is_short(name, len, d.name, &nt_case);
	ntstatus_t st;
	if (need_lfn) {
		uint32_t baselen;
		uint8_t basis[11];
		fat_alias_basis(name, len, basis, &baselen);
		bool exists = true;
		for (uint32_t n = 1; exists && n < 1000000; n++) {
			memcpy(d.name, basis, 11);
			fat_alias_number(d.name, baselen, n);
			if ((st = sfn_exists(v, dir, d.name, &exists)))
				return st;
		}
		if (exists)
			return STATUS_OBJECT_NAME_COLLISION;
		d.nt_case = 0;
	} else
		d.nt_case = nt_case;
	uint32_t nlfn = need_lfn ? (len + 12) / 13 : 0, at;
	if ((st = find_slots(v, dir, nlfn + 1, &at)))
		return st;
	uint8_t sum = fat_sfn_checksum(d.name);
	struct dcur c;
	cur_init(&c, v, dir);
	for (uint32_t k = nlfn; k >= 1 && !st; k--) {
		struct fat_lfn l;
		uint16_t part[13];
		for (uint32_t i = 0; i < 13; i++) {
			uint32_t p = (k - 1) * 13 + i;
			part[i] = p < len ? name[p] : p == len ? 0 : 0xffff;
		}
		l.seq = (uint8_t)(k | (k == nlfn ? 0x40 : 0));
		memcpy(l.name1, part, 10);
		memcpy(l.name2, part + 5, 12);
		memcpy(l.name3, part + 11, 4);
		l.attr = FAT_ATTR_LFN;
		l.type = 0;
		l.checksum = sum;
		l.zero = 0;
		st = put_entry(&c, at + (nlfn - k) * 32, &l);
	}
	uint32_t off = at + nlfn * 32;
	if (!st)
		st = put_entry(&c, off, &d);
	cur_done(&c);
	if (st)
		return st;
	if (out) {
		out->off = off;
		out->lfn_off = at;
		out->de = d;
		out->has_lfn = need_lfn;
		memcpy(out->name, name, len * 2);
		out->len = len;
		out->slen = fat_sfn_to_name(d.name, d.nt_case, out->sname);
	}
	return STATUS_SUCCESS;
}

ntstatus_t fat_dir_remove(struct fat_vol *v, uint32_t dir, uint32_t lfn_off, uint32_t off)
{
	struct dcur c;
	ntstatus_t st = STATUS_SUCCESS;
	cur_init(&c, v, dir);
	for (uint32_t o = lfn_off; o <= off && !st; o += 32) {
		uint8_t *e = cur_at(&c, o, &st);
		if (!e) {
			st = st ? st : STATUS_FILE_CORRUPT_ERROR;
			break;
		}
		e[0] = 0xe5;
		buf_dirty(c.b);
	}
	cur_done(&c);
	return st;
}

ntstatus_t fat_dir_read(struct fat_vol *v, uint32_t dir, uint32_t off, struct fat_dirent *de)
{
	struct buf *b;
	ntstatus_t st;
	uint8_t *e = entry_at(v, dir, off, &b, &st);
	if (!e)
		return st ? st : STATUS_FILE_CORRUPT_ERROR;
	memcpy(de, e, 32);
	buf_put(b);
	return STATUS_SUCCESS;
}

ntstatus_t fat_dir_write(struct fat_vol *v, uint32_t dir, uint32_t off, const struct fat_dirent *de)
{
	struct dcur c;
	cur_init(&c, v, dir);
	ntstatus_t st = put_entry(&c, off, de);
	cur_done(&c);
	return st;
}

ntstatus_t fat_dir_empty(struct fat_vol *v, uint32_t dir, bool *empty)
{
	uint32_t pos = 0;
	struct fat_found f;
	*empty = true;
	for (;;) {
		ntstatus_t st = fat_dir_next(v, dir, &pos, &f);
		if (st == STATUS_NO_MORE_FILES)
			return STATUS_SUCCESS;
		if (st)
			return st;
		if (f.de.name[0] == '.' && (f.de.name[1] == ' ' || (f.de.name[1] == '.' && f.de.name[2] == ' ')))
			continue;
		*empty = false;
		return STATUS_SUCCESS;
	}
}

ntstatus_t fat_dir_make(struct fat_vol *v, uint32_t parent, const struct fat_dirent *self, uint32_t *cluster)
{
	uint32_t c;
	ntstatus_t st = fat_alloc(v, 1, 0, &c);
	if (st)
		return st;
	for (uint32_t blk = 0; blk * 8 < v->spc; blk++) {
		uint32_t nsect = v->spc - blk * 8 < 8 ? v->spc - blk * 8 : 8;
		struct buf *b = buf_get(v, fat_cluster_sector(v, c) + blk * 8, nsect, true);
		if (!b) {
			fat_free_chain(v, c);
			return STATUS_DEVICE_DATA_ERROR;
		}
		if (blk == 0) {
			struct fat_dirent d = *self;
			memcpy(d.name, ".          ", 11);
			d.attr = FAT_ATTR_DIRECTORY;
			d.nt_case = 0;
			d.size = 0;
			d.cluster_hi = (uint16_t)(c >> 16);
			d.cluster_lo = (uint16_t)c;
			memcpy(b->data, &d, 32);
			memcpy(d.name, "..         ", 11);
			uint32_t pc = parent == v->root ? 0 : parent;
			d.cluster_hi = (uint16_t)(pc >> 16);
			d.cluster_lo = (uint16_t)pc;
			memcpy(b->data + 32, &d, 32);
		}
		buf_put(b);
	}
	*cluster = c;
	return STATUS_SUCCESS;
}
