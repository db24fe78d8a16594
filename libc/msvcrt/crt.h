/*
 * libc/msvcrt/crt.h - msvcrt.dll internals shared between its files.
 *
 * The DLL is built with MinGW-w64's own headers (-D_CRTIMP= so the C
 * runtime's declarations are not dllimport here, -D__USE_MINGW_ANSI_STDIO=0
 * so printf and friends are the plain msvcrt names this DLL defines).
 * Formatting, scanning, strtod and most math come from libmingwex.a, linked
 * statically; its objects call back into this DLL's fputc, _errno, malloc...
 */
#ifndef LIBC_MSVCRT_CRT_H
#define LIBC_MSVCRT_CRT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <wchar.h>
#include <float.h>
#include <io.h>
#include <windows.h>

/* libmingwex's formatter: writes at most max characters (all with
 * PFORMAT_NOLIMIT) to a buffer, or to a FILE with PFORMAT_TO_FILE; never
 * adds a NUL; returns the full length of the output. */
#define PFORMAT_TO_FILE 0x2000
#define PFORMAT_NOLIMIT 0x4000
int __mingw_pformat(int flags, void *dest, int max, const char *fmt, va_list ap);
int __mingw_wpformat(int flags, void *dest, int max, const wchar_t *fmt, va_list ap);
int __mingw_vfscanf(FILE *f, const char *fmt, va_list ap);
int __mingw_vsscanf(const char *s, const char *fmt, va_list ap);
int __mingw_vswscanf(const wchar_t *s, const wchar_t *fmt, va_list ap);
int __mingw_vfwscanf(FILE *f, const wchar_t *fmt, va_list ap);
double __mingw_strtod(const char *s, char **end);
double __mingw_wcstod(const wchar_t *s, wchar_t **end);

/* The runtime's numbered locks (lock.c); MinGW declares them only in its CRT's internal.h. */
void __cdecl _lock(int n);
void __cdecl _unlock(int n);

/* Locks: _lock(n) for n < CRT_NLOCKS; streams in _iob use CRT_STREAM_LOCKS + index. */
#define CRT_NLOCKS 64
#define CRT_STREAM_LOCKS 16
#define CRT_IOB_ENTRIES 20
#define CRT_IOLOCKED 0x8000	/* _flag bit MinGW's own _lock_file sets */
#define CRT_LOCK_SIGNAL 1	/* the signal table */
#define CRT_LOCK_HEAP 4		/* malloc's lists */
#define CRT_LOCK_TIME 6		/* (unused: time data is per thread) */
#define CRT_LOCK_ENV 7		/* _environ */
#define CRT_LOCK_EXIT 8		/* the _onexit table (MinGW's _EXIT_LOCK1 is 8 too) */

/* The _iob entries; stdin, stdout, stderr are 0, 1, 2. */
extern FILE crt_iob[CRT_IOB_ENTRIES];

/* startup.c */
void crt_fatal(const char *msg);	/* writes msg to stderr's handle and ends the process with 255 */

/* lock.c */
void crt_lock_init(void);

/* stdio.c */
void crt_stdio_init(void);
void crt_flush_all(void);			/* fflush of every open stream */
int crt_write_fd(int fd, const char *buf, size_t n);	/* _write: text-mode LF -> CRLF; bytes written or -1 */
int crt_fputc_locked(int c, FILE *f);
size_t crt_fwrite_locked(const void *p, size_t n, FILE *f);

/* exit.c */
void crt_exit_init(void);
void crt_run_onexit(void);		/* the _onexit/atexit functions, last registered first, once */

/* args.c (pure): splits a command line by the msvcrt rules.  argv gets
 * room for argc + 1 pointers followed by the strings; with argv NULL only
 * counts.  *nchars gets the characters needed for the strings (with NULs). */
int crt_split_args(const char *cmd, char **argv, char *buf, size_t *nchars);
int crt_split_wargs(const wchar_t *cmd, wchar_t **argv, wchar_t *buf, size_t *nchars);

/* wformat.c (pure): rewrites a Microsoft wide format (%s = wide string,
 * %S = narrow) into the C99 one libmingwex understands (%s = narrow, %ls = wide);
 * scanf nonzero: scanf syntax (%[set] is a string conversion).
 * Returns a malloc'ed string, or NULL when out of memory. */
wchar_t *crt_wformat_ms_to_c99(const wchar_t *fmt, int scanf);

/* malloc.c: the allocator without errno (for code errno itself needs). */
void *crt_heap_alloc(size_t size);
void crt_heap_free(void *p);

/* thread.c: the calling thread's strtok/wcstok positions. */
char **crt_strtok_next(void);
wchar_t **crt_wcstok_next(void);

/* errno.c */
void crt_set_errno(int e);

/* mbcs.c */
int crt_wctomb_c(char *out, wchar_t wc);	/* C locale: 1 byte for wc < 256, else -1 */

#endif
