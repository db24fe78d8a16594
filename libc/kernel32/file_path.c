/*
 * libc/kernel32/file_path.c - path names: the conversion every file call
 * makes (a DOS path, relative or not, to the kernel's "\??\C:\..."),
 * GetFullPathName, Get/SetCurrentDirectory (ntdll keeps the current
 * directory in the process parameters), GetTempPath, GetTempFileName.
 *
 * GetTempPath follows Windows (TMP, TEMP, USERPROFILE), but the last
 * fallback is C:\TEMP\ rather than the Windows directory: there is no
 * C:\windows on the disk, and the disk the build makes has C:\TEMP.
 */
#include "k32_private.h"

BOOL k32_path_w(LPCWSTR name, struct k32_path *p)
{
	ULONG len;
	if (!name || !*name) {
		SetLastError(ERROR_PATH_NOT_FOUND);
		return FALSE;
	}
	NTSTATUS st = MmDosPathToNtPath(name, p->buf, K32_PATH_MAX, &len);
	if (!NT_SUCCESS(st)) {
		SetLastError(st == STATUS_NAME_TOO_LONG ? ERROR_FILENAME_EXCED_RANGE : ERROR_PATH_NOT_FOUND);
		return FALSE;
	}
	p->us.Buffer = p->buf;
	p->us.Length = (USHORT)(len * sizeof(WCHAR));
	p->us.MaximumLength = (USHORT)((len + 1) * sizeof(WCHAR));
	memset(&p->oa, 0, sizeof(p->oa));
	p->oa.Length = sizeof(p->oa);
	p->oa.ObjectName = &p->us;
	p->oa.Attributes = OBJ_CASE_INSENSITIVE;
	return TRUE;
}

BOOL k32_name_a(LPCSTR name, WCHAR *buf)
{
	if (!name) {
		buf[0] = 0;
		return TRUE;
	}
	if (!MultiByteToWideChar(k32_file_cp(), 0, name, -1, buf, K32_PATH_MAX)) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return FALSE;
	}
	return TRUE;
}

BOOL k32_path_a(LPCSTR name, struct k32_path *p)
{
	WCHAR w[K32_PATH_MAX];
	if (!k32_name_a(name, w))
		return FALSE;
	return k32_path_w(name ? w : NULL, p);
}

DWORD k32_result_a(const WCHAR *w, DWORD wlen, LPSTR buf, DWORD size)
{
	int need = WideCharToMultiByte(k32_file_cp(), 0, w, (int)wlen, NULL, 0, NULL, NULL);
	if ((DWORD)need + 1 > size)
		return (DWORD)need + 1;
	WideCharToMultiByte(k32_file_cp(), 0, w, (int)wlen, buf, (int)size, NULL, NULL);
	buf[need] = 0;
	return (DWORD)need;
}

/*
 * GetFullPathNameW: the length without the NUL when it fits in nBufferLength
 * units, else the units needed with the NUL; 0 on error (ERROR_INVALID_NAME
 * for "", ERROR_FILENAME_EXCED_RANGE when too long).
 */
DWORD WINAPI GetFullPathNameW(LPCWSTR lpFileName, DWORD nBufferLength, LPWSTR lpBuffer, LPWSTR *lpFilePart)
{
	WCHAR tmp[K32_PATH_MAX];
	ULONG len;
	if (lpFilePart)
		*lpFilePart = NULL;
	if (!lpFileName || !*lpFileName) {
		SetLastError(ERROR_INVALID_NAME);
		return 0;
	}
	NTSTATUS st = MmGetFullPathName(lpFileName, tmp, K32_PATH_MAX, &len);
	if (!NT_SUCCESS(st)) {
		SetLastError(st == STATUS_NAME_TOO_LONG ? ERROR_FILENAME_EXCED_RANGE : ERROR_INVALID_NAME);
		return 0;
	}
	if (len + 1 > nBufferLength)
		return len + 1;
	memcpy(lpBuffer, tmp, (len + 1) * sizeof(WCHAR));
	if (lpFilePart && len && tmp[len - 1] != L'\\') {
		ULONG i = len;
		while (i && tmp[i - 1] != L'\\')
			i--;
		*lpFilePart = lpBuffer + i;
	}
	return len;
}

DWORD WINAPI GetFullPathNameA(LPCSTR lpFileName, DWORD nBufferLength, LPSTR lpBuffer, LPSTR *lpFilePart)
{
	WCHAR name[K32_PATH_MAX], full[K32_PATH_MAX];
	if (lpFilePart)
		*lpFilePart = NULL;
	if (!k32_name_a(lpFileName, name))
		return 0;
	WCHAR *part;
	DWORD n = GetFullPathNameW(lpFileName ? name : NULL, K32_PATH_MAX, full, &part);
	if (!n)
		return 0;
	DWORD r = k32_result_a(full, n, lpBuffer, nBufferLength);
	if (r < nBufferLength && lpFilePart && part)
		*lpFilePart = lpBuffer + WideCharToMultiByte(k32_file_cp(), 0, full, (int)(part - full), NULL, 0, NULL, NULL);
	return r;
}

/* GetCurrentDirectoryW: "C:\dir" (no trailing backslash but for the root); length, or units needed with the NUL. */
DWORD WINAPI GetCurrentDirectoryW(DWORD nBufferLength, LPWSTR lpBuffer)
{
	ULONG size = nBufferLength > 0x7FFFFFFF / sizeof(WCHAR) ? 0x7FFFFFFF : nBufferLength * sizeof(WCHAR);
	return RtlGetCurrentDirectory_U(size, lpBuffer) / sizeof(WCHAR);
}

DWORD WINAPI GetCurrentDirectoryA(DWORD nBufferLength, LPSTR lpBuffer)
{
	WCHAR w[MAX_PATH + 1];
	DWORD n = GetCurrentDirectoryW(MAX_PATH + 1, w);
	if (!n || n > MAX_PATH)
		return 0;
	return k32_result_a(w, n, lpBuffer, nBufferLength);
}

/* SetCurrentDirectoryW: an existing directory (a file: ERROR_DIRECTORY); ERROR_FILENAME_EXCED_RANGE past MAX_PATH - 2. */
BOOL WINAPI SetCurrentDirectoryW(LPCWSTR lpPathName)
{
	if (!lpPathName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (!*lpPathName) {
		SetLastError(ERROR_INVALID_NAME);
		return FALSE;
	}
	UNICODE_STRING us;
	RtlInitUnicodeString(&us, lpPathName);
	NTSTATUS st = RtlSetCurrentDirectory_U(&us);
	if (st == STATUS_NAME_TOO_LONG) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return FALSE;
	}
	return k32_status(st);
}

BOOL WINAPI SetCurrentDirectoryA(LPCSTR lpPathName)
{
	WCHAR w[K32_PATH_MAX];
	if (!lpPathName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return k32_name_a(lpPathName, w) && SetCurrentDirectoryW(w);
}

/* GetTempPathW: TMP, TEMP, USERPROFILE (as full paths with a trailing backslash), else C:\TEMP\. */
DWORD WINAPI GetTempPathW(DWORD nBufferLength, LPWSTR lpBuffer)
{
	static const WCHAR *const vars[] = { L"TMP", L"TEMP", L"USERPROFILE" };
	WCHAR val[K32_PATH_MAX], full[K32_PATH_MAX];
	DWORD n = 0;
	for (int i = 0; i < 3 && !n; i++) {
		DWORD v = GetEnvironmentVariableW(vars[i], val, MAX_PATH);
		if (v && v < MAX_PATH)
			n = GetFullPathNameW(val, MAX_PATH, full, NULL);
		if (n >= MAX_PATH)
			n = 0;
	}
	if (!n) {
		memcpy(full, L"C:\\TEMP\\", 9 * sizeof(WCHAR));
		n = 8;
	}
	if (full[n - 1] != L'\\') {
		full[n++] = L'\\';
		full[n] = 0;
	}
	if (n + 1 > nBufferLength)
		return n + 1;
	memcpy(lpBuffer, full, (n + 1) * sizeof(WCHAR));
	return n;
}

DWORD WINAPI GetTempPathA(DWORD nBufferLength, LPSTR lpBuffer)
{
	WCHAR w[MAX_PATH + 1];
	DWORD n = GetTempPathW(MAX_PATH + 1, w);
	if (!n || n > MAX_PATH)
		return 0;
	return k32_result_a(w, n, lpBuffer, nBufferLength);
}

/* "path\PREuuuu.tmp" into out (MAX_PATH units); FALSE (ERROR_BUFFER_OVERFLOW) when too long. */
static BOOL temp_name(LPCWSTR path, LPCWSTR prefix, UINT u, WCHAR *out)
{
	size_t n = k32_wcslen(path);
	if (n + 1 + 3 + 4 + 4 + 1 > MAX_PATH) {
		SetLastError(ERROR_BUFFER_OVERFLOW);
		return FALSE;
	}
	memcpy(out, path, n * sizeof(WCHAR));
	if (n && out[n - 1] != L'\\' && out[n - 1] != L'/')
		out[n++] = L'\\';
	for (int i = 0; prefix && i < 3 && prefix[i]; i++)
		out[n++] = prefix[i];
	static const char hex[] = "0123456789ABCDEF";
	for (int sh = 12; sh >= 0; sh -= 4)
		if ((u >> sh) & 0xF || sh == 0 || (u >> sh))
			out[n++] = (WCHAR)hex[(u >> sh) & 0xF];
	memcpy(out + n, L".tmp", 5 * sizeof(WCHAR));
	return TRUE;
}

/*
 * GetTempFileNameW: uUnique != 0: the name with its low 16 bits, nothing
 * created; 0: a new empty file, trying numbers from the tick count until
 * one is free.  Returns the number used, 0 on error.
 */
UINT WINAPI GetTempFileNameW(LPCWSTR lpPathName, LPCWSTR lpPrefixString, UINT uUnique, LPWSTR lpTempFileName)
{
	if (!lpPathName || !lpTempFileName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	WCHAR name[MAX_PATH];
	if (uUnique) {
		uUnique &= 0xFFFF;
		if (!temp_name(lpPathName, lpPrefixString, uUnique, name))
			return 0;
		memcpy(lpTempFileName, name, (k32_wcslen(name) + 1) * sizeof(WCHAR));
		return uUnique;
	}
	UINT start = (GetTickCount() & 0xFFFF) ? (GetTickCount() & 0xFFFF) : 1, u = start;
	do {
		if (!temp_name(lpPathName, lpPrefixString, u, name))
			return 0;
		HANDLE h = CreateFileW(name, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
		if (h != INVALID_HANDLE_VALUE) {
			CloseHandle(h);
			memcpy(lpTempFileName, name, (k32_wcslen(name) + 1) * sizeof(WCHAR));
			SetLastError(0);
			return u;
		}
		DWORD e = GetLastError();
		if (e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS && e != ERROR_ACCESS_DENIED)
			return 0;
		u = (u & 0xFFFF) + 1;
		if (u > 0xFFFF)
			u = 1;
	} while (u != start);
	SetLastError(ERROR_FILE_EXISTS);
	return 0;
}

UINT WINAPI GetTempFileNameA(LPCSTR lpPathName, LPCSTR lpPrefixString, UINT uUnique, LPSTR lpTempFileName)
{
	WCHAR path[K32_PATH_MAX], prefix[K32_PATH_MAX], out[MAX_PATH];
	if (!lpPathName || !lpTempFileName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	if (!k32_name_a(lpPathName, path) || !k32_name_a(lpPrefixString, prefix))
		return 0;
	UINT r = GetTempFileNameW(path, prefix, uUnique, out);
	if (r)
		k32_result_a(out, (DWORD)k32_wcslen(out), lpTempFileName, MAX_PATH);
	return r;
}
