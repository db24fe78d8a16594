/* tests/demo/step_reserve.c - MEM_RESERVE takes address space and nothing else. */
#include "tour.h"

int step_reserve(struct tour *t)
{
	unsigned long long before = tour_user_frames();
	t->region = VirtualAlloc(NULL, 1024 * 1024, MEM_RESERVE, PAGE_READWRITE);
	printf("VirtualAlloc(NULL, 1 MiB, MEM_RESERVE, PAGE_READWRITE) = %p\n", (void *)t->region);
	printf("A reservation only claims addresses: one new row, state reserve, protect '-'\n"
	       "(reserved pages have none), no commit charge and no frames.\n");
	return tour_check(t->region != NULL, "the reservation exists") +
	       tour_check(tour_frames(t->region).resident == 0 && tour_user_frames() == before,
			  "no frame was taken");
}
