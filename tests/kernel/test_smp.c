/*
 * tests/kernel/test_smp.c - the CPUs started by kernel/smp.c: numbering,
 * inter-processor interrupts reach every other CPU, the local APIC timer
 * ticks on every CPU at about TIMER_HZ.  With one CPU the IPI test has no
 * one to send to and checks only the numbering.
 */
#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/trap.h"

static volatile uint64_t ipi_seen[MAX_CPUS];

static void test_ipi(struct trap_frame *tf)
{
	(void)tf;
	__atomic_add_fetch(&ipi_seen[this_cpu()->index], 1, __ATOMIC_RELEASE);
	apic_eoi();
}

/* Wait (pause, up to ms) until every online CPU but this one saw `want` more test IPIs than before[]. */
static bool others_saw(const uint64_t *before, uint64_t want, uint64_t ms)
{
	unsigned self = this_cpu()->index;
	uint64_t t0 = rdtsc(), limit = ms * time_tsc_per_ms();
	for (;;) {
		bool all = true;
		for (unsigned i = 0; i < cpu_count; i++)
			if (i != self && cpus[i].online && __atomic_load_n(&ipi_seen[i], __ATOMIC_ACQUIRE) < before[i] + want)
				all = false;
		if (all)
			return true;
		if (rdtsc() - t0 >= limit)
			return false;
		pause();
	}
}

KTEST(smp_cpus_numbered)
{
	KT_ASSERT(cpu_count >= 1 && cpu_count <= MAX_CPUS);
	KT_EQ(this_cpu()->index, 0);
	KT_EQ(cpus[0].apic_id, apic_id());
	KT_EQ(smp_online_count(), cpu_count);	/* QEMU starts every CPU it lists */
	if (acpi.ncpus)
		KT_EQ(cpu_count, acpi.ncpus < MAX_CPUS ? acpi.ncpus : MAX_CPUS);
	for (unsigned i = 0; i < cpu_count; i++) {
		KT_EQ(cpus[i].index, i);
		KT_ASSERT(cpus[i].online);
		KT_EQ(cpus[i].self, &cpus[i]);
		for (unsigned j = 0; j < i; j++)
			KT_ASSERT(cpus[i].apic_id != cpus[j].apic_id);
	}
}

KTEST(smp_ipi_reaches_every_cpu)
{
	uint64_t before[MAX_CPUS];
	trap_set_handler(APIC_VEC_TEST, test_ipi);
	for (unsigned i = 0; i < MAX_CPUS; i++)
		before[i] = ipi_seen[i];
	unsigned others = smp_online_count() - 1;
	if (others) {
		/* one shorthand round, then one targeted IPI each */
		apic_send_ipi_all_but_self(APIC_VEC_TEST);
		KT_ASSERT(others_saw(before, 1, 2000));
		for (unsigned i = 1; i < cpu_count; i++)
			apic_send_ipi(i, APIC_VEC_TEST);
		KT_ASSERT(others_saw(before, 2, 2000));
		/* a burst: every one is counted once (a CPU may see the next before it EOIs the last) */
		for (int k = 0; k < 20; k++)
			apic_send_ipi_all_but_self(APIC_VEC_TEST);
		KT_ASSERT(others_saw(before, 3, 2000));
	}
	KT_EQ(ipi_seen[0], before[0]);	/* "all but self" left the sender out */
	/* The handler stays: IPIs of the burst may still be pending, and each needs its EOI. */
}

KTEST(smp_timer_ticks_on_every_cpu)
{
	uint64_t before[MAX_CPUS];
	for (unsigned i = 0; i < cpu_count; i++)
		before[i] = apic_timer_count(i);
	/* Let interrupts in on this CPU (the kernel runs with them off) and wait for 3 ticks everywhere. */
	uint64_t t0 = rdtsc(), limit = 3000 * time_tsc_per_ms();
	bool all = false;
	while (!all && rdtsc() - t0 < limit) {
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		all = true;
		for (unsigned i = 0; i < cpu_count; i++)
			if (cpus[i].online && apic_timer_count(i) < before[i] + 3)
				all = false;
	}
	KT_ASSERT(all);
	/* The rate: over 200 ms about 200 * TIMER_HZ / 1000 ticks here; a late tick may be lost under load, never extra. */
	uint64_t n0 = apic_timer_count(0);
	t0 = rdtsc();
	while (rdtsc() - t0 < 200 * time_tsc_per_ms())
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	uint64_t n = apic_timer_count(0) - n0;
	KT_ASSERT(n >= 1);
	KT_ASSERT(n <= 2 * 200 * TIMER_HZ / 1000 + 2);
	KT_ASSERT(apic_timer_per_ms() > 0);
}

#define TEST_IRQ_VECTOR 0xe0
static volatile uint64_t irq_seen[MAX_CPUS];

static void test_irq(struct trap_frame *tf)
{
	(void)tf;
	__atomic_add_fetch(&irq_seen[this_cpu()->index], 1, __ATOMIC_RELEASE);
	apic_eoi();
}

/* Interrupts counted on CPU cpu, waiting (interrupts on here) up to ms for at least want. */
static uint64_t wait_irqs(unsigned cpu, uint64_t want, uint64_t ms)
{
	uint64_t t0 = rdtsc(), limit = ms * time_tsc_per_ms();
	while (__atomic_load_n(&irq_seen[cpu], __ATOMIC_ACQUIRE) < want && rdtsc() - t0 < limit)
		__asm__ volatile("sti; hlt; cli" ::: "memory");	/* this CPU's timer ends the hlt at the latest */
	return irq_seen[cpu];
}

/*
 * The I/O APIC routes a device interrupt where it is told: the PIT (ISA IRQ 0,
 * GSI 2 through QEMU's override) at 1 kHz to the last CPU, then masked.
 */
KTEST(smp_ioapic_routes_pit)
{
	unsigned cpu = smp_online_count() - 1;
	trap_set_handler(TEST_IRQ_VECTOR, test_irq);
	uint16_t divisor = 1193182 / 1000;
	outb(0x43, 0x34);	/* channel 0, lobyte/hibyte, rate generator */
	outb(0x40, divisor & 0xff);
	outb(0x40, divisor >> 8);
	uint64_t before = irq_seen[cpu];
	KT_ASSERT(ioapic_route_irq(0, TEST_IRQ_VECTOR, cpu));
	uint64_t got = wait_irqs(cpu, before + 5, 2000);
	KT_ASSERT(ioapic_mask_irq(0));
	KT_ASSERT(got >= before + 5);
	wait_irqs(cpu, UINT64_MAX, 20);	/* one already on its way may still arrive */
	uint64_t masked = irq_seen[cpu];
	wait_irqs(cpu, UINT64_MAX, 50);	/* 50 PIT periods: none gets through the mask */
	KT_EQ(irq_seen[cpu], masked);
	KT_ASSERT(!ioapic_route_gsi(100000, TEST_IRQ_VECTOR, 0, false, false));	/* no such input */
	KT_ASSERT(!ioapic_route_irq(1, 8, 0));	/* an exception vector is refused */
}
