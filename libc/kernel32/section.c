/*
 * libc/kernel32/section.c - file mappings (pagefile-backed, or over a file
 * handle: mm/section_file.c) over NtCreateSection / NtOpenSection /
 * NtMapViewOfSection.  Names: "Local\" is the default namespace and is
 * dropped, "Global\" stays part of the name; the kernel takes ASCII names
 * of up to MAX_PATH characters.
 */
#include "k32_private.h"

#define NAME_CHARS 300

NTSTATUS NTAPI NtFlushVirtualMemory(HANDLE, PVOID *, PSIZE_T, PIO_STATUS_BLOCK);

/* Builds "\BaseNamedObjects\<name less Local\>" in buf and the OBJECT_ATTRIBUTES for it (name NULL: unnamed). */
POBJECT_ATTRIBUTES k32_object_attributes(LPCWSTR name, WCHAR *buf, UNICODE_STRING *us, OBJECT_ATTRIBUTES *oa)
{
	memset(oa, 0, sizeof(*oa));
	oa->Length = sizeof(*oa);
	if (!name)
		return oa;
	static const WCHAR prefix[] = L"\\BaseNamedObjects\\";
	static const WCHAR local[] = L"Local\\";
	size_t k = 0;
	while (k < 6 && name[k] == local[k])
		k++;
	if (k == 6)
		name += 6;
	size_t n = 0;
	for (; prefix[n]; n++)
		buf[n] = prefix[n];
	for (size_t i = 0; name[i] && n < NAME_CHARS + 20; i++)
		buf[n++] = name[i];
	buf[n] = 0;
	us->Buffer = buf;
	us->Length = (USHORT)(n * sizeof(WCHAR));
	us->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
	oa->ObjectName = us;
	return oa;
}

/*
 * CreateFileMappingW: hFile INVALID_HANDLE_VALUE for a pagefile-backed
 * section, else a file handle (the size 0 is the file's size; the kernel
 * checks the handle's access).  The SEC_* bits of flProtect become the
 * section's attributes.  An existing name gives a
 * handle to that section and ERROR_ALREADY_EXISTS; otherwise the last error
 * is ERROR_SUCCESS.
 */
HANDLE WINAPI CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
				 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCWSTR lpName)
{
	if (!hFile || K32_IS_CONSOLE(hFile)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	HANDLE file = hFile == INVALID_HANDLE_VALUE ? NULL : hFile;
	if (lpName && k32_wcslen(lpName) > NAME_CHARS) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return NULL;
	}
	const DWORD sec = SEC_IMAGE | SEC_RESERVE | SEC_COMMIT | SEC_NOCACHE | SEC_WRITECOMBINE | SEC_LARGE_PAGES;
	WCHAR buf[NAME_CHARS + 24];
	UNICODE_STRING us;
	OBJECT_ATTRIBUTES oa;
	LARGE_INTEGER size = { .QuadPart = (LONGLONG)(((ULONG64)dwMaximumSizeHigh << 32) | dwMaximumSizeLow) };
	HANDLE h = NULL;
	NTSTATUS st = NtCreateSection(&h, SECTION_ALL_ACCESS, k32_object_attributes(lpName, buf, &us, &oa), &size,
				      flProtect & ~sec, flProtect & sec, file);
	if (!NT_SUCCESS(st)) {
		SetLastError(RtlNtStatusToDosError(st));
		return NULL;
	}
	SetLastError(st == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return k32_inherit_sa(h, lpAttributes);
}

/* CreateFileMappingA: the name through the ANSI code page. */
HANDLE WINAPI CreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
				 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCSTR lpName)
{
	WCHAR w[NAME_CHARS + 1];
	if (lpName && !k32_to_wide(lpName, w, NAME_CHARS + 1)) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return NULL;
	}
	return CreateFileMappingW(hFile, lpAttributes, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow,
				  lpName ? w : NULL);
}

/* OpenFileMappingW: a named section (ERROR_FILE_NOT_FOUND when none has the name). */
HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
	if (!lpName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (k32_wcslen(lpName) > NAME_CHARS) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return NULL;
	}
	WCHAR buf[NAME_CHARS + 24];
	UNICODE_STRING us;
	OBJECT_ATTRIBUTES oa;
	HANDLE h = NULL;
	NTSTATUS st = NtOpenSection(&h, dwDesiredAccess, k32_object_attributes(lpName, buf, &us, &oa));
	return k32_status(st) ? k32_inherit(h, bInheritHandle) : NULL;
}

HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
	WCHAR w[NAME_CHARS + 1];
	if (lpName && !k32_to_wide(lpName, w, NAME_CHARS + 1)) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return NULL;
	}
	return OpenFileMappingW(dwDesiredAccess, bInheritHandle, lpName ? w : NULL);
}

/*
 * The view protection MapViewOfFile gives a desired access (spec 19.1, every
 * combination of FILE_MAP_COPY/WRITE/READ, SECTION_MAP_EXECUTE and
 * FILE_MAP_EXECUTE): write wins over read, read over copy, and copy counts
 * only when neither is asked and SECTION_MAP_EXECUTE is not; FILE_MAP_EXECUTE
 * makes the execute variant, SECTION_MAP_EXECUTE never does.  Nothing left
 * (access 0, execute only, copy with SECTION_MAP_EXECUTE): PAGE_NOACCESS, a
 * view that is mapped and faults on every access.
 */
static DWORD view_protect(DWORD access)
{
	DWORD p;
	if (access & FILE_MAP_WRITE)
		p = PAGE_READWRITE;
	else if (access & FILE_MAP_READ)
		p = PAGE_READONLY;
	else if ((access & FILE_MAP_COPY) && !(access & SECTION_MAP_EXECUTE))
		p = PAGE_WRITECOPY;
	else
		return PAGE_NOACCESS;
	return access & FILE_MAP_EXECUTE ? p << 4 : p;	/* PAGE_EXECUTE_READWRITE, _READ, _WRITECOPY */
}

/*
 * MapViewOfFileEx: a view with view_protect(dwDesiredAccess).  A protection
 * the section does not allow is ERROR_ACCESS_DENIED (on Windows
 * CreateFileMapping's handle lacks the right; NtMapViewOfSection's
 * STATUS_SECTION_PROTECTION, 87 by RtlNtStatusToDosError, does not reach
 * MapViewOfFile's callers).
 */
LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
			      DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress)
{
	PVOID base = lpBaseAddress;
	SIZE_T size = dwNumberOfBytesToMap;
	LARGE_INTEGER offset = { .QuadPart = (LONGLONG)(((ULONG64)dwFileOffsetHigh << 32) | dwFileOffsetLow) };
	NTSTATUS st = NtMapViewOfSection(hFileMappingObject, K32_CURRENT_PROCESS, &base, 0, 0, &offset, &size,
					 1 /* ViewShare */, 0, view_protect(dwDesiredAccess));
	if (st == STATUS_SECTION_PROTECTION) {
		SetLastError(ERROR_ACCESS_DENIED);
		return NULL;
	}
	return k32_nt_ok(st) ? base : NULL;	/* an image view not at its base: STATUS_IMAGE_NOT_AT_BASE */
}

LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
			    DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap)
{
	return MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh, dwFileOffsetLow,
			       dwNumberOfBytesToMap, NULL);
}

BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress)
{
	return k32_status(NtUnmapViewOfSection(K32_CURRENT_PROCESS, (PVOID)lpBaseAddress));
}

/*
 * FlushViewOfFile: write the view's dirty pages in [base, base+n) (n 0: to
 * the end of the view) to the file and wait; pagefile-backed views have
 * nothing to write.  The address must be in a view.
 */
BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush)
{
	PVOID base = (PVOID)lpBaseAddress;
	SIZE_T size = dwNumberOfBytesToFlush;
	IO_STATUS_BLOCK io;
	NTSTATUS st = NtFlushVirtualMemory((HANDLE)(LONG_PTR)-1, &base, &size, &io);
	if (!NT_SUCCESS(st)) {
		SetLastError(st == (NTSTATUS)0xC0000019 ? ERROR_INVALID_ADDRESS : RtlNtStatusToDosError(st));
		return FALSE;
	}
	return TRUE;
}

/* CloseHandle: pseudo-handles and console handles need nothing; else NtClose. */
BOOL WINAPI CloseHandle(HANDLE hObject)
{
	if (hObject == K32_CURRENT_PROCESS || hObject == K32_CURRENT_THREAD || K32_IS_CONSOLE(hObject))
		return TRUE;
	return k32_status(NtClose(hObject));
}
