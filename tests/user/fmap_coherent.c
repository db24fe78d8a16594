/*
 * tests/user/fmap_coherent.c - one file, one set of bytes: ReadFile,
 * WriteFile, views of two mapping objects of the file and a view in another
 * process (child_fmap.exe) all see every write at once; a FILE_MAP_COPY
 * view shares the file's pages until it writes one, which becomes its own
 * (PAGE_READWRITE in VirtualQuery, the others still PAGE_WRITECOPY), and
 * neither the file nor the other views see that write.
 */
#include "utest.h"

#define NAME "C:\\fmap_coherent.bin"
#define P 4096

static int is_wine(void)
{
	return GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != NULL;
}

static char read_at(HANDLE h, LONG off)
{
	char c = 0;
	DWORD n = 0;
	CHECK_EQ(SetFilePointer(h, off, NULL, FILE_BEGIN), (DWORD)off);
	CHECK(ReadFile(h, &c, 1, &n, NULL));
	CHECK_EQ(n, 1);
	return c;
}

static void write_at(HANDLE h, LONG off, const char *s)
{
	DWORD n = 0;
	CHECK_EQ(SetFilePointer(h, off, NULL, FILE_BEGIN), (DWORD)off);
	CHECK(WriteFile(h, s, (DWORD)strlen(s), &n, NULL));
	CHECK_EQ(n, strlen(s));
}

int main(void)
{
	HANDLE h = CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			       CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	static char data[4 * P];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	DWORD n = 0;
	CHECK(WriteFile(h, data, sizeof(data), &n, NULL));

	HANDLE m1 = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 0, NULL);
	HANDLE m2 = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 0, NULL);
	CHECK(m1 && m2);
	char *a = MapViewOfFile(m1, FILE_MAP_WRITE, 0, 0, 0);
	const char *b = MapViewOfFile(m2, FILE_MAP_READ, 0, 0, 0);
	char *c = MapViewOfFile(m1, FILE_MAP_COPY, 0, 0, 0);
	CHECK(a && b && c);
	if (!a || !b || !c)
		return utest_done("fmap_coherent");
	CHECK(memcmp(a, data, sizeof(data)) == 0);
	CHECK(memcmp(b, data, sizeof(data)) == 0);
	CHECK(memcmp(c, data, sizeof(data)) == 0);

	/* WriteFile -> every view */
	write_at(h, 5000, "hello");
	CHECK(memcmp(a + 5000, "hello", 5) == 0);
	CHECK(memcmp(b + 5000, "hello", 5) == 0);
	CHECK(memcmp(c + 5000, "hello", 5) == 0);	/* not copied yet: the file's page */
	/* a view -> ReadFile and the other views */
	a[2 * P + 7] = 'Z';
	CHECK_EQ(read_at(h, 2 * P + 7), 'Z');
	CHECK_EQ(b[2 * P + 7], 'Z');
	CHECK_EQ(c[2 * P + 7], 'Z');

	/* the copy view: shared until its first write to a page */
	CHECK_REGION(c, MEM_COMMIT, PAGE_WRITECOPY, 4 * P);
	c[10] = '!';
	CHECK_EQ(c[10], '!');
	CHECK_EQ(a[10], data[10]);
	CHECK_EQ(b[10], data[10]);
	CHECK_EQ(read_at(h, 10), data[10]);
	MEMORY_BASIC_INFORMATION mb = query_region(c);
	if (!is_wine()) {	/* Wine keeps reporting PAGE_WRITECOPY (spec 13.8) */
		CHECK_EQ(mb.Protect, PAGE_READWRITE);
		CHECK_EQ(mb.RegionSize, P);
		CHECK_REGION(c + P, MEM_COMMIT, PAGE_WRITECOPY, 3 * P);
	}
	CHECK_EQ(mb.AllocationProtect, PAGE_WRITECOPY);
	/* the copied page no longer follows the file; the others still do */
	write_at(h, 11, "Q");
	CHECK_EQ(a[11], 'Q');
	CHECK_EQ(c[11], data[11]);
	write_at(h, 3 * P + 1, "R");
	CHECK_EQ(c[3 * P + 1], 'R');
	a[3 * P + 2] = 'S';
	CHECK_EQ(c[3 * P + 2], 'S');

	/* another process maps the file and writes through its view (mmtools' spawn: not under Wine) */
	if (!is_wine()) {
		HMODULE mm = LoadLibraryA("mmtools.dll");
		NTSTATUS (*spawn)(const char *, ULONG *) = (void *)GetProcAddress(mm, "mm_spawn");
		NTSTATUS (*wait)(ULONG, DWORD *) = (void *)GetProcAddress(mm, "mm_wait");
		CHECK(spawn && wait);
		ULONG pid = 0;
		DWORD code = 1;
		CHECK_STATUS(spawn ? spawn("child_fmap.exe", &pid) : 1, STATUS_SUCCESS);
		CHECK_STATUS(wait ? wait(pid, &code) : 1, STATUS_SUCCESS);
		CHECK_EQ(code, 0);
		CHECK(memcmp(a + P + 100, "from the child", 14) == 0);
		CHECK(memcmp(b + P + 100, "from the child", 14) == 0);
		CHECK_EQ(read_at(h, P + 100), 'f');
	}

	CHECK(UnmapViewOfFile(a));
	CHECK(UnmapViewOfFile(b));
	CHECK(UnmapViewOfFile(c));
	CHECK(CloseHandle(m1));
	CHECK(CloseHandle(m2));
	CHECK(CloseHandle(h));
	CHECK(DeleteFileA(NAME));
	return utest_done("fmap_coherent");
}
