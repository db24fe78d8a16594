/* libc/include/stdio.h - minimal stdio: formatted output to the console. */
#ifndef LIBC_STDIO_H
#define LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct libc_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;
#define stdout stdout
#define stderr stderr

/* stdout is line buffered (512 bytes, flushed on '\n', when full and at exit); stderr is unbuffered. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Writes s and a newline to stdout; returns a nonnegative value. */
int puts(const char *s);
int fputs(const char *s, FILE *f);
/* Writes (unsigned char)c; returns it. */
int putchar(int c);
int fputc(int c, FILE *f);
#define putc fputc
/* Writes out f's buffer (stdout) or nothing (stderr); NULL flushes all.  Returns 0. */
int fflush(FILE *f);

/* C99 semantics: NUL-terminate when size > 0; return the full length. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vsprintf(char *buf, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
