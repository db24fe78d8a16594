/* mm/image_find.c - where an image file comes from: a path on C:, the program's directory, System32, a boot module. */
#include "image_internal.h"
#include "kernel/image_file.h"
#include "kernel/modules.h"
#include "kernel/syscall_abi.h"
#include "libc/fmt.h"
#include "phys.h"
#include "section.h"

#include <string.h>

/* Files registered by tests in addition to the boot modules. */
#define TEST_FILES 4
static struct {
	char name[IMAGE_NAME_MAX];
	const void *data;
	uint64_t size;
} test_files[TEST_FILES];

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Module names compare case-insensitively, as Windows file names. */
bool name_eq(const char *a, const char *b)
{
	for (; *a && lower(*a) == lower(*b); a++, b++)
		;
	return lower(*a) == lower(*b);
}

void image_test_file(const char *name, const void *data, uint64_t size);	/* tests/kernel: register/remove a file */
void image_test_file(const char *name, const void *data, uint64_t size)
{
	for (int i = 0; i < TEST_FILES; i++) {
		if (data ? test_files[i].data == NULL : name_eq(test_files[i].name, name)) {
			strncpy(test_files[i].name, name, IMAGE_NAME_MAX - 1);
			test_files[i].data = data;
			test_files[i].size = size;
			return;
		}
	}
}

/* The name after the last separator of path. */
const char *base_name(const char *path)
{
	const char *b = path;
	for (const char *p = path; *p; p++)
		if (*p == '\\' || *p == '/' || *p == ':')
			b = p + 1;
	return b;
}

/* The file of module name among the files tests registered (image_test_file). */
static bool find_test_file(const char *name, const void **data, uint64_t *size)
{
	for (int i = 0; i < TEST_FILES; i++) {
		if (test_files[i].data && name_eq(test_files[i].name, name)) {
			*data = test_files[i].data;
			*size = test_files[i].size;
			return true;
		}
	}
	return false;
}

/* The file of module name among the test files and boot modules. */
static bool find_module(const char *name, const void **data, uint64_t *size)
{
	if (find_test_file(name, data, size))
		return true;
	const struct boot_module *m = module_find(name);
	if (!m)
		return false;
	*data = phys_to_virt(m->start);
	*size = m->end - m->start;
	return true;
}

/* The C: directories a bare name is looked for in, in order: the program's, then System32. */
#define SYSTEM_DIR "C:\\Windows\\System32"

/* See image_internal.h: the search order of mm/image.h, test files first. */
ntstatus_t image_locate(const char *name, const char *app_dir, struct image_file **file, const void **data,
			uint64_t *size, char *path)
{
	*file = NULL;
	if (base_name(name) != name) {	/* a path: that file only */
		if (strlen(name) >= IMAGE_PATH_MAX)
			return STATUS_DLL_NOT_FOUND;
		strcpy(path, name);
		ntstatus_t st = image_file_open(path, file);
		return st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_OBJECT_PATH_NOT_FOUND ||
		       st == STATUS_OBJECT_NAME_INVALID ? STATUS_DLL_NOT_FOUND : st;
	}
	if (find_test_file(name, data, size)) {	/* a test's own files come first */
		path[0] = '\0';
		return STATUS_SUCCESS;
	}
	const char *dirs[2] = { app_dir, SYSTEM_DIR };
	for (int i = 0; i < 2; i++) {
		if (!dirs[i] || !dirs[i][0] || strlen(dirs[i]) + 1 + strlen(name) >= IMAGE_PATH_MAX)
			continue;
		fmt_snprintf(path, IMAGE_PATH_MAX, "%s\\%s", dirs[i], name);
		ntstatus_t st = image_file_open(path, file);
		if (st != STATUS_OBJECT_NAME_NOT_FOUND && st != STATUS_OBJECT_PATH_NOT_FOUND &&
		    st != STATUS_OBJECT_NAME_INVALID)
			return st;	/* found (or there and unusable) */
	}
	path[0] = '\0';
	return find_module(name, data, size) ? STATUS_SUCCESS : STATUS_DLL_NOT_FOUND;
}

bool image_source_exists(const char *name)
{
	if (base_name(name) != name)
		return image_file_exists(name);
	char path[IMAGE_PATH_MAX];
	fmt_snprintf(path, sizeof(path), "C:\\%s", name);
	const void *d;
	uint64_t n;
	return image_file_exists(path) || find_module(name, &d, &n);
}

/* See image_internal.h. */
void image_program_dir(const struct image_list *list, const char *exe_name, char *dir)
{
	const char *path = exe_name;
	for (const struct image_map *m = list->head; !path && m; m = m->next)
		if (m->flags & ABI_IMAGE_EXE)
			path = m->img->path[0] ? m->img->path : "C:\\";	/* a boot module stands for C:\ */
	if (!path || base_name(path) == path)
		path = "C:\\";
	size_t n = (size_t)(base_name(path) - path);
	while (n > 2 && (path[n - 1] == '\\' || path[n - 1] == '/'))
		n--;	/* "C:\\DIR\\" -> "C:\\DIR"; "C:\\" -> "C:" */
	memcpy(dir, path, n);
	dir[n] = '\0';
}

/* See image.h. */
uint32_t image_file_name(const struct image *img, uint16_t *w, uint32_t max)
{
	char buf[IMAGE_PATH_MAX + 32];
	const char *path = img->path;
	if (!path[0]) {	/* a boot module: where the loader says it is (its FullDllName) */
		bool dll = img->pe.characteristics & 0x2000;	/* IMAGE_FILE_DLL */
		fmt_snprintf(buf, sizeof(buf), "%s\\%s", dll ? SYSTEM_DIR : "C:", img->name);
		path = buf;
	}
	if (path[0] && path[1] == ':')
		path += 2;	/* the drive letter: the caller names the volume */
	uint32_t n = 0;
	for (; path[n] && n < max; n++)
		w[n] = (uint8_t)path[n];
	return n;
}
