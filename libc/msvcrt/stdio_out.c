/* libc/msvcrt/stdio_out.c - character and block output: fputc, fputs, puts, fwrite and the wide forms. */
#include <errno.h>
#include <string.h>

#include "stdio_impl.h"

#undef putwc
#undef putwchar

/* Writes (unsigned char)c to f; returns it or EOF. */
int __cdecl fputc(int c, FILE *f)
{
	_lock_file(f);
	int r = crt_fputc_locked(c, f);
	_unlock_file(f);
	return r;
}

/* putc is fputc (msvcrt exports it as a function too). */
int __cdecl putc(int c, FILE *f)
{
	return fputc(c, f);
}

/* fputc to stdout. */
int __cdecl putchar(int c)
{
	return fputc(c, &crt_iob[1]);
}

/* fputc to stdout (the old name). */
int __cdecl _fputchar(int c)
{
	return fputc(c, &crt_iob[1]);
}

/* Writes n items of size bytes; returns the number of whole items written. */
size_t __cdecl fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	if (!size || !n)
		return 0;
	if (n > (size_t)-1 / size) {
		errno = EINVAL;
		return 0;
	}
	_lock_file(f);
	size_t done = crt_fwrite_locked(p, size * n, f);
	_unlock_file(f);
	return done / size;
}

/* Writes string s to f; 0 or EOF (Microsoft returns 0 on success). */
int __cdecl fputs(const char *s, FILE *f)
{
	size_t n = strlen(s);
	_lock_file(f);
	size_t done = crt_fwrite_locked(s, n, f);
	_unlock_file(f);
	return done == n ? 0 : EOF;
}

/* Writes s and a newline to stdout; 0 or EOF. */
int __cdecl puts(const char *s)
{
	FILE *f = &crt_iob[1];
	size_t n = strlen(s);
	_lock_file(f);
	int r = crt_fwrite_locked(s, n, f) == n && crt_fputc_locked('\n', f) != EOF ? 0 : EOF;
	_unlock_file(f);
	return r;
}

/* Writes the int w as sizeof(int) bytes; returns w or EOF. */
int __cdecl _putw(int w, FILE *f)
{
	_lock_file(f);
	size_t done = crt_fwrite_locked(&w, sizeof(w), f);
	_unlock_file(f);
	return done == sizeof(w) ? w : EOF;
}

/* Writes wide character wc as the C locale's byte (wc < 256); WEOF with EILSEQ otherwise. */
wint_t __cdecl fputwc(wchar_t wc, FILE *f)
{
	char b;
	if (crt_wctomb_c(&b, wc) < 0) {
		errno = EILSEQ;
		return WEOF;
	}
	return fputc((unsigned char)b, f) == EOF ? WEOF : wc;
}

/* putwc is fputwc. */
wint_t __cdecl putwc(wchar_t wc, FILE *f)
{
	return fputwc(wc, f);
}

/* fputwc to stdout. */
wint_t __cdecl putwchar(wchar_t wc)
{
	return fputwc(wc, &crt_iob[1]);
}

/* fputwc to stdout (the old name). */
wint_t __cdecl _fputwchar(wchar_t wc)
{
	return fputwc(wc, &crt_iob[1]);
}

/* Writes wide string s to f; 0 or EOF. */
int __cdecl fputws(const wchar_t *s, FILE *f)
{
	int r = 0;
	_lock_file(f);
	for (; *s; s++)
		if (fputwc(*s, f) == WEOF) {
			r = EOF;
			break;
		}
	_unlock_file(f);
	return r;
}

/* Writes wide string s and a newline to stdout; 0 or EOF. */
int __cdecl _putws(const wchar_t *s)
{
	FILE *f = &crt_iob[1];
	_lock_file(f);
	int r = fputws(s, f) == 0 && fputwc(L'\n', f) != WEOF ? 0 : EOF;
	_unlock_file(f);
	return r;
}
