/*
 * kernel/syscall_abi_file.h - the file-system part of the native system-call
 * interface (SYS_NtCreateFile .. SYS_NtQueryFullAttributesFile, and the file
 * sections of SYS_NtCreateSection): paths, access, sharing, dispositions,
 * options, information classes, and the structures.  Included by
 * kernel/syscall_abi.h, which has the numbers and the calling convention.
 */
#ifndef KERNEL_SYSCALL_ABI_FILE_H
#define KERNEL_SYSCALL_ABI_FILE_H

/*
 * File system calls (SYS_NtCreateFile .. SYS_NtQueryFullAttributesFile).
 *
 * PATHS.  UTF-16LE, `path_bytes` bytes (even, not counting any NUL; a NUL
 * inside ends nothing: it is an invalid character).  Accepted forms, and only
 * these: "C:\a\b" and "\??\C:\a\b" (drive letter either case; only C:
 * exists, another letter gives STATUS_OBJECT_PATH_NOT_FOUND).  Separators are
 * '\' or '/'.  "C:\" (or "C:") is the root directory.  One trailing separator
 * is allowed ("C:\dir\").  Relative paths, "." and ".." components, empty
 * components ("a\\b"), names ending in '.' or ' ', wildcards and the
 * characters 0x00-0x1F " * : < > ? | give STATUS_OBJECT_NAME_INVALID
 * (kernel32's GetFullPathName does the resolving: current directory, '.',
 * '..', '/', trailing dots and spaces).  A component is at most 255 UTF-16
 * units, a path at most ABI_FILE_PATH_MAX units (STATUS_OBJECT_NAME_INVALID).
 * Names compare case-insensitively (simple upper case of ASCII, Latin-1,
 * Latin Extended-A, basic Greek and Cyrillic; other characters compare
 * exactly) and keep their case.  A
 * missing directory on the way: STATUS_OBJECT_PATH_NOT_FOUND; a missing last
 * component: STATUS_OBJECT_NAME_NOT_FOUND; a file used as a directory on the
 * way: STATUS_OBJECT_PATH_NOT_FOUND.
 *
 * ACCESS (ACCESS_MASK): the generic rights are mapped as Windows maps them for
 * files: GENERIC_READ -> FILE_GENERIC_READ (0x120089), GENERIC_WRITE ->
 * FILE_GENERIC_WRITE (0x120116), GENERIC_EXECUTE -> FILE_GENERIC_EXECUTE
 * (0x1200A0), GENERIC_ALL -> FILE_ALL_ACCESS (0x1F01FF); MAXIMUM_ALLOWED gives
 * FILE_ALL_ACCESS (less the write rights on a read-only file).  Rights checked:
 * FILE_READ_DATA (1) for NtReadFile, FILE_WRITE_DATA (2) or FILE_APPEND_DATA
 * (4) for NtWriteFile (a handle with APPEND_DATA and not WRITE_DATA always
 * writes at the end), FILE_LIST_DIRECTORY (1) for NtQueryDirectoryFile,
 * FILE_READ_ATTRIBUTES (0x80) for the query classes, FILE_WRITE_ATTRIBUTES
 * (0x100) for ABI_FileBasicInformation sets, FILE_WRITE_DATA for end of file,
 * DELETE (0x10000) for disposition and rename, FILE_READ_DATA or
 * FILE_WRITE_DATA for locks; missing: STATUS_ACCESS_DENIED.  Write rights on a
 * FILE_ATTRIBUTE_READONLY file, and FILE_DELETE_ON_CLOSE/disposition on one:
 * STATUS_ACCESS_DENIED (disposition: STATUS_CANNOT_DELETE).
 *
 * SHARING: Windows' rule.  Only FILE_READ_DATA|FILE_EXECUTE, FILE_WRITE_DATA|
 * FILE_APPEND_DATA and DELETE take part.  An open is refused with
 * STATUS_SHARING_VIOLATION when it asks for one of those an existing open of
 * the same file does not share (FILE_SHARE_READ 1, FILE_SHARE_WRITE 2,
 * FILE_SHARE_DELETE 4), or when it does not share one an existing open holds.
 * An open asking only for attributes/synchronize never conflicts.
 *
 * DISPOSITION (NtCreateFile): ABI_FILE_SUPERSEDE 0, ABI_FILE_OPEN 1,
 * ABI_FILE_CREATE 2, ABI_FILE_OPEN_IF 3, ABI_FILE_OVERWRITE 4,
 * ABI_FILE_OVERWRITE_IF 5 (CreateFile: CREATE_NEW 2, CREATE_ALWAYS 5,
 * OPEN_EXISTING 1, OPEN_ALWAYS 3, TRUNCATE_EXISTING 4).  iosb->information:
 * ABI_FILE_SUPERSEDED 0, ABI_FILE_OPENED 1, ABI_FILE_CREATED 2,
 * ABI_FILE_OVERWRITTEN 3.  ABI_FILE_CREATE on an existing name:
 * STATUS_OBJECT_NAME_COLLISION.  OVERWRITE/SUPERSEDE truncate to 0 and set the
 * attributes given (| ARCHIVE); on a directory they give
 * STATUS_FILE_IS_A_DIRECTORY, and with ABI_FILE_DIRECTORY_FILE they are
 * STATUS_INVALID_PARAMETER.  Creating: attributes are
 * FILE_ATTRIBUTE_{READONLY,HIDDEN,SYSTEM,ARCHIVE} of `attributes` | ARCHIVE
 * (a directory gets DIRECTORY); the new file's times are now.  The FAT volume
 * full: STATUS_DISK_FULL with nothing changed.  Opening a file whose delete is
 * pending: STATUS_DELETE_PENDING.
 *
 * OPTIONS (NtCreateFile): ABI_FILE_DIRECTORY_FILE (1): the object must be a
 * directory (creating makes a directory; a file: STATUS_NOT_A_DIRECTORY);
 * ABI_FILE_NON_DIRECTORY_FILE (0x40): must not be one
 * (STATUS_FILE_IS_A_DIRECTORY); ABI_FILE_DELETE_ON_CLOSE (0x1000): needs
 * DELETE access, the file goes when its last handle closes;
 * ABI_FILE_WRITE_THROUGH (2): every write is flushed before it returns.
 * FILE_SYNCHRONOUS_IO_[NON]ALERT (0x10/0x20), FILE_SEQUENTIAL_ONLY (4),
 * FILE_RANDOM_ACCESS (0x800) are accepted and change nothing (all I/O is
 * synchronous; read-ahead follows the access pattern).  Other bits:
 * STATUS_INVALID_PARAMETER.
 *
 * READ/WRITE.  `offset` >= 0 is a byte offset; ABI_FILE_USE_FILE_POINTER (-1)
 * uses the handle's file pointer; ABI_FILE_WRITE_TO_END (-2, writes only)
 * writes at the end of file.  The file pointer moves to the end of the
 * transfer in every case (as for a synchronous Windows handle).  A read at or
 * past the end: STATUS_END_OF_FILE, 0 bytes; a read across it is short.  A
 * write past the end extends the file (the gap reads as zeros).  The whole
 * user buffer is checked before anything moves: a bad buffer gives
 * STATUS_ACCESS_VIOLATION with nothing read or written and the pointer
 * unchanged.  A range another handle holds locked (exclusive; or shared, for
 * writes, by any handle): STATUS_FILE_LOCK_CONFLICT.  A disk error:
 * STATUS_DEVICE_DATA_ERROR (ERROR_CRC).  Length 0 succeeds.  A handle of a
 * directory: STATUS_INVALID_DEVICE_REQUEST.  The maximum file size is
 * 0xFFFFFFFF bytes (FAT32): beyond, STATUS_DISK_FULL.
 *
 * IO STATUS.  When the handle is valid and iosb is writable, iosb->status is
 * the returned status and iosb->information as described (0 on errors).
 *
 * INFORMATION CLASSES (Windows numbers and layouts, winternl.h/ntifs.h):
 *   ABI_FileBasicInformation 4      query, set: struct abi_file_basic_info.  Set: a
 *                                   time of 0 (or -1) keeps it; attributes 0 keeps
 *                                   them; DIRECTORY cannot be changed.  FAT keeps
 *                                   creation to 10 ms, last write to 2 s, last
 *                                   access to the day; ChangeTime = LastWriteTime.
 *   ABI_FileStandardInformation 5   query: struct abi_file_standard_info
 *   ABI_FileInternalInformation 6   query: ULONG64 index number (stable while the
 *                                   file exists: its first cluster, or the
 *                                   directory entry's position for an empty file)
 *   ABI_FileNameInformation 9       query: ULONG FileNameLength (bytes), WCHAR[]:
 *                                   the path from the root without the drive
 *                                   ("\dir\File.txt", names as stored);
 *                                   STATUS_BUFFER_OVERFLOW when cut short
 *   ABI_FileRenameInformation 10    set: struct abi_file_rename_info; the new name a
 *                                   full path (same forms as above; root_directory
 *                                   must be 0); needs DELETE on the handle.  An
 *                                   existing target: STATUS_OBJECT_NAME_COLLISION
 *                                   unless replace_if_exists (a directory target, or
 *                                   one that is open: STATUS_ACCESS_DENIED).  A
 *                                   directory into itself: STATUS_INVALID_PARAMETER.
 *   ABI_FileDispositionInformation 13  set: BOOLEAN delete_file (1 byte).  A
 *                                   non-empty directory: STATUS_DIRECTORY_NOT_EMPTY;
 *                                   read-only: STATUS_CANNOT_DELETE.  The file goes
 *                                   when the last handle closes.
 *   ABI_FilePositionInformation 14  query, set: LONG64 (negative:
 *                                   STATUS_INVALID_PARAMETER; past the end allowed)
 *   ABI_FileEndOfFileInformation 20 set: LONG64 new size (grows with zeros, or
 *                                   shrinks; > 0xFFFFFFFF: STATUS_DISK_FULL)
 *   ABI_FileAllocationInformation 19 set: LONG64 (only shrinking below the end of
 *                                   file changes anything: it truncates)
 * A buffer smaller than the class's fixed part: STATUS_INFO_LENGTH_MISMATCH;
 * another class: STATUS_INVALID_INFO_CLASS.
 *
 * VOLUME CLASSES (NtQueryVolumeInformationFile):
 *   ABI_FileFsVolumeInformation 1    struct abi_fs_volume_info + label (WCHAR[])
 *   ABI_FileFsSizeInformation 3      struct abi_fs_size_info
 *   ABI_FileFsAttributeInformation 5 struct abi_fs_attribute_info + "FAT32" (WCHAR[])
 *   ABI_FileFsFullSizeInformation 7  struct abi_fs_full_size_info
 * Free clusters come from the kernel's own count (kept exact, written to FSInfo).
 *
 * DIRECTORIES (NtQueryDirectoryFile): the handle must be a directory opened with
 * FILE_LIST_DIRECTORY.  The first call (or one with ABI_DIR_RESTART_SCAN)
 * takes `pattern` (NULL or empty: "*") and starts at the first entry; later
 * calls continue and ignore `pattern`.  Each call returns the next matching
 * entry as one struct abi_file_both_dir_info with the long name after it
 * (next_entry_offset 0).  Pattern: '*' any run of characters (dots
 * included), '?' any one character, case-insensitive, matched against the long
 * name or the 8.3 name; "*.*" is "*".  '.' and '..' are returned for
 * subdirectories (they are on disk), never for the root.  The first call
 * finding nothing: STATUS_NO_SUCH_FILE; the end: STATUS_NO_MORE_FILES; the
 * buffer too small for the entry: STATUS_BUFFER_OVERFLOW and the entry is not
 * consumed.  The volume label entry is never returned.
 *
 * LOCKS: byte ranges [offset, offset+length), length >= 0 (0: a zero-length
 * lock that conflicts with nothing); offset < 0 or a range passing 2^63:
 * STATUS_INVALID_PARAMETER / STATUS_INVALID_LOCK_RANGE.  Flags are
 * LockFileEx's: ABI_LOCKFILE_FAIL_IMMEDIATELY 1, ABI_LOCKFILE_EXCLUSIVE_LOCK 2.
 * A lock is owned by the handle's file object (every handle from one
 * NtCreateFile, fork's copies included).  Exclusive locks conflict with every
 * overlapping lock; shared ones with overlapping exclusive ones.  A conflict:
 * STATUS_LOCK_NOT_GRANTED with FAIL_IMMEDIATELY; without it the thread waits
 * until an unlock or a close frees the range (a handle closed meanwhile:
 * STATUS_INVALID_HANDLE).  An exclusive range: other
 * file objects cannot read or write it; a shared range: nobody can write it
 * (STATUS_FILE_LOCK_CONFLICT).  Unlock needs the exact range of a lock this
 * file object holds (exclusive first, then shared): else
 * STATUS_RANGE_NOT_LOCKED.  The last handle's close drops its locks.
 *
 * DELETE (NtDeleteFile): a file, or an empty directory (non-empty:
 * STATUS_DIRECTORY_NOT_EMPTY; the root: STATUS_CANNOT_DELETE).  options
 * ABI_FILE_NON_DIRECTORY_FILE refuses a directory (STATUS_FILE_IS_A_DIRECTORY:
 * DeleteFile's ERROR_ACCESS_DENIED), ABI_FILE_DIRECTORY_FILE refuses a file
 * (STATUS_NOT_A_DIRECTORY: RemoveDirectory's ERROR_DIRECTORY).  Read-only:
 * STATUS_CANNOT_DELETE.  Open by a handle that does not share DELETE:
 * STATUS_SHARING_VIOLATION; open by handles that all share it: the delete is
 * pending and happens at the last close (the name stays until then, opening
 * it gives STATUS_DELETE_PENDING).
 *
 * TIMES are FILETIME (100 ns since 1601-01-01), UTC; the volume stores the
 * same clock (no time zone).  The kernel's clock is the CMOS RTC read at boot
 * plus the time since.
 *
 * HANDLES are ordinary NT handles (kernel/object.c): NtClose closes them, fork
 * copies them (parent and child share the file object: file pointer, locks).
 */
#define ABI_FILE_PATH_MAX 32767		/* UTF-16 units */

struct abi_io_status {			/* IO_STATUS_BLOCK */
	int status;			/* NTSTATUS */
	unsigned int pad;
	unsigned long long information;
};

struct abi_unicode_string {		/* UNICODE_STRING */
	unsigned short length, maximum_length;	/* bytes */
	unsigned int pad;
	const unsigned short *buffer;
};

/* SYS_NtCreateFile's arguments (Windows' eleven, less OBJECT_ATTRIBUTES' extras and EAs). */
struct abi_create_file {
	const unsigned short *path;	/* UTF-16 */
	unsigned int path_bytes;
	unsigned int access;		/* ACCESS_MASK */
	unsigned int attributes;	/* FILE_ATTRIBUTE_* for a new file */
	unsigned int share;		/* FILE_SHARE_* */
	unsigned int disposition;	/* ABI_FILE_SUPERSEDE .. ABI_FILE_OVERWRITE_IF */
	unsigned int options;		/* ABI_FILE_* options */
	unsigned long long allocation_size;	/* ignored */
};

#define ABI_FILE_SUPERSEDE    0
#define ABI_FILE_OPEN         1
#define ABI_FILE_CREATE       2
#define ABI_FILE_OPEN_IF      3
#define ABI_FILE_OVERWRITE    4
#define ABI_FILE_OVERWRITE_IF 5

#define ABI_FILE_SUPERSEDED  0
#define ABI_FILE_OPENED      1
#define ABI_FILE_CREATED     2
#define ABI_FILE_OVERWRITTEN 3

#define ABI_FILE_DIRECTORY_FILE         0x00000001
#define ABI_FILE_WRITE_THROUGH          0x00000002
#define ABI_FILE_SEQUENTIAL_ONLY        0x00000004
/* FILE_FLAG_NO_BUFFERING: offsets, lengths and buffers in 512-byte units (else STATUS_INVALID_PARAMETER);
 * an open when no other handle has the file open flushes and purges its cached pages, as Windows' FAT
 * driver does.  The data itself still goes through the cache (added for issue 19's cold-read bench). */
#define ABI_FILE_NO_INTERMEDIATE_BUFFERING 0x00000008
#define ABI_FILE_SYNCHRONOUS_IO_ALERT   0x00000010
#define ABI_FILE_SYNCHRONOUS_IO_NONALERT 0x00000020
#define ABI_FILE_NON_DIRECTORY_FILE     0x00000040
#define ABI_FILE_RANDOM_ACCESS          0x00000800
#define ABI_FILE_DELETE_ON_CLOSE        0x00001000

#define ABI_FILE_USE_FILE_POINTER (-1LL)
#define ABI_FILE_WRITE_TO_END     (-2LL)

#define ABI_LOCKFILE_FAIL_IMMEDIATELY 1
#define ABI_LOCKFILE_EXCLUSIVE_LOCK   2

#define ABI_DIR_RESTART_SCAN 1

/* FILE_INFORMATION_CLASS values */
#define ABI_FileBasicInformation       4
#define ABI_FileStandardInformation    5
#define ABI_FileInternalInformation    6
#define ABI_FileNameInformation        9
#define ABI_FileRenameInformation      10
#define ABI_FileDispositionInformation 13
#define ABI_FilePositionInformation    14
#define ABI_FileAllocationInformation  19
#define ABI_FileEndOfFileInformation   20
/* FS_INFORMATION_CLASS values */
#define ABI_FileFsVolumeInformation    1
#define ABI_FileFsSizeInformation      3
#define ABI_FileFsAttributeInformation 5
#define ABI_FileFsFullSizeInformation  7

struct abi_file_basic_info {		/* FILE_BASIC_INFORMATION, 40 bytes */
	long long creation_time, last_access_time, last_write_time, change_time;
	unsigned int attributes, pad;
};

struct abi_file_standard_info {		/* FILE_STANDARD_INFORMATION, 24 bytes */
	long long allocation_size;	/* clusters * cluster size */
	long long end_of_file;
	unsigned int number_of_links;	/* 1 */
	unsigned char delete_pending, directory;
	unsigned char pad[2];
};

struct abi_file_rename_info {		/* FILE_RENAME_INFORMATION, 20 bytes + name */
	unsigned char replace_if_exists;
	unsigned char pad[7];
	unsigned long long root_directory;	/* must be 0 */
	unsigned int file_name_length;	/* bytes */
	unsigned short file_name[];	/* full path */
};

struct abi_file_network_open_info {	/* FILE_NETWORK_OPEN_INFORMATION, 56 bytes */
	long long creation_time, last_access_time, last_write_time, change_time;
	long long allocation_size, end_of_file;
	unsigned int attributes, pad;
};

struct abi_file_both_dir_info {		/* FILE_BOTH_DIR_INFORMATION, 94 bytes + name */
	unsigned int next_entry_offset;	/* 0 */
	unsigned int file_index;	/* the entry's index in its directory */
	long long creation_time, last_access_time, last_write_time, change_time;
	long long end_of_file, allocation_size;
	unsigned int attributes;
	unsigned int file_name_length;	/* bytes */
	unsigned int ea_size;		/* 0 */
	unsigned char short_name_length;	/* bytes; 0 when the long name is a valid 8.3 name as is */
	unsigned char pad;
	unsigned short short_name[12];
	unsigned short file_name[];	/* not NUL-terminated */
} __attribute__((packed));

struct abi_fs_volume_info {		/* FILE_FS_VOLUME_INFORMATION, 18 bytes + label */
	long long creation_time;	/* 0 */
	unsigned int serial_number;	/* the BPB's volume id */
	unsigned int label_length;	/* bytes */
	unsigned char supports_objects, pad;
	unsigned short label[];
} __attribute__((packed));

struct abi_fs_size_info {		/* FILE_FS_SIZE_INFORMATION, 24 bytes */
	long long total_units, available_units;	/* clusters */
	unsigned int sectors_per_unit, bytes_per_sector;
};

struct abi_fs_full_size_info {		/* FILE_FS_FULL_SIZE_INFORMATION, 32 bytes */
	long long total_units, caller_available_units, actual_available_units;
	unsigned int sectors_per_unit, bytes_per_sector;
};

struct abi_fs_attribute_info {		/* FILE_FS_ATTRIBUTE_INFORMATION, 12 bytes + name */
	unsigned int attributes;	/* FILE_CASE_PRESERVED_NAMES 2 | FILE_UNICODE_ON_DISK 4 */
	int max_component_length;	/* 255 */
	unsigned int name_length;	/* bytes */
	unsigned short name[];		/* "FAT32" */
};

#endif
