/*
 * libc/msvcrt/stdlib.c - <stdlib.h> arithmetic and conversions: abs/div,
 * rand (Microsoft's generator, per thread), atoi/strtol families (with
 * ERANGE saturation), strtod/atof over libmingwex, and _itoa & co.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "thread.h"

#undef strtod	/* <stdlib.h> maps it to libmingwex's __strtod: this file defines it */
#undef _rotl
#undef _rotr
#undef _lrotl
#undef _lrotr

int __cdecl abs(int x) { return x < 0 ? -x : x; }
long __cdecl labs(long x) { return x < 0 ? -x : x; }
long long __cdecl llabs(long long x) { return x < 0 ? -x : x; }
__int64 __cdecl _abs64(__int64 x) { return x < 0 ? -x : x; }

/* Quotient and remainder, truncating toward zero. */
div_t __cdecl div(int a, int b)
{
	div_t r = { a / b, a % b };
	return r;
}

/* div for long. */
ldiv_t __cdecl ldiv(long a, long b)
{
	ldiv_t r = { a / b, a % b };
	return r;
}

/* div for long long. */
lldiv_t __cdecl lldiv(long long a, long long b)
{
	lldiv_t r = { a / b, a % b };
	return r;
}

/* Microsoft's generator: seed = seed * 214013 + 2531011, result (seed >> 16) & 0x7fff; per thread, seed 1 at start. */
int __cdecl rand(void)
{
	struct crt_thread *t = crt_thread();
	t->rand_seed = t->rand_seed * 214013u + 2531011u;
	return (int)((t->rand_seed >> 16) & 0x7fff);
}

/* Seeds the calling thread's generator. */
void __cdecl srand(unsigned seed)
{
	crt_thread()->rand_seed = seed;
}

/* The value of digit c in bases up to 36, or 99. */
static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* The common parser: whitespace, sign, base prefix, digits.  Returns the magnitude saturated
 * at limit (ERANGE), *neg the sign; *end after the last digit, or s when there is none. */
static unsigned long long parse(const char *s, char **end, int base, int *neg, unsigned long long limit)
{
	const char *p = s;
	unsigned long long v = 0;
	int over = 0;
	*neg = 0;
	if (end)
		*end = (char *)s;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		return 0;
	}
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
	for (; digit_value(*p) < base; p++) {
		unsigned d = (unsigned)digit_value(*p);
		if (v > (limit - d) / (unsigned)base)
			over = 1;
		else
			v = v * (unsigned)base + d;
	}
	if (p == digits)
		return 0;
	if (end)
		*end = (char *)p;
	if (over) {
		errno = ERANGE;
		return limit;
	}
	return v;
}

/* A signed conversion with range [-max-1, max]. */
static long long parse_signed(const char *s, char **end, int base, long long max)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg, (unsigned long long)-1);
	if (neg && v > (unsigned long long)max + 1) {
		errno = ERANGE;
		return -max - 1;
	}
	if (!neg && v > (unsigned long long)max) {
		errno = ERANGE;
		return max;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

/* An unsigned conversion with range [0, max]; a minus sign negates the value (C rule). */
static unsigned long long parse_unsigned(const char *s, char **end, int base, unsigned long long max)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg, (unsigned long long)-1);
	if (v > max) {
		errno = ERANGE;
		return max;
	}
	return neg ? (0 - v) & max : v;
}

long __cdecl strtol(const char *s, char **end, int base) { return (long)parse_signed(s, end, base, LONG_MAX); }
unsigned long __cdecl strtoul(const char *s, char **end, int base) { return (unsigned long)parse_unsigned(s, end, base, ULONG_MAX); }
long long __cdecl strtoll(const char *s, char **end, int base) { return parse_signed(s, end, base, LLONG_MAX); }
unsigned long long __cdecl strtoull(const char *s, char **end, int base) { return parse_unsigned(s, end, base, ULLONG_MAX); }
__int64 __cdecl _strtoi64(const char *s, char **end, int base) { return parse_signed(s, end, base, LLONG_MAX); }
unsigned __int64 __cdecl _strtoui64(const char *s, char **end, int base) { return parse_unsigned(s, end, base, ULLONG_MAX); }

/* atoi family: base 10, no end pointer (out-of-range values saturate). */
int __cdecl atoi(const char *s) { return (int)parse_signed(s, NULL, 10, INT_MAX); }
long __cdecl atol(const char *s) { return strtol(s, NULL, 10); }
long long __cdecl atoll(const char *s) { return strtoll(s, NULL, 10); }
__int64 __cdecl _atoi64(const char *s) { return _strtoi64(s, NULL, 10); }

/* A decimal or hexadecimal floating-point number, INF, NAN (libmingwex's strtod). */
double __cdecl strtod(const char *s, char **end)
{
	return __mingw_strtod(s, end);
}

/* strtod without an end pointer. */
double __cdecl atof(const char *s)
{
	return __mingw_strtod(s, NULL);
}

/* Writes v in base (2..36) to buf, with a '-' when neg; returns buf. */
static char *format_unsigned(unsigned long long v, int neg, char *buf, int base)
{
	char tmp[72];
	int n = 0;
	if (base < 2 || base > 36) {
		errno = EINVAL;
		buf[0] = 0;
		return buf;
	}
	do {
		int d = (int)(v % (unsigned)base);
		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= (unsigned)base;
	} while (v);
	char *p = buf;
	if (neg)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	*p = 0;
	return buf;
}

/* Microsoft's rule: only base 10 shows a sign; other bases print the two's complement bits. */
char *__cdecl _itoa(int v, char *buf, int base)
{
	if (base == 10 && v < 0)
		return format_unsigned(0 - (unsigned long long)(long long)v, 1, buf, 10);
	return format_unsigned((unsigned)v, 0, buf, base);
}

char *__cdecl _ltoa(long v, char *buf, int base) { return _itoa(v, buf, base); }
char *__cdecl _ultoa(unsigned long v, char *buf, int base) { return format_unsigned(v, 0, buf, base); }
char *__cdecl _ui64toa(unsigned __int64 v, char *buf, int base) { return format_unsigned(v, 0, buf, base); }

/* _itoa for 64-bit values. */
char *__cdecl _i64toa(__int64 v, char *buf, int base)
{
	if (base == 10 && v < 0)
		return format_unsigned(0 - (unsigned long long)v, 1, buf, 10);
	return format_unsigned((unsigned long long)v, 0, buf, base);
}

/* Rotations. */
unsigned int __cdecl _rotl(unsigned int v, int n) { n &= 31; return n ? (v << n) | (v >> (32 - n)) : v; }
unsigned int __cdecl _rotr(unsigned int v, int n) { n &= 31; return n ? (v >> n) | (v << (32 - n)) : v; }
unsigned long __cdecl _lrotl(unsigned long v, int n) { return _rotl(v, n); }
unsigned long __cdecl _lrotr(unsigned long v, int n) { return _rotr(v, n); }
