/*
 * libc/msvcrt/fs.c - the file system by name: _stat/_fstat (64-bit, 32-bit
 * and mixed layouts), _access, _mkdir, _rmdir, _chdir, _getcwd, _getdrive,
 * _findfirst/_findnext/_findclose, and their wide forms where programs use
 * them.  Errors: errno from the Win32 error (crt_dosmaperr).
 */
#include <direct.h>
#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "stdio_impl.h"
#include "thread.h"

#define EPOCH_DIFF 116444736000000000LL	/* 1601 -> 1970 in 100 ns */

/* A FILETIME as time_t (0 for a zero time, which FAT has for "never"). */
static __time64_t ft_to_time(const FILETIME *ft)
{
	long long t = (long long)(((unsigned long long)ft->dwHighDateTime << 32) | ft->dwLowDateTime);
	return t ? (t - EPOCH_DIFF) / 10000000 : 0;
}

/* st_mode from the attributes and the name (.exe .com .bat .cmd are executable). */
static unsigned short mode_of(DWORD attrs, const wchar_t *name)
{
	unsigned short m = _S_IREAD;
	if (!(attrs & FILE_ATTRIBUTE_READONLY))
		m |= _S_IWRITE;
	if (attrs & FILE_ATTRIBUTE_DIRECTORY)
		return m | _S_IFDIR | _S_IEXEC | (m >> 3) | (m >> 6) | ((_S_IEXEC >> 3) | (_S_IEXEC >> 6));
	m |= _S_IFREG;
	const wchar_t *dot = name ? wcsrchr(name, L'.') : NULL;
	if (dot && (!_wcsicmp(dot, L".exe") || !_wcsicmp(dot, L".com") || !_wcsicmp(dot, L".bat") ||
		    !_wcsicmp(dot, L".cmd")))
		m |= _S_IEXEC;
	return m | ((m & 0700) >> 3) | ((m & 0700) >> 6);
}

/* _wstat64: a file or directory by name; a name with wildcards: ENOENT. */
int __cdecl _wstat64(const wchar_t *path, struct _stat64 *st)
{
	if (!path || !st) {
		errno = EINVAL;
		return -1;
	}
	if (wcspbrk(path, L"*?")) {
		errno = ENOENT;
		crt_thread()->doserr = ERROR_FILE_NOT_FOUND;
		return -1;
	}
	WIN32_FILE_ATTRIBUTE_DATA d;
	if (!GetFileAttributesExW(path, GetFileExInfoStandard, &d)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->st_mode = mode_of(d.dwFileAttributes, path);
	st->st_nlink = 1;
	st->st_dev = st->st_rdev = 2;	/* C: */
	st->st_size = ((__int64)d.nFileSizeHigh << 32) | d.nFileSizeLow;
	st->st_mtime = ft_to_time(&d.ftLastWriteTime);
	st->st_atime = ft_to_time(&d.ftLastAccessTime);
	st->st_ctime = ft_to_time(&d.ftCreationTime);
	if (!st->st_atime)
		st->st_atime = st->st_mtime;
	if (!st->st_ctime)
		st->st_ctime = st->st_mtime;
	return 0;
}

int __cdecl _stat64(const char *path, struct _stat64 *st)
{
	wchar_t w[CRT_PATH_UNITS];
	if (!crt_path_to_wide(path, w, CRT_PATH_UNITS))
		return -1;
	return _wstat64(w, st);
}

/* _fstat64: an open descriptor (a console handle: a character device). */
int __cdecl _fstat64(int fd, struct _stat64 *st)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	if (!st) {
		errno = EINVAL;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	if (GetFileType(h) == FILE_TYPE_CHAR) {
		st->st_mode = _S_IFCHR | _S_IREAD | _S_IWRITE | 044 | 022;
		st->st_nlink = 1;
		st->st_dev = st->st_rdev = fd;
		return 0;
	}
	BY_HANDLE_FILE_INFORMATION bi;
	if (!GetFileInformationByHandle(h, &bi)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	st->st_mode = mode_of(bi.dwFileAttributes, NULL);
	st->st_nlink = (short)bi.nNumberOfLinks;
	st->st_dev = st->st_rdev = fd;
	st->st_size = ((__int64)bi.nFileSizeHigh << 32) | bi.nFileSizeLow;
	st->st_mtime = ft_to_time(&bi.ftLastWriteTime);
	st->st_atime = ft_to_time(&bi.ftLastAccessTime);
	st->st_ctime = ft_to_time(&bi.ftCreationTime);
	if (!st->st_atime)
		st->st_atime = st->st_mtime;
	if (!st->st_ctime)
		st->st_ctime = st->st_mtime;
	return 0;
}

/* The other layouts from _stat64 (sizes past their field: EOVERFLOW, as msvcrt's newer runtimes). */
#define NARROW(dst, src, size_max)                                         \
	do {                                                               \
		memset((dst), 0, sizeof(*(dst)));                          \
		(dst)->st_dev = (src)->st_dev;                             \
		(dst)->st_ino = (src)->st_ino;                             \
		(dst)->st_mode = (src)->st_mode;                           \
		(dst)->st_nlink = (src)->st_nlink;                         \
		(dst)->st_uid = (src)->st_uid;                             \
		(dst)->st_gid = (src)->st_gid;                             \
		(dst)->st_rdev = (src)->st_rdev;                           \
		(dst)->st_size = (src)->st_size;                           \
		(dst)->st_atime = (src)->st_atime;                         \
		(dst)->st_mtime = (src)->st_mtime;                         \
		(dst)->st_ctime = (src)->st_ctime;                         \
		if ((src)->st_size > (size_max)) {                         \
			errno = EOVERFLOW;                                 \
			return -1;                                         \
		}                                                          \
	} while (0)

int __cdecl _stat32(const char *path, struct _stat32 *st)
{
	struct _stat64 s;
	if (_stat64(path, &s))
		return -1;
	NARROW(st, &s, 0x7FFFFFFF);
	return 0;
}

int __cdecl _fstat32(int fd, struct _stat32 *st)
{
	struct _stat64 s;
	if (_fstat64(fd, &s))
		return -1;
	NARROW(st, &s, 0x7FFFFFFF);
	return 0;
}

/* msvcrt.dll's _stat/_fstat on x64: 64-bit times, a 32-bit size (struct _stat64i32). */
int __cdecl crt_stat64i32(const char *path, struct _stat64i32 *st)
{
	struct _stat64 s;
	if (_stat64(path, &s))
		return -1;
	NARROW(st, &s, 0x7FFFFFFF);
	return 0;
}

int __cdecl crt_fstat64i32(int fd, struct _stat64i32 *st)
{
	struct _stat64 s;
	if (_fstat64(fd, &s))
		return -1;
	NARROW(st, &s, 0x7FFFFFFF);
	return 0;
}

int __cdecl crt_wstat64i32(const wchar_t *path, struct _stat64i32 *st)
{
	struct _stat64 s;
	if (_wstat64(path, &s))
		return -1;
	NARROW(st, &s, 0x7FFFFFFF);
	return 0;
}

/* _waccess: 0 when path exists and allows mode (0 exists, 2 write, 4 read, 6 both); -1 ENOENT/EACCES/EINVAL. */
int __cdecl _waccess(const wchar_t *path, int mode)
{
	if (!path || (mode & ~6)) {
		errno = EINVAL;
		return -1;
	}
	DWORD a = GetFileAttributesW(path);
	if (a == INVALID_FILE_ATTRIBUTES) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	if ((mode & 2) && (a & FILE_ATTRIBUTE_READONLY) && !(a & FILE_ATTRIBUTE_DIRECTORY)) {
		errno = EACCES;
		crt_thread()->doserr = ERROR_ACCESS_DENIED;
		return -1;
	}
	return 0;
}

int __cdecl _access(const char *path, int mode)
{
	wchar_t w[CRT_PATH_UNITS];
	return crt_path_to_wide(path, w, CRT_PATH_UNITS) ? _waccess(w, mode) : -1;
}

/* _mkdir: EEXIST when it exists, ENOENT when the parent is missing. */
int __cdecl _wmkdir(const wchar_t *path)
{
	if (!CreateDirectoryW(path, NULL)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}

int __cdecl _mkdir(const char *path)
{
	wchar_t w[CRT_PATH_UNITS];
	return crt_path_to_wide(path, w, CRT_PATH_UNITS) ? _wmkdir(w) : -1;
}

/* _rmdir: ENOTEMPTY for a directory with entries, ENOENT when missing, EACCES when in use. */
int __cdecl _wrmdir(const wchar_t *path)
{
	if (!RemoveDirectoryW(path)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}

int __cdecl _rmdir(const char *path)
{
	wchar_t w[CRT_PATH_UNITS];
	return crt_path_to_wide(path, w, CRT_PATH_UNITS) ? _wrmdir(w) : -1;
}

/* _chdir: the current directory of the process. */
int __cdecl _wchdir(const wchar_t *path)
{
	if (!path) {
		errno = EINVAL;
		return -1;
	}
	if (!SetCurrentDirectoryW(path)) {
		crt_dosmaperr(GetLastError());
		return -1;
	}
	return 0;
}

int __cdecl _chdir(const char *path)
{
	wchar_t w[CRT_PATH_UNITS];
	return crt_path_to_wide(path, w, CRT_PATH_UNITS) ? _wchdir(w) : -1;
}

/* _getcwd: into buf (size bytes), or a malloc'ed buffer of max(size, needed) for buf NULL; ERANGE when too small. */
char *__cdecl _getcwd(char *buf, int size)
{
	char tmp[MAX_PATH * 2];
	DWORD n = GetCurrentDirectoryA(sizeof(tmp), tmp);
	if (!n || n >= sizeof(tmp)) {
		crt_dosmaperr(GetLastError());
		return NULL;
	}
	if (!buf) {
		int want = size > (int)n + 1 ? size : (int)n + 1;
		buf = malloc((size_t)want);
		if (!buf) {
			errno = ENOMEM;
			return NULL;
		}
	} else if (size <= 0) {
		errno = EINVAL;
		return NULL;
	} else if ((int)n + 1 > size) {
		errno = ERANGE;
		return NULL;
	}
	memcpy(buf, tmp, n + 1);
	return buf;
}

wchar_t *__cdecl _wgetcwd(wchar_t *buf, int size)
{
	wchar_t tmp[MAX_PATH];
	DWORD n = GetCurrentDirectoryW(MAX_PATH, tmp);
	if (!n || n >= MAX_PATH) {
		crt_dosmaperr(GetLastError());
		return NULL;
	}
	if (!buf) {
		int want = size > (int)n + 1 ? size : (int)n + 1;
		buf = malloc((size_t)want * sizeof(wchar_t));
		if (!buf) {
			errno = ENOMEM;
			return NULL;
		}
	} else if (size <= 0) {
		errno = EINVAL;
		return NULL;
	} else if ((int)n + 1 > size) {
		errno = ERANGE;
		return NULL;
	}
	memcpy(buf, tmp, (n + 1) * sizeof(wchar_t));
	return buf;
}

/* _getdrive: 3 (C:). */
int __cdecl _getdrive(void)
{
	wchar_t d[4];
	if (GetCurrentDirectoryW(4, d) >= 2 && d[1] == L':')
		return (d[0] | 0x20) - L'a' + 1;
	return 0;
}

/* A FindFirstFile result as struct __finddata64_t. */
static void find64(const WIN32_FIND_DATAA *d, struct __finddata64_t *f)
{
	f->attrib = d->dwFileAttributes == FILE_ATTRIBUTE_NORMAL ? 0 : d->dwFileAttributes;
	f->time_create = ft_to_time(&d->ftCreationTime);
	f->time_access = ft_to_time(&d->ftLastAccessTime);
	f->time_write = ft_to_time(&d->ftLastWriteTime);
	if (!f->time_create)
		f->time_create = -1;
	if (!f->time_access)
		f->time_access = -1;
	f->size = ((__int64)d->nFileSizeHigh << 32) | d->nFileSizeLow;
	memcpy(f->name, d->cFileName, sizeof(f->name));
}

/* _findfirst64: a handle for _findnext64, or -1 (ENOENT when nothing matches, EINVAL). */
intptr_t __cdecl _findfirst64(const char *spec, struct __finddata64_t *f)
{
	WIN32_FIND_DATAA d;
	if (!spec || !f) {
		errno = EINVAL;
		return -1;
	}
	HANDLE h = FindFirstFileA(spec, &d);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		crt_dosmaperr(e);
		if (errno != ENOENT && errno != EACCES)
			errno = EINVAL;
		return -1;
	}
	find64(&d, f);
	return (intptr_t)h;
}

/* _findnext64: 0, or -1 with ENOENT at the end. */
int __cdecl _findnext64(intptr_t h, struct __finddata64_t *f)
{
	WIN32_FIND_DATAA d;
	if (!f) {
		errno = EINVAL;
		return -1;
	}
	if (!FindNextFileA((HANDLE)h, &d)) {
		DWORD e = GetLastError();
		crt_dosmaperr(e);
		if (errno != ENOENT && errno != EACCES)
			errno = EINVAL;
		return -1;
	}
	find64(&d, f);
	return 0;
}

/* msvcrt.dll's _findfirst/_findnext on x64: struct _finddata64i32_t. */
static void find64i32(const struct __finddata64_t *s, struct _finddata64i32_t *f)
{
	f->attrib = s->attrib;
	f->time_create = s->time_create;
	f->time_access = s->time_access;
	f->time_write = s->time_write;
	f->size = (_fsize_t)s->size;
	memcpy(f->name, s->name, sizeof(f->name));
}

intptr_t __cdecl crt_findfirst64i32(const char *spec, struct _finddata64i32_t *f)
{
	struct __finddata64_t d;
	intptr_t h = _findfirst64(spec, &d);
	if (h != -1)
		find64i32(&d, f);
	return h;
}

int __cdecl crt_findnext64i32(intptr_t h, struct _finddata64i32_t *f)
{
	struct __finddata64_t d;
	int r = _findnext64(h, &d);
	if (!r)
		find64i32(&d, f);
	return r;
}

/* _findclose: 0, or -1 (EINVAL) for a bad handle. */
int __cdecl _findclose(intptr_t h)
{
	if (!FindClose((HANDLE)h)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
