/* tests/demo/step_write_watch.c - MEM_WRITE_WATCH reports written pages from the PTE dirty bits. */
#include "tour.h"

int step_write_watch(struct tour *t)
{
	(void)t;
	SIZE_T size = 16 * TOUR_PAGE;
	char *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	printf("VirtualAlloc(NULL, 64 KiB, MEM_RESERVE|MEM_COMMIT|MEM_WRITE_WATCH, PAGE_READWRITE) = %p\n",
	       (void *)p);
	if (tour_check(p != NULL, "the watched region exists"))
		return 1;
	p[3 * TOUR_PAGE] = 1;
	p[7 * TOUR_PAGE] = 1;
	p[8 * TOUR_PAGE + 5] = 1;
	PVOID addrs[16];
	ULONG_PTR count = 16;
	ULONG gran;
	UINT r = GetWriteWatch(0, p, size, addrs, &count, &gran);
	printf("wrote pages 3, 7 and 8; GetWriteWatch finds %lu:", (unsigned long)count);
	for (ULONG_PTR i = 0; i < count; i++)
		printf(" %p", addrs[i]);
	struct abi_memory_frames_info f = tour_frames(p);
	printf("\nThe kernel read the dirty bits: resident %llu, dirty %llu; no write ever faulted on a\n"
	       "present page.  ResetWriteWatch clears the bits (one TLB flush per call):\n", f.resident, f.dirty);
	int failed = tour_check(r == 0 && count == 3 && addrs[0] == p + 3 * TOUR_PAGE && addrs[2] == p + 8 * TOUR_PAGE,
				"exactly the written pages, ascending");
	ResetWriteWatch(p, size);
	struct abi_memory_frames_info g = tour_frames(p);
	count = 16;
	GetWriteWatch(0, p, size, addrs, &count, &gran);
	printf("  after the reset: resident %llu, dirty %llu, GetWriteWatch finds %lu\n", g.resident, g.dirty,
	       (unsigned long)count);
	p[3 * TOUR_PAGE] = 2;
	printf("  wrote page 3 again: the table below shows it dirty once more\n");
	return failed + tour_check(f.dirty == 3 && g.dirty == 0 && count == 0 && tour_frames(p).dirty == 1,
				   "dirty 3, then 0 after the reset, then 1");
}
