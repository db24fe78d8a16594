/* tests/demo/step_write_copy.c - a PAGE_WRITECOPY view shares the section until a write splits a page off. */
#include <string.h>

#include "tour.h"

int step_write_copy(struct tour *t)
{
	(void)t;
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4 * TOUR_PAGE, "tour_section");
	char *w = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	char *c = h ? MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0) : NULL;
	printf("CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 16 KiB, \"tour_section\"): a pagefile-backed\n"
	       "section; MapViewOfFile(FILE_MAP_WRITE) = %p, MapViewOfFile(FILE_MAP_COPY) = %p\n", (void *)w, (void *)c);
	if (tour_check(w && c, "two views of one section"))
		return 1;
	for (int i = 0; i < 4; i++)
		strcpy(w + i * TOUR_PAGE, "written through the write view");
	int same = 1;
	for (int i = 0; i < 4; i++)	/* reading maps the section's frames into the copy view, read-only */
		same &= strcmp(c + i * TOUR_PAGE, w + i * TOUR_PAGE) == 0;
	struct abi_memory_frames_info f = tour_frames(c);
	printf("wrote each page through the write view; the copy view reads the same frames: \"%s\"\n"
	       "  (copy view: resident %llu, shared %llu: section frames)\n", c + TOUR_PAGE, f.resident, f.shared);
	int failed = tour_check(same && f.resident == 4 && f.shared == 4,
				"the copy view maps the section's 4 frames");
	strcpy(c + TOUR_PAGE, "the copy view's own page");
	MEMORY_BASIC_INFORMATION m;
	VirtualQuery(c + TOUR_PAGE, &m, sizeof m);
	printf("wrote page 1 through the copy view: a fault copied it into a private frame; it is now\n"
	       "  PAGE_READWRITE in a region of its own (VirtualQuery: Protect 0x%lx, RegionSize 0x%llx), and\n"
	       "  the write view still reads \"%s\"\n", (unsigned long)m.Protect, (unsigned long long)m.RegionSize,
	       w + TOUR_PAGE);
	failed += tour_check(m.Protect == PAGE_READWRITE && m.RegionSize == TOUR_PAGE && m.Type == MEM_MAPPED &&
			     strcmp(w + TOUR_PAGE, "written through the write view") == 0,
			     "one private page, PAGE_READWRITE, the section unchanged");
	strcpy(w + TOUR_PAGE, "a later section write");
	strcpy(w + 2 * TOUR_PAGE, "a later section write");
	printf("wrote pages 1 and 2 through the write view again: the copy view sees page 2 change\n"
	       "  (\"%s\") but keeps its own page 1 (\"%s\")\n", c + 2 * TOUR_PAGE, c + TOUR_PAGE);
	failed += tour_check(strcmp(c + 2 * TOUR_PAGE, "a later section write") == 0 &&
			     strcmp(c + TOUR_PAGE, "the copy view's own page") == 0,
			     "unwritten pages follow the section, the copied one does not");
	CloseHandle(h);	/* the views keep the section alive */
	return failed;
}
