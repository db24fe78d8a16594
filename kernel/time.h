/* kernel/time.h - the TSC as the clock, calibrated against the PIT at boot. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

void time_init(void);
uint64_t time_ms(void);		/* milliseconds since boot */
uint64_t time_tsc_per_ms(void);

#endif
