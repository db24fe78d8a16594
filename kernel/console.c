/* kernel/console.c - kernel printf over the serial console. */
#include "console.h"
#include "serial.h"
#include "../libc/fmt.h"

#include <stdbool.h>

static bool com2_present;

void console_init(void)
{
	serial_init(COM1);
	com2_present = serial_init(COM2);
}

/* The log gets CR LF line ends; COM2 carries the program's bytes unchanged. */
static void com1_putc(char c)
{
	if (c == '\n')
		serial_putc(COM1, '\r');
	serial_putc(COM1, c);
}

static void com1_sink(char c, void *ctx)
{
	(void)ctx;
	com1_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_format(com1_sink, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		com1_putc(s[i]);
}

void console_user_write(const char *s, size_t n)
{
	console_write(s, n);
	if (com2_present)
		for (size_t i = 0; i < n; i++)
			serial_putc(COM2, s[i]);
}
