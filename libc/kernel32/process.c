/*
 * libc/kernel32/process.c - this process and thread: ids and pseudo-handles
 * (from the TEB, as Windows), exit, start-up information, the command line
 * and the environment (both from PEB->ProcessParameters), Sleep.
 */
#include "k32_private.h"

HANDLE WINAPI GetCurrentProcess(void)
{
	return K32_CURRENT_PROCESS;
}

HANDLE WINAPI GetCurrentThread(void)
{
	return K32_CURRENT_THREAD;
}

/* GetCurrentProcessId: TEB->ClientId.UniqueProcess (ntdll sets it at start and after fork). */
DWORD WINAPI GetCurrentProcessId(void)
{
	return (DWORD)(ULONG_PTR)K32_TEB_CLIENT_ID(k32_teb()).UniqueProcess;
}

/* GetCurrentThreadId: TEB->ClientId.UniqueThread. */
DWORD WINAPI GetCurrentThreadId(void)
{
	return (DWORD)(ULONG_PTR)K32_TEB_CLIENT_ID(k32_teb()).UniqueThread;
}

/* ExitProcess: DLL_PROCESS_DETACH to every DLL (ntdll's RtlExitUserProcess), then the end. */
void WINAPI ExitProcess(UINT uExitCode)
{
	RtlExitUserProcess((NTSTATUS)uExitCode);
}

/* TerminateProcess: no DLL notifications.  Only the current process can be named (the kernel checks). */
BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode)
{
	if (!hProcess) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return k32_status(NtTerminateProcess(hProcess, (NTSTATUS)uExitCode));
}

BOOL WINAPI FlushInstructionCache(HANDLE hProcess, LPCVOID lpBaseAddress, SIZE_T dwSize)
{
	return k32_status(NtFlushInstructionCache(hProcess, (PVOID)lpBaseAddress, dwSize));
}

/* SleepEx: NtDelayExecution, relative; INFINITE sleeps ~49 days (nothing can wake it). Returns 0 (no APCs). */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
	LARGE_INTEGER t = { .QuadPart = -(LONGLONG)dwMilliseconds * 10000 };
	NtDelayExecution((BOOLEAN)bAlertable, &t);
	return 0;
}

void WINAPI Sleep(DWORD dwMilliseconds)
{
	SleepEx(dwMilliseconds, FALSE);
}

/* GetStartupInfoW: a console program's: no window settings, the standard handles. */
VOID WINAPI GetStartupInfoW(LPSTARTUPINFOW lpStartupInfo)
{
	struct k32_process_parameters *pp = k32_params();
	memset(lpStartupInfo, 0, sizeof(*lpStartupInfo));
	lpStartupInfo->cb = sizeof(*lpStartupInfo);
	lpStartupInfo->hStdInput = pp->StandardInput;
	lpStartupInfo->hStdOutput = pp->StandardOutput;
	lpStartupInfo->hStdError = pp->StandardError;
}

VOID WINAPI GetStartupInfoA(LPSTARTUPINFOA lpStartupInfo)
{
	STARTUPINFOW w;
	GetStartupInfoW(&w);
	memset(lpStartupInfo, 0, sizeof(*lpStartupInfo));
	lpStartupInfo->cb = sizeof(*lpStartupInfo);
	lpStartupInfo->hStdInput = w.hStdInput;
	lpStartupInfo->hStdOutput = w.hStdOutput;
	lpStartupInfo->hStdError = w.hStdError;
}

/* A buffer for strings kernel32 keeps for the process's life: from the process heap, as Windows' are. */
static void *keep_alloc(SIZE_T bytes)
{
	return RtlAllocateHeap(GetProcessHeap(), 0, bytes);	/* HeapAlloc is a forwarder to it (kernel32.def) */
}

/* GetCommandLineW: ProcessParameters->CommandLine, NUL-terminated (a copy when the kernel's is not). */
LPWSTR WINAPI GetCommandLineW(void)
{
	static WCHAR *line;
	if (line)
		return line;
	UNICODE_STRING *cl = &k32_params()->CommandLine;
	size_t n = cl->Length / sizeof(WCHAR);
	if (cl->Buffer && cl->MaximumLength > cl->Length && cl->Buffer[n] == 0)
		return line = cl->Buffer;
	static WCHAR empty[1];
	WCHAR *copy = keep_alloc((n + 1) * sizeof(WCHAR));
	if (!copy)
		return empty;
	if (n)
		memcpy(copy, cl->Buffer, n * sizeof(WCHAR));
	copy[n] = 0;
	return line = copy;
}

/* GetCommandLineA: the same through the ANSI code page (Windows-1252), converted once. */
LPSTR WINAPI GetCommandLineA(void)
{
	static char *line;
	static char empty[1];
	if (line)
		return line;
	const WCHAR *w = GetCommandLineW();
	int need = WideCharToMultiByte(CP_ACP, 0, w, -1, NULL, 0, NULL, NULL);
	char *a = need > 0 ? keep_alloc((SIZE_T)need) : NULL;
	if (!a || !WideCharToMultiByte(CP_ACP, 0, w, -1, a, need, NULL, NULL))
		return empty;
	return line = a;
}

/* The environment block ("NAME=value\0...\0\0", UTF-16): the kernel's, or an empty one. */
static const WCHAR *environment(void)
{
	static const WCHAR empty[2];
	const WCHAR *env = k32_params()->Environment;
	return env ? env : empty;
}

/*
 * GetEnvironmentVariableW: the value's length (without NUL) when it fits in
 * nSize characters, else the size needed (with NUL); 0 and
 * ERROR_ENVVAR_NOT_FOUND when unset.  Names compare case-insensitively (ASCII).
 */
DWORD WINAPI GetEnvironmentVariableW(LPCWSTR lpName, LPWSTR lpBuffer, DWORD nSize)
{
	size_t nlen = lpName ? k32_wcslen(lpName) : 0;
	for (const WCHAR *e = environment(); *e; e += k32_wcslen(e) + 1) {
		size_t i = 0;
		while (i < nlen && e[i]) {
			WCHAR a = e[i], b = lpName[i];
			if (a >= 'a' && a <= 'z')
				a -= 32;
			if (b >= 'a' && b <= 'z')
				b -= 32;
			if (a != b)
				break;
			i++;
		}
		if (i != nlen || e[i] != '=' || nlen == 0)
			continue;
		const WCHAR *v = e + nlen + 1;
		size_t vlen = k32_wcslen(v);
		if (vlen + 1 > nSize)
			return (DWORD)(vlen + 1);
		memcpy(lpBuffer, v, (vlen + 1) * sizeof(WCHAR));
		return (DWORD)vlen;
	}
	SetLastError(ERROR_ENVVAR_NOT_FOUND);
	return 0;
}

DWORD WINAPI GetEnvironmentVariableA(LPCSTR lpName, LPSTR lpBuffer, DWORD nSize)
{
	WCHAR wname[256];
	if (!lpName || !k32_to_wide(lpName, wname, 256)) {
		SetLastError(ERROR_ENVVAR_NOT_FOUND);
		return 0;
	}
	DWORD n = GetEnvironmentVariableW(wname, NULL, 0);
	if (!n)
		return 0;
	WCHAR *w = keep_alloc(n * sizeof(WCHAR));
	if (!w) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return 0;
	}
	GetEnvironmentVariableW(wname, w, n);
	int need = WideCharToMultiByte(CP_ACP, 0, w, -1, NULL, 0, NULL, NULL);
	DWORD ret;
	if ((DWORD)need > nSize)
		ret = (DWORD)need;
	else
		ret = (DWORD)WideCharToMultiByte(CP_ACP, 0, w, -1, lpBuffer, (int)nSize, NULL, NULL) - 1;
	VirtualFree(w, 0, MEM_RELEASE);
	return ret;
}

/* GetEnvironmentStringsW: the block itself (FreeEnvironmentStringsW does nothing with it). */
LPWCH WINAPI GetEnvironmentStringsW(void)
{
	return (LPWCH)environment();
}

BOOL WINAPI FreeEnvironmentStringsW(LPWCH penv)
{
	(void)penv;
	return TRUE;
}

/* GetEnvironmentStrings (the A form): the block through the ANSI code page, converted once. */
LPCH WINAPI GetEnvironmentStrings(void)
{
	static char *block;
	static char empty[2];
	if (block)
		return block;
	const WCHAR *w = environment();
	size_t n = 0;
	while (w[n] || w[n + 1])
		n++;
	n += 2;	/* the two final NULs */
	int need = WideCharToMultiByte(CP_ACP, 0, w, (int)n, NULL, 0, NULL, NULL);
	char *a = need > 0 ? keep_alloc((SIZE_T)need) : NULL;
	if (!a || !WideCharToMultiByte(CP_ACP, 0, w, (int)n, a, need, NULL, NULL))
		return empty;
	return block = a;
}

BOOL WINAPI FreeEnvironmentStringsA(LPCH penv)
{
	(void)penv;
	return TRUE;
}
