/* kernel/smp.c - starting the application processors: INIT-SIPI-SIPI, the trampoline, per-CPU set-up. */
#include "smp.h"
#include "acpi.h"
#include "apic.h"
#include "console.h"
#include "cpu.h"
#include "fpu.h"
#include "gdt.h"
#include "layout.h"
#include "lock.h"
#include "multiboot.h"
#include "sched.h"
#include "syscall.h"
#include "time.h"
#include "trap.h"
#include "mm/frame.h"
#include "mm/kpaging.h"
#include "mm/paging.h"
#include "mm/phys.h"

#include <string.h>

#define CR4_OSXSAVE (1ULL << 18)

extern const char ap_trampoline_start[], ap_trampoline_end[];

/* What the AP in boot/ap_trampoline.S reads once in the kernel's text (one AP at a time). */
uint64_t smp_boot_cr3, smp_boot_stack;
struct cpu *smp_boot_cpu;
static volatile bool ap_alive;	/* the AP reached smp_ap_entry */

/* The boot CPU's control state, copied by every AP. */
static uint64_t bsp_cr0, bsp_cr4, bsp_efer, bsp_pat, bsp_xcr0;

void smp_ap_entry(struct cpu *c);

/* Until the scheduler runs threads on the APs: online, halted with interrupts on (timer ticks, IPIs). */
__attribute__((weak)) void sched_ap_main(void)
{
	__atomic_store_n(&this_cpu()->online, true, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("sti; hlt");
}

/* Busy-wait (with pause: under -icount it hands the turn to the other vCPUs) until *flag or ms pass. */
static bool wait_for(volatile bool *flag, uint64_t ms)
{
	uint64_t t0 = rdtsc(), limit = ms * time_tsc_per_ms();
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
		if (rdtsc() - t0 >= limit)
			return false;
		pause();
	}
	return true;
}

static void delay_ms(uint64_t ms)
{
	uint64_t t0 = rdtsc(), limit = ms * time_tsc_per_ms();
	while (rdtsc() - t0 < limit)
		pause();
}

/*
 * The AP's first C: it runs on its idle stack on the kernel page table, with
 * the trampoline's GDT and interrupts off.  Never returns: sched_ap_main sets
 * up the idle context, sets c->online (smp_init waits for it) and schedules.
 */
void smp_ap_entry(struct cpu *c)
{
	ap_alive = true;
	gdt_init_cpu((unsigned)(c - cpus));
	idt_load();
	wrmsr(MSR_PAT, bsp_pat);
	write_cr0(bsp_cr0);
	write_cr4(bsp_cr4);	/* CR4.PCIDE among them (mm/tlb.h): CR3 is kernel_root, its PCID bits 0 as PCIDE needs */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | (bsp_efer & (EFER_SCE | EFER_NXE)));
	if (bsp_cr4 & CR4_OSXSAVE)
		__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)bsp_xcr0), "d"((uint32_t)(bsp_xcr0 >> 32)));
	write_cr3(read_cr3());	/* no translation cached under the old PAT */
	fpu_init_cpu();
	syscall_cpu_init();
	lock_cpus[c - cpus].thread = &c->idle.locks;	/* lockdep: this CPU runs its idle context */
	cpu_set_self(c);
	c->thread = &c->idle;
	apic_init_cpu();
	c->apic_id = apic_id();
	apic_timer_start();
	sched_ap_main();	/* sets c->online once it can take threads */
	for (;;)
		hlt();
}

/*
 * The trampoline's code and page table: identity-map the first 2 MiB (the
 * code runs there while paging turns on) and share the kernel half of the
 * kernel's PML4.  false when [AP_TRAMPOLINE, AP_TRAMPOLINE_END) is not free
 * RAM or a boot module lies there.
 */
static bool trampoline_setup(const struct boot_info *bi)
{
	bool ram = false;
	for (int i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type == MB2_MEM_AVAILABLE && m->base <= AP_TRAMPOLINE && m->base + m->len >= AP_TRAMPOLINE_END)
			ram = true;
	}
	for (int i = 0; i < bi->module_count; i++)
		if (bi->modules[i].start < AP_TRAMPOLINE_END && bi->modules[i].end > AP_TRAMPOLINE)
			ram = false;
	if (!ram || (uint64_t)(ap_trampoline_end - ap_trampoline_start) > AP_TRAMPOLINE_PML4 - AP_TRAMPOLINE)
		return false;
	memcpy(phys_to_virt(AP_TRAMPOLINE), ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
	uint64_t *pml4 = phys_to_virt(AP_TRAMPOLINE_PML4), *pdpt = phys_to_virt(AP_TRAMPOLINE_PDPT);
	uint64_t *pd = phys_to_virt(AP_TRAMPOLINE_PD);
	const uint64_t *kpml4 = phys_to_virt(kernel_root);
	memset(pml4, 0, 3 * PAGE_SIZE);
	pml4[0] = AP_TRAMPOLINE_PDPT | PTE_P | PTE_W;
	pdpt[0] = AP_TRAMPOLINE_PD | PTE_P | PTE_W;
	pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	for (int i = 256; i < 512; i++)
		pml4[i] = kpml4[i];
	return true;
}

/* Start CPU c (its apic_id set, INIT sent at least 10 ms ago): true once it is online. */
static bool start_ap(struct cpu *c)
{
	uint64_t stack = kstack_alloc();
	if (!stack) {
		kprintf("smp: no memory for CPU %u's stack\n", c->index);
		return false;
	}
	smp_boot_cr3 = kernel_root;
	smp_boot_stack = stack;
	smp_boot_cpu = c;
	ap_alive = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int sipi = 0; sipi < 2 && !ap_alive; sipi++) {
		apic_send_sipi(c->apic_id, AP_TRAMPOLINE >> 12);
		wait_for(&ap_alive, sipi == 0 ? 1 : 500);
	}
	if (!wait_for(&c->online, 2000)) {
		/* INIT parks it again (waiting for a STARTUP), so it cannot wake later on a reused stack. */
		apic_send_init(c->apic_id);
		kprintf("smp: CPU %u (APIC ID %u) did not come online (%s)\n", c->index, c->apic_id,
			ap_alive ? "it reached C" : "no sign of it");
		kstack_free(stack);	/* after INIT nothing runs on it */
		return false;
	}
	return true;
}

unsigned smp_init(const struct boot_info *bi)
{
	struct cpu *bsp = &cpus[0];
	bsp->apic_id = apic_id();
	bsp->online = true;
	cpu_count = 1;
	unsigned skipped = 0;
	for (unsigned i = 0; i < acpi.ncpus; i++) {
		uint32_t id = acpi.cpus[i].apic_id;
		if (id == bsp->apic_id)
			continue;
		if (cpu_count == MAX_CPUS || (!apic_x2apic && id > 254)) {
			skipped++;	/* no room, or not addressable in xAPIC mode */
			continue;
		}
		cpus[cpu_count].index = cpu_count;
		cpus[cpu_count].apic_id = id;
		cpu_count++;
	}
	bsp_cr0 = read_cr0();
	bsp_cr4 = read_cr4();
	bsp_efer = rdmsr(MSR_EFER);
	bsp_pat = rdmsr(MSR_PAT);
	if (bsp_cr4 & CR4_OSXSAVE) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		bsp_xcr0 = (uint64_t)hi << 32 | lo;
	}
	if (cpu_count > 1 && !trampoline_setup(bi)) {
		kprintf("smp: %x-%x is not free RAM: the other %u CPUs stay off\n", AP_TRAMPOLINE, AP_TRAMPOLINE_END,
			cpu_count - 1);
		cpu_count = 1;
	}
	/* INIT to every AP, one 10 ms wait for all, then STARTUP to one AP at a time. */
	uint64_t t0 = rdtsc();
	for (unsigned i = 1; i < cpu_count; i++)
		apic_send_init(cpus[i].apic_id);
	if (cpu_count > 1)
		delay_ms(10);
	for (unsigned i = 1; i < cpu_count; i++)
		start_ap(&cpus[i]);
	uint64_t start_ms = (rdtsc() - t0) / time_tsc_per_ms();
	char ids[MAX_CPUS * 11 + 1];
	size_t n = 0;
	for (unsigned i = 0; i < cpu_count; i++) {
		uint32_t v = cpus[i].apic_id;
		char tmp[10];
		int k = 0;
		do
			tmp[k++] = (char)('0' + v % 10);
		while ((v /= 10) && k < 10);
		ids[n++] = ' ';
		while (k)
			ids[n++] = tmp[--k];
	}
	ids[n] = 0;
	unsigned online = smp_online_count();
	kprintf("smp: %u CPUs (%s), APIC IDs%s, trampoline 0x%x, %lu ms", online, apic_x2apic ? "x2apic" : "xapic",
		ids, AP_TRAMPOLINE, start_ms);
	if (online != cpu_count || skipped)
		kprintf("; %u found, %u did not start, %u not usable", cpu_count + skipped, cpu_count - online, skipped);
	kprintf("\n");
	return online;
}

unsigned smp_online_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < cpu_count; i++)
		n += __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE);
	return n;
}
