/*
 * tests/host/test_fmt.c - the shared printf formatter against the host's snprintf.
 * sources: libc/fmt.c
 */
#include "check.h"
/* The formats below are deliberately odd (overflowing %hhd and so on). */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#include "libc/fmt.h"

#include <stdint.h>

#define SAME(...)                                                  \
	do {                                                       \
		char ours[256], theirs[256];                       \
		int a = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__); \
		int b = snprintf(theirs, sizeof(theirs), __VA_ARGS__); \
		CHECK_STR(ours, theirs);                           \
		CHECK_EQ(a, b);                                    \
	} while (0)

TEST(integers)
{
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d", (int)-2147483647 - 1);
	SAME("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
	SAME("%lld %llx", -5LL, 0xdeadbeefcafeULL);
	SAME("%zu %zx", (size_t)12345, (size_t)0xfff);
	SAME("%hhd %hd %hhu", 300, 70000, 255);
}

TEST(hex_and_octal)
{
	SAME("%x %X %#x %#X %o %#o", 255, 255, 255, 255, 8, 8);
	SAME("%#x %#o", 0, 0);
	SAME("%016lx", 0xffffffff80000000UL);
	SAME("%p %p", (void *)0x1000, (void *)0xffff800000000000UL);
}

TEST(width_precision_flags)
{
	SAME("[%5d][%-5d][%05d][%+d][% d]", 42, 42, 42, 42, 42);
	SAME("[%.3d][%8.3d][%-8.3d][%.0d]", 7, 7, 7, 0);
	SAME("[%*d][%-*d][%.*d]", 6, 1, 6, 1, 4, 1);
	SAME("[%08.3x][%#010x]", 0xab, 0xab);
	SAME("[%-+6d][%+05d]", 9, -9);
}

TEST(strings_and_chars)
{
	SAME("[%s][%10s][%-10s][%.2s][%c][%3c]", "abc", "abc", "abc", "abc", 'x', 'y');
	SAME("100%% sure");
	SAME("[%.*s]", 3, "abcdef");
}

TEST(truncation)
{
	char buf[8];
	int n = fmt_snprintf(buf, sizeof(buf), "%s", "hello world");
	CHECK_EQ(n, 11);
	CHECK_STR(buf, "hello w");
	n = fmt_snprintf(buf, 1, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], 0);
	n = fmt_snprintf(NULL, 0, "%d", 12345);
	CHECK_EQ(n, 5);
}

int main(void)
{
	return run_tests("fmt");
}
