/*
 * libc/msvcrt/printf.c - the narrow printf family over libmingwex's
 * __mingw_pformat, so %f/%e/%g/%a and C99 sizes (%lld %zu %hhd %jd) work
 * as well as Microsoft's %I64d/%I32d/%Id.  Output to a stream is formatted
 * into a buffer first and written with one locked fwrite.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "stdio_impl.h"

/* Formats into a buffer of up to max characters (no NUL added); the full length, or -1. */
static int format_to(char *buf, size_t max, const char *fmt, va_list ap)
{
	return __mingw_pformat(0, buf, max > INT_MAX ? INT_MAX : (int)max, fmt, ap);
}

/* vfprintf: formats to f in one write; the characters written, or -1. */
int __cdecl vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char stack[512], *buf = stack;
	va_list again;
	va_copy(again, ap);
	int len = format_to(stack, sizeof(stack), fmt, ap);
	if (len > (int)sizeof(stack)) {
		buf = malloc((size_t)len);
		if (buf)
			__mingw_pformat(0, buf, len, fmt, again);
	}
	va_end(again);
	if (len < 0 || !buf)
		return -1;
	_lock_file(f);
	size_t done = crt_fwrite_locked(buf, (size_t)len, f);
	_unlock_file(f);
	if (buf != stack)
		free(buf);
	return done == (size_t)len ? len : -1;
}

/* fprintf: vfprintf with variable arguments. */
int __cdecl fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

/* vfprintf to stdout. */
int __cdecl vprintf(const char *fmt, va_list ap)
{
	return vfprintf(&crt_iob[1], fmt, ap);
}

/* fprintf to stdout. */
int __cdecl printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(&crt_iob[1], fmt, ap);
	va_end(ap);
	return n;
}

/* Unbounded formatting into buf with a NUL; the length. */
int __cdecl vsprintf(char *buf, const char *fmt, va_list ap)
{
	int n = __mingw_pformat(PFORMAT_NOLIMIT, buf, 0, fmt, ap);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* vsprintf with variable arguments. */
int __cdecl sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

/* Microsoft's bounded form: output shorter than count gets a NUL and its length;
 * exactly count characters: no NUL, returns count; longer: count characters, no NUL, -1. */
int __cdecl _vsnprintf(char *buf, size_t count, const char *fmt, va_list ap)
{
	int n = format_to(buf, count, fmt, ap);
	if (n < 0)
		return -1;
	if ((size_t)n < count)
		buf[n] = 0;
	return (size_t)n <= count ? n : -1;
}

/* _vsnprintf with variable arguments. */
int __cdecl _snprintf(char *buf, size_t count, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = _vsnprintf(buf, count, fmt, ap);
	va_end(ap);
	return n;
}

/* C99's bounded form (exported as vsnprintf; msvcrt.dll itself has only _vsnprintf): at most size-1 characters and a NUL (size > 0); returns the full length. */
int __cdecl crt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	if (size == 0)
		return format_to(NULL, 0, fmt, ap);
	int n = format_to(buf, size - 1, fmt, ap);
	if (n >= 0)
		buf[(size_t)n < size - 1 ? (size_t)n : size - 1] = 0;
	return n;
}

/* snprintf: crt_vsnprintf with variable arguments. */
int __cdecl crt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = crt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* The length the output would have. */
int __cdecl _vscprintf(const char *fmt, va_list ap)
{
	return format_to(NULL, 0, fmt, ap);
}

/* _vscprintf with variable arguments. */
int __cdecl _scprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = _vscprintf(fmt, ap);
	va_end(ap);
	return n;
}
