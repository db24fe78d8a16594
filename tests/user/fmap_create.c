/*
 * tests/user/fmap_create.c - CreateFileMapping on a file handle: the
 * maximum size (0: the file's; an empty file ERROR_FILE_INVALID; past the
 * end grows the file for PAGE_READWRITE, ERROR_NOT_ENOUGH_MEMORY for
 * read-only protections), protection against the handle's access
 * (ERROR_ACCESS_DENIED), names; MapViewOfFile at unaligned offsets
 * (ERROR_MAPPED_ALIGNMENT), past the end, with more access than the
 * mapping; SetEndOfFile below the size of a section of the file, with or
 * without a view (ERROR_USER_MAPPED_FILE).
 */
#include "utest.h"

#define NAME  "C:\\fmap_create.bin"
#define EMPTY "C:\\fmap_empty.bin"

static HANDLE open_file(const char *name, DWORD access, DWORD disp)
{
	return CreateFileA(name, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, disp, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* A file of size bytes, byte i = (char)(i * 13 + 1). */
static void make_file(const char *name, DWORD size)
{
	HANDLE h = open_file(name, GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS);
	CHECK(h != INVALID_HANDLE_VALUE);
	static char buf[70000];
	for (DWORD i = 0; i < size && i < sizeof(buf); i++)
		buf[i] = (char)(i * 13 + 1);
	DWORD n = 0;
	CHECK(WriteFile(h, buf, size, &n, NULL));
	CHECK_EQ(n, size);
	CloseHandle(h);
}

static void sizes(void)
{
	make_file(NAME, 10000);
	HANDLE h = open_file(NAME, GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
	/* size 0: the file's size; the view is the file's pages */
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READONLY, 0, 0, NULL);
	CHECK(m != NULL);
	const unsigned char *p = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(p[0], 1);
		CHECK_EQ(p[9999], (unsigned char)(9999 * 13 + 1));
		CHECK_EQ(p[10000], 0);	/* the rest of the last page reads as zeros */
		CHECK_REGION(p, MEM_COMMIT, PAGE_READONLY, 12288);
		CHECK(UnmapViewOfFile(p));
	}
	/* a view past the section's end is refused, also at an offset past it */
	CHECK_ERR(MapViewOfFile(m, FILE_MAP_READ, 0, 0, 10001), ERROR_ACCESS_DENIED);
	/* an offset past the end: STATUS_INVALID_VIEW_SIZE here (5), Wine says STATUS_INVALID_PARAMETER (87) */
	SetLastError(0);
	CHECK(MapViewOfFile(m, FILE_MAP_READ, 0, 65536, 0) == NULL);
	CHECK(GetLastError() == ERROR_ACCESS_DENIED || GetLastError() == ERROR_INVALID_PARAMETER);
	/* more access than the mapping */
	CHECK_ERR(MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
	CloseHandle(m);

	/* read-only protections cannot grow the file */
	CHECK_ERR(CreateFileMappingA(h, NULL, PAGE_READONLY, 0, 20000, NULL), ERROR_NOT_ENOUGH_MEMORY);
	CHECK_ERR(CreateFileMappingA(h, NULL, PAGE_WRITECOPY, 0, 20000, NULL), ERROR_NOT_ENOUGH_MEMORY);
	CHECK_EQ(GetFileSize(h, NULL), 10000);
	/* PAGE_READWRITE grows it: the new part reads as zeros */
	m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 200000, NULL);
	CHECK(m != NULL);
	CHECK_EQ(GetFileSize(h, NULL), 200000);
	unsigned char *w = MapViewOfFile(m, FILE_MAP_WRITE, 0, 131072, 0);
	CHECK(w != NULL);
	if (w) {
		CHECK_REGION(w, MEM_COMMIT, PAGE_READWRITE, 69632);	/* 68928 bytes, in pages */
		CHECK_EQ(w[0], 0);
		CHECK_EQ(w[200000 - 131072 - 1], 0);
		w[5] = 0x5a;
		/* the file cannot be cut below the mapped view */
		LARGE_INTEGER to = { .QuadPart = 5000 };
		CHECK(SetFilePointerEx(h, to, NULL, FILE_BEGIN));
		CHECK_ERR(SetEndOfFile(h), ERROR_USER_MAPPED_FILE);
		CHECK_EQ(GetFileSize(h, NULL), 200000);
		CHECK(UnmapViewOfFile(w));
		/* the section alone, without a view, still holds the size (Wine agrees) */
		CHECK(SetFilePointerEx(h, to, NULL, FILE_BEGIN));
		CHECK_ERR(SetEndOfFile(h), ERROR_USER_MAPPED_FILE);
		/* growing is fine */
		to.QuadPart = 210000;
		CHECK(SetFilePointerEx(h, to, NULL, FILE_BEGIN));
		CHECK(SetEndOfFile(h));
		CHECK_EQ(GetFileSize(h, NULL), 210000);
	}
	/* unaligned offsets */
	CHECK_ERR(MapViewOfFile(m, FILE_MAP_READ, 0, 4096, 0), ERROR_MAPPED_ALIGNMENT);
	CHECK_ERR(MapViewOfFile(m, FILE_MAP_READ, 0, 1, 10), ERROR_MAPPED_ALIGNMENT);
	CloseHandle(m);
	/* no view and no section: the file can shrink again */
	LARGE_INTEGER to = { .QuadPart = 5000 };
	CHECK(SetFilePointerEx(h, to, NULL, FILE_BEGIN));
	CHECK(SetEndOfFile(h));
	CHECK_EQ(GetFileSize(h, NULL), 5000);
	CloseHandle(h);
	CHECK(DeleteFileA(NAME));
}

static void empty_file(void)
{
	HANDLE h = open_file(EMPTY, GENERIC_READ | GENERIC_WRITE, CREATE_ALWAYS);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_ERR(CreateFileMappingA(h, NULL, PAGE_READONLY, 0, 0, NULL), ERROR_FILE_INVALID);
	CHECK_ERR(CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 0, NULL), ERROR_FILE_INVALID);
	/* with a size, a writable mapping makes the empty file that long */
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 4096, NULL);
	CHECK(m != NULL);
	CHECK_EQ(GetFileSize(h, NULL), 4096);
	CloseHandle(m);
	CloseHandle(h);
	CHECK(DeleteFileA(EMPTY));
}

static void access_rules(void)
{
	make_file(NAME, 8192);
	HANDLE r = open_file(NAME, GENERIC_READ, OPEN_EXISTING);
	CHECK(r != INVALID_HANDLE_VALUE);
	/* a read-only handle: read-only and write-copy mappings only */
	CHECK_ERR(CreateFileMappingA(r, NULL, PAGE_READWRITE, 0, 0, NULL), ERROR_ACCESS_DENIED);
	CHECK_ERR(CreateFileMappingA(r, NULL, PAGE_EXECUTE_READWRITE, 0, 0, NULL), ERROR_ACCESS_DENIED);
	HANDLE m = CreateFileMappingA(r, NULL, PAGE_READONLY, 0, 0, NULL);
	CHECK(m != NULL);
	CloseHandle(m);
	m = CreateFileMappingA(r, NULL, PAGE_WRITECOPY, 0, 0, NULL);
	CHECK(m != NULL);
	CloseHandle(m);
	/* GENERIC_READ has no FILE_EXECUTE: MSDN asks GENERIC_READ|GENERIC_EXECUTE (Wine does not check) */
	CHECK_ERR(CreateFileMappingA(r, NULL, PAGE_EXECUTE_READ, 0, 0, NULL), ERROR_ACCESS_DENIED);
	CloseHandle(r);
	HANDLE wo = open_file(NAME, GENERIC_WRITE, OPEN_EXISTING);
	CHECK(wo != INVALID_HANDLE_VALUE);
	CHECK_ERR(CreateFileMappingA(wo, NULL, PAGE_READONLY, 0, 0, NULL), ERROR_ACCESS_DENIED);
	CloseHandle(wo);
	HANDLE x = open_file(NAME, GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE, OPEN_EXISTING);
	CHECK(x != INVALID_HANDLE_VALUE);
	m = CreateFileMappingA(x, NULL, PAGE_EXECUTE_READWRITE, 0, 0, NULL);
	CHECK(m != NULL);
	CloseHandle(m);
	/* a bad protection */
	CHECK_ERR(CreateFileMappingA(x, NULL, PAGE_NOACCESS, 0, 0, NULL), ERROR_INVALID_PARAMETER);

	/* names: a second create finds the first; OpenFileMapping too */
	m = CreateFileMappingA(x, NULL, PAGE_READWRITE, 0, 0, "fmap_create_named");
	CHECK(m != NULL);
	CHECK_EQ(GetLastError(), ERROR_SUCCESS);
	HANDLE m2 = CreateFileMappingA(x, NULL, PAGE_READWRITE, 0, 0, "fmap_create_named");
	CHECK(m2 != NULL);
	CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	HANDLE m3 = OpenFileMappingA(FILE_MAP_READ, FALSE, "fmap_create_named");
	CHECK(m3 != NULL);
	unsigned char *a = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	const unsigned char *b = MapViewOfFile(m3, FILE_MAP_READ, 0, 0, 0);
	CHECK(a && b);
	if (a && b) {
		CHECK_EQ(b[100], (unsigned char)(100 * 13 + 1));
		a[100] = 0xee;
		CHECK_EQ(b[100], 0xee);
	}
	if (a)
		UnmapViewOfFile(a);
	if (b)
		UnmapViewOfFile(b);
	CloseHandle(m3);
	CloseHandle(m2);
	CloseHandle(m);
	CloseHandle(x);
	CHECK(DeleteFileA(NAME));
}

int main(void)
{
	sizes();
	empty_file();
	access_rules();
	return utest_done("fmap_create");
}
