/*
 * kernel/image_file.h - program and DLL files on C: as the loader reads them.
 *
 * An image file is a file of C: opened by the kernel (read and execute
 * access, sharing read only: nobody writes a running image) whose every
 * page the page cache holds (one reference per page, so it stays cached)
 * and which is mapped read-only, contiguous, in the kernel's image-file
 * window (PML4 slot IMAGE_FILE_BASE, one 1 GiB slot per file): kernel/pe.c
 * parses it there exactly as it parsed a boot module, and mm/image.c maps
 * the cache's frames into processes for the image pages that are the file's
 * pages unchanged.  The window's page directory and tables of a slot are
 * freed when its file closes.  One CPU: the unmapping flushes this CPU's
 * TLB only (SMP needs a shootdown here).
 */
#ifndef KERNEL_IMAGE_FILE_H
#define KERNEL_IMAGE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/winvm.h"

#ifndef STATUS_OBJECT_PATH_NOT_FOUND
#define STATUS_OBJECT_PATH_NOT_FOUND ((ntstatus_t)0xC000003A)
#endif

#define IMAGE_FILE_BASE 0xffff808000000000ULL	/* PML4 slot 257: 512 slots of 1 GiB */
#define IMAGE_FILE_MAX  (1ULL << 30)		/* the largest image file */
#define IMAGE_PATH_MAX  260			/* MAX_PATH, with the NUL */

struct file_obj;
struct image_file {
	struct file_obj *fo;	/* the kernel's open of the file */
	const void *node;	/* the file's identity (its fat_node) */
	uint64_t size;		/* bytes */
	uint64_t pages;
	const uint8_t *data;	/* the mapping: size bytes, zeros to the page end; NULL until mapped */
	uint64_t *phys;		/* each page's frame, referenced */
	unsigned slot;
};

/* Make the window's PML4 entry (before the first address space is created: every one copies it). */
void image_file_init(void);

/*
 * Open the file at path (ASCII "C:\..."): *out a new image file, not mapped
 * yet.  STATUS_OBJECT_NAME_NOT_FOUND / STATUS_OBJECT_PATH_NOT_FOUND when it
 * is not there, STATUS_FILE_IS_A_DIRECTORY, STATUS_SHARING_VIOLATION when
 * someone writes it, STATUS_INVALID_IMAGE_FORMAT when it is empty or larger
 * than IMAGE_FILE_MAX, STATUS_NO_MEMORY.
 */
ntstatus_t image_file_open(const char *path, struct image_file **out);

/* Read every page (through the page cache) and map the file in the window: f->data.  I/O errors are returned. */
ntstatus_t image_file_map(struct image_file *f);

/* Unmap, drop the pages' references, close the file, free f. */
void image_file_close(struct image_file *f);

/* Does a file exist at path (not a directory)? */
bool image_file_exists(const char *path);

#endif
