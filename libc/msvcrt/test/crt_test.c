/*
 * libc/msvcrt/test/crt_test.c - checks msvcrt.dll's behaviour from a MinGW
 * program (build with -D__USE_MINGW_ANSI_STDIO=0 so printf and friends are
 * the DLL's own).  Run it on msvcrt.dll; under Wine:
 *   WINEDLLOVERRIDES=msvcrt=n wine64 crt_test.exe   (msvcrt.dll beside it)
 * Prints one line per failed check and "crt_test: N checks, M failed".
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

static int checks, failures;
#define CHECK(c) do { checks++; if (!(c)) { failures++; printf("  check failed: %s (line %d)\n", #c, __LINE__); } } while (0)
#define CHECK_STR(a, b) do { checks++; if (strcmp((a), (b))) { failures++; printf("  check failed: \"%s\" != \"%s\" (line %d)\n", (a), (b), __LINE__); } } while (0)

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

static void test_format(void)
{
	char b[64];
	sprintf(b, "%f|%e|%g|%.3f", 1.5, 2.0, 1e-5, 3.14159);
	CHECK_STR(b, "1.500000|2.000000e+00|1e-05|3.142");	/* C99 exponent: see the report */
	sprintf(b, "%d|%5d|%-5d|%05d|%x|%X|%o|%lld|%I64d|%zu", -3, 42, 42, 42, 255, 255, 8, -1LL, 1LL << 40, (size_t)7);
	CHECK_STR(b, "-3|   42|42   |00042|ff|FF|10|-1|1099511627776|7");
	sprintf(b, "%s|%.2s|%c|%%", "abc", "abc", 'z');
	CHECK_STR(b, "abc|ab|z|%");
	CHECK(_snprintf(b, 4, "abcdef") == -1 && memcmp(b, "abcd", 4) == 0);
	memset(b, 'X', sizeof(b));
	CHECK(_snprintf(b, 3, "abc") == 3 && b[3] == 'X');	/* exactly count: no NUL */
	CHECK(_snprintf(b, 10, "abc") == 3 && strcmp(b, "abc") == 0);
	CHECK(snprintf(b, 4, "abcdef") == 6 && strcmp(b, "abc") == 0);
	CHECK(_scprintf("%d", 12345) == 5);
	wchar_t w[32];
	CHECK(swprintf(w, 32, L"%s-%S-%d", L"wide", "narrow", 7) == 13 && wcscmp(w, L"wide-narrow-7") == 0);	/* <wchar.h>: _vsnwprintf */
	CHECK(_snwprintf(w, 32, L"%hs|%ls|%c", "n", L"w", L'c') == 5 && wcscmp(w, L"n|w|c") == 0);
	int i = 0, j = 0;
	double d = 0;
	char s[16];
	CHECK(sscanf("12 3.5 word 0x1f", "%d %lf %15s %i", &i, &d, s, &j) == 4 && i == 12 && d == 3.5 && !strcmp(s, "word") && j == 31);
	wchar_t ws[16];
	CHECK(swscanf(L"7 abc", L"%d %15s", &i, ws) == 2 && i == 7 && wcscmp(ws, L"abc") == 0);
	CHECK(scanf("%d", &i) == EOF);	/* stdin has no data */
}

static void test_stdlib(void)
{
	char *end;
	errno = 0;
	CHECK(strtol("2147483648", &end, 10) == LONG_MAX && errno == ERANGE && *end == 0);
	errno = 0;
	CHECK(strtol("-2147483649", NULL, 10) == LONG_MIN && errno == ERANGE);
	CHECK(strtol("  -0x1fZ", &end, 0) == -31 && *end == 'Z');
	CHECK(strtol("077", NULL, 0) == 63 && strtol("xyz", &end, 10) == 0 && !strcmp(end, "xyz"));
	CHECK(strtoul("-1", NULL, 10) == ULONG_MAX);
	CHECK(_strtoi64("-9223372036854775808", NULL, 10) == INT64_MIN && _strtoui64("18446744073709551615", NULL, 10) == UINT64_MAX);
	CHECK(strtod("1.25e2x", &end) == 125.0 && *end == 'x' && atof("-0.5") == -0.5 && atoi(" 42") == 42);
	CHECK(isinf(strtod("inf", NULL)) && isnan(strtod("nan", NULL)));
	srand(1);
	int r1 = rand(), r2 = rand(), r3 = rand();
	CHECK(r1 == 41 && r2 == 18467 && r3 == 6334);
	srand(1);
	CHECK(rand() == 41);
	int a[1000];
	for (int k = 0; k < 1000; k++)
		a[k] = (rand() * 7919) % 1013;
	qsort(a, 1000, sizeof(a[0]), cmp_int);
	int sorted = 1;
	for (int k = 1; k < 1000; k++)
		sorted &= a[k - 1] <= a[k];
	CHECK(sorted);
	int key = a[500];
	int *hit = bsearch(&key, a, 1000, sizeof(a[0]), cmp_int);
	CHECK(hit && *hit == key);
	key = 5000;
	CHECK(!bsearch(&key, a, 1000, sizeof(a[0]), cmp_int));
	CHECK(abs(-5) == 5 && labs(-6L) == 6 && llabs(-7LL) == 7 && div(7, -2).quot == -3 && div(7, -2).rem == 1);
	char b[70];
	CHECK(!strcmp(_itoa(-255, b, 16), "ffffff01") && !strcmp(_itoa(-255, b, 10), "-255") && !strcmp(_ui64toa(255, b, 2), "11111111"));
	CHECK(getenv("PATH") == NULL || getenv("PATH") != NULL);	/* our kernel: empty environment */
	CHECK(_putenv("H3_TEST=yes") == 0 && getenv("h3_test") && !strcmp(getenv("H3_TEST"), "yes"));
	CHECK(_putenv("H3_TEST=") == 0 && getenv("H3_TEST") == NULL);
}

static void test_malloc(void)
{
	char *p = malloc(10);
	CHECK(p && ((uintptr_t)p & 15) == 0 && _msize(p) == 10);
	memset(p, 1, 10);
	p = realloc(p, 5000);
	CHECK(p && p[9] == 1 && _msize(p) == 5000);
	free(p);
	int *z = calloc(100, sizeof(int));
	int zero = 1;
	for (int k = 0; k < 100; k++)
		zero &= z[k] == 0;
	CHECK(zero);
	free(z);
	CHECK(calloc((size_t)-1, 16) == NULL && errno == ENOMEM);
	void *al = _aligned_malloc(100, 256);
	CHECK(al && ((uintptr_t)al & 255) == 0);
	al = _aligned_realloc(al, 10000, 4096);
	CHECK(al && ((uintptr_t)al & 4095) == 0);
	_aligned_free(al);
	errno = 0;
	CHECK(_aligned_malloc(10, 3) == NULL && errno == EINVAL);
	/* Many blocks of every size, freed in a different order. */
	void *blocks[300];
	for (int k = 0; k < 300; k++) {
		blocks[k] = malloc((size_t)k * 37);
		memset(blocks[k], k, (size_t)k * 37);
	}
	int intact = 1;
	for (int k = 0; k < 300; k++)
		for (size_t n = 0; n < (size_t)k * 37; n++)
			intact &= ((unsigned char *)blocks[k])[n] == (unsigned char)k;
	CHECK(intact);
	for (int k = 0; k < 300; k += 2)
		free(blocks[k]);
	for (int k = 1; k < 300; k += 2)
		free(blocks[k]);
	CHECK(realloc(malloc(4), 0) == NULL);
}

static jmp_buf jb;
static int jumped;

static void jump_deep(int n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	if (n == 0)
		longjmp(jb, 0);	/* 0 arrives as 1 */
	jump_deep(n - 1 + pad[0] * 0);
}

static int got_signal;
static void on_signal(int s) { got_signal = s; }

static void test_control(void)
{
	volatile int local = 1;
	double keep = 2.5;
	int v = setjmp(jb);
	if (v == 0) {
		local = 2;
		jump_deep(10);
	}
	jumped = v;
	CHECK(jumped == 1 && local == 2 && keep == 2.5);
	CHECK(signal(SIGINT, on_signal) == SIG_DFL);
	CHECK(raise(SIGINT) == 0 && got_signal == SIGINT);
	CHECK(signal(SIGINT, SIG_IGN) == SIG_DFL);	/* raise reset it */
	CHECK(raise(SIGINT) == 0);
	CHECK(signal(12345, on_signal) == SIG_ERR && errno == EINVAL);
}

static void test_string(void)
{
	char b[32] = "hello";
	CHECK(strlen(b) == 5 && strcmp(strcat(b, " world"), "hello world") == 0);
	CHECK(strchr(b, 'o') == b + 4 && strrchr(b, 'o') == b + 7 && strstr(b, "wor") == b + 6 && !strstr(b, "xyz"));
	CHECK(_stricmp("ABC", "abd") < 0 && _strnicmp("HELLO", "help", 3) == 0 && strncmp("ab", "ac", 1) == 0);
	CHECK(memcmp("ab", "ac", 2) < 0 && memchr(b, 'w', 11) == b + 6 && strspn("aabx", "ab") == 3 && strcspn("abcx", "x") == 3);
	memmove(b + 1, b, 5);
	CHECK(!memcmp(b, "hhello", 6));
	char t[] = "a,b,,c";
	CHECK(!strcmp(strtok(t, ","), "a") && !strcmp(strtok(NULL, ","), "b") && !strcmp(strtok(NULL, ","), "c") && !strtok(NULL, ","));
	char *dup = _strdup("MiXeD");
	CHECK(!strcmp(_strlwr(dup), "mixed") && !strcmp(_strupr(dup), "MIXED") && !strcmp(_strrev(dup), "DEXIM"));
	free(dup);
	CHECK(wcslen(L"abc") == 3 && wcscmp(L"a", L"b") < 0 && _wcsicmp(L"ABC", L"abc") == 0 && wcsncmp(L"abx", L"aby", 2) == 0);
	CHECK(isdigit('5') && !isdigit('a') && isalpha('Q') && isspace('\t') && !isspace('x') && isxdigit('F') && ispunct('!'));
	CHECK(toupper('a') == 'A' && tolower('Z') == 'z' && toupper('1') == '1' && !isalpha(0xe9) && iswalpha(0xe9));
	CHECK(isalpha('a') == 2 && isupper('A') == 1);	/* msvcrt's table bits */
	CHECK(strcmp(strerror(ENOENT), "No such file or directory") == 0);
}

static void test_time(void)
{
	time_t zero = 0;
	struct tm *tm = gmtime(&zero);
	CHECK(tm && tm->tm_year == 70 && tm->tm_mon == 0 && tm->tm_mday == 1 && tm->tm_wday == 4 && tm->tm_hour == 0);
	time_t t = 951782400;	/* 2000-02-29 00:00:00 */
	tm = gmtime(&t);
	CHECK(tm && tm->tm_year == 100 && tm->tm_mon == 1 && tm->tm_mday == 29 && tm->tm_yday == 59 && tm->tm_wday == 2);
	struct tm x = { .tm_year = 100, .tm_mon = 1, .tm_mday = 29 };
	CHECK(_mkgmtime(&x) == t);
	struct tm y = { .tm_year = 99, .tm_mon = 13, .tm_mday = 29 };	/* month 13 of 1999 = Feb 2000 */
	CHECK(_mkgmtime(&y) == t && y.tm_mon == 1 && y.tm_year == 100);
	char b[64];
	CHECK(strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S %a %b %j", gmtime(&t)) == 31 && !strcmp(b, "2000-02-29 00:00:00 Tue Feb 060"));
	CHECK(!strcmp(asctime(gmtime(&t)), "Tue Feb 29 00:00:00 2000\n"));
	CHECK(time(NULL) > 1600000000);
	CHECK(clock() >= 0);
	time_t neg = -1;
	CHECK(gmtime(&neg) == NULL);
}

static void test_stdio(void)
{
	errno = 0;
	CHECK(fopen("nofile.txt", "r") == NULL && errno == ENOENT);
	CHECK(getc(stdin) == EOF && feof(stdin));
	clearerr(stdin);
	CHECK(ungetc('x', stdin) == 'x' && getc(stdin) == 'x');
	CHECK(fileno(stdout) == 1 && fileno(stderr) == 2 && stdout == &__iob_func()[1]);
	CHECK(fputs("", stdout) == 0 && fwrite("", 1, 0, stdout) == 0);
}

static void at_exit_2(void) { puts("crt_test: atexit 2 ran first"); }
static void at_exit_1(void) { puts("crt_test: atexit 1 ran second"); }

int main(int argc, char **argv)
{
	CHECK(argc >= 1 && argv[argc] == NULL && __argc == argc);
	test_format();
	test_stdlib();
	test_malloc();
	test_control();
	test_string();
	test_time();
	test_stdio();
	atexit(at_exit_1);
	atexit(at_exit_2);
	printf("crt_test: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
