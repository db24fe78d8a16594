/*
 * kernel/ktest.h - in-kernel self-tests.
 *
 *   KTEST(name) { KT_ASSERT(x == 1); KT_EQ(a, b); }
 *
 * registers a test in the .ktests linker section.  The kernel command line
 * `test=all` runs every test at boot; `test=PATTERN` runs those whose name
 * starts with PATTERN (a trailing '*' is allowed; several patterns separated
 * by commas run the tests any of them matches); benchmarks, named bench_*,
 * run only when asked for (`test=bench`).  Each test prints one line,
 * "ktest: PASS name" or "ktest: FAIL name: why (file:line)", and the run ends
 * with "ktest: N passed, N failed".
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>
#include <stdint.h>

struct ktest {
	const char *name;
	void (*fn)(void);
};

#define KTEST(tname)                                                                         \
	static void ktest_fn_##tname(void);                                                  \
	static const struct ktest ktest_desc_##tname                                         \
		__attribute__((used, section(".ktests"), aligned(8))) = { #tname, ktest_fn_##tname }; \
	static void ktest_fn_##tname(void)

/* Record a failure of the running test (the first one is reported). */
void ktest_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define KT_ASSERT(c)                                                        \
	do {                                                                \
		if (!(c)) {                                                 \
			ktest_fail(__FILE__, __LINE__, "%s", #c);           \
			return;                                             \
		}                                                           \
	} while (0)

#define KT_EQ(a, b)                                                                                     \
	do {                                                                                            \
		uint64_t kt_a_ = (uint64_t)(a), kt_b_ = (uint64_t)(b);                                  \
		if (kt_a_ != kt_b_) {                                                                   \
			ktest_fail(__FILE__, __LINE__, "%s == %s: 0x%lx != 0x%lx", #a, #b, kt_a_, kt_b_); \
			return;                                                                         \
		}                                                                                       \
	} while (0)

/* Run the tests matching pattern; returns the number of failures. */
int ktest_run(const char *pattern);

/* Called by panic(): if a test is running, report it failed and print the summary. */
void ktest_on_panic(void);

/* Name matching used by ktest_run (exported for host tests). */
bool ktest_match(const char *pattern, const char *name);

#endif
