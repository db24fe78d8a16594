/*
 * mm/section.h - pagefile-backed sections (CreateFileMapping with
 * INVALID_HANDLE_VALUE) and their views (MapViewOfFile).
 *
 * A section is a kernel object (kernel/object.h) owning an entry per page:
 * its frame, allocated zeroed on first touch (owner FRAME_SECTION), or its
 * pagefile slot.  The entries sit in leaves of SECTION_LEAF_PAGES under a
 * directory; a leaf exists once a page of it is committed (SEC_COMMIT and
 * image sections: all of them from the start), so a large SEC_RESERVE
 * section costs only its directory until it is used.  Everything is charged
 * to the pool quota of the process that creates or commits it (mm/kheap.h).  A
 * SEC_COMMIT section charges its whole size to the system commit when it is
 * created; a SEC_RESERVE section charges pages as views commit them, and the
 * commit is section-wide.  A view is a VAD of type MEM_MAPPED in some
 * process: its runs hold the view's own protection of every page, and the
 * section's commit bitmap says which pages are committed.  Views map the
 * section's frames directly; a write to a PAGE_WRITECOPY page gives the view
 * a private copy (a FRAME_USER frame, reference counted like private memory),
 * and the page becomes PAGE_READWRITE.  Every view holds a reference on its
 * section, so section frames outlive every entry mapping them.
 */
#ifndef MM_SECTION_H
#define MM_SECTION_H

#include <stdbool.h>
#include <stdint.h>
#include "vm.h"
#include "kernel/object.h"

/* Section attributes and view access rights, Windows' values. */
#define W_SEC_FILE         0x800000	/* Windows' "file-backed" bit; the ABI's marker for a file section */
#define W_SEC_IMAGE        0x1000000
#define W_SEC_RESERVE      0x4000000
#define W_SEC_COMMIT       0x8000000
#define W_SEC_NOCACHE      0x10000000
#define W_SEC_WRITECOMBINE 0x40000000
#define W_SEC_LARGE_PAGES  0x80000000
#define W_SECTION_QUERY       0x0001
#define W_SECTION_MAP_WRITE   0x0002
#define W_SECTION_MAP_READ    0x0004
#define W_SECTION_MAP_EXECUTE 0x0008
#define W_SECTION_MAP_EXECUTE_EXPLICIT 0x0020
#define W_SECTION_ALL_ACCESS  0xf001f

#define STATUS_OBJECT_NAME_EXISTS   ((ntstatus_t)0x40000000)
#define STATUS_NOT_MAPPED_VIEW      ((ntstatus_t)0xC0000019)
#define STATUS_ACCESS_DENIED        ((ntstatus_t)0xC0000022)
#define STATUS_SECTION_TOO_BIG      ((ntstatus_t)0xC0000040)
#define STATUS_SECTION_PROTECTION   ((ntstatus_t)0xC000004E)
#define STATUS_INVALID_VIEW_SIZE    ((ntstatus_t)0xC000001F)
#define STATUS_MAPPED_ALIGNMENT     ((ntstatus_t)0xC0000220)
#define STATUS_OBJECT_NAME_INVALID  ((ntstatus_t)0xC0000033)
#define STATUS_OBJECT_NAME_NOT_FOUND ((ntstatus_t)0xC0000034)
#define STATUS_MAPPED_FILE_SIZE_ZERO ((ntstatus_t)0xC000011E)
#define STATUS_USER_MAPPED_FILE     ((ntstatus_t)0xC0000243)
#define STATUS_INVALID_FILE_FOR_SECTION ((ntstatus_t)0xC0000020)

/*
 * A leaf: for each of its pages the physical address of the frame, 0 until
 * first touched, or a swap entry (mm/swap.h) while the page is in the
 * pagefile; and, for SEC_RESERVE, 1 bit per committed page.  One page; the
 * last leaf of a section is only as long as its pages.
 */
#define SECTION_LEAF_PAGES 504
struct section_leaf {
	uint64_t committed[8];
	uint64_t e[SECTION_LEAF_PAGES];
};
_Static_assert(sizeof(struct section_leaf) == 4096, "a section leaf is one page");

struct section {
	struct kobject obj;		/* first: handles and views reference it */
	uint64_t size;			/* bytes, as created */
	uint64_t pages;
	uint32_t protect;		/* the page protection given at creation */
	uint32_t attributes;		/* W_SEC_COMMIT or W_SEC_RESERVE */
	struct section_leaf **leaves;	/* directory: one leaf per SECTION_LEAF_PAGES pages, NULL while absent */
	struct section_leaf *leaf_one;	/* the directory of a section of one leaf */
	uint64_t charged;		/* pages charged to the system commit */
	struct vad *views;		/* every view of the section, in every process */
	struct section *evict_next;	/* every section, for the evictor (mm/evict.c) */
	struct image *image;		/* an image section (W_SEC_IMAGE, mm/image.c): its image; NULL otherwise */
	/* A file-backed section (mm/section_file.c): entries are page-cache frames, each holding a reference. */
	struct pc_file *file;		/* the file's page cache; NULL: pagefile-backed */
	void (*file_release)(struct pc_file *);	/* drops the section's hold on the file */
	struct section *file_next;	/* the file's sections (pc_file.sections) */
	struct section *all_file_next;	/* every file-backed section */
};

/*
 * NtCreateSection for a pagefile-backed section: size bytes (> 0), protect
 * one of PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, PAGE_EXECUTE_READ,
 * PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY; attributes SEC_COMMIT
 * (also when 0) or SEC_RESERVE.  name "" for unnamed.  When a section of
 * that name exists, *out is it (referenced) and the result is
 * STATUS_OBJECT_NAME_EXISTS.  Otherwise *out is a new section holding one
 * reference for the caller.
 */
ntstatus_t section_create(uint64_t size, uint32_t protect, uint32_t attributes, const char *name,
			  struct section **out);

/* Is protect one a section may be created with (PAGE_READONLY ... PAGE_EXECUTE_WRITECOPY, no modifiers)? */
bool section_protect_ok(uint32_t protect);

/*
 * section_create's body: checks, the name (STATUS_OBJECT_NAME_EXISTS and *out
 * the existing section), a new section of attributes (W_SEC_COMMIT or
 * W_SEC_RESERVE) charged to the system commit when charge.  Not on the
 * evictor's list (section_create puts it there).
 */
ntstatus_t section_create_common(uint64_t size, uint32_t protect, uint32_t attributes, const char *name, bool charge,
				 struct section **out);

/* ---- mm/section_file.c: file-backed sections ---- */

/*
 * Fault-around (as Linux's, for a reader going through the file in order):
 * after a read fault on page of file view v resolved into *pte, and when
 * that page is the one after the file's last (pagecache_sequential), the
 * other pages of the aligned FAULT_AROUND-page window around it (inside v)
 * whose entries are empty and whose file pages are cached already get
 * mapped too, with their own protection (none for no-access and guard
 * pages), so a view read page by page takes one fault per window and a
 * reader that jumps about pays for one page a fault.  No I/O, no allocation.
 */
#define FAULT_AROUND 16
void section_file_fault_around(struct vm_space *vm, struct vad *v, uint64_t page, uint64_t *pte);
struct pc_file;
/*
 * A section of size bytes (the file is at least that long) over file f with
 * protection protect; the caller checked the handle's access and holds the
 * file for the section: release(f) is called when the section goes.  Named
 * as section_create (STATUS_OBJECT_NAME_EXISTS: *out is the existing one
 * and release is not kept).  No commit charge.
 */
ntstatus_t section_create_file(struct pc_file *f, uint64_t size, uint32_t protect, const char *name,
			       void (*release)(struct pc_file *), struct section **out);
/* Move the dirty bits of the entries of f's views into the page cache (before its pages are written). */
void section_file_harvest(struct pc_file *f);
/* The same for every file-backed section (the periodic writer). */
void section_file_harvest_all(void);
/* View v of a file-backed section is going: its dirty bits reach the page cache. */
void section_file_view_gone(struct vad *v);
/* The last reference to file-backed s went: unlink it, drop its frames' references, release the file. */
void section_file_destroy(struct section *s);
/* The entry for page index of file-backed s: the cache's frame, referenced (read from the file if needed). */
ntstatus_t section_file_page(struct section *s, uint64_t index, uint64_t *entry);
/*
 * The page cache's evictor wants page index of f (frame phys): unless a view
 * accessed it since the last call (its accessed bits are cleared: a second
 * chance, false), unmap it from every view of every section of f (dirty bits
 * go to the cache) and drop those sections' references; true then.
 */
bool section_file_release_page(struct pc_file *f, uint64_t index, uint64_t phys);
/* May f not be cut to size?  True while a section of f larger than size exists (ERROR_USER_MAPPED_FILE). */
bool section_file_mapped_past(struct pc_file *f, uint64_t size);
/*
 * FlushViewOfFile: write the dirty pages of [addr, addr+len) (len 0: to the
 * end of the view) of the view holding addr to its file, and wait.
 * STATUS_NOT_MAPPED_VIEW when addr is in no view; pagefile-backed views
 * have nothing to write.  Takes vm->lock itself (not across the writes).
 */
ntstatus_t section_flush_view(struct vm_space *vm, uint64_t addr, uint64_t len);

/*
 * An image section for mm/image.c: pages pages, all without a frame (the
 * caller fills the entries, section_entry), attributes W_SEC_IMAGE, protection
 * PAGE_EXECUTE_WRITECOPY, every page charged to the system commit, unnamed,
 * not in any handle table; s->image = img, and image_section_gone(img) is
 * called when the last reference goes.  One reference for the caller.
 */
ntstatus_t section_create_image(uint64_t pages, struct image *img, struct section **out);

/*
 * Map image section s whole at base (64 KiB aligned, free in vm) as a view
 * of type MEM_IMAGE, AllocationProtect PAGE_EXECUTE_WRITECOPY, every page
 * PAGE_READONLY until the caller sets the runs (vad_runs_set), every page
 * charged for a private copy.  *out is the view.
 */
ntstatus_t section_map_image(struct vm_space *vm, struct section *s, uint64_t base, struct vad **out);

/* NtOpenSection: the named section, referenced; STATUS_OBJECT_NAME_NOT_FOUND when there is none. */
ntstatus_t section_open(const char *name, struct section **out);

/*
 * NtMapViewOfSection: map [offset, offset + *size) of s into vm with page
 * protection protect (PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, an
 * execute variant, or PAGE_NOACCESS: mapped, every access faults, spec
 * 19.1), through a handle granting access (SECTION_MAP_READ or _WRITE, and
 * what the protection needs: else STATUS_ACCESS_DENIED).  A protection the
 * section's own does not allow (a write or execute view of a read-only or
 * non-execute section) is STATUS_SECTION_PROTECTION (spec 19.2.5).  *size 0
 * maps to the end of the section.  *base 0 picks a 64 KiB-aligned address
 * (the highest with MEM_TOP_DOWN in type).  On success *base and *size are
 * the view.
 */
ntstatus_t section_map(struct vm_space *vm, struct section *s, uint32_t access, uint64_t *base, uint64_t offset,
		       uint64_t *size, uint32_t type, uint32_t protect);

/*
 * Where a view may end under NtMapViewOfSection's ZeroBits (zero_bits_limit,
 * mm/placeholder.h): *high, USER_END for 0; STATUS_INVALID_PARAMETER_4 for
 * 22..31.  Data views (below) and image views (mm/image.h) share it.
 */
ntstatus_t view_zero_bits_end(uint64_t zero_bits, uint64_t *high);

/*
 * section_map with NtMapViewOfSection's ZeroBits (zero_bits_limit,
 * mm/placeholder.h): with *base 0 the view ends below the limit it sets
 * (none that low: STATUS_NO_MEMORY); 22..31 STATUS_INVALID_PARAMETER_4; an
 * explicit *base is taken as it is.  zero_bits 0 is section_map.
 */
ntstatus_t section_map_zero_bits(struct vm_space *vm, struct section *s, uint32_t access, uint64_t *base,
				 uint64_t offset, uint64_t *size, uint32_t type, uint32_t protect, uint64_t zero_bits);

/* NtUnmapViewOfSection: the view containing addr.  STATUS_NOT_MAPPED_VIEW when addr is not in one. */
ntstatus_t section_unmap(struct vm_space *vm, uint64_t addr);

/*
 * The entry of page i of s (see struct section_leaf), or NULL when its leaf
 * does not exist: no page of the leaf is committed, so none has a frame.
 */
uint64_t *section_entry(const struct section *s, uint64_t i);

/* ---- for mm/ (vm.c, fault.c, fork.c): v is a view (v->section != NULL) ---- */

/* True when the page at va of view v is committed in its section. */
bool view_committed(const struct vad *v, uint64_t va);

/* The end of the run of pages from va on with va's commit state (capped at limit). */
uint64_t view_commit_span(const struct vad *v, uint64_t va, uint64_t limit);

/* VirtualAlloc(MEM_COMMIT) of [start, end) inside view v (page aligned). */
ntstatus_t view_commit(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, uint32_t protect);

/*
 * VirtualProtect checks for [start, end) of view v: every page committed
 * (STATUS_NOT_COMMITTED), protect allowed in the view (87), and the
 * write-copy commit charge when protect is write-copy.  Changes nothing else.
 */
ntstatus_t view_protect_check(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, uint32_t protect);

/*
 * A fault on a committed, accessible page of view v whose entry (*pte) is
 * empty.  rd (the faulting thread's own fault, mm/swap.h; NULL for a
 * kernel caller): a section page in the pagefile is read with the locks
 * given back, as a private page is - SWAP_IN_READ, and the fault runs again.
 */
struct swap_read;
enum vm_fault_result view_fault(struct vm_space *vm, struct vad *v, uint64_t page, uint64_t *pte, uint32_t prot,
				unsigned access, struct swap_read *rd);

/*
 * The NTSTATUS of the page-in that made the last VM_FAULT_IN_PAGE_ERROR of a
 * view on this CPU (the disk's: STATUS_DEVICE_DATA_ERROR, ...), or
 * STATUS_IN_PAGE_ERROR when none was noted; cleared.  kernel/exception.c puts
 * it in EXCEPTION_IN_PAGE_ERROR's ExceptionInformation[2], as Windows.
 */
ntstatus_t section_in_page_status(void);

/* Unmap view v entirely: entries, private copies, charge, the section reference; v is freed. */
void view_destroy(struct vm_space *vm, struct vad *v);

/*
 * fork: a view for child like v of the parent (same address, protections,
 * section), on the section's list of views but in no tree yet (the caller
 * puts it in child's); NULL when out of memory.  The caller has charged
 * v->cow_charge to the child.
 */
struct vad *view_clone(const struct vad *v, struct vm_space *child);

/* fork, once v's clone is in child's tree: the parent's private copies in v become shared copy-on-write. */
ntstatus_t view_share(struct vm_space *parent, const struct vad *v, struct vm_space *child);

#endif
