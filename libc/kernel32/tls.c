/*
 * libc/kernel32/tls.c - dynamic TLS: TlsAlloc/TlsGetValue/TlsSetValue/
 * TlsFree over the TEB's 64 TlsSlots (+0x1480).  The expansion slots are
 * not implemented: the 65th TlsAlloc fails with TLS_OUT_OF_INDEXES.  One
 * thread today; with threads TlsFree must clear the slot in every thread.
 */
#include "k32_private.h"

#define TLS_SLOTS 64
#define TEB_TLS_SLOTS 0x1480

static volatile LONG64 tls_bitmap;	/* bit i: slot i allocated */

static PVOID *slots(void)
{
	return (PVOID *)((char *)k32_teb() + TEB_TLS_SLOTS);
}

/* TlsAlloc: the lowest free slot, its value NULL; TLS_OUT_OF_INDEXES with ERROR_NO_MORE_ITEMS when all 64 are taken. */
DWORD WINAPI TlsAlloc(void)
{
	for (;;) {
		LONG64 map = tls_bitmap;
		if (map == -1) {
			SetLastError(ERROR_NO_MORE_ITEMS);
			return TLS_OUT_OF_INDEXES;
		}
		DWORD i = (DWORD)__builtin_ctzll(~(ULONG64)map);
		if (__atomic_compare_exchange_n(&tls_bitmap, &map, map | (1LL << i), FALSE, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			slots()[i] = NULL;
			return i;
		}
	}
}

/* TlsGetValue: the slot's value, last error ERROR_SUCCESS (so NULL values are told from failure). */
LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex)
{
	if (dwTlsIndex >= TLS_SLOTS) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	SetLastError(ERROR_SUCCESS);
	return slots()[dwTlsIndex];
}

BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue)
{
	if (dwTlsIndex >= TLS_SLOTS) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	slots()[dwTlsIndex] = lpTlsValue;
	return TRUE;
}

/* TlsFree: the slot becomes free; FALSE with ERROR_INVALID_PARAMETER when it was not allocated. */
BOOL WINAPI TlsFree(DWORD dwTlsIndex)
{
	if (dwTlsIndex >= TLS_SLOTS || !(tls_bitmap & (1LL << dwTlsIndex))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	slots()[dwTlsIndex] = NULL;
	__atomic_and_fetch(&tls_bitmap, ~(1LL << dwTlsIndex), __ATOMIC_RELEASE);
	return TRUE;
}
