/*
 * kernel/ipi.c - the scheduler's and the TLB shootdown's inter-processor
 * interrupts: their handlers, and the sender both use (kernel/apic.h).
 *
 * The handlers run without the kernel lock (kernel/klock.h): an IPI reaches
 * a CPU in user mode, in its idle loop, or while it waits for the lock.
 * Reschedule: nothing to do but end the interrupt - coming from user mode
 * the CPU enters the kernel (trap_dispatch takes the lock, carries out
 * kill/suspend requests and gives way if need_resched is set); in the idle
 * loop `hlt` returns and the loop looks at the run queues.  Shootdown: the
 * flush and its acknowledgement (mm/tlb.c).
 */
#include "ipi.h"
#include "apic.h"
#include "sched.h"
#include "trap.h"
#include "mm/tlb.h"

static void resched_ipi(struct trap_frame *tf)
{
	(void)tf;
	apic_eoi();
}

static void tlb_shootdown_ipi(struct trap_frame *tf)
{
	(void)tf;
	tlb_ipi();
	apic_eoi();
}

void ipi_init(void)
{
	trap_set_handler(APIC_VEC_RESCHED, resched_ipi);
	trap_set_handler_nolock(APIC_VEC_TLB, tlb_shootdown_ipi);
	sched_set_ipi(apic_send_ipi, APIC_VEC_RESCHED, APIC_VEC_TLB);
}
