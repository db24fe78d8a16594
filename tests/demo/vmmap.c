/*
 * tests/demo/vmmap.c - the vmmap program: prints its own address space.
 *   make run PROG=tests/demo/vmmap.c
 * (A process sees only itself: NtQueryVirtualMemory takes the current
 * process's handle only.)  Reserves and commits a little first, so there is
 * something besides the image and the stack to see.
 */
#include <windows.h>
#include <mmtools.h>

int main(void)
{
	char *p = VirtualAlloc(NULL, 256 * 1024, MEM_RESERVE, PAGE_READWRITE);
	VirtualAlloc(p, 16 * 1024, MEM_COMMIT, PAGE_READWRITE);
	p[0] = 1;
	vmmap("the vmmap program");
	return vmmap_physical("the vmmap program") > 0 ? 0 : 1;
}
