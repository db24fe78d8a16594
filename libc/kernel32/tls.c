/*
 * libc/kernel32/tls.c - dynamic TLS and FLS (docs/threads.md "Thread-local
 * storage").
 *
 * TLS: 64 slots in the TEB (TlsSlots, +0x1480) and 1024 expansion slots
 * (TlsExpansionSlots, +0x1780: a per-thread array allocated by the
 * thread's first TlsSetValue of an index >= 64, freed by ntdll when the
 * thread ends).  The allocation bitmap is a word array changed with
 * compare-and-exchange; TlsFree clears the slot in every thread of the
 * process (NtSetInformationThread ThreadZeroTlsCell, as Windows) before
 * the index can be handed out again.
 *
 * FLS: ntdll's RtlFls* (rtl_fls.c), with Windows' last errors.
 */
#include "k32_thread.h"

#define TLS_SLOTS 64
#define TLS_EXPANSION 1024
#define TLS_TOTAL (TLS_SLOTS + TLS_EXPANSION)
#define TEB_TLS_SLOTS 0x1480
#define TEB_TLS_EXPANSION 0x1780

static volatile LONG64 tls_bitmap[TLS_TOTAL / 64];	/* bit i: index i allocated */

static PVOID *slots(void)
{
	return (PVOID *)((char *)k32_teb() + TEB_TLS_SLOTS);
}

static PVOID **expansion(void)
{
	return (PVOID **)((char *)k32_teb() + TEB_TLS_EXPANSION);
}

/*
 * TlsAlloc: the lowest free index (the TEB's 64 first, then the expansion
 * slots), its value NULL in every thread; TLS_OUT_OF_INDEXES with
 * ERROR_NO_MORE_ITEMS when all 1088 are taken.
 */
DWORD WINAPI TlsAlloc(void)
{
	for (DWORD w = 0; w < TLS_TOTAL / 64; w++) {
		LONG64 map = tls_bitmap[w];
		while (map != -1) {
			DWORD bit = (DWORD)__builtin_ctzll(~(ULONG64)map);
			if (__atomic_compare_exchange_n(&tls_bitmap[w], &map, map | (1LL << bit), FALSE,
							__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
				DWORD i = w * 64 + bit;
				if (i < TLS_SLOTS)
					slots()[i] = NULL;
				else if (*expansion())
					(*expansion())[i - TLS_SLOTS] = NULL;
				return i;
			}
		}
	}
	SetLastError(ERROR_NO_MORE_ITEMS);
	return TLS_OUT_OF_INDEXES;
}

/*
 * TlsGetValue: the calling thread's value (NULL for an expansion index it
 * never set), last error ERROR_SUCCESS so NULL values are told from
 * failure; ERROR_INVALID_PARAMETER past the last index.
 */
LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex)
{
	if (dwTlsIndex < TLS_SLOTS) {
		SetLastError(ERROR_SUCCESS);
		return slots()[dwTlsIndex];
	}
	if (dwTlsIndex >= TLS_TOTAL) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	SetLastError(ERROR_SUCCESS);
	PVOID *exp = *expansion();
	return exp ? exp[dwTlsIndex - TLS_SLOTS] : NULL;
}

/* TlsSetValue: ERROR_INVALID_PARAMETER past the last index, ERROR_NOT_ENOUGH_MEMORY when the expansion array cannot be had. */
BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue)
{
	if (dwTlsIndex < TLS_SLOTS) {
		slots()[dwTlsIndex] = lpTlsValue;
		return TRUE;
	}
	if (dwTlsIndex >= TLS_TOTAL) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	PVOID *exp = *expansion();
	if (!exp) {
		exp = VirtualAlloc(NULL, TLS_EXPANSION * sizeof(PVOID), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!exp) {
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
			return FALSE;
		}
		__atomic_store_n(expansion(), exp, __ATOMIC_RELEASE);	/* TlsFree in another thread reads it */
	}
	exp[dwTlsIndex - TLS_SLOTS] = lpTlsValue;
	return TRUE;
}

/* TlsFree: the slot becomes NULL in every thread, then free; ERROR_INVALID_PARAMETER when it was not allocated. */
BOOL WINAPI TlsFree(DWORD dwTlsIndex)
{
	if (dwTlsIndex >= TLS_TOTAL || !(tls_bitmap[dwTlsIndex / 64] & (1LL << (dwTlsIndex % 64)))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	ULONG index = dwTlsIndex;
	NTSTATUS st = NtSetInformationThread(K32_CURRENT_THREAD, ThreadZeroTlsCell, &index, sizeof(index));
	if (!NT_SUCCESS(st))
		return k32_status(st);
	LONG64 old = __atomic_fetch_and(&tls_bitmap[dwTlsIndex / 64], ~(1LL << (dwTlsIndex % 64)), __ATOMIC_RELEASE);
	if (!(old & (1LL << (dwTlsIndex % 64)))) {	/* another thread freed it meanwhile */
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return TRUE;
}

/* FlsAlloc: FLS_OUT_OF_INDEXES with ERROR_NO_MORE_ITEMS when all are taken. */
DWORD WINAPI FlsAlloc(PFLS_CALLBACK_FUNCTION lpCallback)
{
	ULONG index;
	NTSTATUS st = RtlFlsAlloc(lpCallback, &index);
	if (!NT_SUCCESS(st)) {
		SetLastError(ERROR_NO_MORE_ITEMS);
		return FLS_OUT_OF_INDEXES;
	}
	return index;
}

/* FlsGetValue: last error ERROR_SUCCESS; ERROR_INVALID_PARAMETER for an index not allocated. */
PVOID WINAPI FlsGetValue(DWORD dwFlsIndex)
{
	PVOID v = NULL;
	NTSTATUS st = RtlFlsGetValue(dwFlsIndex, &v);
	if (!NT_SUCCESS(st)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	SetLastError(ERROR_SUCCESS);
	return v;
}

/* FlsSetValue: ERROR_INVALID_PARAMETER for an index not allocated, ERROR_NOT_ENOUGH_MEMORY. */
BOOL WINAPI FlsSetValue(DWORD dwFlsIndex, PVOID lpFlsData)
{
	NTSTATUS st = RtlFlsSetValue(dwFlsIndex, lpFlsData);
	if (st == STATUS_INVALID_PARAMETER) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return k32_status(st);
}

/* FlsFree: the index's callback for every thread's non-NULL value, then free; ERROR_INVALID_PARAMETER. */
BOOL WINAPI FlsFree(DWORD dwFlsIndex)
{
	if (!NT_SUCCESS(RtlFlsFree(dwFlsIndex))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	return TRUE;
}

/* IsThreadAFiber: there are no fibers. */
BOOL WINAPI IsThreadAFiber(void)
{
	return FALSE;
}
