/*
 * libc/stdio.c - console output on top of libc/fmt.c.  stdout keeps a
 * 512-byte buffer written with SYS_NtWriteConsole on '\n', when full, on
 * fflush and at exit; stderr flushes stdout and then writes straight through.
 */
#include <stdio.h>

#include "fmt.h"
#include "internal.h"

struct libc_file {
	int buffered;
	size_t len;
	char buf[512];
};

static struct libc_file out_file = { 1, 0, { 0 } };
static struct libc_file err_file = { 0, 0, { 0 } };
FILE *const stdout = &out_file;
FILE *const stderr = &err_file;

static void file_flush(FILE *f)
{
	if (f->len) {
		libc_write_console(f->buf, f->len);
		f->len = 0;
	}
}

void libc_stdio_flush(void)
{
	file_flush(&out_file);
}

static void file_putc(FILE *f, char c)
{
	if (!f->buffered) {
		file_flush(&out_file);	/* keep stdout and stderr in order */
		libc_write_console(&c, 1);
		return;
	}
	f->buf[f->len++] = c;
	if (c == '\n' || f->len == sizeof(f->buf))
		file_flush(f);
}

static void file_sink(char c, void *ctx)
{
	file_putc(ctx, c);
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	return fmt_format(file_sink, f, fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int fputc(int c, FILE *f)
{
	file_putc(f, (char)c);
	return (unsigned char)c;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *s, FILE *f)
{
	while (*s)
		file_putc(f, *s++);
	return 0;
}

int puts(const char *s)
{
	fputs(s, stdout);
	file_putc(stdout, '\n');
	return 0;
}

int fflush(FILE *f)
{
	if (!f || f == stdout)
		libc_stdio_flush();
	return 0;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, (size_t)-1 >> 1, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}
