/* kernel/ktest.c - the self-test runner. */
#include "ktest.h"
#include "console.h"

#include <stdarg.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static const struct ktest *current;
static bool current_failed;
static int passed, failed;

/* One alternative of a pattern, [p, end): "all" (or empty), or a prefix with an optional trailing '*'. */
static bool match_one(const char *p, const char *end, const char *name)
{
	/* "all" (or empty) runs every test except the benchmarks (bench_*), which run alone */
	if (p == end || (end - p == 3 && p[0] == 'a' && p[1] == 'l' && p[2] == 'l'))
		return !(name[0] == 'b' && name[1] == 'e' && name[2] == 'n' && name[3] == 'c' && name[4] == 'h' &&
			 name[5] == '_');
	for (;; p++, name++) {
		if (p == end || *p == '*')
			return true;	/* prefix match */
		if (*p != *name)
			return false;
	}
}

bool ktest_match(const char *pattern, const char *name)
{
	/* Alternatives separated by commas: "ram_,frame_" */
	for (;;) {
		const char *end = pattern;
		while (*end && *end != ',')
			end++;
		if (match_one(pattern, end, name))
			return true;
		if (!*end)
			return false;
		pattern = end + 1;
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
