/*
 * libc/msvcrt/stdio.c - the stream table (_iob, __iob_func) and buffering.
 *
 * stdin reads, stdout and stderr write.  A write stream gets its buffer at
 * its first write: 4096 bytes for stdout (descriptors are never consoles
 * here, and msvcrt fully buffers a stdout that is not one), written when
 * full, by fflush and at exit.  stderr (and any stream set _IONBF) is
 * unbuffered: it gathers what one call writes while it holds the stream's
 * lock and writes it when the lock is released (Microsoft's runtime does
 * the same per printf call with a temporary buffer).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_impl.h"

FILE crt_iob[CRT_IOB_ENTRIES];
static char stdout_buf[CRT_STDBUF_SIZE];
static char tmpbuf[CRT_IOB_ENTRIES][CRT_TMPBUF_SIZE];	/* only for unbuffered _iob streams */

/* Sets up stdin, stdout, stderr on descriptors 0..2. */
void crt_stdio_init(void)
{
	crt_iob[0]._flag = _IOREAD;
	crt_iob[1]._flag = _IOWRT;
	crt_iob[2]._flag = _IOWRT | _IONBF;
	for (int i = 0; i < 3; i++)
		crt_iob[i]._file = i;
	for (int i = 3; i < CRT_IOB_ENTRIES; i++)
		crt_iob[i]._file = -1;
}

/* The _iob array: stdin, stdout, stderr are its first three entries. */
FILE *__cdecl __iob_func(void)
{
	return crt_iob;
}

/* Nonzero when f is an _iob entry with no buffer of its own (it gathers while locked). */
static int gathers(FILE *f)
{
	return (f->_flag & _IONBF) && f >= crt_iob && f < crt_iob + CRT_IOB_ENTRIES;
}

/* Gives write stream f its buffer if it has none (f locked). */
static void get_buffer(FILE *f)
{
	if (f->_base)
		return;
	if (gathers(f)) {
		f->_base = tmpbuf[f - crt_iob];
		f->_bufsiz = CRT_TMPBUF_SIZE;
		f->_flag |= CRT_IOTMPBUF;
	} else if (f == &crt_iob[1]) {
		f->_base = stdout_buf;
		f->_bufsiz = sizeof(stdout_buf);
	} else {
		f->_base = malloc(CRT_STDBUF_SIZE);
		if (f->_base) {
			f->_bufsiz = CRT_STDBUF_SIZE;
			f->_flag |= _IOMYBUF;
		} else {
			/* No memory: a one-byte buffer in the stream itself. */
			f->_base = (char *)&f->_charbuf;
			f->_bufsiz = 1;
		}
	}
	f->_ptr = f->_base;
	f->_cnt = 0;
}

/* Writes out f's pending output (f locked); 0, or EOF with _IOERR set. */
int crt_flush_locked(FILE *f)
{
	if (!(f->_flag & _IOWRT) || !f->_base)
		return 0;
	int n = (int)(f->_ptr - f->_base);
	f->_ptr = f->_base;
	f->_cnt = f->_bufsiz;
	if (n > 0 && crt_write_fd(f->_file, f->_base, (size_t)n) != n) {
		f->_flag |= _IOERR;
		return EOF;
	}
	return 0;
}

/* Called with f's lock held for the last time: an unbuffered stream writes what it gathered. */
void crt_stream_unlocking(FILE *f)
{
	if (f->_flag & CRT_IOTMPBUF) {
		crt_flush_locked(f);
		f->_cnt = f->_bufsiz;
	}
}

/* Puts byte c into write stream f when its buffer is full or absent (f locked): the
 * slow path of putc, also called by code that inlines Microsoft's putc macro.
 * Returns (unsigned char)c or EOF. */
int __cdecl _flsbuf(int c, FILE *f)
{
	if (!(f->_flag & (_IOWRT | _IORW)) || (f->_flag & _IOSTRG) || f->_file < 0) {
		f->_flag |= _IOERR;
		f->_cnt = 0;
		return EOF;
	}
	if (f->_flag & _IOREAD) {	/* a read/write stream turning to writing */
		f->_flag &= ~(_IOREAD | _IOEOF);
		f->_ptr = f->_base;
		f->_cnt = 0;
	}
	f->_flag |= _IOWRT;
	get_buffer(f);
	if (f->_ptr - f->_base >= f->_bufsiz && crt_flush_locked(f)) {
		f->_cnt = 0;
		return EOF;
	}
	*f->_ptr++ = (char)c;
	f->_cnt = f->_bufsiz - (int)(f->_ptr - f->_base);
	if (f->_bufsiz == 1 && crt_flush_locked(f))
		return EOF;
	return (unsigned char)c;
}

/* putc without taking the lock (f locked by the caller). */
int crt_fputc_locked(int c, FILE *f)
{
	if (f->_cnt > 0) {
		f->_cnt--;
		*f->_ptr++ = (char)c;
		return (unsigned char)c;
	}
	return _flsbuf(c, f);
}

/* fwrite of n bytes without taking the lock; returns the bytes written. */
size_t crt_fwrite_locked(const void *p, size_t n, FILE *f)
{
	const char *s = p;
	size_t done = 0;
	while (done < n) {
		if (f->_cnt > 0) {
			size_t k = n - done < (size_t)f->_cnt ? n - done : (size_t)f->_cnt;
			memcpy(f->_ptr, s + done, k);
			f->_ptr += k;
			f->_cnt -= (int)k;
			done += k;
			continue;
		}
		if (crt_fputc_locked((unsigned char)s[done], f) == EOF)
			break;
		done++;
	}
	return done;
}

/* Writes out f's buffer (NULL: every stream); 0 or EOF. */
int __cdecl fflush(FILE *f)
{
	if (!f) {
		int r = 0, end = crt_stream_end();	/* 20 unless more streams were ever opened */
		for (int i = 0; i < end; i++) {
			FILE *s = crt_stream(i);
			if (s && (s->_flag & _IOWRT)) {
				_lock_file(s);
				if (crt_flush_locked(s))
					r = EOF;
				_unlock_file(s);
			}
		}
		return r;
	}
	_lock_file(f);
	int r = crt_flush_locked(f);
	if (f->_flag & _IOREAD) {	/* discard read-ahead */
		f->_cnt = 0;
		f->_ptr = f->_base;
	}
	_unlock_file(f);
	return r;
}

/* Flushes every stream; returns the number of open streams (Microsoft's _flushall). */
int __cdecl _flushall(void)
{
	int n = 0;
	for (int i = 0; i < CRT_NSTREAM; i++) {
		FILE *s = crt_stream(i);
		if (s && (s->_flag & (_IOREAD | _IOWRT | _IORW))) {
			fflush(s);
			n++;
		}
	}
	return n;
}

/* fflush(NULL) for the exit paths. */
void crt_flush_all(void)
{
	fflush(NULL);
}

/* Chooses f's buffering before it is used: _IONBF, or _IOFBF/_IOLBF (both full
 * buffering, as in msvcrt) with buf or an allocated buffer of size bytes
 * (2..INT_MAX).  Returns 0, or -1 for a bad mode or size. */
int __cdecl setvbuf(FILE *f, char *buf, int mode, size_t size)
{
	if (mode != _IONBF && mode != _IOFBF && mode != _IOLBF)
		return -1;
	if (mode != _IONBF && (size < 2 || size > 0x7fffffff))
		return -1;
	_lock_file(f);
	crt_flush_locked(f);
	if (f->_flag & _IOMYBUF)
		free(f->_base);
	f->_flag &= ~(_IOMYBUF | _IONBF | CRT_IOTMPBUF | _IOYOURBUF);
	f->_base = f->_ptr = NULL;
	f->_cnt = f->_bufsiz = 0;
	int r = 0;
	if (mode == _IONBF) {
		f->_flag |= _IONBF;
	} else {
		size &= ~(size_t)1;
		if (!buf) {
			buf = malloc(size);
			if (buf)
				f->_flag |= _IOMYBUF;
			else
				r = -1;
		} else {
			f->_flag |= _IOYOURBUF;
		}
		if (buf) {
			f->_base = f->_ptr = buf;
			f->_bufsiz = (int)size;
		}
	}
	_unlock_file(f);
	return r;
}

/* setbuf(f, buf): setvbuf with BUFSIZ bytes of buf, or unbuffered for NULL. */
void __cdecl setbuf(FILE *f, char *buf)
{
	setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

/* The descriptor of f. */
int __cdecl _fileno(FILE *f)
{
	return f->_file;
}
