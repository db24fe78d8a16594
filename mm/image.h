/*
 * mm/image.h - image sections: PE32+ programs and DLLs mapped as MEM_IMAGE.
 *
 * One image section per image file (a boot module) while any process maps
 * it: a section (mm/section.c, attributes SEC_IMAGE) whose frames hold the
 * image as laid out in memory (headers, each section at its RVA, zero fill),
 * relocated to the section's base (the preferred one, or for a DYNAMIC_BASE
 * image one that no other live image section uses).  A process maps it as a
 * view of type MEM_IMAGE with the protection each PE section asks for; pages
 * the loader changes for this process alone (relocation at another base,
 * import binding to other addresses) become private copies, as a write to a
 * write-copy page does.  The first process to map a new image alone binds its
 * imports in the shared frames, so later processes using the same bases
 * write nothing and share every page.  See docs/loader.md.
 */
#ifndef MM_IMAGE_H
#define MM_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include "vm.h"
#include "kernel/pe.h"

#define IMAGE_NAME_MAX 64
#define STATUS_IMAGE_NOT_AT_BASE ((ntstatus_t)0x40000003)	/* a success: the view is not at its ImageBase */

struct image_file;
struct image {
	struct section *section;	/* the frames; section->image is this image */
	char name[IMAGE_NAME_MAX];	/* the file's name (no directory) */
	char path[260];			/* "C:\DIR\NAME" for a file of C:; "" for a boot module */
	struct image_file *file;	/* the file of C: (kernel/image_file.h), or NULL for a boot module */
	struct pe_image pe;		/* the validated headers, reading the file's mapping or the module */
	uint64_t base;			/* where the frames are relocated to */
	bool bound;			/* the frames' IAT holds bound addresses */
	struct image *next;		/* every live image */
};

/*
 * NtCreateSection(SEC_IMAGE) over the file at path ("C:\\DIR\\X.DLL"): the
 * live image section of that file (referenced), or a new one as the loader
 * builds it (laid out, relocated to its section base; imports not bound
 * unless a loader bound them).  STATUS_INVALID_IMAGE_FORMAT for a file that
 * is no PE32+ image, the file's open errors (STATUS_SHARING_VIOLATION while
 * another open writes it), STATUS_NO_MEMORY, STATUS_COMMITMENT_LIMIT.
 */
ntstatus_t image_section_open(const char *path, struct section **out);

/*
 * The name of img's file on C: without the drive ("\DIR\X.DLL"; a boot
 * module: "\Windows\System32\X.DLL", or "\X.EXE" for a program, where the
 * loader's FullDllName puts it) in UTF-16 units at w, at most max of them,
 * not terminated.  Returns the units written (MemoryMappedFilenameInformation
 * of an image view, kernel/syscall_procmem_info.c).
 */
uint32_t image_file_name(const struct image *img, uint16_t *w, uint32_t max);

/*
 * NtMapViewOfSection of image section s into vm: the whole image at *base
 * (0: the section's base when free and below ZeroBits' limit, else where
 * there is room below it; zero_bits as NtAllocateVirtualMemory's,
 * STATUS_INVALID_PARAMETER_4 when invalid; an explicit *base is taken as
 * it is, as there), MEM_IMAGE
 * with each PE section's protection, relocated privately when not at the
 * section's base.  *base and *size are the view.  STATUS_SUCCESS at the
 * image's preferred base, STATUS_IMAGE_NOT_AT_BASE (a success) elsewhere;
 * STATUS_CONFLICTING_ADDRESSES (taken, or an image without relocations
 * that must move), STATUS_MAPPED_ALIGNMENT, STATUS_NO_MEMORY,
 * STATUS_COMMITMENT_LIMIT: nothing mapped then.
 */
ntstatus_t image_section_map(struct vm_space *vm, struct section *s, uint64_t *base, uint64_t *size,
			     uint64_t zero_bits);

/* One image mapped in a process. */
struct image_map {
	struct image *img;		/* holds a reference on img->section */
	uint64_t base;			/* the view's address in this process */
	uint32_t flags;			/* ABI_IMAGE_EXE or ABI_IMAGE_DLL */
	struct image_map *next;		/* initialization order: dependencies first */
};

/* The images of a process, in initialization order. */
struct image_list {
	struct image_map *head;
};

/*
 * Map image `name` into vm.  A name with a directory ("C:\DIR\X.DLL") is
 * that file of C:; a bare name is looked for, case-insensitively, in the
 * program's directory (the EXE's, or C:\ for a program started by bare
 * name), then C:\Windows\System32, then among the boot modules (the
 * fallback of a boot without those files on C:).  Map it with every DLL
 * it imports, recursively, that list does not hold yet; relocate where
 * needed; bind every import (by name, hint first, or by ordinal; forwarders
 * followed, loading their DLLs).  The new images are appended to list in
 * initialization order and *out is name's entry (an existing one when name
 * is mapped already: nothing changes then).  exe: name is the program (not
 * a DLL; flagged ABI_IMAGE_EXE).  Errors: STATUS_DLL_NOT_FOUND,
 * STATUS_ENTRYPOINT_NOT_FOUND / STATUS_ORDINAL_NOT_FOUND,
 * STATUS_INVALID_IMAGE_FORMAT, STATUS_NO_MEMORY, STATUS_COMMITMENT_LIMIT,
 * STATUS_CONFLICTING_ADDRESSES (an image that cannot move); vm and list are
 * then as before, and with report one console line names the culprit.
 */
ntstatus_t image_load(struct vm_space *vm, struct image_list *list, const char *name, bool exe, bool report,
		      struct image_map **out);

/* The address in this process of export `name` of mapped image m (forwarders followed within list). */
ntstatus_t image_export(struct image_list *list, const struct image_map *m, const char *name, uint64_t *addr);

/* Unmap the DLL mapped at base and drop it from list: STATUS_NOT_MAPPED_VIEW when no DLL of list is there. */
ntstatus_t image_unload(struct vm_space *vm, struct image_list *list, uint64_t base);

/* Drop the entries whose view is gone (unmapped with NtUnmapViewOfSection). */
void image_list_prune(struct vm_space *vm, struct image_list *list);

/* fork: dst (empty) gets the entries of src (the views themselves are forked by vm_fork). */
ntstatus_t image_list_copy(struct image_list *dst, const struct image_list *src);

/* Drop every entry (process exit, after its views are gone or with them). */
void image_list_free(struct image_list *list);

/* Called by mm/section.c when the last reference to an image section goes: forget the image. */
void image_section_gone(struct image *img);

/*
 * Write len bytes to vm at va as a user write would (demand-zero, copy on
 * write), whatever the page's protection as long as it is committed private
 * memory or an image view: for the kernel building a process it does not run
 * in (TEB, PEB).  STATUS_ACCESS_VIOLATION when a page cannot be written.
 */
ntstatus_t vm_poke(struct vm_space *vm, uint64_t va, const void *src, uint64_t len);

/* Is there an image `name` to start (a path on C:, a bare name in C:\ or among the boot modules)? */
bool image_source_exists(const char *name);

/* Live image sections (tests). */
uint64_t image_live_count(void);

#endif
