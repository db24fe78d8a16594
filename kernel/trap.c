/* kernel/trap.c - the IDT and the one place that decides what a trap means. */
#include "trap.h"
#include "console.h"
#include "cpu.h"
#include "gdt.h"
#include "panic.h"
#include "proc.h"
#include "layout.h"
#include "mm/vm.h"

#include <stddef.h>

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256];
static irq_handler handlers[256];
extern const char isr_stubs[];
extern const struct extable_entry __extable_start[], __extable_end[];

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
	"#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "#HV hypervisor injection", "#VC VMM communication",
	"#SX security", "reserved",
};

static void idt_set(int vec, uint64_t handler, int ist, int dpl)
{
	idt[vec] = (struct idt_entry){
		.off_lo = handler & 0xffff,
		.sel = SEL_KCODE,
		.ist = ist,
		.type = 0x8e | (dpl << 5),	/* present, 64-bit interrupt gate */
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = handler >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		idt_set(v, (uint64_t)isr_stubs + 16 * v, v == 8 ? 1 : 0, 0);
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

void trap_set_handler(int vector, irq_handler h)
{
	handlers[vector] = h;
}

const struct extable_entry *extable_find(uint64_t rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

void trap_dump(const struct trap_frame *tf)
{
	kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	kprintf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
	kprintf("  rip %016lx cs %lx rflags %lx ss %lx cr2 %016lx cr3 %016lx\n", tf->rip, tf->cs, tf->rflags,
		tf->ss, read_cr2(), read_cr3());
}

/* A kernel-mode exception nobody handles is a kernel bug. */
static void kernel_exception(struct trap_frame *tf)
{
	const struct extable_entry *fix = extable_find(tf->rip);
	if (fix) {
		tf->rip = fix->fixup;
		tf->rax = (uint64_t)-1;
		return;
	}
	kprintf("\nEXCEPTION vector %lu (%s) error 0x%lx rip 0x%lx cr2 0x%lx\n", tf->vector,
		exception_names[tf->vector], tf->error, tf->rip, read_cr2());
	trap_dump(tf);
	panic_frame(tf->rip, tf->rbp, __FILE__, __LINE__, "unhandled kernel exception %lu (%s)", tf->vector,
		    exception_names[tf->vector]);
}

#define STATUS_DATATYPE_MISALIGNMENT 0x80000002u

/* A user-mode exception other than a page fault, as its Windows exception code. */
static void user_exception(struct trap_frame *tf)
{
	uint32_t code;
	switch (tf->vector) {
	case 0: code = (uint32_t)STATUS_INTEGER_DIVIDE_BY_ZERO; break;
	case 1:
	case 3: code = (uint32_t)STATUS_BREAKPOINT; break;
	case 6: code = (uint32_t)STATUS_ILLEGAL_INSTRUCTION; break;
	case 17: code = STATUS_DATATYPE_MISALIGNMENT; break;
	default: code = (uint32_t)STATUS_ACCESS_VIOLATION; break;	/* #GP, #SS, ...: as Windows */
	}
	/* Windows reports a general-protection access violation as a read of address -1. */
	proc_user_exception(tf, code, 0, (uint64_t)-1);
}

/*
 * Page faults: a user fault goes to the VM, whose verdict becomes a resumed
 * access or an exception.  A kernel fault on a user address is legitimate
 * only inside a checked copy (listed in the exception table); anything else
 * in kernel mode is a bug.
 */
static bool page_fault(struct trap_frame *tf)
{
	uint64_t addr = read_cr2();
	unsigned access = (tf->error & 0x10) ? VM_ACCESS_EXEC : (tf->error & 2) ? VM_ACCESS_WRITE : VM_ACCESS_READ;
	struct process *p = current_process();
	bool user = tf->cs & 3;
	if (!user && !(p && addr < USER_TOP && extable_find(tf->rip)))
		return false;
	enum vm_fault_result r = (p && addr < USER_TOP) ? vm_fault(&p->vm, addr, access) : VM_FAULT_ACCESS_VIOLATION;
	if (r == VM_FAULT_RESOLVED)
		return true;
	if (!user)
		return false;	/* the copy fails through its fixup */
	switch (r) {
	case VM_FAULT_GUARD: proc_user_exception(tf, (uint32_t)STATUS_GUARD_PAGE_VIOLATION, access, addr); break;
	case VM_FAULT_STACK_OVERFLOW: proc_user_exception(tf, (uint32_t)STATUS_STACK_OVERFLOW, access, addr); break;
	case VM_FAULT_NO_MEMORY: proc_user_exception(tf, (uint32_t)STATUS_NO_MEMORY, access, addr); break;
	case VM_FAULT_IN_PAGE_ERROR: proc_user_exception(tf, 0xC0000006u /* STATUS_IN_PAGE_ERROR */, access, addr); break;
	default: proc_user_exception(tf, (uint32_t)STATUS_ACCESS_VIOLATION, access, addr); break;
	}
	return true;
}

void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector < 32) {
		if (tf->vector == 14 && page_fault(tf))
			return;
		if (tf->cs & 3)
			user_exception(tf);
		else
			kernel_exception(tf);
		return;
	}
	if (handlers[tf->vector])
		handlers[tf->vector](tf);
	else
		kprintf("trap: spurious interrupt %lu\n", tf->vector);
}
