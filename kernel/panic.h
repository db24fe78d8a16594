/* kernel/panic.h - panic (kernel bugs only) and assertions. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

/* Print file:line, the message and a symbolized backtrace, then stop the machine (failure). */
__attribute__((noreturn, format(printf, 3, 4))) void panic_at(const char *file, int line, const char *fmt, ...);

/* Same, with the backtrace starting at a given frame (used by the trap code). */
__attribute__((noreturn, format(printf, 5, 6))) void panic_frame(uint64_t rip, uint64_t rbp, const char *file, int line,
								  const char *fmt, ...);

/* Print a backtrace following the frame-pointer chain from rbp. */
void backtrace_print(uint64_t rip, uint64_t rbp);

#define ASSERT(c)                                                      \
	do {                                                           \
		if (!(c))                                              \
			panic("assertion failed: %s", #c);             \
	} while (0)

#endif
