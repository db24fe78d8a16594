/* kernel/apic.c - local APIC (x2APIC or xAPIC), its timer, inter-processor interrupts. */
#include "apic.h"
#include "acpi.h"
#include "console.h"
#include "cpu.h"
#include "panic.h"
#include "sched.h"
#include "time.h"
#include "timer.h"
#include "trap.h"
#include "mm/kpaging.h"

/* Register offsets of the xAPIC page; the x2APIC MSR is 0x800 + offset / 16. */
#define LAPIC_ID        0x020
#define LAPIC_VERSION   0x030
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_ESR       0x280
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define MSR_APIC_BASE    0x1b
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)

#define SVR_ENABLE       (1u << 8)
#define LVT_MASKED       (1u << 16)
#define LVT_PERIODIC     (1u << 17)
#define LVT_NMI          (4u << 8)
#define ICR_FIXED        (0u << 8)
#define ICR_INIT         (5u << 8)
#define ICR_STARTUP      (6u << 8)
#define ICR_PENDING      (1u << 12)
#define ICR_ASSERT       (1u << 14)
#define ICR_ALL_BUT_SELF (3u << 18)
#define TIMER_DIV_16     0x3

bool apic_x2apic;
static volatile uint32_t *lapic_mmio;
static uint32_t timer_per_ms;
static volatile uint64_t timer_count[MAX_CPUS];

static uint32_t lapic_read(uint32_t reg)
{
	if (apic_x2apic)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return lapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (apic_x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		lapic_mmio[reg / 4] = v;
}

/* The spurious vector: the APIC withdrew an interrupt; no EOI. */
static void spurious_irq(struct trap_frame *tf)
{
	(void)tf;
}

uint32_t apic_id(void)
{
	if (apic_x2apic)
		return (uint32_t)rdmsr(0x802);
	return lapic_mmio[LAPIC_ID / 4] >> 24;
}

void apic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	if (apic_x2apic)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	else if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | IRQ_BASE);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	/* LINT1 is the NMI line on the boot CPU (virtual-wire wiring); masked elsewhere. */
	lapic_write(LAPIC_LVT_LINT1, (base & (1ULL << 8)) ? LVT_NMI : LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED | APIC_VEC_SPURIOUS);
	lapic_write(LAPIC_ESR, 0);	/* clears the error status (write, then read) */
	(void)lapic_read(LAPIC_ESR);
	lapic_write(LAPIC_SVR, SVR_ENABLE | APIC_VEC_SPURIOUS);
	lapic_write(LAPIC_EOI, 0);	/* nothing left in service from before */
}

/*
 * Count the timer down from its maximum for about 10 ms of TSC time; the
 * counts that passed give the rate.  The timer is masked (one-shot, no vector).
 */
static void timer_calibrate(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | IRQ_BASE);
	uint64_t wait = 10 * time_tsc_per_ms();
	uint64_t t0 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	while (rdtsc() - t0 < wait)
		pause();
	uint32_t left = lapic_read(LAPIC_TIMER_CUR);
	uint64_t elapsed = rdtsc() - t0;
	lapic_write(LAPIC_TIMER_INIT, 0);
	uint64_t counted = 0xffffffffu - left;
	timer_per_ms = (uint32_t)(counted * time_tsc_per_ms() / (elapsed ? elapsed : 1));
	if (timer_per_ms == 0)
		timer_per_ms = 1;
}

void apic_init(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	if (!(r[3] & (1u << 9)))
		panic("apic: this CPU has no local APIC");
	apic_x2apic = r[2] & (1u << 21);
	if (!apic_x2apic) {
		uint64_t phys = acpi.lapic_addr ? acpi.lapic_addr : rdmsr(MSR_APIC_BASE) & ~0xfffULL & ((1ULL << 52) - 1);
		lapic_mmio = kmap_mmio(phys, 4096, CACHE_UC);
	}
	trap_set_handler(APIC_VEC_SPURIOUS, spurious_irq);
	apic_init_cpu();
	timer_calibrate();
	kprintf("apic: %s, ID %u, version %x, timer %u counts/ms (divide 16)\n", apic_x2apic ? "x2APIC" : "xAPIC",
		apic_id(), lapic_read(LAPIC_VERSION) & 0xff, timer_per_ms);
}

void apic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* Write the ICR (dest, low word) with interrupts off, after the previous IPI left (xAPIC). */
static void icr_write(uint32_t dest, uint32_t lo)
{
	uint64_t flags;
	__asm__ volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
	if (apic_x2apic) {
		wrmsr(0x830, (uint64_t)dest << 32 | lo);
	} else {
		while (lapic_mmio[LAPIC_ICR_LO / 4] & ICR_PENDING)
			pause();
		lapic_mmio[LAPIC_ICR_HI / 4] = dest << 24;
		lapic_mmio[LAPIC_ICR_LO / 4] = lo;
	}
	if (flags & (1u << 9))
		sti();
}

void apic_send_ipi(unsigned cpu_index, uint8_t vector)
{
	ASSERT(cpu_index < MAX_CPUS);
	icr_write(cpus[cpu_index].apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void apic_send_ipi_all_but_self(uint8_t vector)
{
	icr_write(0, ICR_FIXED | ICR_ASSERT | ICR_ALL_BUT_SELF | vector);
}

void apic_send_init(uint32_t dest)
{
	icr_write(dest, ICR_INIT | ICR_ASSERT);
}

void apic_send_sipi(uint32_t dest, uint8_t page)
{
	icr_write(dest, ICR_STARTUP | ICR_ASSERT | page);
}

void apic_timer_start(void)
{
	uint64_t count = (uint64_t)timer_per_ms * 1000 / TIMER_HZ;
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | IRQ_BASE);
	lapic_write(LAPIC_TIMER_INIT, count > 0xffffffffu ? 0xffffffffu : (uint32_t)(count ? count : 1));
}

void apic_timer_eoi(void)
{
	timer_count[this_cpu()->index]++;
	apic_eoi();
}

uint64_t apic_timer_count(unsigned cpu_index)
{
	return cpu_index < MAX_CPUS ? timer_count[cpu_index] : 0;
}

uint32_t apic_timer_per_ms(void)
{
	return timer_per_ms;
}
