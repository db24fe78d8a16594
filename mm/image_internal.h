/* mm/image_internal.h - what mm/image.c and mm/image_view.c share (nothing else includes it). */
#ifndef MM_IMAGE_INTERNAL_H
#define MM_IMAGE_INTERNAL_H

#include "image.h"
#include "kernel/image_file.h"

/*
 * Read (or, privately, write) len bytes of view v (an image view in vm) at
 * va: a write gives the page a private copy of its own first, whatever its
 * protection.  STATUS_NO_MEMORY when a page cannot be made resident.
 */
ntstatus_t view_rw(struct vm_space *vm, struct vad *v, uint64_t va, void *buf, uint64_t len, bool write);

/* ---- mm/image_find.c ---- */

/* Module names compare case-insensitively, as Windows file names. */
bool name_eq(const char *a, const char *b);

/* The name after the last separator (backslash, slash or colon) of path. */
const char *base_name(const char *path);

struct image_file;
/*
 * Where image name comes from (image.h's search order; a file a KTEST
 * registered with image_test_file comes first): *file an open file of C:
 * (its path in path, IMAGE_PATH_MAX bytes), or *data and *size a boot
 * module's or test file's bytes (path "").  STATUS_DLL_NOT_FOUND when
 * nowhere; another error of a file's open stops the search (a file that is
 * there but cannot be opened).
 */
ntstatus_t image_locate(const char *name, const char *app_dir, struct image_file **file, const void **data,
			uint64_t *size, char *path);

/*
 * The directory of the program into dir (IMAGE_PATH_MAX bytes): exe_name's
 * when it is the program being loaded, else that of list's EXE; "C:" for a
 * bare name or a boot module.
 */
void image_program_dir(const struct image_list *list, const char *exe_name, char *dir);

#endif
