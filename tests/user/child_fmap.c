/* tests/user/child_fmap.c - started by fmap_coherent: maps C:\fmap_coherent.bin and writes through its view. */
#include <string.h>

#include "utest.h"

int main(void)
{
	HANDLE h = CreateFileA("C:\\fmap_coherent.bin", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
			       NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READWRITE, 0, 0, NULL);
	CHECK(m != NULL);
	char *v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(v != NULL);
	if (v) {
		CHECK(memcmp(v + 5000, "hello", 5) == 0);	/* the parent's WriteFile */
		CHECK_EQ(v[2 * 4096 + 7], 'Z');			/* the parent's view */
		memcpy(v + 4096 + 100, "from the child", 14);
		CHECK(UnmapViewOfFile(v));
	}
	CHECK(CloseHandle(m));
	CHECK(CloseHandle(h));
	return utest_done("child_fmap");
}
