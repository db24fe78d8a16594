/*
 * libc/kernel32/file_find.c - FindFirstFile(Ex)/FindNextFile/FindClose
 * over NtQueryDirectoryFile: the path's directory is opened and the kernel
 * matches the last component ('*' and '?', long or 8.3 names).  A find
 * handle is a page of its own (the directory handle, the pattern, one
 * entry), kept in a list so that FindClose recognises it.
 */
#include "k32_private.h"

/* kernel32's EnterCriticalSection etc. are forwarders to these. */
NTSTATUS NTAPI RtlInitializeCriticalSection(RTL_CRITICAL_SECTION *);
NTSTATUS NTAPI RtlEnterCriticalSection(RTL_CRITICAL_SECTION *);
NTSTATUS NTAPI RtlLeaveCriticalSection(RTL_CRITICAL_SECTION *);

#define FIND_MAGIC 0x646e6946u	/* "Find" */

struct find {
	DWORD magic;
	BOOL basic;			/* FindExInfoBasic: no short names */
	HANDLE dir;
	struct find *next;
	union {
		struct abi_file_both_dir_info e;
		char buf[sizeof(struct abi_file_both_dir_info) + 256 * sizeof(WCHAR)];
	} u;
};

static struct find *finds;	/* every open find handle */
static CRITICAL_SECTION finds_lock;
static volatile LONG finds_lock_ready;

static void lock_finds(void)
{
	if (InterlockedCompareExchange(&finds_lock_ready, 1, 0) == 0) {
		RtlInitializeCriticalSection(&finds_lock);
		finds_lock_ready = 2;
	}
	while (finds_lock_ready != 2)
		;
	RtlEnterCriticalSection(&finds_lock);
}

static void to_ft(long long t, FILETIME *ft)
{
	ft->dwLowDateTime = (DWORD)t;
	ft->dwHighDateTime = (DWORD)((unsigned long long)t >> 32);
}

/* The entry in f as WIN32_FIND_DATAW. */
static void fill(const struct find *f, WIN32_FIND_DATAW *d)
{
	const struct abi_file_both_dir_info *e = &f->u.e;
	memset(d, 0, sizeof(*d));
	d->dwFileAttributes = e->attributes;
	to_ft(e->creation_time, &d->ftCreationTime);
	to_ft(e->last_access_time, &d->ftLastAccessTime);
	to_ft(e->last_write_time, &d->ftLastWriteTime);
	d->nFileSizeHigh = (DWORD)((unsigned long long)e->end_of_file >> 32);
	d->nFileSizeLow = (DWORD)e->end_of_file;
	unsigned n = e->file_name_length / sizeof(WCHAR);
	if (n > MAX_PATH - 1)
		n = MAX_PATH - 1;
	memcpy(d->cFileName, e->file_name, n * sizeof(WCHAR));
	if (!f->basic) {
		unsigned s = e->short_name_length / sizeof(WCHAR);
		if (s > 13)
			s = 13;
		memcpy(d->cAlternateFileName, e->short_name, s * sizeof(WCHAR));
	}
}

/* The next entry into f; FALSE with the last error (ERROR_NO_MORE_FILES at the end). */
static BOOL next_entry(struct find *f, PUNICODE_STRING pattern, BOOLEAN restart)
{
	IO_STATUS_BLOCK io;
	NTSTATUS st = NtQueryDirectoryFile(f->dir, NULL, NULL, NULL, &io, &f->u, sizeof(f->u), FileBothDirectoryInformation,
					   TRUE, pattern, restart);
	return k32_status(st);
}

/*
 * FindFirstFileExW: levels FindExInfoStandard and FindExInfoBasic, search
 * FindExSearchNameMatch and FindExSearchLimitToDirectories (advisory, as on
 * Windows).  No match: ERROR_FILE_NOT_FOUND; a missing directory:
 * ERROR_PATH_NOT_FOUND; a name ending in a separator: ERROR_FILE_NOT_FOUND.
 */
HANDLE WINAPI FindFirstFileExW(LPCWSTR lpFileName, FINDEX_INFO_LEVELS fInfoLevelId, LPVOID lpFindFileData,
			       FINDEX_SEARCH_OPS fSearchOp, LPVOID lpSearchFilter, DWORD dwAdditionalFlags)
{
	if ((fInfoLevelId != FindExInfoStandard && fInfoLevelId != FindExInfoBasic) || lpSearchFilter ||
	    (fSearchOp != FindExSearchNameMatch && fSearchOp != FindExSearchLimitToDirectories) ||
	    (dwAdditionalFlags & ~(DWORD)(FIND_FIRST_EX_CASE_SENSITIVE | FIND_FIRST_EX_LARGE_FETCH))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return INVALID_HANDLE_VALUE;
	}
	struct k32_path p;
	if (!k32_path_w(lpFileName, &p))
		return INVALID_HANDLE_VALUE;
	USHORT n = p.us.Length / sizeof(WCHAR), slash = n;
	while (slash && p.buf[slash - 1] != L'\\')
		slash--;
	if (slash == n) {	/* "dir\": nothing to match */
		SetLastError(ERROR_FILE_NOT_FOUND);
		return INVALID_HANDLE_VALUE;
	}
	WCHAR mask[MAX_PATH];
	USHORT mlen = n - slash;
	if (mlen >= MAX_PATH) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return INVALID_HANDLE_VALUE;
	}
	memcpy(mask, p.buf + slash, mlen * sizeof(WCHAR));
	UNICODE_STRING pattern = { .Buffer = mask, .Length = mlen * sizeof(WCHAR), .MaximumLength = MAX_PATH * sizeof(WCHAR) };
	/* the directory: "\??\C:\" keeps its separator, "\??\C:\dir\x" drops it */
	p.us.Length = (slash > 7 ? slash - 1 : slash) * sizeof(WCHAR);
	struct find *f = VirtualAlloc(NULL, sizeof(*f), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (!f) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return INVALID_HANDLE_VALUE;
	}
	IO_STATUS_BLOCK io;
	NTSTATUS st = NtOpenFile(&f->dir, FILE_LIST_DIRECTORY | SYNCHRONIZE, &p.oa, &io,
				 FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
				 FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
	if (!NT_SUCCESS(st)) {
		VirtualFree(f, 0, MEM_RELEASE);
		SetLastError(st == STATUS_OBJECT_NAME_NOT_FOUND ? ERROR_PATH_NOT_FOUND : RtlNtStatusToDosError(st));
		return INVALID_HANDLE_VALUE;
	}
	f->basic = fInfoLevelId == FindExInfoBasic;
	if (!next_entry(f, &pattern, TRUE)) {
		DWORD e = GetLastError();
		NtClose(f->dir);
		VirtualFree(f, 0, MEM_RELEASE);
		SetLastError(e == ERROR_NO_MORE_FILES ? ERROR_FILE_NOT_FOUND : e);
		return INVALID_HANDLE_VALUE;
	}
	fill(f, lpFindFileData);
	f->magic = FIND_MAGIC;
	lock_finds();
	f->next = finds;
	finds = f;
	RtlLeaveCriticalSection(&finds_lock);
	SetLastError(0);
	return (HANDLE)f;
}

HANDLE WINAPI FindFirstFileW(LPCWSTR lpFileName, LPWIN32_FIND_DATAW lpFindFileData)
{
	return FindFirstFileExW(lpFileName, FindExInfoStandard, lpFindFileData, FindExSearchNameMatch, NULL, 0);
}

/* WIN32_FIND_DATAW -> WIN32_FIND_DATAA through the file functions' code page. */
static void find_data_a(const WIN32_FIND_DATAW *w, WIN32_FIND_DATAA *a)
{
	memcpy(a, w, offsetof(WIN32_FIND_DATAA, cFileName));
	if (!WideCharToMultiByte(k32_file_cp(), 0, w->cFileName, -1, a->cFileName, MAX_PATH, NULL, NULL))
		a->cFileName[0] = 0;
	if (!WideCharToMultiByte(k32_file_cp(), 0, w->cAlternateFileName, -1, a->cAlternateFileName, 14, NULL, NULL))
		a->cAlternateFileName[0] = 0;
}

HANDLE WINAPI FindFirstFileExA(LPCSTR lpFileName, FINDEX_INFO_LEVELS fInfoLevelId, LPVOID lpFindFileData,
			       FINDEX_SEARCH_OPS fSearchOp, LPVOID lpSearchFilter, DWORD dwAdditionalFlags)
{
	WCHAR name[K32_PATH_MAX];
	WIN32_FIND_DATAW w;
	if (!k32_name_a(lpFileName, name))
		return INVALID_HANDLE_VALUE;
	HANDLE h = FindFirstFileExW(lpFileName ? name : NULL, fInfoLevelId, &w, fSearchOp, lpSearchFilter,
				    dwAdditionalFlags);
	if (h != INVALID_HANDLE_VALUE)
		find_data_a(&w, lpFindFileData);
	return h;
}

HANDLE WINAPI FindFirstFileA(LPCSTR lpFileName, LPWIN32_FIND_DATAA lpFindFileData)
{
	return FindFirstFileExA(lpFileName, FindExInfoStandard, lpFindFileData, FindExSearchNameMatch, NULL, 0);
}

/* The live find handle h, or NULL (ERROR_INVALID_HANDLE); the list lock is held on success. */
static struct find *lookup(HANDLE h)
{
	lock_finds();
	for (struct find *f = finds; f; f = f->next)
		if (f == (struct find *)h)
			return f;
	RtlLeaveCriticalSection(&finds_lock);
	SetLastError(ERROR_INVALID_HANDLE);
	return NULL;
}

/* FindNextFileW: the next match; ERROR_NO_MORE_FILES at the end. */
BOOL WINAPI FindNextFileW(HANDLE hFindFile, LPWIN32_FIND_DATAW lpFindFileData)
{
	struct find *f = lookup(hFindFile);
	if (!f)
		return FALSE;
	BOOL ok = next_entry(f, NULL, FALSE);
	if (ok)
		fill(f, lpFindFileData);
	RtlLeaveCriticalSection(&finds_lock);
	return ok;
}

BOOL WINAPI FindNextFileA(HANDLE hFindFile, LPWIN32_FIND_DATAA lpFindFileData)
{
	WIN32_FIND_DATAW w;
	if (!FindNextFileW(hFindFile, &w))
		return FALSE;
	find_data_a(&w, lpFindFileData);
	return TRUE;
}

/* FindClose: closes the directory and frees the handle; ERROR_INVALID_HANDLE for anything else. */
BOOL WINAPI FindClose(HANDLE hFindFile)
{
	struct find *f = lookup(hFindFile);
	if (!f)
		return FALSE;
	for (struct find **pp = &finds; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	RtlLeaveCriticalSection(&finds_lock);
	NtClose(f->dir);
	f->magic = 0;
	VirtualFree(f, 0, MEM_RELEASE);
	return TRUE;
}
