/*
 * libc/ntdll/rtl_fls.c - fiber-local storage as Windows 10's ntdll has it
 * (kernel32's FlsAlloc/FlsFree/FlsGetValue/FlsSetValue call these): FLS_SLOTS
 * indexes with a callback each; a thread's values in a block at
 * TEB->FlsData, allocated at its first FlsSetValue.  The callback of an
 * index runs with a thread's non-NULL value when the thread ends (before
 * DLL_THREAD_DETACH, as Windows) and, for every thread, when the index is
 * freed.  With no fibers a thread has one fiber: FLS is per thread.
 *
 * fls_lock (a critical section, so callbacks may use FLS again) guards the
 * index table and the list of every thread's block.
 */
#include "ldr_thread.h"

static RTL_CRITICAL_SECTION fls_lock;
static LONG fls_lock_ready;
static LIST_ENTRY fls_list = { &fls_list, &fls_list };
static BOOLEAN fls_used[FLS_SLOTS];
static PFLS_CALLBACK_FUNCTION fls_callbacks[FLS_SLOTS];

/* Takes fls_lock, initialising it on first use (the first caller wins the race). */
static void lock(void)
{
	LONG state = __atomic_load_n(&fls_lock_ready, __ATOMIC_ACQUIRE);
	if (state != 2) {
		LONG expected = 0;
		if (__atomic_compare_exchange_n(&fls_lock_ready, &expected, 1, FALSE, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			RtlInitializeCriticalSection(&fls_lock);
			__atomic_store_n(&fls_lock_ready, 2, __ATOMIC_RELEASE);
		} else {
			while (__atomic_load_n(&fls_lock_ready, __ATOMIC_ACQUIRE) != 2)
				NtYieldExecution();
		}
	}
	RtlEnterCriticalSection(&fls_lock);
}

static void unlock(void)
{
	RtlLeaveCriticalSection(&fls_lock);
}

/*
 * RtlFlsAlloc: the lowest free index with Callback (may be NULL) in *Index;
 * STATUS_NO_MEMORY when all FLS_SLOTS are taken.  Every thread's value of
 * the new index is NULL (FlsFree cleared it).
 */
NTSTATUS NTAPI RtlFlsAlloc(PFLS_CALLBACK_FUNCTION Callback, PULONG Index)
{
	if (!Index)
		return STATUS_INVALID_PARAMETER;
	lock();
	ULONG i = 1;	/* index 0 is never handed out (as Windows and Wine) */
	while (i < FLS_SLOTS && fls_used[i])
		i++;
	if (i == FLS_SLOTS) {
		unlock();
		return STATUS_NO_MEMORY;
	}
	fls_used[i] = TRUE;
	fls_callbacks[i] = Callback;
	unlock();
	*Index = i;
	return STATUS_SUCCESS;
}

/*
 * RtlFlsFree: the index's callback runs for every thread's non-NULL value
 * (in the caller, under fls_lock), the values become NULL, the index is
 * free.  STATUS_INVALID_PARAMETER when it is not allocated.
 */
NTSTATUS NTAPI RtlFlsFree(ULONG Index)
{
	if (Index == 0 || Index >= FLS_SLOTS)
		return STATUS_INVALID_PARAMETER;
	lock();
	if (!fls_used[Index]) {
		unlock();
		return STATUS_INVALID_PARAMETER;
	}
	PFLS_CALLBACK_FUNCTION cb = fls_callbacks[Index];
	for (LIST_ENTRY *e = fls_list.Flink; e != &fls_list; e = e->Flink) {
		struct fls_data *d = CONTAINING_RECORD(e, struct fls_data, link);
		PVOID v = d->slots[Index];
		d->slots[Index] = NULL;
		if (v && cb)
			cb(v);
	}
	fls_used[Index] = FALSE;
	fls_callbacks[Index] = NULL;
	unlock();
	return STATUS_SUCCESS;
}

/*
 * RtlFlsGetValue: the caller's value of index 1..FLS_SLOTS-1 (NULL when never
 * set, or freed since: as Wine, a freed index is not an error here).
 */
NTSTATUS NTAPI RtlFlsGetValue(ULONG Index, PVOID *Value)
{
	if (Index == 0 || Index >= FLS_SLOTS || !Value)
		return STATUS_INVALID_PARAMETER;
	struct fls_data *d = TEB_FLS_DATA(cur_teb());
	*Value = d ? d->slots[Index] : NULL;
	return STATUS_SUCCESS;
}

/*
 * RtlFlsSetValue: stores the caller's value of index 1..FLS_SLOTS-1 (the
 * thread's block made on first use: STATUS_NO_MEMORY when that fails).  A
 * value stored in a freed index gets no callback.
 */
NTSTATUS NTAPI RtlFlsSetValue(ULONG Index, PVOID Value)
{
	if (Index == 0 || Index >= FLS_SLOTS)
		return STATUS_INVALID_PARAMETER;
	TEB *teb = cur_teb();
	struct fls_data *d = TEB_FLS_DATA(teb);
	if (!d) {
		d = ldr_alloc_pages(sizeof(*d));
		if (!d)
			return STATUS_NO_MEMORY;
		lock();
		InsertTailList(&fls_list, &d->link);
		TEB_FLS_DATA(teb) = d;
		unlock();
	}
	d->slots[Index] = Value;
	return STATUS_SUCCESS;
}

/* The caller's callbacks (index order) for its non-NULL values, then its block unlinked and freed. */
void fls_thread_exit(void)
{
	TEB *teb = cur_teb();
	struct fls_data *d = TEB_FLS_DATA(teb);
	if (!d)
		return;
	lock();
	for (ULONG i = 0; i < FLS_SLOTS; i++) {
		PVOID v = d->slots[i];
		d->slots[i] = NULL;
		if (v && fls_used[i] && fls_callbacks[i])
			fls_callbacks[i](v);
	}
	RemoveEntryList(&d->link);
	TEB_FLS_DATA(teb) = NULL;
	unlock();
	ldr_free_pages(d);
}

void fls_after_fork(void)
{
	if (__atomic_load_n(&fls_lock_ready, __ATOMIC_ACQUIRE) == 2)
		RtlInitializeCriticalSection(&fls_lock);
	struct fls_data *mine = TEB_FLS_DATA(cur_teb());
	LIST_ENTRY *e = fls_list.Flink;
	while (e != &fls_list) {
		struct fls_data *d = CONTAINING_RECORD(e, struct fls_data, link);
		e = e->Flink;
		if (d != mine) {
			RemoveEntryList(&d->link);
			ldr_free_pages(d);
		}
	}
}
