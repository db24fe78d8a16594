/* kernel/ktest.c - the self-test runner. */
#include "ktest.h"
#include "console.h"

#include <stdarg.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static const struct ktest *current;
static bool current_failed;
static int passed, failed;

bool ktest_match(const char *pattern, const char *name)
{
	/* "all" (or empty) runs every test except the benchmarks (bench_*), which run alone */
	if (pattern[0] == '\0' || (pattern[0] == 'a' && pattern[1] == 'l' && pattern[2] == 'l' && pattern[3] == '\0'))
		return !(name[0] == 'b' && name[1] == 'e' && name[2] == 'n' && name[3] == 'c' && name[4] == 'h' &&
			 name[5] == '_');
	for (;; pattern++, name++) {
		if (*pattern == '*' || *pattern == '\0')
			return true;	/* prefix match */
		if (*pattern != *name)
			return false;
	}
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	if (current_failed)
		return;
	current_failed = true;
	kprintf("ktest: FAIL %s: ", current ? current->name : "?");
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf(" (%s:%d)\n", file, line);
}

int ktest_run(const char *pattern)
{
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (!ktest_match(pattern, t->name))
			continue;
		current = t;
		current_failed = false;
		t->fn();
		if (current_failed) {
			failed++;
		} else {
			passed++;
			kprintf("ktest: PASS %s\n", t->name);
		}
		current = 0;
	}
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}

void ktest_on_panic(void)
{
	if (!current)
		return;
	kprintf("ktest: FAIL %s: panic\n", current->name);
	failed++;
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
}
