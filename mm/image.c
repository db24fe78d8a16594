/* mm/image.c - image sections: build, map as MEM_IMAGE, relocate, bind imports; the per-process image list. */
#include "tlb.h"
#include "image_internal.h"
#include "frame.h"
#include "kheap.h"
#include "pagefile.h"
#include "paging.h"
#include "phys.h"
#include "prot.h"
#include "section.h"
#include "swap.h"
#include "vm_ext.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/image_file.h"
#include "kernel/layout.h"
#include "kernel/modules.h"
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "kernel/syscall_abi.h"
#include "libc/fmt.h"

#include <stdarg.h>
#include <string.h>

#define GRANULE     0x10000ULL
#define USER_END    (USER_MAX_ADDR + 1)
#define PG_UP(a)    (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define DLL_TOP     0x7FF000000000ULL	/* moved DYNAMIC_BASE images go below this, top down */
#define LOAD_MAX    64			/* images one load may map */
#define FWD_DEPTH   8			/* forwarder chains longer than this are refused */

static struct image *images;	/* live image sections */

uint64_t image_live_count(void)
{
	uint64_t n = 0;
	for (struct image *i = images; i; i = i->next)
		n++;
	return n;
}

/* ---- the section's frames ---- */

/* The frame of section page i, read back from the pagefile or allocated zeroed as needed; 0 when out of memory. */
static uint64_t sec_frame(struct section *s, uint64_t i)
{
	uint64_t *entry = section_entry(s, i), e = *entry;	/* an image section has every leaf */
	if (e && !(e & PTE_SW_SWAP))
		return e;
	uint64_t f = e ? frame_alloc(0, FRAME_SECTION) : frame_alloc_zeroed(0, FRAME_SECTION);
	if (!f)
		return 0;
	if (e) {
		if (pagefile_read(swap_entry_slot(e), f)) {
			frame_free(f, 0);
			return 0;
		}
		swap_slot_unref(swap_entry_slot(e));
	}
	*entry = f;
	return f;
}

/*
 * The frame of section page i, to be written: a page that is the file's own
 * frame (shared with the page cache) first becomes a copy of the section's
 * own, unmapped from every view that mapped the file's frame.  0 when out of
 * memory.
 */
static uint64_t sec_frame_own(struct section *s, uint64_t i)
{
	uint64_t e = sec_frame(s, i);
	if (!e || frame_get(e)->refcount == 1)
		return e;	/* the section's own frame */
	uint64_t f = frame_alloc(0, FRAME_SECTION);
	if (!f)
		return 0;
	page_copy(phys_to_virt(f), phys_to_virt(e));
	for (struct vad *v = s->views; v; v = v->view_next) {
		uint64_t va = v->start + i * PAGE_SIZE - v->section_offset;
		pte_t *pte = va < v->end ? pt_walk(v->view_space->root, va, false) : NULL;
		if (pte && (*pte & (PTE_P | PTE_SW_FRAME)) && (*pte & PTE_ADDR) == e) {
			*pte = 0;	/* the view maps the section's frame on its next access */
			tlb_shootdown_page(v->view_space->root, va);
		}
	}
	*section_entry(s, i) = f;
	frame_unref(e);
	return f;
}

/* Copy len bytes between the section's frames at byte offset off and buf (to the frames when write). */
static ntstatus_t sec_rw(struct section *s, uint64_t off, void *buf, uint64_t len, bool write)
{
	uint8_t *b = buf;
	while (len) {
		uint64_t in = off % PAGE_SIZE, n = PAGE_SIZE - in < len ? PAGE_SIZE - in : len;
		uint64_t f = write ? sec_frame_own(s, off / PAGE_SIZE) : sec_frame(s, off / PAGE_SIZE);
		if (!f)
			return STATUS_NO_MEMORY;
		uint8_t *p = (uint8_t *)phys_to_virt(f) + in;
		if (write)
			memcpy(p, b, n);
		else
			memcpy(b, p, n);
		off += n, b += n, len -= n;
	}
	return STATUS_SUCCESS;
}

/* ---- building an image section ---- */

/* Does [base, base+size) meet a live image section other than self? Returns it, or NULL. */
static struct image *image_overlap(uint64_t base, uint64_t size, const struct image *self)
{
	for (struct image *i = images; i; i = i->next)
		if (i != self && base < i->base + i->pe.size_of_image && i->base < base + size)
			return i;
	return NULL;
}

/*
 * The base of a new image section: preferred, unless a DYNAMIC_BASE DLL must move off another's range.
 * An .exe always keeps its preferred base: each process has its own address space and one program, so
 * two programs wanting 0x140000000 never meet; a clash inside one process is the private relocation's.
 */
static uint64_t choose_base(const struct image *img)
{
	uint64_t size = img->pe.size_of_image, base = img->pe.image_base;
	bool movable = (img->pe.characteristics & PE_FILE_DLL) &&
		       (img->pe.dll_characteristics & PE_DLL_DYNAMIC_BASE) &&
		       !(img->pe.characteristics & PE_FILE_RELOCS_STRIPPED);
	if (!movable || !image_overlap(base, size, img))
		return base;
	uint64_t c = (DLL_TOP - size) & ~(GRANULE - 1);
	struct image *o;
	while (c >= USER_MIN_ADDR + GRANULE && (o = image_overlap(c, size, img)))
		c = o->base > size ? (o->base - size) & ~(GRANULE - 1) : 0;
	return c >= USER_MIN_ADDR + GRANULE ? c : base;
}

struct reloc_ctx {
	struct section *s;	/* relocate the frames, or */
	struct vm_space *vm;	/* a process's view */
	struct vad *v;
	uint64_t delta;
};

static ntstatus_t reloc_one(void *ctx, uint32_t rva)
{
	struct reloc_ctx *r = ctx;
	uint64_t x;
	ntstatus_t st = r->s ? sec_rw(r->s, rva, &x, 8, false) : view_rw(r->vm, r->v, r->v->start + rva, &x, 8, false);
	if (st)
		return st;
	x += r->delta;
	return r->s ? sec_rw(r->s, rva, &x, 8, true) : view_rw(r->vm, r->v, r->v->start + rva, &x, 8, true);
}

/* Lay the file out in the section's frames (pages with no file data stay demand-zero) and relocate to img->base. */
static ntstatus_t image_fill(struct image *img)
{
	const struct pe_image *pe = &img->pe;
	struct section *s = img->section;
	ntstatus_t st = sec_rw(s, 0, (void *)pe->file, pe->size_of_headers, true);
	for (uint32_t i = 0; i < pe->nsections && !st; i++) {
		const struct pe_section *ps = &pe->sections[i];
		if (ps->raw_len)
			st = sec_rw(s, ps->rva, (void *)(pe->file + ps->raw_off), ps->raw_len, true);
	}
	if (st || img->base == pe->image_base)
		return st;
	struct reloc_ctx r = { .s = s, .delta = img->base - pe->image_base };
	st = pe_walk_relocs(pe, reloc_one, &r);
	if (!st)	/* the headers say where the image is, as Windows' do */
		st = sec_rw(s, pe->image_base_off, &img->base, 8, true);
	return st;
}

static ntstatus_t no_import(void *ctx, const struct pe_import *imp)
{
	(void)ctx, (void)imp;
	return STATUS_SUCCESS;
}

/* The file offset whose page holds the image page at rva (page aligned) unchanged, or -1: none can. */
static int64_t file_page_of(const struct pe_image *pe, uint32_t rva)
{
	if (rva < PG_UP(pe->size_of_headers))
		return rva;
	for (uint32_t i = 0; i < pe->nsections; i++) {
		const struct pe_section *ps = &pe->sections[i];
		if (rva < ps->rva || rva - ps->rva >= ps->vsize)
			continue;
		uint64_t off = (uint64_t)ps->raw_off + (rva - ps->rva);
		return ps->raw_len && !(off % PAGE_SIZE) ? (int64_t)off : -1;
	}
	return -1;
}

/*
 * Pages of an image from a file of C: that hold exactly the file's page
 * (aligned raw data, not relocated) give up their own frame and take the
 * page cache's: every process, and ReadFile, then share one frame.
 */
static void share_file_pages(struct image *img)
{
	const struct image_file *f = img->file;
	struct section *s = img->section;
	for (uint64_t i = 0; i < s->pages; i++) {
		uint64_t *e = section_entry(s, i);
		int64_t off = file_page_of(&img->pe, (uint32_t)(i * PAGE_SIZE));
		if (!*e || (*e & PTE_SW_SWAP) || off < 0 || (uint64_t)off >= f->size)
			continue;
		uint64_t cached = f->phys[off / PAGE_SIZE];
		if (memcmp(phys_to_virt(*e), f->data + off, PAGE_SIZE) || !frame_ref(cached))
			continue;
		frame_unref(*e);
		*e = cached;
	}
}

/* A new image of the file or module (img->name, img->path set): parse, build, fill. */
static ntstatus_t image_build(struct image *img, const void *data, uint64_t size)
{
	ntstatus_t st = pe_parse(data, size, &img->pe);
	if (!st)	/* everything the loader walks is checked before anything is built */
		st = pe_walk_relocs(&img->pe, NULL, NULL);
	if (!st)
		st = pe_walk_imports(&img->pe, no_import, NULL);
	if (st)
		return st;
	img->base = choose_base(img);
	return section_create_image(img->pe.size_of_image / PAGE_SIZE, img, &img->section);
}

/* The live image section of module name (referenced), or a new one; app_dir: the program's directory. */
static ntstatus_t image_get(const char *name, const char *app_dir, struct image **out)
{
	const void *data = NULL;
	uint64_t size = 0;
	struct image_file *file;
	char *path = kmalloc(IMAGE_PATH_MAX);
	if (!path)
		return STATUS_NO_MEMORY;
	ntstatus_t st = image_locate(name, app_dir, &file, &data, &size, path);
	for (struct image *i = images; i && !st; i = i->next) {
		if (file ? i->file && i->file->node == file->node : !i->file && i->pe.file == data) {
			if (file)
				image_file_close(file);
			kfree(path);
			obj_ref(&i->section->obj);
			*out = i;
			return STATUS_SUCCESS;
		}
	}
	struct image *img = st ? NULL : kmalloc(sizeof(*img));
	if (!st && !img)
		st = STATUS_NO_MEMORY;
	if (!st && file && !(st = image_file_map(file))) {
		data = file->data;
		size = file->size;
	}
	if (!st) {
		strncpy(img->name, base_name(name), IMAGE_NAME_MAX - 1);
		strcpy(img->path, path);
		st = image_build(img, data, size);
	}
	kfree(path);
	if (st) {
		if (file)
			image_file_close(file);
		kfree(img);
		return st;
	}
	img->file = file;	/* from here on the section owns it (image_section_gone) */
	img->next = images;
	images = img;
	st = image_fill(img);
	if (st) {
		obj_unref(&img->section->obj);	/* frees img too (image_section_gone) */
		return st;
	}
	if (file)
		share_file_pages(img);
	*out = img;
	return STATUS_SUCCESS;
}

void image_section_gone(struct image *img)
{
	for (struct image **pp = &images; *pp; pp = &(*pp)->next) {
		if (*pp == img) {
			*pp = img->next;
			break;
		}
	}
	if (img->file)
		image_file_close(img->file);
	kfree(img);
}

/* ---- image sections a program makes itself (CreateFileMapping SEC_IMAGE, NtCreateSection) ---- */

ntstatus_t image_section_open(const char *path, struct section **out)
{
	struct image *img;
	ntstatus_t st = image_get(path, NULL, &img);
	if (!st)
		*out = img->section;	/* image_get's reference */
	return st;
}

static ntstatus_t set_protections(struct vad *v, const struct pe_image *pe);

ntstatus_t image_section_map(struct vm_space *vm, struct section *s, uint64_t *base, uint64_t *size,
			     uint64_t zero_bits)
{
	struct image *img = s->image;
	uint64_t len = img->pe.size_of_image, at = *base, high;	/* where the view may end */
	if (view_zero_bits_end(zero_bits, &high))
		return STATUS_INVALID_PARAMETER_4;
	if (at && (at & (GRANULE - 1)))
		return STATUS_MAPPED_ALIGNMENT;
	if (!at) {
		at = img->base;
		if (len > high || at > high - len || !vad_range_free(&vm->tree, at, at + len))
			at = high >= USER_MIN_ADDR + GRANULE ? vad_find_gap(&vm->tree, len, GRANULE, USER_MIN_ADDR, high, false)
							     : 0;
		if (!at)
			return STATUS_NO_MEMORY;
	}
	if (at != img->base && (img->pe.characteristics & PE_FILE_RELOCS_STRIPPED))
		return STATUS_CONFLICTING_ADDRESSES;	/* it cannot move */
	struct vad *v;
	ntstatus_t st = section_map_image(vm, s, at, &v);
	if (st)
		return st;
	st = set_protections(v, &img->pe);
	if (!st && at != img->base) {
		struct reloc_ctx r = { .vm = vm, .v = v, .delta = at - img->base };
		st = pe_walk_relocs(&img->pe, reloc_one, &r);
	}
	if (st) {
		section_unmap(vm, at);
		return st;
	}
	*base = at;
	*size = len;
	return at == img->pe.image_base ? STATUS_SUCCESS : STATUS_IMAGE_NOT_AT_BASE;
}

/* ---- loading into a process ---- */

struct loader {
	struct vm_space *vm;
	struct image_list *list;
	bool report, reported;
	struct image_map *mapped[LOAD_MAX];	/* mapped by this load, in the order mapped */
	unsigned n;
	char dir[IMAGE_PATH_MAX];	/* the program's directory: bare names are looked for there first */
};

/* The one console line about a failed start. */
static void report(struct loader *L, const char *fmt, ...)
{
	if (!L->report || L->reported)
		return;
	L->reported = true;
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_user_write(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static const char *status_name(ntstatus_t st)
{
	switch (st) {
	case STATUS_DLL_NOT_FOUND: return "STATUS_DLL_NOT_FOUND";
	case STATUS_ENTRYPOINT_NOT_FOUND: return "STATUS_ENTRYPOINT_NOT_FOUND";
	case STATUS_ORDINAL_NOT_FOUND: return "STATUS_ORDINAL_NOT_FOUND";
	case STATUS_INVALID_IMAGE_FORMAT: return "STATUS_INVALID_IMAGE_FORMAT";
	case STATUS_CONFLICTING_ADDRESSES: return "STATUS_CONFLICTING_ADDRESSES";
	case STATUS_COMMITMENT_LIMIT: return "STATUS_COMMITMENT_LIMIT";
	default: return "STATUS_NO_MEMORY";
	}
}

static struct image_map *find_map(const struct loader *L, const char *name)
{
	name = base_name(name);
	for (struct image_map *m = L->list->head; m; m = m->next)
		if (name_eq(m->img->name, name))
			return m;
	for (unsigned i = 0; i < L->n; i++)
		if (name_eq(L->mapped[i]->img->name, name))
			return L->mapped[i];
	return NULL;
}

/* The view of m in vm (NULL when it is gone). */
static struct vad *map_view(struct vm_space *vm, const struct image_map *m)
{
	struct vad *v = vad_find(&vm->tree, m->base);
	return v && v->start == m->base && v->section == m->img->section ? v : NULL;
}

/* Each page range of the view takes the protection its PE section asks for. */
static ntstatus_t set_protections(struct vad *v, const struct pe_image *pe)
{
	uint64_t b = v->start;
	for (uint32_t rva = 0; rva < pe->size_of_image;) {
		uint32_t prot = pe_page_protect(pe, rva), end = rva + PAGE_SIZE;
		while (end < pe->size_of_image && pe_page_protect(pe, end) == prot)
			end += PAGE_SIZE;
		if (vad_runs_reserve(v))
			return STATUS_NO_MEMORY;
		vad_runs_set(v, b + rva, b + end, W_MEM_COMMIT, prot);
		rva = end;
	}
	return STATUS_SUCCESS;
}

/* Map img into the process (its section's base, or anywhere when that is taken, relocating). */
static ntstatus_t map_image(struct loader *L, struct image *img, uint32_t flags, struct image_map **out)
{
	struct vm_space *vm = L->vm;
	uint64_t size = img->pe.size_of_image, base = img->base;
	if (!vad_range_free(&vm->tree, base, base + size)) {
		if (img->pe.characteristics & PE_FILE_RELOCS_STRIPPED)
			return STATUS_CONFLICTING_ADDRESSES;
		base = vad_find_gap(&vm->tree, size, GRANULE, USER_MIN_ADDR, USER_END, false);
		if (!base)
			return STATUS_NO_MEMORY;
	}
	if (L->n == LOAD_MAX)
		return STATUS_INSUFFICIENT_RESOURCES;
	struct image_map *m = kmalloc(sizeof(*m));
	if (!m)
		return STATUS_NO_MEMORY;
	struct vad *v;
	ntstatus_t st = section_map_image(vm, img->section, base, &v);
	if (st) {
		kfree(m);
		return st;
	}
	*m = (struct image_map){ .img = img, .base = base, .flags = flags };
	L->mapped[L->n++] = m;	/* from here on the rollback undoes it */
	st = set_protections(v, &img->pe);
	if (!st && base != img->base) {
		struct reloc_ctx r = { .vm = vm, .v = v, .delta = base - img->base };
		st = pe_walk_relocs(&img->pe, reloc_one, &r);
	}
	*out = m;
	return st;
}

struct bind_ctx {
	struct loader *L;
	struct image_map *m;	/* the importer */
	struct vad *v;		/* its view */
	bool shared;		/* write the section's frames (a new image mapped alone at its base) */
};

static ntstatus_t load(struct loader *L, const char *name, const char *importer, bool exe, struct image_map **out);

/* The address of an export of dep (by ordinal, or by name with hint), following forwarders. */
static ntstatus_t resolve(struct loader *L, struct image_map *dep, bool by_ordinal, uint16_t ordinal, const char *name,
			  uint16_t hint, const char *importer, int depth, uint64_t *addr)
{
	char fwd[PE_NAME_MAX], fdll[PE_DLL_NAME_MAX], fname[PE_NAME_MAX];
	uint32_t rva;
	ntstatus_t st = by_ordinal ? pe_export_by_ordinal(&dep->img->pe, ordinal, &rva, fwd, sizeof(fwd))
				   : pe_export_by_name(&dep->img->pe, name, hint, &rva, fwd, sizeof(fwd));
	if (st == STATUS_ENTRYPOINT_NOT_FOUND || st == STATUS_ORDINAL_NOT_FOUND) {
		if (by_ordinal)
			report(L, "loader: ordinal %u not found in %s (imported by %s): %s (0x%x)\n", ordinal,
			       dep->img->name, importer, status_name(st), (unsigned)st);
		else
			report(L, "loader: entry point %s not found in %s (imported by %s): %s (0x%x)\n", name,
			       dep->img->name, importer, status_name(st), (unsigned)st);
		return st;
	}
	if (st) {
		report(L, "loader: %s has a bad export table: %s (0x%x)\n", dep->img->name, status_name(st), (unsigned)st);
		return st;
	}
	if (!fwd[0]) {
		*addr = dep->base + rva;
		return STATUS_SUCCESS;
	}
	bool fwd_ord;
	uint16_t ford;
	st = pe_split_forwarder(fwd, fdll, sizeof(fdll), fname, sizeof(fname), &fwd_ord, &ford);
	if (st || depth >= FWD_DEPTH) {
		report(L, "loader: bad forwarder %s in %s: STATUS_INVALID_IMAGE_FORMAT (0x%x)\n", fwd, dep->img->name,
		       (unsigned)STATUS_INVALID_IMAGE_FORMAT);
		return STATUS_INVALID_IMAGE_FORMAT;
	}
	struct image_map *target;
	if ((st = load(L, fdll, dep->img->name, false, &target)))
		return st;
	return resolve(L, target, fwd_ord, ford, fname, 0, dep->img->name, depth + 1, addr);
}

/* Bind one IAT slot: write the address unless the page already holds it. */
static ntstatus_t bind_one(void *ctx, const struct pe_import *imp)
{
	struct bind_ctx *b = ctx;
	struct image_map *dep = find_map(b->L, imp->dll);
	if (!dep)
		return STATUS_INVALID_IMAGE_FORMAT;	/* cannot happen: every DLL named was loaded first */
	uint64_t addr, old;
	ntstatus_t st = resolve(b->L, dep, imp->by_ordinal, imp->ordinal, imp->name, imp->hint, b->m->img->name, 0, &addr);
	if (st)
		return st;
	if (b->shared)
		return sec_rw(b->m->img->section, imp->iat_rva, &addr, 8, true);
	uint64_t va = b->m->base + imp->iat_rva;
	if ((st = view_rw(b->L->vm, b->v, va, &old, 8, false)))
		return st;
	return old == addr ? STATUS_SUCCESS : view_rw(b->L->vm, b->v, va, &addr, 8, true);
}

static ntstatus_t load(struct loader *L, const char *name, const char *importer, bool exe, struct image_map **out)
{
	struct image_map *m = find_map(L, name);
	if (m) {
		*out = m;
		return STATUS_SUCCESS;
	}
	struct image *img;
	ntstatus_t st = image_get(name, L->dir, &img);
	if (!st && !!(img->pe.characteristics & PE_FILE_DLL) == exe) {	/* a program imported, or a DLL started */
		obj_unref(&img->section->obj);
		st = STATUS_INVALID_IMAGE_FORMAT;
	}
	if (!st) {
		st = map_image(L, img, exe ? ABI_IMAGE_EXE : ABI_IMAGE_DLL, &m);
		if (st && (!L->n || L->mapped[L->n - 1]->img != img))
			obj_unref(&img->section->obj);	/* not mapped: map_image did not take the reference */
	}
	if (st) {
		if (st == STATUS_DLL_NOT_FOUND)
			report(L, "loader: %s not found%s%s%s: %s (0x%x)\n", name, importer ? " (imported by " : "",
			       importer ? importer : "", importer ? ")" : "", status_name(st), (unsigned)st);
		else
			report(L, "loader: cannot load %s%s%s%s: %s (0x%x)\n", name, importer ? " (imported by " : "",
			       importer ? importer : "", importer ? ")" : "", status_name(st), (unsigned)st);
		return st;
	}
	/* Dependencies first (a cycle finds this image in L->mapped: its base is all binding needs). */
	char dll[PE_DLL_NAME_MAX];
	for (uint32_t i = 0;; i++) {
		bool end;
		struct image_map *dep;
		if ((st = pe_import_dll(&img->pe, i, dll, sizeof(dll), &end)))
			return st;
		if (end)
			break;
		if ((st = load(L, dll, img->name, false, &dep)))
			return st;
	}
	struct vad *v = map_view(L->vm, m);
	struct bind_ctx b = { L, m, v, !img->bound && v->section->views == v && !v->view_next && m->base == img->base };
	if ((st = pe_walk_imports(&img->pe, bind_one, &b)))
		return st;
	if (b.shared)
		img->bound = true;
	struct image_map **pp = &L->list->head;	/* initialization order: after everything it needs */
	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
	*out = m;
	return STATUS_SUCCESS;
}

/* Forget map m: unmap its view (if still there) and drop its reference. */
static void map_drop(struct vm_space *vm, struct image_map *m)
{
	if (vm && map_view(vm, m))
		section_unmap(vm, m->base);
	obj_unref(&m->img->section->obj);
	kfree(m);
}

ntstatus_t image_load(struct vm_space *vm, struct image_list *list, const char *name, bool exe, bool report_failure,
		      struct image_map **out)
{
	struct loader *L = kmalloc(sizeof(*L));
	if (!L)
		return STATUS_NO_MEMORY;
	*L = (struct loader){ .vm = vm, .list = list, .report = report_failure };
	image_list_prune(vm, list);
	image_program_dir(list, exe ? name : NULL, L->dir);
	ntstatus_t st = load(L, name, NULL, exe, out);
	if (st) {
		/* Undo: the new entries are the list's tail, or not in it yet. */
		for (unsigned i = 0; i < L->n; i++) {
			for (struct image_map **pp = &list->head; *pp; pp = &(*pp)->next) {
				if (*pp == L->mapped[i]) {
					*pp = L->mapped[i]->next;
					break;
				}
			}
			map_drop(vm, L->mapped[i]);
		}
	}
	kfree(L);
	return st;
}

ntstatus_t image_export(struct image_list *list, const struct image_map *m, const char *name, uint64_t *addr)
{
	struct loader L = { .list = list };
	return resolve(&L, (struct image_map *)m, false, 0, name, 0, m->img->name, 0, addr);
}

ntstatus_t image_unload(struct vm_space *vm, struct image_list *list, uint64_t base)
{
	image_list_prune(vm, list);
	for (struct image_map **pp = &list->head; *pp; pp = &(*pp)->next) {
		struct image_map *m = *pp;
		if (m->base == base && (m->flags & ABI_IMAGE_DLL)) {
			*pp = m->next;
			map_drop(vm, m);
			return STATUS_SUCCESS;
		}
	}
	return STATUS_NOT_MAPPED_VIEW;
}

void image_list_prune(struct vm_space *vm, struct image_list *list)
{
	struct image_map **pp = &list->head;
	while (*pp) {
		struct image_map *m = *pp;
		if (map_view(vm, m)) {
			pp = &m->next;
			continue;
		}
		*pp = m->next;
		map_drop(NULL, m);
	}
}

/* The records from m on, at most n. */
static size_t maps_from(const struct image_map *m, size_t n)
{
	size_t k = 0;
	for (; m && k < n; m = m->next)
		k++;
	return k;
}

ntstatus_t image_list_copy(struct image_list *dst, const struct image_list *src)
{
	void *made[16];	/* the copies from the heap a batch at a time, unzeroed (*c = *m writes them whole) */
	size_t n = 0, used = 0;
	struct image_map **tail = &dst->head;
	for (const struct image_map *m = src->head; m; m = m->next) {
		if (used == n) {
			n = kmalloc_batch_uninit(sizeof(struct image_map), made, maps_from(m, sizeof(made) / sizeof(made[0])));
			used = 0;
			if (!n)
				return STATUS_NO_MEMORY;	/* every copy made so far is on dst: the caller frees dst */
		}
		struct image_map *c = made[used++];
		*c = *m;
		c->next = NULL;
		obj_ref(&c->img->section->obj);
		*tail = c;
		tail = &c->next;
	}
	return STATUS_SUCCESS;
}

void image_list_free(struct image_list *list)
{
	while (list->head) {
		struct image_map *m = list->head;
		list->head = m->next;
		map_drop(NULL, m);
	}
}
