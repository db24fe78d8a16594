/*
 * libc/msvcrt/stdio_file.c - opening and closing streams.  There are no
 * files yet (a later issue brings them): every open fails with ENOENT.
 */
#include <errno.h>
#include <stdlib.h>

#include "stdio_impl.h"

/* Fails: no file exists (NULL, errno ENOENT). */
FILE *__cdecl fopen(const char *path, const char *mode)
{
	(void)path;
	(void)mode;
	errno = ENOENT;
	return NULL;
}

/* Wide fopen: fails with ENOENT. */
FILE *__cdecl _wfopen(const wchar_t *path, const wchar_t *mode)
{
	(void)path;
	(void)mode;
	errno = ENOENT;
	return NULL;
}

/* fopen with a sharing mode: fails with ENOENT. */
FILE *__cdecl _fsopen(const char *path, const char *mode, int share)
{
	(void)share;
	return fopen(path, mode);
}

/* Closes f and reopens path: the open fails (ENOENT), so f ends closed and NULL is returned. */
FILE *__cdecl freopen(const char *path, const char *mode, FILE *f)
{
	fclose(f);
	return fopen(path, mode);
}

/* A stream on descriptor fd: only the standard descriptors exist, and they have their streams already. */
FILE *__cdecl _fdopen(int fd, const char *mode)
{
	(void)mode;
	errno = crt_fd_valid(fd) ? EMFILE : EBADF;
	return NULL;
}

/* A temporary file: none can be made yet (NULL, errno ENOENT). */
FILE *__cdecl tmpfile(void)
{
	errno = ENOENT;
	return NULL;
}

/* Removing a file: none exists (-1, errno ENOENT). */
int __cdecl remove(const char *path)
{
	(void)path;
	errno = ENOENT;
	return -1;
}

/* _unlink is remove. */
int __cdecl _unlink(const char *path)
{
	return remove(path);
}

/* Renaming a file: none exists (-1, errno ENOENT). */
int __cdecl rename(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = ENOENT;
	return -1;
}

/* Flushes and closes f (its descriptor too); 0 or EOF. */
int __cdecl fclose(FILE *f)
{
	if (!(f->_flag & (_IOREAD | _IOWRT | _IORW))) {
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

/* Closes every stream except stdin, stdout and stderr; returns how many (none can be open yet). */
int __cdecl _fcloseall(void)
{
	int n = 0;
	for (int i = 3; i < CRT_IOB_ENTRIES; i++)
		if (crt_iob[i]._flag & (_IOREAD | _IOWRT | _IORW)) {
			fclose(&crt_iob[i]);
			n++;
		}
	return n;
}
