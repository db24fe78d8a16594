/*
 * libc/msvcrt/lowio.c - the descriptor layer (_write, _read, _isatty,
 * _setmode, _get_osfhandle, _open, _close, _lseek).
 *
 * Descriptors 0, 1 and 2 are the process's standard handles in text mode
 * (written "\n" becomes "\r\n", as msvcrt does).  There are no files yet:
 * _open fails with ENOENT.  No descriptor is a console: _isatty returns 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <io.h>

#include "stdio_impl.h"

#define FD_OPEN 0x01
#define FD_TEXT 0x80

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
		fds[fd].flags = FD_OPEN | ((fmode & _O_BINARY) ? 0 : FD_TEXT);
	}
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

/* WriteFile of all n bytes; 0 or -1 (errno EIO). */
static int write_all(HANDLE h, const char *p, size_t n)
{
	while (n) {
		DWORD chunk = n > 0x40000000 ? 0x40000000 : (DWORD)n, done = 0;
		if (!WriteFile(h, p, chunk, &done, NULL) || done == 0) {
			errno = EIO;
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
	if (!crt_fd_valid(fd)) {
		errno = EBADF;
		return -1;
	}
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

/* _read: standard input has no data yet, so every read is end of file (0); -1 EBADF for a bad fd. */
int __cdecl _read(int fd, void *buf, unsigned int n)
{
	(void)buf;
	(void)n;
	if (!crt_fd_valid(fd)) {
		errno = EBADF;
		return -1;
	}
	return 0;
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
	if (!crt_fd_valid(fd)) {
		errno = EBADF;
		return -1;
	}
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
		errno = EBADF;
		return -1;
	}
	return (intptr_t)fds[fd].h;
}

/* There are no files yet: every open fails with ENOENT. */
int __cdecl _open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}

/* Wide _open: fails with ENOENT like _open. */
int __cdecl _wopen(const wchar_t *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}

/* Closes fd (the handle itself stays open); 0 or -1 with EBADF. */
int __cdecl _close(int fd)
{
	if (!crt_fd_valid(fd)) {
		errno = EBADF;
		return -1;
	}
	fds[fd].flags = 0;
	return 0;
}

/* The standard handles cannot seek: -1 with errno EBADF for a closed fd, else EINVAL. */
long __cdecl _lseek(int fd, long off, int whence)
{
	(void)off;
	(void)whence;
	errno = crt_fd_valid(fd) ? EINVAL : EBADF;
	return -1;
}

/* 64-bit _lseek: as _lseek. */
__int64 __cdecl _lseeki64(int fd, __int64 off, int whence)
{
	return _lseek(fd, (long)off, whence);
}
