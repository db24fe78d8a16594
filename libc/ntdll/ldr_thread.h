/*
 * libc/ntdll/ldr_thread.h - threads in ntdll (docs/threads.md "Threads in
 * user mode"): the list of live threads (one record per TEB), the loader
 * lock, per-thread static TLS and FLS, and the hooks between
 * thread_create.c, thread_list.c, ldr_tls.c, rtl_fls.c and the loader.
 * Not installed.
 *
 * Locks: the loader lock (PEB->LoaderLock, an RTL_CRITICAL_SECTION) guards
 * the module list, DllMain/TLS-callback calls and the static TLS indexes;
 * the thread lock guards the thread list, each record's TLS array and the
 * FLS slot table.  Order: loader lock, then thread lock; nothing that
 * calls out of ntdll (DllMain, callbacks) runs under the thread lock.
 */
#ifndef LIBC_NTDLL_LDR_THREAD_H
#define LIBC_NTDLL_LDR_THREAD_H

#include "ntdll_private.h"

/* More TEB/PEB fields (Windows x64 offsets). */
#define TEB_STACK_BASE(t)          FIELD_AT(t, 0x08, PVOID)
#define TEB_STACK_LIMIT(t)         FIELD_AT(t, 0x10, PVOID)
#define TEB_TLS_SLOTS(t)           ((PVOID *)((char *)(t) + 0x1480))
#define TEB_DEALLOCATION_STACK(t)  FIELD_AT(t, 0x1478, PVOID)
#define TEB_TLS_EXPANSION_SLOTS(t) FIELD_AT(t, 0x1780, PVOID *)
#define TEB_FLS_DATA(t)            FIELD_AT(t, 0x17C8, struct fls_data *)
#define PEB_LOADER_LOCK(p)         FIELD_AT(p, 0x110, PRTL_CRITICAL_SECTION)

#define TLS_SLOTS_MIN 64		/* TLS_MINIMUM_AVAILABLE: TEB->TlsSlots */
#define TLS_EXPANSION_SLOTS 1024	/* TEB->TlsExpansionSlots, allocated per thread on demand */
#define FLS_SLOTS 128			/* FLS_MAXIMUM_AVAILABLE as MinGW's winnt.h has it */
#define LDR_TLS_MAX 512			/* static TLS indexes: one page of pointers per thread */

/* ThreadInformationClass values ntdll answers itself (Windows' numbers). */
#define THREAD_ZERO_TLS_CELL 10		/* ThreadZeroTlsCell: ULONG index, every thread of the process */
#define THREAD_AM_I_LAST_THREAD 12	/* ThreadAmILastThread: ULONG, the caller only */

/* A thread's FLS values (TEB->FlsData), linked for FlsFree's callbacks. */
struct fls_data {
	LIST_ENTRY link;		/* fls_list, under the thread lock */
	PVOID slots[FLS_SLOTS];
};

/*
 * One live thread.  The main thread's record is static; the others come
 * from page slabs (thread_list.c).  tls_array is TEB->ThreadLocalStoragePointer,
 * tls_size the bytes of its allocation, tls_high one past the highest index
 * ever written in it; tls_own bit i: block i was allocated on its own
 * (freed on its own).
 */
struct ldr_thread {
	LIST_ENTRY link;
	TEB *teb;
	ULONG tid;
	BOOLEAN exiting;		/* RtlExitUserThread has begun: no longer counted as live */
	BOOLEAN no_attach;		/* created with THREAD_CREATE_FLAGS_SKIP_THREAD_ATTACH */
	BOOLEAN started;		/* its static TLS is set up: later TLS modules add their blocks */
	void **tls_array;		/* LDR_TLS_MAX pointers (one page), usually followed by the start's blocks */
	void *tls_blocks;		/* the start's blocks when allocated apart from the array, or NULL */
	ULONG64 tls_own[(LDR_TLS_MAX + 63) / 64];
	SIZE_T tls_size;
	ULONG tls_high;
};

/* rtl_critsec.c (U2's) */
NTSTATUS NTAPI RtlInitializeCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
NTSTATUS NTAPI RtlEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
NTSTATUS NTAPI RtlLeaveCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);

/* Doubly linked lists (<winternl.h> leaves these to the DDK headers). */
static inline void InsertTailList(LIST_ENTRY *head, LIST_ENTRY *e)
{
	e->Flink = head;
	e->Blink = head->Blink;
	head->Blink->Flink = e;
	head->Blink = e;
}

static inline void RemoveEntryList(LIST_ENTRY *e)
{
	e->Blink->Flink = e->Flink;
	e->Flink->Blink = e->Blink;
	e->Flink = e->Blink = e;
}

/* thread_list.c */
extern RTL_CRITICAL_SECTION ldr_lock;
void ldr_lock_acquire(void);
void ldr_lock_release(void);
void thread_lock_acquire(void);
void thread_lock_release(void);
/* The thread list (under the thread lock); the record of the calling thread, or NULL. */
extern LIST_ENTRY thread_list;
struct ldr_thread *thread_self(void);
/* Process start: the main thread's record (its TLS array comes with the first TLS module). */
void thread_init_main(void);
/* A record for a thread just created suspended (in the list at once), or NULL; dropped again on failure. */
struct ldr_thread *thread_record_new(TEB *teb, ULONG tid, BOOLEAN no_attach);
void thread_record_drop(struct ldr_thread *t);
/* A new thread's start: record, static TLS, TLS callbacks and DllMain(DLL_THREAD_ATTACH). */
NTSTATUS thread_attach(BOOLEAN no_attach);
/* Thread exit: FLS callbacks, DLL_THREAD_DETACH, then the record and its memory go. */
void thread_detach(void);
/* TRUE when no other thread of the process is live (marks the caller exiting when FALSE). */
BOOLEAN thread_leave_is_last(void);
/* The record of thread tid goes (the thread was terminated and runs no more user code). */
void thread_forget(ULONG tid);
/* fork's child: only the calling thread remains. */
void thread_after_fork(void);
/* ThreadZeroTlsCell: TLS slot index cleared in every thread. */
void thread_zero_tls_cell(ULONG index);
/* Every other thread's id, for ExitProcess (count ids at most); returns how many. */
ULONG thread_other_ids(ULONG *ids, ULONG count);

/* ldr_tls.c */
/* The record's TLS array and the blocks of every TLS module (thread start; loader lock held). */
NTSTATUS ldr_tls_thread_init(struct ldr_thread *t);
/* Frees the record's TLS blocks and array (thread exit or a dead thread). */
void ldr_tls_thread_free(struct ldr_thread *t);

/* rtl_fls.c */
/* The calling thread's FLS callbacks (thread exit), then its FLS data freed. */
void fls_thread_exit(void);
/* fork's child: the other threads' FLS data freed (thread lock held). */
void fls_after_fork(void);

/* thread_create.c */
NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle, NTSTATUS ExitStatus);
NTSTATUS NTAPI NtOpenThread(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			    PCLIENT_ID ClientId);
NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
					PVOID ThreadInformation, ULONG ThreadInformationLength, PULONG ReturnLength);
__attribute__((noreturn)) void NTAPI RtlExitUserThread(NTSTATUS ExitStatus);
NTSTATUS NTAPI NtYieldExecution(void);

#endif
