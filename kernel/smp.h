/*
 * kernel/smp.h - starting the application processors (APs).
 *
 * The boot CPU finds the others in the MADT (kernel/acpi.c) and starts them
 * one at a time, in MADT order, with INIT-SIPI-SIPI into a real-mode
 * trampoline (boot/ap_trampoline.S) copied to AP_TRAMPOLINE.  Each AP comes
 * up in long mode on the kernel's page table with its own idle stack, GDT,
 * TSS, the shared IDT, the boot CPU's control registers, SSE, the syscall
 * MSRs, its per-CPU data (GS) and its local APIC and timer; then it runs
 * sched_ap_main(), which sets `online`.  docs/smp.md tells the whole story.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

/* Physical layout of the trampoline below 1 MiB (never given to the frame allocator). */
#define AP_TRAMPOLINE      0x8000	/* code; SIPI vector 0x08 */
#define AP_TRAMPOLINE_PML4 0x9000	/* its page table: identity 0..2 MiB + the kernel's half */
#define AP_TRAMPOLINE_PDPT 0xa000
#define AP_TRAMPOLINE_PD   0xb000
#define AP_TRAMPOLINE_END  0xc000

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct boot_info;

/*
 * On the boot CPU after sched_init: number the CPUs (the boot CPU is 0, the
 * others in MADT order), set cpu_count, start every AP and wait for each
 * (about a second at most; one that does not come is reported and stays
 * offline).  Prints one line.  Returns the number of CPUs online.
 */
unsigned smp_init(const struct boot_info *bi);

/* CPUs online now (the boot CPU included). */
unsigned smp_online_count(void);

/*
 * Where each AP goes once it is set up (interrupts still off, on its idle
 * stack, GS = its struct cpu); never returns.  It must set this_cpu()->online
 * (smp_init waits up to 2 s for it, with nothing held).  The scheduler defines
 * it; a weak default in smp.c sets online and halts with interrupts on.
 */
void sched_ap_main(void);
#endif

#endif
