/* kernel/trap.c - the IDT and the one place that decides what a trap means. */
#include "trap.h"
#include "console.h"
#include "cpu.h"
#include "gdt.h"
#include "klock.h"
#include "panic.h"
#include "apic.h"
#include "proc.h"
#include "sched.h"
#include "layout.h"
#include "uaccess.h"
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
static bool handler_nolock[256];
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
	/* int3 and into may be used from user mode (DPL 3); any other `int n` there is a #GP. */
	for (int v = 0; v < 256; v++)
		idt_set(v, (uint64_t)isr_stubs + 16 * v, v == 8 ? 1 : 0, v == 3 || v == 4 ? 3 : 0);
	idt_load();
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

void trap_set_handler(int vector, irq_handler h)
{
	handlers[vector] = h;
	handler_nolock[vector] = false;
}

void trap_set_handler_nolock(int vector, irq_handler h)
{
	handlers[vector] = h;
	handler_nolock[vector] = true;
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

#define STATUS_DATATYPE_MISALIGNMENT  0x80000002u
#define STATUS_SINGLE_STEP            0x80000004u
#define STATUS_INTEGER_OVERFLOW_CODE  0xC0000095u

#define RFLAGS_TF 0x100

__attribute__((noreturn)) void proc_unhandled_exception(uint32_t code, uint64_t rip, uint32_t nparams, uint64_t access,
							uint64_t addr);

/* The user instruction at rip: up to 15 bytes (fewer where the readable memory ends); the count read. */
static int fetch_insn(uint64_t rip, uint8_t *buf)
{
	int n = 0;
	while (n < 15 && rip + n < USER_TOP && !copy_from_user(buf + n, rip + n, 1))
		n++;
	return n;
}

/* Skips legacy prefixes and REX; *rex the REX byte (0: none), *opsize16 / *addr32 / *seg from prefixes. */
static int skip_prefixes(const uint8_t *b, int n, uint8_t *rex, bool *opsize16, bool *addr32, uint8_t *seg)
{
	int i = 0;
	*rex = 0;
	for (; i < n; i++) {
		uint8_t c = b[i];
		if (c == 0x66)
			*opsize16 = true;
		else if (c == 0x67)
			*addr32 = true;
		else if (c == 0x64 || c == 0x65)
			*seg = c;
		else if (c != 0xf0 && c != 0xf2 && c != 0xf3 && c != 0x2e && c != 0x36 && c != 0x3e && c != 0x26)
			break;
	}
	if (i < n && (b[i] & 0xf0) == 0x40)
		*rex = b[i++];
	return i;
}

/* General register i (0 rax .. 15 r15, the encoding's order) of the trap frame. */
static uint64_t gpr(const struct trap_frame *tf, int i)
{
	const uint64_t r[16] = { tf->rax, tf->rcx, tf->rdx, tf->rbx, tf->rsp, tf->rbp, tf->rsi, tf->rdi,
				 tf->r8, tf->r9, tf->r10, tf->r11, tf->r12, tf->r13, tf->r14, tf->r15 };
	return r[i & 15];
}

/*
 * #DE: div/idiv faults on a zero divisor (STATUS_INTEGER_DIVIDE_BY_ZERO) and
 * on a quotient that does not fit (INT64_MIN / -1: STATUS_INTEGER_OVERFLOW).
 * Windows tells them apart by the divisor, so the instruction's operand is
 * decoded and read; anything undecodable counts as a zero divisor.
 */
static uint32_t divide_code(const struct trap_frame *tf)
{
	uint8_t b[15], rex, seg = 0;
	bool op16 = false, a32 = false;
	int n = fetch_insn(tf->rip, b);
	int i = skip_prefixes(b, n, &rex, &op16, &a32, &seg);
	if (i + 2 > n || (b[i] != 0xf6 && b[i] != 0xf7) || ((b[i + 1] >> 3) & 7) < 6)
		return (uint32_t)STATUS_INTEGER_DIVIDE_BY_ZERO;
	unsigned size = b[i] == 0xf6 ? 1 : (rex & 8) ? 8 : op16 ? 2 : 4;
	uint8_t modrm = b[i + 1], mod = modrm >> 6, rm = modrm & 7;
	int at = i + 2;
	uint64_t divisor;
	if (mod == 3) {
		int r = rm | ((rex & 1) << 3);
		if (size == 1 && !rex && r >= 4)	/* ah ch dh bh */
			divisor = (gpr(tf, r - 4) >> 8) & 0xff;
		else
			divisor = gpr(tf, r);
	} else {
		uint64_t ea = 0;
		if (rm == 4) {	/* SIB */
			if (at >= n)
				return (uint32_t)STATUS_INTEGER_DIVIDE_BY_ZERO;
			uint8_t sib = b[at++];
			int idx = ((sib >> 3) & 7) | ((rex & 2) << 2), base = (sib & 7) | ((rex & 1) << 3);
			if (idx != 4)
				ea += gpr(tf, idx) << (sib >> 6);
			if ((sib & 7) == 5 && mod == 0) {
				if (at + 4 > n)
					return (uint32_t)STATUS_INTEGER_DIVIDE_BY_ZERO;
				ea += (uint64_t)(int64_t) * (const int32_t *)(b + at);
				at += 4;
			} else {
				ea += gpr(tf, base);
			}
		} else if (rm == 5 && mod == 0) {	/* rip-relative: from the next instruction */
			if (at + 4 > n)
				return (uint32_t)STATUS_INTEGER_DIVIDE_BY_ZERO;
			ea = tf->rip + at + 4 + (uint64_t)(int64_t) * (const int32_t *)(b + at);
			at += 4;
		} else {
			ea = gpr(tf, rm | ((rex & 1) << 3));
		}
		if (mod == 1 && at < n)
			ea += (uint64_t)(int64_t)(int8_t)b[at];
		else if (mod == 2 && at + 4 <= n)
			ea += (uint64_t)(int64_t) * (const int32_t *)(b + at);
		if (a32)
			ea &= 0xffffffff;
		if (seg == 0x65)
			ea += rdmsr(MSR_KERNEL_GS);	/* the user GS base, swapped out while the kernel runs */
		else if (seg == 0x64)
			ea += rdmsr(MSR_FS_BASE);
		divisor = 0;
		if (ea >= USER_TOP || copy_from_user(&divisor, ea, size))
			return (uint32_t)STATUS_INTEGER_DIVIDE_BY_ZERO;
	}
	if (size < 8)
		divisor &= (1ULL << (size * 8)) - 1;
	return divisor ? STATUS_INTEGER_OVERFLOW_CODE : (uint32_t)STATUS_INTEGER_DIVIDE_BY_ZERO;
}

/* Whether a #GP(0) came from an instruction user mode may not execute (Windows: STATUS_PRIVILEGED_INSTRUCTION). */
static bool privileged(const struct trap_frame *tf)
{
	uint8_t b[15], rex, seg = 0;
	bool op16 = false, a32 = false;
	int n = fetch_insn(tf->rip, b);
	int i = skip_prefixes(b, n, &rex, &op16, &a32, &seg);
	if (i >= n)
		return false;
	uint8_t c = b[i];
	/* hlt, cli, sti, in, out, ins, outs */
	if (c == 0xf4 || c == 0xfa || c == 0xfb || (c >= 0xe4 && c <= 0xe7) || (c >= 0xec && c <= 0xef) ||
	    (c >= 0x6c && c <= 0x6f))
		return true;
	if (c != 0x0f || i + 1 >= n)
		return false;
	c = b[i + 1];
	uint8_t reg = i + 2 < n ? (b[i + 2] >> 3) & 7 : 0, modrm = i + 2 < n ? b[i + 2] : 0;
	switch (c) {
	case 0x00: return reg == 2 || reg == 3;	/* lldt, ltr */
	case 0x01:	/* lgdt, lidt, lmsw, invlpg / swapgs */
		return reg == 2 || reg == 3 || reg == 6 || (reg == 7 && (modrm >> 6) != 3) || modrm == 0xf8;
	case 0x06: case 0x07: case 0x08: case 0x09:	/* clts, sysret, invd, wbinvd */
	case 0x20: case 0x21: case 0x22: case 0x23:	/* mov to/from cr, dr */
	case 0x30: case 0x32: case 0x33: case 0x35:	/* wrmsr, rdmsr, rdpmc, sysexit */
		return true;
	default: return false;
	}
}

/* A user-mode exception other than a page fault, as its Windows exception code. */
static void user_exception(struct trap_frame *tf)
{
	uint32_t code;
	switch (tf->vector) {
	case 0: code = divide_code(tf); break;
	case 1:
		/* The trap flag: the step is reported once, with TF clear in the context. */
		code = STATUS_SINGLE_STEP;
		tf->rflags &= ~(uint64_t)RFLAGS_TF;
		break;
	case 3:
		/* int3 traps after itself; Windows reports (and resumes) at the int3. */
		code = (uint32_t)STATUS_BREAKPOINT;
		tf->rip--;
		break;
	case 4: code = STATUS_INTEGER_OVERFLOW_CODE; break;	/* int 4: `into` is invalid in 64-bit mode */
	case 6: code = (uint32_t)STATUS_ILLEGAL_INSTRUCTION; break;
	case 13: code = tf->error == 0 && privileged(tf) ? (uint32_t)STATUS_PRIVILEGED_INSTRUCTION : (uint32_t)STATUS_ACCESS_VIOLATION; break;
	case 17: code = STATUS_DATATYPE_MISALIGNMENT; break;
	default: code = (uint32_t)STATUS_ACCESS_VIOLATION; break;	/* #SS, other #GP, ...: as Windows */
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
	enum vm_fault_result r = !p || addr >= USER_TOP ? VM_FAULT_ACCESS_VIOLATION
				 : user			? vm_fault_user(&p->vm, addr, access)
							: vm_fault(&p->vm, addr, access);
	if (r == VM_FAULT_RESOLVED)
		return true;
	if (!user)
		return false;	/* the copy fails through its fixup */
	switch (r) {
	case VM_FAULT_GUARD: proc_user_exception(tf, (uint32_t)STATUS_GUARD_PAGE_VIOLATION, access, addr); break;
	case VM_FAULT_STACK_OVERFLOW: proc_user_exception(tf, (uint32_t)STATUS_STACK_OVERFLOW, access, addr); break;
	case VM_FAULT_STACK_EXHAUSTED:	/* overflowed again with no guard left: no handler can run */
		proc_unhandled_exception((uint32_t)STATUS_STACK_OVERFLOW, tf->rip, 2, access, addr);
	case VM_FAULT_NO_MEMORY: proc_user_exception(tf, (uint32_t)STATUS_NO_MEMORY, access, addr); break;
	case VM_FAULT_IN_PAGE_ERROR: proc_user_exception(tf, 0xC0000006u /* STATUS_IN_PAGE_ERROR */, access, addr); break;
	default: proc_user_exception(tf, (uint32_t)STATUS_ACCESS_VIOLATION, access, addr); break;
	}
	return true;
}

/*
 * From user mode the CPU takes the kernel lock first (kernel/klock.h) and
 * gives it back on the way out.  From kernel mode an exception comes from
 * code that holds it already; an interrupt comes only while the CPU idles
 * or waits for the lock (the kernel runs with interrupts off), and its
 * handler must not need it (the timer's and the IPIs' do not).
 */
static void dispatch(struct trap_frame *tf)
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
	if (handlers[tf->vector]) {
		handlers[tf->vector](tf);
	} else {
		kprintf("trap: spurious interrupt %lu\n", tf->vector);
		if (tf->vector != APIC_VEC_SPURIOUS)
			apic_eoi();	/* else its in-service bit would block every vector of its class and below */
	}
}

/*
 * A user page fault on a not-present entry tries the parallel path first
 * (vm_fault_fast, the kernel lock held shared: several CPUs resolve their
 * faults at once).  True when it was resolved and nothing waits for the
 * thread on its way out; a reschedule, a kill or a suspend request takes
 * the usual way out with the lock exclusive.  False: the fault goes the
 * usual way (page_fault, with the lock exclusive) and finds CR2 unchanged.
 */
static bool page_fault_fast(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();
	struct process *p = c->proc;
	uint64_t addr = read_cr2();
	if (!p || addr >= USER_TOP)
		return false;
	unsigned access = (tf->error & 0x10) ? VM_ACCESS_EXEC : (tf->error & 2) ? VM_ACCESS_WRITE : VM_ACCESS_READ;
	klock_acquire_shared();
	bool done = vm_fault_fast(&p->vm, addr, access);
	klock_release_shared();
	if (!done)
		return false;
	struct thread *t = c->thread;
	if (__builtin_expect(c->need_resched | t->kill_requested | (t->suspend_count != 0), 0)) {
		klock_enter();
		sched_entry_checks();
		sched_leave_to_user();
	}
	return true;
}

void trap_dispatch(struct trap_frame *tf)
{
	if (!(tf->cs & 3) || handler_nolock[tf->vector & 255]) {
		dispatch(tf);
		return;
	}
	if (tf->vector == 14 && !(tf->error & 1) && page_fault_fast(tf))
		return;
	/*
	 * The kill and suspend requests (sched_entry_checks) after the handler: an
	 * interrupt's handler ends it (EOI) first.  Acted on before, a thread
	 * ended or suspended by the reschedule IPI that brought the request would
	 * leave that IPI in service, and its in-service bit would block every
	 * later IPI to this CPU (reschedules and TLB shootdowns alike).
	 */
	klock_enter();
	dispatch(tf);
	sched_entry_checks();
	sched_leave_to_user();
}
