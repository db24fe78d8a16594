/*
 * libc/msvcrt/mbcs.c - multibyte <-> wide conversion in the "C" locale:
 * byte b is wide character b and back; a wide character above 255 has no
 * byte (EILSEQ).  No shift states, MB_CUR_MAX 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <wchar.h>

#include "crt.h"

/* Converts wc to its byte; 1, or -1 when wc > 255. */
int crt_wctomb_c(char *out, wchar_t wc)
{
	if (wc > 255)
		return -1;
	*out = (char)wc;
	return 1;
}

/* One character from s (at most n bytes): 1, 0 for the NUL, or -2 when n is 0. */
size_t __cdecl mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps)
{
	(void)ps;
	if (!s)
		return 0;
	if (n == 0)
		return (size_t)-2;
	if (pwc)
		*pwc = (unsigned char)*s;
	return *s ? 1 : 0;
}

/* The bytes of the next character of s: mbrtowc without storing. */
size_t __cdecl mbrlen(const char *s, size_t n, mbstate_t *ps)
{
	return mbrtowc(NULL, s, n, ps);
}

/* Stores wc's byte in s: 1, or -1 with EILSEQ. */
size_t __cdecl wcrtomb(char *s, wchar_t wc, mbstate_t *ps)
{
	(void)ps;
	char b;
	if (!s)
		return 1;
	if (crt_wctomb_c(&b, wc) < 0) {
		errno = EILSEQ;
		return (size_t)-1;
	}
	*s = b;
	return 1;
}

/* Always in the initial state. */
int __cdecl mbsinit(const mbstate_t *ps)
{
	(void)ps;
	return 1;
}

/* One character: 1, 0 for NUL or a NULL s, -1 when n is 0. */
int __cdecl mbtowc(wchar_t *pwc, const char *s, size_t n)
{
	if (!s)
		return 0;
	if (n == 0)
		return -1;
	if (pwc)
		*pwc = (unsigned char)*s;
	return *s ? 1 : 0;
}

/* The length of the character at s: 1, 0 for NUL or NULL, -1 when n is 0. */
int __cdecl mblen(const char *s, size_t n)
{
	return mbtowc(NULL, s, n);
}

/* wc's byte into s: 1, 0 for NULL s (no shift states), -1 with EILSEQ. */
int __cdecl wctomb(char *s, wchar_t wc)
{
	if (!s)
		return 0;
	if (crt_wctomb_c(s, wc) < 0) {
		errno = EILSEQ;
		return -1;
	}
	return 1;
}

/* Converts string s to at most n wide characters (dst NULL: counts); the count without the NUL. */
size_t __cdecl mbstowcs(wchar_t *dst, const char *s, size_t n)
{
	size_t i = 0;
	for (; !dst || i < n; i++) {
		if (dst)
			dst[i] = (unsigned char)s[i];
		if (!s[i])
			return i;
	}
	return i;
}

/* Converts wide string s to at most n bytes (dst NULL: counts); the count, or -1 with EILSEQ. */
size_t __cdecl wcstombs(char *dst, const wchar_t *s, size_t n)
{
	size_t i = 0;
	for (; !dst || i < n; i++) {
		char b;
		if (crt_wctomb_c(&b, s[i]) < 0) {
			errno = EILSEQ;
			return (size_t)-1;
		}
		if (dst)
			dst[i] = b;
		if (!s[i])
			return i;
	}
	return i;
}

/* The wide character of byte c, or WEOF for EOF. */
wint_t __cdecl btowc(int c)
{
	return c == EOF ? WEOF : (wint_t)(unsigned char)c;
}

/* The byte of wide character wc, or EOF when it has none. */
int __cdecl wctob(wint_t wc)
{
	return wc <= 255 ? (int)wc : EOF;
}
