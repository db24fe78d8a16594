/*
 * kernel/deadline.h - the run's deadline.  The host gives the kernel a time
 * limit (the fw_cfg file opt/winmm/timeout, seconds, which tools/qemu-run.sh
 * sets a little below its own timeout; or timeout=SECONDS on the kernel
 * command line; the smaller wins).  When a timer tick finds it past, the
 * kernel prints one line naming what is still running and powers off with
 * DEADLINE_STATUS, instead of the host killing a silent machine.
 */
#ifndef KERNEL_DEADLINE_H
#define KERNEL_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEADLINE_STATUS 124	/* the poweroff status, as timeout(1)'s */

struct process;
struct trap_frame;

/* Read the limit from the command line and fw_cfg; it counts from now. */
void deadline_init(const char *cmdline);

/* Set the deadline to at_ms (time_ms() clock; 0: none).  Returns the previous one. */
uint64_t deadline_set(uint64_t at_ms);

/* True when a deadline is set and now_ms has reached it. */
bool deadline_passed(uint64_t now_ms);

/*
 * The timeout line for process p (NULL: none is running) at rip (user mode
 * when user) at now_ms, without the newline, into buf[0..n).
 */
void deadline_describe(char *buf, size_t n, struct process *p, uint64_t rip, bool user, uint64_t now_ms);

/* Timer tick: if the deadline has passed, print the line and power off. */
void deadline_tick(const struct trap_frame *tf);

#endif
