/*
 * tests/user/sqlite_calls.c - the kernel32 calls SQLite's Windows VFS makes
 * that no other test covers, checked against Windows' documented behaviour
 * (and Wine with make compare): GetFileAttributesExW (winAccess, winFileSize),
 * GetSystemTime / GetSystemTimeAsFileTime / SystemTimeToFileTime (winCurrentTime),
 * GetDiskFreeSpaceW (the sector size), GetTempPathW (temporary files),
 * CreateFileMappingW + MapViewOfFile as the -shm file uses them (regions grown
 * with SetEndOfFile under a live view, two mappings of one file),
 * WaitForSingleObjectEx, OutputDebugStringA/W.
 */
#include "utest.h"

#include <string.h>

#define FILE_W L"C:\\sqlcalls.bin"

static void attributes(void)
{
	WIN32_FILE_ATTRIBUTE_DATA a;
	HANDLE h = CreateFileW(FILE_W, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
			       NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	char buf[5000];
	memset(buf, 'x', sizeof buf);
	DWORD n = 0;
	CHECK(WriteFile(h, buf, sizeof buf, &n, NULL) && n == sizeof buf);
	CHECK(CloseHandle(h));
	memset(&a, 0xcc, sizeof a);
	CHECK(GetFileAttributesExW(FILE_W, GetFileExInfoStandard, &a));
	CHECK_EQ(a.dwFileAttributes, FILE_ATTRIBUTE_ARCHIVE);
	CHECK_EQ(a.nFileSizeHigh, 0);
	CHECK_EQ(a.nFileSizeLow, sizeof buf);
	CHECK(a.ftLastWriteTime.dwHighDateTime != 0);
	CHECK(CompareFileTime(&a.ftLastWriteTime, &a.ftCreationTime) >= 0);
	/* a directory */
	CHECK(GetFileAttributesExW(L"C:\\", GetFileExInfoStandard, &a) || GetLastError() == ERROR_ACCESS_DENIED);
	CHECK(CreateDirectoryW(L"C:\\sqlcalls.dir", NULL));
	CHECK(GetFileAttributesExW(L"C:\\sqlcalls.dir", GetFileExInfoStandard, &a));
	CHECK(a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
	CHECK_EQ(a.nFileSizeLow, 0);
	CHECK(RemoveDirectoryW(L"C:\\sqlcalls.dir"));
	/* what winAccess sees for a journal that is not there, and for a missing directory */
	CHECK_ERR(GetFileAttributesExW(L"C:\\sqlcalls.bin-journal", GetFileExInfoStandard, &a), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(GetFileAttributesExW(L"C:\\no-such-dir\\x.db", GetFileExInfoStandard, &a), ERROR_PATH_NOT_FOUND);
	CHECK_ERR(GetFileAttributesExW(FILE_W, (GET_FILEEX_INFO_LEVELS)7, &a), ERROR_INVALID_PARAMETER);
}

/* Days from 1601-01-01 to y-m-d (proleptic Gregorian), computed here independently of kernel32. */
static long long days_from_1601(int y, int m, int d)
{
	static const int cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	long long yy = y - 1601;
	long long days = yy * 365 + yy / 4 - yy / 100 + yy / 400 + cum[m - 1] + d - 1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return days + (leap && m > 2);
}

static void times(void)
{
	SYSTEMTIME st, back;
	FILETIME ft, now;
	/* a known instant: 2000-01-01 00:00:00 UTC is 125911584000000000 */
	memset(&st, 0, sizeof st);
	st.wYear = 2000;
	st.wMonth = 1;
	st.wDay = 1;
	CHECK(SystemTimeToFileTime(&st, &ft));
	CHECK_EQ((unsigned long long)ft.dwHighDateTime << 32 | ft.dwLowDateTime, 125911584000000000ull);
	CHECK(FileTimeToSystemTime(&ft, &back));
	CHECK_EQ(back.wDayOfWeek, 6);	/* a Saturday */
	st.wMonth = 13;
	CHECK_ERR(SystemTimeToFileTime(&st, &ft), ERROR_INVALID_PARAMETER);
	st.wMonth = 2;
	st.wDay = 30;
	CHECK_ERR(SystemTimeToFileTime(&st, &ft), ERROR_INVALID_PARAMETER);
	/* GetSystemTime and GetSystemTimeAsFileTime agree (SQLite's winCurrentTimeInt64) */
	GetSystemTimeAsFileTime(&now);
	GetSystemTime(&st);
	CHECK(st.wYear >= 2020 && st.wMonth >= 1 && st.wMonth <= 12 && st.wDay >= 1 && st.wDay <= 31);
	CHECK(st.wHour < 24 && st.wMinute < 60 && st.wSecond < 60 && st.wMilliseconds < 1000);
	CHECK(SystemTimeToFileTime(&st, &ft));
	unsigned long long a = (unsigned long long)now.dwHighDateTime << 32 | now.dwLowDateTime;
	unsigned long long b = (unsigned long long)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
	long long d = (long long)(b - a);	/* the same instant, to the millisecond (b is truncated), within 2 s */
	CHECK(d > -10000 && d < 20000000);
	long long days = days_from_1601(st.wYear, st.wMonth, st.wDay);
	CHECK_EQ((unsigned long long)(b / 864000000000ull), (unsigned long long)days);
	CHECK_EQ(st.wDayOfWeek, (unsigned)((days + 1) % 7));	/* 1601-01-01 was a Monday */
	/* CompareFileTime; local time converts back to the same UTC instant */
	FILETIME later = now, local, utc;
	later.dwHighDateTime++;
	CHECK_EQ(CompareFileTime(&now, &later), -1);
	CHECK_EQ(CompareFileTime(&later, &now), 1);
	CHECK_EQ(CompareFileTime(&now, &now), 0);
	CHECK(FileTimeToLocalFileTime(&now, &local));
	CHECK(LocalFileTimeToFileTime(&local, &utc));
	CHECK_EQ(CompareFileTime(&utc, &now), 0);
	GetLocalTime(&back);
	CHECK(back.wYear >= 2020 && back.wMonth >= 1 && back.wMonth <= 12);
}

static void disk_and_temp(void)
{
	DWORD spc = 0, bps = 0, nfree = 0, total = 0;
	CHECK(GetDiskFreeSpaceW(L"C:\\", &spc, &bps, &nfree, &total));
	CHECK(bps == 512 || bps == 4096);
	CHECK(spc >= 1 && (spc & (spc - 1)) == 0);
	CHECK(total > 0 && nfree <= total);
	WCHAR tmp[MAX_PATH + 1];
	DWORD n = GetTempPathW(MAX_PATH + 1, tmp);
	CHECK(n > 3 && n <= MAX_PATH);
	CHECK_EQ(wcslen(tmp), n);
	CHECK(tmp[n - 1] == L'\\');
	/* too small a buffer: the size needed, NUL included */
	WCHAR small[2];
	CHECK_EQ(GetTempPathW(2, small), n + 1);
	DWORD attr = GetFileAttributesW(tmp);
	CHECK(attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY));
}

/* The -shm pattern: 32 KiB regions, the file grown under a live view, views at 64 KiB-aligned offsets. */
static void shm_mapping(void)
{
	HANDLE h = CreateFileW(FILE_W, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			       OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	LARGE_INTEGER sz = { .QuadPart = 32768 };
	CHECK(SetFilePointerEx(h, sz, NULL, FILE_BEGIN) && SetEndOfFile(h));
	HANDLE m1 = CreateFileMappingW(h, NULL, PAGE_READWRITE, 0, 32768, NULL);
	CHECK(m1 != NULL);
	char *v1 = MapViewOfFile(m1, FILE_MAP_WRITE | FILE_MAP_READ, 0, 0, 32768);
	CHECK(v1 != NULL);
	if (!v1)
		return;
	memset(v1, 0, 32768);
	strcpy(v1 + 120, "region 0");
	/* grow to 3 regions while v1 is mapped: allowed (only shrinking below a section fails) */
	sz.QuadPart = 3 * 32768;
	CHECK(SetFilePointerEx(h, sz, NULL, FILE_BEGIN) && SetEndOfFile(h));
	HANDLE m2 = CreateFileMappingW(h, NULL, PAGE_READWRITE, 0, 3 * 32768, NULL);
	CHECK(m2 != NULL);
	/* region 2 starts at 65536: the view starts at the allocation granularity */
	char *v2 = MapViewOfFile(m2, FILE_MAP_WRITE | FILE_MAP_READ, 0, 65536, 32768);
	char *v0 = MapViewOfFile(m2, FILE_MAP_WRITE | FILE_MAP_READ, 0, 0, 32768);
	CHECK(v2 != NULL && v0 != NULL);
	if (v2 && v0) {
		CHECK(strcmp(v0 + 120, "region 0") == 0);	/* the first mapping's write */
		v0[200] = 'A';
		CHECK_EQ(v1[200], 'A');	/* and back */
		strcpy(v2, "region 2");
		char b[16] = { 0 };
		DWORD n = 0;
		LARGE_INTEGER at = { .QuadPart = 65536 };
		CHECK(SetFilePointerEx(h, at, NULL, FILE_BEGIN) && ReadFile(h, b, 9, &n, NULL) && n == 9);
		CHECK(strcmp(b, "region 2") == 0);
	}
	/* a view offset that is not a multiple of the granularity */
	CHECK_ERR(MapViewOfFile(m2, FILE_MAP_READ, 0, 32768, 32768), ERROR_MAPPED_ALIGNMENT);
	/* shrinking below the live sections fails */
	sz.QuadPart = 4096;
	CHECK(SetFilePointerEx(h, sz, NULL, FILE_BEGIN));
	CHECK_ERR(SetEndOfFile(h), ERROR_USER_MAPPED_FILE);
	CHECK(UnmapViewOfFile(v1));
	if (v2)
		CHECK(UnmapViewOfFile(v2));
	if (v0)
		CHECK(UnmapViewOfFile(v0));
	CHECK(CloseHandle(m1));
	CHECK(CloseHandle(m2));
	/* with no section left, the truncation SQLite does at shutdown works */
	CHECK(SetEndOfFile(h));
	CHECK(CloseHandle(h));
}

static void waits_and_debug(void)
{
	HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
	CHECK(e != NULL);
	CHECK_EQ(WaitForSingleObjectEx(e, 0, FALSE), WAIT_TIMEOUT);
	CHECK_EQ(WaitForSingleObjectEx(e, 10, TRUE), WAIT_TIMEOUT);	/* alertable, no APC queued */
	CHECK(SetEvent(e));
	CHECK_EQ(WaitForSingleObjectEx(e, INFINITE, TRUE), WAIT_OBJECT_0);
	CHECK(CloseHandle(e));
	CHECK_EQ(WaitForSingleObjectEx(e, 0, FALSE), WAIT_FAILED);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	/* without a debugger: nothing visible happens, the program goes on */
	SetLastError(1234);
	OutputDebugStringA("sqlite_calls: OutputDebugStringA\n");
	OutputDebugStringW(L"sqlite_calls: OutputDebugStringW\n");
	CHECK(1);
}

int main(void)
{
	attributes();
	times();
	disk_and_temp();
	shm_mapping();
	waits_and_debug();
	CHECK(DeleteFileW(FILE_W));
	return utest_done("sqlite_calls");
}
