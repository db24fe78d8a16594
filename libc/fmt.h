/* libc/fmt.h - the one printf formatter, shared by the kernel and user-mode libc. */
#ifndef LIBC_FMT_H
#define LIBC_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink)(char c, void *ctx);

/*
 * Format fmt with ap, sending every output character to sink(c, ctx).
 * Supports %d %i %u %x %X %o %p %s %c %% with flags '-', '0', '+', ' ', '#',
 * a width and precision (numbers or '*'), and the length modifiers hh h l ll z t j.
 * Returns the number of characters produced.
 */
int fmt_format(fmt_sink sink, void *ctx, const char *fmt, va_list ap);

/* vsnprintf semantics: always NUL-terminates when size > 0; returns the full length. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
