/* kernel/serial.c - polled 16550 UART output. */
#include "serial.h"
#include "cpu.h"

bool serial_init(unsigned short port)
{
	outb(port + 7, 0x5a);		/* scratch register: no UART, no echo */
	if (inb(port + 7) != 0x5a)
		return false;
	outb(port + 1, 0x00);		/* no interrupts */
	outb(port + 3, 0x80);		/* DLAB */
	outb(port + 0, 0x01);		/* divisor 1: 115200 baud */
	outb(port + 1, 0x00);
	outb(port + 3, 0x03);		/* 8N1 */
	outb(port + 2, 0xc7);		/* FIFO on, cleared */
	outb(port + 4, 0x03);		/* DTR, RTS */
	return true;
}

void serial_putc(unsigned short port, char c)
{
	while (!(inb(port + 5) & 0x20))
		pause();
	outb(port, (unsigned char)c);
}
