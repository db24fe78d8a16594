/*
 * kernel/syscall_section.c - image sections a program makes from a file
 * (NtCreateSection with SEC_IMAGE and a file handle) and NtQuerySection.
 * Same rules as kernel/syscall.c: arguments copied in, outputs probed
 * before anything is looked up, nothing changed on failure.
 */
#include "file.h"
#include "image_file.h"
#include "proc.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "uaccess.h"
#include "mm/image.h"
#include "mm/kheap.h"
#include "mm/frame.h"
#include "mm/section.h"

#include <string.h>

#define STATUS_SECTION_NOT_IMAGE  ((ntstatus_t)0xC0000049)
#define STATUS_INVALID_INFO_CLASS ((ntstatus_t)0xC0000003)

ntstatus_t sys_create_image_section(struct file_obj *f, uint32_t protect, uint32_t attributes, const char *name,
				    struct section **out)
{
	if (attributes != W_SEC_IMAGE || name[0])
		return STATUS_INVALID_PARAMETER;	/* SEC_IMAGE alone; named image sections are not kept */
	if (!section_protect_ok(protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	if (!(f->access & FA_READ_DATA))
		return STATUS_ACCESS_DENIED;
	if (fat_node_is_dir(f->node))
		return STATUS_INVALID_FILE_FOR_SECTION;
	uint16_t *w = kmalloc(IMAGE_PATH_MAX * sizeof(uint16_t));
	char *path = kmalloc(IMAGE_PATH_MAX);
	ntstatus_t st = w && path ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	if (!st) {
		/* "C:" and the file's path ("\DIR\NAME"): the loader opens image files by path. */
		uint32_t n = file_node_path(f->node, w, IMAGE_PATH_MAX - 3);
		path[0] = 'C';
		path[1] = ':';
		for (uint32_t i = 0; i < n && !st; i++) {
			if (w[i] == 0 || w[i] > 0x7f)
				st = STATUS_OBJECT_NAME_INVALID;	/* the loader's paths are ASCII */
			path[2 + i] = (char)w[i];
		}
		path[2 + n] = '\0';
	}
	if (!st)
		st = image_section_open(path, out);
	kfree(w);
	kfree(path);
	return st;
}

/* The SECTION_BASIC_INFORMATION of s. */
static void basic_info(const struct section *s, struct abi_section_basic *b)
{
	memset(b, 0, sizeof(*b));
	if (s->image) {
		b->attributes = W_SEC_FILE | W_SEC_IMAGE;
		b->size = s->image->pe.size_of_image;
	} else if (s->file) {
		b->attributes = W_SEC_FILE;	/* SEC_COMMIT/SEC_RESERVE mean nothing for a file */
		b->size = s->size;
	} else {
		b->attributes = s->attributes;
		b->size = s->pages * PAGE_SIZE;
	}
}

/* The SECTION_IMAGE_INFORMATION of image section s. */
static void image_info(const struct section *s, struct abi_section_image *m)
{
	const struct image *img = s->image;
	const struct pe_image *pe = &img->pe;
	memset(m, 0, sizeof(*m));
	m->transfer_address = pe->entry_rva ? img->base + pe->entry_rva : 0;
	m->max_stack = pe->stack_reserve;
	m->committed_stack = pe->stack_commit;
	m->subsystem = pe->subsystem;
	m->subsystem_version = pe->subsystem_version;
	m->os_version = pe->os_version;
	m->characteristics = pe->characteristics;
	m->dll_characteristics = pe->dll_characteristics;
	m->machine = pe->machine;
	m->contains_code = pe->size_of_code != 0;
	m->flags = img->base != pe->image_base ? 4 : 0;	/* ImageDynamicallyRelocated */
	m->loader_flags = pe->loader_flags;
	m->file_size = (uint32_t)pe->file_size;
	m->checksum = pe->checksum;
}

ntstatus_t sys_query_section(struct trap_frame *tf)
{
	uint64_t ubuf = tf->rdx, len = tf->r10, uret = tf->r8;
	uint32_t cls = (uint32_t)tf->rsi;
	/* As NtQuerySection: the outputs are probed first, then the class, the length, the handle. */
	if (probe_user_write(ubuf, len) || (uret && (MISALIGNED(uret, 8) ? 1 : probe_user_write(uret, 8))))
		return uret && MISALIGNED(uret, 8) ? STATUS_DATATYPE_MISALIGNMENT : STATUS_ACCESS_VIOLATION;
	uint64_t need;
	if (cls == ABI_SectionBasicInformation)
		need = sizeof(struct abi_section_basic);
	else if (cls == ABI_SectionImageInformation)
		need = sizeof(struct abi_section_image);
	else
		return STATUS_INVALID_INFO_CLASS;
	if (len < need)
		return STATUS_INFO_LENGTH_MISMATCH;
	struct kobject *o;
	uint32_t access;
	ntstatus_t st = handle_get(&current_process()->handles, tf->rdi, KOBJ_SECTION, &o, &access);
	if (st)
		return st;
	if (!(access & W_SECTION_QUERY))
		return STATUS_ACCESS_DENIED;
	const struct section *s = (const struct section *)o;
	union {
		struct abi_section_basic b;
		struct abi_section_image m;
	} u;
	if (cls == ABI_SectionBasicInformation)
		basic_info(s, &u.b);
	else if (s->image)
		image_info(s, &u.m);
	else
		return STATUS_SECTION_NOT_IMAGE;
	if (copy_to_user(ubuf, &u, need) || (uret && copy_to_user(uret, &need, 8)))
		return STATUS_ACCESS_VIOLATION;	/* unmapped since the probe */
	return STATUS_SUCCESS;
}
