/*
 * kernel/console.c - kernel printf over the serial console (COM1), and the
 * user programs' output: on QEMU's debug console (isa-debugcon at port 0xe9)
 * when there is one, else on COM1 and COM2.  The UART costs about 10 us of
 * emulation per byte (96 KB/s); the debug console is one port write per byte
 * with no device state, and `rep outsb` hands QEMU a whole buffer.
 */
#include "console.h"
#include "serial.h"
#include "cpu.h"
#include "../libc/fmt.h"

#include <stdbool.h>

#define DEBUGCON_PORT 0xe9	/* reads back 0xe9 when the device is there (0xff: no device) */

static bool com2_present, debugcon_present, user_muted;

void console_init(void)
{
	serial_init(COM1);
	com2_present = serial_init(COM2);
	debugcon_present = inb(DEBUGCON_PORT) == DEBUGCON_PORT;
	if (debugcon_present)
		kprintf("console: program output on the debug console (port 0x%x), not in this log\n", DEBUGCON_PORT);
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

bool console_user_mute(bool mute)
{
	bool old = user_muted;
	user_muted = mute;
	return old;
}

void console_user_write(const char *s, size_t n)
{
	if (user_muted)
		return;
	if (debugcon_present) {
		__asm__ volatile("rep outsb" : "+S"(s), "+c"(n) : "d"((uint16_t)DEBUGCON_PORT) : "memory");
		return;
	}
	console_write(s, n);
	if (com2_present)
		for (size_t i = 0; i < n; i++)
			serial_putc(COM2, s[i]);
}
