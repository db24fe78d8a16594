/*
 * mm/allocfail.h - fault injection for the kernel's allocators (tests only,
 * off by default): while armed, every frame_alloc and kmalloc is counted and
 * the at-th fails as if memory had run out (one failure; 0: count only).
 * tests/kernel/test_allocfail.c runs user programs under it: each call must
 * fail with a Windows error or succeed, and nothing may leak or panic.
 */
#ifndef MM_ALLOCFAIL_H
#define MM_ALLOCFAIL_H

#include <stdbool.h>
#include <stdint.h>

struct allocfail {
	bool armed;
	uint64_t count;		/* allocations seen since armed */
	uint64_t at;		/* the one to fail (1-based), 0: none */
	uint64_t failed;	/* failures injected since armed */
	void (*on_fail)(void);	/* called at the injected failure (a test's backtrace), or NULL */
};
extern struct allocfail allocfail;	/* mm/frame.c */

/* Called first by each allocator: true when this allocation must fail. */
static inline bool allocfail_hit(void)
{
	if (__builtin_expect(!allocfail.armed, 1))
		return false;
	if (++allocfail.count != allocfail.at)
		return false;
	allocfail.failed++;
	if (allocfail.on_fail)
		allocfail.on_fail();
	return true;
}

/* Arm: count from 0 and fail the at-th allocation (0: none), calling on_fail there (NULL: nothing). */
static inline void allocfail_arm(uint64_t at, void (*on_fail)(void))
{
	allocfail = (struct allocfail){ .armed = true, .at = at, .on_fail = on_fail };
}

/* Disarm; returns the allocations counted. */
static inline uint64_t allocfail_disarm(void)
{
	allocfail.armed = false;
	return allocfail.count;
}

#endif
