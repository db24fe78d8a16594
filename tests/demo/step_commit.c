/* tests/demo/step_commit.c - MEM_COMMIT charges the commit limit but still takes no frame. */
#include "tour.h"

int step_commit(struct tour *t)
{
	unsigned long long before = tour_user_frames();
	char *p = VirtualAlloc(t->region + 64 * 1024, 8 * TOUR_PAGE, MEM_COMMIT, PAGE_READWRITE);
	printf("VirtualAlloc(%p, 32 KiB, MEM_COMMIT, PAGE_READWRITE) = %p\n", (void *)(t->region + 64 * 1024),
	       (void *)p);
	printf("Eight pages are committed: charged against the commit limit, so they are\n"
	       "guaranteed a frame later.  The reservation now has three regions (reserve,\n"
	       "commit, reserve); the allocation base stays the same.\n");
	return tour_check(p == t->region + 64 * 1024, "the commit is where it was asked") +
	       tour_check(tour_frames(p).resident == 0 && tour_user_frames() == before,
			  "still no frame: frames come on first touch");
}
