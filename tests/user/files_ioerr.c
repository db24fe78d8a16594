/*
 * tests/user/files_ioerr.c - disk errors (issue 19): QEMU's blkdebug makes
 * reads of one sector of C:\IOERR\RBAD.DAT and writes of one sector of
 * C:\IOERR\WBAD.DAT fail (tools/ioerr-disk.sh makes the disk and the rules;
 * the 512M test boot attaches it).  The program sees ERROR_CRC (23,
 * STATUS_DEVICE_DATA_ERROR) for a read and ERROR_IO_DEVICE (1117,
 * STATUS_IO_DEVICE_ERROR) for a write, never a panic or a hang; the file
 * pointer stays; the page cache keeps nothing of a failed read (the next read
 * fails again), a failed read-ahead does not fail the pages before the bad
 * one, and every other page reads back right.
 *
 * On a disk without C:\IOERR (the 64M boot's) there is nothing to check; the
 * make rule checks that the 512M boot printed this program's "checked" line.
 */
#include "utest.h"
#include <string.h>

#define PAGE 4096
#define RBAD_PAGES 64	/* 256 KiB; reads of page RBAD_BAD fail */
#define RBAD_BAD 20
#define WBAD_PAGES 16	/* 64 KiB; writes of page WBAD_BAD fail */
#define WBAD_BAD 5

static const char line[] = "IOERR-DATA-0123456789abcdef-\n";	/* the files' bytes, repeated */

static int page_ok(const unsigned char *b, DWORD page, DWORD n)
{
	for (DWORD j = 0; j < n; j++)
		if (b[j] != (unsigned char)line[(page * PAGE + j) % (sizeof(line) - 1)])
			return 0;
	return 1;
}

static LONGLONG pos_of(HANDLE h)
{
	LARGE_INTEGER z = { 0 }, p;
	return SetFilePointerEx(h, z, &p, FILE_CURRENT) ? p.QuadPart : -1;
}

static unsigned char buf[4 * PAGE];

static void reads(void)
{
	HANDLE h = CreateFileA("C:\\IOERR\\RBAD.DAT", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	DWORD n;
	/* sequential reads: the read-ahead reaches the bad page before the reader does */
	for (DWORD p = 0; p < RBAD_BAD; p++) {
		CHECK(ReadFile(h, buf, PAGE, &n, NULL));
		CHECK_EQ(n, PAGE);
		CHECK(page_ok(buf, p, PAGE));
	}
	CHECK_EQ(pos_of(h), RBAD_BAD * PAGE);
	n = 77;
	CHECK_ERR(ReadFile(h, buf, PAGE, &n, NULL), ERROR_CRC);
	CHECK_EQ(n, 0);
	CHECK_EQ(pos_of(h), RBAD_BAD * PAGE);	/* the pointer stays */
	CHECK_ERR(ReadFile(h, buf, PAGE, &n, NULL), ERROR_CRC);	/* nothing of it was cached */
	/* a read spanning the bad page fails whole */
	CHECK_EQ(SetFilePointer(h, (RBAD_BAD - 1) * PAGE + 100, NULL, FILE_BEGIN), (RBAD_BAD - 1) * PAGE + 100);
	CHECK_ERR(ReadFile(h, buf, 3 * PAGE, &n, NULL), ERROR_CRC);
	/* at an OVERLAPPED offset, and one byte of it */
	OVERLAPPED ov = { .Offset = RBAD_BAD * PAGE + 4000 };
	CHECK_ERR(ReadFile(h, buf, 1, &n, &ov), ERROR_CRC);
	CHECK_EQ((DWORD)ov.Internal, 0xC000009C);
	/* every other page reads back right, in both directions */
	for (DWORD p = RBAD_PAGES; p-- > 0;) {
		if (p == RBAD_BAD)
			continue;
		OVERLAPPED o = { .Offset = p * PAGE };
		CHECK(ReadFile(h, buf, PAGE, &n, &o));
		CHECK(n == PAGE && page_ok(buf, p, PAGE));
	}
	CHECK_ERR(ReadFile(h, buf, PAGE, &n, &ov), ERROR_CRC);
	CloseHandle(h);
}

static void writes(void)
{
	HANDLE h = CreateFileA("C:\\IOERR\\WBAD.DAT", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	DWORD n;
	/* a cached write succeeds; the error comes with the flush */
	for (DWORD j = 0; j < PAGE; j++)
		buf[j] = (unsigned char)line[(WBAD_BAD * PAGE + j) % (sizeof(line) - 1)];
	OVERLAPPED ov = { .Offset = WBAD_BAD * PAGE };
	CHECK(WriteFile(h, buf, PAGE, &n, &ov));
	CHECK_ERR(FlushFileBuffers(h), ERROR_IO_DEVICE);
	CHECK_ERR(FlushFileBuffers(h), ERROR_IO_DEVICE);	/* still dirty, still failing */
	/* the cache still holds what was written */
	memset(buf, 0, PAGE);
	CHECK(ReadFile(h, buf, PAGE, &n, &ov));
	CHECK(page_ok(buf, WBAD_BAD, PAGE));
	CloseHandle(h);

	/* write-through: the WriteFile itself reports it; a good page is written */
	h = CreateFileA("C:\\IOERR\\WBAD.DAT", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_FLAG_WRITE_THROUGH, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	for (DWORD j = 0; j < PAGE; j++)
		buf[j] = (unsigned char)line[(2 * PAGE + j) % (sizeof(line) - 1)];
	OVERLAPPED good = { .Offset = 2 * PAGE };
	CHECK(WriteFile(h, buf, PAGE, &n, &good));
	CHECK_ERR(WriteFile(h, buf, 100, &n, &ov), ERROR_IO_DEVICE);
	CloseHandle(h);
}

int main(void)
{
	if (GetFileAttributesA("C:\\IOERR\\RBAD.DAT") == INVALID_FILE_ATTRIBUTES) {
		printf("files_ioerr: no C:\\IOERR (not the error-injection disk): nothing to check\n");
		return utest_done("files_ioerr");
	}
	reads();
	writes();
	printf("files_ioerr: checked\n");
	return utest_done("files_ioerr");
}
