/*
 * tests/user/files_create.c - CreateFile: the five dispositions and their
 * last errors, share modes (ERROR_SHARING_VIOLATION), attributes,
 * read-only files, FILE_FLAG_DELETE_ON_CLOSE, directories, invalid names,
 * missing file vs missing directory.  Everything it makes is removed.
 */
#include "utest.h"

#define DIR "C:\\fcreate"
#define F1 DIR "\\one.txt"
#define F2 DIR "\\two.txt"

static HANDLE open_a(const char *name, DWORD access, DWORD share, DWORD disp, DWORD flags)
{
	return CreateFileA(name, access, share, NULL, disp, flags, NULL);
}

static DWORD size_of(const char *name)
{
	WIN32_FILE_ATTRIBUTE_DATA d;
	if (!GetFileAttributesExA(name, GetFileExInfoStandard, &d))
		return 0xFFFFFFFF;
	return d.nFileSizeLow;
}

static void write_bytes(HANDLE h, DWORD n)
{
	char buf[64] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde";
	DWORD done = 0;
	CHECK(WriteFile(h, buf, n, &done, NULL));
	CHECK_EQ(done, n);
}

static void dispositions(void)
{
	SetLastError(0xdead);
	HANDLE h = open_a(F1, GENERIC_READ | GENERIC_WRITE, 0, CREATE_NEW, FILE_ATTRIBUTE_NORMAL);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), 0);
	write_bytes(h, 10);
	CHECK(CloseHandle(h));
	CHECK_EQ(size_of(F1), 10);

	CHECK_EQ((ULONG_PTR)open_a(F1, GENERIC_WRITE, 0, CREATE_NEW, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_FILE_EXISTS);

	/* OPEN_ALWAYS: existing -> ERROR_ALREADY_EXISTS, content kept */
	h = open_a(F1, GENERIC_READ, FILE_SHARE_READ, OPEN_ALWAYS, 0);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	CHECK_EQ(GetFileSize(h, NULL), 10);
	CloseHandle(h);
	h = open_a(F2, GENERIC_READ, 0, OPEN_ALWAYS, 0);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), 0);
	CloseHandle(h);
	CHECK(DeleteFileA(F2));

	/* CREATE_ALWAYS: existing -> truncated, ERROR_ALREADY_EXISTS; new -> 0 */
	h = open_a(F1, GENERIC_WRITE, 0, CREATE_ALWAYS, 0);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	CHECK_EQ(GetFileSize(h, NULL), 0);	/* write-only handle: size still readable */
	write_bytes(h, 20);
	CloseHandle(h);
	h = open_a(F2, GENERIC_WRITE, 0, CREATE_ALWAYS, 0);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), 0);
	CloseHandle(h);
	CHECK(DeleteFileA(F2));

	/* TRUNCATE_EXISTING */
	h = open_a(F1, GENERIC_WRITE, 0, TRUNCATE_EXISTING, 0);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetFileSize(h, NULL), 0);
	CloseHandle(h);
	CHECK_EQ((ULONG_PTR)open_a(F2, GENERIC_WRITE, 0, TRUNCATE_EXISTING, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);

	/* OPEN_EXISTING: missing file vs missing directory */
	CHECK_EQ((ULONG_PTR)open_a(F2, GENERIC_READ, 0, OPEN_EXISTING, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
	CHECK_EQ((ULONG_PTR)open_a(DIR "\\nodir\\x.txt", GENERIC_READ, 0, OPEN_EXISTING, 0),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_PATH_NOT_FOUND);
	CHECK_EQ((ULONG_PTR)open_a(DIR "\\nodir\\x.txt", GENERIC_WRITE, 0, CREATE_ALWAYS, 0),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_PATH_NOT_FOUND);
	/* a file used as a directory */
	CHECK_EQ((ULONG_PTR)open_a(F1 "\\x.txt", GENERIC_READ, 0, OPEN_EXISTING, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_PATH_NOT_FOUND);

	/* bad dispositions, empty name */
	CHECK_EQ((ULONG_PTR)open_a(F1, GENERIC_READ, 0, 0, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK_EQ((ULONG_PTR)open_a(F1, GENERIC_READ, 0, 6, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK_EQ((ULONG_PTR)open_a("", GENERIC_READ, 0, OPEN_EXISTING, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_PATH_NOT_FOUND);

	/* invalid names */
	static const char *const bad[] = { DIR "\\a*b.txt", DIR "\\a?b", DIR "\\a<b", DIR "\\a>b", DIR "\\a|b",
					   DIR "\\a\"b", DIR "\\a:b", DIR "\\tab\tx" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SetLastError(0);
		HANDLE b = open_a(bad[i], GENERIC_WRITE, 0, CREATE_ALWAYS, 0);
		CHECK_EQ((ULONG_PTR)b, (ULONG_PTR)INVALID_HANDLE_VALUE);
		CHECK_EQ(GetLastError(), ERROR_INVALID_NAME);
		if (b != INVALID_HANDLE_VALUE) {
			printf("  created %s\n", bad[i]);
			CloseHandle(b);
			DeleteFileA(bad[i]);
		}
	}
}

static void sharing(void)
{
	HANDLE r1 = open_a(F1, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, 0);
	CHECK(r1 != INVALID_HANDLE_VALUE);
	/* a writer when the reader does not share write */
	CHECK_EQ((ULONG_PTR)open_a(F1, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING, 0),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_SHARING_VIOLATION);
	/* another reader sharing read: fine */
	HANDLE r2 = open_a(F1, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, 0);
	CHECK(r2 != INVALID_HANDLE_VALUE);
	/* a reader that does not share read, while readers exist */
	CHECK_EQ((ULONG_PTR)open_a(F1, GENERIC_READ, FILE_SHARE_WRITE, OPEN_EXISTING, 0),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_SHARING_VIOLATION);
	/* attributes only never conflicts */
	HANDLE a = open_a(F1, FILE_READ_ATTRIBUTES, 0, OPEN_EXISTING, 0);
	CHECK(a != INVALID_HANDLE_VALUE);
	CloseHandle(a);
	/* delete while open without FILE_SHARE_DELETE; truncation needs write sharing */
	CHECK_ERR(DeleteFileA(F1), ERROR_SHARING_VIOLATION);
	CHECK_EQ((ULONG_PTR)open_a(F1, GENERIC_WRITE, FILE_SHARE_READ, CREATE_ALWAYS, 0),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_SHARING_VIOLATION);
	CloseHandle(r1);
	CloseHandle(r2);
	/* an exclusive writer: nobody else */
	HANDLE w = open_a(F1, GENERIC_WRITE, 0, OPEN_EXISTING, 0);
	CHECK(w != INVALID_HANDLE_VALUE);
	CHECK_EQ((ULONG_PTR)open_a(F1, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
				   OPEN_EXISTING, 0),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_SHARING_VIOLATION);
	CloseHandle(w);
	CHECK_ERR(CloseHandle(w), ERROR_INVALID_HANDLE);
}

static void attributes(void)
{
	HANDLE h = open_a(F2, GENERIC_WRITE, 0, CREATE_NEW, FILE_ATTRIBUTE_HIDDEN);
	CHECK(h != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetFileType(h), FILE_TYPE_DISK);
	BY_HANDLE_FILE_INFORMATION bi;
	CHECK(GetFileInformationByHandle(h, &bi));
	CHECK_EQ(bi.dwFileAttributes, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
	CHECK_EQ(bi.nNumberOfLinks, 1);
	CHECK_EQ(bi.nFileSizeLow, 0);
	CloseHandle(h);
	CHECK_EQ(GetFileAttributesA(F2), FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);
	CHECK(SetFileAttributesA(F2, FILE_ATTRIBUTE_READONLY));
	CHECK_EQ(GetFileAttributesA(F2), FILE_ATTRIBUTE_READONLY);
	/* read-only: no writing open, no delete */
	CHECK_EQ((ULONG_PTR)open_a(F2, GENERIC_WRITE, 0, OPEN_EXISTING, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	CHECK_ERR(DeleteFileA(F2), ERROR_ACCESS_DENIED);
	h = open_a(F2, GENERIC_READ, 0, OPEN_EXISTING, 0);
	CHECK(h != INVALID_HANDLE_VALUE);
	CloseHandle(h);
	CHECK(SetFileAttributesA(F2, FILE_ATTRIBUTE_NORMAL));
	CHECK_EQ(GetFileAttributesA(F2), FILE_ATTRIBUTE_NORMAL);
	CHECK(DeleteFileA(F2));
	CHECK_EQ(GetFileAttributesA(F2), INVALID_FILE_ATTRIBUTES);
	CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
	CHECK_EQ(GetFileAttributesA(DIR "\\nodir\\x"), INVALID_FILE_ATTRIBUTES);
	CHECK_EQ(GetLastError(), ERROR_PATH_NOT_FOUND);
	CHECK_ERR(DeleteFileA(F2), ERROR_FILE_NOT_FOUND);
	CHECK_EQ(GetFileAttributesA("C:\\"), FILE_ATTRIBUTE_DIRECTORY);
}

static void delete_on_close(void)
{
	HANDLE h = open_a(F2, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			  CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE);
	CHECK(h != INVALID_HANDLE_VALUE);
	write_bytes(h, 5);
	CHECK(GetFileAttributesA(F2) != INVALID_FILE_ATTRIBUTES);
	HANDLE h2 = open_a(F2, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, OPEN_EXISTING, 0);
	CHECK(h2 != INVALID_HANDLE_VALUE);
	CloseHandle(h);
	/* the delete is pending while h2 is open: the name stays, opening it is refused */
	CHECK_EQ((ULONG_PTR)open_a(F2, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
				   OPEN_EXISTING, 0),
		 (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	CloseHandle(h2);
	CHECK_EQ(GetFileAttributesA(F2), INVALID_FILE_ATTRIBUTES);
	CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
	/* delete-on-close of a new read-only file is refused (STATUS_CANNOT_DELETE) */
	h = open_a(F2, GENERIC_WRITE, 0, CREATE_NEW, FILE_ATTRIBUTE_READONLY | FILE_FLAG_DELETE_ON_CLOSE);
	CHECK_EQ((ULONG_PTR)h, (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	SetFileAttributesA(F2, FILE_ATTRIBUTE_NORMAL);
	DeleteFileA(F2);
}

static void directories(void)
{
	CHECK_EQ((ULONG_PTR)open_a(DIR, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	HANDLE d = open_a(DIR, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING,
			  FILE_FLAG_BACKUP_SEMANTICS);
	CHECK(d != INVALID_HANDLE_VALUE);
	CHECK_EQ(GetFileType(d), FILE_TYPE_DISK);
	BY_HANDLE_FILE_INFORMATION bi;
	CHECK(GetFileInformationByHandle(d, &bi));
	CHECK(bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
	char c;
	DWORD n;
	CHECK_ERR(ReadFile(d, &c, 1, &n, NULL), ERROR_INVALID_FUNCTION);
	CloseHandle(d);
	/* CREATE_ALWAYS on a directory name */
	CHECK_EQ((ULONG_PTR)open_a(DIR, GENERIC_WRITE, 0, CREATE_ALWAYS, 0), (ULONG_PTR)INVALID_HANDLE_VALUE);
	CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	CHECK_EQ(GetFileType(GetStdHandle(STD_OUTPUT_HANDLE)), FILE_TYPE_CHAR);
	CHECK_EQ(GetFileType((HANDLE)(ULONG_PTR)0x7ff0), FILE_TYPE_UNKNOWN);
}

int main(void)
{
	RemoveDirectoryA(DIR);
	CHECK(CreateDirectoryA(DIR, NULL));
	dispositions();
	sharing();
	attributes();
	delete_on_close();
	directories();
	CHECK(DeleteFileA(F1));
	CHECK(RemoveDirectoryA(DIR));
	CHECK_EQ(GetFileAttributesA(DIR), INVALID_FILE_ATTRIBUTES);
	return utest_done("files_create");
}
