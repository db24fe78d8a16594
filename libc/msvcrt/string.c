/*
 * libc/msvcrt/string.c - <string.h> for bytes, with msvcrt's extras
 * (_stricmp, _strdup, _strlwr...).  Case-insensitive functions fold A-Z
 * only ("C" locale).  Built with -fno-builtin so these loops are not turned
 * into calls to themselves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crt.h"

/* Copies n bytes; the areas must not overlap.  Returns dst. */
void *__cdecl memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

/* Copies n bytes; the areas may overlap.  Returns dst. */
void *__cdecl memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

/* Fills n bytes with (unsigned char)c.  Returns dst. */
void *__cdecl memset(void *dst, int c, size_t n)
{
	void *d = dst;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

/* Compares n bytes as unsigned char: <0, 0, >0. */
int __cdecl memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

/* The first byte (unsigned char)c among n bytes of s, or NULL. */
void *__cdecl memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

/* A-Z folded to a-z. */
static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* memcmp ignoring case. */
int __cdecl _memicmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (fold(x[i]) != fold(y[i]))
			return fold(x[i]) - fold(y[i]);
	return 0;
}

/* Copies bytes up to and including the first c (at most n); the byte after it in dst, or NULL. */
void *__cdecl _memccpy(void *dst, const void *src, int c, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	for (size_t i = 0; i < n; i++) {
		d[i] = s[i];
		if (s[i] == (unsigned char)c)
			return d + i + 1;
	}
	return NULL;
}

/* The length of s. */
size_t __cdecl strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

/* The length of s, at most max. */
size_t __cdecl strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* Copies s with its NUL; returns dst. */
char *__cdecl strcpy(char *dst, const char *src)
{
	char *d = dst;
	while ((*d++ = *src++))
		;
	return dst;
}

/* Copies at most n bytes of src, padding with NULs to n (no NUL when src is n long or more); returns dst. */
char *__cdecl strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = 0;
	return dst;
}

/* Appends src; returns dst. */
char *__cdecl strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

/* Appends at most n bytes of src and a NUL; returns dst. */
char *__cdecl strncat(char *dst, const char *src, size_t n)
{
	char *d = dst + strlen(dst);
	size_t i = 0;
	for (; i < n && src[i]; i++)
		d[i] = src[i];
	d[i] = 0;
	return dst;
}

/* Compares as unsigned char. */
int __cdecl strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* Compares at most n bytes. */
int __cdecl strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

/* strcmp ignoring case (A-Z as a-z). */
int __cdecl _stricmp(const char *a, const char *b)
{
	while (*a && fold((unsigned char)*a) == fold((unsigned char)*b))
		a++, b++;
	return fold((unsigned char)*a) - fold((unsigned char)*b);
}

/* strncmp ignoring case. */
int __cdecl _strnicmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int x = fold((unsigned char)*a), y = fold((unsigned char)*b);
		if (x != y || !x)
			return x - y;
	}
	return 0;
}

/* Old name of _stricmp. */
int __cdecl _strcmpi(const char *a, const char *b)
{
	return _stricmp(a, b);
}

/* Collation in the "C" locale is strcmp. */
int __cdecl strcoll(const char *a, const char *b)
{
	return strcmp(a, b);
}

/* Case-insensitive collation: _stricmp. */
int __cdecl _stricoll(const char *a, const char *b)
{
	return _stricmp(a, b);
}

/* "C"-locale transform: a copy; returns the length of src. */
size_t __cdecl strxfrm(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);
	if (len < n)
		strcpy(dst, src);
	return len;
}

/* The first (char)c in s (the NUL counts), or NULL. */
char *__cdecl strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* The last (char)c in s (the NUL counts), or NULL. */
char *__cdecl strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* The first occurrence of needle in hay (hay itself for an empty needle), or NULL. */
char *__cdecl strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (*hay == *needle && strncmp(hay, needle, n) == 0)
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

/* The length of s's prefix made of bytes in set. */
size_t __cdecl strspn(const char *s, const char *set)
{
	size_t n = 0;
	while (s[n] && strchr(set, s[n]))
		n++;
	return n;
}

/* The length of s's prefix made of bytes not in set. */
size_t __cdecl strcspn(const char *s, const char *set)
{
	size_t n = 0;
	while (s[n] && !strchr(set, s[n]))
		n++;
	return n;
}

/* The first byte of s that is in set, or NULL. */
char *__cdecl strpbrk(const char *s, const char *set)
{
	s += strcspn(s, set);
	return *s ? (char *)s : NULL;
}

/* Splits s at bytes of sep (s NULL: continue the calling thread's last string); the next token or NULL. */
char *__cdecl strtok(char *s, const char *sep)
{
	char **next = crt_strtok_next();
	if (!s)
		s = *next;
	if (!s)
		return NULL;
	s += strspn(s, sep);
	if (!*s) {
		*next = NULL;
		return NULL;
	}
	char *end = s + strcspn(s, sep);
	if (*end)
		*end++ = 0;
	*next = end;
	return s;
}

/* A malloc'ed copy of s (NULL for NULL or no memory). */
char *__cdecl _strdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

/* Lower-cases A-Z in place; returns s. */
char *__cdecl _strlwr(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)fold((unsigned char)*p);
	return s;
}

/* Upper-cases a-z in place; returns s. */
char *__cdecl _strupr(char *s)
{
	for (char *p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 32;
	return s;
}

/* Reverses s in place; returns s. */
char *__cdecl _strrev(char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n / 2; i++) {
		char t = s[i];
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = t;
	}
	return s;
}

/* Sets every byte of s to c; returns s. */
char *__cdecl _strset(char *s, int c)
{
	for (char *p = s; *p; p++)
		*p = (char)c;
	return s;
}

/* Sets at most n bytes of s to c; returns s. */
char *__cdecl _strnset(char *s, int c, size_t n)
{
	for (char *p = s; *p && n; p++, n--)
		*p = (char)c;
	return s;
}
