/* kernel/deadline.c - the run's time limit, checked by the timer. */
#include "deadline.h"
#include "console.h"
#include "ksyms.h"
#include "layout.h"
#include "multiboot.h"
#include "power.h"
#include "proc.h"
#include "sched.h"
#include "time.h"
#include "trap.h"
#include "drivers/fw_cfg.h"
#include "libc/fmt.h"
#include "mm/image.h"
#include "mm/section.h"
#include "mm/vad.h"

static uint64_t deadline_ms;	/* time_ms() at which the run is over; 0: no limit */

/* Seconds in a decimal string (leading spaces allowed); 0 if none. */
static uint64_t parse_seconds(const char *s)
{
	uint64_t v = 0;
	while (*s == ' ')
		s++;
	for (; *s >= '0' && *s <= '9' && v < 100000000; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

void deadline_init(const char *cmdline)
{
	char arg[24];
	uint64_t s = 0, t;
	if (cmdline_get(cmdline, "timeout", arg, sizeof(arg)) && (t = parse_seconds(arg)))
		s = t;
	if (fw_cfg_read_file("opt/winmm/timeout", arg, sizeof(arg)) && (t = parse_seconds(arg)) && (!s || t < s))
		s = t;
	if (!s)
		return;
	deadline_ms = time_ms() + s * 1000;
	kprintf("deadline: %lu s from now (programs still running then are reported)\n", s);
}

uint64_t deadline_set(uint64_t at_ms)
{
	uint64_t old = deadline_ms;
	deadline_ms = at_ms;
	return old;
}

bool deadline_passed(uint64_t now_ms)
{
	return deadline_ms && now_ms >= deadline_ms;
}

void deadline_describe(char *buf, size_t n, struct process *p, uint64_t rip, bool user, uint64_t now_ms)
{
	uint64_t s = now_ms / 1000, tenths = now_ms % 1000 / 100;
	if (!p) {
		fmt_snprintf(buf, n, "timeout: no process running (every one waits) after %lu.%lu s", s, tenths);
		return;
	}
	char where[IMAGE_NAME_MAX + 32] = "";
	if (user) {
		const struct vad *v = rip < USER_TOP ? vad_find(&p->vm.tree, rip) : NULL;
		if (v && v->section && v->section->image)
			fmt_snprintf(where, sizeof(where), " (%s+0x%lx)", v->section->image->name,
				     rip - v->start + v->section_offset);
	} else {
		uint64_t off;
		const char *sym = ksym_lookup(ksym_kernel_table(), rip, &off);
		if (sym)
			fmt_snprintf(where, sizeof(where), " (kernel %s+0x%lx)", sym, off);
	}
	struct thread *t = current_thread();
	char thread[24] = "";
	if (t && t->proc == p)
		fmt_snprintf(thread, sizeof(thread), " thread %u", t->tid);
	fmt_snprintf(buf, n, "timeout: process %d (%s)%s still running at rip 0x%lx%s after %lu.%lu s", p->pid, p->name,
		     thread, rip, where, s, tenths);
}

void deadline_tick(const struct trap_frame *tf)
{
	uint64_t now = time_ms();
	if (!deadline_passed(now))
		return;
	char line[200];
	struct process *p = current_process();
	deadline_describe(line, sizeof(line), p, tf->rip, (tf->cs & 3) != 0, now);
	kprintf("%s\n", line);
	power_off(DEADLINE_STATUS);
}
