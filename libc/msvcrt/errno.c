/* libc/msvcrt/errno.c - errno, _doserrno and the error messages (Microsoft's texts). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "thread.h"

/* The address of the calling thread's errno. */
int *__cdecl _errno(void)
{
	return &crt_thread()->err;
}

/* The address of the calling thread's _doserrno (the last Win32 error a runtime call saw). */
unsigned long *__cdecl __doserrno(void)
{
	return &crt_thread()->doserr;
}

/* Sets errno to e. */
void crt_set_errno(int e)
{
	crt_thread()->err = e;
}

/* Stores errno in *value; 0, or EINVAL for NULL. */
errno_t __cdecl _get_errno(int *value)
{
	if (!value)
		return EINVAL;
	*value = crt_thread()->err;
	return 0;
}

/* Sets errno; returns 0. */
errno_t __cdecl _set_errno(int value)
{
	crt_thread()->err = value;
	return 0;
}

/* Microsoft's messages for errno values 0..42 (_sys_errlist). */
const char *const crt_sys_errlist[] = {
	"No error", "Operation not permitted", "No such file or directory", "No such process",
	"Interrupted function call", "Input/output error", "No such device or address",
	"Arg list too long", "Exec format error", "Bad file descriptor", "No child processes",
	"Resource temporarily unavailable", "Not enough space", "Permission denied", "Bad address",
	"Unknown error", "Resource device", "File exists", "Improper link", "No such device",
	"Not a directory", "Is a directory", "Invalid argument", "Too many open files in system",
	"Too many open files", "Inappropriate I/O control operation", "Unknown error",
	"File too large", "No space left on device", "Invalid seek", "Read-only file system",
	"Too many links", "Broken pipe", "Domain error", "Result too large", "Unknown error",
	"Resource deadlock avoided", "Unknown error", "Filename too long", "No locks available",
	"Function not implemented", "Directory not empty", "Illegal byte sequence",
	"Unknown error",
};
int crt_sys_nerr = (int)(sizeof(crt_sys_errlist) / sizeof(crt_sys_errlist[0]));

/* The message for errno value e ("Unknown error" outside the table). */
char *__cdecl strerror(int e)
{
	if (e < 0 || e >= crt_sys_nerr)
		e = crt_sys_nerr - 1;
	return (char *)crt_sys_errlist[e];
}

/* "s: message\n" (or "message\n" when s is NULL or empty) for the current errno, in a per-thread buffer. */
char *__cdecl _strerror(const char *s)
{
	struct crt_thread *t = crt_thread();
	const char *msg = strerror(t->err);
	if (s && *s)
		_snprintf(t->strerror_text, sizeof(t->strerror_text) - 1, "%.90s: %s\n", s, msg);
	else
		_snprintf(t->strerror_text, sizeof(t->strerror_text) - 1, "%s\n", msg);
	t->strerror_text[sizeof(t->strerror_text) - 1] = 0;
	return t->strerror_text;
}

/* Writes "s: message\n" (or "message\n") for the current errno to stderr. */
void __cdecl perror(const char *s)
{
	const char *msg = strerror(crt_thread()->err);
	FILE *f = &crt_iob[2];
	_lock_file(f);
	if (s && *s) {
		fputs(s, f);
		fputs(": ", f);
	}
	fputs(msg, f);
	fputc('\n', f);
	_unlock_file(f);
}

/* The address of _sys_nerr (also exported as data). */
int *__cdecl __sys_nerr(void)
{
	return &crt_sys_nerr;
}

/* The address of _sys_errlist. */
char **__cdecl __sys_errlist(void)
{
	return (char **)crt_sys_errlist;
}
