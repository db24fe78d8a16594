/* mm/section.c - pagefile-backed sections and their views: create, map, commit, fault, unmap. */
#include "tlb.h"
#include "section.h"
#include "pagecache.h"
#include "ptcharge.h"
#include "frame.h"
#include "kheap.h"
#include "paging.h"
#include "phys.h"
#include "pagefile.h"
#include "prot.h"
#include "swap.h"
#include "vm_ext.h"
#include "image.h"
#include "placeholder.h"
#include "kernel/layout.h"
#include "kernel/sched.h"
#include "kernel/panic.h"

#include <stddef.h>
#include <string.h>

#define GRANULE  0x10000ULL
#define USER_END (USER_MAX_ADDR + 1)
#define PAGE_UP(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
/*
 * The largest section the directory of leaves allows: it is one kmalloc
 * block (8 bytes a leaf of 504 pages), at most a 4 MiB frame block, so
 * 512 Ki leaves, about 1008 GiB.  A SEC_RESERVE section costs only its
 * directory until pages are committed; a SEC_COMMIT one is refused by the
 * commit limit long before (spec 19.2.8).  Past it (or when the directory
 * cannot be allocated) STATUS_INSUFFICIENT_RESOURCES, as Windows when its
 * prototype PTEs do not fit in paged pool (a smaller directory that cannot
 * be had: STATUS_NO_MEMORY); past the user address space STATUS_SECTION_TOO_BIG.
 */
#define SECTION_MAX_PAGES (((PAGE_SIZE << FRAME_MAX_ORDER) / sizeof(uint64_t)) * SECTION_LEAF_PAGES)

/* What a page protection needs: read, write, execute (NT's view of access). */
#define ACC_R 1u
#define ACC_W 2u
#define ACC_X 4u

static uint32_t prot_access(uint32_t protect)
{
	switch (protect & 0xff) {
	case W_PAGE_READONLY:
	case W_PAGE_WRITECOPY: return ACC_R;
	case W_PAGE_READWRITE: return ACC_R | ACC_W;
	case W_PAGE_EXECUTE:
	case W_PAGE_EXECUTE_READ:
	case W_PAGE_EXECUTE_WRITECOPY: return ACC_R | ACC_X;
	case W_PAGE_EXECUTE_READWRITE: return ACC_R | ACC_W | ACC_X;
	default: return 0;	/* PAGE_NOACCESS */
	}
}

/*
 * May a page of a view with access protection view_prot, of a section created
 * with section_prot, take protection prot?  The access prot needs must be
 * within both the view's and the section's (spec 8.6).
 */
static bool compatible(uint32_t section_prot, uint32_t view_prot, uint32_t prot)
{
	uint32_t need = prot_access(prot), view = prot_access(view_prot);
	if (need == view)
		return true;
	return (view & need) == need && (prot_access(section_prot) & need) == need;
}

static uint64_t page_index(const struct vad *v, uint64_t va)
{
	return (v->section_offset + (va - v->start)) / PAGE_SIZE;
}

static void section_free(struct section *s);

static uint64_t leaf_count(const struct section *s)
{
	return (s->pages + SECTION_LEAF_PAGES - 1) / SECTION_LEAF_PAGES;
}

/* Bytes of leaf l: a whole page, or the last leaf's pages only. */
static uint64_t leaf_bytes(const struct section *s, uint64_t l)
{
	uint64_t n = s->pages - l * SECTION_LEAF_PAGES;
	if (n > SECTION_LEAF_PAGES)
		n = SECTION_LEAF_PAGES;
	return offsetof(struct section_leaf, e) + n * sizeof(uint64_t);
}

uint64_t *section_entry(const struct section *s, uint64_t i)
{
	struct section_leaf *l = s->leaves[i / SECTION_LEAF_PAGES];
	return l ? &l->e[i % SECTION_LEAF_PAGES] : NULL;
}

static bool sec_committed(const struct section *s, uint64_t i)
{
	if (s->attributes != W_SEC_RESERVE)
		return true;
	struct section_leaf *l = s->leaves[i / SECTION_LEAF_PAGES];
	return l && bit_test(l->committed, i % SECTION_LEAF_PAGES);
}

/* Allocate the leaves of pages [first, last] that are missing; false when out of memory (kept ones stay). */
static bool leaves_alloc(struct section *s, uint64_t first, uint64_t last)
{
	for (uint64_t l = first / SECTION_LEAF_PAGES; l <= last / SECTION_LEAF_PAGES; l++)
		if (!s->leaves[l] && !(s->leaves[l] = kmalloc(leaf_bytes(s, l))))
			return false;
	return true;
}

/* Free the leaves of pages [first, last] with no committed page (after a refused commit). */
static void leaves_trim(struct section *s, uint64_t first, uint64_t last)
{
	for (uint64_t l = first / SECTION_LEAF_PAGES; l <= last / SECTION_LEAF_PAGES; l++) {
		struct section_leaf *leaf = s->leaves[l];
		bool used = false;
		for (int w = 0; leaf && w < 8; w++)
			used |= leaf->committed[w] != 0;
		if (leaf && !used) {
			kfree(leaf);
			s->leaves[l] = NULL;
		}
	}
}

/* A section of pages pages with its directory (and every leaf when all), nothing else set; NULL when out of memory. */
static struct section *section_alloc(uint64_t pages, bool all)
{
	struct section *s = kmalloc(sizeof(*s));
	if (!s)
		return NULL;
	*s = (struct section){ 0 };
	s->pages = pages;
	uint64_t n = leaf_count(s);
	s->leaves = n == 1 ? &s->leaf_one : kmalloc(n * sizeof(*s->leaves));
	if (s->leaves && (!all || leaves_alloc(s, 0, pages - 1)))
		return s;
	section_free(s);
	return NULL;
}

/* Free s's leaves, directory and s (the entries hold nothing any more). */
static void section_free(struct section *s)
{
	for (uint64_t l = 0; s->leaves && l < leaf_count(s); l++)
		kfree(s->leaves[l]);
	if (s->leaves != &s->leaf_one)
		kfree(s->leaves);
	kfree(s);
}

static void section_destroy(struct kobject *o)
{
	struct section *s = (struct section *)o;
	ASSERT(!s->views);
	if (s->file) {
		section_file_destroy(s);	/* its entries are the page cache's frames */
		section_free(s);
		return;
	}
	evict_section_remove(s);
	for (uint64_t i = 0; i < s->pages; i++) {
		uint64_t *e = section_entry(s, i);
		if (!e) {
			i += SECTION_LEAF_PAGES - 1 - i % SECTION_LEAF_PAGES;	/* the next leaf */
			continue;
		}
		if (*e & PTE_SW_SWAP)
			swap_slot_unref(swap_entry_slot(*e));
		else if (*e)
			frame_unref(*e);
	}
	vm_uncharge_system(s->charged);
	if (s->image)
		image_section_gone(s->image);	/* after the entries: the image's file holds the cache pages they share */
	section_free(s);
}

bool section_protect_ok(uint32_t p)
{
	switch (p) {
	case W_PAGE_READONLY:
	case W_PAGE_READWRITE:
	case W_PAGE_WRITECOPY:
	case W_PAGE_EXECUTE_READ:
	case W_PAGE_EXECUTE_READWRITE:
	case W_PAGE_EXECUTE_WRITECOPY: return true;
	default: return false;
	}
}

ntstatus_t section_create_common(uint64_t size, uint32_t protect, uint32_t attributes, const char *name, bool charge,
			      struct section **out)
{
	if (!section_protect_ok(protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	/* The arguments are checked before the name is looked up: opening an existing section needs a valid size too. */
	if (size == 0)
		return STATUS_INVALID_PARAMETER;	/* a pagefile-backed section needs a size */
	uint64_t pages = PAGE_UP(size) / PAGE_SIZE;
	if (size > USER_END)
		return STATUS_SECTION_TOO_BIG;
	if (name[0]) {
		struct kobject *o = obj_lookup(name);
		if (o && o->type != KOBJ_SECTION)
			return STATUS_OBJECT_TYPE_MISMATCH;
		if (o) {
			obj_ref(o);
			*out = (struct section *)o;
			return STATUS_OBJECT_NAME_EXISTS;
		}
	}
	/* The commit first: a section past the limit fails with that, before its leaves cost pool quota. */
	bool charged = charge && attributes == W_SEC_COMMIT;
	if (charged && !vm_charge_system(pages))
		return STATUS_COMMITMENT_LIMIT;
	/* SEC_RESERVE: leaves on commit; a directory larger than one block is a resource limit. */
	struct section *s = pages <= SECTION_MAX_PAGES ? section_alloc(pages, attributes == W_SEC_COMMIT) : NULL;
	if (!s) {
		if (charged)
			vm_uncharge_system(pages);
		return pages > SECTION_MAX_PAGES ? STATUS_INSUFFICIENT_RESOURCES : STATUS_NO_MEMORY;
	}
	if (charged)
		s->charged = pages;
	obj_init(&s->obj, KOBJ_SECTION, section_destroy);
	s->size = size;
	s->protect = protect;
	s->attributes = attributes;
	if (name[0])
		obj_set_name(&s->obj, name);
	*out = s;
	return STATUS_SUCCESS;
}

ntstatus_t section_create(uint64_t size, uint32_t protect, uint32_t attributes, const char *name,
			  struct section **out)
{
	if (attributes == 0)
		attributes = W_SEC_COMMIT;
	if (attributes != W_SEC_COMMIT && attributes != W_SEC_RESERVE)
		return STATUS_INVALID_PARAMETER;	/* SEC_RESERVE|SEC_COMMIT, SEC_IMAGE without a file, ... */
	ntstatus_t st = section_create_common(size, protect, attributes, name, true, out);
	if (st == STATUS_SUCCESS)
		evict_section_add(*out);	/* its pages go to the pagefile under pressure */
	return st;
}

ntstatus_t section_create_image(uint64_t pages, struct image *img, struct section **out)
{
	if (pages == 0 || pages > SECTION_MAX_PAGES)
		return STATUS_SECTION_TOO_BIG;
	struct section *s = section_alloc(pages, true);
	if (!s)
		return STATUS_NO_MEMORY;
	if (!vm_charge_system(pages)) {
		section_free(s);
		return STATUS_COMMITMENT_LIMIT;
	}
	obj_init(&s->obj, KOBJ_SECTION, section_destroy);
	s->charged = pages;
	s->size = pages * PAGE_SIZE;
	s->protect = W_PAGE_EXECUTE_WRITECOPY;
	s->attributes = W_SEC_IMAGE;
	s->image = img;
	evict_section_add(s);
	*out = s;
	return STATUS_SUCCESS;
}

ntstatus_t section_map_image(struct vm_space *vm, struct section *s, uint64_t base, struct vad **out)
{
	uint64_t len = s->size;
	if ((base & (GRANULE - 1)) || base < USER_MIN_ADDR || base >= USER_END || len > USER_END - base ||
	    !vad_range_free(&vm->tree, base, base + len))
		return STATUS_CONFLICTING_ADDRESSES;
	struct vad *v = vad_new(base, base + len, W_MEM_COMMIT, W_PAGE_READONLY, W_PAGE_EXECUTE_WRITECOPY, W_MEM_IMAGE);
	if (!v)
		return STATUS_NO_MEMORY;
	if (!vm_charge(vm, len / PAGE_SIZE)) {
		vad_delete(v);
		return STATUS_COMMITMENT_LIMIT;
	}
	ntstatus_t st = ptc_charge(vm, base, base + len);	/* its page tables (mm/ptcharge.h) */
	if (st) {
		vm_uncharge(vm, len / PAGE_SIZE);
		vad_delete(v);
		return st;
	}
	v->cow_charge = len / PAGE_SIZE;
	obj_ref(&s->obj);
	v->section = s;
	v->section_offset = 0;
	v->view_space = vm;
	v->view_next = s->views;
	s->views = v;
	vad_insert(&vm->tree, v);
	*out = v;
	return STATUS_SUCCESS;
}

ntstatus_t section_open(const char *name, struct section **out)
{
	struct kobject *o = name[0] ? obj_lookup(name) : NULL;
	if (!o)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	if (o->type != KOBJ_SECTION)
		return STATUS_OBJECT_TYPE_MISMATCH;
	obj_ref(o);
	*out = (struct section *)o;
	return STATUS_SUCCESS;
}

/* Does a handle with access rights allow a view with protection protect?  Write access implies read, as in NT. */
static bool rights_allow(uint32_t access, uint32_t protect)
{
	uint32_t a = prot_access(protect);
	if ((a & ACC_W) && !(access & W_SECTION_MAP_WRITE))
		return false;
	if ((a & ACC_X) && !(access & (W_SECTION_MAP_EXECUTE | W_SECTION_MAP_EXECUTE_EXPLICIT)))
		return false;	/* FILE_MAP_EXECUTE is SECTION_MAP_EXECUTE_EXPLICIT */
	return (access & (W_SECTION_MAP_READ | W_SECTION_MAP_WRITE)) != 0;
}

ntstatus_t section_map(struct vm_space *vm, struct section *s, uint32_t access, uint64_t *base, uint64_t offset,
		       uint64_t *size, uint32_t type, uint32_t protect)
{
	return section_map_zero_bits(vm, s, access, base, offset, size, type, protect, 0);
}

ntstatus_t view_zero_bits_end(uint64_t zero_bits, uint64_t *high)
{
	uint64_t limit;
	*high = USER_END;
	if (!zero_bits)
		return STATUS_SUCCESS;
	if (zero_bits_limit(zero_bits, &limit))
		return STATUS_INVALID_PARAMETER_4;	/* ZeroBits is NtMapViewOfSection's 4th */
	if (limit < USER_END)
		*high = limit + 1;
	return STATUS_SUCCESS;
}

ntstatus_t section_map_zero_bits(struct vm_space *vm, struct section *s, uint32_t access, uint64_t *base,
				 uint64_t offset, uint64_t *size, uint32_t type, uint32_t protect, uint64_t zero_bits)
{
	uint64_t high;	/* where a view may end */
	if (view_zero_bits_end(zero_bits, &high))
		return STATUS_INVALID_PARAMETER_4;
	if (type & ~W_MEM_TOP_DOWN)
		return STATUS_INVALID_PARAMETER;
	if (protect != W_PAGE_NOACCESS && !section_protect_ok(protect))
		return STATUS_INVALID_PAGE_PROTECTION;	/* a PAGE_NOACCESS view: access 0 or execute only (spec 19.1) */
	if (!rights_allow(access, protect))
		return STATUS_ACCESS_DENIED;
	if ((prot_access(s->protect) & prot_access(protect)) != prot_access(protect))
		return STATUS_SECTION_PROTECTION;	/* a write view of a read-only section, execute of non-execute */
	if (offset & (GRANULE - 1))
		return STATUS_MAPPED_ALIGNMENT;
	if (offset >= s->size || *size > s->size - offset)
		return STATUS_INVALID_VIEW_SIZE;
	uint64_t len = PAGE_UP(*size ? *size : s->size - offset);
	uint64_t start = *base;
	if (start) {
		if (start & (GRANULE - 1))
			return STATUS_MAPPED_ALIGNMENT;
		if (start < USER_MIN_ADDR || start >= USER_END || len > USER_END - start)
			return STATUS_INVALID_PARAMETER_3;
		if (!vad_range_free(&vm->tree, start, start + len))
			return STATUS_CONFLICTING_ADDRESSES;
	} else {
		start = high >= USER_MIN_ADDR + GRANULE
				? vad_find_gap(&vm->tree, len, GRANULE, USER_MIN_ADDR, high, type & W_MEM_TOP_DOWN)
				: 0;
		if (!start)
			return STATUS_NO_MEMORY;
	}
	/* Every page of the view carries the view's protection; the section says which are committed. */
	struct vad *v = vad_new(start, start + len, W_MEM_COMMIT, protect, protect, W_MEM_MAPPED);
	if (!v)
		return STATUS_NO_MEMORY;
	/* A copy view charges every page it may copy, so a later copy cannot fail. */
	if (prot_is_writecopy(protect)) {
		if (!vm_charge(vm, len / PAGE_SIZE)) {
			vad_delete(v);
			return STATUS_COMMITMENT_LIMIT;
		}
		v->cow_charge = len / PAGE_SIZE;
	}
	ntstatus_t st = ptc_charge(vm, start, start + len);	/* its page tables (mm/ptcharge.h) */
	if (st) {
		vm_uncharge(vm, v->cow_charge);
		vad_delete(v);
		return st;
	}
	obj_ref(&s->obj);
	v->section = s;
	v->section_offset = offset;
	v->view_space = vm;
	v->view_next = s->views;
	s->views = v;
	vad_insert(&vm->tree, v);
	*base = start;
	*size = len;
	return STATUS_SUCCESS;
}

bool view_committed(const struct vad *v, uint64_t va)
{
	return sec_committed(v->section, page_index(v, va));
}

uint64_t view_commit_span(const struct vad *v, uint64_t va, uint64_t limit)
{
	const struct section *s = v->section;
	if (s->attributes != W_SEC_RESERVE)
		return limit;
	bool c = view_committed(v, va);
	uint64_t e = va + PAGE_SIZE;
	while (e < limit && view_committed(v, e) == c)
		e += PAGE_SIZE;
	return e;
}

/* Charge v's write-copy pages when protect is write-copy and v has not charged them yet. */
static ntstatus_t charge_copies(struct vm_space *vm, struct vad *v, uint32_t protect)
{
	if (!prot_is_writecopy(protect) || v->cow_charge)
		return STATUS_SUCCESS;
	uint64_t pages = vad_pages(v);
	if (!vm_charge(vm, pages))
		return STATUS_COMMITMENT_LIMIT;
	v->cow_charge = pages;
	return STATUS_SUCCESS;
}

ntstatus_t view_commit(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, uint32_t protect)
{
	struct section *s = v->section;
	if (!prot_valid(protect, true) || (protect & (W_PAGE_NOCACHE | W_PAGE_WRITECOMBINE)))
		return STATUS_INVALID_PAGE_PROTECTION;	/* sections choose their cache type (SEC_NOCACHE), spec 9.6 */
	if (!compatible(s->protect, v->alloc_protect, protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	uint64_t fresh = 0;
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		fresh += !view_committed(v, va);
	uint64_t first = page_index(v, start), last = page_index(v, end - 1);
	ntstatus_t st = STATUS_SUCCESS;
	if (!leaves_alloc(s, first, last) || vad_runs_reserve(v))
		st = STATUS_NO_MEMORY;
	else if (!vm_charge_system(fresh))
		st = STATUS_COMMITMENT_LIMIT;
	else if ((st = charge_copies(vm, v, protect)))
		vm_uncharge_system(fresh);
	if (st) {
		if (s->attributes == W_SEC_RESERVE)
			leaves_trim(s, first, last);	/* a refused commit keeps no new leaf */
		return st;
	}
	s->charged += fresh;
	for (uint64_t i = first; i <= last && s->attributes == W_SEC_RESERVE; i++)
		bit_set(s->leaves[i / SECTION_LEAF_PAGES]->committed, i % SECTION_LEAF_PAGES);
	/* This view takes the protection asked for; other views keep their own (spec 13.4). */
	vm_reprotect_entries(vm, start, end, protect);
	vad_runs_set(v, start, end, W_MEM_COMMIT, protect);
	return STATUS_SUCCESS;
}

ntstatus_t view_protect_check(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, uint32_t protect)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		if (!view_committed(v, va))
			return STATUS_NOT_COMMITTED;
	if (protect & (W_PAGE_NOCACHE | W_PAGE_WRITECOMBINE))
		return STATUS_INVALID_PAGE_PROTECTION;
	if (!compatible(v->section->protect, v->alloc_protect, protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	return charge_copies(vm, v, protect);
}

/* Each CPU's last failed page-in status, for the exception the fault raises next (section_in_page_status). */
static ntstatus_t in_page_status[MAX_CPUS];

static enum vm_fault_result in_page_error(ntstatus_t st)
{
	in_page_status[this_cpu()->index] = st;
	return VM_FAULT_IN_PAGE_ERROR;
}

ntstatus_t section_in_page_status(void)
{
	ntstatus_t *slot = &in_page_status[this_cpu()->index], st = *slot;
	*slot = 0;
	return st ? st : (ntstatus_t)0xC0000006;	/* not a view's page: STATUS_IN_PAGE_ERROR itself */
}

/*
 * The section page at *entry, in the pagefile, for the faulting thread's own
 * fault: taken from rd's frame when rd read this very entry (the fault ran
 * again from the region tree after the read, and the entry is still the
 * one the read saw: no other view paged it in meanwhile, and the slot, which
 * rd holds a reference on, cannot have been reused); else rd is set up to
 * read it (SWAP_IN_READ: fault_entry reads with vm->lock and the kernel lock
 * given back, then faults again).  As swap_in_unlocked does for private pages.
 */
static enum vm_fault_result section_page_in(struct vm_space *vm, uint64_t page, uint64_t *entry, struct swap_read *rd)
{
	uint64_t shared = *entry;
	if (rd->n && rd->done && rd->page == page && rd->seen[0] == shared) {
		if (rd->status != STATUS_SUCCESS)
			return in_page_error(rd->status);
		swap_slot_unref(swap_entry_slot(shared));	/* the entry's reference; rd's own goes in swap_read_end */
		*entry = rd->frames[0];
		rd->frames[0] = 0;	/* the section's now */
		return VM_FAULT_RESOLVED;
	}
	swap_read_end(rd);	/* a read for another page, or an entry that changed meanwhile */
	uint64_t f = vm_page_frame(vm, FRAME_SECTION, false);
	if (!f)
		return VM_FAULT_NO_MEMORY;
	rd->slots[0] = swap_entry_slot(shared);
	swap_slot_ref(rd->slots[0]);	/* rd's own: the slot outlives the section or the view during the read */
	rd->frames[0] = f;
	rd->seen[0] = shared;
	rd->page = page;
	rd->n = 1;
	rd->done = false;
	return SWAP_IN_READ;
}

enum vm_fault_result view_fault(struct vm_space *vm, struct vad *v, uint64_t page, uint64_t *pte, uint32_t prot,
				unsigned access, struct swap_read *rd)
{
	struct section *s = v->section;
	uint64_t *entry = section_entry(s, page_index(v, page));	/* committed: its leaf exists */
	uint64_t shared = *entry;
	bool around = s->file && access != VM_ACCESS_WRITE && pagecache_sequential(s->file, page_index(v, page));
	if (!shared && s->file) {	/* the page cache's frame, read from the file when absent */
		ntstatus_t st = section_file_page(s, page_index(v, page), entry);
		if (st == STATUS_NO_MEMORY)
			return VM_FAULT_NO_MEMORY;
		if (st)
			return in_page_error(st);
		shared = *entry;
	}
	if ((shared & PTE_SW_SWAP) && rd) {	/* paged out: read it back for every view, unlocked */
		enum vm_fault_result r = section_page_in(vm, page, entry, rd);
		if (r != VM_FAULT_RESOLVED)
			return r;
		shared = *entry;
	}
	if (shared & PTE_SW_SWAP) {	/* the same for a kernel caller, with the locks held */
		uint64_t f = vm_page_frame(vm, FRAME_SECTION, false);
		if (!f)
			return VM_FAULT_NO_MEMORY;
		ntstatus_t st = pagefile_read(swap_entry_slot(shared), f);
		if (st) {
			frame_free(f, 0);
			return in_page_error(st);
		}
		swap_slot_unref(swap_entry_slot(shared));
		*entry = shared = f;
	}
	if (access == VM_ACCESS_WRITE && prot_is_writecopy(prot)) {
		/* The first access is a write: copy at once (from zero when the section page was never touched). */
		uint32_t copied = prot_after_copy(prot);
		if (vad_runs_reserve(v))
			return VM_FAULT_NO_MEMORY;
		uint64_t f = vm_page_frame(vm, FRAME_USER, !shared);
		if (!f)
			return VM_FAULT_NO_MEMORY;
		if (shared)
			page_copy(phys_to_virt(f), phys_to_virt(shared));
		vad_view_private(v, page);
		*pte = f | prot_pte_flags(copied) | PTE_A | PTE_D;
		vad_runs_set(v, page, page + PAGE_SIZE, W_MEM_COMMIT, copied);
		tlb_shootdown_page(vm->root, page);
		return VM_FAULT_RESOLVED;
	}
	if (!shared) {
		shared = vm_page_frame(vm, FRAME_SECTION, true);
		if (!shared)
			return VM_FAULT_NO_MEMORY;
		*entry = shared;
	}
	*pte = shared | prot_pte_flags(prot);	/* write-copy pages map read-only */
	tlb_shootdown_page(vm->root, page);
	if (around)
		section_file_fault_around(vm, v, page, pte);
	return VM_FAULT_RESOLVED;
}

void view_destroy(struct vm_space *vm, struct vad *v)
{
	struct section *s = v->section;
	if (s->file)
		section_file_view_gone(v);	/* what the view wrote reaches the page cache */
	vm_drop_entries(vm, v->start, v->end);
	vm_uncharge(vm, v->cow_charge);
	struct vad **pp = &s->views;
	while (*pp != v)
		pp = &(*pp)->view_next;
	*pp = v->view_next;
	uint64_t start = v->start, len = v->end - v->start;
	vad_remove(&vm->tree, v);
	vad_delete(v);
	pt_prune(vm->root, start, len);
	ptc_release(vm, start, start + len);
	obj_unref(&s->obj);
}

ntstatus_t section_unmap(struct vm_space *vm, uint64_t addr)
{
	struct vad *v = addr < USER_END ? vad_find(&vm->tree, addr) : NULL;
	if (!v || !v->section)
		return STATUS_NOT_MAPPED_VIEW;
	view_destroy(vm, v);
	return STATUS_SUCCESS;
}

struct vad *view_clone(const struct vad *v, struct vm_space *child)
{
	struct vad *c = vad_clone(v);
	if (!c)
		return NULL;
	struct section *s = v->section;
	obj_ref(&s->obj);
	c->section = s;
	c->section_offset = v->section_offset;
	c->view_space = child;
	c->cow_charge = v->cow_charge;
	c->priv_lo = v->priv_lo;
	c->priv_hi = v->priv_hi;
	c->view_next = s->views;
	s->views = c;
	return c;
}

ntstatus_t view_share(struct vm_space *parent, const struct vad *v, struct vm_space *child)
{
	/*
	 * Section frames are found again through the section (the child faults
	 * them in); private copies are shared copy-on-write.  Those can only be
	 * in [priv_lo, priv_hi): a view no page of which was ever copied costs
	 * no page-table walk, an image view only the span of its written pages.
	 */
	uint64_t lo = v->priv_lo > v->start ? v->priv_lo : v->start, hi = v->priv_hi < v->end ? v->priv_hi : v->end;
	return lo < hi ? cow_share(parent, child, lo, hi, 0) : STATUS_SUCCESS;
}
