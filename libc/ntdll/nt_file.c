/*
 * libc/ntdll/nt_file.c - the file system calls with Windows' signatures over
 * the kernel's (kernel/syscall_abi.h 37-48, "File system calls"): the name
 * comes in OBJECT_ATTRIBUTES (an NT path "\??\C:\..." or "C:\..."), the
 * arguments the kernel does not take (events, APCs, keys, EAs) must be
 * absent, byte offsets by pointer become values, NtLockFile's two BOOLEANs
 * become LOCKFILE flags.  All I/O is synchronous.
 */
#include "ntdll_private.h"

/* Windows' special byte offsets (LowPart, HighPart -1). */
#define WIN_FILE_WRITE_TO_END_OF_FILE      0xFFFFFFFFu
#define WIN_FILE_USE_FILE_POINTER_POSITION 0xFFFFFFFEu

#define SYSCALL4(n, a, b, c, d) SYSCALL6(n, a, b, c, d, 0, 0)

/* The name in oa (NULL when absent); STATUS_INVALID_PARAMETER for a RootDirectory (relative opens are not supported). */
static NTSTATUS file_name(const OBJECT_ATTRIBUTES *oa, const WCHAR **path, ULONG *bytes)
{
	if (!oa || !oa->ObjectName)
		return STATUS_OBJECT_NAME_INVALID;
	if (oa->RootDirectory)
		return STATUS_INVALID_PARAMETER;
	*path = oa->ObjectName->Buffer;
	*bytes = oa->ObjectName->Length;
	return STATUS_SUCCESS;
}

/* The kernel's offset for a Windows ByteOffset (NULL: the file pointer). */
static LONG64 byte_offset(const LARGE_INTEGER *off, BOOLEAN write)
{
	if (!off)
		return ABI_FILE_USE_FILE_POINTER;
	if (off->HighPart == -1 && off->LowPart == WIN_FILE_USE_FILE_POINTER_POSITION)
		return ABI_FILE_USE_FILE_POINTER;
	if (write && off->HighPart == -1 && off->LowPart == WIN_FILE_WRITE_TO_END_OF_FILE)
		return ABI_FILE_WRITE_TO_END;
	return off->QuadPart;
}

/*
 * NtCreateFile: open or create; AllocationSize is ignored, EAs are refused
 * (STATUS_EAS_NOT_SUPPORTED).  IoStatusBlock->Information is FILE_CREATED etc.
 */
NTSTATUS NTAPI NtCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			    PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
			    ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
			    ULONG EaLength)
{
	(void)AllocationSize;
	if (EaBuffer || EaLength)
		return STATUS_EAS_NOT_SUPPORTED;
	struct abi_create_file a = {
		.access = DesiredAccess,
		.attributes = FileAttributes,
		.share = ShareAccess,
		.disposition = CreateDisposition,
		.options = CreateOptions,
	};
	const WCHAR *path;
	ULONG bytes;
	NTSTATUS st = file_name(ObjectAttributes, &path, &bytes);
	if (!NT_SUCCESS(st))
		return st;
	a.path = (const unsigned short *)path;
	a.path_bytes = bytes;
	return NTCALL(SYSCALL3(SYS_NtCreateFile, FileHandle, &a, IoStatusBlock));
}

/* NtOpenFile: NtCreateFile with FILE_OPEN and no attributes. */
NTSTATUS NTAPI NtOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			  PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess, ULONG OpenOptions)
{
	return NtCreateFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, NULL, 0, ShareAccess,
			    FILE_OPEN, OpenOptions, NULL, 0);
}

/* NtReadFile: synchronous; Event and ApcRoutine must be NULL (STATUS_INVALID_PARAMETER), Key is ignored. */
NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
			  PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
			  PULONG Key)
{
	(void)ApcContext;
	(void)Key;
	if (Event || ApcRoutine)
		return STATUS_INVALID_PARAMETER;
	return NTCALL(SYSCALL6(SYS_NtReadFile, FileHandle, Buffer, Length, byte_offset(ByteOffset, FALSE),
			       IoStatusBlock, 0));
}

/* NtWriteFile: as NtReadFile; ByteOffset FILE_WRITE_TO_END_OF_FILE appends. */
NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
			   PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
			   PULONG Key)
{
	(void)ApcContext;
	(void)Key;
	if (Event || ApcRoutine)
		return STATUS_INVALID_PARAMETER;
	return NTCALL(SYSCALL6(SYS_NtWriteFile, FileHandle, Buffer, Length, byte_offset(ByteOffset, TRUE),
			       IoStatusBlock, 0));
}

/* NtQueryInformationFile: the classes of kernel/syscall_abi.h. */
NTSTATUS NTAPI NtQueryInformationFile(HANDLE hFile, PIO_STATUS_BLOCK io, PVOID ptr, ULONG len,
				      FILE_INFORMATION_CLASS FileInformationClass)
{
	return NTCALL(SYSCALL6(SYS_NtQueryInformationFile, hFile, io, ptr, len, FileInformationClass, 0));
}

/* NtSetInformationFile: basic, rename, disposition, position, end of file, allocation. */
NTSTATUS NTAPI NtSetInformationFile(HANDLE hFile, PIO_STATUS_BLOCK io, PVOID ptr, ULONG len,
				    FILE_INFORMATION_CLASS FileInformationClass)
{
	return NTCALL(SYSCALL6(SYS_NtSetInformationFile, hFile, io, ptr, len, FileInformationClass, 0));
}

/*
 * NtQueryDirectoryFile: FileBothDirectoryInformation only, one entry per
 * call whatever ReturnSingleEntry says (Windows may return several; callers
 * follow NextEntryOffset, which is 0).  Synchronous: no Event or APC.
 */
NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
				    PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation, ULONG Length,
				    FILE_INFORMATION_CLASS FileInformationClass, BOOLEAN ReturnSingleEntry,
				    PUNICODE_STRING FileName, BOOLEAN RestartScan)
{
	(void)ApcContext;
	(void)ReturnSingleEntry;
	if (Event || ApcRoutine)
		return STATUS_INVALID_PARAMETER;
	if (FileInformationClass != FileBothDirectoryInformation)
		return STATUS_INVALID_INFO_CLASS;
	/* UNICODE_STRING and struct abi_unicode_string have the same layout. */
	return NTCALL(SYSCALL6(SYS_NtQueryDirectoryFile, FileHandle, IoStatusBlock, FileInformation, Length,
			       RestartScan ? ABI_DIR_RESTART_SCAN : 0, FileName));
}

/* NtFlushBuffersFile: the file's data and metadata are on the disk when it returns. */
NTSTATUS NTAPI NtFlushBuffersFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock)
{
	return NTCALL(SYSCALL2(SYS_NtFlushBuffersFile, FileHandle, IoStatusBlock));
}

/*
 * NtLockFile: a byte-range lock owned by the handle's file object; without
 * FailImmediately a conflict waits until the range is free (an unlock or a
 * close), with it it is STATUS_LOCK_NOT_GRANTED.
 */
NTSTATUS NTAPI NtLockFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
			  PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER ByteOffset, PLARGE_INTEGER Length, ULONG Key,
			  BOOLEAN FailImmediately, BOOLEAN ExclusiveLock)
{
	(void)ApcContext;
	(void)Key;
	if (Event || ApcRoutine)
		return STATUS_INVALID_PARAMETER;
	if (!ByteOffset || !Length)
		return STATUS_ACCESS_VIOLATION;
	ULONG flags = (FailImmediately ? ABI_LOCKFILE_FAIL_IMMEDIATELY : 0) |
		      (ExclusiveLock ? ABI_LOCKFILE_EXCLUSIVE_LOCK : 0);
	NTSTATUS st = NTCALL(SYSCALL4(SYS_NtLockFile, FileHandle, ByteOffset->QuadPart, Length->QuadPart, flags));
	if (IoStatusBlock && st != STATUS_INVALID_HANDLE) {
		IoStatusBlock->Status = st;
		IoStatusBlock->Information = 0;
	}
	return st;
}

/* NtUnlockFile: the exact range of a lock this file object holds. */
NTSTATUS NTAPI NtUnlockFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER ByteOffset,
			    PLARGE_INTEGER Length, ULONG Key)
{
	(void)Key;
	if (!ByteOffset || !Length)
		return STATUS_ACCESS_VIOLATION;
	NTSTATUS st = NTCALL(SYSCALL3(SYS_NtUnlockFile, FileHandle, ByteOffset->QuadPart, Length->QuadPart));
	if (IoStatusBlock && st != STATUS_INVALID_HANDLE) {
		IoStatusBlock->Status = st;
		IoStatusBlock->Information = 0;
	}
	return st;
}

/* NtQueryVolumeInformationFile: volume, size, attribute and full size classes of C:. */
NTSTATUS NTAPI NtQueryVolumeInformationFile(HANDLE hFile, PIO_STATUS_BLOCK io, PVOID ptr, ULONG len,
					    FS_INFORMATION_CLASS FsInformationClass)
{
	return NTCALL(SYSCALL6(SYS_NtQueryVolumeInformationFile, hFile, io, ptr, len, FsInformationClass, 0));
}

/* MmDeleteFile (project export): NtDeleteFile with FILE_NON_DIRECTORY_FILE / FILE_DIRECTORY_FILE options. */
NTSTATUS NTAPI MmDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes, ULONG Options)
{
	const WCHAR *path;
	ULONG bytes;
	NTSTATUS st = file_name(ObjectAttributes, &path, &bytes);
	if (!NT_SUCCESS(st))
		return st;
	return NTCALL(SYSCALL3(SYS_NtDeleteFile, path, bytes, Options));
}

/* NtDeleteFile: a file or an empty directory, without opening a handle (pending while others have it open). */
NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes)
{
	return MmDeleteFile(ObjectAttributes, 0);
}

/* NtQueryFullAttributesFile: times, sizes and attributes by name. */
NTSTATUS NTAPI NtQueryFullAttributesFile(POBJECT_ATTRIBUTES ObjectAttributes, PVOID FileInformation)
{
	const WCHAR *path;
	ULONG bytes;
	NTSTATUS st = file_name(ObjectAttributes, &path, &bytes);
	if (!NT_SUCCESS(st))
		return st;
	return NTCALL(SYSCALL3(SYS_NtQueryFullAttributesFile, path, bytes, FileInformation));
}

/* NtQueryAttributesFile: FILE_BASIC_INFORMATION (times and attributes) by name. */
NTSTATUS NTAPI NtQueryAttributesFile(POBJECT_ATTRIBUTES ObjectAttributes, PVOID FileInformation)
{
	struct abi_file_network_open_info n;
	NTSTATUS st = NtQueryFullAttributesFile(ObjectAttributes, &n);
	if (NT_SUCCESS(st)) {
		struct abi_file_basic_info b = {
			.creation_time = n.creation_time,
			.last_access_time = n.last_access_time,
			.last_write_time = n.last_write_time,
			.change_time = n.change_time,
			.attributes = n.attributes,
		};
		memcpy(FileInformation, &b, sizeof(b));
	}
	return st;
}
