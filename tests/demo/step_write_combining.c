/* tests/demo/step_write_combining.c - PAGE_WRITECOMBINE: the PTE picks the PAT's WC entry. */
#include <string.h>

#include "tour.h"

int step_write_combining(struct tour *t)
{
	(void)t;
	SIZE_T size = 4 * TOUR_PAGE;
	char *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_WRITECOMBINE);
	printf("VirtualAlloc(NULL, 16 KiB, MEM_RESERVE|MEM_COMMIT, PAGE_READWRITE|PAGE_WRITECOMBINE) = %p\n",
	       (void *)p);
	if (tour_check(p != NULL, "the write-combining region exists"))
		return 1;
	memset(p, 0x5a, size);
	printf("Its PTEs select PAT entry 4 (WC): stores are gathered in the CPU's write-combining\n"
	       "buffers and reach memory in bursts, loads are uncached (a frame buffer's type).\n");
	DWORD old;
	VirtualProtect(p, size, PAGE_READONLY, &old);
	MEMORY_BASIC_INFORMATION m;
	VirtualQuery(p, &m, sizeof(m));
	printf("VirtualProtect(PAGE_READONLY): old %#lx, now %#lx; the cache type stays with the allocation.\n",
	       (unsigned long)old, (unsigned long)m.Protect);
	return tour_check(p[size - 1] == 0x5a && tour_frames(p).resident == 4, "all four pages written and resident") +
	       tour_check(old == (PAGE_READWRITE | PAGE_WRITECOMBINE) && m.Protect == (PAGE_READONLY | PAGE_WRITECOMBINE),
			  "VirtualProtect kept PAGE_WRITECOMBINE");
}
