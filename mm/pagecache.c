/*
 * mm/pagecache.c - the page cache (mm/pagecache.h): a hash of (file, page)
 * to frames, a per-file list, and one clock over every cached page.
 */
#include "pagecache.h"
#include "frame.h"
#include "kheap.h"
#include "phys.h"
#include "section.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"

#include <stddef.h>
#include <string.h>

#define HASH_BITS 14	/* 16384 chains (128 KiB): a 64 MiB file is one page per chain */
#define MISS_MAX  PC_READAHEAD_MAX

static struct pc_page *hash[1u << HASH_BITS];
static struct pc_page *hand;	/* the clock: a circular list, hand is the next to look at */
static uint64_t total, dirty_total;

static unsigned hslot(const struct pc_file *f, uint64_t index)
{
	uint64_t k = ((uint64_t)(uintptr_t)f >> 4) * 0x9e3779b97f4a7c15ULL + index * 0xbf58476d1ce4e5b9ULL;
	return (unsigned)(k >> (64 - HASH_BITS));
}

void pagecache_file_init(struct pc_file *f, pc_io_fn io)
{
	memset(f, 0, sizeof(*f));
	f->io = io;
}

static struct pc_page *lookup(struct pc_file *f, uint64_t index)
{
	for (struct pc_page *p = hash[hslot(f, index)]; p; p = p->hnext)
		if (p->file == f && p->index == index)
			return p;
	return NULL;
}

int pagecache_state(struct pc_file *f, uint64_t index)
{
	struct pc_page *p = lookup(f, index);
	return p ? (p->dirty ? 2 : 1) : 0;
}

static void set_dirty(struct pc_page *p, bool d)
{
	if (p->dirty == d)
		return;
	p->dirty = d;
	if (d) {
		p->file->ndirty++;
		dirty_total++;
	} else {
		p->file->ndirty--;
		dirty_total--;
	}
}

/* A new page (frame contents undefined), inserted everywhere; NULL when no frame or heap is left. */
static struct pc_page *page_new(struct pc_file *f, uint64_t index)
{
	struct pc_page *p = kmalloc(sizeof(*p));
	if (!p)
		return NULL;
	uint64_t phys = frame_alloc(0, FRAME_SECTION);	/* views map it as a section frame */
	if (!phys) {
		kfree(p);
		return NULL;
	}
	p->file = f;
	p->index = index;
	p->phys = phys;
	p->referenced = true;
	unsigned h = hslot(f, index);
	p->hnext = hash[h];
	hash[h] = p;
	p->fprev = NULL;
	p->fnext = f->pages;
	if (f->pages)
		f->pages->fprev = p;
	f->pages = p;
	if (hand) {	/* behind the hand: the last to be looked at */
		p->cnext = hand;
		p->cprev = hand->cprev;
		hand->cprev->cnext = p;
		hand->cprev = p;
	} else {
		p->cnext = p->cprev = p;
		hand = p;
	}
	f->npages++;
	total++;
	return p;
}

static void page_free(struct pc_page *p)
{
	struct pc_file *f = p->file;
	set_dirty(p, false);
	struct pc_page **pp = &hash[hslot(f, p->index)];
	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	if (p->fprev)
		p->fprev->fnext = p->fnext;
	else
		f->pages = p->fnext;
	if (p->fnext)
		p->fnext->fprev = p->fprev;
	if (p->cnext == p)
		hand = NULL;
	else {
		if (hand == p)
			hand = p->cnext;
		p->cprev->cnext = p->cnext;
		p->cnext->cprev = p->cprev;
	}
	f->npages--;
	total--;
	frame_unref(p->phys);	/* a section still holding it (truncated under it) keeps the frame */
	kfree(p);
}

void pagecache_drop_clean(struct pc_file *f, uint64_t first, uint64_t last)
{
	for (uint64_t i = first; i <= last; i++) {
		struct pc_page *p = lookup(f, i);
		if (p && !p->dirty && frame_get(p->phys)->refcount == 1)
			page_free(p);
	}
}

/*
 * The page index of f, not cached, read from the file; with read-ahead of
 * the following missing pages up to `last` when sequential.  NULL and *st
 * on failure.
 */
static struct pc_page *read_in(struct pc_file *f, uint64_t index, uint64_t last, bool seq, ntstatus_t *st)
{
	unsigned want = 1;
	if (seq) {
		f->ra_window = f->ra_window ? (f->ra_window * 2 > PC_READAHEAD_MAX ? PC_READAHEAD_MAX : f->ra_window * 2) : 4;
		want = f->ra_window;
	} else
		f->ra_window = 0;
	uint64_t idx[MISS_MAX], phys[MISS_MAX];
	struct pc_page *pg[MISS_MAX];
	unsigned n = 0;
	for (uint64_t i = index; n < want && i <= last; i++) {
		if (i != index && lookup(f, i))
			break;
		pg[n] = page_new(f, i);
		if (!pg[n])
			break;
		idx[n] = i;
		phys[n] = pg[n]->phys;
		n++;
	}
	if (!n) {
		*st = STATUS_NO_MEMORY;
		return NULL;
	}
	*st = f->io(f, idx, phys, n, false);
	if (*st && n > 1) {
		/* A failed read-ahead must not fail a good page: the page alone again. */
		for (unsigned k = 1; k < n; k++)
			page_free(pg[k]);
		f->ra_window = 0;
		n = 1;
		*st = f->io(f, idx, phys, 1, false);
	}
	if (*st) {
		for (unsigned k = 0; k < n; k++)
			page_free(pg[k]);	/* nothing of a failed read stays cached */
		return NULL;
	}
	return pg[0];
}

/* The page index of f, cached or read in (read_in). */
static struct pc_page *get_page(struct pc_file *f, uint64_t index, uint64_t last, bool seq, ntstatus_t *st)
{
	struct pc_page *p = lookup(f, index);
	return p ? p : read_in(f, index, last, seq, st);
}

/* The touch of each page of a range over several pages. */
static bool probe_pages(uint64_t u, uint64_t len, bool write)
{
	for (uint64_t a = u & ~(PAGE_SIZE - 1); a < u + len; a += PAGE_SIZE) {
		uint64_t at = a < u ? u : a;
		uint8_t b;
		if (copy_from_user(&b, at, 1) || (write && copy_to_user(at, &b, 1)))
			return false;
	}
	return true;
}

/*
 * Touch every page of [u, u+len) for reading or writing (commits demand-zero
 * pages, runs guard pages).  A range inside one page needs no probe: the
 * checked copy of one page faults on its first access or not at all, so it
 * copies everything or nothing (this saves two checked copies per 4 KiB call).
 * Inline, so that a read's one-page case costs two compares and no call.
 */
static inline __attribute__((always_inline)) bool probe_user(uint64_t u, uint64_t len, bool write)
{
	if (!len)
		return true;
	if (!user_range_ok(u, len))
		return false;
	if ((u & ~(PAGE_SIZE - 1)) == ((u + len - 1) & ~(PAGE_SIZE - 1)))
		return true;
	return probe_pages(u, len, write);
}

/* The same for file_write (a call: the write path is not this one). */
bool pagecache_probe_user(uint64_t u, uint64_t len, bool write)
{
	return probe_user(u, len, write);
}

/* Keep a few frames free for the pages a call is about to add (the evictor of last resort). */
static void make_room(uint32_t len)
{
	uint64_t need = len / PAGE_SIZE + 2 + PC_READAHEAD_MAX;
	if (frame_free_count() < need + 64)
		pagecache_evict(need);
}

/* Memory for a read's first missing page: the caller's balance, then room in the cache (kept out of the hit path). */
static __attribute__((noinline)) void make_ready(uint32_t len, void (*balance)(void))
{
	if (balance)
		balance();
	make_room(len);
}

/*
 * The common body of reads: to user memory (ubuf) or to a kernel buffer
 * (kbuf).  Memory is made ready (balance, then make_room) before the first
 * page the call adds, not before every call: a read the cache holds adds
 * nothing (this saves both free-frame checks per cached ReadFile).
 */
static inline __attribute__((always_inline)) ntstatus_t do_read(struct pc_file *f, uint64_t size, uint64_t off,
								uint64_t ubuf, void *kbuf, uint32_t len,
								uint32_t *done, void (*balance)(void))
{
	*done = 0;
	if (off >= size || !len)
		return STATUS_SUCCESS;
	if (len > size - off)
		len = (uint32_t)(size - off);
	if (!kbuf && !probe_user(ubuf, len, true))
		return STATUS_ACCESS_VIOLATION;
	bool room = false;
	while (*done < len) {
		uint64_t pos = off + *done, index = pos / PAGE_SIZE;
		uint32_t in = (uint32_t)(pos % PAGE_SIZE), n = (uint32_t)(PAGE_SIZE - in);
		if (n > len - *done)
			n = len - *done;
		struct pc_page *p = lookup(f, index);
		if (!p) {
			if (!room) {
				make_ready(len, balance);
				room = true;
			}
			ntstatus_t st;
			if (!(p = read_in(f, index, (size - 1) / PAGE_SIZE, index == f->ra_next, &st)))
				return st;
		}
		p->referenced = true;
		f->ra_next = index + 1;
		const uint8_t *src = (const uint8_t *)phys_to_virt(p->phys) + in;
		if (kbuf)
			memcpy((uint8_t *)kbuf + *done, src, n);
		else if (copy_to_user(ubuf + *done, src, n))
			return STATUS_ACCESS_VIOLATION;
		*done += n;
	}
	return STATUS_SUCCESS;
}

ntstatus_t pagecache_read(struct pc_file *f, uint64_t size, uint64_t off, uint64_t ubuf, uint32_t len, uint32_t *done,
			  void (*balance)(void))
{
	return do_read(f, size, off, ubuf, NULL, len, done, balance);
}

ntstatus_t pagecache_read_k(struct pc_file *f, uint64_t size, uint64_t off, void *buf, uint32_t len)
{
	uint32_t done;
	ntstatus_t st = do_read(f, size, off, 0, buf, len, &done, NULL);
	return st ? st : (done == len ? STATUS_SUCCESS : STATUS_END_OF_FILE);
}

static ntstatus_t do_write(struct pc_file *f, uint64_t old_size, uint64_t off, uint64_t ubuf, const void *kbuf,
			   uint32_t len)
{
	if (!kbuf && !pagecache_probe_user(ubuf, len, false))
		return STATUS_ACCESS_VIOLATION;
	make_room(len);
	for (uint32_t done = 0; done < len;) {
		uint64_t pos = off + done, index = pos / PAGE_SIZE;
		uint32_t in = (uint32_t)(pos % PAGE_SIZE), n = (uint32_t)(PAGE_SIZE - in);
		if (n > len - done)
			n = len - done;
		struct pc_page *p = lookup(f, index);
		if (!p) {
			bool whole = in == 0 && n == PAGE_SIZE, beyond = index * PAGE_SIZE >= old_size;
			if (whole || beyond) {
				p = page_new(f, index);
				if (!p)
					return STATUS_NO_MEMORY;
				if (!whole)
					page_zero(phys_to_virt(p->phys));
			} else {
				ntstatus_t st;
				p = get_page(f, index, index, false, &st);
				if (!p)
					return st;
			}
		}
		uint8_t *dst = (uint8_t *)phys_to_virt(p->phys) + in;
		if (kbuf)
			memcpy(dst, (const uint8_t *)kbuf + done, n);
		else if (copy_from_user(dst, ubuf + done, n))
			return STATUS_ACCESS_VIOLATION;
		p->referenced = true;
		set_dirty(p, true);
		done += n;
	}
	return STATUS_SUCCESS;
}

ntstatus_t pagecache_write(struct pc_file *f, uint64_t old_size, uint64_t off, uint64_t ubuf, uint32_t len)
{
	return do_write(f, old_size, off, ubuf, NULL, len);
}

ntstatus_t pagecache_write_k(struct pc_file *f, uint64_t old_size, uint64_t off, const void *buf, uint32_t len)
{
	return do_write(f, old_size, off, 0, buf, len);
}

/* Sort pages by (file, index): heapsort, no allocation. */
static bool page_less(const struct pc_page *a, const struct pc_page *b)
{
	return a->file != b->file ? (uintptr_t)a->file < (uintptr_t)b->file : a->index < b->index;
}

static void sift(struct pc_page **a, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && page_less(a[c], a[c + 1]))
			c++;
		if (!page_less(a[i], a[c]))
			return;
		struct pc_page *t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static void sort_pages(struct pc_page **a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (size_t e = n; e-- > 1;) {
		struct pc_page *t = a[0];
		a[0] = a[e];
		a[e] = t;
		sift(a, 0, e);
	}
}

/* Write the sorted pages a[0..n) (dirty, possibly of several files), a file at a time; they become clean. */
static ntstatus_t write_sorted(struct pc_page **a, size_t n)
{
	ntstatus_t first_err = STATUS_SUCCESS;
	uint64_t idx[PC_WRITE_BATCH], phys[PC_WRITE_BATCH];
	for (size_t i = 0; i < n;) {
		size_t k = 0;
		struct pc_file *f = a[i]->file;
		while (i + k < n && k < PC_WRITE_BATCH && a[i + k]->file == f) {
			idx[k] = a[i + k]->index;
			phys[k] = a[i + k]->phys;
			k++;
		}
		ntstatus_t st = f->io(f, idx, phys, (unsigned)k, true);
		for (size_t j = 0; j < k; j++)
			if (!st)
				set_dirty(a[i + j], false);
		if (st && !first_err)
			first_err = st;
		i += k;
	}
	return first_err;
}

ntstatus_t pagecache_flush_range(struct pc_file *f, uint64_t first, uint64_t last)
{
	if (f->sections)
		section_file_harvest(f);	/* what views wrote is dirty too */
	for (;;) {
		/* In chunks of a page of pointers: a large file needs no large allocation. */
		struct pc_page *buf[512];
		size_t n = 0;
		for (struct pc_page *p = f->pages; p && n < 512 && f->ndirty; p = p->fnext)
			if (p->dirty && p->index >= first && p->index <= last)
				buf[n++] = p;
		if (!n)
			return STATUS_SUCCESS;
		sort_pages(buf, n);
		ntstatus_t st = write_sorted(buf, n);
		if (st)
			return st;
	}
}

ntstatus_t pagecache_flush(struct pc_file *f)
{
	return pagecache_flush_range(f, 0, UINT64_MAX);
}

void pagecache_truncate(struct pc_file *f, uint64_t size)
{
	uint64_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;	/* pages [0, keep) stay */
	for (struct pc_page *p = f->pages, *nx; p; p = nx) {
		nx = p->fnext;
		if (p->index >= keep)
			page_free(p);
		else if (p->index == size / PAGE_SIZE && size % PAGE_SIZE)
			memset((uint8_t *)phys_to_virt(p->phys) + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
	}
	if (f->ra_next > keep)
		f->ra_next = keep;
}

ntstatus_t pagecache_drop(struct pc_file *f, bool discard)
{
	ntstatus_t st = discard ? STATUS_SUCCESS : pagecache_flush(f);
	if (st)
		return st;
	while (f->pages)
		page_free(f->pages);
	f->ra_next = 0;
	f->ra_window = 0;
	return STATUS_SUCCESS;
}

uint64_t pagecache_evict(uint64_t want)
{
	struct pc_page *dirty[64];
	size_t nd = 0;
	uint64_t freed = 0;
	if (want > 64)
		want = 64;
	/* Two turns of the clock at most: the first may only clear referenced bits. */
	for (uint64_t budget = 2 * total; hand && budget && freed < want; budget--) {
		struct pc_page *p = hand;
		hand = p->cnext;
		if (p->referenced) {
			p->referenced = false;
			continue;
		}
		if (frame_get(p->phys)->refcount > 1) {
			/* Held by file sections: unmapped from their views unless used since the last look. */
			if (!p->file->sections || !section_file_release_page(p->file, p->index, p->phys) ||
			    frame_get(p->phys)->refcount > 1)
				continue;
		}
		if (p->dirty) {
			if (nd < 64) {
				bool seen = false;
				for (size_t i = 0; i < nd; i++)
					seen |= dirty[i] == p;
				if (!seen)
					dirty[nd++] = p;
			}
			continue;
		}
		page_free(p);
		freed++;
	}
	if (freed < want && nd) {
		sort_pages(dirty, nd);
		write_sorted(dirty, nd);	/* a failed write leaves its pages dirty and cached */
		for (size_t i = 0; i < nd && freed < want; i++)
			if (!dirty[i]->dirty) {
				page_free(dirty[i]);
				freed++;
			}
	}
	return freed;
}

uint64_t pagecache_write_some(uint64_t max)
{
	struct pc_page *buf[PC_WRITER_BATCH];
	if (max > PC_WRITER_BATCH)
		max = PC_WRITER_BATCH;
	section_file_harvest_all();	/* views' dirty bits first */
	size_t n = 0;
	/* Oldest first: from the clock's hand, where the longest-cached pages are. */
	struct pc_page *p = hand;
	for (uint64_t k = 0; p && k < total && n < max && n < dirty_total; k++, p = p->cnext)
		if (p->dirty)
			buf[n++] = p;
	if (!n)
		return 0;
	sort_pages(buf, n);
	write_sorted(buf, n);	/* a page that fails stays dirty; the next round tries again */
	uint64_t written = 0;
	for (size_t i = 0; i < n; i++)
		written += !buf[i]->dirty;
	return written;
}

uint64_t pagecache_writer_tick(void)
{
	static uint64_t last_ms;
	uint64_t now = time_ms();
	if (now - last_ms < PC_WRITER_PERIOD_MS)
		return 0;
	last_ms = now;
	section_file_harvest_all();	/* pages written only through views are dirty too */
	if (!dirty_total)
		return 0;
	uint64_t want = dirty_total / 8;	/* as Windows' lazy writer: an eighth a second, at least a batch */
	return pagecache_write_some(want < PC_WRITE_BATCH ? PC_WRITE_BATCH : want);
}

ntstatus_t pagecache_map_page(struct pc_file *f, uint64_t index, uint64_t last, uint64_t *phys)
{
	make_room(PAGE_SIZE);
	ntstatus_t st;
	struct pc_page *p = get_page(f, index, last, index == f->ra_next, &st);
	if (!p)
		return st;
	p->referenced = true;
	f->ra_next = index + 1;
	if (!frame_ref(p->phys))
		return STATUS_NO_MEMORY;	/* 65535 holders: cannot happen, a section holds a page once */
	*phys = p->phys;
	return STATUS_SUCCESS;
}

bool pagecache_map_cached(struct pc_file *f, uint64_t index, uint64_t *phys)
{
	struct pc_page *p = lookup(f, index);
	if (!p || !frame_ref(p->phys))
		return false;
	p->referenced = true;
	*phys = p->phys;
	return true;
}

bool pagecache_sequential(const struct pc_file *f, uint64_t index)
{
	return index == f->ra_next;
}

void pagecache_note_sequential(struct pc_file *f, uint64_t index)
{
	f->ra_next = index + 1;
}

void pagecache_set_dirty(struct pc_file *f, uint64_t index)
{
	struct pc_page *p = lookup(f, index);
	if (p)
		set_dirty(p, true);
}

uint64_t pagecache_pages(void)
{
	return total;
}

uint64_t pagecache_dirty(void)
{
	return dirty_total;
}
