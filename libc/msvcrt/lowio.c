/*
 * libc/msvcrt/lowio.c - the descriptor layer: descriptors over Win32
 * handles (_open, _read, _write, _lseek, _close and friends).
 *
 * Descriptors 0, 1 and 2 are the process's standard handles.  A descriptor
 * in text mode (msvcrt's default, _fmode) writes each "\n" as "\r\n" and
 * reads "\r\n" as "\n" (a lone '\r' stays; a Ctrl-Z ends the file, as in
 * msvcrt).  _O_APPEND seeks to the end before every write.  Errors set
 * errno from the Win32 error by msvcrt's table (crt_dosmaperr) and
 * _doserrno to the Win32 error.  No descriptor is a console: _isatty
 * returns 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <share.h>
#include <stdlib.h>
#include <sys/locking.h>
#include <sys/stat.h>

#include "stdio_impl.h"
#include "thread.h"

#define FD_OPEN   0x01
#define FD_EOF    0x02	/* text mode: a Ctrl-Z was read */
#define FD_APPEND 0x20
#define FD_DEV    0x40	/* the standard handles: no seeking */
#define FD_TEXT   0x80

#define LOCK_FDS 10	/* runtime lock number of the descriptor table */

static struct {
	HANDLE h;
	int flags;
} fds[CRT_NFD];

/* Opens descriptors 0..2 on the standard handles (text mode unless _fmode says binary). */
void crt_lowio_init(int fmode)
{
	static const DWORD std[3] = { STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE };
	for (int fd = 0; fd < 3; fd++) {
		fds[fd].h = GetStdHandle(std[fd]);
		fds[fd].flags = FD_OPEN | FD_DEV | ((fmode & _O_BINARY) ? 0 : FD_TEXT);
	}
}

/* msvcrt's Win32 error -> errno table (_dosmaperr); sets errno and _doserrno. */
void crt_dosmaperr(unsigned long e)
{
	static const struct {
		unsigned short err;
		unsigned char no;
	} map[] = {
		{ 1, EINVAL }, { 2, ENOENT }, { 3, ENOENT }, { 4, EMFILE }, { 5, EACCES }, { 6, EBADF },
		{ 7, ENOMEM }, { 8, ENOMEM }, { 9, ENOMEM }, { 10, E2BIG }, { 11, ENOEXEC }, { 12, EINVAL },
		{ 13, EINVAL }, { 15, ENOENT }, { 16, EACCES }, { 17, EXDEV }, { 18, ENOENT }, { 33, EACCES },
		{ 53, ENOENT }, { 65, EACCES }, { 67, ENOENT }, { 80, EEXIST }, { 82, EACCES }, { 83, EACCES },
		{ 87, EINVAL }, { 89, EAGAIN }, { 108, EACCES }, { 109, EPIPE }, { 112, ENOSPC }, { 114, EBADF },
		{ 128, ECHILD }, { 129, ECHILD }, { 130, EBADF }, { 131, EINVAL }, { 132, EACCES },
		{ 145, ENOTEMPTY }, { 158, EACCES }, { 161, ENOENT }, { 164, EAGAIN }, { 167, EACCES },
		{ 183, EEXIST }, { 206, ENOENT }, { 215, EAGAIN }, { 1816, ENOMEM },
	};
	struct crt_thread *t = crt_thread();
	t->doserr = e;
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].err == e) {
			t->err = map[i].no;
			return;
		}
	if (e >= 19 && e <= 36)		/* ERROR_WRITE_PROTECT .. ERROR_SHARING_BUFFER_EXCEEDED */
		t->err = EACCES;
	else if (e >= 188 && e <= 202)	/* ERROR_INVALID_STARTING_CODESEG .. ERROR_INFLOOP_IN_RELOC_CHAIN */
		t->err = ENOEXEC;
	else
		t->err = EINVAL;
}

/* _dosmaperr: the exported form. */
void __cdecl _dosmaperr(unsigned long e)
{
	crt_dosmaperr(e);
}

/* Nonzero when fd is an open descriptor. */
int crt_fd_valid(int fd)
{
	return fd >= 0 && fd < CRT_NFD && (fds[fd].flags & FD_OPEN);
}

/* Nonzero when fd is open in text mode. */
int crt_fd_is_text(int fd)
{
	return crt_fd_valid(fd) && (fds[fd].flags & FD_TEXT);
}

/* EBADF (and _doserrno 0) for a bad descriptor; returns -1. */
static int bad_fd(void)
{
	errno = EBADF;
	crt_thread()->doserr = 0;
	return -1;
}

/* A new descriptor on handle h with FD_* flags (the lowest free); -1 with EMFILE when the table is full. */
static int fd_alloc(HANDLE h, int flags)
{
	_lock(LOCK_FDS);
	for (int fd = 0; fd < CRT_NFD; fd++)
		if (!(fds[fd].flags & FD_OPEN)) {
			fds[fd].h = h;
			fds[fd].flags = FD_OPEN | flags;
			_unlock(LOCK_FDS);
			return fd;
		}
	_unlock(LOCK_FDS);
	errno = EMFILE;
	crt_thread()->doserr = 0;
	return -1;
}

/* WriteFile of all n bytes; 0 or -1 with errno (a write that moves nothing: ENOSPC). */
static int write_all(HANDLE h, const char *p, size_t n)
{
	while (n) {
		DWORD chunk = n > 0x40000000 ? 0x40000000 : (DWORD)n, done = 0;
		if (!WriteFile(h, p, chunk, &done, NULL)) {
			DWORD e = GetLastError();
			crt_dosmaperr(e);
			if (e == ERROR_ACCESS_DENIED)
				errno = EBADF;	/* msvcrt: a handle not open for writing */
			return -1;
		}
		if (done == 0) {
			errno = ENOSPC;
			crt_thread()->doserr = 0;
			return -1;
		}
		p += done;
		n -= done;
	}
	return 0;
}

/* Writes n bytes of buf to fd (text mode: each "\n" as "\r\n"); returns n or -1 with errno set. */
int crt_write_fd(int fd, const char *buf, size_t n)
{
	if (!crt_fd_valid(fd))
		return bad_fd();
	if ((fds[fd].flags & FD_APPEND) && _lseeki64(fd, 0, SEEK_END) < 0)
		return -1;
	if (!(fds[fd].flags & FD_TEXT))
		return write_all(fds[fd].h, buf, n) ? -1 : (int)n;
	char tmp[512];
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		if (used >= sizeof(tmp) - 1) {
			if (write_all(fds[fd].h, tmp, used))
				return -1;
			used = 0;
		}
		if (buf[i] == '\n')
			tmp[used++] = '\r';
		tmp[used++] = buf[i];
	}
	if (used && write_all(fds[fd].h, tmp, used))
		return -1;
	return (int)n;
}

/* _write: see crt_write_fd. */
int __cdecl _write(int fd, const void *buf, unsigned int n)
{
	return crt_write_fd(fd, buf, n);
}

/* ReadFile of up to n bytes; the count, or -1 with errno (a handle not open for reading: EBADF). */
static int read_raw(HANDLE h, char *p, unsigned n)
{
	DWORD got = 0;
	if (!ReadFile(h, p, n, &got, NULL)) {
		DWORD e = GetLastError();
		if (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF)
			return 0;
		crt_dosmaperr(e);
		if (e == ERROR_ACCESS_DENIED)
			errno = EBADF;
		return -1;
	}
	return (int)got;
}

/*
 * _read: up to n bytes; 0 at end of file.  Text mode: "\r\n" -> "\n", a
 * Ctrl-Z ends the file; a '\r' that ends what was read looks at the next
 * byte (and seeks back when it is not '\n').
 */
int __cdecl _read(int fd, void *buf, unsigned int n)
{
	if (!crt_fd_valid(fd))
		return bad_fd();
	if ((int)n < 0) {
		errno = EINVAL;
		return -1;
	}
	if (!n)
		return 0;
	if (!(fds[fd].flags & FD_TEXT))
		return read_raw(fds[fd].h, buf, n);
	if (fds[fd].flags & FD_EOF)
		return 0;
	char *p = buf;
	int got = read_raw(fds[fd].h, p, n);
	if (got <= 0)
		return got;
	int out = 0;
	for (int i = 0; i < got; i++) {
		char c = p[i];
		if (c == 0x1A) {
			fds[fd].flags |= FD_EOF;
			if (!(fds[fd].flags & FD_DEV))
				_lseeki64(fd, (__int64)i - got, SEEK_CUR);	/* leave the pointer at the Ctrl-Z */
			fds[fd].flags |= FD_EOF;
			break;
		}
		if (c != '\r') {
			p[out++] = c;
			continue;
		}
		if (i + 1 < got) {
			if (p[i + 1] == '\n') {
				p[out++] = '\n';
				i++;
			} else {
				p[out++] = '\r';
			}
			continue;
		}
		/* '\r' last: peek at the next byte */
		char next;
		int k = read_raw(fds[fd].h, &next, 1);
		if (k == 1 && next == '\n') {
			p[out++] = '\n';
		} else {
			p[out++] = '\r';
			if (k == 1 && !(fds[fd].flags & FD_DEV))
				_lseeki64(fd, -1, SEEK_CUR);
		}
	}
	return out;
}

/* No descriptor is a console device. */
int __cdecl _isatty(int fd)
{
	(void)fd;
	return 0;
}

/* Sets fd's mode (_O_TEXT or _O_BINARY); returns the previous one or -1 (EBADF, EINVAL). */
int __cdecl _setmode(int fd, int mode)
{
	if (!crt_fd_valid(fd))
		return bad_fd();
	if (mode != _O_TEXT && mode != _O_BINARY) {
		errno = EINVAL;
		return -1;
	}
	int old = (fds[fd].flags & FD_TEXT) ? _O_TEXT : _O_BINARY;
	fds[fd].flags = (fds[fd].flags & ~FD_TEXT) | (mode == _O_TEXT ? FD_TEXT : 0);
	return old;
}

/* The Win32 handle behind fd, or INVALID_HANDLE_VALUE (as intptr_t -1) with errno EBADF. */
intptr_t __cdecl _get_osfhandle(int fd)
{
	if (!crt_fd_valid(fd)) {
		bad_fd();
		return -1;
	}
	return (intptr_t)fds[fd].h;
}

/* A descriptor on an existing handle (_O_APPEND, _O_TEXT, _O_BINARY, _O_RDONLY accepted); -1 EMFILE. */
int __cdecl _open_osfhandle(intptr_t h, int flags)
{
	int f = (flags & _O_APPEND) ? FD_APPEND : 0;
	if (!(flags & _O_BINARY) && ((flags & _O_TEXT) || !(crt_fmode & _O_BINARY)))
		f |= FD_TEXT;
	if (GetFileType((HANDLE)h) == FILE_TYPE_CHAR)
		f |= FD_DEV;
	return fd_alloc((HANDLE)h, f);
}

/*
 * The core of _open/_sopen/_wopen: oflag's access (_O_RDONLY, _O_WRONLY,
 * _O_RDWR), _O_CREAT (pmode without _S_IWRITE: read-only), _O_EXCL,
 * _O_TRUNC, _O_APPEND, _O_TEXT/_O_BINARY (default _fmode), _O_TEMPORARY
 * (deleted at the last close), _O_SEQUENTIAL/_O_RANDOM, _O_NOINHERIT,
 * _O_SHORT_LIVED; share _SH_DENYRW/_SH_DENYWR/_SH_DENYRD/_SH_DENYNO.
 */
int crt_wsopen(const wchar_t *path, int oflag, int shflag, int pmode)
{
	DWORD access, share, disp, attrs = FILE_ATTRIBUTE_NORMAL;
	switch (oflag & (_O_RDONLY | _O_WRONLY | _O_RDWR)) {
	case _O_RDONLY: access = GENERIC_READ; break;
	case _O_WRONLY: access = GENERIC_WRITE; break;
	case _O_RDWR: access = GENERIC_READ | GENERIC_WRITE; break;
	default: errno = EINVAL; return -1;
	}
	switch (shflag) {
	case _SH_DENYRW: share = 0; break;
	case _SH_DENYWR: share = FILE_SHARE_READ; break;
	case _SH_DENYRD: share = FILE_SHARE_WRITE; break;
	case _SH_DENYNO: share = FILE_SHARE_READ | FILE_SHARE_WRITE; break;
	default: errno = EINVAL; return -1;
	}
	switch (oflag & (_O_CREAT | _O_EXCL | _O_TRUNC)) {
	case 0:
	case _O_EXCL: disp = OPEN_EXISTING; break;
	case _O_CREAT: disp = OPEN_ALWAYS; break;
	case _O_CREAT | _O_EXCL:
	case _O_CREAT | _O_TRUNC | _O_EXCL: disp = CREATE_NEW; break;
	case _O_TRUNC:
	case _O_TRUNC | _O_EXCL: disp = TRUNCATE_EXISTING; break;
	default: disp = CREATE_ALWAYS; break;	/* _O_CREAT | _O_TRUNC */
	}
	if ((oflag & _O_CREAT) && !(pmode & _S_IWRITE))
		attrs = FILE_ATTRIBUTE_READONLY;
	if (oflag & _O_TEMPORARY) {
		attrs |= FILE_FLAG_DELETE_ON_CLOSE;
		access |= DELETE;
		share |= FILE_SHARE_DELETE;
	}
	if (oflag & _O_SHORT_LIVED)
		attrs |= FILE_ATTRIBUTE_TEMPORARY;
	if (oflag & _O_SEQUENTIAL)
		attrs |= FILE_FLAG_SEQUENTIAL_SCAN;
	else if (oflag & _O_RANDOM)
		attrs |= FILE_FLAG_RANDOM_ACCESS;
	HANDLE h = CreateFileW(path, access, share, NULL, disp, attrs, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	int flags = (oflag & _O_APPEND) ? FD_APPEND : 0;
	if (!(oflag & _O_BINARY) && ((oflag & _O_TEXT) || !(crt_fmode & _O_BINARY)))
		flags |= FD_TEXT;
	int fd = fd_alloc(h, flags);
	if (fd < 0)
		CloseHandle(h);
	return fd;
}

/* A path argument as UTF-16 (CP_ACP) into w (MAX_PATH * 4 units); 0 with errno ENOENT/EINVAL on failure. */
int crt_path_to_wide(const char *path, wchar_t *w, int units)
{
	if (!path) {
		errno = EINVAL;
		return 0;
	}
	if (!MultiByteToWideChar(CP_ACP, 0, path, -1, w, units)) {
		errno = ENOENT;
		return 0;
	}
	return 1;
}

int __cdecl _wsopen(const wchar_t *path, int oflag, int shflag, ...)
{
	va_list ap;
	va_start(ap, shflag);
	int pmode = (oflag & _O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	if (!path) {
		errno = EINVAL;
		return -1;
	}
	return crt_wsopen(path, oflag, shflag, pmode);
}

int __cdecl _sopen(const char *path, int oflag, int shflag, ...)
{
	va_list ap;
	va_start(ap, shflag);
	int pmode = (oflag & _O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	wchar_t w[CRT_PATH_UNITS];
	if (!crt_path_to_wide(path, w, CRT_PATH_UNITS))
		return -1;
	return crt_wsopen(w, oflag, shflag, pmode);
}

/* _open: _sopen with _SH_DENYNO. */
int __cdecl _open(const char *path, int oflag, ...)
{
	va_list ap;
	va_start(ap, oflag);
	int pmode = (oflag & _O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	wchar_t w[CRT_PATH_UNITS];
	if (!crt_path_to_wide(path, w, CRT_PATH_UNITS))
		return -1;
	return crt_wsopen(w, oflag, _SH_DENYNO, pmode);
}

int __cdecl _wopen(const wchar_t *path, int oflag, ...)
{
	va_list ap;
	va_start(ap, oflag);
	int pmode = (oflag & _O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	if (!path) {
		errno = EINVAL;
		return -1;
	}
	return crt_wsopen(path, oflag, _SH_DENYNO, pmode);
}

/* _creat: _open(path, _O_CREAT | _O_TRUNC | _O_RDWR, pmode). */
int __cdecl _creat(const char *path, int pmode)
{
	return _open(path, _O_CREAT | _O_TRUNC | _O_RDWR, pmode);
}

/* Closes fd and its handle; 0 or -1 with EBADF. */
int __cdecl _close(int fd)
{
	_lock(LOCK_FDS);
	if (!crt_fd_valid(fd)) {
		_unlock(LOCK_FDS);
		return bad_fd();
	}
	HANDLE h = fds[fd].h;
	fds[fd].flags = 0;
	fds[fd].h = INVALID_HANDLE_VALUE;
	_unlock(LOCK_FDS);
	if (!CloseHandle(h)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}

/* Moves fd's pointer; the new position or -1 (EBADF, EINVAL for a bad whence or a negative result). */
__int64 __cdecl _lseeki64(int fd, __int64 off, int whence)
{
	if (!crt_fd_valid(fd)) {
		bad_fd();
		return -1;
	}
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
		errno = EINVAL;
		return -1;
	}
	LARGE_INTEGER d = { .QuadPart = off }, r;
	if (!SetFilePointerEx(fds[fd].h, d, &r, whence)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	fds[fd].flags &= ~FD_EOF;
	return r.QuadPart;
}

/* _lseek: positions above 2 GiB - 1 fail with EINVAL (the pointer still moved, as msvcrt). */
long __cdecl _lseek(int fd, long off, int whence)
{
	__int64 r = _lseeki64(fd, off, whence);
	if (r > 0x7FFFFFFF) {
		errno = EINVAL;
		return -1;
	}
	return (long)r;
}

__int64 __cdecl _telli64(int fd)
{
	return _lseeki64(fd, 0, SEEK_CUR);
}

long __cdecl _tell(int fd)
{
	return _lseek(fd, 0, SEEK_CUR);
}

/* The size of fd's file; -1 with errno on error. */
__int64 __cdecl _filelengthi64(int fd)
{
	if (!crt_fd_valid(fd)) {
		bad_fd();
		return -1;
	}
	LARGE_INTEGER s;
	if (!GetFileSizeEx(fds[fd].h, &s)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return s.QuadPart;
}

long __cdecl _filelength(int fd)
{
	__int64 n = _filelengthi64(fd);
	return n > 0x7FFFFFFF ? -1 : (long)n;
}

/* 1 at end of file, 0 before it, -1 on error. */
int __cdecl _eof(int fd)
{
	__int64 pos = _lseeki64(fd, 0, SEEK_CUR), len = _filelengthi64(fd);
	if (pos < 0 || len < 0)
		return -1;
	return pos >= len;
}

/* Sets fd's size (the pointer stays); 0 or an errno value. */
errno_t __cdecl crt_chsize_s(int fd, __int64 size)
{
	if (!crt_fd_valid(fd)) {
		bad_fd();
		return EBADF;
	}
	if (size < 0) {
		errno = EINVAL;
		return EINVAL;
	}
	__int64 pos = _lseeki64(fd, 0, SEEK_CUR);
	if (pos < 0 || _lseeki64(fd, size, SEEK_SET) < 0)
		return errno;
	BOOL ok = SetEndOfFile(fds[fd].h);
	DWORD e = GetLastError();
	_lseeki64(fd, pos, SEEK_SET);
	if (!ok) {
		crt_dosmaperr(e);
		if (e == ERROR_ACCESS_DENIED)
			errno = EBADF;
		return errno;
	}
	return 0;
}

int __cdecl _chsize(int fd, long size)
{
	return crt_chsize_s(fd, size) ? -1 : 0;
}

/* Flushes fd's file to the disk; 0 or -1. */
int __cdecl _commit(int fd)
{
	if (!crt_fd_valid(fd))
		return bad_fd();
	if (!FlushFileBuffers(fds[fd].h)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}

/*
 * _locking: _LK_UNLCK, _LK_LOCK/_LK_RLCK (ten tries a second apart, as
 * msvcrt), _LK_NBLCK/_LK_NBRLCK (one try) on nbytes from the current
 * position; a conflict: EACCES (after the tries: EDEADLOCK).
 */
int __cdecl _locking(int fd, int mode, long nbytes)
{
	if (!crt_fd_valid(fd))
		return bad_fd();
	if (nbytes < 0) {
		errno = EINVAL;
		return -1;
	}
	__int64 pos = _lseeki64(fd, 0, SEEK_CUR);
	if (pos < 0)
		return -1;
	DWORD lo = (DWORD)pos, hi = (DWORD)((unsigned __int64)pos >> 32);
	BOOL ok;
	if (mode == _LK_UNLCK) {
		ok = UnlockFile(fds[fd].h, lo, hi, (DWORD)nbytes, 0);
	} else if (mode == _LK_NBLCK || mode == _LK_NBRLCK) {
		ok = LockFile(fds[fd].h, lo, hi, (DWORD)nbytes, 0);
	} else if (mode == _LK_LOCK || mode == _LK_RLCK) {
		ok = FALSE;
		for (int i = 0; i < 10 && !ok; i++) {
			ok = LockFile(fds[fd].h, lo, hi, (DWORD)nbytes, 0);
			if (!ok && i < 9)
				Sleep(1000);
		}
		if (!ok) {
			crt_dosmaperr(GetLastError());
			errno = EDEADLOCK;
			return -1;
		}
	} else {
		errno = EINVAL;
		return -1;
	}
	if (!ok) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}
