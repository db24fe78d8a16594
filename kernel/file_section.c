/*
 * kernel/file_section.c - a data file's section (CreateFileMapping of a file
 * handle): the access the protection needs, the size rules, and the hold the
 * section keeps on the file's node.  Split from kernel/file.c.
 */
#include "file.h"
#include "mm/section.h"

#include <stddef.h>

/* A file-backed section's hold on its node goes with the section. */
static void section_release(struct pc_file *pc)
{
	fat_node_put((struct fat_node *)((char *)pc - offsetof(struct fat_node, pc)));
}

ntstatus_t file_create_section(struct file_obj *f, uint64_t size, uint32_t protect, uint32_t attributes,
			       const char *name, struct section **out)
{
	struct fat_node *n = f->node;
	if (attributes & ~(W_SEC_COMMIT | W_SEC_RESERVE))
		return STATUS_INVALID_PARAMETER;	/* SEC_IMAGE, SEC_NOCACHE, large pages: not for data files here */
	if (fat_node_is_dir(n))
		return STATUS_INVALID_FILE_FOR_SECTION;
	uint32_t need = FA_READ_DATA;	/* every mapping reads the file */
	bool writable = false;
	switch (protect) {
	case W_PAGE_READONLY:
	case W_PAGE_WRITECOPY: break;
	case W_PAGE_READWRITE: need |= FA_WRITE_DATA; writable = true; break;
	case W_PAGE_EXECUTE_READ:
	case W_PAGE_EXECUTE_WRITECOPY: need |= FA_EXECUTE; break;
	case W_PAGE_EXECUTE_READWRITE: need |= FA_WRITE_DATA | FA_EXECUTE; writable = true; break;
	default: return STATUS_INVALID_PAGE_PROTECTION;
	}
	if ((f->access & need) != need)
		return STATUS_ACCESS_DENIED;
	if (size == 0) {
		if (n->size == 0)
			return STATUS_MAPPED_FILE_SIZE_ZERO;	/* ERROR_FILE_INVALID */
		size = n->size;
	}
	if (size > n->size) {
		if (!writable)
			return STATUS_SECTION_TOO_BIG;	/* a read-only mapping cannot grow the file */
		ntstatus_t st = fat_node_resize(n, size);	/* the new part reads as zeros */
		if (st)
			return st;
	}
	ntstatus_t st = section_create_file(&n->pc, size, protect, name, section_release, out);
	if (st == STATUS_SUCCESS)
		n->refs++;	/* the section holds the node: a view outlives the handle */
	return st;
}
