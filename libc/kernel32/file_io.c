/*
 * libc/kernel32/file_io.c - file handles: CreateFile, ReadFile/WriteFile on
 * files (console.c keeps the console handles), the file pointer, size,
 * end of file, flush, information, times, type, byte-range locks.  All I/O
 * is synchronous: an OVERLAPPED gives the offset and is completed (Internal,
 * InternalHigh, its event set) before the call returns.
 */
#include "k32_private.h"

#define CONSOLE_IN  ((HANDLE)(ULONG_PTR)3)
#define CONSOLE_OUT ((HANDLE)(ULONG_PTR)7)

/* Case-insensitive ASCII compare of a UTF-16 name with s. */
static BOOL name_is(LPCWSTR w, const char *s)
{
	for (; *s; s++, w++) {
		WCHAR c = *w >= L'a' && *w <= L'z' ? *w - 32 : *w;
		if (c != (WCHAR)*s)
			return FALSE;
	}
	return *w == 0;
}

/*
 * CreateFileW: the five dispositions, access rights, share modes,
 * FILE_FLAG_DELETE_ON_CLOSE / WRITE_THROUGH / BACKUP_SEMANTICS (opens a
 * directory), FILE_ATTRIBUTE_*.  CREATE_NEW on an existing file:
 * ERROR_FILE_EXISTS; CREATE_ALWAYS / OPEN_ALWAYS finding one succeed with
 * ERROR_ALREADY_EXISTS, otherwise the last error is 0.  "CONIN$"/"CONOUT$":
 * the console handles.
 */
HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
			  LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
			  DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	(void)hTemplateFile;
	static const ULONG disp[] = { 0, FILE_CREATE, FILE_OVERWRITE_IF, FILE_OPEN, FILE_OPEN_IF, FILE_OVERWRITE };
	if (dwCreationDisposition < CREATE_NEW || dwCreationDisposition > TRUNCATE_EXISTING) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return INVALID_HANDLE_VALUE;
	}
	if (lpFileName && name_is(lpFileName, "CONIN$")) {
		SetLastError(0);
		return CONSOLE_IN;
	}
	if (lpFileName && name_is(lpFileName, "CONOUT$")) {
		SetLastError(0);
		return CONSOLE_OUT;
	}
	struct k32_path p;
	if (!k32_path_w(lpFileName, &p))
		return INVALID_HANDLE_VALUE;
	ULONG options = 0, access = dwDesiredAccess | SYNCHRONIZE | FILE_READ_ATTRIBUTES;
	if (!(dwFlagsAndAttributes & FILE_FLAG_BACKUP_SEMANTICS))
		options |= FILE_NON_DIRECTORY_FILE;
	if (dwFlagsAndAttributes & FILE_FLAG_DELETE_ON_CLOSE) {
		options |= FILE_DELETE_ON_CLOSE;
		access |= DELETE;
	}
	if (dwFlagsAndAttributes & FILE_FLAG_WRITE_THROUGH)
		options |= FILE_WRITE_THROUGH;
	if (dwFlagsAndAttributes & FILE_FLAG_NO_BUFFERING)
		options |= FILE_NO_INTERMEDIATE_BUFFERING;
	if (dwFlagsAndAttributes & FILE_FLAG_SEQUENTIAL_SCAN)
		options |= FILE_SEQUENTIAL_ONLY;
	if (dwFlagsAndAttributes & FILE_FLAG_RANDOM_ACCESS)
		options |= FILE_RANDOM_ACCESS;
	if (!(dwFlagsAndAttributes & FILE_FLAG_OVERLAPPED))
		options |= FILE_SYNCHRONOUS_IO_NONALERT;
	ULONG attrs = dwFlagsAndAttributes & (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM |
					      FILE_ATTRIBUTE_ARCHIVE);
	HANDLE h;
	IO_STATUS_BLOCK io;
	NTSTATUS st = NtCreateFile(&h, access, &p.oa, &io, NULL, attrs, dwShareMode, disp[dwCreationDisposition],
				   options, NULL, 0);
	if (st == STATUS_OBJECT_NAME_COLLISION) {
		SetLastError(ERROR_FILE_EXISTS);
		return INVALID_HANDLE_VALUE;
	}
	if (!NT_SUCCESS(st)) {
		SetLastError(RtlNtStatusToDosError(st));
		return INVALID_HANDLE_VALUE;
	}
	if ((dwCreationDisposition == CREATE_ALWAYS && io.Information == FILE_OVERWRITTEN) ||
	    (dwCreationDisposition == OPEN_ALWAYS && io.Information == FILE_OPENED))
		SetLastError(ERROR_ALREADY_EXISTS);
	else
		SetLastError(0);
	return k32_inherit_sa(h, lpSecurityAttributes);
}

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
			  LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
			  DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	WCHAR w[K32_PATH_MAX];
	if (!k32_name_a(lpFileName, w))
		return INVALID_HANDLE_VALUE;
	return CreateFileW(lpFileName ? w : NULL, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
			   dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
}

/* Completes an OVERLAPPED: status, bytes, its event. */
static void complete(LPOVERLAPPED ov, NTSTATUS st, ULONG_PTR n)
{
	ov->Internal = (ULONG_PTR)(ULONG)st;
	ov->InternalHigh = n;
	if (ov->hEvent)
		SetEvent((HANDLE)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1));
}

BOOL k32_file_read(HANDLE h, LPVOID buf, DWORD n, LPDWORD done, LPOVERLAPPED ov)
{
	IO_STATUS_BLOCK io;	/* read only after a success, which the kernel always writes back */
	LARGE_INTEGER off, *poff = NULL;
	if (ov) {
		off.LowPart = ov->Offset;
		off.HighPart = (LONG)ov->OffsetHigh;
		poff = &off;
	}
	NTSTATUS st = NtReadFile(h, NULL, NULL, NULL, &io, buf, n, poff, NULL);
	ULONG_PTR got = NT_SUCCESS(st) ? io.Information : 0;
	if (done)
		*done = (DWORD)got;
	if (ov && st != STATUS_INVALID_HANDLE)
		complete(ov, st, got);
	if (NT_SUCCESS(st) || (st == STATUS_END_OF_FILE && !ov))
		return TRUE;	/* a synchronous read at the end: 0 bytes, success */
	return k32_nt_ok(st);	/* the last error */
}

BOOL k32_file_write(HANDLE h, LPCVOID buf, DWORD n, LPDWORD done, LPOVERLAPPED ov)
{
	IO_STATUS_BLOCK io = { 0 };
	LARGE_INTEGER off, *poff = NULL;
	if (ov) {
		off.LowPart = ov->Offset;
		off.HighPart = (LONG)ov->OffsetHigh;
		poff = &off;
	}
	NTSTATUS st = NtWriteFile(h, NULL, NULL, NULL, &io, (PVOID)buf, n, poff, NULL);
	ULONG_PTR put = NT_SUCCESS(st) ? io.Information : 0;
	if (done)
		*done = (DWORD)put;
	if (ov && st != STATUS_INVALID_HANDLE)
		complete(ov, st, put);
	return k32_nt_ok(st);
}

/* The handle's position and size; FALSE with the last error set. */
static BOOL query_position(HANDLE h, LONGLONG *pos)
{
	IO_STATUS_BLOCK io;
	FILE_POSITION_INFORMATION fp;
	if (!k32_nt_ok(NtQueryInformationFile(h, &io, &fp, sizeof(fp), FilePositionInformation)))
		return FALSE;
	*pos = fp.CurrentByteOffset.QuadPart;
	return TRUE;
}

static BOOL query_standard(HANDLE h, struct abi_file_standard_info *si)
{
	IO_STATUS_BLOCK io;
	return k32_nt_ok(NtQueryInformationFile(h, &io, si, sizeof(*si), FileStandardInformation));
}

/* SetFilePointerEx: FILE_BEGIN/CURRENT/END; a negative result is ERROR_NEGATIVE_SEEK; past the end is allowed. */
BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove, PLARGE_INTEGER lpNewFilePointer,
			     DWORD dwMoveMethod)
{
	LONGLONG base = 0;
	if (dwMoveMethod == FILE_CURRENT) {
		if (!query_position(hFile, &base))
			return FALSE;
	} else if (dwMoveMethod == FILE_END) {
		struct abi_file_standard_info si;
		if (!query_standard(hFile, &si))
			return FALSE;
		base = si.end_of_file;
	} else if (dwMoveMethod != FILE_BEGIN) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	LONGLONG pos = base + liDistanceToMove.QuadPart;
	if (pos < 0) {
		SetLastError(ERROR_NEGATIVE_SEEK);
		return FALSE;
	}
	IO_STATUS_BLOCK io;
	FILE_POSITION_INFORMATION fp = { .CurrentByteOffset.QuadPart = pos };
	if (!k32_nt_ok(NtSetInformationFile(hFile, &io, &fp, sizeof(fp), FilePositionInformation)))
		return FALSE;
	if (lpNewFilePointer)
		lpNewFilePointer->QuadPart = pos;
	return TRUE;
}

/*
 * SetFilePointer: the low part of the new position (the high part in
 * *lpDistanceToMoveHigh); INVALID_SET_FILE_POINTER on error.  A success
 * whose low part is 0xFFFFFFFF sets the last error to 0.  Without
 * lpDistanceToMoveHigh the distance is a signed 32-bit value and a result
 * past 4 GiB - 2 fails with ERROR_INVALID_PARAMETER.
 */
DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh, DWORD dwMoveMethod)
{
	LARGE_INTEGER d, r;
	if (lpDistanceToMoveHigh) {
		d.LowPart = (DWORD)lDistanceToMove;
		d.HighPart = *lpDistanceToMoveHigh;
	} else {
		d.QuadPart = lDistanceToMove;
	}
	if (!lpDistanceToMoveHigh) {
		/* compute first, so that a position out of range leaves the pointer alone */
		LONGLONG base = 0;
		struct abi_file_standard_info si;
		if (dwMoveMethod == FILE_CURRENT && !query_position(hFile, &base))
			return INVALID_SET_FILE_POINTER;
		if (dwMoveMethod == FILE_END) {
			if (!query_standard(hFile, &si))
				return INVALID_SET_FILE_POINTER;
			base = si.end_of_file;
		}
		if (dwMoveMethod <= FILE_END && base + d.QuadPart >= 0xFFFFFFFFLL) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return INVALID_SET_FILE_POINTER;
		}
	}
	if (!SetFilePointerEx(hFile, d, &r, dwMoveMethod))
		return INVALID_SET_FILE_POINTER;
	if (lpDistanceToMoveHigh)
		*lpDistanceToMoveHigh = r.HighPart;
	if (r.LowPart == INVALID_SET_FILE_POINTER)
		SetLastError(0);
	return r.LowPart;
}

/* GetFileSizeEx: the end of file. */
BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize)
{
	struct abi_file_standard_info si;
	if (!query_standard(hFile, &si))
		return FALSE;
	lpFileSize->QuadPart = si.end_of_file;
	return TRUE;
}

/* GetFileSize: the low part (high in *lpFileSizeHigh); INVALID_FILE_SIZE with the last error on failure, 0 when valid. */
DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh)
{
	LARGE_INTEGER s;
	if (!GetFileSizeEx(hFile, &s))
		return INVALID_FILE_SIZE;
	if (lpFileSizeHigh)
		*lpFileSizeHigh = (DWORD)s.HighPart;
	if (s.LowPart == INVALID_FILE_SIZE)
		SetLastError(0);
	return s.LowPart;
}

/* SetEndOfFile: the size becomes the file pointer (grows with zeros or truncates). */
BOOL WINAPI SetEndOfFile(HANDLE hFile)
{
	LONGLONG pos;
	if (!query_position(hFile, &pos))
		return FALSE;
	IO_STATUS_BLOCK io;
	FILE_END_OF_FILE_INFORMATION eof = { .EndOfFile.QuadPart = pos };
	return k32_nt_ok(NtSetInformationFile(hFile, &io, &eof, sizeof(eof), FileEndOfFileInformation));
}

/* FlushFileBuffers: data and metadata on the disk. */
BOOL WINAPI FlushFileBuffers(HANDLE hFile)
{
	IO_STATUS_BLOCK io;
	return k32_nt_ok(NtFlushBuffersFile(hFile, &io));
}

static void to_filetime(LONGLONG t, FILETIME *ft)
{
	ft->dwLowDateTime = (DWORD)t;
	ft->dwHighDateTime = (DWORD)((ULONGLONG)t >> 32);
}

static LONGLONG from_filetime(const FILETIME *ft)
{
	return ft ? (LONGLONG)(((ULONGLONG)ft->dwHighDateTime << 32) | ft->dwLowDateTime) : 0;
}

/* GetFileInformationByHandle: attributes, times, the volume's serial number, size, links, index. */
BOOL WINAPI GetFileInformationByHandle(HANDLE hFile, LPBY_HANDLE_FILE_INFORMATION info)
{
	IO_STATUS_BLOCK io;
	struct abi_file_basic_info bi;
	struct abi_file_standard_info si;
	ULONGLONG index;
	union {
		struct abi_fs_volume_info v;
		char buf[sizeof(struct abi_fs_volume_info) + 64 * sizeof(WCHAR)];
	} vol;
	if (!k32_nt_ok(NtQueryInformationFile(hFile, &io, &bi, sizeof(bi), FileBasicInformation)) ||
	    !query_standard(hFile, &si) ||
	    !k32_nt_ok(NtQueryInformationFile(hFile, &io, &index, sizeof(index), FileInternalInformation)))
		return FALSE;
	NTSTATUS st = NtQueryVolumeInformationFile(hFile, &io, &vol, sizeof(vol), FileFsVolumeInformation);
	if (!NT_SUCCESS(st) && st != STATUS_BUFFER_OVERFLOW)
		return k32_nt_ok(st);
	info->dwFileAttributes = bi.attributes;
	to_filetime(bi.creation_time, &info->ftCreationTime);
	to_filetime(bi.last_access_time, &info->ftLastAccessTime);
	to_filetime(bi.last_write_time, &info->ftLastWriteTime);
	info->dwVolumeSerialNumber = vol.v.serial_number;
	info->nFileSizeHigh = (DWORD)((ULONGLONG)si.end_of_file >> 32);
	info->nFileSizeLow = (DWORD)si.end_of_file;
	info->nNumberOfLinks = si.number_of_links;
	info->nFileIndexHigh = (DWORD)(index >> 32);
	info->nFileIndexLow = (DWORD)index;
	return TRUE;
}

/* GetFileTime: creation, last access, last write (each pointer may be NULL). */
BOOL WINAPI GetFileTime(HANDLE hFile, LPFILETIME lpCreationTime, LPFILETIME lpLastAccessTime,
			LPFILETIME lpLastWriteTime)
{
	IO_STATUS_BLOCK io;
	struct abi_file_basic_info bi;
	if (!k32_nt_ok(NtQueryInformationFile(hFile, &io, &bi, sizeof(bi), FileBasicInformation)))
		return FALSE;
	if (lpCreationTime)
		to_filetime(bi.creation_time, lpCreationTime);
	if (lpLastAccessTime)
		to_filetime(bi.last_access_time, lpLastAccessTime);
	if (lpLastWriteTime)
		to_filetime(bi.last_write_time, lpLastWriteTime);
	return TRUE;
}

/* SetFileTime: NULL (or a zero time) keeps a time; the volume rounds them (FAT: 10 ms, 2 s, a day). */
BOOL WINAPI SetFileTime(HANDLE hFile, CONST FILETIME *lpCreationTime, CONST FILETIME *lpLastAccessTime,
			CONST FILETIME *lpLastWriteTime)
{
	IO_STATUS_BLOCK io;
	struct abi_file_basic_info bi = {
		.creation_time = from_filetime(lpCreationTime),
		.last_access_time = from_filetime(lpLastAccessTime),
		.last_write_time = from_filetime(lpLastWriteTime),
	};
	return k32_nt_ok(NtSetInformationFile(hFile, &io, &bi, sizeof(bi), FileBasicInformation));
}

/* The type of a handle that is not the console's: FILE_TYPE_DISK for files and directories. */
DWORD k32_file_type(HANDLE h)
{
	IO_STATUS_BLOCK io;
	union {
		struct abi_fs_attribute_info a;
		char buf[sizeof(struct abi_fs_attribute_info) + 16 * sizeof(WCHAR)];
	} u;
	NTSTATUS st = NtQueryVolumeInformationFile(h, &io, &u, sizeof(u), FileFsAttributeInformation);
	if (NT_SUCCESS(st) || st == STATUS_BUFFER_OVERFLOW) {
		SetLastError(0);
		return FILE_TYPE_DISK;
	}
	SetLastError(ERROR_INVALID_HANDLE);
	return FILE_TYPE_UNKNOWN;
}

/* One lock call: exclusive or shared, never waiting. */
static BOOL lock(HANDLE h, ULONGLONG off, ULONGLONG len, BOOL exclusive, BOOL fail_immediately)
{
	IO_STATUS_BLOCK io;
	LARGE_INTEGER o = { .QuadPart = (LONGLONG)off }, l = { .QuadPart = (LONGLONG)len };
	return k32_nt_ok(NtLockFile(h, NULL, NULL, NULL, &io, &o, &l, 0, (BOOLEAN)fail_immediately, (BOOLEAN)exclusive));
}

static BOOL unlock(HANDLE h, ULONGLONG off, ULONGLONG len)
{
	IO_STATUS_BLOCK io;
	LARGE_INTEGER o = { .QuadPart = (LONGLONG)off }, l = { .QuadPart = (LONGLONG)len };
	return k32_nt_ok(NtUnlockFile(h, &io, &o, &l, 0));
}

#define QWORD(lo, hi) (((ULONGLONG)(hi) << 32) | (lo))

/* LockFile: an exclusive lock, failing at once (ERROR_LOCK_VIOLATION) on a conflict. */
BOOL WINAPI LockFile(HANDLE hFile, DWORD dwFileOffsetLow, DWORD dwFileOffsetHigh, DWORD nNumberOfBytesToLockLow,
		     DWORD nNumberOfBytesToLockHigh)
{
	return lock(hFile, QWORD(dwFileOffsetLow, dwFileOffsetHigh),
		    QWORD(nNumberOfBytesToLockLow, nNumberOfBytesToLockHigh), TRUE, TRUE);	/* never waits */
}

BOOL WINAPI UnlockFile(HANDLE hFile, DWORD dwFileOffsetLow, DWORD dwFileOffsetHigh, DWORD nNumberOfBytesToUnlockLow,
		       DWORD nNumberOfBytesToUnlockHigh)
{
	return unlock(hFile, QWORD(dwFileOffsetLow, dwFileOffsetHigh),
		      QWORD(nNumberOfBytesToUnlockLow, nNumberOfBytesToUnlockHigh));
}

/*
 * LockFileEx: LOCKFILE_EXCLUSIVE_LOCK or shared, at lpOverlapped's offset.
 * Without LOCKFILE_FAIL_IMMEDIATELY a conflict waits (synchronous handles)
 * until another handle unlocks the range or is closed.
 */
BOOL WINAPI LockFileEx(HANDLE hFile, DWORD dwFlags, DWORD dwReserved, DWORD nNumberOfBytesToLockLow,
		       DWORD nNumberOfBytesToLockHigh, LPOVERLAPPED lpOverlapped)
{
	if (dwReserved || !lpOverlapped || (dwFlags & ~(LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	BOOL ok = lock(hFile, QWORD(lpOverlapped->Offset, lpOverlapped->OffsetHigh),
		       QWORD(nNumberOfBytesToLockLow, nNumberOfBytesToLockHigh), dwFlags & LOCKFILE_EXCLUSIVE_LOCK,
		       dwFlags & LOCKFILE_FAIL_IMMEDIATELY);
	lpOverlapped->Internal = ok ? 0 : STATUS_LOCK_NOT_GRANTED;
	return ok;
}

BOOL WINAPI UnlockFileEx(HANDLE hFile, DWORD dwReserved, DWORD nNumberOfBytesToUnlockLow,
			 DWORD nNumberOfBytesToUnlockHigh, LPOVERLAPPED lpOverlapped)
{
	if (dwReserved || !lpOverlapped) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return unlock(hFile, QWORD(lpOverlapped->Offset, lpOverlapped->OffsetHigh),
		      QWORD(nNumberOfBytesToUnlockLow, nNumberOfBytesToUnlockHigh));
}
