/*
 * tests/user/fmap_ioerr.c - a page-in from a file that fails (issue 20).  On
 * the 512M test boot's C: (tools/ioerr-disk.sh: QEMU blkdebug fails every
 * read of page 20 of C:\IOERR\RBAD.DAT) a view of that file is read page by
 * page: every page reads as the file holds it except page 20, whose first
 * access raises EXCEPTION_IN_PAGE_ERROR (0xC0000006) in this thread with
 * three parameters - read (0), the address, and the disk's NTSTATUS
 * STATUS_DEVICE_DATA_ERROR (0xC000009C) - and so does every later access;
 * the process and the kernel go on and the view unmaps (the leak oracle
 * checks the frames after the program).  Without that file (the 64M boot's disk) it says so and checks
 * nothing else.
 */
#include <string.h>

#include "utest.h"

#define PAGES    64	/* RBAD.DAT: 256 KiB */
#define BAD_PAGE 20
#define LINE     "IOERR-DATA-0123456789abcdef-\n"	/* yes(1) repeats it through the file */

static EXCEPTION_RECORD last;	/* the last exception the probes caught */

static LONG WINAPI note(EXCEPTION_POINTERS *ep)
{
	last = *ep->ExceptionRecord;
	return EXCEPTION_CONTINUE_SEARCH;	/* utest's probe handler resumes after the access */
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	HANDLE f = CreateFileA("C:\\IOERR\\RBAD.DAT", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	if (f == INVALID_HANDLE_VALUE) {
		printf("fmap_ioerr: no C:\\IOERR\\RBAD.DAT on this disk (not the error-injection boot): skipped\n");
		return utest_done("fmap_ioerr");
	}
	utest_probe_init();
	AddVectoredExceptionHandler(1, note);	/* first: it sees the record before the probe handler */
	HANDLE m = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL);
	CHECK(m != NULL);
	const unsigned char *v = m ? MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0) : NULL;
	CHECK(v != NULL);
	if (v) {
		int good = 0;
		for (int i = 0; i < PAGES; i++) {
			const unsigned char *p = v + i * 4096;
			memset(&last, 0, sizeof last);
			unsigned code = utest_probe_read(p);
			if (i != BAD_PAGE) {
				CHECK_EQ(code, 0);
				size_t off = (size_t)i * 4096 % (sizeof LINE - 1);
				good += code == 0 && memcmp(p, LINE + off, sizeof LINE - 1 - off) == 0;
				continue;
			}
			CHECK_EQ(code, 0xC0000006u);
			CHECK_EQ(last.ExceptionCode, 0xC0000006u);
			CHECK_EQ(last.NumberParameters, 3);
			CHECK_EQ(last.ExceptionInformation[0], 0);	/* a read */
			CHECK_EQ(last.ExceptionInformation[1], (ULONG_PTR)p);
			CHECK_EQ(last.ExceptionInformation[2], 0xC000009Cu);	/* STATUS_DEVICE_DATA_ERROR */
			/* Again: the page is still not there, the same error. */
			memset(&last, 0, sizeof last);
			CHECK_EQ(utest_probe_read(p + 100), 0xC0000006u);
			CHECK_EQ(last.ExceptionInformation[2], 0xC000009Cu);
		}
		CHECK_EQ(good, PAGES - 1);
		/* An access violation after it carries two parameters, not a stale third. */
		memset(&last, 0, sizeof last);
		CHECK_EQ(utest_probe_write((void *)v, 1), 0xC0000005u);
		CHECK_EQ(last.NumberParameters, 2);
		CHECK(UnmapViewOfFile(v));
	}
	CHECK(m && CloseHandle(m));
	CHECK(CloseHandle(f));
	printf("fmap_ioerr: checked\n");
	return utest_done("fmap_ioerr");
}
