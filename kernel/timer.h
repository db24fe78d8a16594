/*
 * kernel/timer.h - the periodic timer (PIT channel 0 through the 8259 PIC,
 * remapped to vectors 32..47).  It only ever interrupts user mode (the
 * kernel runs with interrupts off) and preempts a process that has used up
 * its time slice, so a looping program cannot keep the CPU from others.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

#define TIMER_HZ     100
#define IRQ_BASE     32
#define TIMER_SLICE_MS 10	/* the least a process runs before a tick may preempt it */

/* Remap and mask the PICs, program the PIT, and unmask IRQ 0. */
void timer_init(void);

/* Timer interrupts since boot. */
uint64_t timer_ticks(void);

#endif
