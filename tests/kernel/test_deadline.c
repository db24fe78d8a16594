/* tests/kernel/test_deadline.c - the run's deadline: when it has passed, and the line it prints. */
#include "kernel/deadline.h"
#include "kernel/ktest.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "mm/image.h"
#include "mm/kheap.h"
#include "mm/section.h"
#include "mm/vad.h"
#include "mm/winvm.h"

#include <string.h>

KTEST(deadline_passes_at_its_time)
{
	uint64_t saved = deadline_set(0);
	KT_ASSERT(!deadline_passed(0));
	KT_ASSERT(!deadline_passed(UINT64_MAX));	/* no deadline: never */
	deadline_set(5000);
	KT_ASSERT(!deadline_passed(4999));
	KT_ASSERT(deadline_passed(5000));
	KT_ASSERT(deadline_passed(123456));
	deadline_set(saved);
	KT_ASSERT(!deadline_passed(time_ms()));	/* the boot's own deadline (if any) is still ahead */
}

/* The line names the process, its thread, rip and the image+offset holding it, or the kernel symbol. */
KTEST(deadline_line_names_process_and_image)
{
	char line[200];
	deadline_describe(line, sizeof(line), NULL, 0, false, 61234);
	KT_ASSERT(strcmp(line, "timeout: no process running (every one waits) after 61.2 s") == 0);

	struct process *p = kmalloc(sizeof(*p));
	struct section *sec = kmalloc(sizeof(*sec));
	struct image *img = kmalloc(sizeof(*img));
	KT_ASSERT(p && sec && img);
	p->pid = 7;
	strcpy(p->name, "spin.exe");
	strcpy(img->name, "spin.exe");
	sec->image = img;
	struct vad *v = vad_new(0x140000000, 0x140010000, W_MEM_COMMIT, W_PAGE_EXECUTE_READ, W_PAGE_EXECUTE_READ,
				W_MEM_IMAGE);
	KT_ASSERT(v);
	v->section = sec;
	v->section_offset = 0x10000;
	vad_insert(&p->vm.tree, v);
	deadline_describe(line, sizeof(line), p, 0x140001234, true, 2500);
	bool image_ok = strcmp(line, "timeout: process 7 (spin.exe) still running at rip 0x140001234 "
				     "(spin.exe+0x11234) after 2.5 s") == 0;
	deadline_describe(line, sizeof(line), p, 0x7ff000000000, true, 2500);
	bool plain_ok = strcmp(line, "timeout: process 7 (spin.exe) still running at rip 0x7ff000000000 "
				     "after 2.5 s") == 0;
	deadline_describe(line, sizeof(line), p, (uint64_t)&deadline_describe + 2, false, 0);
	bool kernel_ok = strstr(line, " (kernel deadline_describe+0x2) after 0.0 s") != NULL;
	vad_remove(&p->vm.tree, v);
	v->section = NULL;
	vad_delete(v);
	kfree(img);
	kfree(sec);
	kfree(p);
	KT_ASSERT(image_ok);
	KT_ASSERT(plain_ok);
	KT_ASSERT(kernel_ok);
}
