/* kernel/console.h - the kernel log (COM1) and printf. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

void console_init(void);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);

/* Output of user programs: goes to the kernel log and, when present, COM2 alone. */
void console_user_write(const char *s, size_t n);

#endif
