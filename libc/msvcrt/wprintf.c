/*
 * libc/msvcrt/wprintf.c - the wide printf family: Microsoft's format
 * (%s wide) rewritten to C99 (wformat.c), then libmingwex's
 * __mingw_wpformat.  Output to a stream is converted to bytes in the C
 * locale (characters above 255 cannot be: the call fails with EILSEQ).
 * swprintf and vswprintf are msvcrt's old forms without a count.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "stdio_impl.h"

/* Formats MS wide format fmt into up to max characters of buf (no NUL); the full length, or -1. */
static int wformat_to(wchar_t *buf, size_t max, int flags, const wchar_t *fmt, va_list ap)
{
	wchar_t *c99 = crt_wformat_ms_to_c99(fmt, 0);
	if (!c99) {
		errno = ENOMEM;
		return -1;
	}
	int n = __mingw_wpformat(flags, buf, max > INT_MAX ? INT_MAX : (int)max, c99, ap);
	free(c99);
	return n;
}

/* Formats to f (each character as its C-locale byte); the characters written, or -1. */
int __cdecl vfwprintf(FILE *f, const wchar_t *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int len = wformat_to(NULL, 0, 0, fmt, ap);
	wchar_t *buf = len >= 0 ? malloc(((size_t)len + 1) * sizeof(wchar_t)) : NULL;
	if (buf)
		wformat_to(buf, (size_t)len, 0, fmt, again);
	va_end(again);
	if (!buf)
		return -1;
	int r = len;
	_lock_file(f);
	for (int i = 0; i < len; i++) {
		char b;
		if (crt_wctomb_c(&b, buf[i]) < 0) {
			errno = EILSEQ;
			r = -1;
			break;
		}
		if (crt_fputc_locked((unsigned char)b, f) == EOF) {
			r = -1;
			break;
		}
	}
	_unlock_file(f);
	free(buf);
	return r;
}

/* vfwprintf with variable arguments. */
int __cdecl fwprintf(FILE *f, const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfwprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

/* vfwprintf to stdout. */
int __cdecl vwprintf(const wchar_t *fmt, va_list ap)
{
	return vfwprintf(&crt_iob[1], fmt, ap);
}

/* fwprintf to stdout. */
int __cdecl wprintf(const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfwprintf(&crt_iob[1], fmt, ap);
	va_end(ap);
	return n;
}

/* Microsoft's bounded wide form: as _vsnprintf, in wide characters. */
int __cdecl _vsnwprintf(wchar_t *buf, size_t count, const wchar_t *fmt, va_list ap)
{
	int n = wformat_to(buf, count, 0, fmt, ap);
	if (n < 0)
		return -1;
	if ((size_t)n < count)
		buf[n] = 0;
	return (size_t)n <= count ? n : -1;
}

/* _vsnwprintf with variable arguments. */
int __cdecl _snwprintf(wchar_t *buf, size_t count, const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = _vsnwprintf(buf, count, fmt, ap);
	va_end(ap);
	return n;
}

/* msvcrt's vswprintf (exported under that name): unbounded, with a NUL; the length. */
int __cdecl crt_vswprintf(wchar_t *buf, const wchar_t *fmt, va_list ap)
{
	int n = wformat_to(buf, 0, PFORMAT_NOLIMIT, fmt, ap);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* msvcrt's swprintf (exported under that name): crt_vswprintf with variable arguments. */
int __cdecl crt_swprintf(wchar_t *buf, const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = crt_vswprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

/* The length the wide output would have. */
int __cdecl _vscwprintf(const wchar_t *fmt, va_list ap)
{
	return wformat_to(NULL, 0, 0, fmt, ap);
}

/* _vscwprintf with variable arguments. */
int __cdecl _scwprintf(const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = _vscwprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* libmingwex's wide formatter writes to streams through this (Microsoft format semantics). */
int __cdecl __ms_fwprintf(FILE *f, const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfwprintf(f, fmt, ap);
	va_end(ap);
	return n;
}
