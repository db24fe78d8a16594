/*
 * mm/pagecache.h - the page cache: file data in frames indexed by (file, page).
 *
 * The memory manager owns the frames (FRAME_SECTION, one reference each,
 * the cache's).  A file-backed section (mm/section_file.c) takes another
 * reference for each page it maps (pagecache_map_page), so views map the
 * cache's own frames and such a page is never reclaimed while the section
 * holds it; the dirty bits of the views' entries reach the cache
 * (section_file_harvest) before any of the file's pages is written.  A file system hands each file a struct pc_file with its I/O
 * function; ReadFile/WriteFile copy between user buffers and these frames
 * with checked user copies.  Pages are dirty per page and written back in
 * batches (the file system merges contiguous ones into large requests); the
 * evictor (mm/evict.c) reclaims clean pages by a second-chance clock and
 * writes dirty ones first.  Sequential reads trigger read-ahead of a growing
 * window.  One CPU, no locks.
 */
#ifndef MM_PAGECACHE_H
#define MM_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>
#include "winvm.h"

#define STATUS_END_OF_FILE ((ntstatus_t)0xC0000011)

struct pc_file;
struct section;
struct pc_page {
	struct pc_file *file;
	uint64_t index;			/* page number in the file */
	uint64_t phys;			/* the frame */
	bool dirty, referenced;
	struct pc_page *hnext;		/* hash chain */
	struct pc_page *fprev, *fnext;	/* the file's pages */
	struct pc_page *cprev, *cnext;	/* the clock (every page) */
};

/*
 * The file system's I/O for pages index[0..n) in frames phys[0..n), all reads
 * or all writes, ascending index.  A read fills every byte of each frame
 * (zeros past the data).  Returns 0 or an NTSTATUS (STATUS_DEVICE_DATA_ERROR).
 */
typedef ntstatus_t (*pc_io_fn)(struct pc_file *f, const uint64_t *index, const uint64_t *phys, unsigned n, bool write);

struct pc_file {
	pc_io_fn io;
	struct pc_page *pages;		/* list, any order */
	uint64_t npages, ndirty;
	uint64_t ra_next;		/* the page a sequential reader reads next */
	uint32_t ra_window;		/* pages read ahead on the next sequential miss */
	struct section *sections;	/* file-backed sections of this file (mm/section_file.c) */
};

#define PC_READAHEAD_MAX 32		/* pages */
#define PC_WRITE_BATCH   64		/* pages per write-back call */

void pagecache_file_init(struct pc_file *f, pc_io_fn io);

/*
 * Copy bytes [off, off+len) of the file (whose data ends at size) to user
 * memory at ubuf: *done bytes copied.  The user range is checked first
 * (STATUS_ACCESS_VIOLATION, nothing copied).  Pages missing are read, with
 * read-ahead when the access is sequential; before the first of them the
 * cache calls balance (the caller's memory balance, vm_balance; NULL for
 * none), so a read the cache holds does no memory accounting at all.
 */
ntstatus_t pagecache_read(struct pc_file *f, uint64_t size, uint64_t off, uint64_t ubuf, uint32_t len, uint32_t *done,
			  void (*balance)(void));

/*
 * Copy user memory at ubuf into bytes [off, off+len) of the file, whose
 * data ended at old_size before the caller extended it (pages wholly
 * written or wholly past old_size are not read).  Pages become dirty.  The
 * user range is checked first (STATUS_ACCESS_VIOLATION, nothing changed).
 */
ntstatus_t pagecache_write(struct pc_file *f, uint64_t old_size, uint64_t off, uint64_t ubuf, uint32_t len);

/* Touch every page of user range [u, u+len) for reading or writing (false: a bad buffer). */
bool pagecache_probe_user(uint64_t u, uint64_t len, bool write);

/* Kernel-buffer variants (tests, the file system itself). */
ntstatus_t pagecache_read_k(struct pc_file *f, uint64_t size, uint64_t off, void *buf, uint32_t len);
ntstatus_t pagecache_write_k(struct pc_file *f, uint64_t old_size, uint64_t off, const void *buf, uint32_t len);

/* Write every dirty page of the file (batches of contiguous pages, ascending). */
ntstatus_t pagecache_flush(struct pc_file *f);
/* Write the file's dirty pages with index in [first, last] (write-through writes). */
ntstatus_t pagecache_flush_range(struct pc_file *f, uint64_t first, uint64_t last);

/* The file now ends at size: pages past it go unwritten, the page holding it is zeroed past it. */
void pagecache_truncate(struct pc_file *f, uint64_t size);

/* Drop every page (written first unless discard). */
ntstatus_t pagecache_drop(struct pc_file *f, bool discard);

/* Drop the clean pages of [first, last] no one else holds (an image file closed: kernel/image_file.c). */
void pagecache_drop_clean(struct pc_file *f, uint64_t first, uint64_t last);

/* 0: not cached, 1: clean, 2: dirty. */
int pagecache_state(struct pc_file *f, uint64_t index);

/*
 * Reclaim up to want clean unmapped pages by the clock (a page referenced
 * since the last pass gets a second chance); dirty candidates are written
 * first, their file's contiguous dirty neighbours with them.  Returns the
 * number of frames freed.
 */
uint64_t pagecache_evict(uint64_t want);

/*
 * The periodic writer ("written back by the memory manager"): at most once
 * per PC_WRITER_PERIOD_MS, write an eighth of the dirty pages (at least
 * PC_WRITE_BATCH, at most PC_WRITER_BATCH), oldest first, sorted and batched
 * per file so the file system merges contiguous ones.  Data only: entries,
 * FAT and FSInfo reach the disk at flush, close and idle, after their data,
 * so a power cut leaves the old size, never a size over unwritten data.
 * Does disk I/O: call it where a thread may block - the scheduler's idle
 * loop - never from an interrupt handler or under a spinlock.  Returns the
 * pages written.
 */
#define PC_WRITER_PERIOD_MS 1000
#define PC_WRITER_BATCH     512
uint64_t pagecache_writer_tick(void);
/* Write up to max (<= PC_WRITER_BATCH) dirty pages, oldest first, now; the pages written. */
uint64_t pagecache_write_some(uint64_t max);

/*
 * The frame of page index of f for a file-backed section: read from the file
 * when it is not cached (last: the last page read-ahead may reach).  The
 * caller gets a reference on the frame (*phys), which keeps the page cached
 * and the frame the cache's for as long as it holds it.
 */
ntstatus_t pagecache_map_page(struct pc_file *f, uint64_t index, uint64_t last, uint64_t *phys);
/* pagecache_map_page for a page that is cached already (false otherwise): no I/O, no allocation. */
bool pagecache_map_cached(struct pc_file *f, uint64_t index, uint64_t *phys);
/* Is index the page a sequential reader of f reads next (the read-ahead's own test)? */
bool pagecache_sequential(const struct pc_file *f, uint64_t index);
/* A reader of f went as far as page index: the next sequential page is index + 1. */
void pagecache_note_sequential(struct pc_file *f, uint64_t index);
/* Page index of f, when cached, becomes dirty (a view wrote it). */
void pagecache_set_dirty(struct pc_file *f, uint64_t index);

/* Pages cached, and of those dirty, over all files. */
uint64_t pagecache_pages(void);
uint64_t pagecache_dirty(void);

#endif
