/*
 * tests/user/files_powercut.c - the power-cut test (issue 19): what
 * FlushFileBuffers returned for survives QEMU being killed, and the volume
 * stays consistent.
 *
 * `files_powercut.exe write` (its own boot, tools/powercut.sh): makes
 * C:\PCUT with files of many sizes and names, each written in uneven pieces,
 * partly rewritten, then flushed and closed; one more stays open, flushed at
 * a known size.  Then it prints "powercut: cut now" and keeps writing without
 * flushing (new files, appends to the open file, a truncation), about 2 MiB,
 * and sleeps until the harness kills QEMU (SIGKILL: no shutdown, no flush).
 *
 * Without arguments (the 64M test boot, whose disk is the cut image): checks
 * that every flushed file has exactly its flushed size and bytes, that every
 * other file left there reads without error, then deletes C:\PCUT.  On a disk
 * without C:\PCUT (the 512M boot's fresh disk) there is nothing to check;
 * tools/powercut.sh checks with mtools that the cut image has it.
 */
#include "utest.h"
#include <string.h>

#define DIR_W L"C:\\PCUT"
#define NFILES 10
#define OPEN_SIZE 10000	/* the file left open: flushed at this size, then appended to */

static const DWORD sizes[NFILES] = { 0, 1, 511, 4096, 4097, 65543, 300000, 1048576 + 123, 12288, 2000 };

/* Byte j of flushed file i. */
static unsigned char pattern(unsigned i, DWORD j)
{
	unsigned x = (i + 1) * 2654435761u ^ (j * 40503u + (j >> 9) * 7u);
	return (unsigned char)(x >> 13 ^ x);
}

/* out = a DIR_W "\\" b number c */
static void make_name(WCHAR *out, const WCHAR *b, unsigned number, const WCHAR *c)
{
	WCHAR digits[12];
	int n = 0;
	do
		digits[n++] = (WCHAR)('0' + number % 10);
	while ((number /= 10));
	wcscpy(out, DIR_W L"\\");
	wcscat(out, b);
	size_t len = wcslen(out);
	while (n)
		out[len++] = digits[--n];
	out[len] = 0;
	wcscat(out, c);
}

static void name_of(unsigned i, WCHAR *out)
{
	/* short 8.3 names and long names (LFN entries + aliases) */
	if (i % 2)
		make_name(out, L"flushed file number ", i, L" with a long name.bin");
	else
		make_name(out, L"F", i, L".DAT");
}

static unsigned char buf[1 << 20];

static void fill(unsigned i, DWORD from, DWORD n)
{
	for (DWORD j = 0; j < n; j++)
		buf[j] = pattern(i, from + j);
}

static int write_all(HANDLE h, unsigned i, DWORD from, DWORD n)
{
	while (n) {
		DWORD k = n < 70001 ? n : 70001, got;	/* uneven pieces */
		fill(i, from, k);
		if (!WriteFile(h, buf, k, &got, NULL) || got != k)
			return 0;
		from += k;
		n -= k;
	}
	return 1;
}

static int writer(void)
{
	if (!CreateDirectoryW(DIR_W, NULL)) {
		printf("powercut: CreateDirectory failed: %lu\n", GetLastError());
		return 1;
	}
	WCHAR name[MAX_PATH];
	for (unsigned i = 0; i < NFILES; i++) {
		name_of(i, name);
		HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
		if (h == INVALID_HANDLE_VALUE)
			return printf("powercut: create %u failed: %lu\n", i, GetLastError()), 1;
		/* garbage first, then the right bytes over it: only the last write counts */
		memset(buf, 0xee, sizeof(buf));
		DWORD got;
		if (sizes[i] && (!WriteFile(h, buf, sizes[i] < sizeof(buf) ? sizes[i] : sizeof(buf), &got, NULL) ||
				 SetFilePointer(h, 0, NULL, FILE_BEGIN) != 0))
			return printf("powercut: prewrite %u failed\n", i), 1;
		if (!write_all(h, i, 0, sizes[i]) || !SetEndOfFile(h) || !FlushFileBuffers(h))
			return printf("powercut: write %u failed: %lu\n", i, GetLastError()), 1;
		CloseHandle(h);
	}
	HANDLE open = CreateFileW(DIR_W L"\\OPEN.DAT", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
	if (open == INVALID_HANDLE_VALUE || !write_all(open, NFILES, 0, OPEN_SIZE) || !FlushFileBuffers(open))
		return printf("powercut: OPEN.DAT failed: %lu\n", GetLastError()), 1;
	printf("powercut: cut now\n");
	fflush(stdout);

	/* Unflushed work until the cut: none of it may show, none of it may damage the volume. */
	if (!write_all(open, NFILES, OPEN_SIZE, 300000))
		return 1;
	HANDLE kept[6];
	unsigned nkept = 0;
	for (unsigned k = 0; k < 6; k++) {
		make_name(name, L"unflushed ", k, L".tmp");
		HANDLE h = CreateFileW(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
		if (h == INVALID_HANDLE_VALUE || !write_all(h, 100 + k, 0, 256 * 1024))
			return 1;
		if (k == 3 && (SetFilePointer(h, 5000, NULL, FILE_BEGIN) != 5000 || !SetEndOfFile(h)))
			return 1;
		if (k % 2)
			CloseHandle(h);	/* closed but never flushed */
		else
			kept[nkept++] = h;
	}
	printf("powercut: unflushed work done\n");
	fflush(stdout);
	/* Until the cut: rewrite the open files in place (no new clusters, dirty pages only). */
	for (unsigned round = 0;; round++)
		for (unsigned k = 0; k < nkept; k++)
			if (SetFilePointer(kept[k], 0, NULL, FILE_BEGIN) != 0 || !write_all(kept[k], 200 + round % 64, 0, 65536))
				return 1;
}

/* The file has exactly size bytes of pattern i. */
static void check_file(const WCHAR *name, unsigned i, DWORD size)
{
	HANDLE h = CreateFileW(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	if (h == INVALID_HANDLE_VALUE) {
		printf("  missing: %ls (error %lu)\n", name, GetLastError());
		return;
	}
	CHECK_EQ(GetFileSize(h, NULL), size);
	DWORD off = 0, got, bad = 0;
	while (ReadFile(h, buf, sizeof(buf), &got, NULL) && got) {
		for (DWORD j = 0; j < got; j++)
			bad += buf[j] != pattern(i, off + j);
		off += got;
	}
	CHECK_EQ(off, size);
	CHECK_EQ(bad, 0);
	CloseHandle(h);
}

static void checker(void)
{
	WCHAR name[MAX_PATH];
	for (unsigned i = 0; i < NFILES; i++) {
		name_of(i, name);
		check_file(name, i, sizes[i]);
	}
	check_file(DIR_W L"\\OPEN.DAT", NFILES, OPEN_SIZE);

	/* whatever else is there reads without error; then everything goes */
	WIN32_FIND_DATAW fd;
	HANDLE f = FindFirstFileW(DIR_W L"\\*", &fd);
	CHECK(f != INVALID_HANDLE_VALUE);
	unsigned n = 0;
	if (f != INVALID_HANDLE_VALUE) {
		do {
			if (fd.cFileName[0] == '.')
				continue;
			make_name(name, L"", 0, L"");
			name[wcslen(name) - 1] = 0;	/* DIR_W "\\" */
			wcscat(name, fd.cFileName);
			HANDLE h = CreateFileW(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
			CHECK(h != INVALID_HANDLE_VALUE);
			DWORD got;
			BOOL ok = h != INVALID_HANDLE_VALUE;
			while (ok && (ok = ReadFile(h, buf, sizeof(buf), &got, NULL)) && got)
				;
			CHECK(ok);
			CloseHandle(h);
			CHECK(DeleteFileW(name));
			n++;
		} while (FindNextFileW(f, &fd));
		FindClose(f);
	}
	CHECK(n >= NFILES + 1);
	CHECK(RemoveDirectoryW(DIR_W));
	printf("files_powercut: %u files after the cut, %u flushed ones intact\n", n, NFILES + 1);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "write") == 0)
		return writer();
	if (GetFileAttributesW(DIR_W) == INVALID_FILE_ATTRIBUTES) {
		printf("files_powercut: no C:\\PCUT (not the power-cut image): nothing to check\n");
		return utest_done("files_powercut");
	}
	checker();
	return utest_done("files_powercut");
}
