/*
 * libc/ntdll/thread_list.c - the process's threads as ntdll sees them: one
 * record per thread from its creation (thread_create.c makes it while the
 * thread is still suspended) to its exit, the loader lock and the thread
 * lock (ldr_thread.h tells what each guards), the DLL_THREAD_ATTACH/DETACH
 * walks, and the last-thread rule of ExitThread.
 */
#include "ldr_thread.h"

RTL_CRITICAL_SECTION ldr_lock;
static RTL_CRITICAL_SECTION thread_lock;
LIST_ENTRY thread_list;
static struct ldr_thread main_thread;

/* Records: 128-byte slots carved from pages, recycled through a free list (under the thread lock). */
#define RECORD_SLOT 128
_Static_assert(sizeof(struct ldr_thread) <= RECORD_SLOT, "ldr_thread slot");
struct free_record {
	struct free_record *next;
};
static struct free_record *free_records;

void ldr_lock_acquire(void)
{
	RtlEnterCriticalSection(&ldr_lock);
}

void ldr_lock_release(void)
{
	RtlLeaveCriticalSection(&ldr_lock);
}

void thread_lock_acquire(void)
{
	RtlEnterCriticalSection(&thread_lock);
}

void thread_lock_release(void)
{
	RtlLeaveCriticalSection(&thread_lock);
}

/* Process start, before anything else runs: the locks, PEB->LoaderLock, the main thread's record. */
void thread_init_main(void)
{
	RtlInitializeCriticalSection(&ldr_lock);
	RtlInitializeCriticalSection(&thread_lock);
	PEB_LOADER_LOCK(ldr_peb()) = &ldr_lock;
	thread_list.Flink = thread_list.Blink = &thread_list;
	main_thread.teb = cur_teb();
	main_thread.tid = (ULONG)(ULONG_PTR)TEB_CLIENT_ID(cur_teb()).UniqueThread;
	main_thread.started = TRUE;
	InsertTailList(&thread_list, &main_thread.link);
}

/* The record whose TEB is teb, or NULL (thread lock held). */
static struct ldr_thread *find_teb(TEB *teb)
{
	for (LIST_ENTRY *e = thread_list.Flink; e != &thread_list; e = e->Flink) {
		struct ldr_thread *t = CONTAINING_RECORD(e, struct ldr_thread, link);
		if (t->teb == teb)
			return t;
	}
	return NULL;
}

struct ldr_thread *thread_self(void)
{
	thread_lock_acquire();
	struct ldr_thread *t = find_teb(cur_teb());
	thread_lock_release();
	return t;
}

/*
 * A record for a thread just created suspended (teb, tid from the kernel),
 * in the list at once so that ExitThread elsewhere counts it; NULL when out
 * of memory.
 */
struct ldr_thread *thread_record_new(TEB *teb, ULONG tid, BOOLEAN no_attach)
{
	thread_lock_acquire();
	if (!free_records) {
		char *page = ldr_alloc_pages(4096);
		if (!page) {
			thread_lock_release();
			return NULL;
		}
		for (int i = 4096 / RECORD_SLOT - 1; i >= 0; i--) {
			struct free_record *r = (struct free_record *)(page + i * RECORD_SLOT);
			r->next = free_records;
			free_records = r;
		}
	}
	struct ldr_thread *t = (struct ldr_thread *)free_records;
	free_records = free_records->next;
	memset(t, 0, sizeof(*t));
	t->teb = teb;
	t->tid = tid;
	t->no_attach = no_attach;
	InsertTailList(&thread_list, &t->link);
	thread_lock_release();
	return t;
}

/* Unlinks t and frees its TLS memory and record (t no longer runs user code, or is the caller at its end). */
static void record_free(struct ldr_thread *t)
{
	thread_lock_acquire();
	RemoveEntryList(&t->link);
	thread_lock_release();
	ldr_tls_thread_free(t);
	if (t == &main_thread)
		return;
	thread_lock_acquire();
	struct free_record *r = (struct free_record *)t;
	r->next = free_records;
	free_records = r;
	thread_lock_release();
}

/* A record made by thread_record_new whose thread never started (creation failed after it). */
void thread_record_drop(struct ldr_thread *t)
{
	record_free(t);
}

/* The calls of one module for a thread's start or end: TLS callbacks, then DllMain. */
static void notify_module(struct ldr_module *m, DWORD reason)
{
	if (m->Flags & LDRP_DONT_CALL_FOR_THREADS)
		return;
	if (m->Flags & LDRP_ENTRY_PROCESSED)
		ldr_call_tls_callbacks(m, reason);
	if (m->Flags & LDRP_PROCESS_ATTACH_CALLED)
		ldr_call_dll_entry(m, reason, NULL);
}

NTSTATUS thread_attach(BOOLEAN no_attach)
{
	ldr_lock_acquire();
	if (ldr_data.ShutdownInProgress) {	/* ExitProcess has begun: this thread never runs */
		ldr_lock_release();
		for (;;)
			NtTerminateThread((HANDLE)ABI_CURRENT_THREAD, STATUS_THREAD_IS_TERMINATING);
	}
	struct ldr_thread *t = thread_self();
	if (!t) {	/* not made by thread_create.c (cannot happen): give it a record now */
		t = thread_record_new(cur_teb(), (ULONG)(ULONG_PTR)TEB_CLIENT_ID(cur_teb()).UniqueThread, no_attach);
		if (!t) {
			ldr_lock_release();
			return STATUS_NO_MEMORY;
		}
	}
	NTSTATUS st = ldr_tls_thread_init(t);
	if (!NT_SUCCESS(st)) {
		ldr_lock_release();
		return st;
	}
	if (!no_attach) {
		LIST_ENTRY *head = &ldr_data.InInitializationOrderModuleList;
		for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink)
			notify_module(CONTAINING_RECORD(e, struct ldr_module, InInitializationOrderLinks),
				      DLL_THREAD_ATTACH);
	}
	ldr_lock_release();
	return STATUS_SUCCESS;
}

void thread_detach(void)
{
	fls_thread_exit();
	ldr_lock_acquire();
	struct ldr_thread *t = thread_self();
	if (t && !t->no_attach && !ldr_data.ShutdownInProgress) {
		LIST_ENTRY *head = &ldr_data.InInitializationOrderModuleList;
		for (LIST_ENTRY *e = head->Blink; e != head; e = e->Blink)
			notify_module(CONTAINING_RECORD(e, struct ldr_module, InInitializationOrderLinks),
				      DLL_THREAD_DETACH);
	}
	TEB *teb = cur_teb();
	PVOID *expansion = TEB_TLS_EXPANSION_SLOTS(teb);
	TEB_TLS_EXPANSION_SLOTS(teb) = NULL;
	ldr_free_pages(expansion);
	if (t)
		record_free(t);
	ldr_lock_release();
}

BOOLEAN thread_leave_is_last(void)
{
	thread_lock_acquire();
	TEB *me = cur_teb();
	ULONG others = 0;
	struct ldr_thread *self = NULL;
	for (LIST_ENTRY *e = thread_list.Flink; e != &thread_list; e = e->Flink) {
		struct ldr_thread *t = CONTAINING_RECORD(e, struct ldr_thread, link);
		if (t->teb == me)
			self = t;
		else if (!t->exiting)
			others++;
	}
	if (others && self)
		self->exiting = TRUE;
	thread_lock_release();
	return others == 0;
}

void thread_forget(ULONG tid)
{
	thread_lock_acquire();
	struct ldr_thread *found = NULL;
	for (LIST_ENTRY *e = thread_list.Flink; e != &thread_list; e = e->Flink) {
		struct ldr_thread *t = CONTAINING_RECORD(e, struct ldr_thread, link);
		if (t->tid == tid)
			found = t;
	}
	thread_lock_release();
	if (found)
		record_free(found);
}

void thread_after_fork(void)
{
	/* The other threads' owners of the locks are gone: both start free again. */
	RtlInitializeCriticalSection(&ldr_lock);
	RtlInitializeCriticalSection(&thread_lock);
	PEB_LOADER_LOCK(ldr_peb()) = &ldr_lock;
	TEB *me = cur_teb();
	LIST_ENTRY *e = thread_list.Flink;
	while (e && e != &thread_list) {
		struct ldr_thread *t = CONTAINING_RECORD(e, struct ldr_thread, link);
		e = e->Flink;
		if (t->teb == me)
			t->tid = (ULONG)(ULONG_PTR)TEB_CLIENT_ID(me).UniqueThread;
		else
			record_free(t);
	}
}

void thread_zero_tls_cell(ULONG index)
{
	thread_lock_acquire();
	for (LIST_ENTRY *e = thread_list.Flink; e != &thread_list; e = e->Flink) {
		TEB *teb = CONTAINING_RECORD(e, struct ldr_thread, link)->teb;
		if (index < TLS_SLOTS_MIN) {
			TEB_TLS_SLOTS(teb)[index] = NULL;
		} else {
			PVOID *exp = __atomic_load_n(&TEB_TLS_EXPANSION_SLOTS(teb), __ATOMIC_ACQUIRE);
			if (exp)
				exp[index - TLS_SLOTS_MIN] = NULL;
		}
	}
	thread_lock_release();
}

ULONG thread_other_ids(ULONG *ids, ULONG count)
{
	ULONG n = 0;
	thread_lock_acquire();
	for (LIST_ENTRY *e = thread_list.Flink; e != &thread_list && n < count; e = e->Flink) {
		struct ldr_thread *t = CONTAINING_RECORD(e, struct ldr_thread, link);
		if (t->teb != cur_teb())
			ids[n++] = t->tid;
	}
	thread_lock_release();
	return n;
}
