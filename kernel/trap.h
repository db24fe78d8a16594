/* kernel/trap.h - exceptions and interrupts: the register frame and dispatch. */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

/* Saved by kernel/isr.S, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

void idt_init(void);
/* Load the (shared) IDT on this CPU: each AP at its start. */
void idt_load(void);

/* Called from isr.S for every vector. */
void trap_dispatch(struct trap_frame *tf);

/* Install a handler for an interrupt vector (32..255). */
typedef void (*irq_handler)(struct trap_frame *tf);
void trap_set_handler(int vector, irq_handler h);
/*
 * A handler that runs without the kernel lock even when the interrupt came
 * from user mode, and returns straight there (the TLB shootdown IPI: its
 * sender holds the lock and waits for it).
 */
void trap_set_handler_nolock(int vector, irq_handler h);

/*
 * Exception fixups: a kernel instruction that may fault (a user copy, a probe)
 * is listed in section .extable with the address to resume at.  The fault
 * handler jumps there with rax = -1 instead of panicking.
 */
struct extable_entry {
	uint64_t insn, fixup;
};
const struct extable_entry *extable_find(uint64_t rip);

/*
 * Probe a kernel address: returns 0 if the access worked, -1 if it faulted.
 * Used by tests that check a mapping really is read-only or absent.
 */
int probe_write8(volatile void *addr, uint8_t value);
int probe_read8(const volatile void *addr, uint8_t *value);

/* Print all registers of a frame. */
void trap_dump(const struct trap_frame *tf);

#endif
