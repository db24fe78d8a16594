/*
 * tests/demo/tour.h - the guided tour `make run` shows: a list of small
 * steps (tour.c), each in its own step_*.c.  A step narrates what it does,
 * checks what it claims (tour_check) and leaves its memory in place, so the
 * table tour.c prints after it (vmmap) shows the change, marked '*'.
 *
 * Adding a step: write `int step_NAME(struct tour *t)` in step_NAME.c,
 * declare it below and add one line to the table in tour.c.
 */
#ifndef TESTS_DEMO_TOUR_H
#define TESTS_DEMO_TOUR_H

#include <stdio.h>
#include <windows.h>
#include <mmtools.h>

#define TOUR_PAGE 4096

/* State shared by the steps: the reservation steps reserve, commit and demand-zero work on. */
struct tour {
	char *region;
};

/* Print "  check: what" and return 0 when ok, else print a failure line and return 1. */
int tour_check(int ok, const char *what);

/* The kernel's view (resident, shared, dirty pages) of the region at p. */
struct abi_memory_frames_info tour_frames(const void *p);

/* Frames the kernel counts as private user memory, system-wide. */
unsigned long long tour_user_frames(void);

int step_reserve(struct tour *t);
int step_commit(struct tour *t);
int step_demand_zero(struct tour *t);
int step_stack_guard(struct tour *t);
int step_write_watch(struct tour *t);
int step_write_combining(struct tour *t);
int step_write_copy(struct tour *t);
int step_fork(struct tour *t);
int step_image_share(struct tour *t);
int step_ring_buffer(struct tour *t);
/* tour.exe --instance: the second process of step_image_share. */
int step_image_share_instance(void);

#endif
