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
#define CRT_NFD 32
int crt_fd_valid(int fd);
int crt_fd_is_text(int fd);

#endif
