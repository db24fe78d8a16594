/* kernel/panic.c - panic with a symbolized backtrace. */
#include "panic.h"
#include "console.h"
#include "cpu.h"
#include "ksyms.h"
#include "ktest.h"
#include "layout.h"
#include "power.h"

#include <stdarg.h>

extern const char __ksyms_start[];

const struct ksym_table *ksym_kernel_table(void)
{
	return (const struct ksym_table *)__ksyms_start;
}

static int panicking;

static void print_symbol(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(ksym_kernel_table(), addr, &off);
	if (name)
		kprintf("  %016lx  %s+0x%lx\n", addr, name, off);
	else
		kprintf("  %016lx  ?\n", addr);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	kprintf("backtrace:\n");
	print_symbol(rip);
	for (int depth = 0; depth < 32 && rbp; depth++) {
		/* Only follow plausible frames: kernel half, aligned. */
		if (rbp < DIRECT_MAP_BASE || (rbp & 7))
			break;
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (ret < KERNEL_VMA)
			break;
		print_symbol(ret - 1);	/* the call instruction, not the one after */
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

__attribute__((noreturn)) static void panic_v(uint64_t rip, uint64_t rbp, const char *file, int line, const char *fmt, va_list ap)
{
	cli();
	if (panicking++) {
		kprintf("\nnested panic at %s:%d\n", file, line);
		power_off(1);
	}
	kprintf("\nPANIC at %s:%d: ", file, line);
	kvprintf(fmt, ap);
	kprintf("\n");
	backtrace_print(rip, rbp);
	ktest_on_panic();
	power_off(1);
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uint64_t rip;
	__asm__ volatile("lea 0(%%rip), %0" : "=r"(rip));
	panic_v(rip, (uint64_t)__builtin_frame_address(0), file, line, fmt, ap);
	va_end(ap);
}

void panic_frame(uint64_t rip, uint64_t rbp, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_v(rip, rbp, file, line, fmt, ap);
	va_end(ap);
}
