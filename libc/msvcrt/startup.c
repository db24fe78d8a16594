/*
 * libc/msvcrt/startup.c - the DLL entry point and what MinGW's start-up
 * code (crt2.o) calls before main: __getmainargs/__wgetmainargs, _initterm,
 * __set_app_type, __setusermatherr, and the data it reads and writes
 * (_acmdln, _wcmdln, __argc, __argv, _environ, __initenv, _fmode,
 * _commode), exported under their Microsoft names by msvcrt.def.
 *
 * The environment is empty: the kernel gives processes none yet.
 */
#include "crt.h"
#include "thread.h"

#include <corecrt_startup.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

void crt_lowio_init(int fmode);
void crt_ctype_init(void);
void crt_exit_detach(void);
void crt_time_init(void);

char *crt_acmdln;		/* _acmdln: GetCommandLineA() */
wchar_t *crt_wcmdln;		/* _wcmdln: GetCommandLineW() */
int crt_argc;			/* __argc */
char **crt_argv;		/* __argv */
wchar_t **crt_wargv;		/* __wargv */
static char *no_env[1];
static wchar_t *no_wenv[1];
char **crt_environ = no_env;	/* _environ */
wchar_t **crt_wenviron = no_wenv;	/* _wenviron */
char **crt_initenv = no_env;	/* __initenv (crt2.o stores main's envp here) */
wchar_t **crt_winitenv = no_wenv;	/* __winitenv */
int crt_fmode = _O_TEXT;	/* _fmode */
int crt_commode;		/* _commode */
char *crt_pgmptr;		/* _pgmptr: argv[0] once split */
wchar_t *crt_wpgmptr;		/* _wpgmptr */
/* What MinGW's crt2.o passes to __getmainargs (the new-handler mode; unused here). */
typedef struct {
	int newmode;
} _startupinfo;

static int app_type;

/* The DLL entry point: sets up the runtime at PROCESS_ATTACH, frees a thread's data at
 * THREAD_DETACH, and at PROCESS_DETACH does the exit work exit() did not. */
BOOL WINAPI crt_dll_main(HINSTANCE dll, DWORD reason, void *reserved)
{
	(void)dll;
	(void)reserved;
	switch (reason) {
	case DLL_PROCESS_ATTACH:
		crt_lock_init();
		crt_thread_init();
		crt_ctype_init();
		crt_time_init();
		crt_lowio_init(crt_fmode);
		crt_stdio_init();
		crt_acmdln = GetCommandLineA();
		crt_wcmdln = GetCommandLineW();
		break;
	case DLL_THREAD_DETACH:
		crt_thread_detach();
		break;
	case DLL_PROCESS_DETACH:
		crt_exit_detach();
		break;
	}
	return TRUE;
}

/* Splits _acmdln into __argc/__argv (once). 0, or -1 when out of memory. */
static int split_narrow(void)
{
	if (crt_argv)
		return 0;
	size_t nchars;
	int argc = crt_split_args(crt_acmdln, NULL, NULL, &nchars);
	size_t ptrs = ((size_t)argc + 1) * sizeof(char *);
	char **argv = malloc(ptrs + nchars);
	if (!argv)
		return -1;
	crt_split_args(crt_acmdln, argv, (char *)argv + ptrs, &nchars);
	crt_argc = argc;
	crt_argv = argv;
	crt_pgmptr = argv[0];
	return 0;
}

/* Splits _wcmdln into __argc/__wargv (once). 0, or -1 when out of memory. */
static int split_wide(void)
{
	if (crt_wargv)
		return 0;
	size_t nchars;
	int argc = crt_split_wargs(crt_wcmdln, NULL, NULL, &nchars);
	size_t ptrs = ((size_t)argc + 1) * sizeof(wchar_t *);
	wchar_t **argv = malloc(ptrs + nchars * sizeof(wchar_t));
	if (!argv)
		return -1;
	crt_split_wargs(crt_wcmdln, argv, (wchar_t *)((char *)argv + ptrs), &nchars);
	crt_argc = argc;
	crt_wargv = argv;
	crt_wpgmptr = argv[0];
	return 0;
}

/* main's arguments from the command line by msvcrt's rules (args.c); wildcards are not
 * expanded (there are no files); 0, or -1 when out of memory. */
int __cdecl __getmainargs(int *argc, char ***argv, char ***envp, int dowildcard, _startupinfo *si)
{
	(void)dowildcard;
	(void)si;
	if (split_narrow())
		return -1;
	*argc = crt_argc;
	*argv = crt_argv;
	*envp = crt_environ;
	return 0;
}

/* wmain's arguments: __getmainargs for the wide command line. */
int __cdecl __wgetmainargs(int *argc, wchar_t ***argv, wchar_t ***envp, int dowildcard, _startupinfo *si)
{
	(void)dowildcard;
	(void)si;
	if (split_wide())
		return -1;
	*argc = crt_argc;
	*argv = crt_wargv;
	*envp = crt_wenviron;
	return 0;
}

/* Calls each non-NULL function pointer in [begin, end). */
void __cdecl _initterm(_PVFV *begin, _PVFV *end)
{
	for (; begin < end; begin++)
		if (*begin)
			(*begin)();
}

/* Calls each non-NULL function in [begin, end) until one returns nonzero; returns that value or 0. */
int __cdecl _initterm_e(_PIFV *begin, _PIFV *end)
{
	for (; begin < end; begin++)
		if (*begin) {
			int r = (*begin)();
			if (r)
				return r;
		}
	return 0;
}

/* Records whether the program is a console (1) or GUI (2) application. */
void __cdecl __set_app_type(int type)
{
	app_type = type;
}

int *__cdecl __p___argc(void) { return &crt_argc; }
char ***__cdecl __p___argv(void) { split_narrow(); return &crt_argv; }
wchar_t ***__cdecl __p___wargv(void) { split_wide(); return &crt_wargv; }
char ***__cdecl __p__environ(void) { return &crt_environ; }
wchar_t ***__cdecl __p__wenviron(void) { return &crt_wenviron; }
char ***__cdecl __p___initenv(void) { return &crt_initenv; }
wchar_t ***__cdecl __p___winitenv(void) { return &crt_winitenv; }
char **__cdecl __p__acmdln(void) { return &crt_acmdln; }
wchar_t **__cdecl __p__wcmdln(void) { return &crt_wcmdln; }
int *__cdecl __p__fmode(void) { return &crt_fmode; }
int *__cdecl __p__commode(void) { return &crt_commode; }
char **__cdecl __p__pgmptr(void) { split_narrow(); return &crt_pgmptr; }
wchar_t **__cdecl __p__wpgmptr(void) { split_wide(); return &crt_wpgmptr; }

/* Sets _fmode (_O_TEXT or _O_BINARY); 0 or EINVAL. */
errno_t __cdecl _set_fmode(int mode)
{
	if (mode != _O_TEXT && mode != _O_BINARY)
		return EINVAL;
	crt_fmode = mode;
	return 0;
}

/* Stores _fmode in *mode; 0 or EINVAL. */
errno_t __cdecl _get_fmode(int *mode)
{
	if (!mode)
		return EINVAL;
	*mode = crt_fmode;
	return 0;
}
