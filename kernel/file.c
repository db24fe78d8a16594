/*
 * kernel/file.c - file objects over the FAT32 volume C: paths, opening and
 * creating with Windows' dispositions, access checks and sharing rule,
 * reads and writes through the page cache, byte-range locks, delete and
 * rename.  The contract is kernel/syscall_abi.h's "File system calls".
 */
#include "file.h"
#include "console.h"
#include "syscall_abi.h"
#include "mm/kheap.h"
#include "mm/frame.h"

#include <string.h>

static struct fat_vol cvol;

void file_init(void)
{
	clock_init();
	vblk_init();
	int dev = vblk_find("cdrive");
	if (dev < 0) {
		kprintf("files: no C: drive (no virtio-blk disk with serial \"cdrive\")\n");
		return;
	}
	cvol.io = fat_io_vblk;
	cvol.dev = dev;
	ntstatus_t st = fat_mount(&cvol, vblk_dev_sectors(dev));
	if (st) {
		kprintf("files: C: not mounted: status 0x%x (not a FAT32 volume, or a bad one)\n", (uint32_t)st);
		return;
	}
	fat_c = &cvol;
	kprintf("files: C: FAT32 \"%s\" serial %x, %u clusters of %u bytes, %u free\n", cvol.label, cvol.serial,
		cvol.clusters, cvol.cluster_bytes, cvol.free_count);
}

void file_idle(void)
{
	if (fat_c)
		fat_idle(fat_c);
}

/* ---- paths ---- */

#define MAX_DEPTH 128

struct path {
	const uint16_t *comp[MAX_DEPTH];
	uint32_t len[MAX_DEPTH];
	uint32_t n;
};

static bool sep(uint16_t c)
{
	return c == '\\' || c == '/';
}

static ntstatus_t parse(const uint16_t *p, uint32_t len, struct path *out)
{
	out->n = 0;
	if (len >= 4 && p[0] == '\\' && p[1] == '?' && p[2] == '?' && p[3] == '\\') {
		p += 4;
		len -= 4;
	}
	if (len < 2 || p[1] != ':' || !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
		return STATUS_OBJECT_NAME_INVALID;
	if (p[0] != 'c' && p[0] != 'C')
		return STATUS_OBJECT_PATH_NOT_FOUND;
	p += 2;
	len -= 2;
	if (len == 0)
		return STATUS_SUCCESS;	/* "C:" is the root */
	if (!sep(p[0]))
		return STATUS_OBJECT_NAME_INVALID;	/* drive-relative */
	uint32_t i = 1;
	while (i < len) {
		uint32_t s = i;
		while (i < len && !sep(p[i]))
			i++;
		if (i == s)
			return STATUS_OBJECT_NAME_INVALID;	/* an empty component */
		if (out->n == MAX_DEPTH || !fat_name_valid(p + s, i - s))
			return STATUS_OBJECT_NAME_INVALID;
		out->comp[out->n] = p + s;
		out->len[out->n++] = i - s;
		if (i < len)
			i++;	/* the separator; one trailing separator is allowed */
	}
	return STATUS_SUCCESS;
}

/* The first cluster of the directory holding the last component (the root for a one-component path). */
static ntstatus_t walk_parent(const struct path *p, uint32_t *dir)
{
	uint32_t d = fat_c->root;
	struct fat_found *f = kmalloc(sizeof(*f));
	if (!f)
		return STATUS_NO_MEMORY;
	ntstatus_t st = STATUS_SUCCESS;
	for (uint32_t i = 0; i + 1 < p->n; i++) {
		st = fat_dir_lookup(fat_c, d, p->comp[i], p->len[i], f);
		if (st == STATUS_OBJECT_NAME_NOT_FOUND || (!st && !(f->de.attr & FAT_ATTR_DIRECTORY))) {
			st = STATUS_OBJECT_PATH_NOT_FOUND;
			break;
		}
		if (st)
			break;
		d = fat_de_cluster(&f->de);
		if (!fat_cluster_ok(fat_c, d)) {
			st = STATUS_FILE_CORRUPT_ERROR;
			break;
		}
	}
	kfree(f);
	*dir = d;
	return st;
}

ntstatus_t file_lookup(const uint16_t *path, uint32_t len, struct fat_node **out)
{
	if (!fat_c)
		return STATUS_OBJECT_PATH_NOT_FOUND;
	struct path *p = kmalloc(sizeof(*p));
	struct fat_found *f = kmalloc(sizeof(*f));
	ntstatus_t st = p && f ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	uint32_t dir;
	if (!st)
		st = parse(path, len, p);
	if (!st && p->n == 0) {
		*out = fat_node_root(fat_c);
		st = *out ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	} else if (!st && !(st = walk_parent(p, &dir)) &&
		   !(st = fat_dir_lookup(fat_c, dir, p->comp[p->n - 1], p->len[p->n - 1], f))) {
		*out = fat_node_get(fat_c, dir, f);
		st = *out ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	}
	kfree(p);
	kfree(f);
	return st;
}

/* ---- opening ---- */

static uint32_t map_generic(uint32_t a)
{
	if (a & 0x80000000u)	/* GENERIC_READ */
		a |= 0x120089;
	if (a & 0x40000000u)	/* GENERIC_WRITE */
		a |= 0x120116;
	if (a & 0x20000000u)	/* GENERIC_EXECUTE */
		a |= 0x1200a0;
	if (a & 0x10000000u)	/* GENERIC_ALL */
		a |= FA_ALL_ACCESS;
	if (a & 0x02000000u)	/* MAXIMUM_ALLOWED */
		a |= FA_ALL_ACCESS;
	return a & 0x01ffffff & ~0x02000000u;
}

#define DATA_R (FA_READ_DATA | FA_EXECUTE)
#define DATA_W (FA_WRITE_DATA | FA_APPEND_DATA)

/* Windows' share check (IoCheckShareAccess) of a new open against the node's current opens. */
static ntstatus_t share_check(const struct fat_node *n, uint32_t access, uint32_t share)
{
	bool r = access & DATA_R, w = access & DATA_W, d = access & FA_DELETE;
	if (!r && !w && !d)
		return STATUS_SUCCESS;
	if ((r && n->s_read < n->n_open) || (w && n->s_write < n->n_open) || (d && n->s_delete < n->n_open) ||
	    (n->n_read && !(share & 1)) || (n->n_write && !(share & 2)) || (n->n_delete && !(share & 4)))
		return STATUS_SHARING_VIOLATION;
	return STATUS_SUCCESS;
}

static void share_add(struct fat_node *n, uint32_t access, uint32_t share, int k)
{
	bool r = access & DATA_R, w = access & DATA_W, d = access & FA_DELETE;
	if (!r && !w && !d)
		return;
	n->n_open += k;
	n->n_read += r ? k : 0;
	n->n_write += w ? k : 0;
	n->n_delete += d ? k : 0;
	n->s_read += (share & 1) ? k : 0;
	n->s_write += (share & 2) ? k : 0;
	n->s_delete += (share & 4) ? k : 0;
}

static void file_destroy(struct kobject *o)
{
	struct file_obj *f = (struct file_obj *)o;
	struct fat_node *n = f->node;
	for (struct file_lock **pp = &n->locks; *pp;) {
		struct file_lock *l = *pp;
		if (l->owner == f) {
			*pp = l->next;
			kfree(l);
		} else
			pp = &l->next;
	}
	wq_wake_all(&n->lock_wq);	/* its locks are gone */
	share_add(n, f->access, f->share, -1);
	if (f->delete_on_close)
		file_mark_delete(n, true);
	kfree(f->pattern);
	kfree(f);
	fat_node_put(n);
}

/* A new entry in dir named name: a file (attributes) or a directory. */
static ntstatus_t create_entry(uint32_t dir, const uint16_t *name, uint32_t len, bool directory, uint32_t attributes,
			       struct fat_found *f)
{
	struct fat_dirent de;
	memset(&de, 0, sizeof(de));
	int64_t now = clock_now();
	uint16_t date, time;
	uint8_t cs;
	fat_ft_to_time(now, &date, &time, &cs);
	de.cdate = de.mdate = de.adate = date;
	de.ctime = de.mtime = time;
	de.ctime_cs = cs;
	ntstatus_t st;
	if (directory) {
		uint32_t c;
		de.attr = (uint8_t)(FAT_ATTR_DIRECTORY | (attributes & (FAT_ATTR_READONLY | FAT_ATTR_HIDDEN | FAT_ATTR_SYSTEM)));
		if ((st = fat_dir_make(fat_c, dir, &de, &c)))
			return st;
		de.cluster_hi = (uint16_t)(c >> 16);
		de.cluster_lo = (uint16_t)c;
		if ((st = fat_dir_add(fat_c, dir, name, len, &de, f)))
			fat_free_chain(fat_c, c);
		return st;
	}
	de.attr = (uint8_t)((attributes & FAT_ATTR_SETTABLE) | FAT_ATTR_ARCHIVE);
	return fat_dir_add(fat_c, dir, name, len, &de, f);
}

ntstatus_t file_open(const uint16_t *path, uint32_t len, uint32_t access, uint32_t share, uint32_t disposition,
		     uint32_t options, uint32_t attributes, struct file_obj **out, uint64_t *info)
{
	const uint32_t known = ABI_FILE_DIRECTORY_FILE | ABI_FILE_WRITE_THROUGH | ABI_FILE_SEQUENTIAL_ONLY |
			       ABI_FILE_NO_INTERMEDIATE_BUFFERING |
			       ABI_FILE_SYNCHRONOUS_IO_ALERT | ABI_FILE_SYNCHRONOUS_IO_NONALERT |
			       ABI_FILE_NON_DIRECTORY_FILE | ABI_FILE_RANDOM_ACCESS | ABI_FILE_DELETE_ON_CLOSE;
	bool want_dir = options & ABI_FILE_DIRECTORY_FILE, no_dir = options & ABI_FILE_NON_DIRECTORY_FILE;
	access = map_generic(access);
	*info = 0;
	*out = NULL;	/* every early return below leaves no object (the caller tests it) */
	if ((options & ~known) || disposition > ABI_FILE_OVERWRITE_IF || (want_dir && no_dir) || (share & ~7u) ||
	    (attributes & ~0x7fffu) || ((options & ABI_FILE_DELETE_ON_CLOSE) && !(access & FA_DELETE)) ||
	    (want_dir && disposition != ABI_FILE_OPEN && disposition != ABI_FILE_CREATE && disposition != ABI_FILE_OPEN_IF))
		return STATUS_INVALID_PARAMETER;
	if (!fat_c)
		return STATUS_OBJECT_PATH_NOT_FOUND;
	struct path *p = kmalloc(sizeof(*p));
	struct fat_found *ff = kmalloc(sizeof(*ff));
	struct file_obj *fo = kmalloc(sizeof(*fo));
	struct fat_node *n = NULL;
	ntstatus_t st = p && ff && fo ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	uint32_t dir = 0;
	if (!st)
		st = parse(path, len, p);
	if (st)
		goto out;
	if (p->n == 0) {	/* the root directory */
		if (disposition == ABI_FILE_CREATE)
			st = STATUS_OBJECT_NAME_COLLISION;
		else if (no_dir || disposition >= ABI_FILE_OVERWRITE || disposition == ABI_FILE_SUPERSEDE)
			st = STATUS_FILE_IS_A_DIRECTORY;
		else if (!(n = fat_node_root(fat_c)))
			st = STATUS_NO_MEMORY;
		*info = ABI_FILE_OPENED;
		if (!st && (options & ABI_FILE_DELETE_ON_CLOSE))
			st = STATUS_CANNOT_DELETE;
	} else if (!(st = walk_parent(p, &dir))) {
		const uint16_t *name = p->comp[p->n - 1];
		uint32_t nlen = p->len[p->n - 1];
		st = fat_dir_lookup(fat_c, dir, name, nlen, ff);
		if (st == STATUS_OBJECT_NAME_NOT_FOUND) {
			if (disposition == ABI_FILE_OPEN || disposition == ABI_FILE_OVERWRITE)
				goto out;
			/* A new read-only file cannot be delete-on-close (checked before anything is created). */
			if ((options & ABI_FILE_DELETE_ON_CLOSE) && (attributes & 1 /* FILE_ATTRIBUTE_READONLY */)) {
				st = STATUS_CANNOT_DELETE;
				goto out;
			}
			if ((st = create_entry(dir, name, nlen, want_dir, attributes, ff)))
				goto out;
			if (!(n = fat_node_get(fat_c, dir, ff))) {
				st = STATUS_NO_MEMORY;
				goto out;
			}
			*info = ABI_FILE_CREATED;
		} else if (!st) {
			if (disposition == ABI_FILE_CREATE) {
				st = STATUS_OBJECT_NAME_COLLISION;
				goto out;
			}
			if (!(n = fat_node_get(fat_c, dir, ff))) {
				st = STATUS_NO_MEMORY;
				goto out;
			}
			bool is_dir = fat_node_is_dir(n);
			bool overwrite = disposition == ABI_FILE_SUPERSEDE || disposition >= ABI_FILE_OVERWRITE;
			if (n->delete_pending)
				st = STATUS_DELETE_PENDING;
			else if (is_dir && (no_dir || overwrite))
				st = STATUS_FILE_IS_A_DIRECTORY;
			else if (!is_dir && want_dir)
				st = STATUS_NOT_A_DIRECTORY;
			else if ((n->attr & FAT_ATTR_READONLY) &&
				 ((access & DATA_W) || overwrite || (options & ABI_FILE_DELETE_ON_CLOSE)))
				st = (options & ABI_FILE_DELETE_ON_CLOSE) ? STATUS_CANNOT_DELETE : STATUS_ACCESS_DENIED;
			else if (!(st = share_check(n, access, share)) && overwrite) {
				if (n->n_open && !(n->s_write == n->n_open))
					st = STATUS_SHARING_VIOLATION;
				else if (!(st = fat_node_resize(n, 0))) {
					n->attr = (uint8_t)((attributes & FAT_ATTR_SETTABLE) | FAT_ATTR_ARCHIVE);
					n->meta_dirty = true;
				}
				*info = disposition == ABI_FILE_SUPERSEDE ? ABI_FILE_SUPERSEDED : ABI_FILE_OVERWRITTEN;
			} else
				*info = ABI_FILE_OPENED;
		}
	}
	if (!st && n)
		st = share_check(n, access, share);
out:
	if (st) {
		if (n)
			fat_node_put(n);
		kfree(fo);
		fo = NULL;
		*info = 0;
	} else {
		obj_init(&fo->obj, KOBJ_FILE_TYPE, file_destroy);
		fo->node = n;
		fo->access = access;
		fo->share = share;
		fo->options = options;
		fo->delete_on_close = options & ABI_FILE_DELETE_ON_CLOSE;
		share_add(n, access, share, 1);
		if (*info == ABI_FILE_CREATED && (options & ABI_FILE_WRITE_THROUGH))
			st = fat_node_flush(n);
		/*
		 * An uncached open of a file no other handle holds: its cached data is
		 * written and purged (best effort: pages that cannot be written stay).
		 */
		if (!st && (options & ABI_FILE_NO_INTERMEDIATE_BUFFERING) && n->refs == 1 && !fat_node_is_dir(n) &&
		    !fat_node_flush(n))
			pagecache_drop(&n->pc, false);
	}
	kfree(p);
	kfree(ff);
	*out = fo;
	return st;
}

/* ---- locks ---- */

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* May f read (write) [off, off+len) given the locks of the node? */
static bool io_allowed(struct file_obj *f, uint64_t off, uint64_t len, bool write)
{
	for (struct file_lock *l = f->node->locks; l; l = l->next)
		if (overlap(l->off, l->len, off, len) && ((l->excl && l->owner != f) || (write && !l->excl)))
			return false;
	return true;
}

ntstatus_t file_lock(struct file_obj *f, int64_t off, int64_t len, uint32_t flags)
{
	if (off < 0 || len < 0 || (flags & ~3u))
		return STATUS_INVALID_PARAMETER;
	if ((uint64_t)off + (uint64_t)len > (1ULL << 63) - 1 + (len == 0))
		return STATUS_INVALID_LOCK_RANGE;
	if (!(f->access & (FA_READ_DATA | FA_WRITE_DATA)))
		return STATUS_ACCESS_DENIED;
	bool excl = flags & ABI_LOCKFILE_EXCLUSIVE_LOCK;
	for (struct file_lock *l = f->node->locks; l; l = l->next)
		if (overlap(l->off, l->len, (uint64_t)off, (uint64_t)len) && (excl || (l->excl && l->owner != f)))
			return STATUS_LOCK_NOT_GRANTED;	/* the caller waits unless told not to (file_lock_wait) */
	struct file_lock *l = kmalloc(sizeof(*l));
	if (!l)
		return STATUS_NO_MEMORY;
	*l = (struct file_lock){ (uint64_t)off, (uint64_t)len, excl, f, f->node->locks };
	f->node->locks = l;
	return STATUS_SUCCESS;
}

void file_lock_wait(struct file_obj *f)
{
	wq_sleep(&f->node->lock_wq);
}

ntstatus_t file_unlock(struct file_obj *f, int64_t off, int64_t len)
{
	if (off < 0 || len < 0)
		return STATUS_INVALID_PARAMETER;
	for (int pass = 0; pass < 2; pass++)	/* exclusive first, then shared */
		for (struct file_lock **pp = &f->node->locks; *pp; pp = &(*pp)->next) {
			struct file_lock *l = *pp;
			if (l->owner == f && l->off == (uint64_t)off && l->len == (uint64_t)len && l->excl == (pass == 0)) {
				*pp = l->next;
				kfree(l);
				wq_wake_all(&f->node->lock_wq);	/* waiters recheck their range */
				return STATUS_SUCCESS;
			}
		}
	return STATUS_RANGE_NOT_LOCKED;
}

/* ---- data ---- */

/* Uncached handles (FILE_NO_INTERMEDIATE_BUFFERING) transfer whole sectors from sector-aligned buffers. */
static bool uncached_aligned(const struct file_obj *f, uint64_t off, uint64_t ubuf, uint32_t len)
{
	return !(f->options & ABI_FILE_NO_INTERMEDIATE_BUFFERING) || !((off | ubuf | len) % 512);
}

ntstatus_t file_read(struct file_obj *f, uint64_t ubuf, uint32_t len, int64_t offset, uint32_t *done,
		     void (*balance)(void))
{
	struct fat_node *n = f->node;
	*done = 0;
	if (fat_node_is_dir(n))
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!(f->access & FA_READ_DATA))
		return STATUS_ACCESS_DENIED;
	if (offset != ABI_FILE_USE_FILE_POINTER && offset < 0)
		return STATUS_INVALID_PARAMETER;
	uint64_t off = offset == ABI_FILE_USE_FILE_POINTER ? f->pos : (uint64_t)offset;
	if (!uncached_aligned(f, off, ubuf, len))
		return STATUS_INVALID_PARAMETER;
	if (!len)
		return STATUS_SUCCESS;
	if (off >= n->size)
		return STATUS_END_OF_FILE;
	if (n->locks && !io_allowed(f, off, len, false))	/* no call for a file without locks */
		return STATUS_FILE_LOCK_CONFLICT;
	ntstatus_t st = pagecache_read(&n->pc, n->size, off, ubuf, len, done, balance);
	if (st) {
		*done = 0;
		return st;
	}
	f->pos = off + *done;
	n->atime = clock_now();
	return STATUS_SUCCESS;
}

ntstatus_t file_write(struct file_obj *f, uint64_t ubuf, uint32_t len, int64_t offset, uint32_t *done)
{
	struct fat_node *n = f->node;
	*done = 0;
	if (fat_node_is_dir(n))
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!(f->access & DATA_W))
		return STATUS_ACCESS_DENIED;
	if (offset < ABI_FILE_WRITE_TO_END)
		return STATUS_INVALID_PARAMETER;
	uint64_t off = offset == ABI_FILE_USE_FILE_POINTER ? f->pos : offset == ABI_FILE_WRITE_TO_END ? n->size
													 : (uint64_t)offset;
	if (!(f->access & FA_WRITE_DATA))
		off = n->size;	/* append-only handle */
	if (!uncached_aligned(f, off, ubuf, len))
		return STATUS_INVALID_PARAMETER;
	if (!len)
		return STATUS_SUCCESS;
	if (off + len > FAT_FILE_MAX)
		return STATUS_DISK_FULL;
	if (!io_allowed(f, off, len, true))
		return STATUS_FILE_LOCK_CONFLICT;
	/* The user buffer is checked before the file grows: a bad one changes nothing. */
	if (!pagecache_probe_user(ubuf, len, false))
		return STATUS_ACCESS_VIOLATION;
	uint32_t old = n->size;
	ntstatus_t st = STATUS_SUCCESS;
	if (off + len > old && (st = fat_node_resize(n, off + len)))
		return st;
	st = pagecache_write(&n->pc, old, off, ubuf, len);
	if (st) {
		if (n->size != old)
			fat_node_resize(n, old);
		return st;
	}
	*done = len;
	f->pos = off + len;
	n->mtime = clock_now();
	n->attr |= FAT_ATTR_ARCHIVE;
	n->meta_dirty = true;
	if (f->options & ABI_FILE_WRITE_THROUGH)	/* this write's pages and the metadata */
		st = fat_node_flush_range(n, off / PAGE_SIZE, (off + len - 1) / PAGE_SIZE);
	return st;
}

/* ---- delete, rename, names ---- */

ntstatus_t file_mark_delete(struct fat_node *n, bool by_handle)
{
	if (!n->dir)
		return STATUS_CANNOT_DELETE;	/* the root */
	if (n->attr & FAT_ATTR_READONLY)
		return STATUS_CANNOT_DELETE;
	if (fat_node_is_dir(n)) {
		bool empty;
		ntstatus_t st = fat_dir_empty(n->v, n->first, &empty);
		if (st)
			return st;
		if (!empty)
			return STATUS_DIRECTORY_NOT_EMPTY;
	}
	if (!by_handle && n->n_open && n->s_delete < n->n_open)
		return STATUS_SHARING_VIOLATION;
	n->delete_pending = true;
	return STATUS_SUCCESS;
}

/* Is directory cluster d inside the tree of directory cluster top (d == top included)? */
static bool dir_within(uint32_t d, uint32_t top)
{
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		if (d == top)
			return true;
		if (d == fat_c->root)
			return false;
		struct fat_dirent dot;	/* ".." is the second entry */
		if (fat_dir_read(fat_c, d, 32, &dot))
			return false;
		uint32_t up = fat_de_cluster(&dot);
		d = up ? up : fat_c->root;
	}
	return false;
}

ntstatus_t file_rename(struct file_obj *f, const uint16_t *path, uint32_t len, bool replace)
{
	struct fat_node *n = f->node;
	if (!(f->access & FA_DELETE))
		return STATUS_ACCESS_DENIED;
	if (!n->dir)
		return STATUS_ACCESS_DENIED;
	struct path *p = kmalloc(sizeof(*p));
	struct fat_found *ff = kmalloc(sizeof(*ff));
	ntstatus_t st = p && ff ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	uint32_t dir = 0;
	if (!st && !(st = parse(path, len, p)) && p->n == 0)
		st = STATUS_ACCESS_DENIED;
	if (!st)
		st = walk_parent(p, &dir);
	if (!st && fat_node_is_dir(n) && dir_within(dir, n->first))
		st = STATUS_INVALID_PARAMETER;	/* into itself */
	if (st)
		goto out;
	const uint16_t *name = p->comp[p->n - 1];
	uint32_t nlen = p->len[p->n - 1];
	st = fat_dir_lookup(fat_c, dir, name, nlen, ff);
	if (!st && !(dir == n->dir && ff->off == n->off)) {	/* another object has the name */
		if (!replace) {
			st = STATUS_OBJECT_NAME_COLLISION;
			goto out;
		}
		struct fat_node *t = fat_node_get(fat_c, dir, ff);
		if (!t) {
			st = STATUS_NO_MEMORY;
			goto out;
		}
		if (fat_node_is_dir(t) || t->refs > 1 || (t->attr & FAT_ATTR_READONLY))
			st = STATUS_ACCESS_DENIED;
		else
			st = fat_node_delete(t);
		t->delete_pending = false;
		fat_node_put(t);
		if (st)
			goto out;
	} else if (st && st != STATUS_OBJECT_NAME_NOT_FOUND)
		goto out;
	/* The new entry first, then the old one goes: a crash between leaves two names, never none. */
	struct fat_dirent de;
	if ((st = fat_dir_read(fat_c, n->dir, n->off, &de)))
		goto out;
	de.size = fat_node_is_dir(n) ? 0 : n->size;
	de.cluster_hi = (uint16_t)(n->first >> 16);
	de.cluster_lo = (uint16_t)n->first;
	de.attr = n->attr;
	uint32_t old_dir = n->dir, old_off = n->off, old_lfn = n->lfn_off;
	if ((st = fat_dir_add(fat_c, dir, name, nlen, &de, ff)))
		goto out;
	if ((st = fat_dir_remove(fat_c, old_dir, old_lfn, old_off)))
		goto out;
	n->dir = dir;
	n->off = ff->off;
	n->lfn_off = ff->lfn_off;
	if (fat_node_is_dir(n) && old_dir != dir) {	/* ".." follows */
		struct fat_dirent dot;
		if (!(st = fat_dir_read(fat_c, n->first, 32, &dot))) {
			uint32_t pc = dir == fat_c->root ? 0 : dir;
			dot.cluster_hi = (uint16_t)(pc >> 16);
			dot.cluster_lo = (uint16_t)pc;
			st = fat_dir_write(fat_c, n->first, 32, &dot);
		}
	}
out:
	kfree(p);
	kfree(ff);
	return st;
}

uint32_t file_node_path(struct fat_node *n, uint16_t *out, uint32_t max)
{
	/* Components from the node up; assembled backwards in a scratch buffer. */
	uint16_t *tmp = kmalloc(ABI_FILE_PATH_MAX * 2);
	struct fat_found *ff = kmalloc(sizeof(*ff));
	uint32_t pos = ABI_FILE_PATH_MAX, total = 0;
	if (!tmp || !ff)
		goto done;
	uint32_t dir = n->dir, at = n->lfn_off;
	for (int depth = 0; dir && depth < MAX_DEPTH; depth++) {
		uint32_t q = at;
		if (fat_dir_next(fat_c, dir, &q, ff) || ff->len + 1 > pos)
			break;
		pos -= ff->len;
		memcpy(tmp + pos, ff->name, ff->len * 2);
		tmp[--pos] = '\\';
		if (dir == fat_c->root)
			break;
		/* Find dir's own entry in its parent. */
		struct fat_dirent dot;
		if (fat_dir_read(fat_c, dir, 32, &dot))
			break;
		uint32_t parent = fat_de_cluster(&dot) ? fat_de_cluster(&dot) : fat_c->root, scan = 0;
		bool found = false;
		while (!fat_dir_next(fat_c, parent, &scan, ff))
			if (fat_de_cluster(&ff->de) == dir && ff->de.name[0] != '.') {
				found = true;
				break;
			}
		if (!found)
			break;
		at = ff->lfn_off;
		dir = parent;
	}
	if (pos == ABI_FILE_PATH_MAX)
		tmp[--pos] = '\\';	/* the root */
	total = ABI_FILE_PATH_MAX - pos;
	memcpy(out, tmp + pos, (total < max ? total : max) * 2);
done:
	kfree(tmp);
	kfree(ff);
	return total;
}
