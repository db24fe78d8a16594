/* libc/msvcrt/wstring.c - <wchar.h> string functions and msvcrt's wide extras (_wcsicmp, _wcsdup...). */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "crt.h"

/* The length of s in wide characters. */
size_t __cdecl wcslen(const wchar_t *s)
{
	const wchar_t *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

/* The length of s, at most max. */
size_t __cdecl wcsnlen(const wchar_t *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* Copies src with its NUL; returns dst. */
wchar_t *__cdecl wcscpy(wchar_t *dst, const wchar_t *src)
{
	wchar_t *d = dst;
	while ((*d++ = *src++))
		;
	return dst;
}

/* Copies at most n characters of src, padding with NULs to n; returns dst. */
wchar_t *__cdecl wcsncpy(wchar_t *dst, const wchar_t *src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = 0;
	return dst;
}

/* Appends src; returns dst. */
wchar_t *__cdecl wcscat(wchar_t *dst, const wchar_t *src)
{
	wcscpy(dst + wcslen(dst), src);
	return dst;
}

/* Appends at most n characters of src and a NUL; returns dst. */
wchar_t *__cdecl wcsncat(wchar_t *dst, const wchar_t *src, size_t n)
{
	wchar_t *d = dst + wcslen(dst);
	size_t i = 0;
	for (; i < n && src[i]; i++)
		d[i] = src[i];
	d[i] = 0;
	return dst;
}

/* Compares as unsigned 16-bit values. */
int __cdecl wcscmp(const wchar_t *a, const wchar_t *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (int)*a - (int)*b;
}

/* Compares at most n characters. */
int __cdecl wcsncmp(const wchar_t *a, const wchar_t *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (int)*a - (int)*b;
	return 0;
}

/* wcscmp ignoring case (towlower). */
int __cdecl _wcsicmp(const wchar_t *a, const wchar_t *b)
{
	while (*a && towlower(*a) == towlower(*b))
		a++, b++;
	return (int)towlower(*a) - (int)towlower(*b);
}

/* wcsncmp ignoring case. */
int __cdecl _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int x = (int)towlower(*a), y = (int)towlower(*b);
		if (x != y || !x)
			return x - y;
	}
	return 0;
}

/* Collation in the "C" locale is wcscmp. */
int __cdecl wcscoll(const wchar_t *a, const wchar_t *b)
{
	return wcscmp(a, b);
}

/* Case-insensitive collation: _wcsicmp. */
int __cdecl _wcsicoll(const wchar_t *a, const wchar_t *b)
{
	return _wcsicmp(a, b);
}

/* "C"-locale transform: a copy; returns the length of src. */
size_t __cdecl wcsxfrm(wchar_t *dst, const wchar_t *src, size_t n)
{
	size_t len = wcslen(src);
	if (len < n)
		wcscpy(dst, src);
	return len;
}

/* The first c in s (the NUL counts), or NULL. */
wchar_t *__cdecl wcschr(const wchar_t *s, wchar_t c)
{
	for (;; s++) {
		if (*s == c)
			return (wchar_t *)s;
		if (!*s)
			return NULL;
	}
}

/* The last c in s (the NUL counts), or NULL. */
wchar_t *__cdecl wcsrchr(const wchar_t *s, wchar_t c)
{
	const wchar_t *last = NULL;
	for (;; s++) {
		if (*s == c)
			last = s;
		if (!*s)
			return (wchar_t *)last;
	}
}

/* The first occurrence of needle in hay, or NULL. */
wchar_t *__cdecl wcsstr(const wchar_t *hay, const wchar_t *needle)
{
	size_t n = wcslen(needle);
	for (; *hay; hay++)
		if (*hay == *needle && wcsncmp(hay, needle, n) == 0)
			return (wchar_t *)hay;
	return n ? NULL : (wchar_t *)hay;
}

/* The length of s's prefix made of characters in set. */
size_t __cdecl wcsspn(const wchar_t *s, const wchar_t *set)
{
	size_t n = 0;
	while (s[n] && wcschr(set, s[n]))
		n++;
	return n;
}

/* The length of s's prefix made of characters not in set. */
size_t __cdecl wcscspn(const wchar_t *s, const wchar_t *set)
{
	size_t n = 0;
	while (s[n] && !wcschr(set, s[n]))
		n++;
	return n;
}

/* The first character of s in set, or NULL. */
wchar_t *__cdecl wcspbrk(const wchar_t *s, const wchar_t *set)
{
	s += wcscspn(s, set);
	return *s ? (wchar_t *)s : NULL;
}

/* msvcrt's two-argument wcstok: splits s at characters of sep, keeping the position per thread. */
wchar_t *__cdecl wcstok(wchar_t *s, const wchar_t *sep)
{
	wchar_t **next = crt_wcstok_next();
	if (!s)
		s = *next;
	if (!s)
		return NULL;
	s += wcsspn(s, sep);
	if (!*s) {
		*next = NULL;
		return NULL;
	}
	wchar_t *end = s + wcscspn(s, sep);
	if (*end)
		*end++ = 0;
	*next = end;
	return s;
}

/* A malloc'ed copy of s (NULL for NULL or no memory). */
wchar_t *__cdecl _wcsdup(const wchar_t *s)
{
	if (!s)
		return NULL;
	size_t n = (wcslen(s) + 1) * sizeof(wchar_t);
	wchar_t *d = malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

/* Lower-cases s in place; returns s. */
wchar_t *__cdecl _wcslwr(wchar_t *s)
{
	for (wchar_t *p = s; *p; p++)
		*p = (wchar_t)towlower(*p);
	return s;
}

/* Upper-cases s in place; returns s. */
wchar_t *__cdecl _wcsupr(wchar_t *s)
{
	for (wchar_t *p = s; *p; p++)
		*p = (wchar_t)towupper(*p);
	return s;
}

/* Reverses s in place; returns s. */
wchar_t *__cdecl _wcsrev(wchar_t *s)
{
	size_t n = wcslen(s);
	for (size_t i = 0; i < n / 2; i++) {
		wchar_t t = s[i];
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = t;
	}
	return s;
}

/* Sets every character of s to c; returns s. */
wchar_t *__cdecl _wcsset(wchar_t *s, wchar_t c)
{
	for (wchar_t *p = s; *p; p++)
		*p = c;
	return s;
}
