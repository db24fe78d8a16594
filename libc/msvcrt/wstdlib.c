/*
 * libc/msvcrt/wstdlib.c - the wide number conversions (wcstol, wcstod,
 * _wtoi, _itow...): the ASCII prefix of the wide string that can hold a
 * number goes through the narrow parser, and the end pointer is mapped back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "crt.h"

#undef strtod	/* this DLL's own (stdlib.c), not <stdlib.h>'s __strtod */

#define NUM_MAX 512	/* longer numbers are cut here */

/* Copies the leading ASCII characters of s that may belong to a number into buf. */
static void narrow_prefix(const wchar_t *s, char *buf)
{
	size_t i = 0;
	for (; i < NUM_MAX - 1 && s[i] && s[i] < 128; i++)
		buf[i] = (char)s[i];
	buf[i] = 0;
}

/* Maps a narrow end pointer back into s. */
static wchar_t *wide_end(const wchar_t *s, const char *buf, const char *end)
{
	return (wchar_t *)(s + (end - buf));
}

#define WIDE_PARSER(T, name, narrow)                                   \
	T __cdecl name(const wchar_t *s, wchar_t **end, int base)      \
	{                                                              \
		char buf[NUM_MAX], *e;                                 \
		narrow_prefix(s, buf);                                 \
		T v = narrow(buf, &e, base);                           \
		if (end)                                               \
			*end = wide_end(s, buf, e);                    \
		return v;                                              \
	}

WIDE_PARSER(long, wcstol, strtol)
WIDE_PARSER(unsigned long, wcstoul, strtoul)
WIDE_PARSER(long long, wcstoll, strtoll)
WIDE_PARSER(unsigned long long, wcstoull, strtoull)
WIDE_PARSER(__int64, _wcstoi64, _strtoi64)
WIDE_PARSER(unsigned __int64, _wcstoui64, _strtoui64)

/* strtod for wide strings. */
double __cdecl wcstod(const wchar_t *s, wchar_t **end)
{
	char buf[NUM_MAX], *e;
	narrow_prefix(s, buf);
	double v = strtod(buf, &e);
	if (end)
		*end = wide_end(s, buf, e);
	return v;
}

int __cdecl _wtoi(const wchar_t *s) { char b[NUM_MAX]; narrow_prefix(s, b); return atoi(b); }
long __cdecl _wtol(const wchar_t *s) { char b[NUM_MAX]; narrow_prefix(s, b); return atol(b); }
__int64 __cdecl _wtoi64(const wchar_t *s) { char b[NUM_MAX]; narrow_prefix(s, b); return _atoi64(b); }
double __cdecl _wtof(const wchar_t *s) { char b[NUM_MAX]; narrow_prefix(s, b); return atof(b); }

/* Copies narrow digits into wide buf; returns buf. */
static wchar_t *widen(const char *s, wchar_t *buf)
{
	size_t i = 0;
	for (; s[i]; i++)
		buf[i] = (unsigned char)s[i];
	buf[i] = 0;
	return buf;
}

wchar_t *__cdecl _itow(int v, wchar_t *buf, int base) { char b[72]; return widen(_itoa(v, b, base), buf); }
wchar_t *__cdecl _ltow(long v, wchar_t *buf, int base) { char b[72]; return widen(_ltoa(v, b, base), buf); }
wchar_t *__cdecl _ultow(unsigned long v, wchar_t *buf, int base) { char b[72]; return widen(_ultoa(v, b, base), buf); }
wchar_t *__cdecl _i64tow(__int64 v, wchar_t *buf, int base) { char b[72]; return widen(_i64toa(v, b, base), buf); }
wchar_t *__cdecl _ui64tow(unsigned __int64 v, wchar_t *buf, int base) { char b[72]; return widen(_ui64toa(v, b, base), buf); }
