/*
 * libc/kernel32/module.c - modules over ntdll's loader: GetModuleHandle*,
 * GetModuleFileName*, LoadLibrary*, GetProcAddress, FreeLibrary,
 * DisableThreadLibraryCalls.  An HMODULE is the image base.
 */
#include "k32_private.h"

#define NAME_CHARS MAX_PATH

/* A UNICODE_STRING over a NUL-terminated name. */
static void init_us(UNICODE_STRING *us, LPCWSTR s)
{
	size_t n = k32_wcslen(s);
	if (n > 0x7FFE)
		n = 0x7FFE;
	us->Buffer = (PWSTR)s;
	us->Length = (USHORT)(n * sizeof(WCHAR));
	us->MaximumLength = us->Length;
}

/* lpName through the ANSI code page into buf; FALSE (ERROR_FILENAME_EXCED_RANGE) when too long. */
static BOOL widen(LPCSTR name, WCHAR *buf)
{
	if (k32_to_wide(name, buf, NAME_CHARS + 1))
		return TRUE;
	SetLastError(ERROR_FILENAME_EXCED_RANGE);
	return FALSE;
}

/* The module containing addr, or the one based at h. */
static PLDR_DATA_TABLE_ENTRY entry_of(HMODULE h)
{
	PLDR_DATA_TABLE_ENTRY e = NULL;
	if (!NT_SUCCESS(LdrFindEntryForAddress(h, &e)) || e->DllBase != h)
		return NULL;
	return e;
}

/* GetModuleHandleW: NULL is the exe; otherwise a loaded module by name (no reference taken). */
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName)
{
	if (!lpModuleName)
		return (HMODULE)K32_PEB_FIELD(k32_peb(), 0x10, PVOID);
	UNICODE_STRING us;
	init_us(&us, lpModuleName);
	PVOID base = NULL;
	return k32_status(LdrGetDllHandle(NULL, NULL, &us, &base)) ? base : NULL;
}

HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName)
{
	WCHAR w[NAME_CHARS + 1];
	if (!lpModuleName)
		return GetModuleHandleW(NULL);
	return widen(lpModuleName, w) ? GetModuleHandleW(w) : NULL;
}

/*
 * GetModuleHandleExW: GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS (the module
 * containing the address), _UNCHANGED_REFCOUNT (no reference), _PIN (never
 * unloaded); otherwise one more reference, as LoadLibrary.
 */
BOOL WINAPI GetModuleHandleExW(DWORD dwFlags, LPCWSTR lpModuleName, HMODULE *phModule)
{
	const DWORD known = GET_MODULE_HANDLE_EX_FLAG_PIN | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT |
			    GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS;
	if (!phModule || (dwFlags & ~known) ||
	    ((dwFlags & GET_MODULE_HANDLE_EX_FLAG_PIN) && (dwFlags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	*phModule = NULL;
	HMODULE h;
	if (dwFlags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) {
		PLDR_DATA_TABLE_ENTRY e = NULL;
		if (!k32_status(LdrFindEntryForAddress((PVOID)lpModuleName, &e)))
			return FALSE;
		h = e->DllBase;
	} else {
		h = GetModuleHandleW(lpModuleName);
		if (!h)
			return FALSE;
	}
	if (dwFlags & GET_MODULE_HANDLE_EX_FLAG_PIN)
		LdrAddRefDll(1, h);
	else if (!(dwFlags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT))
		LdrAddRefDll(0, h);
	*phModule = h;
	return TRUE;
}

BOOL WINAPI GetModuleHandleExA(DWORD dwFlags, LPCSTR lpModuleName, HMODULE *phModule)
{
	WCHAR w[NAME_CHARS + 1];
	if ((dwFlags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) || !lpModuleName)
		return GetModuleHandleExW(dwFlags, (LPCWSTR)lpModuleName, phModule);
	if (!widen(lpModuleName, w)) {
		if (phModule)
			*phModule = NULL;
		return FALSE;
	}
	return GetModuleHandleExW(dwFlags, w, phModule);
}

/*
 * GetModuleFileNameW: the module's FullDllName ("C:\windows\system32\x.dll",
 * "C:\x.exe").  Truncated to nSize - 1 characters plus NUL with
 * ERROR_INSUFFICIENT_BUFFER and the result nSize, as Windows (Vista and later).
 */
DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize)
{
	if (!hModule)
		hModule = GetModuleHandleW(NULL);
	PLDR_DATA_TABLE_ENTRY e = entry_of(hModule);
	if (!e) {
		SetLastError(ERROR_MOD_NOT_FOUND);
		return 0;
	}
	DWORD n = e->FullDllName.Length / sizeof(WCHAR);
	if (nSize == 0) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return 0;
	}
	if (n >= nSize) {
		memcpy(lpFilename, e->FullDllName.Buffer, (nSize - 1) * sizeof(WCHAR));
		lpFilename[nSize - 1] = 0;
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return nSize;
	}
	memcpy(lpFilename, e->FullDllName.Buffer, n * sizeof(WCHAR));
	lpFilename[n] = 0;
	SetLastError(ERROR_SUCCESS);
	return n;
}

DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize)
{
	WCHAR w[NAME_CHARS + 1];
	DWORD n = GetModuleFileNameW(hModule, w, NAME_CHARS + 1);
	if (!n)
		return 0;
	char a[NAME_CHARS * 2 + 1];
	int len = k32_to_ansi(w, a, sizeof(a));
	if (len <= 0)
		return 0;
	DWORD chars = (DWORD)len - 1;
	if (nSize == 0) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return 0;
	}
	if (chars >= nSize) {
		memcpy(lpFilename, a, nSize - 1);
		lpFilename[nSize - 1] = '\0';
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return nSize;
	}
	memcpy(lpFilename, a, chars + 1);
	return chars;
}

/*
 * LoadLibraryExW: LdrLoadDll (every DLL is a boot module: the path is
 * ignored, ".dll" added to a name without extension).  The data-file and
 * image-resource flags are not supported (ERROR_NOT_SUPPORTED); the search
 * flags do not matter.
 */
HMODULE WINAPI LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags)
{
	if (!lpLibFileName || hFile) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (dwFlags & (LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_DATAFILE_EXCLUSIVE | LOAD_LIBRARY_AS_IMAGE_RESOURCE)) {
		SetLastError(ERROR_NOT_SUPPORTED);
		return NULL;
	}
	UNICODE_STRING us;
	init_us(&us, lpLibFileName);
	PVOID base = NULL;
	return k32_status(LdrLoadDll(NULL, NULL, &us, &base)) ? base : NULL;
}

HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName)
{
	return LoadLibraryExW(lpLibFileName, NULL, 0);
}

HMODULE WINAPI LoadLibraryExA(LPCSTR lpLibFileName, HANDLE hFile, DWORD dwFlags)
{
	WCHAR w[NAME_CHARS + 1];
	if (!lpLibFileName) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return widen(lpLibFileName, w) ? LoadLibraryExW(w, hFile, dwFlags) : NULL;
}

HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName)
{
	return LoadLibraryExA(lpLibFileName, NULL, 0);
}

/* FreeLibrary: one reference less (LdrUnloadDll). */
BOOL WINAPI FreeLibrary(HMODULE hLibModule)
{
	return k32_status(LdrUnloadDll(hLibModule));
}

/* GetProcAddress: by name, or by ordinal when the "name" is below 0x10000 (MAKEINTRESOURCE). */
FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName)
{
	PVOID addr = NULL;
	NTSTATUS st;
	if (!hModule)
		hModule = GetModuleHandleW(NULL);
	if ((ULONG_PTR)lpProcName >> 16) {
		ANSI_STRING as;
		size_t n = strlen(lpProcName);
		as.Buffer = (PCHAR)lpProcName;
		as.Length = (USHORT)(n > 0xFFFE ? 0xFFFE : n);
		as.MaximumLength = as.Length;
		st = LdrGetProcedureAddress(hModule, &as, 0, &addr);
	} else {
		st = LdrGetProcedureAddress(hModule, NULL, (ULONG)(ULONG_PTR)lpProcName, &addr);
	}
	return k32_status(st) ? (FARPROC)addr : NULL;
}

/* DisableThreadLibraryCalls: no DLL_THREAD_* for this module. */
BOOL WINAPI DisableThreadLibraryCalls(HMODULE hLibModule)
{
	return k32_status(LdrDisableThreadCalloutsForDll(hLibModule));
}
