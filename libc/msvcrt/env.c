/*
 * libc/msvcrt/env.c - the environment: getenv and _putenv over _environ
 * (empty at start: the kernel passes no environment yet).  Names compare
 * without regard to case, as on Windows.  The wide table is not kept in
 * step with the narrow one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crt.h"

extern char **crt_environ;
extern wchar_t **crt_wenviron;
static int table_owned;	/* crt_environ is our malloc'ed table (not the static empty one) */

/* The index in _environ of the entry for name (len bytes), or -1. */
static int find(const char *name, size_t len)
{
	for (int i = 0; crt_environ[i]; i++)
		if (_strnicmp(crt_environ[i], name, len) == 0 && crt_environ[i][len] == '=')
			return i;
	return -1;
}

/* The value of variable name, or NULL. */
char *__cdecl getenv(const char *name)
{
	size_t len = strlen(name);
	if (!len || strchr(name, '='))
		return NULL;
	_lock(CRT_LOCK_ENV);
	int i = find(name, len);
	char *v = i >= 0 ? crt_environ[i] + len + 1 : NULL;
	_unlock(CRT_LOCK_ENV);
	return v;
}

/* The value of wide variable name, or NULL (the wide environment is empty). */
wchar_t *__cdecl _wgetenv(const wchar_t *name)
{
	size_t len = wcslen(name);
	for (int i = 0; crt_wenviron[i]; i++)
		if (_wcsnicmp(crt_wenviron[i], name, len) == 0 && crt_wenviron[i][len] == L'=')
			return crt_wenviron[i] + len + 1;
	return NULL;
}

/* "NAME=value" sets NAME (a copy is kept), "NAME=" removes it; 0, or -1 (EINVAL, ENOMEM). */
int __cdecl _putenv(const char *entry)
{
	const char *eq = entry ? strchr(entry, '=') : NULL;
	if (!eq || eq == entry) {
		errno = EINVAL;
		return -1;
	}
	size_t len = (size_t)(eq - entry);
	char *copy = NULL;
	if (eq[1] && !(copy = _strdup(entry)))
		return -1;
	_lock(CRT_LOCK_ENV);
	int i = find(entry, len), n = 0;
	while (crt_environ[n])
		n++;
	int r = 0;
	if (i >= 0) {
		free(crt_environ[i]);	/* entries in the table are always our own copies */
		if (copy)
			crt_environ[i] = copy;
		else
			memmove(&crt_environ[i], &crt_environ[i + 1], (size_t)(n - i) * sizeof(char *));
	} else if (copy) {
		char **old = crt_environ;
		char **t = malloc((size_t)(n + 2) * sizeof(char *));
		if (t) {
			memcpy(t, old, (size_t)n * sizeof(char *));
			t[n] = copy;
			t[n + 1] = NULL;
			crt_environ = t;
			if (table_owned)
				free(old);
			table_owned = 1;
		} else {
			free(copy);
			r = -1;
		}
	}
	_unlock(CRT_LOCK_ENV);
	return r;
}
