/* kernel/ipi.h - the reschedule and TLB-shootdown IPIs (kernel/ipi.c). */
#ifndef KERNEL_IPI_H
#define KERNEL_IPI_H

/* Register their handlers and give the scheduler and mm/tlb.c the sender; before the APs start. */
void ipi_init(void);

#endif
