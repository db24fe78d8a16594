/* kernel/serial.h - 16550 UARTs: COM1 carries the kernel log, COM2 (if present) user program output. */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdbool.h>

#define COM1 0x3f8
#define COM2 0x2f8

/* Initialise a port at 115200 8N1; returns false if no UART answers there. */
bool serial_init(unsigned short port);
void serial_putc(unsigned short port, char c);

#endif
