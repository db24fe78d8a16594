/*
 * kernel/file.h - file objects: what an NtCreateFile handle refers to
 * (kernel/syscall_abi.h "File system calls", docs/files.md).  A file object
 * holds the granted access, the share mode, the file pointer, the
 * directory-enumeration state and owns byte-range locks; every file object
 * of one file or directory shares its fat_node (kernel/fs/fat.h).
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include "object.h"
#include "fs/fat.h"

#define KOBJ_FILE_TYPE KOBJ_FILE

#define FA_READ_DATA        0x0001
#define FA_WRITE_DATA       0x0002
#define FA_APPEND_DATA      0x0004
#define FA_READ_EA          0x0008
#define FA_WRITE_EA         0x0010
#define FA_EXECUTE          0x0020
#define FA_READ_ATTRIBUTES  0x0080
#define FA_WRITE_ATTRIBUTES 0x0100
#define FA_DELETE           0x10000
#define FA_READ_CONTROL     0x20000
#define FA_SYNCHRONIZE      0x100000
#define FA_ALL_ACCESS       0x1f01ff

struct file_lock {
	uint64_t off, len;
	bool excl;
	struct file_obj *owner;
	struct file_lock *next;
};

struct file_obj {
	struct kobject obj;
	struct fat_node *node;
	uint32_t access, share, options;
	uint64_t pos;
	bool delete_on_close;
	/* NtQueryDirectoryFile */
	bool dir_started;
	uint32_t dir_pos;
	uint16_t *pattern;
	uint32_t pattern_len;
};

/* Mount C: (the virtio-blk disk with serial "cdrive"); without one, every path call fails. */
void file_init(void);
/* Write everything dirty and drop what nobody holds (the leak oracle, power-off). */
void file_idle(void);

/*
 * Open or create path (UTF-16, len units) as NtCreateFile (struct
 * abi_create_file's fields); *out a new file object with one reference,
 * *info FILE_CREATED etc.
 */
ntstatus_t file_open(const uint16_t *path, uint32_t len, uint32_t access, uint32_t share, uint32_t disposition,
		     uint32_t options, uint32_t attributes, struct file_obj **out, uint64_t *info);
/* Walk path to its node (referenced), without opening it; NtDeleteFile and NtQueryFullAttributesFile. */
ntstatus_t file_lookup(const uint16_t *path, uint32_t len, struct fat_node **out);

/* Read at offset (ABI_FILE_USE_FILE_POINTER: the position); balance runs before a page is added to the cache. */
ntstatus_t file_read(struct file_obj *f, uint64_t ubuf, uint32_t len, int64_t offset, uint32_t *done,
		     void (*balance)(void));
ntstatus_t file_write(struct file_obj *f, uint64_t ubuf, uint32_t len, int64_t offset, uint32_t *done);
ntstatus_t file_lock(struct file_obj *f, int64_t off, int64_t len, uint32_t flags);
ntstatus_t file_unlock(struct file_obj *f, int64_t off, int64_t len);
/* Sleep until a lock of f's file goes (an unlock or a close); the caller then tries again. */
void file_lock_wait(struct file_obj *f);
/* Delete the node (NtDeleteFile, FileDispositionInformation): checks, then pending until the last close. */
ntstatus_t file_mark_delete(struct fat_node *n, bool by_handle);
/* Rename the node to path (FileRenameInformation). */
ntstatus_t file_rename(struct file_obj *f, const uint16_t *path, uint32_t len, bool replace);
/* The node's path from the root ("\\dir\\name"), at most max units; its full length. */
uint32_t file_node_path(struct fat_node *n, uint16_t *out, uint32_t max);

/*
 * CreateFileMapping on a file: a section over f's page cache (mm/section.h,
 * section_create_file).  protect needs read access, and write or execute
 * access for writable or executable protections (STATUS_ACCESS_DENIED);
 * size 0 is the file's size (STATUS_MAPPED_FILE_SIZE_ZERO for an empty
 * file); a larger size grows the file for PAGE_READWRITE and
 * PAGE_EXECUTE_READWRITE, else STATUS_SECTION_TOO_BIG.  attributes
 * SEC_COMMIT, SEC_RESERVE or 0 (all alike for a file).
 */
struct section;
ntstatus_t file_create_section(struct file_obj *f, uint64_t size, uint32_t protect, uint32_t attributes,
			       const char *name, struct section **out);

/* kernel/syscall_file.c: the handlers kernel/syscall.c dispatches to. */
struct trap_frame;
ntstatus_t sys_create_file(struct trap_frame *tf);
ntstatus_t sys_read_file(struct trap_frame *tf);
ntstatus_t sys_write_file(struct trap_frame *tf);
ntstatus_t sys_query_info_file(struct trap_frame *tf);
ntstatus_t sys_set_info_file(struct trap_frame *tf);
ntstatus_t sys_query_directory_file(struct trap_frame *tf);
ntstatus_t sys_flush_buffers_file(struct trap_frame *tf);
ntstatus_t sys_lock_file(struct trap_frame *tf);
ntstatus_t sys_unlock_file(struct trap_frame *tf);
ntstatus_t sys_query_volume_file(struct trap_frame *tf);
ntstatus_t sys_delete_file(struct trap_frame *tf);
ntstatus_t sys_query_full_attributes_file(struct trap_frame *tf);

#endif
