/*
 * libc/msvcrt/test/args_test.c - table test of crt_split_args and
 * crt_split_wargs (libc/msvcrt/args.c linked in statically):
 *   x86_64-w64-mingw32-gcc -Ilibc/msvcrt libc/msvcrt/test/args_test.c libc/msvcrt/args.c -o args_test.exe
 * The expected splits are msvcrt's documented rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crt.h"

static const struct {
	const char *cmd;
	const char *argv[6];
} cases[] = {
	{ "prog", { "prog" } },
	{ "", { "" } },
	{ "prog a b  c", { "prog", "a", "b", "c" } },
	{ "\"C:\\my dir\\prog.exe\" x", { "C:\\my dir\\prog.exe", "x" } },
	{ "C:\\dir\\prog.exe\t a\t", { "C:\\dir\\prog.exe", "a" } },
	{ "p \"a b\" c", { "p", "a b", "c" } },
	{ "p a\\\\b c\\d", { "p", "a\\\\b", "c\\d" } },		/* backslashes not before a quote stay */
	{ "p a\\\"b", { "p", "a\"b" } },			/* \" : literal quote */
	{ "p a\\\\\"b c\"", { "p", "a\\b c" } },		/* \\" : one backslash, quote toggles */
	{ "p a\\\\\\\"b", { "p", "a\\\"b" } },			/* \\\" : backslash and quote */
	{ "p \"a\"\"b\" c", { "p", "a\"b", "c" } },		/* "" inside quotes: literal quote */
	{ "p \"\"", { "p", "" } },				/* empty quoted argument */
	{ "p \"unterminated arg", { "p", "unterminated arg" } },
	{ "\"prog\"x y", { "prog", "x", "y" } },		/* argv[0] ends at its closing quote */
	{ "p a\"b c\"d e", { "p", "ab cd", "e" } },
};

int main(void)
{
	int failed = 0, n = (int)(sizeof(cases) / sizeof(cases[0]));
	for (int i = 0; i < n; i++) {
		size_t nchars;
		int argc = crt_split_args(cases[i].cmd, NULL, NULL, &nchars);
		char **argv = malloc((size_t)(argc + 1) * sizeof(char *) + nchars);
		size_t again;
		int argc2 = crt_split_args(cases[i].cmd, argv, (char *)(argv + argc + 1), &again);
		int expect = 0;
		while (expect < 6 && cases[i].argv[expect])
			expect++;
		int ok = argc == expect && argc2 == argc && again == nchars && argv[argc] == NULL;
		for (int a = 0; ok && a < argc; a++)
			ok = strcmp(argv[a], cases[i].argv[a]) == 0;
		/* The wide splitter must agree. */
		wchar_t wcmd[128];
		mbstowcs(wcmd, cases[i].cmd, 128);
		int wargc = crt_split_wargs(wcmd, NULL, NULL, &nchars);
		wchar_t **wargv = malloc((size_t)(wargc + 1) * sizeof(wchar_t *) + nchars * sizeof(wchar_t));
		crt_split_wargs(wcmd, wargv, (wchar_t *)(wargv + wargc + 1), &nchars);
		ok = ok && wargc == argc;
		for (int a = 0; ok && a < argc; a++) {
			char narrow[128];
			wcstombs(narrow, wargv[a], sizeof(narrow));
			ok = strcmp(narrow, argv[a]) == 0;
		}
		if (!ok) {
			failed++;
			printf("  case %d [%s]: got %d:", i, cases[i].cmd, argc);
			for (int a = 0; a < argc; a++)
				printf(" [%s]", argv[a]);
			printf("\n");
		}
		free(argv);
		free(wargv);
	}
	printf("args_test: %d cases, %d failed\n", n, failed);
	return failed != 0;
}
