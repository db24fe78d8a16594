/*
 * libc/msvcrt/wformat.c - Microsoft's wide format strings in C99 terms
 * (pure code).  In msvcrt's wide printf and scanf, %s %c %[ take wide
 * strings and %S %C narrow ones; %hs is narrow and %ls/%ws wide whatever
 * the function.  libmingwex follows C99 (%s narrow, %ls wide), so the wide
 * entry points rewrite each conversion before formatting.
 */
#include <stdlib.h>
#include <wchar.h>

#include "crt.h"

/* Nonzero for a character that may appear between '%' and the size prefix. */
static int is_flag_or_width(wchar_t c)
{
	return c == '-' || c == '+' || c == ' ' || c == '#' || c == '\'' || c == '*' || c == '.' ||
	       (c >= '0' && c <= '9');
}

/* Rewrites fmt (see the file comment); scanf selects scanf's syntax (%[set]).  Returns a malloc'ed copy or NULL. */
wchar_t *crt_wformat_ms_to_c99(const wchar_t *fmt, int scanf)
{
	size_t len = wcslen(fmt);
	wchar_t *out = malloc((2 * len + 1) * sizeof(wchar_t));	/* each conversion grows by at most one */
	if (!out)
		return NULL;
	size_t o = 0;
	const wchar_t *p = fmt;
	while (*p) {
		if (*p != '%') {
			out[o++] = *p++;
			continue;
		}
		out[o++] = *p++;
		if (*p == '%') {
			out[o++] = *p++;
			continue;
		}
		while (*p && is_flag_or_width(*p))
			out[o++] = *p++;
		/* The size prefix, kept aside. */
		const wchar_t *size = p;
		int narrow = 0, wide = 0;
		for (;;) {
			if (*p == 'h')
				narrow = 1;
			else if (*p == 'l' || *p == 'w')
				wide = 1;
			else if (*p == 'I' && ((p[1] == '6' && p[2] == '4') || (p[1] == '3' && p[2] == '2')))
				p += 2;
			else if (!(*p == 'L' || *p == 'I' || *p == 'j' || *p == 'z' || *p == 't'))
				break;
			p++;
		}
		wchar_t conv = *p;
		if (conv == 's' || conv == 'c' || (scanf && conv == '[') || conv == 'S' || conv == 'C') {
			int is_wide = (conv == 'S' || conv == 'C') ? wide : !narrow;
			if (is_wide)
				out[o++] = 'l';
			out[o++] = conv == 'S' ? 's' : conv == 'C' ? 'c' : conv;
			p++;
			if (conv == '[') {	/* the set: a leading ] or ^] belongs to it */
				if (*p == '^')
					out[o++] = *p++;
				if (*p == ']')
					out[o++] = *p++;
				while (*p && *p != ']')
					out[o++] = *p++;
				if (*p)
					out[o++] = *p++;
			}
			continue;
		}
		for (const wchar_t *s = size; s < p; s++)
			out[o++] = *s == 'w' ? 'l' : *s;
		if (*p)
			out[o++] = *p++;
	}
	out[o] = 0;
	return out;
}
