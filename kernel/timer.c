/* kernel/timer.c - each CPU's local APIC timer at TIMER_HZ on vector IRQ_BASE, preempting user processes. */
#include "timer.h"
#include "apic.h"
#include "cpu.h"
#include "deadline.h"
#include "proc.h"
#include "sched.h"
#include "wait.h"
#include "time.h"
#include "trap.h"

static volatile uint64_t ticks;

/*
 * A process runs for at least one time slice (TIMER_SLICE_MS of its own time
 * since it was dispatched, or since it returned from fork) before a tick in
 * user mode sends it to the back of the line.
 */
static void timer_irq(struct trap_frame *tf)
{
	if (this_cpu()->index == 0)
		ticks++;	/* every CPU ticks; the count is the boot CPU's */
	apic_timer_eoi();	/* counts this CPU's tick */
	deadline_tick(tf);	/* past the run's time limit: reported, and no return */
	if (!(tf->cs & 3))
		return;	/* the kernel is not preemptible; the idle loop looks at the timed waits itself */
	/*
	 * From user mode, without the kernel lock so far (a handler registered
	 * with trap_set_handler_nolock): most ticks change nothing, and every
	 * CPU ticks.  The lock only when the slice is over, a higher priority
	 * waits, or a timed wait ended.
	 */
	struct cpu *c = this_cpu();
	struct thread *t = c->thread;
	uint64_t now = rdtsc(), slice = TIMER_SLICE_MS * time_tsc_per_ms();
	if (!c->need_resched && now - t->slice_start < slice && !wait_timer_due(now))
		return;
	sched_enter_from_user();
	wait_expire(now);	/* a timed wait that ended may have a higher priority */
	if (this_cpu()->need_resched || now - t->slice_start >= slice)
		sched_preempt();
	sched_leave_to_user();
}

/*
 * The 8259 PICs are remapped to vectors IRQ_BASE.. (a stray interrupt from
 * them cannot look like an exception) and masked for good; the local APIC
 * (apic_init: mode, registers, calibration against the TSC) and the I/O APICs
 * (every input masked) take over, and the boot CPU's local APIC timer ticks.
 * Each AP starts its own timer (kernel/smp.c).
 */
void timer_init(void)
{
	/* ICW1..ICW4: edge triggered, cascade, vectors 32..39 and 40..47, 8086 mode. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, IRQ_BASE);
	outb(0xa1, IRQ_BASE + 8);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);	/* everything masked */
	outb(0xa1, 0xff);
	apic_init();
	ioapic_init();
	trap_set_handler_nolock(IRQ_BASE + 0, timer_irq);	/* it takes the kernel lock itself, only when needed */
	apic_timer_start();
}

uint64_t timer_ticks(void)
{
	return ticks;
}
