/* kernel/time.c - TSC calibration with PIT channel 2 (10 ms gate). */
#include "time.h"
#include "console.h"
#include "cpu.h"

static uint64_t tsc_per_ms = 1000000, tsc_boot;

void time_init(void)
{
	/* PIT channel 2, mode 0, count 11932 (10 ms at 1.193182 MHz), gate via port 0x61. */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, 11932 & 0xff);
	outb(0x42, 11932 >> 8);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	uint64_t t1 = rdtsc();
	if (t1 > t0)
		tsc_per_ms = (t1 - t0) / 10;
	if (tsc_per_ms == 0)
		tsc_per_ms = 1;
	tsc_boot = t0;
	kprintf("time: TSC %lu kHz\n", tsc_per_ms);
}

uint64_t time_ms(void)
{
	return (rdtsc() - tsc_boot) / tsc_per_ms;
}

uint64_t time_tsc_per_ms(void)
{
	return tsc_per_ms;
}
