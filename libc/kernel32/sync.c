/*
 * libc/kernel32/sync.c - events, mutexes and semaphores: kernel objects
 * created and opened through ntdll's NtCreateEvent/NtCreateMutant/
 * NtCreateSemaphore/NtOpen* (kernel/syscall_abi.h 57-65).  Handles are
 * ordinary kernel handles: CloseHandle is NtClose, the waits are in
 * sync_wait.c.
 *
 * Names: "Local\" is the default namespace and is dropped, "Global\" stays
 * part of the name (k32_object_attributes); "" is no name.  A Create on a
 * name an object of the same type holds returns a handle to that object
 * with ERROR_ALREADY_EXISTS (the other arguments ignored, as on Windows);
 * one of another type fails with ERROR_INVALID_HANDLE.  A successful Create
 * sets the last error to ERROR_SUCCESS.  Names longer than MAX_PATH:
 * ERROR_FILENAME_EXCED_RANGE.  Security attributes are accepted and
 * ignored; Open's bInheritHandle too (there is no CreateProcess to inherit).
 */
#include "k32_private.h"

NTSTATUS NTAPI NtCreateEvent(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, ULONG, BOOLEAN);
NTSTATUS NTAPI NtOpenEvent(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);
NTSTATUS NTAPI NtSetEvent(HANDLE, PLONG);
NTSTATUS NTAPI NtResetEvent(HANDLE, PLONG);
NTSTATUS NTAPI NtPulseEvent(HANDLE, PLONG);
NTSTATUS NTAPI NtCreateMutant(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, BOOLEAN);
NTSTATUS NTAPI NtOpenMutant(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);
NTSTATUS NTAPI NtReleaseMutant(HANDLE, PLONG);
NTSTATUS NTAPI NtCreateSemaphore(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, LONG, LONG);
NTSTATUS NTAPI NtOpenSemaphore(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);
NTSTATUS NTAPI NtReleaseSemaphore(HANDLE, LONG, PLONG);

/* A name argument in the kernel's form: its attributes, or FALSE with the last error set. */
struct sync_name {
	WCHAR buf[K32_OBJECT_NAME_CHARS + 24];
	UNICODE_STRING us;
	OBJECT_ATTRIBUTES oa;
};

static BOOL name_w(LPCWSTR name, struct sync_name *n)
{
	if (name && !name[0])
		name = NULL;
	if (name && k32_wcslen(name) > MAX_PATH) {
		SetLastError(ERROR_FILENAME_EXCED_RANGE);
		return FALSE;
	}
	k32_object_attributes(name, n->buf, &n->us, &n->oa);
	return TRUE;
}

/* An ANSI name through the code page into w (MAX_PATH + 2 units); FALSE with the last error set. */
static BOOL widen(LPCSTR name, WCHAR *w)
{
	if (!name || k32_to_wide(name, w, MAX_PATH + 2))
		return TRUE;
	SetLastError(ERROR_FILENAME_EXCED_RANGE);
	return FALSE;
}

/* The end of every Create: the handle, last error ERROR_ALREADY_EXISTS or ERROR_SUCCESS; NULL on failure. */
static HANDLE created(NTSTATUS st, HANDLE h)
{
	if (!NT_SUCCESS(st)) {
		SetLastError(RtlNtStatusToDosError(st));
		return NULL;
	}
	SetLastError(st == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return h;
}

/* The end of every Open: NULL name ERROR_INVALID_PARAMETER; not found ERROR_FILE_NOT_FOUND. */
typedef NTSTATUS(NTAPI *open_fn)(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);
static HANDLE open_named(open_fn fn, DWORD access, LPCWSTR name)
{
	struct sync_name n;
	if (!name) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!name_w(name, &n))
		return NULL;
	if (!n.oa.ObjectName) {	/* "" */
		SetLastError(ERROR_FILE_NOT_FOUND);
		return NULL;
	}
	HANDLE h = NULL;
	NTSTATUS st = fn(&h, access, &n.oa);
	if (!NT_SUCCESS(st)) {
		SetLastError(RtlNtStatusToDosError(st));
		return NULL;
	}
	return h;
}

/* ---- events ---- */

/* CreateEventExW: dwFlags CREATE_EVENT_MANUAL_RESET (1), CREATE_EVENT_INITIAL_SET (2); others ERROR_INVALID_PARAMETER. */
HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess)
{
	if (dwFlags & ~(DWORD)(CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	struct sync_name n;
	if (!name_w(lpName, &n))
		return NULL;
	HANDLE h = NULL;
	ULONG type = (dwFlags & CREATE_EVENT_MANUAL_RESET) ? ABI_NOTIFICATION_EVENT : ABI_SYNCHRONIZATION_EVENT;
	NTSTATUS st = NtCreateEvent(&h, dwDesiredAccess, &n.oa, type, (dwFlags & CREATE_EVENT_INITIAL_SET) != 0);
	return k32_inherit_sa(created(st, h), lpEventAttributes);
}

HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return CreateEventExW(lpEventAttributes, lpName ? w : NULL, dwFlags, dwDesiredAccess);
}

/* CreateEventW: manual- or auto-reset, initially signaled or not. */
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
			   LPCWSTR lpName)
{
	DWORD flags = (bManualReset ? CREATE_EVENT_MANUAL_RESET : 0) | (bInitialState ? CREATE_EVENT_INITIAL_SET : 0);
	return CreateEventExW(lpEventAttributes, lpName, flags, EVENT_ALL_ACCESS);
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
			   LPCSTR lpName)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return CreateEventW(lpEventAttributes, bManualReset, bInitialState, lpName ? w : NULL);
}

HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
	return k32_inherit(open_named(NtOpenEvent, dwDesiredAccess, lpName), bInheritHandle);
}

HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return OpenEventW(dwDesiredAccess, bInheritHandle, lpName ? w : NULL);
}

/* SetEvent / ResetEvent / PulseEvent: a handle that is not an event: ERROR_INVALID_HANDLE. */
BOOL WINAPI SetEvent(HANDLE hEvent)
{
	return k32_status(NtSetEvent(hEvent, NULL));
}

BOOL WINAPI ResetEvent(HANDLE hEvent)
{
	return k32_status(NtResetEvent(hEvent, NULL));
}

/* PulseEvent: releases the threads waiting now (manual: all, auto: one) and leaves the event reset. */
BOOL WINAPI PulseEvent(HANDLE hEvent)
{
	return k32_status(NtPulseEvent(hEvent, NULL));
}

/* ---- mutexes ---- */

/* CreateMutexExW: dwFlags CREATE_MUTEX_INITIAL_OWNER (1); other bits are ignored (as Wine does). */
HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess)
{
	struct sync_name n;
	if (!name_w(lpName, &n))
		return NULL;
	HANDLE h = NULL;
	NTSTATUS st = NtCreateMutant(&h, dwDesiredAccess, &n.oa, (dwFlags & CREATE_MUTEX_INITIAL_OWNER) != 0);
	return k32_inherit_sa(created(st, h), lpMutexAttributes);
}

HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return CreateMutexExW(lpMutexAttributes, lpName ? w : NULL, dwFlags, dwDesiredAccess);
}

/* CreateMutexW: owned by the caller (once) when bInitialOwner and the mutex is new. */
HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner, LPCWSTR lpName)
{
	return CreateMutexExW(lpMutexAttributes, lpName, bInitialOwner ? CREATE_MUTEX_INITIAL_OWNER : 0,
			      MUTEX_ALL_ACCESS);
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner, LPCSTR lpName)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return CreateMutexW(lpMutexAttributes, bInitialOwner, lpName ? w : NULL);
}

HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
	return k32_inherit(open_named(NtOpenMutant, dwDesiredAccess, lpName), bInheritHandle);
}

HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return OpenMutexW(dwDesiredAccess, bInheritHandle, lpName ? w : NULL);
}

/* ReleaseMutex: one level of the caller's ownership; not the owner: ERROR_NOT_OWNER. */
BOOL WINAPI ReleaseMutex(HANDLE hMutex)
{
	return k32_status(NtReleaseMutant(hMutex, NULL));
}

/* ---- semaphores ---- */

/* CreateSemaphoreExW: 0 <= initial <= maximum, maximum > 0 (else ERROR_INVALID_PARAMETER); dwFlags must be 0. */
HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
				 LONG lMaximumCount, LPCWSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess)
{
	if (dwFlags) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	struct sync_name n;
	if (!name_w(lpName, &n))
		return NULL;
	HANDLE h = NULL;
	NTSTATUS st = NtCreateSemaphore(&h, dwDesiredAccess, &n.oa, lInitialCount, lMaximumCount);
	return k32_inherit_sa(created(st, h), lpSemaphoreAttributes);
}

HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
				 LONG lMaximumCount, LPCSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return CreateSemaphoreExW(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName ? w : NULL, dwFlags,
				  dwDesiredAccess);
}

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount, LONG lMaximumCount,
			       LPCWSTR lpName)
{
	return CreateSemaphoreExW(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName, 0,
				  SEMAPHORE_ALL_ACCESS);
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount, LONG lMaximumCount,
			       LPCSTR lpName)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return CreateSemaphoreW(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName ? w : NULL);
}

HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
	return k32_inherit(open_named(NtOpenSemaphore, dwDesiredAccess, lpName), bInheritHandle);
}

HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
	WCHAR w[MAX_PATH + 2];
	if (!widen(lpName, w))
		return NULL;
	return OpenSemaphoreW(dwDesiredAccess, bInheritHandle, lpName ? w : NULL);
}

/* ReleaseSemaphore: adds lReleaseCount (> 0); past the maximum ERROR_TOO_MANY_POSTS, the count unchanged. */
BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount)
{
	return k32_status(NtReleaseSemaphore(hSemaphore, lReleaseCount, lpPreviousCount));
}
