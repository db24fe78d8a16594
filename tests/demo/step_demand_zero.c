/* tests/demo/step_demand_zero.c - the first touch of a committed page takes a zeroed frame. */
#include "tour.h"

int step_demand_zero(struct tour *t)
{
	volatile char *p = t->region + 64 * 1024;
	unsigned long long before = tour_user_frames();
	char c = p[0];
	struct abi_memory_frames_info f = tour_frames((const void *)p);
	printf("read  p[0] = %d: a page fault; the kernel took a zeroed frame and mapped it\n"
	       "      (resident %llu, dirty %llu: a read leaves the dirty bit clear)\n", c, f.resident, f.dirty);
	int failed = tour_check(c == 0 && f.resident == 1 && f.dirty == 0, "one clean zero page");
	p[2 * TOUR_PAGE + 100] = 42;
	f = tour_frames((const void *)p);
	printf("write p[8292] = 42: another fault, another frame (resident %llu, dirty %llu)\n", f.resident, f.dirty);
	failed += tour_check(f.resident == 2 && f.dirty == 1, "two frames, one of them written");
	failed += tour_check(tour_user_frames() == before + 2, "the system's user frame count grew by 2");
	return failed;
}
