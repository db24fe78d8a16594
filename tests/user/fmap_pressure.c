/*
 * tests/user/fmap_pressure.c - a file mapping larger than the 64 MiB boot's
 * free memory: written through one view and read back through another, the
 * evictor takes the views' pages back to the page cache (writing the dirty
 * ones to the file) and drops clean ones, which come back from the file.
 */
#include "utest.h"

#define NAME "C:\\fmap_pressure.bin"
#define MB (1024u * 1024u)
#define SIZE (72u * MB)

static unsigned word(unsigned i)
{
	return i * 2654435761u + 12345u;
}

int main(void)
{
	HANDLE h = CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, SIZE, NULL);
	CHECK(m != NULL);
	unsigned *v = m ? MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(v != NULL);
	if (!v)
		return utest_done("fmap_pressure");
	/* one word per page: every page of the file is written through the view */
	for (unsigned i = 0; i < SIZE / 4096; i++)
		v[i * 1024 + (i & 1023)] = word(i);
	CHECK(UnmapViewOfFile(v));
	const unsigned *r = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	CHECK(r != NULL);
	unsigned bad = 0, zero_bad = 0;
	for (unsigned i = 0; r && i < SIZE / 4096; i++) {
		bad += r[i * 1024 + (i & 1023)] != word(i);
		zero_bad += r[i * 1024 + ((i + 1) & 1023)] != 0;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(zero_bad, 0);
	/* ReadFile agrees */
	unsigned w = 0;
	DWORD n = 0;
	unsigned last = SIZE / 4096 - 1;
	SetFilePointer(h, last * 4096 + (last & 1023) * 4, NULL, FILE_BEGIN);
	CHECK(ReadFile(h, &w, 4, &n, NULL));
	CHECK_EQ(w, word(last));
	if (r)
		CHECK(UnmapViewOfFile(r));
	CHECK(CloseHandle(m));
	CHECK(CloseHandle(h));
	CHECK(DeleteFileA(NAME));
	return utest_done("fmap_pressure");
}
