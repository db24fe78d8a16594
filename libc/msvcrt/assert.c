/* libc/msvcrt/assert.c - _assert and _wassert: the failure message on stderr, then abort(). */
#include <stdlib.h>

#include "crt.h"

/* "Assertion failed: expr, file F, line N" on stderr (the console form msvcrt uses), then abort. */
void __cdecl _assert(const char *expr, const char *file, unsigned line)
{
	fprintf(&crt_iob[2], "Assertion failed: %s, file %s, line %u\n", expr, file, line);
	abort();
}

/* _assert with wide strings (each character written as its C-locale byte, '?' when it has none). */
void __cdecl _wassert(const wchar_t *expr, const wchar_t *file, unsigned line)
{
	FILE *f = &crt_iob[2];
	_lock_file(f);
	fputs("Assertion failed: ", f);
	for (; *expr; expr++)
		fputc(*expr < 256 ? *expr : '?', f);
	fputs(", file ", f);
	for (; *file; file++)
		fputc(*file < 256 ? *file : '?', f);
	fprintf(f, ", line %u\n", line);
	_unlock_file(f);
	abort();
}
