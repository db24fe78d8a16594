/*
 * libc/ntdll/rtl_sync.h - what ntdll's synchronization files share
 * (nt_sync.c, rtl_critsec.c, rtl_srw.c, rtl_condvar.c, rtl_wait.c,
 * rtl_sync_once.c).  Not installed.
 */
#ifndef LIBC_NTDLL_RTL_SYNC_H
#define LIBC_NTDLL_RTL_SYNC_H

#include "ntdll_private.h"

/* nt_sync.c: the kernel's address waits (kernel/syscall_abi.h 69, 70). */
NTSTATUS nt_wait_on_address(const volatile void *Address, const void *Compare, SIZE_T Size,
			    const LARGE_INTEGER *Timeout);
NTSTATUS nt_wake_address(const volatile void *Address, BOOLEAN All);

/* The caller's thread id (TEB ClientId.UniqueThread, gs:[0x48]): one load, no system call. */
static inline HANDLE rtl_current_thread_id(void)
{
	HANDLE id;
	__asm__("movq %%gs:0x48, %0" : "=r"(id));
	return id;
}

/* Exported Rtl* used across files. */
NTSTATUS NTAPI RtlEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
NTSTATUS NTAPI RtlLeaveCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
void NTAPI RtlAcquireSRWLockExclusive(PRTL_SRWLOCK Lock);
void NTAPI RtlAcquireSRWLockShared(PRTL_SRWLOCK Lock);
void NTAPI RtlReleaseSRWLockExclusive(PRTL_SRWLOCK Lock);
void NTAPI RtlReleaseSRWLockShared(PRTL_SRWLOCK Lock);

#endif
