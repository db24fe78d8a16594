/*
 * tests/demo/tour.c - what `make run` shows: the memory manager at work,
 * step by step, with the address space (vmmap) after each step and physical
 * memory by owner at the end.  tools/svgmap.c turns the log into pictures.
 */
#include <string.h>

#include "tour.h"

static const struct {
	const char *name;
	int (*run)(struct tour *t);
} steps[] = {
	{ "reserve", step_reserve },
	{ "commit", step_commit },
	{ "demand-zero fault", step_demand_zero },
	{ "a guard page grows the stack", step_stack_guard },
	{ "a write-copy page splits off", step_write_copy },
	{ "fork shares, then copies", step_fork },
	{ "write watch", step_write_watch },
	{ "a write-combining mapping", step_write_combining },
	{ "two processes share one image", step_image_share },
	{ "a ring buffer from placeholders", step_ring_buffer },
};
#define NSTEPS ((int)(sizeof(steps) / sizeof(steps[0])))

int tour_check(int ok, const char *what)
{
	printf(ok ? "  check: %s\n" : "  CHECK FAILED: %s\n", what);
	return !ok;
}

struct abi_memory_frames_info tour_frames(const void *p)
{
	struct abi_memory_frames_info f = { 0 };
	NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)p, (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION, &f,
			     sizeof(f), NULL);
	return f;
}

unsigned long long tour_user_frames(void)
{
	struct abi_frame_stats s;
	mm_frame_stats(&s);
	return s.user;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--instance") == 0)
		return step_image_share_instance();
	struct tour t = { 0 };
	int failed = 0;
	printf("tour: the memory manager, one step at a time.  After each step the address space\n"
	       "as vmmap prints it: VirtualQuery's regions plus the kernel's page counts (resident,\n"
	       "shared, dirty); '*' marks the rows the step changed.\n\n");
	vmmap("a new process: its image, its stack");
	for (int i = 0; i < NSTEPS; i++) {
		char title[96];
		printf("\n=== step %d/%d: %s ===\n", i + 1, NSTEPS, steps[i].name);
		failed += steps[i].run(&t);
		snprintf(title, sizeof(title), "step %d: %s", i + 1, steps[i].name);
		vmmap(title);
	}
	printf("\n=== physical memory, frame by frame, by owner ===\n");
	failed += tour_check(vmmap_physical("while the tour still holds its memory") > 0, "the frame map was read");
	printf("\ntour: %s\n", failed ? "FAILED" : "done");
	return failed ? 1 : 0;
}
