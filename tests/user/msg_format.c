/*
 * tests/user/msg_format.c - FormatMessageA/W as Windows has them: system
 * messages (SQLite's winGetLastErrorMsg: FROM_SYSTEM | ALLOCATE_BUFFER |
 * IGNORE_INSERTS, then LocalFree), unknown ids, languages, string
 * definitions with inserts (%1..%99, !printf formats!, '*' widths, va_list
 * and DWORD_PTR arrays), escapes (%n %0 %% %.), line handling by the flags'
 * low byte, buffer sizes; AreFileApisANSI / SetFileApisToOEM / ANSI.
 * System message texts are Windows' (Wine words them differently: skipped there).
 */
#include "utest.h"

#include <stdarg.h>
#include <string.h>

static int is_wine(void)
{
	HMODULE nt = GetModuleHandleA("ntdll.dll");
	return nt && GetProcAddress(nt, "wine_get_version") != NULL;
}

/* FormatMessageA from a string with a va_list; the result in out (size n), the count returned. */
static DWORD fmt_a(DWORD flags, char *out, DWORD n, const char *def, ...)
{
	va_list va;
	va_start(va, def);
	memset(out, 0x55, n);
	DWORD r = FormatMessageA(flags | FORMAT_MESSAGE_FROM_STRING, def, 0, 0, out, n, &va);
	va_end(va);
	return r;
}

static DWORD fmt_w(DWORD flags, WCHAR *out, DWORD n, const WCHAR *def, ...)
{
	va_list va;
	va_start(va, def);
	DWORD r = FormatMessageW(flags | FORMAT_MESSAGE_FROM_STRING, def, 0, 0, out, n, &va);
	va_end(va);
	return r;
}

static void system_messages(void)
{
	char buf[512];
	WCHAR *w = NULL;
	/* SQLite's call: allocated, inserts ignored, freed with LocalFree */
	DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
					 FORMAT_MESSAGE_IGNORE_INSERTS,
				 NULL, ERROR_FILE_NOT_FOUND, 0, (LPWSTR)&w, 0, NULL);
	CHECK(n > 2 && w != NULL);
	if (w) {
		CHECK_EQ(wcslen(w), n);
		CHECK(w[n - 2] == '\r' && w[n - 1] == '\n');
		if (!is_wine())
			CHECK(wcscmp(w, L"The system cannot find the file specified.\r\n") == 0);
		CHECK(LocalFree(w) == NULL);
	}
	n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED, 0, buf, sizeof buf, NULL);
	CHECK_EQ(n, strlen(buf));
	if (!is_wine())
		CHECK(strcmp(buf, "Access is denied.\r\n") == 0);
	/* the trailing line break becomes a space with MAX_WIDTH_MASK */
	n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_MAX_WIDTH_MASK, NULL, ERROR_ACCESS_DENIED, 0, buf,
			   sizeof buf, NULL);
	if (!is_wine())
		CHECK(strcmp(buf, "Access is denied. ") == 0);
	CHECK(n > 0 && buf[n - 1] == ' ');
	/* a message with an insert: ignored inserts stay as they are */
	n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, ERROR_BAD_EXE_FORMAT,
			   MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), buf, sizeof buf, NULL);
	CHECK(n > 0 && strstr(buf, "%1") != NULL);
	DWORD_PTR args[] = { (DWORD_PTR) "prog.exe" };
	n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ARGUMENT_ARRAY, NULL, ERROR_BAD_EXE_FORMAT, 0,
			   buf, sizeof buf, (va_list *)args);
	CHECK(n > 0 && strstr(buf, "prog.exe") != NULL);
	/* inserts without arguments */
	CHECK_ERR(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_BAD_EXE_FORMAT, 0, buf, sizeof buf, NULL),
		  ERROR_INVALID_PARAMETER);
	/* no such message */
	CHECK_ERR(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x2badc0de, 0, buf, sizeof buf, NULL),
		  ERROR_MR_MID_NOT_FOUND);
	/* a language the system does not have (Wine: ERROR_RESOURCE_LANG_NOT_FOUND) */
	if (!is_wine()) {	/* Wine falls back to English */
		CHECK_ERR(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED,
					 MAKELANGID(LANG_JAPANESE, SUBLANG_DEFAULT), buf, sizeof buf, NULL),
			  ERROR_MUI_FILE_NOT_FOUND);
	}
	/* too small a buffer */
	CHECK_ERR(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED, 0, buf, 5, NULL),
		  ERROR_INSUFFICIENT_BUFFER);
	/* FROM_HMODULE | FROM_SYSTEM falls back to the system */
	n = FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_FROM_SYSTEM, GetModuleHandleA(NULL),
			   ERROR_ACCESS_DENIED, 0, buf, sizeof buf, NULL);
	CHECK(n > 0);
}

static void string_inserts(void)
{
	char b[256];
	WCHAR w[256];
	CHECK_EQ(fmt_a(0, b, sizeof b, "plain"), 5);
	CHECK(strcmp(b, "plain") == 0);
	CHECK_EQ(fmt_a(0, b, sizeof b, "%1 and %2", "one", "two"), 11);
	CHECK(strcmp(b, "one and two") == 0);
	/* out of order, repeated, two digits */
	fmt_a(0, b, sizeof b, "%2-%1-%2", "a", "b");
	CHECK(strcmp(b, "b-a-b") == 0);
	fmt_a(0, b, sizeof b, "%10|%1", "1", "2", "3", "4", "5", "6", "7", "8", "9", "ten");
	CHECK(strcmp(b, "ten|1") == 0);
	/* printf formats */
	fmt_a(0, b, sizeof b, "%1!d! %2!u! %3!x! %4!X! %5!05d! %6!-4d!|", -42, 4000000000u, 255, 255, 42, 7);
	CHECK(strcmp(b, "-42 4000000000 ff FF 00042 7   |") == 0);
	fmt_a(0, b, sizeof b, "%1!I64d! %2!#x! %3!c! %4!.2s! %5!5s!|", -1234567890123ll, 0x1f, 'Z', "abcdef", "ab");
	CHECK(strcmp(b, "-1234567890123 0x1f Z ab    ab|") == 0);
	/* '*' takes the width from the insert's argument, the value from the next */
	if (!is_wine()) {	/* Wine 8 reads a wrong argument here when the va_list starts on the stack */
		fmt_a(0, b, sizeof b, "%1!*s!|%3", (INT_PTR)6, "xyz", "next");
		CHECK(strcmp(b, "   xyz|next") == 0);
	}
	fmt_a(0, b, sizeof b, "%1!5.2s!|%2!-5d!|%3!+d!", "abcdef", 3, 4);
	CHECK(strcmp(b, "   ab|3    |+4") == 0);
	/* S in the A form is a wide string; s in the W form is wide */
	fmt_a(0, b, sizeof b, "%1!S!", L"wide");
	CHECK(strcmp(b, "wide") == 0);
	CHECK_EQ(fmt_w(0, w, 256, L"%1, %2!S!, %3!d!", L"w", "a", 5), 7);
	CHECK(wcscmp(w, L"w, a, 5") == 0);
	/* escapes */
	fmt_a(0, b, sizeof b, "100%% sure%.%!%n%tend%r");
	CHECK(strcmp(b, "100% sure.!\r\n\tend\r") == 0);
	fmt_a(0, b, sizeof b, "stop%0 not this");
	CHECK(strcmp(b, "stop") == 0);
	CHECK_ERR(fmt_a(0, b, sizeof b, "trailing %"), ERROR_INVALID_PARAMETER);
	/* IGNORE_INSERTS: inserts and %% kept, %n still a line break */
	fmt_a(FORMAT_MESSAGE_IGNORE_INSERTS, b, sizeof b, "%1 %2!d! %% x%ny");
	CHECK(strcmp(b, "%1 %2!d! %% x\r\ny") == 0);
	/* argument array */
	DWORD_PTR arr[] = { (DWORD_PTR) "x", 17 };
	CHECK(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY, "%1=%2!d!", 0, 0, b, sizeof b,
			     (va_list *)arr) == 4);
	CHECK(strcmp(b, "x=17") == 0);
	/* line handling: 0 makes every line break CR LF, 0xFF a space, N also wraps */
	fmt_a(0, b, sizeof b, "a\r\nb\nc\rd");
	CHECK(strcmp(b, "a\r\nb\r\nc\r\nd") == 0);
	fmt_a(FORMAT_MESSAGE_MAX_WIDTH_MASK, b, sizeof b, "a\r\nb%nc");
	CHECK(strcmp(b, "a b\r\nc") == 0);
	fmt_a(10, b, sizeof b, "aaaa bbbb cccc dddd");
	CHECK(strcmp(b, "aaaa bbbb\r\ncccc dddd") == 0);
	/* buffer: exact fit, one short, allocated with a minimum size */
	CHECK_EQ(fmt_a(0, b, 6, "hello"), 5);
	CHECK_ERR(fmt_a(0, b, 5, "hello"), ERROR_INSUFFICIENT_BUFFER);
	char *p = NULL;
	CHECK_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER, "hi", 0, 0, (LPSTR)&p, 100,
				NULL),
		 2);
	CHECK(p && strcmp(p, "hi") == 0);
	CHECK(p && LocalSize(p) >= 100);
	LocalFree(p);
	/* the string wins over FROM_SYSTEM; no source at all is refused */
	CHECK_EQ(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_FROM_SYSTEM, "x", 0, 0, b, sizeof b, NULL), 1);
	CHECK_ERR(FormatMessageA(0, "x", 0, 0, b, sizeof b, NULL), ERROR_INVALID_PARAMETER);
	CHECK_ERR(FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE, NULL, 1, 0, b, sizeof b, NULL),
		  ERROR_RESOURCE_DATA_NOT_FOUND);
}

static void file_apis(void)
{
	char buf[MAX_PATH];
	CHECK(AreFileApisANSI());
	SetFileApisToOEM();
	CHECK(!AreFileApisANSI());
	/* 0xE9 is e-acute in 1252 and Theta in 437: the file name differs by code page */
	HANDLE h = CreateFileA("C:\\msg_\xe9.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	CloseHandle(h);
	CHECK(GetFileAttributesW(L"C:\\msg_\x0398.txt") != INVALID_FILE_ATTRIBUTES);
	CHECK(GetFullPathNameA("C:\\msg_\xe9.txt", sizeof buf, buf, NULL) > 0);
	CHECK(strcmp(buf, "C:\\msg_\xe9.txt") == 0);
	SetFileApisToANSI();
	CHECK(AreFileApisANSI());
	CHECK(GetFileAttributesA("C:\\msg_\xe9.txt") == INVALID_FILE_ATTRIBUTES);
	CHECK(DeleteFileW(L"C:\\msg_\x0398.txt"));
}

int main(void)
{
	system_messages();
	string_inserts();
	file_apis();
	return utest_done("msg_format");
}
