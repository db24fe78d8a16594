/*
 * libc/ntdll/rtl_path.c - DOS paths: the current directory (kept, as on
 * Windows, in ProcessParameters->CurrentDirectory with a trailing backslash
 * and an open handle to it), full path names (RtlGetFullPathName_U: the
 * current directory, "C:rel", "\rooted", '/', '.', '..', repeated
 * separators, trailing dots and spaces), and their NT form
 * ("\??\C:\...", RtlDosPathNameToNtPathName_U).  "\\?\" paths are taken as
 * they are.  A full path is at most RTL_PATH_MAX - 1 units (longer:
 * STATUS_NAME_TOO_LONG, ERROR_FILENAME_EXCED_RANGE).
 */
#include "ntdll_private.h"

#define RTL_PATH_MAX 1024	/* UTF-16 units, NUL included */
#define IS_SEP(c) ((c) == L'\\' || (c) == L'/')

static SIZE_T wlen(const WCHAR *s)
{
	SIZE_T n = 0;
	while (s[n])
		n++;
	return n;
}

static WCHAR upper_ascii(WCHAR c)
{
	return c >= L'a' && c <= L'z' ? c - 32 : c;
}

/* The current directory as stored: "C:\dir\" (always ending in a backslash), *n units. */
static const WCHAR *cur_dir(SIZE_T *n)
{
	struct process_parameters *pp = PEB_PARAMS(ldr_peb());
	static const WCHAR root[] = L"C:\\";
	if (!pp->CurrentDirectoryPath.Buffer || pp->CurrentDirectoryPath.Length < 3 * sizeof(WCHAR)) {
		*n = 3;
		return root;
	}
	*n = pp->CurrentDirectoryPath.Length / sizeof(WCHAR);
	return pp->CurrentDirectoryPath.Buffer;
}

/* An output buffer of cap units that remembers overflow. */
struct pbuf {
	WCHAR *s;
	SIZE_T len, cap;
	BOOLEAN over;
};

static void put(struct pbuf *b, WCHAR c)
{
	if (b->len + 1 >= b->cap)
		b->over = TRUE;
	else
		b->s[b->len++] = c;
}

static void put_n(struct pbuf *b, const WCHAR *s, SIZE_T n)
{
	for (SIZE_T i = 0; i < n; i++)
		put(b, s[i]);
}

/*
 * Appends the relative part `p` to b, whose first `mark` units are the root
 * (ending in '\'), resolving '.', '..' and empty components; an intermediate
 * component loses one trailing '.', the last one every trailing '.' and ' '
 * (as Windows does).  A trailing separator stays.
 */
static void collapse(struct pbuf *b, SIZE_T mark, const WCHAR *p)
{
	while (*p) {
		if (IS_SEP(*p)) {
			p++;
			continue;
		}
		const WCHAR *q = p;
		while (*q && !IS_SEP(*q))
			q++;
		SIZE_T n = (SIZE_T)(q - p);
		BOOLEAN last = !*q;
		if (n == 1 && p[0] == L'.') {
			/* nothing */
		} else if (n == 2 && p[0] == L'.' && p[1] == L'.') {
			if (b->len > mark) {
				b->len--;	/* the '\' after the last component */
				while (b->len > mark && b->s[b->len - 1] != L'\\')
					b->len--;
			}
		} else {
			if (!last && p[n - 1] == L'.')
				n--;
			put_n(b, p, n);
			if (!last)
				put(b, L'\\');
		}
		if (last) {
			if ((n <= 2 && p[0] == L'.' && (n == 1 || p[1] == L'.')) && b->len > mark)
				b->len--;	/* "a\." and "a\b\..": no trailing '\' */
			while (b->len > mark && (b->s[b->len - 1] == L'.' || b->s[b->len - 1] == L' '))
				b->len--;
		}
		p = q;
	}
}

/*
 * The full DOS path of name into out (cap units with the NUL); *len its
 * length.  STATUS_OBJECT_NAME_INVALID for an empty name,
 * STATUS_NAME_TOO_LONG when it does not fit.
 */
static NTSTATUS full_path(const WCHAR *name, WCHAR *out, SIZE_T cap, SIZE_T *len)
{
	struct pbuf b = { .s = out, .cap = cap };
	SIZE_T cn, mark;
	const WCHAR *cwd = cur_dir(&cn);
	if (!name || !*name)
		return STATUS_OBJECT_NAME_INVALID;
	if (IS_SEP(name[0]) && IS_SEP(name[1]) && (name[2] == L'?' || name[2] == L'.') && IS_SEP(name[3])) {
		if (name[2] == L'?') {	/* \\?\: verbatim */
			put_n(&b, name, wlen(name));
			goto done;
		}
		put_n(&b, L"\\\\.\\", 4);	/* \\.\device\rest */
		mark = 4;
		collapse(&b, mark, name + 4);
		goto done;
	}
	if (IS_SEP(name[0]) && IS_SEP(name[1])) {	/* \\server\share\rest */
		const WCHAR *p = name + 2;
		put_n(&b, L"\\\\", 2);
		for (int part = 0; part < 2 && *p; part++) {
			while (*p && !IS_SEP(*p))
				put(&b, *p++);
			if (*p) {
				put(&b, L'\\');
				p++;
			}
		}
		mark = b.len;
		collapse(&b, mark, p);
		goto done;
	}
	const WCHAR *rest;
	if (name[0] && name[1] == L':') {
		WCHAR d = upper_ascii(name[0]);
		if (IS_SEP(name[2]) || upper_ascii(cwd[0]) != d) {	/* X:\rest, or X:rest on another drive */
			put(&b, d);
			put_n(&b, L":\\", 2);
		} else {						/* C:rest: the current directory */
			put_n(&b, cwd, cn);
		}
		rest = name + 2;
	} else if (IS_SEP(name[0])) {				/* \rest: the current drive's root */
		put_n(&b, cwd, 2);
		put(&b, L'\\');
		rest = name;
	} else {
		put_n(&b, cwd, cn);
		rest = name;
	}
	mark = 3;
	collapse(&b, mark, rest);
done:
	if (b.over)
		return STATUS_NAME_TOO_LONG;
	out[b.len] = 0;
	*len = b.len;
	return STATUS_SUCCESS;
}

/* The last component of a full path (NULL when it ends in a separator). */
static WCHAR *file_part_of(WCHAR *s, SIZE_T len)
{
	if (!len || s[len - 1] == L'\\')
		return NULL;
	SIZE_T i = len;
	while (i && s[i - 1] != L'\\')
		i--;
	return s + i;
}

/*
 * RtlGetFullPathName_U: the full path of name into buffer (size bytes); the
 * length in bytes without the NUL, or the bytes needed (NUL included) when it
 * does not fit; 0 on error.  *file_part: the last component or NULL.
 */
ULONG NTAPI RtlGetFullPathName_U(PCWSTR name, ULONG size, PWSTR buffer, PWSTR *file_part)
{
	WCHAR tmp[RTL_PATH_MAX];
	SIZE_T len;
	if (file_part)
		*file_part = NULL;
	if (!NT_SUCCESS(full_path(name, tmp, RTL_PATH_MAX, &len)))
		return 0;
	if ((len + 1) * sizeof(WCHAR) > size)
		return (ULONG)((len + 1) * sizeof(WCHAR));
	memcpy(buffer, tmp, (len + 1) * sizeof(WCHAR));
	if (file_part)
		*file_part = file_part_of(buffer, len);
	return (ULONG)(len * sizeof(WCHAR));
}

/* MmGetFullPathName (project export): full_path with its status; *len in units. */
NTSTATUS NTAPI MmGetFullPathName(PCWSTR Name, PWSTR Buffer, ULONG Units, PULONG Length)
{
	SIZE_T len;
	NTSTATUS st = full_path(Name, Buffer, Units, &len);
	if (NT_SUCCESS(st) && Length)
		*Length = (ULONG)len;
	return st;
}

/*
 * MmDosPathToNtPath (project export): the NT name of a DOS path into Buffer
 * (Units units with the NUL): "\??\" + the full path; "\\?\X" -> "\??\X";
 * "\\server\share" -> "\??\UNC\server\share".  *Length in units.
 */
NTSTATUS NTAPI MmDosPathToNtPath(PCWSTR Name, PWSTR Buffer, ULONG Units, PULONG Length)
{
	if (Units < 8)
		return STATUS_NAME_TOO_LONG;
	if (!Name || !*Name)
		return STATUS_OBJECT_NAME_INVALID;
	memcpy(Buffer, L"\\??\\", 4 * sizeof(WCHAR));
	SIZE_T len;
	if (Name[0] == L'\\' && Name[1] == L'\\' && Name[2] == L'?' && Name[3] == L'\\') {
		len = wlen(Name + 4);
		if (len + 5 > Units)
			return STATUS_NAME_TOO_LONG;
		memcpy(Buffer + 4, Name + 4, (len + 1) * sizeof(WCHAR));
		*Length = (ULONG)(len + 4);
		return STATUS_SUCCESS;
	}
	NTSTATUS st = full_path(Name, Buffer + 4, Units - 4, &len);
	if (!NT_SUCCESS(st))
		return st;
	if (Buffer[4] == L'\\' && Buffer[5] == L'\\') {
		if (Buffer[6] == L'.' && Buffer[7] == L'\\') {	/* \\.\X -> \??\X */
			memmove(Buffer + 4, Buffer + 8, (len - 3) * sizeof(WCHAR));
			len -= 4;
		} else {					/* \\s\x -> \??\UNC\s\x */
			if (len + 4 + 2 + 1 > Units)
				return STATUS_NAME_TOO_LONG;
			memmove(Buffer + 7, Buffer + 5, len * sizeof(WCHAR));
			memcpy(Buffer + 4, L"UNC", 3 * sizeof(WCHAR));
			len += 2;
		}
	}
	*Length = (ULONG)(len + 4);
	return STATUS_SUCCESS;
}

/*
 * RtlDosPathNameToNtPathName_U: NtName gets a new buffer (free it with
 * RtlFreeUnicodeString); *FilePart points into it at the last component;
 * DirectoryInfo (RTL_RELATIVE_NAME_U, 32 bytes) is zeroed: never relative.
 */
BOOL NTAPI RtlDosPathNameToNtPathName_U(PCWSTR DosPathName, PUNICODE_STRING NtPathName, PCWSTR *NtFileNamePart,
					VOID *DirectoryInfo)
{
	WCHAR tmp[RTL_PATH_MAX + 8];
	ULONG len;
	if (NtFileNamePart)
		*NtFileNamePart = NULL;
	if (DirectoryInfo)
		memset(DirectoryInfo, 0, 32);
	if (!NT_SUCCESS(MmDosPathToNtPath(DosPathName, tmp, RTL_PATH_MAX + 8, &len)))
		return FALSE;
	WCHAR *s = ldr_alloc_pages((len + 1) * sizeof(WCHAR));
	if (!s)
		return FALSE;
	memcpy(s, tmp, (len + 1) * sizeof(WCHAR));
	NtPathName->Buffer = s;
	NtPathName->Length = (USHORT)(len * sizeof(WCHAR));
	NtPathName->MaximumLength = (USHORT)((len + 1) * sizeof(WCHAR));
	if (NtFileNamePart)
		*NtFileNamePart = file_part_of(s, len);
	return TRUE;
}

/*
 * RtlGetCurrentDirectory_U: the current directory without its trailing
 * backslash (but "C:\" for the root) into buffer (size bytes); its length in
 * bytes, or the bytes needed (NUL included) when it does not fit.
 */
ULONG NTAPI RtlGetCurrentDirectory_U(ULONG size, PWSTR buffer)
{
	SIZE_T n;
	const WCHAR *cwd = cur_dir(&n);
	if (n > 3 && cwd[n - 1] == L'\\')
		n--;
	if ((n + 1) * sizeof(WCHAR) > size)
		return (ULONG)((n + 1) * sizeof(WCHAR));
	memcpy(buffer, cwd, n * sizeof(WCHAR));
	buffer[n] = 0;
	return (ULONG)(n * sizeof(WCHAR));
}

/*
 * RtlSetCurrentDirectory_U: path (relative to the current directory) must
 * be a directory; it is opened (FILE_TRAVERSE, sharing read and write but not
 * delete, as Windows: the current directory cannot be removed) and stored
 * with a trailing backslash.  STATUS_NAME_TOO_LONG past MAX_PATH - 1 units.
 */
NTSTATUS NTAPI RtlSetCurrentDirectory_U(PUNICODE_STRING path)
{
	struct process_parameters *pp = PEB_PARAMS(ldr_peb());
	WCHAR name[RTL_PATH_MAX], full[RTL_PATH_MAX + 8];
	SIZE_T n = path ? path->Length / sizeof(WCHAR) : 0;
	if (n >= RTL_PATH_MAX)
		return STATUS_NAME_TOO_LONG;
	if (n)
		memcpy(name, path->Buffer, n * sizeof(WCHAR));
	name[n] = 0;
	ULONG len;
	NTSTATUS st = MmDosPathToNtPath(name, full, RTL_PATH_MAX + 8, &len);
	if (!NT_SUCCESS(st))
		return st;
	if (full[4] == L'\\' || len < 6 || full[5] != L':')
		return STATUS_OBJECT_PATH_NOT_FOUND;	/* only drive paths */
	if (full[len - 1] != L'\\') {
		if (len + 2 > RTL_PATH_MAX + 8)
			return STATUS_NAME_TOO_LONG;
		full[len++] = L'\\';
		full[len] = 0;
	}
	SIZE_T dos_len = len - 4;
	if ((dos_len + 1) * sizeof(WCHAR) > pp->CurrentDirectoryPath.MaximumLength)
		return STATUS_NAME_TOO_LONG;
	UNICODE_STRING us = { .Buffer = full, .Length = (USHORT)(len * sizeof(WCHAR)),
			      .MaximumLength = (USHORT)(len * sizeof(WCHAR)) };
	OBJECT_ATTRIBUTES oa = { .Length = sizeof(oa), .ObjectName = &us };
	IO_STATUS_BLOCK io;
	HANDLE h;
	st = NtOpenFile(&h, FILE_TRAVERSE | SYNCHRONIZE, &oa, &io, FILE_SHARE_READ | FILE_SHARE_WRITE,
			FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
	if (!NT_SUCCESS(st))
		return st;
	HANDLE old = pp->CurrentDirectoryHandle;
	memcpy(pp->CurrentDirectoryPath.Buffer, full + 4, (dos_len + 1) * sizeof(WCHAR));
	pp->CurrentDirectoryPath.Length = (USHORT)(dos_len * sizeof(WCHAR));
	pp->CurrentDirectoryHandle = h;
	if (old)
		NtClose(old);
	return STATUS_SUCCESS;
}

/* RtlDetermineDosPathNameType_U: 1 UNC, 2 drive absolute, 3 drive relative, 4 rooted, 5 relative, 6 \\.\ , 7 \\.  */
ULONG NTAPI RtlDetermineDosPathNameType_U(PCWSTR path)
{
	if (!path || !*path)
		return 0;
	if (IS_SEP(path[0])) {
		if (!IS_SEP(path[1]))
			return 4;
		if ((path[2] == L'.' || path[2] == L'?') && IS_SEP(path[3]))
			return 6;
		if ((path[2] == L'.' || path[2] == L'?') && !path[3])
			return 7;
		return 1;
	}
	if (path[1] == L':')
		return IS_SEP(path[2]) ? 2 : 3;
	return 5;
}
