/*
 * libc/kernel32/file_ops.c - operations on files by name: attributes,
 * DeleteFile, MoveFile(Ex), CopyFile(Ex), CreateDirectory,
 * RemoveDirectory; the volume: GetDiskFreeSpace(Ex), GetLogicalDrives,
 * GetDriveType.  A and W forms; the A forms convert through CP_ACP.
 */
#include "k32_private.h"

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* Opens an existing file or directory by NT path with access; FALSE with the last error set. */
static BOOL open_path(struct k32_path *p, ACCESS_MASK access, ULONG share, ULONG options, HANDLE *h)
{
	IO_STATUS_BLOCK io;
	return k32_nt_ok(NtOpenFile(h, access | SYNCHRONIZE, &p->oa, &io, share,
				    options | FILE_SYNCHRONOUS_IO_NONALERT));
}

/* GetFileAttributesW: the attributes, or INVALID_FILE_ATTRIBUTES with the last error. */
DWORD WINAPI GetFileAttributesW(LPCWSTR lpFileName)
{
	struct k32_path p;
	struct abi_file_network_open_info n;
	if (!k32_path_w(lpFileName, &p) || !k32_nt_ok(NtQueryFullAttributesFile(&p.oa, &n)))
		return INVALID_FILE_ATTRIBUTES;
	return n.attributes;
}

DWORD WINAPI GetFileAttributesA(LPCSTR lpFileName)
{
	struct k32_path p;
	struct abi_file_network_open_info n;
	if (!k32_path_a(lpFileName, &p) || !k32_nt_ok(NtQueryFullAttributesFile(&p.oa, &n)))
		return INVALID_FILE_ATTRIBUTES;
	return n.attributes;
}

/* GetFileAttributesExW: GetFileExInfoStandard only (WIN32_FILE_ATTRIBUTE_DATA). */
static BOOL attributes_ex(struct k32_path *p, GET_FILEEX_INFO_LEVELS level, LPVOID info)
{
	if (level != GetFileExInfoStandard) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	struct abi_file_network_open_info n;
	if (!k32_nt_ok(NtQueryFullAttributesFile(&p->oa, &n)))
		return FALSE;
	WIN32_FILE_ATTRIBUTE_DATA *d = info;
	d->dwFileAttributes = n.attributes;
	d->ftCreationTime.dwLowDateTime = (DWORD)n.creation_time;
	d->ftCreationTime.dwHighDateTime = (DWORD)((ULONGLONG)n.creation_time >> 32);
	d->ftLastAccessTime.dwLowDateTime = (DWORD)n.last_access_time;
	d->ftLastAccessTime.dwHighDateTime = (DWORD)((ULONGLONG)n.last_access_time >> 32);
	d->ftLastWriteTime.dwLowDateTime = (DWORD)n.last_write_time;
	d->ftLastWriteTime.dwHighDateTime = (DWORD)((ULONGLONG)n.last_write_time >> 32);
	d->nFileSizeHigh = (DWORD)((ULONGLONG)n.end_of_file >> 32);
	d->nFileSizeLow = (DWORD)n.end_of_file;
	return TRUE;
}

BOOL WINAPI GetFileAttributesExW(LPCWSTR lpFileName, GET_FILEEX_INFO_LEVELS fInfoLevelId, LPVOID lpFileInformation)
{
	struct k32_path p;
	return k32_path_w(lpFileName, &p) && attributes_ex(&p, fInfoLevelId, lpFileInformation);
}

BOOL WINAPI GetFileAttributesExA(LPCSTR lpFileName, GET_FILEEX_INFO_LEVELS fInfoLevelId, LPVOID lpFileInformation)
{
	struct k32_path p;
	return k32_path_a(lpFileName, &p) && attributes_ex(&p, fInfoLevelId, lpFileInformation);
}

/* SetFileAttributes: READONLY, HIDDEN, SYSTEM, ARCHIVE (0 or FILE_ATTRIBUTE_NORMAL clears them). */
static BOOL set_attributes(struct k32_path *p, DWORD attrs)
{
	HANDLE h;
	if (!open_path(p, FILE_WRITE_ATTRIBUTES, SHARE_ALL, 0, &h))
		return FALSE;
	attrs &= FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE;
	struct abi_file_basic_info bi = { .attributes = attrs ? attrs : FILE_ATTRIBUTE_NORMAL };
	IO_STATUS_BLOCK io;
	BOOL ok = k32_nt_ok(NtSetInformationFile(h, &io, &bi, sizeof(bi), FileBasicInformation));
	NtClose(h);
	return ok;
}

BOOL WINAPI SetFileAttributesW(LPCWSTR lpFileName, DWORD dwFileAttributes)
{
	struct k32_path p;
	return k32_path_w(lpFileName, &p) && set_attributes(&p, dwFileAttributes);
}

BOOL WINAPI SetFileAttributesA(LPCSTR lpFileName, DWORD dwFileAttributes)
{
	struct k32_path p;
	return k32_path_a(lpFileName, &p) && set_attributes(&p, dwFileAttributes);
}

/* DeleteFile: a file (a directory: ERROR_ACCESS_DENIED; read-only: ERROR_ACCESS_DENIED; open without delete sharing: ERROR_SHARING_VIOLATION). */
BOOL WINAPI DeleteFileW(LPCWSTR lpFileName)
{
	struct k32_path p;
	return k32_path_w(lpFileName, &p) && k32_nt_ok(MmDeleteFile(&p.oa, FILE_NON_DIRECTORY_FILE));
}

BOOL WINAPI DeleteFileA(LPCSTR lpFileName)
{
	struct k32_path p;
	return k32_path_a(lpFileName, &p) && k32_nt_ok(MmDeleteFile(&p.oa, FILE_NON_DIRECTORY_FILE));
}

/* RemoveDirectory: an empty directory (not empty: ERROR_DIR_NOT_EMPTY; a file: ERROR_DIRECTORY). */
BOOL WINAPI RemoveDirectoryW(LPCWSTR lpPathName)
{
	struct k32_path p;
	return k32_path_w(lpPathName, &p) && k32_nt_ok(MmDeleteFile(&p.oa, FILE_DIRECTORY_FILE));
}

BOOL WINAPI RemoveDirectoryA(LPCSTR lpPathName)
{
	struct k32_path p;
	return k32_path_a(lpPathName, &p) && k32_nt_ok(MmDeleteFile(&p.oa, FILE_DIRECTORY_FILE));
}

/* CreateDirectory: a new directory (it exists: ERROR_ALREADY_EXISTS; a missing parent: ERROR_PATH_NOT_FOUND). */
static BOOL create_directory(struct k32_path *p)
{
	HANDLE h;
	IO_STATUS_BLOCK io;
	NTSTATUS st = NtCreateFile(&h, FILE_LIST_DIRECTORY | SYNCHRONIZE, &p->oa, &io, NULL, FILE_ATTRIBUTE_NORMAL,
				   FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE,
				   FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
	if (!k32_nt_ok(st))
		return FALSE;
	NtClose(h);
	return TRUE;
}

BOOL WINAPI CreateDirectoryW(LPCWSTR lpPathName, LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
	(void)lpSecurityAttributes;
	struct k32_path p;
	return k32_path_w(lpPathName, &p) && create_directory(&p);
}

BOOL WINAPI CreateDirectoryA(LPCSTR lpPathName, LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
	(void)lpSecurityAttributes;
	struct k32_path p;
	return k32_path_a(lpPathName, &p) && create_directory(&p);
}

/*
 * MoveFileExW: renames a file or directory (FileRenameInformation through a
 * handle opened for DELETE).  The target exists: ERROR_ALREADY_EXISTS
 * unless MOVEFILE_REPLACE_EXISTING.  MOVEFILE_COPY_ALLOWED changes nothing
 * (one volume); MOVEFILE_WRITE_THROUGH flushes; MOVEFILE_DELAY_UNTIL_REBOOT
 * (and a NULL target) are not supported: ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI MoveFileExW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName, DWORD dwFlags)
{
	if (!lpNewFileName || (dwFlags & MOVEFILE_DELAY_UNTIL_REBOOT)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	struct k32_path from, to;
	if (!k32_path_w(lpExistingFileName, &from) || !k32_path_w(lpNewFileName, &to))
		return FALSE;
	HANDLE h;
	if (!open_path(&from, DELETE, SHARE_ALL, 0, &h))
		return FALSE;
	union {
		struct abi_file_rename_info ri;
		char buf[sizeof(struct abi_file_rename_info) + K32_PATH_MAX * sizeof(WCHAR)];
	} u;
	memset(&u.ri, 0, sizeof(u.ri));
	u.ri.replace_if_exists = (dwFlags & MOVEFILE_REPLACE_EXISTING) ? 1 : 0;
	u.ri.file_name_length = to.us.Length;
	memcpy(u.ri.file_name, to.buf, to.us.Length);
	IO_STATUS_BLOCK io;
	BOOL ok = k32_nt_ok(NtSetInformationFile(h, &io, &u, sizeof(u.ri) + to.us.Length, FileRenameInformation));
	if (ok && (dwFlags & MOVEFILE_WRITE_THROUGH))
		NtFlushBuffersFile(h, &io);
	NtClose(h);
	return ok;
}

BOOL WINAPI MoveFileExA(LPCSTR lpExistingFileName, LPCSTR lpNewFileName, DWORD dwFlags)
{
	WCHAR from[K32_PATH_MAX], to[K32_PATH_MAX];
	if (!k32_name_a(lpExistingFileName, from) || !k32_name_a(lpNewFileName, to))
		return FALSE;
	return MoveFileExW(lpExistingFileName ? from : NULL, lpNewFileName ? to : NULL, dwFlags);
}

BOOL WINAPI MoveFileW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName)
{
	return MoveFileExW(lpExistingFileName, lpNewFileName, MOVEFILE_COPY_ALLOWED);
}

BOOL WINAPI MoveFileA(LPCSTR lpExistingFileName, LPCSTR lpNewFileName)
{
	return MoveFileExA(lpExistingFileName, lpNewFileName, MOVEFILE_COPY_ALLOWED);
}

#define COPY_CHUNK (64 * 1024)

/*
 * CopyFileExW: the data, attributes and last-write time of a file
 * (a directory: ERROR_ACCESS_DENIED).  COPY_FILE_FAIL_IF_EXISTS: an existing
 * target gives ERROR_FILE_EXISTS.  A failure part way deletes the target.
 * The progress routine is not called; *pbCancel is read once at the start.
 */
BOOL WINAPI CopyFileExW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName, LPPROGRESS_ROUTINE lpProgressRoutine,
			LPVOID lpData, LPBOOL pbCancel, DWORD dwCopyFlags)
{
	(void)lpProgressRoutine;
	(void)lpData;
	if (pbCancel && *pbCancel) {
		SetLastError(ERROR_REQUEST_ABORTED);
		return FALSE;
	}
	HANDLE src = CreateFileW(lpExistingFileName, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
				 OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
	if (src == INVALID_HANDLE_VALUE)
		return FALSE;
	BY_HANDLE_FILE_INFORMATION info;
	if (!GetFileInformationByHandle(src, &info)) {
		CloseHandle(src);
		return FALSE;
	}
	HANDLE dst = CreateFileW(lpNewFileName, GENERIC_WRITE | DELETE, 0, NULL,
				 (dwCopyFlags & COPY_FILE_FAIL_IF_EXISTS) ? CREATE_NEW : CREATE_ALWAYS,
				 info.dwFileAttributes & ~FILE_ATTRIBUTE_READONLY, NULL);
	if (dst == INVALID_HANDLE_VALUE) {
		CloseHandle(src);
		return FALSE;
	}
	BOOL ok = TRUE;
	char *buf = VirtualAlloc(NULL, COPY_CHUNK, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (!buf)
		ok = FALSE;
	while (ok) {
		DWORD got, put;
		ok = ReadFile(src, buf, COPY_CHUNK, &got, NULL);
		if (!ok || !got)
			break;
		ok = WriteFile(dst, buf, got, &put, NULL) && put == got;
	}
	if (buf)
		VirtualFree(buf, 0, MEM_RELEASE);
	if (ok)
		ok = SetFileTime(dst, NULL, NULL, &info.ftLastWriteTime);
	if (ok && (info.dwFileAttributes & FILE_ATTRIBUTE_READONLY)) {
		IO_STATUS_BLOCK io;
		struct abi_file_basic_info bi = { .attributes = info.dwFileAttributes & 0x27 };
		ok = k32_nt_ok(NtSetInformationFile(dst, &io, &bi, sizeof(bi), FileBasicInformation));
	}
	DWORD err = GetLastError();
	if (!ok) {
		IO_STATUS_BLOCK io;
		BOOLEAN del = TRUE;
		NtSetInformationFile(dst, &io, &del, sizeof(del), FileDispositionInformation);
	}
	CloseHandle(dst);
	CloseHandle(src);
	if (ok)
		SetLastError(0);
	else
		SetLastError(err);
	return ok;
}

BOOL WINAPI CopyFileExA(LPCSTR lpExistingFileName, LPCSTR lpNewFileName, LPPROGRESS_ROUTINE lpProgressRoutine,
			LPVOID lpData, LPBOOL pbCancel, DWORD dwCopyFlags)
{
	WCHAR from[K32_PATH_MAX], to[K32_PATH_MAX];
	if (!k32_name_a(lpExistingFileName, from) || !k32_name_a(lpNewFileName, to))
		return FALSE;
	return CopyFileExW(lpExistingFileName ? from : NULL, lpNewFileName ? to : NULL, lpProgressRoutine, lpData,
			   pbCancel, dwCopyFlags);
}

BOOL WINAPI CopyFileW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName, BOOL bFailIfExists)
{
	return CopyFileExW(lpExistingFileName, lpNewFileName, NULL, NULL, NULL,
			   bFailIfExists ? COPY_FILE_FAIL_IF_EXISTS : 0);
}

BOOL WINAPI CopyFileA(LPCSTR lpExistingFileName, LPCSTR lpNewFileName, BOOL bFailIfExists)
{
	return CopyFileExA(lpExistingFileName, lpNewFileName, NULL, NULL, NULL,
			   bFailIfExists ? COPY_FILE_FAIL_IF_EXISTS : 0);
}

/* The volume's sizes through a directory of it (NULL: the current directory). */
static BOOL volume_size(LPCWSTR dir, struct abi_fs_full_size_info *fs)
{
	struct k32_path p;
	HANDLE h;
	if (!k32_path_w(dir ? dir : L".", &p) || !open_path(&p, FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_DIRECTORY_FILE, &h))
		return FALSE;
	IO_STATUS_BLOCK io;
	BOOL ok = k32_nt_ok(NtQueryVolumeInformationFile(h, &io, fs, sizeof(*fs), FileFsFullSizeInformation));
	NtClose(h);
	return ok;
}

/* GetDiskFreeSpaceExW: bytes available to the caller, total, free (any may be NULL). */
BOOL WINAPI GetDiskFreeSpaceExW(LPCWSTR lpDirectoryName, PULARGE_INTEGER lpFreeBytesAvailableToCaller,
				PULARGE_INTEGER lpTotalNumberOfBytes, PULARGE_INTEGER lpTotalNumberOfFreeBytes)
{
	struct abi_fs_full_size_info fs;
	if (!volume_size(lpDirectoryName, &fs))
		return FALSE;
	ULONGLONG unit = (ULONGLONG)fs.sectors_per_unit * fs.bytes_per_sector;
	if (lpFreeBytesAvailableToCaller)
		lpFreeBytesAvailableToCaller->QuadPart = fs.caller_available_units * unit;
	if (lpTotalNumberOfBytes)
		lpTotalNumberOfBytes->QuadPart = fs.total_units * unit;
	if (lpTotalNumberOfFreeBytes)
		lpTotalNumberOfFreeBytes->QuadPart = fs.actual_available_units * unit;
	return TRUE;
}

BOOL WINAPI GetDiskFreeSpaceExA(LPCSTR lpDirectoryName, PULARGE_INTEGER lpFreeBytesAvailableToCaller,
				PULARGE_INTEGER lpTotalNumberOfBytes, PULARGE_INTEGER lpTotalNumberOfFreeBytes)
{
	WCHAR w[K32_PATH_MAX];
	if (!k32_name_a(lpDirectoryName, w))
		return FALSE;
	return GetDiskFreeSpaceExW(lpDirectoryName ? w : NULL, lpFreeBytesAvailableToCaller, lpTotalNumberOfBytes,
				   lpTotalNumberOfFreeBytes);
}

/* GetDiskFreeSpaceW: clusters (capped at 0xFFFFFFFF), sectors per cluster, bytes per sector. */
BOOL WINAPI GetDiskFreeSpaceW(LPCWSTR lpRootPathName, LPDWORD lpSectorsPerCluster, LPDWORD lpBytesPerSector,
			      LPDWORD lpNumberOfFreeClusters, LPDWORD lpTotalNumberOfClusters)
{
	struct abi_fs_full_size_info fs;
	if (!volume_size(lpRootPathName, &fs))
		return FALSE;
	if (lpSectorsPerCluster)
		*lpSectorsPerCluster = fs.sectors_per_unit;
	if (lpBytesPerSector)
		*lpBytesPerSector = fs.bytes_per_sector;
	if (lpNumberOfFreeClusters)
		*lpNumberOfFreeClusters = fs.caller_available_units > 0xFFFFFFFFLL ? 0xFFFFFFFF
										  : (DWORD)fs.caller_available_units;
	if (lpTotalNumberOfClusters)
		*lpTotalNumberOfClusters = fs.total_units > 0xFFFFFFFFLL ? 0xFFFFFFFF : (DWORD)fs.total_units;
	return TRUE;
}

BOOL WINAPI GetDiskFreeSpaceA(LPCSTR lpRootPathName, LPDWORD lpSectorsPerCluster, LPDWORD lpBytesPerSector,
			      LPDWORD lpNumberOfFreeClusters, LPDWORD lpTotalNumberOfClusters)
{
	WCHAR w[K32_PATH_MAX];
	if (!k32_name_a(lpRootPathName, w))
		return FALSE;
	return GetDiskFreeSpaceW(lpRootPathName ? w : NULL, lpSectorsPerCluster, lpBytesPerSector,
				 lpNumberOfFreeClusters, lpTotalNumberOfClusters);
}

/* GetLogicalDrives: C: only. */
DWORD WINAPI GetLogicalDrives(void)
{
	return 1u << ('C' - 'A');
}

/* GetDriveTypeW: DRIVE_FIXED for "C:", "C:\" (or NULL: the current drive), DRIVE_NO_ROOT_DIR otherwise. */
UINT WINAPI GetDriveTypeW(LPCWSTR lpRootPathName)
{
	if (!lpRootPathName)
		return DRIVE_FIXED;
	WCHAR d = lpRootPathName[0];
	if (d >= L'a' && d <= L'z')
		d -= 32;
	if (d == L'C' && lpRootPathName[1] == L':' &&
	    (!lpRootPathName[2] || ((lpRootPathName[2] == L'\\' || lpRootPathName[2] == L'/') && !lpRootPathName[3])))
		return DRIVE_FIXED;
	return DRIVE_NO_ROOT_DIR;
}

UINT WINAPI GetDriveTypeA(LPCSTR lpRootPathName)
{
	WCHAR w[K32_PATH_MAX];
	if (!lpRootPathName)
		return DRIVE_FIXED;
	if (!k32_name_a(lpRootPathName, w))
		return DRIVE_NO_ROOT_DIR;
	return GetDriveTypeW(w);
}
