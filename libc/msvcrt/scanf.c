/*
 * libc/msvcrt/scanf.c - the scanf family over libmingwex's __mingw_vfscanf
 * and __mingw_vsscanf (stdin has no data yet: scanf returns EOF).  The
 * wide forms take Microsoft's format (%s wide) rewritten to C99.
 */
#include <errno.h>
#include <stdlib.h>

#include "stdio_impl.h"

/* Scans f by fmt; the fields assigned, or EOF at end of input before the first. */
int __cdecl fscanf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = __mingw_vfscanf(f, fmt, ap);
	va_end(ap);
	return n;
}

/* fscanf from stdin. */
int __cdecl scanf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = __mingw_vfscanf(&crt_iob[0], fmt, ap);
	va_end(ap);
	return n;
}

/* Scans string s by fmt. */
int __cdecl sscanf(const char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = __mingw_vsscanf(s, fmt, ap);
	va_end(ap);
	return n;
}

/* Scans wide string s by Microsoft wide format fmt. */
int __cdecl swscanf(const wchar_t *s, const wchar_t *fmt, ...)
{
	wchar_t *c99 = crt_wformat_ms_to_c99(fmt, 1);
	if (!c99) {
		errno = ENOMEM;
		return EOF;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = __mingw_vswscanf(s, c99, ap);
	va_end(ap);
	free(c99);
	return n;
}

/* Scans f by Microsoft wide format fmt. */
int __cdecl fwscanf(FILE *f, const wchar_t *fmt, ...)
{
	wchar_t *c99 = crt_wformat_ms_to_c99(fmt, 1);
	if (!c99) {
		errno = ENOMEM;
		return EOF;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = __mingw_vfwscanf(f, c99, ap);
	va_end(ap);
	free(c99);
	return n;
}

/* fwscanf from stdin. */
int __cdecl wscanf(const wchar_t *fmt, ...)
{
	wchar_t *c99 = crt_wformat_ms_to_c99(fmt, 1);
	if (!c99) {
		errno = ENOMEM;
		return EOF;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = __mingw_vfwscanf(&crt_iob[0], c99, ap);
	va_end(ap);
	free(c99);
	return n;
}
