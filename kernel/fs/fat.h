/*
 * kernel/fs/fat.h - the FAT32 volume C: (docs/files.md).
 *
 * Layers: bcache.c (metadata buffers: FAT and directory blocks), fat_vol.c
 * (mount, BPB checks, FAT entries, cluster allocation, FSInfo), fat_name.c
 * (UTF-16 names, case folding, 8.3 aliases, patterns), fat_dir.c
 * (directory entries, long names), fat_node.c (files: cluster extents, size,
 * the page cache's I/O with the valid-data length), clock.c (FILETIME from
 * the RTC, DOS dates).  One CPU, no locks; disk content is never trusted:
 * every cluster number, chain length and directory field is checked.
 */
#ifndef KERNEL_FS_FAT_H
#define KERNEL_FS_FAT_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/virtio_blk.h"
#include "mm/pagecache.h"
#include "mm/winvm.h"
#include "kernel/wait.h"

#define FAT_ATTR_READONLY  0x01
#define FAT_ATTR_HIDDEN    0x02
#define FAT_ATTR_SYSTEM    0x04
#define FAT_ATTR_VOLUME    0x08
#define FAT_ATTR_DIRECTORY 0x10
#define FAT_ATTR_ARCHIVE   0x20
#define FAT_ATTR_LFN       0x0f
#define FAT_ATTR_SETTABLE  (FAT_ATTR_READONLY | FAT_ATTR_HIDDEN | FAT_ATTR_SYSTEM | FAT_ATTR_ARCHIVE)

#define FAT_EOC      0x0ffffff8u	/* entries >= this end a chain */
#define FAT_BAD      0x0ffffff7u
#define FAT_NAME_MAX 255		/* UTF-16 units per long name */
#define FAT_DIR_MAX  (65536u * 32)	/* bytes: a directory holds at most 65536 entries */
#define FAT_FILE_MAX 0xffffffffULL

#ifndef STATUS_OBJECT_NAME_INVALID
#define STATUS_OBJECT_NAME_INVALID    ((ntstatus_t)0xC0000033)
#endif
#define STATUS_OBJECT_NAME_NOT_FOUND  ((ntstatus_t)0xC0000034)
#define STATUS_OBJECT_NAME_COLLISION  ((ntstatus_t)0xC0000035)
#define STATUS_OBJECT_PATH_NOT_FOUND  ((ntstatus_t)0xC000003A)
#define STATUS_SHARING_VIOLATION      ((ntstatus_t)0xC0000043)
#define STATUS_DELETE_PENDING         ((ntstatus_t)0xC0000056)
#define STATUS_DISK_FULL              ((ntstatus_t)0xC000007F)
#define STATUS_DEVICE_DATA_ERROR      ((ntstatus_t)0xC000009C)	/* a read failed (ERROR_CRC) */
#define STATUS_IO_DEVICE_ERROR        ((ntstatus_t)0xC0000185)	/* a write failed (ERROR_IO_DEVICE) */
#define STATUS_FILE_IS_A_DIRECTORY    ((ntstatus_t)0xC00000BA)
#define STATUS_NOT_A_DIRECTORY        ((ntstatus_t)0xC0000103)
#define STATUS_DIRECTORY_NOT_EMPTY    ((ntstatus_t)0xC0000101)
#define STATUS_FILE_CORRUPT_ERROR     ((ntstatus_t)0xC0000102)
#define STATUS_CANNOT_DELETE          ((ntstatus_t)0xC0000121)
#define STATUS_NO_MORE_FILES          ((ntstatus_t)0x80000006)
#define STATUS_NO_SUCH_FILE           ((ntstatus_t)0xC000000F)
#define STATUS_BUFFER_OVERFLOW        ((ntstatus_t)0x80000005)
#define STATUS_ACCESS_DENIED          ((ntstatus_t)0xC0000022)
#define STATUS_INVALID_DEVICE_REQUEST ((ntstatus_t)0xC0000010)
#define STATUS_FILE_LOCK_CONFLICT     ((ntstatus_t)0xC0000054)
#define STATUS_LOCK_NOT_GRANTED       ((ntstatus_t)0xC0000055)
#define STATUS_RANGE_NOT_LOCKED       ((ntstatus_t)0xC000007E)
#define STATUS_INVALID_LOCK_RANGE     ((ntstatus_t)0xC00001A1)
#define STATUS_INVALID_INFO_CLASS     ((ntstatus_t)0xC0000003)
#define STATUS_DISK_CORRUPT_ERROR     ((ntstatus_t)0xC0000032)
#define STATUS_UNRECOGNIZED_VOLUME    ((ntstatus_t)0xC000014F)

/* On-disk directory entry (short name). */
struct fat_dirent {
	uint8_t name[11];
	uint8_t attr;
	uint8_t nt_case;	/* 0x08: base lower case, 0x10: extension lower case */
	uint8_t ctime_cs;	/* creation, 10 ms units 0..199 */
	uint16_t ctime, cdate, adate;
	uint16_t cluster_hi;
	uint16_t mtime, mdate;
	uint16_t cluster_lo;
	uint32_t size;
} __attribute__((packed));

/* On-disk long-name entry. */
struct fat_lfn {
	uint8_t seq;		/* 1..20, 0x40 on the last (first stored) */
	uint16_t name1[5];
	uint8_t attr;		/* 0x0f */
	uint8_t type;		/* 0 */
	uint8_t checksum;	/* of the short name */
	uint16_t name2[6];
	uint16_t zero;
	uint16_t name3[2];
} __attribute__((packed));

struct fat_vol;
/* Device access: n requests, all reads or all writes; 0 or -1.  Tests plug in RAM disks. */
typedef int (*fat_io_fn)(struct fat_vol *v, const struct vblk_op *ops, unsigned n, bool write);

struct fat_vol {
	fat_io_fn io;
	int dev;			/* vblk device (fat_io_vblk) */
	void *io_ctx;			/* for other io functions */
	uint32_t sps;			/* 512-byte units per BPB sector (1..8) */
	uint32_t spc;			/* 512-byte units per cluster */
	uint32_t cluster_bytes;
	uint64_t fat_start, fat_sectors;	/* first FAT, its length (512-byte units) */
	uint32_t nfats;
	uint64_t data_start;		/* cluster 2 (512-byte units) */
	uint32_t clusters;		/* data clusters: valid numbers are 2 .. clusters+1 */
	uint32_t root;			/* root directory's first cluster */
	uint64_t fsinfo;		/* FSInfo sector (512-byte units), 0: none */
	uint32_t free_count, next_free;
	bool fsinfo_dirty;
	uint32_t serial;
	char label[12];
	uint64_t zero_phys;		/* one zero frame for zero-fill writes */
	uint64_t tmp_phys;		/* one frame for a read-modify-write of a sector */
	uint32_t gen;			/* bumped whenever a chain is freed (cached chain walks restart) */
};

extern struct fat_vol *fat_c;	/* C:, or NULL */

/* ---- clock.c ---- */
void clock_init(void);
int64_t clock_now(void);			/* FILETIME, UTC */
int64_t fat_time_to_ft(uint16_t date, uint16_t time, uint8_t cs);	/* 0 for date 0 */
void fat_ft_to_time(int64_t ft, uint16_t *date, uint16_t *time, uint8_t *cs);
/* FILETIME from a civil date (tests, RTC). */
int64_t clock_civil_to_ft(int year, int month, int day, int hour, int min, int sec);

/* ---- bcache.c: metadata buffers of up to 8 sectors, never crossing a FAT or cluster boundary ---- */
struct buf {
	uint64_t sector;		/* 512-byte units */
	uint32_t nsect;
	bool dirty, fat;		/* fat: a block of the first FAT, written to every copy */
	uint32_t pins;
	uint8_t *data;
	uint64_t phys;
	struct buf *hnext, *lprev, *lnext;
	struct fat_vol *v;
};
/* The buffer for [sector, sector+nsect), pinned; read from disk unless noread (then zeroed).  NULL: I/O error or no memory. */
struct buf *buf_get(struct fat_vol *v, uint64_t sector, uint32_t nsect, bool noread);
void buf_put(struct buf *b);
void buf_dirty(struct buf *b);
/* Write every dirty buffer (sorted, batched): 0 or STATUS_DEVICE_DATA_ERROR. */
ntstatus_t bcache_flush(struct fat_vol *v);
/* Forget buffers inside [sector, sector+n) without writing them (freed directory clusters). */
void bcache_invalidate(struct fat_vol *v, uint64_t sector, uint64_t n);
/* Flush, then free every unpinned buffer (the leak oracle, memory pressure). */
void bcache_drop_all(struct fat_vol *v);
uint32_t bcache_count(void);

/* ---- fat_vol.c ---- */
/* Check a boot sector (512 bytes) against a device of dev_sectors and fill the geometry of v; 0 or a status. */
ntstatus_t fat_parse_bpb(struct fat_vol *v, const uint8_t *bs, uint64_t dev_sectors);
/* Mount the volume on v (io set): boot sector, FSInfo, a free count from the FAT itself. */
ntstatus_t fat_mount(struct fat_vol *v, uint64_t dev_sectors);
int fat_io_vblk(struct fat_vol *v, const struct vblk_op *ops, unsigned n, bool write);
uint64_t fat_cluster_sector(const struct fat_vol *v, uint32_t c);
bool fat_cluster_ok(const struct fat_vol *v, uint32_t c);
/* FAT entry of cluster c (c valid); 0 or STATUS_DEVICE_DATA_ERROR. */
ntstatus_t fat_get(struct fat_vol *v, uint32_t c, uint32_t *next);
ntstatus_t fat_set(struct fat_vol *v, uint32_t c, uint32_t value);
/*
 * Allocate n clusters as one chain appended to `last` (0: a new chain), first
 * fit from the rotating hint (contiguous on a fresh volume); *first its first
 * cluster.  STATUS_DISK_FULL (nothing changed) when fewer are free.
 */
ntstatus_t fat_alloc(struct fat_vol *v, uint32_t n, uint32_t last, uint32_t *first);
/* Free the chain from c (bounded by the cluster count); its directory buffers are forgotten. */
ntstatus_t fat_free_chain(struct fat_vol *v, uint32_t c);
/* Write FSInfo if its counts changed, then every dirty buffer. */
ntstatus_t fat_sync(struct fat_vol *v);

/* ---- fat_name.c ---- */
uint16_t fat_upcase(uint16_t c);
bool fat_name_eq(const uint16_t *a, uint32_t alen, const uint16_t *b, uint32_t blen);
/* A valid long name component (1..255 units, no invalid characters, not ending in '.' or ' ', not "." or ".."). */
bool fat_name_valid(const uint16_t *n, uint32_t len);
/* '*' and '?' pattern match, case-insensitive. */
bool fat_pattern_match(const uint16_t *pat, uint32_t plen, const uint16_t *name, uint32_t nlen);
/* The short name (11 bytes) and case flags when name is a valid 8.3 name by itself; false otherwise. */
bool fat_name_is_short(const uint16_t *n, uint32_t len, uint8_t sfn[11], uint8_t *nt_case);
/* The basis of an alias (11 bytes, ~N not yet added) and the length of its base part. */
void fat_alias_basis(const uint16_t *n, uint32_t len, uint8_t sfn[11], uint32_t *baselen);
/* Put "~N" into sfn's base (baselen from fat_alias_basis). */
void fat_alias_number(uint8_t sfn[11], uint32_t baselen, uint32_t n);
uint8_t fat_sfn_checksum(const uint8_t sfn[11]);
/* The display form of a short name ("NAME.EXT", case flags applied) as UTF-16; returns its length. */
uint32_t fat_sfn_to_name(const uint8_t sfn[11], uint8_t nt_case, uint16_t *out);

/* ---- fat_dir.c ---- */
/* An entry found in a directory. */
struct fat_found {
	uint32_t off;			/* byte offset of the short entry */
	uint32_t lfn_off;		/* first entry of the set (== off without a long name) */
	struct fat_dirent de;
	uint16_t name[FAT_NAME_MAX + 1];	/* the long name, or the short one displayed */
	uint32_t len;
	uint16_t sname[13];		/* the short name displayed */
	uint32_t slen;
	bool has_lfn;
};
static inline uint32_t fat_de_cluster(const struct fat_dirent *d)
{
	return ((uint32_t)d->cluster_hi << 16 | d->cluster_lo) & 0x0fffffff;
}
/*
 * The next live entry (not deleted, not the volume label, not a stray long
 * name) of directory dir at or after byte *pos; *pos moves past it.
 * STATUS_NO_MORE_FILES at the end.
 */
ntstatus_t fat_dir_next(struct fat_vol *v, uint32_t dir, uint32_t *pos, struct fat_found *out);
/* Find name in dir (long or short, case-insensitive): 0, STATUS_OBJECT_NAME_NOT_FOUND or an error. */
ntstatus_t fat_dir_lookup(struct fat_vol *v, uint32_t dir, const uint16_t *name, uint32_t len, struct fat_found *out);
/* Add an entry for name (long name and alias as needed) with the fields of *de (its name ignored); *out where. */
ntstatus_t fat_dir_add(struct fat_vol *v, uint32_t dir, const uint16_t *name, uint32_t len, const struct fat_dirent *de,
		       struct fat_found *out);
/* Mark the entry set [lfn_off, off] deleted. */
ntstatus_t fat_dir_remove(struct fat_vol *v, uint32_t dir, uint32_t lfn_off, uint32_t off);
/* Read / rewrite the short entry at off. */
ntstatus_t fat_dir_read(struct fat_vol *v, uint32_t dir, uint32_t off, struct fat_dirent *de);
ntstatus_t fat_dir_write(struct fat_vol *v, uint32_t dir, uint32_t off, const struct fat_dirent *de);
/* True when dir holds nothing but "." and "..". */
ntstatus_t fat_dir_empty(struct fat_vol *v, uint32_t dir, bool *empty);
/* A new directory's first cluster with "." and ".." (parent 0 for the root), zeroed. */
ntstatus_t fat_dir_make(struct fat_vol *v, uint32_t parent, const struct fat_dirent *self, uint32_t *cluster);

/* ---- fat_node.c: a file or directory in memory (one per object, shared by its handles) ---- */
struct file_lock;
struct fat_extent {
	uint32_t fcl, dcl, n;		/* file clusters [fcl, fcl+n) are disk clusters [dcl, dcl+n) */
};
struct fat_node {
	struct fat_vol *v;
	struct pc_file pc;		/* the page cache's view of the file (mm/pagecache.h) */
	uint32_t refs;			/* file objects */
	uint32_t dir;			/* parent directory's first cluster (0: this is the root) */
	uint32_t off, lfn_off;		/* the entry in the parent */
	uint32_t first;			/* first cluster, 0 when empty */
	uint32_t size;			/* bytes (directories: 0) */
	uint32_t vdl;			/* valid data length: bytes past it read as zeros, whatever the disk holds */
	uint8_t attr;
	int64_t ctime, atime, mtime;
	bool meta_dirty;		/* the entry needs rewriting */
	bool delete_pending;
	struct fat_extent *ext;		/* the chain, as far as walked */
	uint32_t next_ext, cap_ext;
	uint32_t chain_clusters;	/* clusters in ext */
	bool chain_done;		/* ext holds the whole chain */
	/* sharing (kernel/file.c) */
	uint32_t n_open;			/* opens holding read, write or delete access */
	uint32_t n_read, n_write, n_delete;	/* opens holding each access */
	uint32_t s_read, s_write, s_delete;	/* opens sharing each */
	struct file_lock *locks;
	struct wait_queue lock_wq;		/* LockFileEx calls waiting for a range (kernel/file.c) */
	struct fat_node *next;		/* open nodes */
};
static inline bool fat_node_is_dir(const struct fat_node *n)
{
	return n->attr & FAT_ATTR_DIRECTORY;
}
/* The node of the entry f found in dir (an open one when there is one), referenced; NULL: no memory. */
struct fat_node *fat_node_get(struct fat_vol *v, uint32_t dir, const struct fat_found *f);
struct fat_node *fat_node_root(struct fat_vol *v);
/* Drop a reference; the last writes the entry back (and deletes the file when delete_pending). */
void fat_node_put(struct fat_node *n);
/* Change the size: clusters allocated (STATUS_DISK_FULL, nothing changed) or freed, pages dropped. */
ntstatus_t fat_node_resize(struct fat_node *n, uint64_t size);
/* Write the node's dirty pages, the gap up to its size, its entry, the FAT and FSInfo. */
ntstatus_t fat_node_flush(struct fat_node *n);
/* The same for the dirty pages with index in [first, last] only (the gap past vdl stays unless last is UINT64_MAX). */
ntstatus_t fat_node_flush_range(struct fat_node *n, uint64_t first, uint64_t last);
/* Rewrite the entry from the node. */
ntstatus_t fat_node_write_entry(struct fat_node *n);
/* Remove the file: its entry and clusters (no open references besides the caller's). */
ntstatus_t fat_node_delete(struct fat_node *n);
/* Flush every open node and the volume; drop clean cached pages and buffers of nodes nobody holds. */
void fat_idle(struct fat_vol *v);

#endif
