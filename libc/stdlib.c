/* libc/stdlib.c - process exit, number parsing, rand, abs (malloc is in malloc.c). */
#include <stdlib.h>
#include <windows.h>

#include "internal.h"

void exit(int code)
{
	libc_stdio_flush();
	NtTerminateProcess(GetCurrentProcess(), (NTSTATUS)code);
	for (;;)
		__asm__ volatile("ud2");
}

void abort(void)
{
	libc_stdio_flush();
	libc_write_console("abort\n", 6);
	NtTerminateProcess(GetCurrentProcess(), 3);
	for (;;)
		__asm__ volatile("ud2");
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* The common parser: whitespace, sign, base prefix, digits.  *neg gets the sign. */
static unsigned long long parse(const char *s, char **end, int base, int *neg)
{
	const char *p = s;
	unsigned long long v = 0;
	*neg = 0;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	const char *digits = p;
	if (base >= 2 && base <= 36)
		for (; digit_value(*p) < base; p++)
			v = v * (unsigned)base + (unsigned)digit_value(*p);
	if (end)
		*end = (char *)(p == digits ? s : p);
	return v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg);
	return neg ? -v : v;
}

long long strtoll(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg);
	return neg ? (long long)-v : (long long)v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

long strtol(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

static unsigned rand_seed = 1;

int rand(void)
{
	rand_seed = rand_seed * 214013u + 2531011u;
	return (int)((rand_seed >> 16) & 0x7fff);
}

void srand(unsigned seed)
{
	rand_seed = seed;
}

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}

long long llabs(long long x)
{
	return x < 0 ? -x : x;
}
