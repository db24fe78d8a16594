/*
 * tests/user/files_dir.c - directories and names: CreateDirectory,
 * RemoveDirectory (ERROR_DIR_NOT_EMPTY, ERROR_DIRECTORY), FindFirstFile /
 * FindNextFile with wildcards, MoveFile(Ex), CopyFile, DeleteFile,
 * GetFullPathName ('.', '..', '/', relative, trailing dots and spaces),
 * Get/SetCurrentDirectory, relative opens, GetTempPath/GetTempFileName,
 * GetDiskFreeSpace(Ex), drives, and the errors of missing directories vs
 * missing files and invalid names.  Everything it makes is removed.
 */
#include <string.h>
#include <wchar.h>

#include "utest.h"

#define D "C:\\fdir"

static void touch(const char *name, const char *text)
{
	HANDLE h = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	DWORD n;
	if (text)
		CHECK(WriteFile(h, text, (DWORD)strlen(text), &n, NULL));
	CloseHandle(h);
}

static void full_paths(void)
{
	char buf[MAX_PATH], *part;
	CHECK_EQ(GetFullPathNameA("C:\\a\\b\\..\\c", MAX_PATH, buf, &part), 6);
	CHECK(strcmp(buf, "C:\\a\\c") == 0 && part == buf + 5);
	CHECK_EQ(GetFullPathNameA("C:/a//b/./c/", MAX_PATH, buf, &part), 9);
	CHECK(strcmp(buf, "C:\\a\\b\\c\\") == 0 && part == NULL);
	CHECK_EQ(GetFullPathNameA("C:\\..\\..\\x", MAX_PATH, buf, NULL), 4);
	CHECK(strcmp(buf, "C:\\x") == 0);
	CHECK_EQ(GetFullPathNameA("C:\\dir\\name. . ", MAX_PATH, buf, NULL), 11);
	CHECK(strcmp(buf, "C:\\dir\\name") == 0);
	CHECK_EQ(GetFullPathNameA("c:\\x\\.", MAX_PATH, buf, NULL), 4);
	CHECK(strcmp(buf, "C:\\x") == 0);
	CHECK_EQ(GetFullPathNameA("\\rooted", MAX_PATH, buf, NULL), 9);
	CHECK(strcmp(buf, "C:\\rooted") == 0);
	/* relative to the current directory (C:\ at start) */
	char cur[MAX_PATH];
	CHECK_EQ(GetCurrentDirectoryA(MAX_PATH, cur), 3);
	CHECK(strcmp(cur, "C:\\") == 0);
	CHECK_EQ(GetFullPathNameA("rel\\f.txt", MAX_PATH, buf, &part), 12);
	CHECK(strcmp(buf, "C:\\rel\\f.txt") == 0 && strcmp(part, "f.txt") == 0);
	CHECK_EQ(GetFullPathNameA("C:rel", MAX_PATH, buf, NULL), 6);
	CHECK(strcmp(buf, "C:\\rel") == 0);
	CHECK_EQ(GetFullPathNameA("D:rel", MAX_PATH, buf, NULL), 6);
	CHECK(strcmp(buf, "D:\\rel") == 0);
	/* too small: the size needed with the NUL */
	CHECK_EQ(GetFullPathNameA("C:\\abc", 3, buf, NULL), 7);
	WCHAR w[MAX_PATH];
	CHECK_EQ(GetFullPathNameW(L"C:\\a\\..\\b", MAX_PATH, w, NULL), 4);
	CHECK(wcscmp(w, L"C:\\b") == 0);
	CHECK_ERR(GetFullPathNameA("", MAX_PATH, buf, NULL), ERROR_INVALID_NAME);
}

static void current_directory(void)
{
	char buf[MAX_PATH];
	CHECK(SetCurrentDirectoryA(D));
	CHECK_EQ(GetCurrentDirectoryA(MAX_PATH, buf), 7);
	CHECK(strcmp(buf, D) == 0);
	CHECK_EQ(GetCurrentDirectoryA(3, buf), 8);	/* too small: size with the NUL */
	touch("rel.txt", "relative");
	CHECK(GetFileAttributesA(D "\\rel.txt") != INVALID_FILE_ATTRIBUTES);
	CHECK(CreateDirectoryA("sub", NULL));
	CHECK(SetCurrentDirectoryA("sub"));
	CHECK(GetFileAttributesA("..\\rel.txt") != INVALID_FILE_ATTRIBUTES);
	CHECK(GetFileAttributesA("../rel.txt") != INVALID_FILE_ATTRIBUTES);
	CHECK_EQ(GetFullPathNameA("..\\x", MAX_PATH, buf, NULL), 9);
	CHECK(strcmp(buf, D "\\x") == 0);
	/* the current directory cannot be removed (its handle does not share delete) */
	CHECK_ERR(RemoveDirectoryA(D "\\sub"), ERROR_SHARING_VIOLATION);
	CHECK(SetCurrentDirectoryA(".."));
	CHECK(RemoveDirectoryA("sub"));
	CHECK(DeleteFileA("rel.txt"));
	CHECK_ERR(SetCurrentDirectoryA(D "\\nothere"), ERROR_FILE_NOT_FOUND);
	touch(D "\\afile", NULL);
	CHECK_ERR(SetCurrentDirectoryA(D "\\afile"), ERROR_DIRECTORY);
	CHECK(DeleteFileA(D "\\afile"));
	CHECK(SetCurrentDirectoryA("C:\\"));
	CHECK_EQ(GetCurrentDirectoryA(MAX_PATH, buf), 3);
}

static void directories(void)
{
	CHECK_ERR(CreateDirectoryA(D, NULL), ERROR_ALREADY_EXISTS);
	CHECK_ERR(CreateDirectoryA(D "\\no\\deeper", NULL), ERROR_PATH_NOT_FOUND);
	CHECK_ERR(CreateDirectoryA(D "\\bad*name", NULL), ERROR_INVALID_NAME);
	CHECK(CreateDirectoryA(D "\\sub", NULL));
	CHECK_EQ(GetFileAttributesA(D "\\sub"), FILE_ATTRIBUTE_DIRECTORY);
	touch(D "\\sub\\f.txt", "x");
	CHECK_ERR(RemoveDirectoryA(D "\\sub"), ERROR_DIR_NOT_EMPTY);
	CHECK_ERR(RemoveDirectoryA(D "\\sub\\f.txt"), ERROR_DIRECTORY);
	CHECK_ERR(DeleteFileA(D "\\sub"), ERROR_ACCESS_DENIED);
	CHECK_ERR(RemoveDirectoryA(D "\\nothere"), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(RemoveDirectoryA(D "\\no\\deeper"), ERROR_PATH_NOT_FOUND);
	CHECK_ERR(DeleteFileA(D "\\no\\f.txt"), ERROR_PATH_NOT_FOUND);
	CHECK_ERR(DeleteFileA(D "\\sub\\nothere.txt"), ERROR_FILE_NOT_FOUND);
	CHECK(DeleteFileA(D "\\sub\\f.txt"));
	CHECK(RemoveDirectoryA(D "\\sub"));
	CHECK_EQ(GetFileAttributesA(D "\\sub"), INVALID_FILE_ATTRIBUTES);
}

/* Counts the matches of pattern; *dirs those that are directories; checks no name repeats. */
static int count_matches(const char *pattern, int *dirs, const char *must_have)
{
	WIN32_FIND_DATAA fd;
	int n = 0, found = 0;
	*dirs = 0;
	HANDLE h = FindFirstFileA(pattern, &fd);
	if (h == INVALID_HANDLE_VALUE)
		return -(int)GetLastError();
	do {
		n++;
		if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
			(*dirs)++;
		if (must_have && _stricmp(fd.cFileName, must_have) == 0)
			found = 1;
	} while (FindNextFileA(h, &fd));
	CHECK_EQ(GetLastError(), ERROR_NO_MORE_FILES);
	CHECK(FindClose(h));
	if (must_have)
		CHECK(found);
	return n;
}

static void find(void)
{
	CHECK(CreateDirectoryA(D "\\f", NULL));
	touch(D "\\f\\alpha.txt", "1");
	touch(D "\\f\\beta.txt", "22");
	touch(D "\\f\\gamma.dat", "333");
	touch(D "\\f\\A Long File Name.text", "4444");
	CHECK(CreateDirectoryA(D "\\f\\subdir", NULL));
	int dirs;
	/* "*" also returns "." and ".." in a subdirectory */
	CHECK_EQ(count_matches(D "\\f\\*", &dirs, "A Long File Name.text"), 7);
	CHECK_EQ(dirs, 3);
	CHECK_EQ(count_matches(D "\\f\\*.*", &dirs, NULL), 7);
	CHECK_EQ(count_matches(D "\\f\\*.txt", &dirs, "beta.txt"), 2);
	CHECK_EQ(count_matches(D "\\f\\?eta.*", &dirs, "beta.txt"), 1);
	CHECK_EQ(count_matches(D "\\f\\GAMMA.DAT", &dirs, "gamma.dat"), 1);
	CHECK_EQ(count_matches(D "/f/*.dat", &dirs, NULL), 1);
	CHECK_EQ(count_matches(D "\\f\\*.none", &dirs, NULL), -ERROR_FILE_NOT_FOUND);
	CHECK_EQ(count_matches(D "\\nodir\\*", &dirs, NULL), -ERROR_PATH_NOT_FOUND);
	CHECK_EQ(count_matches(D "\\f\\", &dirs, NULL), -ERROR_FILE_NOT_FOUND);
	/* the data of one entry */
	WIN32_FIND_DATAA fd;
	HANDLE h = FindFirstFileA(D "\\f\\gamma.dat", &fd);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(fd.nFileSizeLow, 3);
	CHECK_EQ(fd.dwFileAttributes, FILE_ATTRIBUTE_ARCHIVE);
	CHECK(strcmp(fd.cFileName, "gamma.dat") == 0);
	CHECK_EQ(fd.cAlternateFileName[0], 0);	/* already an 8.3 name */
	CHECK(FindClose(h));
	h = FindFirstFileA(D "\\f\\A Long*", &fd);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK(strcmp(fd.cFileName, "A Long File Name.text") == 0);
	CHECK(fd.cAlternateFileName[0] != 0);	/* an 8.3 alias */
	CHECK(FindClose(h));
	CHECK_ERR(FindClose(h), ERROR_INVALID_HANDLE);
	/* the root: no "." or ".." */
	h = FindFirstFileA("C:\\*", &fd);
	CHECK(h != INVALID_HANDLE_VALUE);
	int dots = 0;
	do
		dots += strcmp(fd.cFileName, ".") == 0 || strcmp(fd.cFileName, "..") == 0;
	while (FindNextFileA(h, &fd));
	CHECK_EQ(dots, 0);
	FindClose(h);
	/* the wide form */
	WIN32_FIND_DATAW fw;
	h = FindFirstFileW(L"C:\\fdir\\f\\beta.txt", &fw);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK(wcscmp(fw.cFileName, L"beta.txt") == 0);
	FindClose(h);
}

static void move_copy(void)
{
	/* MoveFile: rename, refuse an existing target, replace with the flag */
	CHECK(MoveFileA(D "\\f\\alpha.txt", D "\\f\\ALPHA2.txt"));
	CHECK_EQ(GetFileAttributesA(D "\\f\\alpha.txt"), INVALID_FILE_ATTRIBUTES);
	CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
	WIN32_FIND_DATAA fd;
	HANDLE h = FindFirstFileA(D "\\f\\alpha2.txt", &fd);
	CHECK(h != INVALID_HANDLE_VALUE && strcmp(fd.cFileName, "ALPHA2.txt") == 0);	/* case kept */
	FindClose(h);
	CHECK_ERR(MoveFileA(D "\\f\\ALPHA2.txt", D "\\f\\beta.txt"), ERROR_ALREADY_EXISTS);
	CHECK(MoveFileExA(D "\\f\\ALPHA2.txt", D "\\f\\beta.txt", MOVEFILE_REPLACE_EXISTING));
	WIN32_FILE_ATTRIBUTE_DATA d;
	CHECK(GetFileAttributesExA(D "\\f\\beta.txt", GetFileExInfoStandard, &d));
	CHECK_EQ(d.nFileSizeLow, 1);
	CHECK_ERR(MoveFileA(D "\\f\\nothere", D "\\f\\x"), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(MoveFileA(D "\\f\\beta.txt", D "\\nodir\\x"), ERROR_PATH_NOT_FOUND);
	/* a directory moves with its contents */
	touch(D "\\f\\subdir\\inner.txt", "in");
	CHECK(MoveFileA(D "\\f\\subdir", D "\\moved"));
	CHECK(GetFileAttributesA(D "\\moved\\inner.txt") != INVALID_FILE_ATTRIBUTES);
	CHECK_ERR(MoveFileA(D "\\moved", D "\\moved\\inside"), ERROR_INVALID_PARAMETER);
	/* a file open without delete sharing cannot move */
	h = CreateFileA(D "\\moved\\inner.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	CHECK_ERR(MoveFileA(D "\\moved\\inner.txt", D "\\moved\\x.txt"), ERROR_SHARING_VIOLATION);
	CloseHandle(h);
	CHECK(DeleteFileA(D "\\moved\\inner.txt"));
	CHECK(RemoveDirectoryA(D "\\moved"));

	/* CopyFile */
	CHECK(CopyFileA(D "\\f\\gamma.dat", D "\\f\\copy.dat", TRUE));
	CHECK(GetFileAttributesExA(D "\\f\\copy.dat", GetFileExInfoStandard, &d));
	CHECK_EQ(d.nFileSizeLow, 3);
	CHECK_ERR(CopyFileA(D "\\f\\gamma.dat", D "\\f\\copy.dat", TRUE), ERROR_FILE_EXISTS);
	CHECK(CopyFileA(D "\\f\\beta.txt", D "\\f\\copy.dat", FALSE));
	h = CreateFileA(D "\\f\\copy.dat", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	char buf[8];
	DWORD n;
	CHECK(ReadFile(h, buf, sizeof(buf), &n, NULL));
	CHECK(n == 1 && buf[0] == '1');
	CloseHandle(h);
	CHECK_ERR(CopyFileA(D "\\f\\nothere", D "\\f\\c2", FALSE), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(CopyFileA(D "\\f", D "\\c3", FALSE), ERROR_ACCESS_DENIED);
	CHECK_EQ(GetFileAttributesA(D "\\c3"), INVALID_FILE_ATTRIBUTES);
	CHECK(CopyFileW(L"C:\\fdir\\f\\copy.dat", L"C:\\fdir\\f\\copy2.dat", FALSE));

	/* clean up through FindFirstFile */
	h = FindFirstFileA(D "\\f\\*", &fd);
	CHECK(h != INVALID_HANDLE_VALUE);
	do {
		if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
			char name[MAX_PATH];
			snprintf(name, sizeof(name), D "\\f\\%s", fd.cFileName);
			CHECK(DeleteFileA(name));
		}
	} while (FindNextFileA(h, &fd));
	FindClose(h);
	CHECK(RemoveDirectoryA(D "\\f"));
}

static void temp_and_volume(void)
{
	char tp[MAX_PATH], tf[MAX_PATH];
	DWORD n = GetTempPathA(MAX_PATH, tp);
	CHECK(n > 3 && tp[n - 1] == '\\');
	CHECK_EQ(GetTempPathA(2, tp), n + 1);
	CHECK_EQ(GetTempPathA(MAX_PATH, tp), n);
	UINT u = GetTempFileNameA(tp, "fdr", 0, tf);
	CHECK(u != 0);
	CHECK(strncmp(tf, tp, n) == 0 && strncmp(tf + n, "fdr", 3) == 0);
	WIN32_FILE_ATTRIBUTE_DATA d;
	CHECK(GetFileAttributesExA(tf, GetFileExInfoStandard, &d));	/* made, empty */
	CHECK_EQ(d.nFileSizeLow, 0);
	char tf2[MAX_PATH];
	UINT u2 = GetTempFileNameA(tp, "fdr", 0, tf2);
	CHECK(u2 != 0 && u2 != u);
	CHECK(DeleteFileA(tf));
	CHECK(DeleteFileA(tf2));
	CHECK_EQ(GetTempFileNameA(tp, "abc", 0x1234, tf), 0x1234);
	CHECK(strcmp(tf + n, "abc1234.tmp") == 0);
	CHECK_EQ(GetFileAttributesA(tf), INVALID_FILE_ATTRIBUTES);	/* a given number creates nothing */
	CHECK_ERR(GetTempFileNameA(D "\\nodir", "x", 0, tf), ERROR_PATH_NOT_FOUND);

	ULARGE_INTEGER avail, total, free_;
	CHECK(GetDiskFreeSpaceExA("C:\\", &avail, &total, &free_));
	CHECK(total.QuadPart > 200ULL * 1024 * 1024);
	CHECK(free_.QuadPart <= total.QuadPart && avail.QuadPart <= free_.QuadPart);
	/* one new cluster-sized file shows in the free count */
	HANDLE h = CreateFileA(D "\\space.bin", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
	static char block[65536];
	DWORD w;
	CHECK(WriteFile(h, block, sizeof(block), &w, NULL));
	CHECK(FlushFileBuffers(h));
	CloseHandle(h);
	ULARGE_INTEGER free2;
	CHECK(GetDiskFreeSpaceExA(D, NULL, NULL, &free2));
	CHECK_EQ(free_.QuadPart - free2.QuadPart, sizeof(block));
	CHECK(DeleteFileA(D "\\space.bin"));
	CHECK(GetDiskFreeSpaceExA(NULL, NULL, NULL, &free2));
	CHECK_EQ(free2.QuadPart, free_.QuadPart);
	DWORD spc, bps, fc, tc;
	CHECK(GetDiskFreeSpaceA("C:\\", &spc, &bps, &fc, &tc));
	CHECK_EQ((ULONGLONG)spc * bps * tc, total.QuadPart);
	CHECK_EQ(GetLogicalDrives(), 1u << 2);
	CHECK_EQ(GetDriveTypeA("C:\\"), DRIVE_FIXED);
	CHECK_EQ(GetDriveTypeA(NULL), DRIVE_FIXED);
	CHECK_EQ(GetDriveTypeA("Q:\\"), DRIVE_NO_ROOT_DIR);
	CHECK_EQ((ULONG_PTR)CreateFileA("Q:\\x", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_PATH_NOT_FOUND);
}

int main(void)
{
	full_paths();
	RemoveDirectoryA(D);
	CHECK(CreateDirectoryA(D, NULL));
	current_directory();
	directories();
	find();
	move_copy();
	temp_and_volume();
	CHECK(RemoveDirectoryA(D));
	return utest_done("files_dir");
}
