/*
 * libc/msvcrt/stdio_in.c - input and positioning: getc, ungetc, fgets,
 * fread, feof/ferror, fseek/ftell.  Standard input has no data yet
 * (_read returns end of file), so reads end at once; ungetc works.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_impl.h"

#undef getwc
#undef getwchar

/* Refills read stream f's buffer and returns its first byte (f locked): the slow path of getc. EOF at end or on error. */
int __cdecl _filbuf(FILE *f)
{
	if (!(f->_flag & (_IOREAD | _IORW)) || (f->_flag & _IOSTRG) || f->_file < 0) {
		f->_flag |= _IOERR;
		return EOF;
	}
	if (f->_flag & _IOWRT) {
		if (!(f->_flag & _IORW) || crt_flush_locked(f)) {
			f->_flag |= _IOERR;
			return EOF;
		}
		f->_flag &= ~_IOWRT;
	}
	f->_flag |= _IOREAD;
	if (!f->_base) {
		f->_base = malloc(CRT_STDBUF_SIZE);
		if (f->_base) {
			f->_bufsiz = CRT_STDBUF_SIZE;
			f->_flag |= _IOMYBUF;
		} else {
			f->_base = (char *)&f->_charbuf;
			f->_bufsiz = 1;
		}
	}
	int n = _read(f->_file, f->_base, (unsigned)f->_bufsiz);
	f->_ptr = f->_base;
	if (n <= 0) {
		f->_flag |= n ? _IOERR : _IOEOF;
		f->_cnt = 0;
		return EOF;
	}
	f->_cnt = n - 1;
	return (unsigned char)*f->_ptr++;
}

/* getc without the lock. */
static int getc_locked(FILE *f)
{
	/* While the stream is writing, _cnt is the room left in the buffer, not bytes to read. */
	if (f->_cnt > 0 && !(f->_flag & _IOWRT)) {
		f->_cnt--;
		return (unsigned char)*f->_ptr++;
	}
	return _filbuf(f);
}

/* The next byte of f, or EOF. */
int __cdecl fgetc(FILE *f)
{
	_lock_file(f);
	int c = getc_locked(f);
	_unlock_file(f);
	return c;
}

/* getc is fgetc. */
int __cdecl getc(FILE *f)
{
	return fgetc(f);
}

/* fgetc from stdin. */
int __cdecl getchar(void)
{
	return fgetc(&crt_iob[0]);
}

/* fgetc from stdin (the old name). */
int __cdecl _fgetchar(void)
{
	return fgetc(&crt_iob[0]);
}

/* Pushes c back onto read stream f (one byte is always possible); returns c, or EOF for c == EOF or no room. */
int __cdecl ungetc(int c, FILE *f)
{
	if (c == EOF)
		return EOF;
	_lock_file(f);
	int r = EOF;
	if ((f->_flag & (_IOREAD | _IORW)) && !(f->_flag & _IOWRT)) {
		if (!f->_base) {
			f->_base = (char *)&f->_charbuf;
			f->_bufsiz = 1;
			f->_ptr = f->_base + 1;
			f->_cnt = 0;
		}
		if (f->_ptr == f->_base && f->_cnt == 0)
			f->_ptr = f->_base + f->_bufsiz;
		if (f->_ptr > f->_base) {
			*--f->_ptr = (char)c;
			f->_cnt++;
			f->_flag &= ~_IOEOF;
			f->_flag |= _IOREAD;
			r = (unsigned char)c;
		}
	}
	_unlock_file(f);
	return r;
}

/* Reads up to n-1 bytes through a newline into s; s, or NULL at end of file before any byte. */
char *__cdecl fgets(char *s, int n, FILE *f)
{
	if (n <= 0)
		return NULL;
	_lock_file(f);
	int i = 0;
	while (i < n - 1) {
		int c = getc_locked(f);
		if (c == EOF)
			break;
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	_unlock_file(f);
	if (i == 0 && n > 1)
		return NULL;
	s[i] = 0;
	return s;
}

/* Reads a line from stdin without its newline (no bound: the old gets). */
char *__cdecl gets(char *s)
{
	FILE *f = &crt_iob[0];
	_lock_file(f);
	int c, i = 0;
	while ((c = getc_locked(f)) != EOF && c != '\n')
		s[i++] = (char)c;
	_unlock_file(f);
	if (c == EOF && i == 0)
		return NULL;
	s[i] = 0;
	return s;
}

/* Reads up to n items of size bytes; returns the whole items read. */
size_t __cdecl fread(void *p, size_t size, size_t n, FILE *f)
{
	if (!size || !n)
		return 0;
	if (n > (size_t)-1 / size) {
		errno = EINVAL;
		return 0;
	}
	size_t want = size * n, got = 0;
	char *d = p;
	_lock_file(f);
	while (got < want) {
		int c = getc_locked(f);
		if (c == EOF)
			break;
		d[got++] = (char)c;
	}
	_unlock_file(f);
	return got / size;
}

/* Reads an int stored by _putw; EOF at end. */
int __cdecl _getw(FILE *f)
{
	int w;
	return fread(&w, sizeof(w), 1, f) == 1 ? w : EOF;
}

/* The next wide character: one byte in the C locale; WEOF at end. */
wint_t __cdecl fgetwc(FILE *f)
{
	int c = fgetc(f);
	return c == EOF ? WEOF : (wint_t)(unsigned char)c;
}

/* getwc is fgetwc. */
wint_t __cdecl getwc(FILE *f)
{
	return fgetwc(f);
}

/* fgetwc from stdin. */
wint_t __cdecl getwchar(void)
{
	return fgetwc(&crt_iob[0]);
}

/* Pushes wide character wc back (as its C-locale byte); wc or WEOF. */
wint_t __cdecl ungetwc(wint_t wc, FILE *f)
{
	char b;
	if (wc == WEOF || crt_wctomb_c(&b, (wchar_t)wc) < 0)
		return WEOF;
	return ungetc((unsigned char)b, f) == EOF ? WEOF : wc;
}

/* Reads up to n-1 wide characters through a newline; s or NULL. */
wchar_t *__cdecl fgetws(wchar_t *s, int n, FILE *f)
{
	if (n <= 0)
		return NULL;
	int i = 0;
	while (i < n - 1) {
		wint_t c = fgetwc(f);
		if (c == WEOF)
			break;
		s[i++] = (wchar_t)c;
		if (c == L'\n')
			break;
	}
	if (i == 0 && n > 1)
		return NULL;
	s[i] = 0;
	return s;
}

/* Nonzero when f has reached end of file. */
int __cdecl feof(FILE *f)
{
	return f->_flag & _IOEOF;
}

/* Nonzero when an error happened on f. */
int __cdecl ferror(FILE *f)
{
	return f->_flag & _IOERR;
}

/* Clears f's end-of-file and error indicators. */
void __cdecl clearerr(FILE *f)
{
	_lock_file(f);
	f->_flag &= ~(_IOEOF | _IOERR);
	_unlock_file(f);
}

/* Repositions f: pending output is written, pushed-back input dropped, EOF cleared; then the descriptor seeks. 0 or -1. */
int __cdecl _fseeki64(FILE *f, __int64 off, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
		errno = EINVAL;
		return -1;
	}
	_lock_file(f);
	if (whence == SEEK_CUR) {	/* relative to what the program has consumed, not to the read-ahead */
		__int64 cur = _ftelli64(f);
		if (cur < 0) {
			_unlock_file(f);
			return -1;
		}
		off += cur;
		whence = SEEK_SET;
	}
	crt_flush_locked(f);
	/* Whichever way the buffer was used, it holds nothing for the new position. */
	f->_cnt = 0;
	f->_ptr = f->_base;
	f->_flag &= ~_IOEOF;
	if (f->_flag & _IORW)
		f->_flag &= ~(_IOREAD | _IOWRT);
	__int64 r = _lseeki64(f->_file, off, whence);
	_unlock_file(f);
	return r < 0 ? -1 : 0;
}

/* fseek with a long offset. */
int __cdecl fseek(FILE *f, long off, int whence)
{
	return _fseeki64(f, off, whence);
}

/* The position of f: the descriptor's position plus buffered output or minus unread input; -1 when it cannot seek. */
__int64 __cdecl _ftelli64(FILE *f)
{
	_lock_file(f);
	__int64 pos = _lseeki64(f->_file, 0, SEEK_CUR);
	if (pos >= 0 && f->_base) {
		/* text mode: each '\n' in the buffer is "\r\n" in the file (msvcrt counts the same way) */
		int text = crt_fd_is_text(f->_file);
		if (f->_flag & _IOWRT) {
			pos += f->_ptr - f->_base;
			for (char *p = f->_base; text && p < f->_ptr; p++)
				pos += *p == '\n';
		} else if ((f->_flag & _IOREAD) && f->_cnt > 0) {
			pos -= f->_cnt;
			for (char *p = f->_ptr; text && p < f->_ptr + f->_cnt; p++)
				pos -= *p == '\n';
		}
	}
	_unlock_file(f);
	return pos;
}

/* _ftelli64 as a long. */
long __cdecl ftell(FILE *f)
{
	return (long)_ftelli64(f);
}

/* fseek(f, 0, SEEK_SET) that also clears the error indicator. */
void __cdecl rewind(FILE *f)
{
	fseek(f, 0, SEEK_SET);
	clearerr(f);
}

/* Stores f's position in *pos; 0 or -1. */
int __cdecl fgetpos(FILE *f, fpos_t *pos)
{
	__int64 p = _ftelli64(f);
	if (p < 0)
		return -1;
	*pos = p;
	return 0;
}

/* Seeks f to a position from fgetpos; 0 or -1. */
int __cdecl fsetpos(FILE *f, const fpos_t *pos)
{
	return _fseeki64(f, *pos, SEEK_SET);
}
