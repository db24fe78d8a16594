/*
 * libc/kernel32/k32_thread.h - what kernel32's thread files (thread.c,
 * tls.c, process_handle.c, time.c) take from ntdll (libc/ntdll/thread_create.c,
 * rtl_fls.c) and share.  Not installed.
 */
#ifndef LIBC_KERNEL32_THREAD_H
#define LIBC_KERNEL32_THREAD_H

#include "k32_private.h"

NTSTATUS NTAPI NtCreateThreadEx(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, HANDLE, PVOID, PVOID, ULONG, SIZE_T, SIZE_T,
				SIZE_T, PVOID);
NTSTATUS NTAPI NtTerminateThread(HANDLE, NTSTATUS);
NTSTATUS NTAPI NtSuspendThread(HANDLE, PULONG);
NTSTATUS NTAPI NtResumeThread(HANDLE, PULONG);
NTSTATUS NTAPI NtGetContextThread(HANDLE, PCONTEXT);
NTSTATUS NTAPI NtSetContextThread(HANDLE, PCONTEXT);
NTSTATUS NTAPI NtQueryInformationThread(HANDLE, THREADINFOCLASS, PVOID, ULONG, PULONG);
NTSTATUS NTAPI NtSetInformationThread(HANDLE, THREADINFOCLASS, PVOID, ULONG);
NTSTATUS NTAPI NtOpenThread(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PCLIENT_ID);
NTSTATUS NTAPI NtOpenProcess(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PCLIENT_ID);
NTSTATUS NTAPI NtQueryInformationProcess(HANDLE, PROCESSINFOCLASS, PVOID, ULONG, PULONG);
NTSTATUS NTAPI NtYieldExecution(void);
NTSTATUS NTAPI NtClose(HANDLE);
NTSTATUS NTAPI NtQuerySystemTime(PLARGE_INTEGER);
__attribute__((noreturn)) void NTAPI RtlExitUserThread(NTSTATUS);
NTSTATUS NTAPI RtlFlsAlloc(PFLS_CALLBACK_FUNCTION, PULONG);
NTSTATUS NTAPI RtlFlsFree(ULONG);
NTSTATUS NTAPI RtlFlsGetValue(ULONG, PVOID *);
NTSTATUS NTAPI RtlFlsSetValue(ULONG, PVOID);


/* process_handle.c: the kernel's PROCESS_BASIC_INFORMATION of h (a non-process: ERROR_INVALID_HANDLE). */
BOOL k32_process_info(HANDLE h, PROCESS_BASIC_INFORMATION *pbi);

/* thread.c: KERNEL_USER_TIMES into four FILETIMEs (ERROR_NOACCESS when one is NULL). */
BOOL k32_store_times(const struct abi_kernel_user_times *t, LPFILETIME create, LPFILETIME exit, LPFILETIME kernel,
		     LPFILETIME user);

#endif
