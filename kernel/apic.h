/*
 * kernel/apic.h - the local APIC of each CPU (x2APIC through MSRs when the
 * CPU has it, else xAPIC through an uncached MMIO mapping), its timer as
 * each CPU's periodic tick, inter-processor interrupts, and the I/O APIC(s).
 *
 * Vectors: IRQ_BASE (32) is the local APIC timer on every CPU (kernel/timer.c);
 * 0xe0 and 0xf1-0xf2 are IPIs whose handlers the scheduler and the TLB code
 * register; 0xf3 is the IPI self-test's; 0xff is the spurious vector (no EOI).
 *
 * The reschedule IPI is in a lower priority class (0xe0) than the TLB
 * shootdown (0xf1): its handler takes the kernel lock before its EOI, and a
 * CPU waiting for the lock with the reschedule in service must still answer
 * the shootdown the lock's holder waits for (the same class would block it:
 * a deadlock).
 */
#ifndef KERNEL_APIC_H
#define KERNEL_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_VEC_RESCHED  0xe0	/* another CPU made a thread ready for this one (below the TLB class) */
#define APIC_VEC_TLB      0xf1	/* TLB shootdown */
#define APIC_VEC_CALL     0xf2	/* run a function on this CPU */
#define APIC_VEC_TEST     0xf3	/* the IPI KTEST */
#define APIC_VEC_SPURIOUS 0xff

extern bool apic_x2apic;	/* x2APIC mode (MSRs) rather than xAPIC (MMIO) */

/*
 * On the boot CPU, once the kernel page table is up: choose the mode, map the
 * xAPIC registers (acpi.lapic_addr, or the IA32_APIC_BASE MSR's address),
 * enable this CPU's local APIC (apic_init_cpu) and calibrate its timer
 * against the TSC.  Registers the spurious vector's handler.
 */
void apic_init(void);

/*
 * Enable the calling CPU's local APIC in the chosen mode: spurious vector
 * 0xff, task priority 0, LINT0/LINT1 and the error LVT masked except LINT1
 * as NMI on the boot CPU.  The timer is left stopped (apic_timer_start).
 */
void apic_init_cpu(void);

/* The calling CPU's local APIC ID. */
uint32_t apic_id(void);

/* End of interrupt for the interrupt being handled (never for the spurious vector). */
void apic_eoi(void);

/* A fixed interrupt with `vector` to CPU cpus[cpu_index] (its apic_id). */
void apic_send_ipi(unsigned cpu_index, uint8_t vector);

/* A fixed interrupt with `vector` to every CPU but the caller (the all-excluding-self shorthand). */
void apic_send_ipi_all_but_self(uint8_t vector);

/* INIT and STARTUP (execution at page << 12, real mode) to the CPU with APIC ID `dest` (kernel/smp.c). */
void apic_send_init(uint32_t dest);
void apic_send_sipi(uint32_t dest, uint8_t page);

/* Start the calling CPU's timer: periodic at TIMER_HZ on vector IRQ_BASE, with the boot CPU's calibration. */
void apic_timer_start(void);

/* In the timer's handler: count a tick for this CPU (apic_timer_count) and send the EOI. */
void apic_timer_eoi(void);

/* Timer ticks seen so far on CPU cpu_index. */
uint64_t apic_timer_count(unsigned cpu_index);

/* Local APIC timer counts per millisecond (divide by 16); 0 before calibration. */
uint32_t apic_timer_per_ms(void);

/*
 * I/O APICs from the MADT: mapped, every input masked (kernel/ioapic.c).
 * Returns the number of inputs found.
 */
unsigned ioapic_init(void);

/*
 * Route ISA IRQ `irq` (through the MADT's interrupt source overrides: its GSI,
 * polarity and trigger; an IRQ without one is GSI irq, edge, active high) to
 * `vector` on CPU cpus[cpu_index], unmasked.  false when no I/O APIC serves it.
 */
bool ioapic_route_irq(unsigned irq, uint8_t vector, unsigned cpu_index);

/* Route global system interrupt gsi as given (level: level-triggered; low: active low); unmasked. */
bool ioapic_route_gsi(uint32_t gsi, uint8_t vector, unsigned cpu_index, bool level, bool low);

/* Mask global system interrupt gsi, or ISA IRQ irq (through the overrides); false when no I/O APIC serves it. */
bool ioapic_mask_gsi(uint32_t gsi);
bool ioapic_mask_irq(unsigned irq);

#endif
