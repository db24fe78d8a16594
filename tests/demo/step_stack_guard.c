/*
 * tests/demo/step_stack_guard.c - the thread's stack grows through its guard
 * page: touching the guard commits the page below and makes it the guard.
 */
#include "tour.h"

/* Committed bytes of the stack reservation holding `inside`, its guard page and its size. */
static SIZE_T stack_committed(const void *inside, char **guard, SIZE_T *reserved)
{
	MEMORY_BASIC_INFORMATION m;
	VirtualQuery(inside, &m, sizeof(m));
	char *p = m.AllocationBase, *base = m.AllocationBase;
	SIZE_T committed = 0;
	*guard = NULL;
	*reserved = 0;
	while (VirtualQuery(p, &m, sizeof(m)) == sizeof(m) && m.AllocationBase == base) {
		*reserved += m.RegionSize;
		if (m.State == MEM_COMMIT)
			committed += m.RegionSize;
		if (m.Protect & PAGE_GUARD)
			*guard = m.BaseAddress;
		p = (char *)m.BaseAddress + m.RegionSize;
	}
	return committed;
}

/* 2 KiB per call, written from the top down, so each new page is met at its guard. */
__attribute__((noinline)) static int dig(int depth)
{
	volatile char buf[2048];
	for (int i = (int)sizeof(buf) - 1; i >= 0; i -= 64)
		buf[i] = (char)depth;
	return depth ? dig(depth - 1) + buf[0] : buf[0];
}

int step_stack_guard(struct tour *t)
{
	(void)t;
	char *guard_before, *guard_after;
	int here = 0;
	SIZE_T reserved;
	SIZE_T before = stack_committed(&here, &guard_before, &reserved);
	printf("The stack is a %llu KiB reservation (the exe's SizeOfStackReserve): committed at the top,\n"
	       "one guard page below.\n"
	       "  before: %llu KiB committed, guard page at %p\n", (unsigned long long)reserved / 1024,
	       (unsigned long long)before / 1024, (void *)guard_before);
	printf("A recursion 32 calls deep uses 64 KiB more; each guard fault commits the next page down.\n");
	dig(32);
	SIZE_T after = stack_committed(&here, &guard_after, &reserved);
	printf("  after:  %llu KiB committed, guard page at %p\n", (unsigned long long)after / 1024,
	       (void *)guard_after);
	return tour_check(after > before, "the committed stack grew") +
	       tour_check(guard_after && (SIZE_T)(guard_before - guard_after) == after - before,
			  "the guard page moved down by as much");
}
