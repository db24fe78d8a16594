/*
 * libc/kernel32/process_create.c - CreateProcessA/W: a program file of C:
 * started with a command line (ntdll's MmCreateProcess, the kernel's
 * NtCreateProcess: a path is that file, a bare name is looked for in C:\,
 * then among the boot modules), and PROCESS_INFORMATION with handles to the
 * new process and its main thread (made by the kernel before the process
 * runs, so they exist even when it ends at once).  bInheritHandles: the
 * caller's handles marked HANDLE_FLAG_INHERIT are in the child at the same
 * values.  Not supported (ERROR_NOT_SUPPORTED): CREATE_SUSPENDED, an
 * environment block, a current directory other than C:\; the start-up
 * information is not passed on.
 */
#include "k32_thread.h"

NTSTATUS NTAPI MmCreateProcessEx(const char *ModuleName, const char *CommandLine, PULONG ProcessId,
				 struct abi_process_handles *Handles);
PVOID NTAPI RtlAllocateHeap(PVOID, ULONG, SIZE_T);	/* HeapAlloc is ntdll's (kernel32.def forwards it) */
BOOLEAN NTAPI RtlFreeHeap(PVOID, ULONG, PVOID);

#define NAME_MAX_BYTES MAX_PATH	/* the kernel's limit for a program's name or path, with the NUL */

/*
 * The program's name from the command line's first token (quoted, or up to
 * the first blank), ".exe" added when the name has no extension; FALSE when
 * it is empty or too long.
 */
static BOOL first_token(const char *cmd, char *out, size_t size)
{
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	BOOL quoted = *cmd == '"';
	cmd += quoted;
	size_t n = 0;
	for (; *cmd && (quoted ? *cmd != '"' : *cmd != ' ' && *cmd != '\t'); cmd++) {
		if (n + 1 >= size)
			return FALSE;
		out[n++] = *cmd;
	}
	out[n] = '\0';
	size_t base = 0;
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\\' || out[i] == '/' || out[i] == ':')
			base = i + 1;
	if (base == n)
		return FALSE;
	if (!strchr(out + base, '.')) {
		if (n + 5 > size)
			return FALSE;
		strcpy(out + n, ".exe");
	}
	return TRUE;
}

/* Is s "C:\\" (either case of the letter, with or without the separator)? */
static BOOL is_c_root(const char *s)
{
	return (s[0] == 'C' || s[0] == 'c') && s[1] == ':' && (!s[2] || ((s[2] == '\\' || s[2] == '/') && !s[3]));
}

BOOL WINAPI CreateProcessA(LPCSTR lpApplicationName, LPSTR lpCommandLine, LPSECURITY_ATTRIBUTES lpProcessAttributes,
			   LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles, DWORD dwCreationFlags,
			   LPVOID lpEnvironment, LPCSTR lpCurrentDirectory, LPSTARTUPINFOA lpStartupInfo,
			   LPPROCESS_INFORMATION lpProcessInformation)
{
	(void)lpStartupInfo;
	if (!lpProcessInformation || (!lpApplicationName && !lpCommandLine)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if ((dwCreationFlags & CREATE_SUSPENDED) || lpEnvironment ||
	    (lpCurrentDirectory && !is_c_root(lpCurrentDirectory))) {
		SetLastError(ERROR_NOT_SUPPORTED);
		return FALSE;
	}
	char name[NAME_MAX_BYTES];
	if (lpApplicationName) {
		if (strlen(lpApplicationName) >= sizeof(name)) {
			SetLastError(ERROR_FILENAME_EXCED_RANGE);
			return FALSE;
		}
		strcpy(name, lpApplicationName);	/* as given: Windows adds no extension to it */
	} else if (!first_token(lpCommandLine, name, sizeof(name))) {
		SetLastError(ERROR_FILE_NOT_FOUND);
		return FALSE;
	}
	ULONG pid = 0;
	struct abi_process_handles h = { .flags = bInheritHandles ? ABI_CREATE_INHERIT_HANDLES : 0 };
	if (!k32_status(MmCreateProcessEx(name, lpCommandLine ? lpCommandLine : lpApplicationName, &pid, &h)))
		return FALSE;
	*lpProcessInformation = (PROCESS_INFORMATION){ k32_inherit_sa((HANDLE)h.process, lpProcessAttributes),
						       k32_inherit_sa((HANDLE)h.thread, lpThreadAttributes), pid, h.tid };
	return TRUE;
}

/* UTF-16 to ASCII (FALSE for anything else or too long); NULL stays NULL. */
static BOOL narrow(LPCWSTR w, char *out, size_t size, char **res)
{
	*res = NULL;
	if (!w)
		return TRUE;
	size_t n = 0;
	for (; w[n]; n++) {
		if (w[n] > 0x7f || n + 1 >= size)
			return FALSE;
		out[n] = (char)w[n];
	}
	out[n] = '\0';
	*res = out;
	return TRUE;
}

BOOL WINAPI CreateProcessW(LPCWSTR lpApplicationName, LPWSTR lpCommandLine, LPSECURITY_ATTRIBUTES lpProcessAttributes,
			   LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles, DWORD dwCreationFlags,
			   LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory, LPSTARTUPINFOW lpStartupInfo,
			   LPPROCESS_INFORMATION lpProcessInformation)
{
	(void)lpStartupInfo;
	char app[MAX_PATH], dir[MAX_PATH], *a, *d, *c;
	size_t len = 0;
	while (lpCommandLine && lpCommandLine[len])
		len++;
	char *cmd = RtlAllocateHeap(GetProcessHeap(), 0, len + 1);
	if (!cmd) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return FALSE;
	}
	BOOL ok = narrow(lpApplicationName, app, sizeof(app), &a) && narrow(lpCurrentDirectory, dir, sizeof(dir), &d) &&
		  narrow(lpCommandLine, cmd, len + 1, &c);
	if (!ok)
		SetLastError(ERROR_INVALID_PARAMETER);	/* the kernel's names are ASCII */
	else
		ok = CreateProcessA(a, c, lpProcessAttributes, lpThreadAttributes, bInheritHandles, dwCreationFlags,
				    lpEnvironment, d, NULL, lpProcessInformation);
	DWORD err = GetLastError();
	RtlFreeHeap(GetProcessHeap(), 0, cmd);
	SetLastError(err);
	return ok;
}
