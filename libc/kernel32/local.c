/*
 * libc/kernel32/local.c - LocalAlloc and GlobalAlloc (one implementation:
 * in Win32 both are the process heap) with fixed and moveable memory.
 *
 * Fixed memory is a process-heap block and its own handle.  Moveable memory
 * has a handle entry (a small process-heap block: magic, the data pointer,
 * flags, lock count) whose handle value is the address of the data pointer,
 * so it has bit 1 set (heap blocks are 16-byte aligned) and *(void **)handle
 * is the data, as on Windows; the data block keeps its handle in the 16
 * bytes before the data, so LocalHandle/GlobalHandle find it back.  A
 * moveable block of size 0 is "discarded": a handle with no data.
 */
#include "k32_private.h"

/* HeapAlloc, HeapReAlloc and HeapSize are forwarders to these (kernel32.def). */
PVOID NTAPI RtlReAllocateHeap(PVOID, ULONG, PVOID, SIZE_T);
SIZE_T NTAPI RtlSizeHeap(PVOID, ULONG, PVOID);
#define HeapAlloc   RtlAllocateHeap
#define HeapReAlloc RtlReAllocateHeap
#define HeapSize    RtlSizeHeap

#define ENTRY_MAGIC 0x4b4d	/* "MK" */

#pragma pack(push, 1)
struct mem_entry {
	WORD magic;
	void *data;		/* the handle points here */
	BYTE flags;		/* LMEM_DISCARDABLE >> 8 */
	BYTE lock;		/* lock count (0xFF sticks) */
};
#pragma pack(pop)

#define IS_MOVEABLE_HANDLE(h) (((ULONG_PTR)(h) & 15) == 2)
#define DATA_HDR 16

static HANDLE heap(void)
{
	return GetProcessHeap();
}

/* The entry behind a moveable handle, or NULL when h is not a live one. */
static struct mem_entry *entry_of(HLOCAL h)
{
	if (!IS_MOVEABLE_HANDLE(h))
		return NULL;
	struct mem_entry *e = (struct mem_entry *)((char *)h - 2);
	if (!HeapValidate(heap(), 0, e) || e->magic != ENTRY_MAGIC)
		return NULL;
	return e;
}

/* Moveable data of size bytes for handle h (zeroed with LMEM_ZEROINIT); NULL when out of memory. */
static void *new_data(HLOCAL h, SIZE_T size, UINT flags)
{
	char *d = HeapAlloc(heap(), (flags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0, size + DATA_HDR);
	if (!d)
		return NULL;
	*(HLOCAL *)d = h;
	return d + DATA_HDR;
}

/* LocalAlloc: LMEM_FIXED: a heap block (its pointer is its handle); LMEM_MOVEABLE: a handle (size 0: discarded). */
HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes)
{
	if (!(uFlags & LMEM_MOVEABLE)) {
		void *p = HeapAlloc(heap(), (uFlags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0, uBytes);
		if (!p)
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return p;
	}
	struct mem_entry *e = HeapAlloc(heap(), 0, sizeof(*e));
	if (!e) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	HLOCAL h = (HLOCAL)&e->data;
	e->magic = ENTRY_MAGIC;
	e->flags = (BYTE)((uFlags & LMEM_DISCARDABLE) >> 8);
	e->lock = 0;
	e->data = NULL;
	if (uBytes && !(e->data = new_data(h, uBytes, uFlags))) {
		HeapFree(heap(), 0, e);
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	return h;
}

/* LocalLock: the data of h (a fixed block is its own); moveable: counts a lock.  NULL for a discarded or bad handle. */
LPVOID WINAPI LocalLock(HLOCAL hMem)
{
	if (!IS_MOVEABLE_HANDLE(hMem)) {
		if (!hMem || !HeapValidate(heap(), 0, hMem)) {
			SetLastError(ERROR_INVALID_HANDLE);
			return NULL;
		}
		return hMem;
	}
	struct mem_entry *e = entry_of(hMem);
	if (!e) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	if (!e->data) {
		SetLastError(ERROR_DISCARDED);
		return NULL;
	}
	if (e->lock < 0xFF)
		e->lock++;
	return e->data;
}

/* LocalUnlock: one lock less; TRUE while still locked, FALSE (NO_ERROR) at 0, FALSE (ERROR_NOT_LOCKED) when it was not. */
BOOL WINAPI LocalUnlock(HLOCAL hMem)
{
	struct mem_entry *e = entry_of(hMem);
	if (!e) {
		SetLastError(IS_MOVEABLE_HANDLE(hMem) ? ERROR_INVALID_HANDLE : ERROR_NOT_LOCKED);
		return FALSE;
	}
	if (!e->lock) {
		SetLastError(ERROR_NOT_LOCKED);
		return FALSE;
	}
	if (e->lock < 0xFF)
		e->lock--;
	if (!e->lock) {
		SetLastError(NO_ERROR);
		return FALSE;
	}
	return TRUE;
}

/* LocalHandle: the handle of data pointer p (a fixed block: p itself); NULL when p is no local memory. */
HLOCAL WINAPI LocalHandle(LPCVOID pMem)
{
	if (!pMem) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	if (IS_MOVEABLE_HANDLE(pMem))
		return entry_of((HLOCAL)pMem) ? (HLOCAL)pMem : NULL;
	const char *d = (const char *)pMem - DATA_HDR;
	if (((ULONG_PTR)pMem & 15) == 0 && HeapValidate(heap(), 0, d)) {
		HLOCAL h = *(HLOCAL const *)d;
		struct mem_entry *e = entry_of(h);
		if (e && e->data == pMem)
			return h;
	}
	if (HeapValidate(heap(), 0, pMem))
		return (HLOCAL)pMem;
	SetLastError(ERROR_INVALID_HANDLE);
	return NULL;
}

/* LocalSize: the block's size (0 for a discarded or bad handle). */
SIZE_T WINAPI LocalSize(HLOCAL hMem)
{
	if (!IS_MOVEABLE_HANDLE(hMem)) {
		SIZE_T n = hMem ? HeapSize(heap(), 0, hMem) : (SIZE_T)-1;
		if (n == (SIZE_T)-1) {
			SetLastError(ERROR_INVALID_HANDLE);
			return 0;
		}
		return n;
	}
	struct mem_entry *e = entry_of(hMem);
	if (!e) {
		SetLastError(ERROR_INVALID_HANDLE);
		return 0;
	}
	return e->data ? HeapSize(heap(), 0, (char *)e->data - DATA_HDR) - DATA_HDR : 0;
}

/* LocalFlags: lock count | LMEM_DISCARDABLE | LMEM_DISCARDED; LMEM_INVALID_HANDLE for a bad handle. */
UINT WINAPI LocalFlags(HLOCAL hMem)
{
	if (!IS_MOVEABLE_HANDLE(hMem)) {
		if (hMem && HeapValidate(heap(), 0, hMem))
			return 0;
		SetLastError(ERROR_INVALID_HANDLE);
		return LMEM_INVALID_HANDLE;
	}
	struct mem_entry *e = entry_of(hMem);
	if (!e) {
		SetLastError(ERROR_INVALID_HANDLE);
		return LMEM_INVALID_HANDLE;
	}
	return e->lock | ((UINT)e->flags << 8) | (e->data ? 0 : LMEM_DISCARDED);
}

/* LocalFree: NULL when freed (or hMem NULL); hMem back with ERROR_INVALID_HANDLE when it is not local memory. */
HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
	if (!hMem)
		return NULL;
	if (!IS_MOVEABLE_HANDLE(hMem)) {
		if (!HeapValidate(heap(), 0, hMem) || !HeapFree(heap(), 0, hMem)) {
			SetLastError(ERROR_INVALID_HANDLE);
			return hMem;
		}
		return NULL;
	}
	struct mem_entry *e = entry_of(hMem);
	if (!e) {
		SetLastError(ERROR_INVALID_HANDLE);
		return hMem;
	}
	if (e->data)
		HeapFree(heap(), 0, (char *)e->data - DATA_HDR);
	e->magic = 0;
	HeapFree(heap(), 0, e);
	return NULL;
}

/*
 * LocalReAlloc: LMEM_MODIFY changes only LMEM_DISCARDABLE (moveable);
 * fixed memory moves only with LMEM_MOVEABLE; moveable memory moves unless
 * locked (or LMEM_MOVEABLE says it may), size 0 discards it when unlocked.
 * LMEM_ZEROINIT zeroes the bytes added.  The handle, or NULL (unchanged).
 */
HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags)
{
	DWORD zero = (uFlags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0;
	if (!IS_MOVEABLE_HANDLE(hMem)) {
		if (!hMem || !HeapValidate(heap(), 0, hMem)) {
			SetLastError(ERROR_INVALID_HANDLE);
			return NULL;
		}
		if (uFlags & LMEM_MODIFY)
			return hMem;
		void *p = HeapReAlloc(heap(), zero | ((uFlags & LMEM_MOVEABLE) ? 0 : HEAP_REALLOC_IN_PLACE_ONLY), hMem,
				      uBytes);
		if (!p)
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return p;
	}
	struct mem_entry *e = entry_of(hMem);
	if (!e) {
		SetLastError(ERROR_INVALID_HANDLE);
		return NULL;
	}
	if (uFlags & LMEM_MODIFY) {
		if (uFlags & LMEM_DISCARDABLE)
			e->flags |= LMEM_DISCARDABLE >> 8;
		return hMem;
	}
	if (!uBytes) {
		if (e->lock && !(uFlags & LMEM_MOVEABLE)) {
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
			return NULL;
		}
		if (e->data)
			HeapFree(heap(), 0, (char *)e->data - DATA_HDR);
		e->data = NULL;
		return hMem;
	}
	if (!e->data) {
		if (!(e->data = new_data(hMem, uBytes, uFlags))) {
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
			return NULL;
		}
		return hMem;
	}
	DWORD inplace = (e->lock && !(uFlags & LMEM_MOVEABLE)) ? HEAP_REALLOC_IN_PLACE_ONLY : 0;
	char *d = HeapReAlloc(heap(), zero | inplace, (char *)e->data - DATA_HDR, uBytes + DATA_HDR);
	if (!d) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	e->data = d + DATA_HDR;
	return hMem;
}

/* The Global* family: the same memory (GMEM_* flags have the LMEM_* values). */
HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes)
{
	return LocalAlloc(uFlags & (GMEM_MOVEABLE | GMEM_ZEROINIT | GMEM_DISCARDABLE), dwBytes);
}

LPVOID WINAPI GlobalLock(HGLOBAL hMem)
{
	return LocalLock(hMem);
}

BOOL WINAPI GlobalUnlock(HGLOBAL hMem)
{
	return LocalUnlock(hMem);
}

HGLOBAL WINAPI GlobalHandle(LPCVOID pMem)
{
	return LocalHandle(pMem);
}

SIZE_T WINAPI GlobalSize(HGLOBAL hMem)
{
	return LocalSize(hMem);
}

UINT WINAPI GlobalFlags(HGLOBAL hMem)
{
	UINT f = LocalFlags(hMem);
	return f == LMEM_INVALID_HANDLE ? GMEM_INVALID_HANDLE : f;
}

HGLOBAL WINAPI GlobalFree(HGLOBAL hMem)
{
	return LocalFree(hMem);
}

HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags)
{
	return LocalReAlloc(hMem, dwBytes, uFlags);
}
