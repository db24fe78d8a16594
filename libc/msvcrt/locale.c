/*
 * libc/msvcrt/locale.c - the "C" locale, the only one: setlocale accepts
 * "C" and "" (the user default, which is "C" here) and refuses others;
 * localeconv describes it; its code page is 0 (bytes are characters
 * 0..255) and MB_CUR_MAX is 1.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <string.h>

#include "crt.h"

int crt_mb_cur_max = 1;		/* exported as __mb_cur_max */
static unsigned long lc_handle[6];	/* LCIDs per category: 0 for "C" */

static char dot[] = ".", empty[] = "";
static struct lconv c_lconv = {
	.decimal_point = dot, .thousands_sep = empty, .grouping = empty,
	.int_curr_symbol = empty, .currency_symbol = empty, .mon_decimal_point = empty,
	.mon_thousands_sep = empty, .mon_grouping = empty, .positive_sign = empty,
	.negative_sign = empty, .int_frac_digits = CHAR_MAX, .frac_digits = CHAR_MAX,
	.p_cs_precedes = CHAR_MAX, .p_sep_by_space = CHAR_MAX, .n_cs_precedes = CHAR_MAX,
	.n_sep_by_space = CHAR_MAX, .p_sign_posn = CHAR_MAX, .n_sign_posn = CHAR_MAX,
};

/* Queries (locale NULL) or sets category's locale; "C" or NULL when the locale is not "C"/"" or the category is bad. */
char *__cdecl setlocale(int category, const char *locale)
{
	static char c_name[] = "C";
	if (category < LC_ALL || category > LC_MAX)
		return NULL;
	if (locale && strcmp(locale, "C") != 0 && locale[0] != 0)
		return NULL;
	return c_name;
}

/* Wide setlocale. */
wchar_t *__cdecl _wsetlocale(int category, const wchar_t *locale)
{
	static wchar_t c_name[] = L"C";
	if (category < LC_ALL || category > LC_MAX)
		return NULL;
	if (locale && wcscmp(locale, L"C") != 0 && locale[0] != 0)
		return NULL;
	return c_name;
}

/* The "C" locale's numeric and monetary conventions. */
struct lconv *__cdecl localeconv(void)
{
	return &c_lconv;
}

/* The locale's ANSI code page: 0 for "C". */
unsigned int __cdecl ___lc_codepage_func(void)
{
	return 0;
}

/* The locale's collation code page: 0 for "C". */
unsigned int __cdecl ___lc_collate_cp_func(void)
{
	return 0;
}

/* MB_CUR_MAX: 1. */
int __cdecl ___mb_cur_max_func(void)
{
	return crt_mb_cur_max;
}

/* The per-category LCIDs (all 0: "C"). */
unsigned long *__cdecl ___lc_handle_func(void)
{
	return lc_handle;
}

/* Start-up hook of the locale's lconv data: nothing to do for "C". */
int __cdecl __lconv_init(void)
{
	return 0;
}

/* The multibyte code page: 0 (single-byte). */
int __cdecl _getmbcp(void)
{
	return 0;
}
