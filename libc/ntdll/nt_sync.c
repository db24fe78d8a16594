/*
 * libc/ntdll/nt_sync.c - the synchronization system calls with Windows'
 * signatures (kernel/syscall_abi.h 57-70): events, mutants, semaphores,
 * waits, yielding, and the address waits RtlWaitOnAddress is built on.
 *
 * Windows passes object names in OBJECT_ATTRIBUTES (UTF-16, under
 * "\BaseNamedObjects\"); the kernel takes them as ASCII byte strings in the
 * namespace sections use (nt_object_name).  Windows' DesiredAccess is
 * dropped on create (the handle gets every right) and passed on open.
 * Timeouts are Windows' PLARGE_INTEGER (NULL: infinite; negative:
 * relative, 100 ns units; positive: absolute), which is the kernel's
 * const LONG64 * as it is.
 */
#include "ntdll_private.h"
#include "rtl_sync.h"

/* Create: the name converted, then the call; name errors change nothing. */
#define WITH_NAME(oa, call_with_name_len)                               \
	do {                                                            \
		char name_[NT_OBJECT_NAME_MAX];                         \
		SIZE_T len_;                                            \
		NTSTATUS st_ = nt_object_name((oa), name_, &len_);      \
		if (!NT_SUCCESS(st_))                                   \
			return st_;                                     \
		const char *name = len_ ? name_ : NULL;                 \
		SIZE_T name_len = len_;                                 \
		return NTCALL(call_with_name_len);                      \
	} while (0)

/*
 * NtCreateEvent: EventType NotificationEvent (0, manual reset) or
 * SynchronizationEvent (1, auto reset); others STATUS_INVALID_PARAMETER.
 * STATUS_OBJECT_NAME_EXISTS (a success): a handle to the existing event.
 */
NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			     ULONG EventType, BOOLEAN InitialState)
{
	(void)DesiredAccess;
	if (EventType != ABI_NOTIFICATION_EVENT && EventType != ABI_SYNCHRONIZATION_EVENT)
		return STATUS_INVALID_PARAMETER;
	WITH_NAME(ObjectAttributes,
		  SYSCALL6(SYS_NtCreateEvent, EventHandle, EventType, InitialState ? 1 : 0, name, name_len, 0));
}

/* Opens a named object of one type (ABI_OBJ_*); no name: STATUS_OBJECT_NAME_INVALID. */
static NTSTATUS open_object(PHANDLE out, ULONG type, ACCESS_MASK access, POBJECT_ATTRIBUTES oa)
{
	char name[NT_OBJECT_NAME_MAX];
	SIZE_T len;
	NTSTATUS st = nt_object_name(oa, name, &len);
	if (!NT_SUCCESS(st))
		return st;
	if (!len)
		return STATUS_OBJECT_NAME_INVALID;
	return NTCALL(SYSCALL6(SYS_NtOpenObject, out, type, access, name, len, 0));
}

/* NtOpenEvent / NtOpenMutant / NtOpenSemaphore: STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_TYPE_MISMATCH. */
NTSTATUS NTAPI NtOpenEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
	return open_object(EventHandle, ABI_OBJ_EVENT, DesiredAccess, ObjectAttributes);
}

NTSTATUS NTAPI NtOpenMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
	return open_object(MutantHandle, ABI_OBJ_MUTANT, DesiredAccess, ObjectAttributes);
}

NTSTATUS NTAPI NtOpenSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
	return open_object(SemaphoreHandle, ABI_OBJ_SEMAPHORE, DesiredAccess, ObjectAttributes);
}

/* NtSetEvent / NtResetEvent / NtPulseEvent: *PreviousState (optional) the state before. */
NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState)
{
	return NTCALL(SYSCALL2(SYS_NtSetEvent, EventHandle, PreviousState));
}

NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState)
{
	return NTCALL(SYSCALL2(SYS_NtResetEvent, EventHandle, PreviousState));
}

/* NtClearEvent: NtResetEvent without the previous state. */
NTSTATUS NTAPI NtClearEvent(HANDLE EventHandle)
{
	return NTCALL(SYSCALL2(SYS_NtResetEvent, EventHandle, NULL));
}

NTSTATUS NTAPI NtPulseEvent(HANDLE EventHandle, PLONG PreviousState)
{
	return NTCALL(SYSCALL2(SYS_NtPulseEvent, EventHandle, PreviousState));
}

/* NtCreateMutant: owned by the caller when InitialOwner. */
NTSTATUS NTAPI NtCreateMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			      BOOLEAN InitialOwner)
{
	(void)DesiredAccess;
	WITH_NAME(ObjectAttributes, SYSCALL6(SYS_NtCreateMutant, MutantHandle, InitialOwner ? 1 : 0, name, name_len, 0, 0));
}

/* NtReleaseMutant: STATUS_MUTANT_NOT_OWNED when the caller does not own it. */
NTSTATUS NTAPI NtReleaseMutant(HANDLE MutantHandle, PLONG PreviousCount)
{
	return NTCALL(SYSCALL2(SYS_NtReleaseMutant, MutantHandle, PreviousCount));
}

/* NtCreateSemaphore: 0 <= InitialCount <= MaximumCount, MaximumCount > 0 (else STATUS_INVALID_PARAMETER). */
NTSTATUS NTAPI NtCreateSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
				 POBJECT_ATTRIBUTES ObjectAttributes, LONG InitialCount, LONG MaximumCount)
{
	(void)DesiredAccess;
	WITH_NAME(ObjectAttributes, SYSCALL6(SYS_NtCreateSemaphore, SemaphoreHandle, InitialCount, MaximumCount, name,
					     name_len, 0));
}

/* NtReleaseSemaphore: STATUS_SEMAPHORE_LIMIT_EXCEEDED past the maximum (the count unchanged). */
NTSTATUS NTAPI NtReleaseSemaphore(HANDLE SemaphoreHandle, LONG ReleaseCount, PLONG PreviousCount)
{
	return NTCALL(SYSCALL3(SYS_NtReleaseSemaphore, SemaphoreHandle, ReleaseCount, PreviousCount));
}

/*
 * NtWaitForMultipleObjects: WaitAll (0) or WaitAny (1); STATUS_WAIT_0 + i,
 * STATUS_ABANDONED_WAIT_0 + i, STATUS_TIMEOUT; Alertable is passed on (the
 * kernel has no APCs, so nothing ever returns STATUS_USER_APC).
 */
NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, const HANDLE *Handles, ULONG WaitType, BOOLEAN Alertable,
					const LARGE_INTEGER *Timeout)
{
	return NTCALL(SYSCALL6(SYS_NtWaitForMultipleObjects, Count, Handles, WaitType, Alertable ? 1 : 0, Timeout, 0));
}

NTSTATUS NTAPI NtWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
	return NTCALL(SYSCALL3(SYS_NtWaitForSingleObject, Handle, Alertable ? 1 : 0, Timeout));
}

/* NtYieldExecution: STATUS_NO_YIELD_PERFORMED when no other thread was ready to run. */
NTSTATUS NTAPI NtYieldExecution(void)
{
	return NTCALL(SYSCALL0(SYS_NtYieldExecution));
}

/*
 * nt_wait_on_address: sleeps while the Size bytes at Address equal
 * *Compare (the kernel compares atomically with going to sleep).  Not a
 * Windows export: RtlWaitOnAddress and the locks of rtl_*.c use it.
 */
NTSTATUS nt_wait_on_address(const volatile void *Address, const void *Compare, SIZE_T Size,
			    const LARGE_INTEGER *Timeout)
{
	return NTCALL(SYSCALL6(SYS_NtWaitOnAddress, Address, Compare, Size, Timeout, 0, 0));
}

/* nt_wake_address: wakes one (All FALSE) or every thread of the process sleeping on Address. */
NTSTATUS nt_wake_address(const volatile void *Address, BOOLEAN All)
{
	return NTCALL(SYSCALL2(SYS_NtWakeAddress, Address, All ? 1 : 0));
}
