/*
 * tests/host/check.h - a tiny host unit-test harness.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_EQ(a, b); }
 *   int main(void) { return run_tests("file"); }
 *
 * Each test prints "host: PASS file.name" or "host: FAIL file.name: ..." and
 * the program ends with "host: N passed, N failed" for its own tests.
 */
#ifndef TESTS_HOST_CHECK_H
#define TESTS_HOST_CHECK_H

#include <stdio.h>
#include <string.h>

struct host_test {
	const char *name;
	void (*fn)(void);
};

static struct host_test host_tests[256];
static int host_test_count;
static int host_test_failed_now;

#define TEST(tname)                                                                  \
	static void test_##tname(void);                                               \
	__attribute__((constructor)) static void register_##tname(void)               \
	{                                                                             \
		host_tests[host_test_count++] = (struct host_test){ #tname, test_##tname }; \
	}                                                                             \
	static void test_##tname(void)

#define CHECK(c)                                                                      \
	do {                                                                          \
		if (!(c)) {                                                           \
			printf("    check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
			host_test_failed_now = 1;                                     \
			return;                                                       \
		}                                                                     \
	} while (0)

#define CHECK_EQ(a, b)                                                                                      \
	do {                                                                                                \
		unsigned long long ca_ = (unsigned long long)(a), cb_ = (unsigned long long)(b);            \
		if (ca_ != cb_) {                                                                           \
			printf("    check failed: %s == %s: 0x%llx != 0x%llx (%s:%d)\n", #a, #b, ca_, cb_, \
			       __FILE__, __LINE__);                                                        \
			host_test_failed_now = 1;                                                           \
			return;                                                                             \
		}                                                                                           \
	} while (0)

#define CHECK_STR(a, b)                                                                                   \
	do {                                                                                              \
		const char *ca_ = (a), *cb_ = (b);                                                        \
		if (strcmp(ca_, cb_) != 0) {                                                              \
			printf("    check failed: %s == \"%s\": got \"%s\" (%s:%d)\n", #a, cb_, ca_, __FILE__, \
			       __LINE__);                                                                 \
			host_test_failed_now = 1;                                                         \
			return;                                                                           \
		}                                                                                         \
	} while (0)

static inline int run_tests(const char *file)
{
	int passed = 0, failed = 0;
	for (int i = 0; i < host_test_count; i++) {
		host_test_failed_now = 0;
		host_tests[i].fn();
		if (host_test_failed_now) {
			printf("host: FAIL %s.%s\n", file, host_tests[i].name);
			failed++;
		} else {
			printf("host: PASS %s.%s\n", file, host_tests[i].name);
			passed++;
		}
	}
	printf("host: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}

#endif
