/*
 * libc/msvcrt/stdio_impl.h - the stream layout shared by the stdio files.
 *
 * FILE is MinGW's struct _iobuf with Microsoft's meaning of the fields:
 * _base/_bufsiz the buffer, _ptr the next byte, _cnt the bytes left to read
 * or the room left to write, _flag the _IO* bits, _file the descriptor.
 */
#ifndef LIBC_MSVCRT_STDIO_IMPL_H
#define LIBC_MSVCRT_STDIO_IMPL_H

#include "crt.h"

/* A stream outside _iob: the FILE and its lock (MinGW's _FILEX). */
struct crt_filex {
	FILE f;
	CRITICAL_SECTION lock;
};

#ifndef _IOYOURBUF
#define _IOYOURBUF     0x0100	/* the caller's setvbuf buffer (Microsoft's value) */
#endif
#define CRT_IOTMPBUF   0x10000	/* unbuffered stream gathering output while locked */
#define CRT_STDBUF_SIZE 4096	/* a fully buffered stream's buffer */
#define CRT_TMPBUF_SIZE 512	/* an unbuffered stream's gathering buffer */

/* lock.c calls this at the outermost release of an _iob stream's lock. */
void crt_stream_unlocking(FILE *f);

/* Writes out f's pending output (f locked); 0 or EOF with _IOERR set. */
int crt_flush_locked(FILE *f);

/* lowio.c */
#define CRT_NFD 256		/* descriptors */
#define CRT_PATH_UNITS 1040	/* a path argument as UTF-16, NUL included */
int crt_fd_valid(int fd);
int crt_fd_is_text(int fd);
void crt_dosmaperr(unsigned long win32_error);	/* errno and _doserrno from a Win32 error (msvcrt's table) */
int crt_wsopen(const wchar_t *path, int oflag, int shflag, int pmode);
int crt_path_to_wide(const char *path, wchar_t *w, int units);	/* CP_ACP; 0 with errno on failure */
extern int crt_fmode;		/* _fmode (startup.c) */

/* stdio_file.c: every stream (the _iob entries and the allocated ones); NULL for a free slot */
#define CRT_NSTREAM 512
FILE *crt_stream(int i);
/* One past the last stream crt_stream can return (the rest are NULL): what fflush(NULL) walks. */
int crt_stream_end(void);

#endif
