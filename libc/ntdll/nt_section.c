/*
 * libc/ntdll/nt_section.c - sections and handles with Windows' signatures
 * over the kernel's simplified calls (kernel/syscall_abi.h 18-22): names come
 * in OBJECT_ATTRIBUTES as UTF-16 and go to the kernel as ASCII bytes, the
 * size by pointer becomes a value, NtMapViewOfSection's ten arguments go in
 * one struct abi_map_view.
 */
#include "ntdll_private.h"

#define NAME_MAX_CHARS 260	/* MAX_PATH, the kernel's limit too */
#define BASE_NAMED_OBJECTS L"\\BaseNamedObjects\\"

/*
 * nt_object_name: the kernel's name for an object (sections, nt_sync.c): ObjectName less a leading
 * "\BaseNamedObjects\" (kernel32 adds it, as Windows does), ASCII only.
 * *len 0 for no name.  STATUS_OBJECT_NAME_INVALID for non-ASCII or too long.
 */
NTSTATUS nt_object_name(const OBJECT_ATTRIBUTES *oa, char *buf, SIZE_T *len)
{
	*len = 0;
	if (!oa || !oa->ObjectName || !oa->ObjectName->Length)
		return STATUS_SUCCESS;
	if (oa->RootDirectory)
		return STATUS_OBJECT_PATH_NOT_FOUND;	/* no object directories but the one namespace */
	const WCHAR *w = oa->ObjectName->Buffer;
	SIZE_T n = oa->ObjectName->Length / sizeof(WCHAR);
	const SIZE_T prefix = sizeof(BASE_NAMED_OBJECTS) / sizeof(WCHAR) - 1;
	if (n > prefix && memcmp(w, BASE_NAMED_OBJECTS, prefix * sizeof(WCHAR)) == 0) {
		w += prefix;
		n -= prefix;
	}
	if (n > NAME_MAX_CHARS)
		return STATUS_OBJECT_NAME_INVALID;
	for (SIZE_T i = 0; i < n; i++) {
		if (w[i] == 0 || w[i] > 0x7f)
			return STATUS_OBJECT_NAME_INVALID;
		buf[i] = (char)w[i];
	}
	*len = n;
	return STATUS_SUCCESS;
}

/*
 * NtCreateSection: pagefile-backed (FileHandle NULL) or over a file (its
 * handle; MaximumSize NULL or 0: the file's size): the kernel gets SEC_FILE
 * and a struct abi_section_file.  The handle gets SECTION_ALL_ACCESS
 * whatever DesiredAccess asks.  STATUS_OBJECT_NAME_EXISTS (a success) when a
 * section of that name exists: the handle is to it.
 */
NTSTATUS NTAPI NtCreateSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			       PLARGE_INTEGER MaximumSize, ULONG SectionPageProtection, ULONG AllocationAttributes,
			       HANDLE FileHandle)
{
	(void)DesiredAccess;
	char name[NAME_MAX_CHARS];
	SIZE_T len;
	NTSTATUS st = nt_object_name(ObjectAttributes, name, &len);
	if (!NT_SUCCESS(st))
		return st;
	ULONG64 size = MaximumSize ? (ULONG64)MaximumSize->QuadPart : 0;
	if (FileHandle) {
		struct abi_section_file f = { size, (ULONG_PTR)FileHandle };
		return NTCALL(SYSCALL6(SYS_NtCreateSection, SectionHandle, len ? name : NULL, len, &f,
				       SectionPageProtection, AllocationAttributes | SEC_FILE));
	}
	return NTCALL(SYSCALL6(SYS_NtCreateSection, SectionHandle, len ? name : NULL, len, size, SectionPageProtection,
			       AllocationAttributes));
}

/* NtOpenSection: a named section; STATUS_OBJECT_NAME_NOT_FOUND when none has that name. */
NTSTATUS NTAPI NtOpenSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
	char name[NAME_MAX_CHARS];
	SIZE_T len;
	NTSTATUS st = nt_object_name(ObjectAttributes, name, &len);
	if (!NT_SUCCESS(st))
		return st;
	if (!len)
		return STATUS_OBJECT_NAME_INVALID;
	return NTCALL(SYSCALL6(SYS_NtOpenSection, SectionHandle, DesiredAccess, name, len, 0, 0));
}

/*
 * NtMapViewOfSection: CommitSize is ignored (sections are committed as
 * SEC_COMMIT/SEC_RESERVE say); ZeroBits as NtAllocateVirtualMemory's (the
 * kernel checks it: 22-31 STATUS_INVALID_PARAMETER_4); InheritDisposition
 * ViewShare (1) or ViewUnmap (2) (fork always shares views).  Win32Protect
 * PAGE_NOACCESS maps a view every access of which faults.  BaseAddress and
 * ViewSize are in/out as on Windows.
 */
NTSTATUS NTAPI NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
				  SIZE_T CommitSize, PLARGE_INTEGER SectionOffset, PSIZE_T ViewSize,
				  ULONG InheritDisposition, ULONG AllocationType, ULONG Win32Protect)
{
	(void)CommitSize;
	if (!BaseAddress || !ViewSize)
		return STATUS_ACCESS_VIOLATION;
	if (InheritDisposition != 1 && InheritDisposition != 2)
		return STATUS_INVALID_PARAMETER_8;
	struct abi_map_view a = {
		.base = (ULONG_PTR)*BaseAddress,
		.offset = SectionOffset ? (ULONG64)SectionOffset->QuadPart : 0,
		.size = *ViewSize,
		.alloc_type = AllocationType,
		.protect = Win32Protect,
		.zero_bits = ZeroBits,
	};
	NTSTATUS st = NTCALL(SYSCALL3(SYS_NtMapViewOfSection, SectionHandle, ProcessHandle, &a));
	if (NT_SUCCESS(st)) {
		*BaseAddress = (PVOID)a.base;
		*ViewSize = a.size;
	}
	return st;
}

/* NtUnmapViewOfSection: the view containing BaseAddress. */
NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress)
{
	return NTCALL(SYSCALL2(SYS_NtUnmapViewOfSection, ProcessHandle, BaseAddress));
}

/*
 * NtFlushVirtualMemory: write the pages of a file view in [*BaseAddress,
 * +*RegionSize) (0: to the view's end) to the file and wait.
 * STATUS_NOT_MAPPED_VIEW outside a view; a pagefile-backed view has nothing
 * to write.  *BaseAddress is rounded down to its page.
 */
NTSTATUS NTAPI NtFlushVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
				    PIO_STATUS_BLOCK IoStatus)
{
	if (!BaseAddress || !RegionSize)
		return STATUS_ACCESS_VIOLATION;
	NTSTATUS st = NTCALL(SYSCALL6(SYS_NtUnmapViewOfSection, ProcessHandle, *BaseAddress, ABI_VIEW_FLUSH,
				       *RegionSize, 0, 0));
	if (IoStatus) {
		IoStatus->Status = st;
		IoStatus->Information = 0;
	}
	if (NT_SUCCESS(st))
		*BaseAddress = (PVOID)((ULONG_PTR)*BaseAddress & ~(ULONG_PTR)0xfff);
	return st;
}

/* NtClose: any kernel handle. */
NTSTATUS NTAPI NtClose(HANDLE Handle)
{
	return NTCALL(SYSCALL1(SYS_NtClose, Handle));
}
