/*
 * libc/kernel32/k32_private.h - kernel32.dll internals: headers, ntdll's
 * exports that no MinGW header declares, the NTSTATUS -> last-error helpers,
 * and the handle kinds kernel32 itself implements.  Not installed.
 */
#ifndef LIBC_KERNEL32_PRIVATE_H
#define LIBC_KERNEL32_PRIVATE_H

/* We define the functions the headers declare as imports (WINBASEAPI). */
#define _KERNEL32_
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#include <winternl.h>
#include <string.h>

#include "kernel/syscall_abi.h"

/* ---- ntdll.dll (libc/ntdll/ntdll.def) ---- */
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE, PVOID *, ULONG_PTR, PSIZE_T, ULONG, ULONG);
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE, PVOID *, PSIZE_T, ULONG);
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE, PVOID *, PSIZE_T, ULONG, PULONG);
NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE, PVOID, ULONG, PVOID, SIZE_T, PSIZE_T);
NTSTATUS NTAPI NtGetWriteWatch(HANDLE, ULONG, PVOID, SIZE_T, PVOID *, PULONG_PTR, PULONG);
NTSTATUS NTAPI NtResetWriteWatch(HANDLE, PVOID, SIZE_T);
NTSTATUS NTAPI NtAllocateUserPhysicalPages(HANDLE, PULONG_PTR, PULONG_PTR);
NTSTATUS NTAPI NtMapUserPhysicalPages(PVOID, ULONG_PTR, PULONG_PTR);
NTSTATUS NTAPI NtMapUserPhysicalPagesScatter(PVOID *, ULONG_PTR, PULONG_PTR);
NTSTATUS NTAPI NtFreeUserPhysicalPages(HANDLE, PULONG_PTR, PULONG_PTR);
NTSTATUS NTAPI NtLockVirtualMemory(HANDLE, PVOID *, PSIZE_T, ULONG);
NTSTATUS NTAPI NtUnlockVirtualMemory(HANDLE, PVOID *, PSIZE_T, ULONG);
NTSTATUS NTAPI NtFlushInstructionCache(HANDLE, PVOID, SIZE_T);
NTSTATUS NTAPI NtCreateSection(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PLARGE_INTEGER, ULONG, ULONG, HANDLE);
NTSTATUS NTAPI NtOpenSection(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);
NTSTATUS NTAPI NtMapViewOfSection(HANDLE, HANDLE, PVOID *, ULONG_PTR, SIZE_T, PLARGE_INTEGER, PSIZE_T, ULONG, ULONG,
				  ULONG);
NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE, PVOID);
NTSTATUS NTAPI NtTerminateProcess(HANDLE, NTSTATUS);
NTSTATUS NTAPI NtDelayExecution(BOOLEAN, PLARGE_INTEGER);
ULONG NTAPI NtGetTickCount(void);
NTSTATUS NTAPI NtQueryPerformanceCounter(PLARGE_INTEGER, PLARGE_INTEGER);
NTSTATUS NTAPI MmWriteConsole(const char *Buffer, SIZE_T Length);
NTSTATUS NTAPI MmQueryMemoryStatus(struct abi_memory_status *Out);
ULONGLONG NTAPI MmGetTickCount64(void);
NTSTATUS NTAPI LdrLoadDll(PWSTR, PULONG, PUNICODE_STRING, PVOID *);
NTSTATUS NTAPI LdrUnloadDll(PVOID);
NTSTATUS NTAPI LdrGetDllHandle(PWSTR, PULONG, PUNICODE_STRING, PVOID *);
NTSTATUS NTAPI LdrGetProcedureAddress(PVOID, PANSI_STRING, ULONG, PVOID *);
NTSTATUS NTAPI LdrFindEntryForAddress(PVOID, PLDR_DATA_TABLE_ENTRY *);
NTSTATUS NTAPI LdrAddRefDll(ULONG, PVOID);
NTSTATUS NTAPI LdrDisableThreadCalloutsForDll(PVOID);
__attribute__((noreturn)) void NTAPI RtlExitUserProcess(NTSTATUS);
NTSTATUS NTAPI RtlInitializeCriticalSectionEx(PRTL_CRITICAL_SECTION, ULONG, ULONG);
NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW);
NTSTATUS NTAPI NtReadFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG, PLARGE_INTEGER, PULONG);
NTSTATUS NTAPI NtWriteFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG, PLARGE_INTEGER, PULONG);
NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG,
				    FILE_INFORMATION_CLASS, BOOLEAN, PUNICODE_STRING, BOOLEAN);
NTSTATUS NTAPI NtFlushBuffersFile(HANDLE, PIO_STATUS_BLOCK);
NTSTATUS NTAPI NtLockFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PLARGE_INTEGER, PLARGE_INTEGER, ULONG,
			  BOOLEAN, BOOLEAN);
NTSTATUS NTAPI NtUnlockFile(HANDLE, PIO_STATUS_BLOCK, PLARGE_INTEGER, PLARGE_INTEGER, ULONG);
NTSTATUS NTAPI NtQueryFullAttributesFile(POBJECT_ATTRIBUTES, PVOID);
NTSTATUS NTAPI MmDeleteFile(POBJECT_ATTRIBUTES, ULONG);
NTSTATUS NTAPI MmGetFullPathName(PCWSTR, PWSTR, ULONG, PULONG);
NTSTATUS NTAPI MmDosPathToNtPath(PCWSTR, PWSTR, ULONG, PULONG);
ULONG NTAPI RtlGetCurrentDirectory_U(ULONG, PWSTR);
NTSTATUS NTAPI RtlSetCurrentDirectory_U(PUNICODE_STRING);

/* h made inheritable when inherit (libc/kernel32/process_handle.c); h returned, the last error kept. */
HANDLE k32_inherit(HANDLE h, BOOL inherit);
/* The same for a call's SECURITY_ATTRIBUTES (NULL: not inheritable). */
#define k32_inherit_sa(h, sa) k32_inherit((h), (sa) && (sa)->bInheritHandle)

#define K32_CURRENT_PROCESS ((HANDLE)(LONG_PTR)-1)
#define K32_CURRENT_THREAD ((HANDLE)(LONG_PTR)-2)

/* The TEB (gs:[0x30]); MinGW's NtCurrentTeb() trips GCC 12's -Warray-bounds. */
static inline TEB *k32_teb(void)
{
	TEB *t;
	__asm__("movq %%gs:0x30, %0" : "=r"(t));
	return t;
}

static inline PEB *k32_peb(void)
{
	return k32_teb()->ProcessEnvironmentBlock;
}

/* RTL_USER_PROCESS_PARAMETERS as Windows lays it out (<winternl.h> shows two fields). */
struct k32_process_parameters {
	ULONG MaximumLength, Length, Flags, DebugFlags;
	HANDLE ConsoleHandle;
	ULONG ConsoleFlags;
	HANDLE StandardInput, StandardOutput, StandardError;	/* +0x20 +0x28 +0x30 */
	UNICODE_STRING CurrentDirectoryPath;
	HANDLE CurrentDirectoryHandle;
	UNICODE_STRING DllPath;
	UNICODE_STRING ImagePathName;				/* +0x60 */
	UNICODE_STRING CommandLine;				/* +0x70 */
	PVOID Environment;					/* +0x80 */
};

static inline struct k32_process_parameters *k32_params(void)
{
	return (struct k32_process_parameters *)k32_peb()->ProcessParameters;
}

#define K32_TEB_CLIENT_ID(t) (*(CLIENT_ID *)((char *)(t) + 0x40))
#define K32_PEB_FIELD(p, off, type) (*(type *)((char *)(p) + (off)))

/*
 * As the old libc did: a failing NTSTATUS (any nonzero status) becomes
 * GetLastError() = RtlNtStatusToDosError(status); returns TRUE for STATUS_SUCCESS.
 */
BOOL k32_status(NTSTATUS status);
/* The same where informational statuses are successes (NT_SUCCESS): locking, working-set limits. */
BOOL k32_nt_ok(NTSTATUS status);

/*
 * Handles kernel32 implements itself: the console's.  Kernel handles are
 * multiples of 4; console handles have both low bits set (3, 7, 11: stdin,
 * stdout, stderr).
 */
#define K32_IS_CONSOLE(h) ((ULONG_PTR)(h) == 3 || (ULONG_PTR)(h) == 7 || (ULONG_PTR)(h) == 11)

/* section.c: "\\BaseNamedObjects\\<name less Local\\>" in buf (K32_OBJECT_NAME_CHARS + 24 units) and its attributes. */
#define K32_OBJECT_NAME_CHARS 300
POBJECT_ATTRIBUTES k32_object_attributes(LPCWSTR name, WCHAR *buf, UNICODE_STRING *us, OBJECT_ATTRIBUTES *oa);

/* sync_wait.c: a wait's timeout from milliseconds (NULL for INFINITE, else *t, relative 100 ns units). */
const LARGE_INTEGER *k32_timeout(DWORD ms, LARGE_INTEGER *t);

/* wcslen: kernel32 has no C runtime. */
static inline size_t k32_wcslen(const WCHAR *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* nls.c: code-page conversions kernel32's A functions use (CP_ACP). */
UINT k32_file_cp(void);	/* CP_ACP, or CP_OEMCP after SetFileApisToOEM */
int k32_to_wide(const char *s, WCHAR *buf, int size);	/* NUL included; 0 when it does not fit */
int k32_to_ansi(const WCHAR *s, char *buf, int size);

/*
 * file_path.c: a path argument as the kernel wants it ("\??\C:\..." in
 * OBJECT_ATTRIBUTES).  k32_path_w/_a set the last error and return FALSE
 * for NULL or "" (ERROR_PATH_NOT_FOUND) or a path too long
 * (ERROR_FILENAME_EXCED_RANGE).  K32_PATH_MAX units, NUL included.
 */
#define K32_PATH_MAX 1032
struct k32_path {
	WCHAR buf[K32_PATH_MAX];
	UNICODE_STRING us;
	OBJECT_ATTRIBUTES oa;
};
BOOL k32_path_w(LPCWSTR name, struct k32_path *p);
BOOL k32_path_a(LPCSTR name, struct k32_path *p);
/* An A argument as UTF-16 (CP_ACP) into buf (K32_PATH_MAX units); FALSE with the last error set. */
BOOL k32_name_a(LPCSTR name, WCHAR *buf);
/* A UTF-16 result as ANSI into buf of size bytes: the Win32 "length or size needed" convention. */
DWORD k32_result_a(const WCHAR *w, DWORD wlen, LPSTR buf, DWORD size);

/* file_io.c: ReadFile/WriteFile on handles that are not the console's. */
BOOL k32_file_read(HANDLE h, LPVOID buf, DWORD n, LPDWORD done, LPOVERLAPPED ov);
BOOL k32_file_write(HANDLE h, LPCVOID buf, DWORD n, LPDWORD done, LPOVERLAPPED ov);
DWORD k32_file_type(HANDLE h);

#endif
