/*
 * mm/section_file.c - file-backed sections (CreateFileMapping on a file
 * handle) over the page cache (mm/pagecache.h).
 *
 * A file-backed section's entries are the page cache's own frames: the
 * first fault on a page of any view asks the cache for it (reading it from
 * the file when absent) and the section keeps a reference on the frame, so
 * ReadFile, WriteFile and every view of the file, in any process, see the
 * same bytes.  Views map the frames directly (FRAME_SECTION: an entry holds
 * no reference of its own); a write-copy view copies a page on its first
 * write, as for pagefile-backed sections.  The hardware dirty bits of the
 * views' entries are moved into the cache (section_file_harvest) before any
 * of the file's pages is written, when a view goes and by the periodic
 * writer; then the cache writes them to the file like any dirty page.  A
 * file-backed section is never paged to the pagefile (it is not on the
 * evictor's section list) and charges no commit (write-copy views charge
 * their copies).  One CPU, the kernel not preemptible: the walks over other
 * processes' entries need no lock (they only clear dirty bits).
 */
#include "tlb.h"
#include "section.h"
#include "frame.h"
#include "kheap.h"
#include "pagecache.h"
#include "paging.h"
#include "prot.h"
#include "swap.h"
#include "vm_ext.h"
#include "kernel/cpu.h"
#include "kernel/layout.h"

#include <stddef.h>

#define PAGE_UP(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static struct section *file_sections;	/* every file-backed section, through all_file_next */

ntstatus_t section_create_file(struct pc_file *f, uint64_t size, uint32_t protect, const char *name,
			       void (*release)(struct pc_file *), struct section **out)
{
	ntstatus_t st = section_create_common(size, protect, W_SEC_COMMIT, name, false, out);
	if (st)
		return st;	/* STATUS_OBJECT_NAME_EXISTS: *out is the existing section */
	struct section *s = *out;
	s->file = f;
	s->file_release = release;
	s->file_next = f->sections;
	f->sections = s;
	s->all_file_next = file_sections;
	file_sections = s;
	return STATUS_SUCCESS;
}

/* The page-table entry of page index of s in view v, when it maps frame phys; NULL otherwise. */
static pte_t *view_pte(const struct vad *v, uint64_t index, uint64_t phys)
{
	uint64_t off = index * PAGE_SIZE;
	if (off < v->section_offset || off - v->section_offset >= v->end - v->start)
		return NULL;
	pte_t *pte = pt_walk(v->view_space->root, v->start + off - v->section_offset, false);
	return pte && (*pte & (PTE_P | PTE_SW_FRAME)) && (*pte & PTE_ADDR) == phys ? pte : NULL;
}

/* Move the dirty bits of s's views' entries (for the shared frames only) into the page cache. */
static void harvest_section(struct section *s)
{
	for (struct vad *v = s->views; v; v = v->view_next) {
		uint64_t first = v->section_offset / PAGE_SIZE, n = (v->end - v->start) / PAGE_SIZE;
		for (uint64_t i = first; i < first + n && i < s->pages; i++) {
			uint64_t *e = section_entry(s, i);
			if (!e || !*e)
				continue;
			pte_t *pte = view_pte(v, i, *e);
			if (!pte || !(*pte & PTE_D))
				continue;
			*pte &= ~PTE_D;	/* the next write through this entry sets it again */
			tlb_shootdown_page(v->view_space->root, v->start + i * PAGE_SIZE - v->section_offset);
			pagecache_set_dirty(s->file, i);
		}
	}
}

void section_file_harvest(struct pc_file *f)
{
	for (struct section *s = f->sections; s; s = s->file_next)
		harvest_section(s);
}

void section_file_harvest_all(void)
{
	for (struct section *s = file_sections; s; s = s->all_file_next)
		harvest_section(s);
}

void section_file_view_gone(struct vad *v)
{
	struct section *s = v->section;
	struct vad *keep = s->views;
	s->views = v;	/* this view alone */
	struct vad *next = v->view_next;
	v->view_next = NULL;
	harvest_section(s);
	v->view_next = next;
	s->views = keep;
}

void section_file_destroy(struct section *s)
{
	harvest_section(s);	/* no views are left; nothing to do, kept for safety */
	struct pc_file *f = s->file;
	struct section **pp = &f->sections;
	while (*pp != s)
		pp = &(*pp)->file_next;
	*pp = s->file_next;
	for (pp = &file_sections; *pp != s;)
		pp = &(*pp)->all_file_next;
	*pp = s->all_file_next;
	for (uint64_t i = 0; i < s->pages; i++) {
		uint64_t *e = section_entry(s, i);
		if (e && *e)
			frame_unref(*e);	/* the page stays cached (dirty ones are written by the cache) */
	}
	s->file_release(f);
}

ntstatus_t section_file_page(struct section *s, uint64_t index, uint64_t *entry)
{
	uint64_t phys;
	ntstatus_t st = pagecache_map_page(s->file, index, s->pages - 1, &phys);
	if (st)
		return st;
	*entry = phys;
	return STATUS_SUCCESS;
}

void section_file_fault_around(struct vm_space *vm, struct vad *v, uint64_t page, uint64_t *pte)
{
	(void)vm;
	struct section *s = v->section;
	uint64_t lo = page & ~(FAULT_AROUND * PAGE_SIZE - 1), hi = lo + FAULT_AROUND * PAGE_SIZE;
	if (lo < v->start)
		lo = v->start;
	if (hi > v->end)
		hi = v->end;
	uint64_t *base = pte - (page - lo) / PAGE_SIZE;	/* one table: the window is inside 2 MiB */
	uint64_t first = (v->section_offset + (lo - v->start)) / PAGE_SIZE, ahead = 0;
	const struct vad_run *r = NULL;
	uint64_t flags = 0;
	for (uint64_t p = lo, index = first; p < hi && index < s->pages; p += PAGE_SIZE, index++) {
		if (!r || p >= r->end) {	/* the run's protection, once per run */
			r = vad_run_at(v, p);
			uint32_t prot = r->protect;
			flags = prot_readable(prot) && !(prot & W_PAGE_GUARD) ? prot_pte_flags(prot) : 0;
		}
		uint64_t *e = base + (p - lo) / PAGE_SIZE;
		if (!flags || *e || p == page)
			continue;	/* no access; or mapped, paged out, a frame behind no-access: the fault's own business */
		uint64_t *entry = section_entry(s, index);
		if (!entry || (*entry & PTE_SW_SWAP))
			continue;
		if (!*entry && !pagecache_map_cached(s->file, index, entry))
			continue;	/* not cached: no I/O here, its own fault reads it */
		*e = *entry | flags;	/* not present before: nothing to flush */
		if (p > page)
			ahead = index;
	}
	if (ahead)	/* the reader's next page is past what was mapped ahead of it */
		pagecache_note_sequential(s->file, ahead);
}

/* s's entry for page index when it holds frame phys; NULL otherwise. */
static uint64_t *held_entry(struct section *s, uint64_t index, uint64_t phys)
{
	uint64_t *e = index < s->pages ? section_entry(s, index) : NULL;
	return e && *e == phys ? e : NULL;
}

bool section_file_release_page(struct pc_file *f, uint64_t index, uint64_t phys)
{
	bool accessed = false;
	/* First pass: a view that used the page since the last look keeps it (second chance). */
	for (struct section *s = f->sections; s; s = s->file_next) {
		if (!held_entry(s, index, phys))
			continue;
		for (struct vad *v = s->views; v; v = v->view_next) {
			pte_t *pte = view_pte(v, index, phys);
			if (pte && (*pte & PTE_A)) {
				*pte &= ~PTE_A;
				accessed = true;
			}
		}
	}
	if (accessed)
		return false;
	/* Second pass: unmap it from every view (its dirty bits go to the cache) and drop the holds. */
	for (struct section *s = f->sections; s; s = s->file_next) {
		uint64_t *e = held_entry(s, index, phys);
		if (!e)
			continue;
		for (struct vad *v = s->views; v; v = v->view_next) {
			pte_t *pte = view_pte(v, index, phys);
			if (!pte)
				continue;
			if (*pte & PTE_D)
				pagecache_set_dirty(f, index);
			*pte = 0;	/* the view maps it again from the cache on its next access */
			tlb_shootdown_page(v->view_space->root, v->start + index * PAGE_SIZE - v->section_offset);
		}
		*e = 0;
		frame_unref(phys);	/* the cache's reference stays */
	}
	return true;
}

bool section_file_mapped_past(struct pc_file *f, uint64_t size)
{
	for (struct section *s = f->sections; s; s = s->file_next)
		if (size < s->size)
			return true;	/* with or without views, as Wine (a section keeps its pages) */
	return false;
}

ntstatus_t section_flush_view(struct vm_space *vm, uint64_t addr, uint64_t len)
{
	kmutex_lock(&vm->lock);
	struct vad *v = addr <= USER_MAX_ADDR ? vad_find(&vm->tree, addr) : NULL;
	if (!v || !v->section) {
		kmutex_unlock(&vm->lock);
		return STATUS_NOT_MAPPED_VIEW;
	}
	struct section *s = v->section;
	if (!s->file) {
		kmutex_unlock(&vm->lock);
		return STATUS_SUCCESS;	/* pagefile-backed: nothing to write */
	}
	uint64_t start = addr & ~(PAGE_SIZE - 1);
	uint64_t end = len && len <= v->end - addr ? PAGE_UP(addr + len) : v->end;	/* 0: to the end of the view */
	uint64_t first = (v->section_offset + (start - v->start)) / PAGE_SIZE;
	uint64_t last = (v->section_offset + (end - v->start)) / PAGE_SIZE - 1;
	obj_ref(&s->obj);
	kmutex_unlock(&vm->lock);
	/* The writes happen without the space's lock: I/O never runs under it here. */
	ntstatus_t st = pagecache_flush_range(s->file, first, last);	/* harvests first */
	obj_unref(&s->obj);
	return st;
}
