/*
 * tests/user/fmap_flush.c - writing a file through views: FlushViewOfFile
 * (whole view, a range, an address in no view), a view that outlives its
 * mapping and file handles keeps the file and loses nothing at unmap, a
 * write-copy view's writes never reach the file, and the file's size does
 * not change.  `fmap_flush write` / `fmap_flush check` (two boots on one
 * disk, DISK=...): data written through a view survives a reboot.
 */
#include "utest.h"

#define NAME "C:\\fmap_flush.bin"
#define KEEP "C:\\fmap_keep.bin"
#define P 4096
#define PAGES 20

static HANDLE open_rw(const char *name, DWORD disp)
{
	return CreateFileA(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			   NULL, disp, FILE_ATTRIBUTE_NORMAL, NULL);
}

static unsigned char pattern(unsigned i, unsigned seed)
{
	return (unsigned char)(i * 31 + seed + i / P);
}

/* The file's bytes by ReadFile equal pattern(seed) except where skip(i) says to expect old. */
static int file_matches(HANDLE h, unsigned len, unsigned seed)
{
	static unsigned char buf[PAGES * P];
	DWORD n = 0;
	SetFilePointer(h, 0, NULL, FILE_BEGIN);
	if (!ReadFile(h, buf, len, &n, NULL) || n != len)
		return 0;
	for (unsigned i = 0; i < len; i++)
		if (buf[i] != pattern(i, seed))
			return 0;
	return 1;
}

static void flushes(void)
{
	HANDLE h = open_rw(NAME, CREATE_ALWAYS);
	CHECK(h != INVALID_HANDLE_VALUE);
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, PAGES * P, NULL);
	CHECK(m != NULL);
	CHECK_EQ(GetFileSize(h, NULL), PAGES * P);
	unsigned char *v = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	CHECK(v != NULL);
	if (!v)
		return;
	for (unsigned i = 0; i < PAGES * P; i++)
		v[i] = pattern(i, 1);
	CHECK(FlushViewOfFile(v, 0));
	CHECK(file_matches(h, PAGES * P, 1));
	/* a range, and an address inside the view */
	v[3 * P + 5] = 0;
	CHECK(FlushViewOfFile(v + 3 * P + 1, 10));
	v[3 * P + 5] = pattern(3 * P + 5, 1);
	CHECK(FlushViewOfFile(v + P, 4 * P));
	CHECK(file_matches(h, PAGES * P, 1));
	/* private memory is in no view (an image is a view: its pages have nothing to write); Wine says TRUE */
	char *plain = VirtualAlloc(NULL, P, MEM_COMMIT, PAGE_READWRITE);
	CHECK_ERR(FlushViewOfFile(plain, 1), ERROR_INVALID_ADDRESS);
	VirtualFree(plain, 0, MEM_RELEASE);

	/* a copy view's writes stay in the view, even through a flush */
	unsigned char *c = MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0);
	CHECK(c != NULL);
	if (c) {
		for (unsigned i = 0; i < PAGES * P; i += 1000)
			c[i] = 0xcc;
		CHECK(FlushViewOfFile(c, 0));
		CHECK(file_matches(h, PAGES * P, 1));
		CHECK_EQ(v[1000], pattern(1000, 1));
		CHECK(UnmapViewOfFile(c));
	}
	CHECK_EQ(GetFileSize(h, NULL), PAGES * P);
	CHECK(UnmapViewOfFile(v));
	CHECK(CloseHandle(m));
	CHECK(CloseHandle(h));
	CHECK(DeleteFileA(NAME));
}

/* The view alone keeps the file: its writes after both handles closed reach the file at unmap. */
static void view_outlives_handles(void)
{
	HANDLE h = open_rw(NAME, CREATE_ALWAYS);
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 3 * P, NULL);
	unsigned char *v = m ? MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(v != NULL);
	CHECK(CloseHandle(m));
	CHECK(CloseHandle(h));
	if (!v)
		return;
	for (unsigned i = 0; i < 3 * P; i++)
		v[i] = pattern(i, 7);
	CHECK(UnmapViewOfFile(v));
	h = open_rw(NAME, OPEN_EXISTING);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetFileSize(h, NULL), 3 * P);
	CHECK(file_matches(h, 3 * P, 7));
	CHECK(CloseHandle(h));
	CHECK(DeleteFileA(NAME));
}

/* Persistence: `write` writes KEEP through a view only; `check` (the next boot) reads it back. */
static int persist(const char *mode)
{
	if (strcmp(mode, "write") == 0) {
		HANDLE h = open_rw(KEEP, CREATE_ALWAYS);
		HANDLE m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, PAGES * P, NULL);
		unsigned char *v = m ? MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) : NULL;
		CHECK(v != NULL);
		for (unsigned i = 0; v && i < PAGES * P; i++)
			v[i] = pattern(i, 3);
		CloseHandle(m);
		CloseHandle(h);
		if (v)
			CHECK(UnmapViewOfFile(v));
		return utest_done("fmap_flush write");
	}
	HANDLE h = open_rw(KEEP, OPEN_EXISTING);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetFileSize(h, NULL), PAGES * P);
	CHECK(file_matches(h, PAGES * P, 3));
	CloseHandle(h);
	CHECK(DeleteFileA(KEEP));
	return utest_done("fmap_flush check");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return persist(argv[1]);
	flushes();
	view_outlives_handles();
	return utest_done("fmap_flush");
}
