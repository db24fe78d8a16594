/* kernel/console.h - the kernel log (COM1) and printf. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void console_init(void);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);

/*
 * Output of user programs: to QEMU's debug console alone when present (the
 * program's stdout in `make run`), else to the kernel log and, when present,
 * COM2 alone.
 */
void console_user_write(const char *s, size_t n);

/* Drop (true) or pass user program output again; returns the previous setting (for tests that run programs). */
bool console_user_mute(bool mute);

#endif
