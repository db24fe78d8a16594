/*
 * tests/user/files_rw.c - ReadFile/WriteFile on files: the file pointer,
 * reads at and past the end, writes past the end (a zero gap), access
 * rights, SetFilePointer(Ex) in every mode with its errors, GetFileSize(Ex),
 * SetEndOfFile (grow, shrink), FlushFileBuffers, OVERLAPPED offsets,
 * FILE_APPEND_DATA, file times, and bad buffers (ERROR_NOACCESS with
 * nothing read or written and the pointer unchanged).
 */
#include "utest.h"

#define NAME "C:\\files_rw.bin"

static LONGLONG pos_of(HANDLE h)
{
	LARGE_INTEGER z = { 0 }, p;
	if (!SetFilePointerEx(h, z, &p, FILE_CURRENT))
		return -1;
	return p.QuadPart;
}

static void basic_rw(HANDLE h)
{
	static char big[3 * 4096 + 100];
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	DWORD n = 0;
	CHECK(WriteFile(h, big, sizeof(big), &n, NULL));
	CHECK_EQ(n, sizeof(big));
	CHECK_EQ(pos_of(h), sizeof(big));
	CHECK_EQ(GetFileSize(h, NULL), sizeof(big));
	LARGE_INTEGER sz;
	CHECK(GetFileSizeEx(h, &sz));
	CHECK_EQ(sz.QuadPart, sizeof(big));

	/* read back across page boundaries */
	CHECK_EQ(SetFilePointer(h, 4000, NULL, FILE_BEGIN), 4000);
	static char back[5000];
	CHECK(ReadFile(h, back, sizeof(back), &n, NULL));
	CHECK_EQ(n, sizeof(back));
	CHECK(memcmp(back, big + 4000, sizeof(back)) == 0);
	CHECK_EQ(pos_of(h), 9000);

	/* a read across the end is short; at the end: success, 0 bytes */
	CHECK_EQ(SetFilePointer(h, -10, NULL, FILE_END), sizeof(big) - 10);
	CHECK(ReadFile(h, back, 100, &n, NULL));
	CHECK_EQ(n, 10);
	CHECK(memcmp(back, big + sizeof(big) - 10, 10) == 0);
	CHECK(ReadFile(h, back, 100, &n, NULL));
	CHECK_EQ(n, 0);
	/* past the end */
	CHECK_EQ(SetFilePointer(h, 100000, NULL, FILE_BEGIN), 100000);
	CHECK(ReadFile(h, back, 100, &n, NULL));
	CHECK_EQ(n, 0);
	/* zero-length read and write */
	CHECK(ReadFile(h, back, 0, &n, NULL));
	CHECK_EQ(n, 0);

	/* a write past the end leaves a gap of zeros */
	CHECK_EQ(SetFilePointer(h, 20000, NULL, FILE_BEGIN), 20000);
	CHECK(WriteFile(h, "tail", 4, &n, NULL));
	CHECK_EQ(GetFileSize(h, NULL), 20004);
	CHECK_EQ(SetFilePointer(h, sizeof(big), NULL, FILE_BEGIN), sizeof(big));
	static char gap[20000 - sizeof(big)];
	memset(gap, 0x55, sizeof(gap));
	CHECK(ReadFile(h, gap, sizeof(gap), &n, NULL));
	CHECK_EQ(n, sizeof(gap));
	int zero = 1;
	for (unsigned i = 0; i < sizeof(gap); i++)
		zero &= gap[i] == 0;
	CHECK(zero);
	CHECK(ReadFile(h, back, 4, &n, NULL));
	CHECK(n == 4 && memcmp(back, "tail", 4) == 0);
}

static void pointer(HANDLE h)
{
	LARGE_INTEGER d, p;
	d.QuadPart = 10;
	CHECK(SetFilePointerEx(h, d, &p, FILE_BEGIN));
	CHECK_EQ(p.QuadPart, 10);
	d.QuadPart = 5;
	CHECK(SetFilePointerEx(h, d, &p, FILE_CURRENT));
	CHECK_EQ(p.QuadPart, 15);
	d.QuadPart = -4;
	CHECK(SetFilePointerEx(h, d, &p, FILE_END));
	CHECK_EQ(p.QuadPart, 20000);
	d.QuadPart = -1;
	CHECK_ERR(SetFilePointerEx(h, d, &p, FILE_BEGIN), ERROR_NEGATIVE_SEEK);
	CHECK_EQ(pos_of(h), 20000);	/* unchanged */
	d.QuadPart = 0;
	CHECK_ERR(SetFilePointerEx(h, d, &p, 3), ERROR_INVALID_PARAMETER);
	/* SetFilePointer with a high part: beyond 4 GiB is only a position */
	LONG high = 1;
	CHECK_EQ(SetFilePointer(h, 16, &high, FILE_BEGIN), 16);
	CHECK_EQ(high, 1);
	CHECK_EQ(pos_of(h), 0x100000010LL);
	high = 0;
	CHECK_EQ(SetFilePointer(h, 0, &high, FILE_BEGIN), 0);
	SetLastError(0x1234);
	CHECK_EQ(SetFilePointer(h, -5, NULL, FILE_BEGIN), INVALID_SET_FILE_POINTER);
	CHECK_EQ(GetLastError(), ERROR_NEGATIVE_SEEK);
	CHECK_EQ(SetFilePointer((HANDLE)(ULONG_PTR)0x7ff0, 0, NULL, FILE_BEGIN), INVALID_SET_FILE_POINTER);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK_EQ(GetFileSize((HANDLE)(ULONG_PTR)0x7ff0, NULL), INVALID_FILE_SIZE);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
}

static void end_of_file(HANDLE h)
{
	CHECK_EQ(SetFilePointer(h, 100, NULL, FILE_BEGIN), 100);
	CHECK(SetEndOfFile(h));
	CHECK_EQ(GetFileSize(h, NULL), 100);
	CHECK_EQ(pos_of(h), 100);
	CHECK_EQ(SetFilePointer(h, 9000, NULL, FILE_BEGIN), 9000);
	CHECK(SetEndOfFile(h));
	CHECK_EQ(GetFileSize(h, NULL), 9000);
	char buf[16];
	DWORD n;
	CHECK_EQ(SetFilePointer(h, 8990, NULL, FILE_BEGIN), 8990);
	memset(buf, 1, sizeof(buf));
	CHECK(ReadFile(h, buf, sizeof(buf), &n, NULL));
	CHECK_EQ(n, 10);
	CHECK(buf[0] == 0 && buf[9] == 0);
	CHECK(FlushFileBuffers(h));
}

static void overlapped(HANDLE h)
{
	OVERLAPPED ov = { 0 };
	DWORD n;
	ov.Offset = 50;
	CHECK(WriteFile(h, "ovl", 3, &n, &ov));
	CHECK_EQ(n, 3);
	CHECK_EQ(ov.InternalHigh, 3);
	CHECK_EQ(pos_of(h), 53);	/* a synchronous handle's pointer follows */
	char buf[3];
	memset(&ov, 0, sizeof(ov));
	ov.Offset = 50;
	CHECK(ReadFile(h, buf, 3, &n, &ov));
	CHECK(n == 3 && memcmp(buf, "ovl", 3) == 0);
	ov.Offset = 1000000;
	CHECK_ERR(ReadFile(h, buf, 3, &n, &ov), ERROR_HANDLE_EOF);
}

static void rights(void)
{
	DWORD n;
	char c = 'x';
	HANDLE r = CreateFileA(NAME, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(r != INVALID_HANDLE_VALUE);
	CHECK_ERR(WriteFile(r, &c, 1, &n, NULL), ERROR_ACCESS_DENIED);
	CHECK_ERR(SetEndOfFile(r), ERROR_ACCESS_DENIED);
	CloseHandle(r);
	HANDLE w = CreateFileA(NAME, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(w != INVALID_HANDLE_VALUE);
	CHECK_ERR(ReadFile(w, &c, 1, &n, NULL), ERROR_ACCESS_DENIED);
	CloseHandle(w);
	/* append-only: every write lands at the end */
	HANDLE a = CreateFileA(NAME, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(a != INVALID_HANDLE_VALUE);
	DWORD size = GetFileSize(a, NULL);
	CHECK_EQ(SetFilePointer(a, 0, NULL, FILE_BEGIN), 0);
	CHECK(WriteFile(a, "END", 3, &n, NULL));
	CHECK_EQ(GetFileSize(a, NULL), size + 3);
	CloseHandle(a);
	CHECK_ERR(ReadFile((HANDLE)(ULONG_PTR)0x7ff0, &c, 1, &n, NULL), ERROR_INVALID_HANDLE);
	CHECK_ERR(WriteFile((HANDLE)(ULONG_PTR)0x7ff0, &c, 1, &n, NULL), ERROR_INVALID_HANDLE);
}

/* Bad buffers: ERROR_NOACCESS, nothing half-written or half-read, the pointer unchanged. */
static void bad_buffers(HANDLE h)
{
	DWORD n = 77;
	char *page = VirtualAlloc(NULL, 2 * 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	DWORD old;
	CHECK(VirtualProtect(page + 4096, 4096, PAGE_NOACCESS, &old));
	memset(page, 'Q', 4096);
	LONGLONG size = GetFileSize(h, NULL);
	CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
	/* a write whose buffer runs into a no-access page */
	CHECK_ERR(WriteFile(h, page + 4096 - 100, 200, &n, NULL), ERROR_NOACCESS);
	CHECK_EQ(n, 0);
	CHECK_EQ(pos_of(h), 0);
	CHECK_EQ(GetFileSize(h, NULL), size);
	char first[100];
	CHECK(ReadFile(h, first, sizeof(first), &n, NULL));
	CHECK(memchr(first, 'Q', sizeof(first)) == NULL);	/* nothing of the bad write landed */
	/* a read into a buffer that runs into the no-access page, and into a read-only page */
	CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
	CHECK_ERR(ReadFile(h, page + 4096 - 100, 200, &n, NULL), ERROR_NOACCESS);
	CHECK_EQ(pos_of(h), 0);
	CHECK(page[4096 - 100] == 'Q');	/* nothing half-read */
	CHECK(VirtualProtect(page, 4096, PAGE_READONLY, &old));
	CHECK_ERR(ReadFile(h, page, 10, &n, NULL), ERROR_NOACCESS);
	CHECK(page[0] == 'Q');
	CHECK_ERR(ReadFile(h, (void *)(ULONG_PTR)0xFFFF800000000000ULL, 10, &n, NULL), ERROR_NOACCESS);
	CHECK_ERR(WriteFile(h, NULL, 10, &n, NULL), ERROR_NOACCESS);
	CHECK_EQ(GetFileSize(h, NULL), size);
	VirtualFree(page, 0, MEM_RELEASE);
}

static void times(HANDLE h)
{
	FILETIME c, a, w, w2;
	CHECK(GetFileTime(h, &c, &a, &w));
	CHECK(w.dwHighDateTime != 0);
	/* 2020-01-01 00:00:00 UTC (even seconds: FAT keeps 2 s) */
	FILETIME t = { .dwLowDateTime = 0x69050000, .dwHighDateTime = 0x01d5c036 };
	CHECK(SetFileTime(h, NULL, NULL, &t));
	CHECK(GetFileTime(h, NULL, NULL, &w2));
	CHECK(w2.dwLowDateTime == t.dwLowDateTime && w2.dwHighDateTime == t.dwHighDateTime);
	WIN32_FILE_ATTRIBUTE_DATA d;
	CHECK(GetFileAttributesExA(NAME, GetFileExInfoStandard, &d));
	CHECK(d.ftLastWriteTime.dwLowDateTime == t.dwLowDateTime);
}

int main(void)
{
	utest_probe_init();
	DeleteFileA(NAME);
	HANDLE h = CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, CREATE_NEW,
			       0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	basic_rw(h);
	pointer(h);
	end_of_file(h);
	overlapped(h);
	rights();
	bad_buffers(h);
	times(h);
	CloseHandle(h);
	CHECK(DeleteFileA(NAME));
	return utest_done("files_rw");
}
