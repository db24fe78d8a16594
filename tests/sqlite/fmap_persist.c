/*
 * tests/sqlite/fmap_persist.c - data written through a file view survives a
 * reboot (issue 20).  Booted twice on one disk beside sqlite_db.exe
 * (tools/sqlite-boots.sh).  First boot (no C:\PERSIST\view.bin): a
 * PAGE_READWRITE mapping grows a new file to SIZE bytes, a FILE_MAP_WRITE
 * view writes every byte, a FILE_MAP_COPY view of the same file writes its
 * own bytes over the first pages (they must never reach the file); both
 * views are unmapped and the handles closed, with no FlushViewOfFile: the
 * kernel writes view-dirtied pages back by itself.  Second boot: ReadFile
 * and a new read-only view both see exactly the first view's bytes, then
 * the file and its directory go.  Prints "fmap_persist: ..., create|check".
 */
#include "../user/utest.h"

#define DIR  "C:\\PERSIST"
#define FILE "C:\\PERSIST\\view.bin"
#define SIZE (1048576 + 123)	/* past a page boundary: the tail page is partly file */

static unsigned char pattern(DWORD i)
{
	return (unsigned char)((i * 7 + 3) ^ (i >> 12));
}

static void create(void)
{
	CHECK(CreateDirectoryA(DIR, NULL));
	HANDLE h = CreateFileA(FILE, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_NEW, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, SIZE, NULL);	/* grows the empty file */
	CHECK(m != NULL);
	CHECK_EQ(GetFileSize(h, NULL), SIZE);
	unsigned char *v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	unsigned char *c = MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0);
	CHECK(v && c);
	if (v && c) {
		for (DWORD i = 0; i < SIZE; i++)
			v[i] = pattern(i);
		memset(c, 0xEE, 3 * 4096 + 17);	/* private copies: the file never sees these */
		CHECK_EQ(v[5], pattern(5));
		CHECK_EQ(c[SIZE - 1], pattern(SIZE - 1));	/* unwritten copy-view pages are the file's */
		CHECK(UnmapViewOfFile(c));
		CHECK(UnmapViewOfFile(v));
	}
	CloseHandle(m);
	CloseHandle(h);
	printf("fmap_persist: wrote %u bytes through a view, create\n", SIZE);
}

static void check(void)
{
	static unsigned char buf[SIZE + 64];
	HANDLE h = CreateFileA(FILE, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetFileSize(h, NULL), SIZE);
	DWORD n = 0, bad = 0;
	CHECK(ReadFile(h, buf, sizeof(buf), &n, NULL));
	CHECK_EQ(n, SIZE);
	for (DWORD i = 0; i < n; i++)
		bad += buf[i] != pattern(i);
	CHECK_EQ(bad, 0);
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READONLY, 0, 0, NULL);
	CHECK(m != NULL);
	const unsigned char *v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	CHECK(v != NULL);
	if (v) {
		bad = 0;
		for (DWORD i = 0; i < SIZE; i++)
			bad += v[i] != pattern(i);
		CHECK_EQ(bad, 0);
		CHECK_EQ(v[SIZE], 0);	/* past the end of the file: zeros */
		CHECK(UnmapViewOfFile(v));
	}
	CloseHandle(m);
	CloseHandle(h);
	CHECK(DeleteFileA(FILE));
	CHECK(RemoveDirectoryA(DIR));
	printf("fmap_persist: read %lu bytes back through ReadFile and a view, check\n", (unsigned long)n);
}

int main(void)
{
	if (GetFileAttributesA(FILE) == INVALID_FILE_ATTRIBUTES)
		create();
	else
		check();
	return utest_done("fmap_persist");
}
