/*
 * libc/ntdll/rtl_memory.c - RtlMoveMemory, RtlZeroMemory, RtlFillMemory,
 * RtlCompareMemory (MinGW's headers make the first three macros; programs
 * reaching them through GetProcAddress or kernel32's forwarders get these).
 */
#include "ntdll_private.h"

/* RtlMoveMemory: memmove. */
void NTAPI RtlMoveMemory(void *Destination, const void *Source, SIZE_T Length)
{
	memmove(Destination, Source, Length);
}

/* RtlZeroMemory: memset 0. */
void NTAPI RtlZeroMemory(void *Destination, SIZE_T Length)
{
	memset(Destination, 0, Length);
}

/* RtlFillMemory: Length bytes of Fill. */
void NTAPI RtlFillMemory(void *Destination, SIZE_T Length, BYTE Fill)
{
	memset(Destination, Fill, Length);
}

/* RtlCompareMemory: the number of leading bytes that are equal. */
SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
	const BYTE *a = Source1, *b = Source2;
	SIZE_T i = 0;
	while (i < Length && a[i] == b[i])
		i++;
	return i;
}
