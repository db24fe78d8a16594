/*
 * tests/demo/step_image_share.c - one program, two processes: a second
 * tour.exe maps the same image frames (its code, read-only data and every
 * DLL's), so it costs only its private pages.
 */
#include <string.h>

#include "tour.h"

#define SHARE_SECTION "tour_image_share"

/* What the second instance reports through a shared page. */
struct share_report {
	volatile LONG ready, go;
	unsigned long long image_pages, image_resident, image_shared, images;
};

/* Sum the kernel's page counts over every MEM_IMAGE region of this process that is not writable. */
static void count_images(struct share_report *r)
{
	MEMORY_BASIC_INFORMATION m;
	const char *last_base = NULL;
	for (const char *p = NULL; VirtualQuery(p, &m, sizeof m) == sizeof m; p = (const char *)m.BaseAddress + m.RegionSize) {
		if (m.Type != MEM_IMAGE)
			continue;
		if (m.AllocationBase != last_base) {
			last_base = m.AllocationBase;
			r->images++;
		}
		if (m.Protect != PAGE_EXECUTE_READ && m.Protect != PAGE_READONLY)
			continue;
		for (const char *q = m.BaseAddress; q < (const char *)m.BaseAddress + m.RegionSize; q += TOUR_PAGE)
			(void)*(volatile const char *)q;	/* bring every read-only image page in */
		struct abi_memory_frames_info f = tour_frames(m.BaseAddress);
		r->image_pages += m.RegionSize / TOUR_PAGE;
		r->image_resident += f.resident;
		r->image_shared += f.shared;
	}
}

int step_image_share_instance(void)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, SHARE_SECTION);
	struct share_report *r = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (!r)
		return 1;
	count_images(r);
	r->ready = 1;
	while (!r->go)
		Sleep(1);
	return 0;
}

int step_image_share(struct tour *t)
{
	(void)t;
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, TOUR_PAGE, SHARE_SECTION);
	struct share_report *r = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (tour_check(r != NULL, "a shared page to hear from the second instance"))
		return 1;
	struct share_report mine = { 0 };
	count_images(&mine);	/* our own image pages, all resident now */
	struct abi_frame_stats before, after;
	mm_frame_stats(&before);
	ULONG pid = 0;
	NTSTATUS st = mm_spawn_cmdline("tour.exe", "tour.exe --instance", &pid);
	for (int waited = 0; st == 0 && !r->ready && waited < 20000; waited++)
		Sleep(1);
	mm_frame_stats(&after);
	unsigned long long cost = before.free - after.free;
	printf("started a second tour.exe (pid %lu); it maps %llu images like this process does and read\n"
	       "  every page of their code and read-only data: %llu pages, %llu resident, %llu of them shared.\n"
	       "It cost the system %llu frames: its private pages (stack, TEB and PEB, the data pages it\n"
	       "  wrote, page tables).  The %llu read-only image pages are the frames this process already uses.\n",
	       pid, r->images, r->image_pages, r->image_resident, r->image_shared, cost, r->image_resident);
	int failed = tour_check(st == 0 && r->ready, "the second instance ran");
	failed += tour_check(r->images == mine.images && r->image_resident == r->image_pages &&
				     r->image_shared == r->image_resident,
			     "every read-only image page of the second instance is a shared frame");
	failed += tour_check(cost < r->image_resident, "the second instance cost less than its image");
	r->go = 1;
	DWORD code = 1;
	failed += tour_check(mm_wait(pid, &code) == 0 && code == 0, "the second instance exited cleanly");
	UnmapViewOfFile(r);
	CloseHandle(h);
	return failed;
}
