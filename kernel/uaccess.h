/*
 * kernel/uaccess.h - the only way the kernel reads or writes user memory.
 *
 * Each helper checks that the whole range lies in the user half (no
 * wrap-around), opens the SMAP window for the copy alone, never makes one
 * access span two user pages (so each fault is resolved or refused and the
 * copy ends), and survives a fault: a page that the fault handler cannot
 * make present ends the copy and the helper returns -1 (the system call then
 * returns STATUS_ACCESS_VIOLATION).
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "layout.h"

/* True if [addr, addr+len) lies inside the user half and does not wrap (inline: every system call asks). */
static inline bool user_range_ok(uint64_t addr, size_t len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

int copy_from_user(void *dst, uint64_t usrc, size_t len);
int copy_to_user(uint64_t udst, const void *src, size_t len);

/*
 * Probe [udst, udst+len) for writing before a call changes anything: one
 * byte of each page gets a write access that leaves it as it is (through
 * the fault handler: a shared copy-on-write page gets its copy, a paged-out
 * page comes in, a guard page fires).  0 (always for len 0), or -1 at the
 * first page that cannot be written.
 */
int probe_user_write(uint64_t udst, size_t len);

/* Copy a NUL-terminated string of at most max-1 characters; -1 on a fault or if too long. */
int copy_string_from_user(char *dst, uint64_t usrc, size_t max);

/* Low level: rep movsq/movsb with an exception-table entry; returns 0 or -1. */
int uaccess_copy(void *dst, const void *src, size_t len);
/* uaccess_copy with the SMAP window opened and closed around it. */
int uaccess_copy_open(void *dst, const void *src, size_t len);
/* Low level: a write access to one user byte that leaves it as it is (lock or $0); 0 or -1. */
int uaccess_touch_write(void *u);
/* uaccess_touch_write with the SMAP window opened and closed around it. */
int uaccess_touch_write_open(void *u);

#endif
