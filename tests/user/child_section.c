/* tests/user/child_section.c - started by vm_section: opens the parent's named section and writes back. */
#include <string.h>

#include "utest.h"

int main(void)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, "Local\\winmm_shared_test");
	CHECK(h != NULL);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(v != NULL);
	CHECK(strcmp(v, "from the parent") == 0);
	strcpy(v + 0x1000, "from the child");
	/* A commit through this view is the section's: the parent sees it too. */
	CHECK(VirtualAlloc(v + 0x2000, 0x1000, MEM_COMMIT, PAGE_READWRITE) == v + 0x2000);
	v[0x2000] = 0x42;
	CHECK(UnmapViewOfFile(v));
	CHECK(CloseHandle(h));
	return utest_done("child_section");
}
