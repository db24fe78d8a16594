/*
 * libc/msvcrt/stdio_file.c - opening and closing streams (fopen, _wfopen,
 * _fsopen, freopen, _fdopen, tmpfile, fclose, _fcloseall) and the names
 * (remove, rename, _unlink and wide forms).
 *
 * Streams are the _iob entries 3..19 first, then allocated ones (a FILE and
 * its lock, MinGW's _FILEX) up to CRT_NSTREAM in all, as msvcrt.  Modes:
 * "r" "w" "a", "+", "b"/"t" (default _fmode), and msvcrt's "c" "n" "S" "R"
 * "T" "D" (accepted: "T" and "D" as _O_SHORT_LIVED and _O_TEMPORARY).
 */
#include <errno.h>
#include <fcntl.h>
#include <share.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stdio_impl.h"

#define LOCK_STREAMS 11	/* runtime lock number of the stream table */

static struct crt_filex *more[CRT_NSTREAM - CRT_IOB_ENTRIES];
static int nmore;	/* more[0..nmore) are allocated (never freed), the rest NULL */

int crt_stream_end(void)
{
	return CRT_IOB_ENTRIES + nmore;
}

FILE *crt_stream(int i)
{
	if (i < CRT_IOB_ENTRIES)
		return &crt_iob[i];
	return more[i - CRT_IOB_ENTRIES] ? &more[i - CRT_IOB_ENTRIES]->f : NULL;
}

/* A closed stream to use, locked; NULL with EMFILE (ENOMEM) when none is left. */
static FILE *stream_alloc(void)
{
	_lock(LOCK_STREAMS);
	for (int i = 3; i < CRT_IOB_ENTRIES; i++)
		if (!(crt_iob[i]._flag & (_IOREAD | _IOWRT | _IORW))) {
			FILE *f = &crt_iob[i];
			_lock_file(f);
			memset(f, 0, sizeof(*f));
			f->_file = -1;
			f->_flag = _IORW;	/* reserved until the caller sets the real flags */
			_unlock(LOCK_STREAMS);
			return f;
		}
	for (int i = 0; i < CRT_NSTREAM - CRT_IOB_ENTRIES; i++) {
		if (!more[i]) {
			struct crt_filex *x = calloc(1, sizeof(*x));
			if (!x) {
				_unlock(LOCK_STREAMS);
				errno = ENOMEM;
				return NULL;
			}
			InitializeCriticalSection(&x->lock);
			more[i] = x;
			nmore = i + 1;
		}
		if (!(more[i]->f._flag & (_IOREAD | _IOWRT | _IORW))) {
			FILE *f = &more[i]->f;
			_lock_file(f);
			memset(f, 0, sizeof(*f));
			f->_file = -1;
			f->_flag = _IORW;
			_unlock(LOCK_STREAMS);
			return f;
		}
	}
	_unlock(LOCK_STREAMS);
	errno = EMFILE;
	return NULL;
}

/* Parses an fopen mode into _open flags and stream flags; 0, or -1 (EINVAL) for a bad mode. */
static int parse_mode(const wchar_t *mode, int *oflag, int *sflag)
{
	while (*mode == L' ')
		mode++;
	switch (*mode++) {
	case L'r': *oflag = _O_RDONLY; *sflag = _IOREAD; break;
	case L'w': *oflag = _O_WRONLY | _O_CREAT | _O_TRUNC; *sflag = _IOWRT; break;
	case L'a': *oflag = _O_WRONLY | _O_CREAT | _O_APPEND; *sflag = _IOWRT; break;
	default: errno = EINVAL; return -1;
	}
	int plus = 0, bt = 0;
	for (; *mode && *mode != L','; mode++) {
		switch (*mode) {
		case L'+':
			if (plus++)
				goto bad;
			*oflag = (*oflag & ~(_O_RDONLY | _O_WRONLY)) | _O_RDWR;
			*sflag = _IORW;
			break;
		case L'b':
		case L't':
			if (bt++)
				goto bad;
			*oflag |= *mode == L'b' ? _O_BINARY : _O_TEXT;
			break;
		case L'c': case L'n': case L'N': case L'S': case L'R':
			break;
		case L'T': *oflag |= _O_SHORT_LIVED; break;
		case L'D': *oflag |= _O_TEMPORARY; break;
		case L' ': break;
		default: goto bad;
		}
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Opens path on stream f (allocated and locked); f or NULL (f released). */
static FILE *open_on(FILE *f, const wchar_t *path, const wchar_t *mode, int share)
{
	int oflag, sflag;
	if (parse_mode(mode, &oflag, &sflag) == 0) {
		int fd = crt_wsopen(path, oflag, share, _S_IREAD | _S_IWRITE);
		if (fd >= 0) {
			f->_file = fd;
			f->_flag = sflag;
			f->_base = f->_ptr = NULL;
			f->_cnt = f->_bufsiz = 0;
			_unlock_file(f);
			return f;
		}
	}
	f->_flag = 0;
	_unlock_file(f);
	return NULL;
}

/* _wfsopen: the wide form with a share flag (_SH_DENYNO for fopen). */
FILE *__cdecl _wfsopen(const wchar_t *path, const wchar_t *mode, int share)
{
	if (!path || !mode || !*mode) {
		errno = EINVAL;
		return NULL;
	}
	FILE *f = stream_alloc();
	return f ? open_on(f, path, mode, share) : NULL;
}

FILE *__cdecl _wfopen(const wchar_t *path, const wchar_t *mode)
{
	return _wfsopen(path, mode, _SH_DENYNO);
}

/* A narrow mode as wide (ASCII). */
static int wide_mode(const char *mode, wchar_t *w, int n)
{
	int i = 0;
	if (!mode) {
		errno = EINVAL;
		return 0;
	}
	for (; mode[i] && i < n - 1; i++)
		w[i] = (unsigned char)mode[i];
	w[i] = 0;
	return 1;
}

FILE *__cdecl _fsopen(const char *path, const char *mode, int share)
{
	wchar_t w[CRT_PATH_UNITS], m[32];
	if (!crt_path_to_wide(path, w, CRT_PATH_UNITS) || !wide_mode(mode, m, 32))
		return NULL;
	return _wfsopen(w, m, share);
}

/* fopen: "r", "w", "a" with "+", "b", "t"; NULL with errno (ENOENT, EACCES, EINVAL, EMFILE...). */
FILE *__cdecl fopen(const char *path, const char *mode)
{
	return _fsopen(path, mode, _SH_DENYNO);
}

/* Closes f and opens path on the same stream; f or NULL (f closed). */
FILE *__cdecl _wfreopen(const wchar_t *path, const wchar_t *mode, FILE *f)
{
	if (!path || !mode || !f) {
		errno = EINVAL;
		return NULL;
	}
	if (f->_flag & (_IOREAD | _IOWRT | _IORW))
		fclose(f);
	_lock_file(f);
	memset(f, 0, sizeof(*f));
	f->_file = -1;
	return open_on(f, path, mode, _SH_DENYNO);
}

FILE *__cdecl freopen(const char *path, const char *mode, FILE *f)
{
	wchar_t w[CRT_PATH_UNITS], m[32];
	if (!crt_path_to_wide(path, w, CRT_PATH_UNITS) || !wide_mode(mode, m, 32))
		return NULL;
	return _wfreopen(w, m, f);
}

/* A stream on descriptor fd; NULL with EBADF or EINVAL. */
FILE *__cdecl _fdopen(int fd, const char *mode)
{
	wchar_t m[32];
	int oflag, sflag;
	if (!crt_fd_valid(fd)) {
		errno = EBADF;
		return NULL;
	}
	if (!wide_mode(mode, m, 32) || parse_mode(m, &oflag, &sflag))
		return NULL;
	FILE *f = stream_alloc();
	if (!f)
		return NULL;
	f->_file = fd;
	f->_flag = sflag;
	_unlock_file(f);
	return f;
}

/*
 * tmpfile: a new file "\t<pid>.<n>" in the root of the current drive (msvcrt's
 * P_tmpdir is "\"), opened "w+b" and deleted when closed.
 */
FILE *__cdecl tmpfile(void)
{
	static LONG counter;
	wchar_t name[40];
	for (int tries = 0; tries < 1000; tries++) {
		unsigned n = (unsigned)InterlockedIncrement(&counter);
		_snwprintf(name, 40, L"\\t%x.%u", (unsigned)GetCurrentProcessId(), n);
		FILE *f = stream_alloc();
		if (!f)
			return NULL;
		int fd = crt_wsopen(name, _O_RDWR | _O_BINARY | _O_CREAT | _O_EXCL | _O_TEMPORARY, _SH_DENYNO,
				    _S_IREAD | _S_IWRITE);
		if (fd >= 0) {
			f->_file = fd;
			f->_flag = _IORW;
			_unlock_file(f);
			return f;
		}
		f->_flag = 0;
		_unlock_file(f);
		if (errno != EEXIST)
			return NULL;
	}
	return NULL;
}

/* Removing a file: 0, or -1 with errno (ENOENT, EACCES for a read-only file, a directory or one in use). */
int __cdecl _wremove(const wchar_t *path)
{
	if (!path) {
		errno = EINVAL;
		return -1;
	}
	if (!DeleteFileW(path)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}

int __cdecl remove(const char *path)
{
	wchar_t w[CRT_PATH_UNITS];
	return crt_path_to_wide(path, w, CRT_PATH_UNITS) ? _wremove(w) : -1;
}

int __cdecl _unlink(const char *path)
{
	return remove(path);
}

int __cdecl _wunlink(const wchar_t *path)
{
	return _wremove(path);
}

/* Renaming a file or directory: 0, or -1 with errno (the target exists: EEXIST; missing: ENOENT). */
int __cdecl _wrename(const wchar_t *from, const wchar_t *to)
{
	if (!from || !to) {
		errno = EINVAL;
		return -1;
	}
	if (!MoveFileExW(from, to, MOVEFILE_COPY_ALLOWED)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}

int __cdecl rename(const char *from, const char *to)
{
	wchar_t a[CRT_PATH_UNITS], b[CRT_PATH_UNITS];
	if (!crt_path_to_wide(from, a, CRT_PATH_UNITS) || !crt_path_to_wide(to, b, CRT_PATH_UNITS))
		return -1;
	return _wrename(a, b);
}

/* Flushes and closes f (its descriptor too); 0 or EOF.  The _iob slot or the allocated stream is reused. */
int __cdecl fclose(FILE *f)
{
	if (!f || !(f->_flag & (_IOREAD | _IOWRT | _IORW))) {
		errno = EINVAL;
		return EOF;
	}
	_lock_file(f);
	int r = crt_flush_locked(f);
	if (f->_flag & _IOMYBUF)
		free(f->_base);
	if (f->_file >= 0 && _close(f->_file))
		r = EOF;
	f->_base = f->_ptr = NULL;
	f->_cnt = f->_bufsiz = 0;
	f->_flag = 0;
	f->_file = -1;
	_unlock_file(f);
	return r;
}

/* Closes every stream except stdin, stdout and stderr; returns how many. */
int __cdecl _fcloseall(void)
{
	int n = 0;
	for (int i = 3; i < CRT_NSTREAM; i++) {
		FILE *f = crt_stream(i);
		if (f && (f->_flag & (_IOREAD | _IOWRT | _IORW))) {
			fclose(f);
			n++;
		}
	}
	return n;
}
