/*
 * libc/kernel32/console.c - the standard handles and output.  The console
 * is the console log (the serial line): the standard handles are
 * console pseudo-handles (3, 7, 11, ntdll puts them in the process
 * parameters).  It is a character device that is not a console window:
 * GetFileType says FILE_TYPE_CHAR and GetConsoleMode fails, as for a serial
 * port on Windows; WriteFile and WriteConsole write to it; reading finds
 * end of file (there is no input).
 */
#include "k32_private.h"

#define CONSOLE_STDIN ((HANDLE)(ULONG_PTR)3)

/* GetStdHandle: the process parameters' handles. */
HANDLE WINAPI GetStdHandle(DWORD nStdHandle)
{
	struct k32_process_parameters *pp = k32_params();
	switch (nStdHandle) {
	case STD_INPUT_HANDLE: return pp->StandardInput;
	case STD_OUTPUT_HANDLE: return pp->StandardOutput;
	case STD_ERROR_HANDLE: return pp->StandardError;
	}
	SetLastError(ERROR_INVALID_HANDLE);
	return INVALID_HANDLE_VALUE;
}

/* SetStdHandle: replaces one of them. */
BOOL WINAPI SetStdHandle(DWORD nStdHandle, HANDLE hHandle)
{
	struct k32_process_parameters *pp = k32_params();
	switch (nStdHandle) {
	case STD_INPUT_HANDLE: pp->StandardInput = hHandle; return TRUE;
	case STD_OUTPUT_HANDLE: pp->StandardOutput = hHandle; return TRUE;
	case STD_ERROR_HANDLE: pp->StandardError = hHandle; return TRUE;
	}
	SetLastError(ERROR_INVALID_HANDLE);
	return FALSE;
}

/* TRUE for a console handle that can be written (stdout, stderr). */
static BOOL console_out(HANDLE h)
{
	return K32_IS_CONSOLE(h) && h != CONSOLE_STDIN;
}

/* Writes n bytes to the console log. */
static BOOL console_write(const void *buf, DWORD n, LPDWORD written)
{
	if (n && !k32_status(MmWriteConsole(buf, n)))
		return FALSE;
	if (written)
		*written = n;
	return TRUE;
}

/* WriteFile: the console here, files in file_io.c; overlapped I/O on the console is not supported. */
BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite, LPDWORD lpNumberOfBytesWritten,
		      LPOVERLAPPED lpOverlapped)
{
	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = 0;
	if (!K32_IS_CONSOLE(hFile))
		return k32_file_write(hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten, lpOverlapped);
	if (!console_out(hFile)) {
		SetLastError(ERROR_ACCESS_DENIED);
		return FALSE;
	}
	if (lpOverlapped) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return console_write(lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten);
}

/* ReadFile: files in file_io.c; the console has no input: 0 bytes (end of file) from stdin. */
BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead,
		     LPOVERLAPPED lpOverlapped)
{
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = 0;
	if (!K32_IS_CONSOLE(hFile))
		return k32_file_read(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped);
	if (hFile != CONSOLE_STDIN) {
		SetLastError(ERROR_ACCESS_DENIED);
		return FALSE;
	}
	if (lpOverlapped) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return TRUE;
}

/* WriteConsoleA: the bytes as they are. */
BOOL WINAPI WriteConsoleA(HANDLE hConsoleOutput, CONST VOID *lpBuffer, DWORD nNumberOfCharsToWrite,
			  LPDWORD lpNumberOfCharsWritten, LPVOID lpReserved)
{
	(void)lpReserved;
	if (!console_out(hConsoleOutput)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return console_write(lpBuffer, nNumberOfCharsToWrite, lpNumberOfCharsWritten);
}

/* WriteConsoleW: UTF-16 to the log as UTF-8, in pieces; *written counts UTF-16 units. */
BOOL WINAPI WriteConsoleW(HANDLE hConsoleOutput, CONST VOID *lpBuffer, DWORD nNumberOfCharsToWrite,
			  LPDWORD lpNumberOfCharsWritten, LPVOID lpReserved)
{
	(void)lpReserved;
	if (!console_out(hConsoleOutput)) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	const WCHAR *w = lpBuffer;
	DWORD done = 0;
	while (done < nNumberOfCharsToWrite) {
		char buf[512];
		DWORD chunk = nNumberOfCharsToWrite - done;
		if (chunk > 128)
			chunk = 128;
		if (chunk > 1 && w[done + chunk - 1] >= 0xD800 && w[done + chunk - 1] < 0xDC00)
			chunk--;	/* keep a surrogate pair together */
		int n = WideCharToMultiByte(CP_UTF8, 0, w + done, (int)chunk, buf, sizeof(buf), NULL, NULL);
		if (n <= 0 || !console_write(buf, (DWORD)n, NULL))
			return FALSE;
		done += chunk;
	}
	if (lpNumberOfCharsWritten)
		*lpNumberOfCharsWritten = done;
	return TRUE;
}

/* GetConsoleMode: the log is not a console window. */
BOOL WINAPI GetConsoleMode(HANDLE hConsoleHandle, LPDWORD lpMode)
{
	(void)hConsoleHandle;
	(void)lpMode;
	SetLastError(ERROR_INVALID_HANDLE);
	return FALSE;
}

/* GetFileType: FILE_TYPE_CHAR for the console handles, FILE_TYPE_DISK for files, else FILE_TYPE_UNKNOWN and ERROR_INVALID_HANDLE. */
DWORD WINAPI GetFileType(HANDLE hFile)
{
	if (K32_IS_CONSOLE(hFile))
		return FILE_TYPE_CHAR;
	if (hFile == INVALID_HANDLE_VALUE || !hFile) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FILE_TYPE_UNKNOWN;
	}
	return k32_file_type(hFile);
}

/* OutputDebugStringA: to the console log (there is no debugger). */
void WINAPI OutputDebugStringA(LPCSTR lpOutputString)
{
	if (lpOutputString)
		MmWriteConsole(lpOutputString, strlen(lpOutputString));
}

void WINAPI OutputDebugStringW(LPCWSTR lpOutputString)
{
	if (lpOutputString)
		WriteConsoleW((HANDLE)(ULONG_PTR)11, lpOutputString, (DWORD)k32_wcslen(lpOutputString), NULL, NULL);
}
