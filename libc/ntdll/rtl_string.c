/*
 * libc/ntdll/rtl_string.c - counted strings: RtlInit{Unicode,Ansi}String,
 * the ANSI <-> UTF-16 conversions (the ANSI code page is Windows-1252, as
 * kernel32's GetACP says) and their frees.  Allocated buffers are whole
 * pages from NtAllocateVirtualMemory until the heap exists (issue 22).
 */
#include "ntdll_private.h"

/* Windows-1252 0x80-0x9F (the five unassigned bytes map to the C1 controls, as Windows does). */
static const WCHAR cp1252_80[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* One Windows-1252 byte as UTF-16. */
static WCHAR ansi_to_wide(unsigned char c)
{
	return c >= 0x80 && c < 0xA0 ? cp1252_80[c - 0x80] : c;
}

/* One UTF-16 unit as Windows-1252, '?' when it has none. */
static char wide_to_ansi(WCHAR w)
{
	if (w < 0x80 || (w >= 0xA0 && w <= 0xFF))
		return (char)w;
	for (int i = 0; i < 32; i++)
		if (cp1252_80[i] == w)
			return (char)(0x80 + i);
	return '?';
}

/* RtlInitUnicodeString: Buffer = Source, lengths in bytes (Maximum counts the NUL). */
VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
	SIZE_T n = 0;
	if (SourceString)
		while (SourceString[n])
			n++;
	if (n > 0x7FFE)
		n = 0x7FFE;	/* UNICODE_STRING lengths are USHORT bytes */
	DestinationString->Buffer = (PWSTR)SourceString;
	DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
	DestinationString->MaximumLength = SourceString ? (USHORT)((n + 1) * sizeof(WCHAR)) : 0;
}

/* RtlInitAnsiString: the same for bytes. */
VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
	SIZE_T n = SourceString ? strlen(SourceString) : 0;
	if (n > 0xFFFE)
		n = 0xFFFE;
	DestinationString->Buffer = (PCHAR)SourceString;
	DestinationString->Length = (USHORT)n;
	DestinationString->MaximumLength = SourceString ? (USHORT)(n + 1) : 0;
}

/* RtlInitString: RtlInitAnsiString. */
VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
	RtlInitAnsiString(DestinationString, SourceString);
}

/*
 * RtlAnsiStringToUnicodeString: Source (Windows-1252) as UTF-16, NUL
 * terminated when room allows.  Allocate TRUE: a new buffer (free with
 * RtlFreeUnicodeString); FALSE: STATUS_BUFFER_OVERFLOW when it does not fit.
 */
NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString, PCANSI_STRING SourceString,
					    BOOLEAN AllocateDestinationString)
{
	SIZE_T n = SourceString->Length;
	SIZE_T bytes = n * sizeof(WCHAR);
	if (bytes > 0xFFFC)
		return STATUS_INVALID_PARAMETER_2;
	if (AllocateDestinationString) {
		DestinationString->Buffer = ldr_alloc_pages(bytes + sizeof(WCHAR));
		if (!DestinationString->Buffer)
			return STATUS_NO_MEMORY;
		DestinationString->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
	} else if (bytes > DestinationString->MaximumLength) {
		return STATUS_BUFFER_OVERFLOW;
	}
	for (SIZE_T i = 0; i < n; i++)
		DestinationString->Buffer[i] = ansi_to_wide((unsigned char)SourceString->Buffer[i]);
	DestinationString->Length = (USHORT)bytes;
	if (bytes + sizeof(WCHAR) <= DestinationString->MaximumLength)
		DestinationString->Buffer[n] = 0;
	return STATUS_SUCCESS;
}

/* RtlUnicodeStringToAnsiString: UTF-16 as Windows-1252 ('?' for what it lacks), as above. */
NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
					    BOOLEAN AllocateDestinationString)
{
	SIZE_T n = SourceString->Length / sizeof(WCHAR);
	if (AllocateDestinationString) {
		DestinationString->Buffer = ldr_alloc_pages(n + 1);
		if (!DestinationString->Buffer)
			return STATUS_NO_MEMORY;
		DestinationString->MaximumLength = (USHORT)(n + 1);
	} else if (n > DestinationString->MaximumLength) {
		return STATUS_BUFFER_OVERFLOW;
	}
	for (SIZE_T i = 0; i < n; i++)
		DestinationString->Buffer[i] = wide_to_ansi(SourceString->Buffer[i]);
	DestinationString->Length = (USHORT)n;
	if (n + 1 <= DestinationString->MaximumLength)
		DestinationString->Buffer[n] = '\0';
	return STATUS_SUCCESS;
}

/* RtlFreeUnicodeString: frees a buffer the conversions allocated. */
VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
	ldr_free_pages(UnicodeString->Buffer);
	UnicodeString->Buffer = NULL;
	UnicodeString->Length = UnicodeString->MaximumLength = 0;
}

/* RtlFreeAnsiString: the same for ANSI strings. */
VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString)
{
	ldr_free_pages(AnsiString->Buffer);
	AnsiString->Buffer = NULL;
	AnsiString->Length = AnsiString->MaximumLength = 0;
}
