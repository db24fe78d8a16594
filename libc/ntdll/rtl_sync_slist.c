/*
 * libc/ntdll/rtl_sync_slist.c - interlocked singly linked lists
 * (SLIST_HEADER, x64 layout: 16 bytes, 16-aligned; kernel32's
 * InterlockedPushEntrySList etc. forward here as on Windows).
 *
 * HeaderX64: the low quadword holds Depth (bits 0-15) and Sequence (bits
 * 16-63); the high one NextEntry << 4 (entries are 16-aligned, so it is the
 * first entry's address with the 4 Reserved bits 0).  Every change is one
 * lock cmpxchg16b of both quadwords and bumps Sequence, so a pop that read
 * an entry which was popped and pushed again meanwhile fails and retries
 * (no ABA).  As on Windows the caller must keep popped entries readable
 * while other threads may still be popping (Windows tolerates a fault in
 * that window; we do not).
 */
#include "rtl_sync.h"

#define DEPTH_MASK 0xFFFFull
#define SEQ_ONE    0x10000ull
#define NEXT_MASK  (~0xFull)

struct halves {
	ULONG64 lo, hi;
};

static inline struct halves load(PSLIST_HEADER h)
{
	volatile ULONG64 *q = (volatile ULONG64 *)h;
	struct halves v;
	v.lo = q[0];
	v.hi = q[1];
	return v;
}

/* lock cmpxchg16b: TRUE when *h was old and is now new; else old is what *h held. */
static inline BOOLEAN cas16(PSLIST_HEADER h, struct halves *old, struct halves new_value)
{
	BOOLEAN ok;
	__asm__ volatile("lock cmpxchg16b %1"
			 : "=@ccz"(ok), "+m"(*(volatile ULONG64(*)[2])h), "+a"(old->lo), "+d"(old->hi)
			 : "b"(new_value.lo), "c"(new_value.hi)
			 : "memory");
	return ok;
}

static inline ULONG64 next_seq(ULONG64 lo)
{
	return (lo & ~DEPTH_MASK) + SEQ_ONE;
}

/* RtlInitializeSListHead: empty. */
void NTAPI RtlInitializeSListHead(PSLIST_HEADER ListHead)
{
	memset(ListHead, 0, sizeof(*ListHead));
}

/* RtlFirstEntrySList: the first entry or NULL (not removed). */
PSLIST_ENTRY NTAPI RtlFirstEntrySList(const SLIST_HEADER *ListHead)
{
	return (PSLIST_ENTRY)(load((PSLIST_HEADER)ListHead).hi & NEXT_MASK);
}

/* RtlQueryDepthSList: the number of entries (16 bits, as Windows keeps it). */
WORD NTAPI RtlQueryDepthSList(PSLIST_HEADER ListHead)
{
	return (WORD)(load(ListHead).lo & DEPTH_MASK);
}

/* RtlInterlockedPushListSListEx: List..ListEnd (already linked, Count entries) in front; returns the old first. */
PSLIST_ENTRY NTAPI RtlInterlockedPushListSListEx(PSLIST_HEADER ListHead, PSLIST_ENTRY List, PSLIST_ENTRY ListEnd,
						 DWORD Count)
{
	struct halves old = load(ListHead), n;
	do {
		ListEnd->Next = (PSLIST_ENTRY)(old.hi & NEXT_MASK);
		n.lo = next_seq(old.lo) | ((old.lo + Count) & DEPTH_MASK);
		n.hi = (ULONG64)List;
	} while (!cas16(ListHead, &old, n));
	return (PSLIST_ENTRY)(old.hi & NEXT_MASK);
}

/* RtlInterlockedPushEntrySList: ListEntry in front; returns the old first entry (NULL: the list was empty). */
PSLIST_ENTRY NTAPI RtlInterlockedPushEntrySList(PSLIST_HEADER ListHead, PSLIST_ENTRY ListEntry)
{
	return RtlInterlockedPushListSListEx(ListHead, ListEntry, ListEntry, 1);
}

/* RtlInterlockedPopEntrySList: removes and returns the first entry; NULL when empty. */
PSLIST_ENTRY NTAPI RtlInterlockedPopEntrySList(PSLIST_HEADER ListHead)
{
	struct halves old = load(ListHead), n;
	PSLIST_ENTRY first;
	do {
		first = (PSLIST_ENTRY)(old.hi & NEXT_MASK);
		if (!first)
			return NULL;
		n.lo = next_seq(old.lo) | ((old.lo - 1) & DEPTH_MASK);
		n.hi = (ULONG64)first->Next;
	} while (!cas16(ListHead, &old, n));
	return first;
}

/* RtlInterlockedFlushSList: empties the list; returns the old first entry (the chain stays linked). */
PSLIST_ENTRY NTAPI RtlInterlockedFlushSList(PSLIST_HEADER ListHead)
{
	struct halves old = load(ListHead), n;
	do {
		if (!(old.hi & NEXT_MASK))
			return NULL;
		n.lo = next_seq(old.lo);
		n.hi = 0;
	} while (!cas16(ListHead, &old, n));
	return (PSLIST_ENTRY)(old.hi & NEXT_MASK);
}
