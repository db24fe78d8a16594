/*
 * tests/user/procmem_inherit.c - handle inheritance (issue 21):
 * HANDLE_FLAG_INHERIT from SECURITY_ATTRIBUTES.bInheritHandle, Open*'s
 * bInheritHandle, DuplicateHandle's bInheritHandle and
 * DUPLICATE_SAME_ATTRIBUTES, Get/SetHandleInformation (and
 * HANDLE_FLAG_PROTECT_FROM_CLOSE); CreateProcess with bInheritHandles TRUE
 * gives the child the marked handles at the same values and no others, with
 * FALSE none.  The program starts itself as the child ("procmem_inherit.exe
 * child ..."): it checks each handle value it is given and exits with a bit
 * mask of what it found wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utest.h"

#ifndef DUPLICATE_SAME_ATTRIBUTES
#define DUPLICATE_SAME_ATTRIBUTES 0x4	/* ntdef.h: NtDuplicateObject's option, passed on by DuplicateHandle */
#endif

enum { E_INH, E_NO, E_SET, MAP, DUP_INH, E_CLEARED, PROC_H, DUP_SAME, NVALS };

static DWORD flags_of(HANDLE h)
{
	DWORD f = 0xdead;
	return GetHandleInformation(h, &f) ? f : 0xbad;
}

/* The child: argv "child inherit|none pid v0 v1 ...": which values must be open here. */
static int child_main(int argc, char **argv)
{
	if (argc < 4 + NVALS)
		return 0x100;
	BOOL inherited = strcmp(argv[2], "inherit") == 0;
	DWORD parent = (DWORD)strtoul(argv[3], NULL, 0);
	HANDLE v[NVALS];
	for (int i = 0; i < NVALS; i++)
		v[i] = (HANDLE)(ULONG_PTR)strtoull(argv[4 + i], NULL, 0);
	int bad = 0;
	if (!inherited) {
		for (int i = 0; i < NVALS; i++)
			if (flags_of(v[i]) != 0xbad || GetLastError() != ERROR_INVALID_HANDLE)
				bad |= 1 << i;
		return bad;
	}
	/* Not inherited: nothing at those values. */
	if (flags_of(v[E_NO]) != 0xbad || GetLastError() != ERROR_INVALID_HANDLE)
		bad |= 1;
	if (flags_of(v[E_CLEARED]) != 0xbad)
		bad |= 2;
	/* Inherited: same values, still inheritable, the same objects. */
	if (flags_of(v[E_INH]) != HANDLE_FLAG_INHERIT || !SetEvent(v[E_INH]))
		bad |= 4;
	if (flags_of(v[E_SET]) != HANDLE_FLAG_INHERIT || !SetEvent(v[E_SET]))
		bad |= 8;
	if (flags_of(v[DUP_INH]) != HANDLE_FLAG_INHERIT || WaitForSingleObject(v[DUP_INH], 0) != WAIT_TIMEOUT)
		bad |= 16;	/* a duplicate of the parent's E_NO, not signaled */
	if (flags_of(v[DUP_SAME]) != HANDLE_FLAG_INHERIT || WaitForSingleObject(v[DUP_SAME], 0) != WAIT_OBJECT_0)
		bad |= 32;	/* a duplicate of E_INH, set above */
	if (flags_of(v[PROC_H]) != HANDLE_FLAG_INHERIT || GetProcessId(v[PROC_H]) != parent ||
	    WaitForSingleObject(v[PROC_H], 0) != WAIT_TIMEOUT)
		bad |= 64;
	char *view = MapViewOfFile(v[MAP], FILE_MAP_ALL_ACCESS, 0, 0, 0);
	if (!view || strcmp(view, "shared by inheritance") != 0)
		bad |= 128;
	else
		strcpy(view + 64, "the child was here");
	if (view)
		UnmapViewOfFile(view);
	/* The inherited handles are the child's own: closing them is fine. */
	if (!CloseHandle(v[E_INH]) || !CloseHandle(v[MAP]))
		bad |= 256;
	return bad;
}

/* Start this program as the child with the values; its exit code. */
static DWORD run_child(BOOL inherit, HANDLE *v, SECURITY_ATTRIBUTES *psa)
{
	char cmd[512];
	int n = snprintf(cmd, sizeof cmd, "procmem_inherit.exe child %s %lu", inherit ? "inherit" : "none",
			 GetCurrentProcessId());
	for (int i = 0; i < NVALS; i++)
		n += snprintf(cmd + n, sizeof cmd - n, " %llu", (unsigned long long)(ULONG_PTR)v[i]);
	STARTUPINFOA si;
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	PROCESS_INFORMATION pi;
	if (!CreateProcessA(NULL, cmd, psa, NULL, inherit, 0, NULL, NULL, &si, &pi)) {
		CHECK(!"CreateProcessA");
		return 0xdead;
	}
	/* lpProcessAttributes asks for an inheritable process handle; the thread handle is not. */
	CHECK_EQ(flags_of(pi.hProcess), psa ? HANDLE_FLAG_INHERIT : 0);
	CHECK_EQ(flags_of(pi.hThread), 0);
	DWORD code = 0xdead;
	CHECK_EQ(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
	CHECK(GetExitCodeProcess(pi.hProcess, &code));
	CHECK(CloseHandle(pi.hProcess) && CloseHandle(pi.hThread));
	return code;
}

/* Get/SetHandleInformation on one handle, protection from close included. */
static void flags_api(void)
{
	HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
	CHECK_EQ(flags_of(e), 0);
	CHECK(SetHandleInformation(e, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
	CHECK_EQ(flags_of(e), HANDLE_FLAG_INHERIT);
	CHECK(SetHandleInformation(e, HANDLE_FLAG_PROTECT_FROM_CLOSE, ~0u));
	CHECK_EQ(flags_of(e), HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
	CHECK_ERR(CloseHandle(e), ERROR_INVALID_HANDLE);	/* STATUS_HANDLE_NOT_CLOSABLE */
	CHECK(SetEvent(e) && WaitForSingleObject(e, 0) == WAIT_OBJECT_0);	/* still open */
	CHECK(SetHandleInformation(e, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_INHERIT));
	CHECK_EQ(flags_of(e), HANDLE_FLAG_INHERIT);
	CHECK(SetHandleInformation(e, 0, ~0u));	/* an empty mask changes nothing */
	CHECK_EQ(flags_of(e), HANDLE_FLAG_INHERIT);
	CHECK(CloseHandle(e));
	CHECK_ERR(GetHandleInformation(e, &(DWORD){ 0 }), ERROR_INVALID_HANDLE);
	CHECK_ERR(SetHandleInformation(e, HANDLE_FLAG_INHERIT, 0), ERROR_INVALID_HANDLE);
	CHECK_ERR(GetHandleInformation((HANDLE)(ULONG_PTR)0x12340, &(DWORD){ 0 }), ERROR_INVALID_HANDLE);
	CHECK_ERR(GetHandleInformation(NULL, &(DWORD){ 0 }), ERROR_INVALID_HANDLE);
	/* A protected handle still goes with the process (the leak oracle would see it otherwise). */
	HANDLE kept = CreateEventA(NULL, TRUE, FALSE, NULL);
	CHECK(SetHandleInformation(kept, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc, argv);
	flags_api();

	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
	HANDLE v[NVALS];
	v[E_INH] = CreateEventA(&sa, TRUE, FALSE, NULL);
	v[E_NO] = CreateEventA(NULL, TRUE, FALSE, NULL);
	v[E_SET] = CreateEventA(NULL, TRUE, FALSE, NULL);
	CHECK(SetHandleInformation(v[E_SET], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
	v[MAP] = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 65536, NULL);
	CHECK(DuplicateHandle(GetCurrentProcess(), v[E_NO], GetCurrentProcess(), &v[DUP_INH], 0, TRUE,
			      DUPLICATE_SAME_ACCESS));
	v[E_CLEARED] = CreateEventA(&sa, TRUE, FALSE, NULL);
	CHECK_EQ(flags_of(v[E_CLEARED]), HANDLE_FLAG_INHERIT);
	CHECK(SetHandleInformation(v[E_CLEARED], HANDLE_FLAG_INHERIT, 0));
	v[PROC_H] = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, TRUE, GetCurrentProcessId());
	CHECK(DuplicateHandle(GetCurrentProcess(), v[E_INH], GetCurrentProcess(), &v[DUP_SAME], 0, FALSE,
			      DUPLICATE_SAME_ACCESS | DUPLICATE_SAME_ATTRIBUTES));
	for (int i = 0; i < NVALS; i++)
		CHECK(v[i] != NULL);
	CHECK_EQ(flags_of(v[E_INH]), HANDLE_FLAG_INHERIT);
	CHECK_EQ(flags_of(v[E_NO]), 0);
	CHECK_EQ(flags_of(v[MAP]), HANDLE_FLAG_INHERIT);
	CHECK_EQ(flags_of(v[DUP_INH]), HANDLE_FLAG_INHERIT);
	CHECK_EQ(flags_of(v[PROC_H]), HANDLE_FLAG_INHERIT);
	CHECK_EQ(flags_of(v[DUP_SAME]), HANDLE_FLAG_INHERIT);
	HANDLE plain = NULL;	/* bInheritHandle FALSE without DUPLICATE_SAME_ATTRIBUTES: not inheritable */
	CHECK(DuplicateHandle(GetCurrentProcess(), v[E_INH], GetCurrentProcess(), &plain, 0, FALSE,
			      DUPLICATE_SAME_ACCESS));
	CHECK_EQ(flags_of(plain), 0);
	CHECK(CloseHandle(plain));
	char *view = MapViewOfFile(v[MAP], FILE_MAP_ALL_ACCESS, 0, 0, 0);
	CHECK(view != NULL);
	if (!view)
		return utest_done("procmem_inherit");
	strcpy(view, "shared by inheritance");

	/* bInheritHandles FALSE: none of them is in the child. */
	CHECK_EQ(run_child(FALSE, v, NULL), 0);
	CHECK_EQ(WaitForSingleObject(v[E_INH], 0), WAIT_TIMEOUT);

	/* TRUE: the marked ones, same values; the child sets two events and writes the section. */
	CHECK_EQ(run_child(TRUE, v, &sa), 0);
	CHECK_EQ(WaitForSingleObject(v[E_INH], 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(v[E_SET], 0), WAIT_OBJECT_0);
	CHECK_EQ(WaitForSingleObject(v[E_NO], 0), WAIT_TIMEOUT);
	CHECK(strcmp(view + 64, "the child was here") == 0);
	/* The child's closes were its own: ours are all still open. */
	for (int i = 0; i < NVALS; i++)
		CHECK(CloseHandle(v[i]));
	CHECK(UnmapViewOfFile(view));
	return utest_done("procmem_inherit");
}
