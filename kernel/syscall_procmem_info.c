/*
 * kernel/syscall_procmem_info.c - NtQueryVirtualMemory's region classes
 * (issue 21): MemoryRegionInformation (the allocation holding an address:
 * base, protection, type flags, size, committed bytes) and
 * MemoryMappedFilenameInformation (a file view's file as Windows names it,
 * \Device\HarddiskVolume1\dir\name).  Same rules as kernel/syscall.c:
 * arguments checked, output probed before it is written.  docs/processes.md.
 */
#include "file.h"
#include "fs/fat.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "syscall_abi_file.h"
#include "uaccess.h"
#include "mm/image.h"
#include "mm/kheap.h"
#include "mm/procmem.h"
#include "mm/section.h"

#include <stddef.h>

#define STATUS_BUFFER_OVERFLOW_PI ((ntstatus_t)0x80000005)
#define STATUS_FILE_INVALID_PI    ((ntstatus_t)0xC0000098)
#define STATUS_INVALID_INFO_CLASS_PI ((ntstatus_t)0xC0000003)

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

/* MEMORY_REGION_INFORMATION (x64): 0x20 bytes before Windows 10 1903, then PartitionId and NodePreference. */
struct region_info {
	uint64_t allocation_base;
	uint32_t allocation_protect, region_type;
	uint64_t region_size, commit_size;
	uint64_t partition_id, node_preference;
};
_Static_assert(sizeof(struct region_info) == 0x30, "MEMORY_REGION_INFORMATION is 0x30 bytes");

/* UNICODE_STRING (x64), the header of MEMORY_SECTION_NAME. */
struct ustring {
	uint16_t length, maximum_length;
	uint32_t pad;
	uint64_t buffer;
};

/* Write the name of file or image view section s at ubuf (len bytes): *ret the bytes it needs. */
static ntstatus_t put_filename(struct section *s, uint64_t ubuf, uint64_t len, uint64_t *ret)
{
	static const char dev[] = ABI_VOLUME_DEVICE_NAME;
	uint32_t devlen = sizeof(dev) - 1;
	uint16_t *w = kmalloc((ABI_FILE_PATH_MAX + devlen + 1) * sizeof(uint16_t));
	if (!w)
		return STATUS_INSUFFICIENT_RESOURCES;
	for (uint32_t i = 0; i < devlen; i++)
		w[i] = (uint8_t)dev[i];
	uint32_t units = devlen;
	if (s->image)	/* an image view: the image's file (mm/image.h) */
		units += image_file_name(s->image, w + devlen, ABI_FILE_PATH_MAX);
	else
		units += file_node_path(container_of(s->file, struct fat_node, pc), w + devlen, ABI_FILE_PATH_MAX);
	w[units] = 0;
	ntstatus_t st = STATUS_SUCCESS;
	uint64_t bytes = (uint64_t)units * 2;
	*ret = sizeof(struct ustring) + bytes + 2;
	if (bytes + 2 > 0xffff)
		st = STATUS_FILE_INVALID_PI;	/* no UNICODE_STRING holds it */
	else if (len < *ret)
		st = STATUS_BUFFER_OVERFLOW_PI;
	else {
		struct ustring u = { (uint16_t)bytes, (uint16_t)(bytes + 2), 0, ubuf + sizeof(struct ustring) };
		if (copy_to_user(ubuf, &u, sizeof(u)) || copy_to_user(ubuf + sizeof(u), w, bytes + 2))
			st = STATUS_ACCESS_VIOLATION;
	}
	kfree(w);
	return st;
}

/*
 * NtQueryVirtualMemory(process, addr, class, buf, len, ret): class
 * ABI_MemoryRegionInformation (len at least 0x20: 0x20 or 0x30 bytes
 * written) or ABI_MemoryMappedFilenameInformation (too small:
 * STATUS_BUFFER_OVERFLOW with *ret the size; not a file view:
 * STATUS_FILE_INVALID).  Free memory: STATUS_INVALID_ADDRESS.
 */
ntstatus_t procmem_query_region(struct vm_space *vm, struct trap_frame *tf)
{
	uint64_t addr = tf->rsi, cls = tf->rdx, ubuf = tf->r10, len = tf->r8, uret = tf->r9, ret = 0;
	bool region = cls == ABI_MemoryRegionInformation;
	if (!region && cls != ABI_MemoryMappedFilenameInformation)
		return STATUS_INVALID_INFO_CLASS_PI;
	if (region && len < 0x20)
		return STATUS_INFO_LENGTH_MISMATCH;
	if (MISALIGNED(ubuf, 8) || MISALIGNED(uret, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (!user_range_ok(ubuf, len) || (uret && !user_range_ok(uret, 8)))
		return STATUS_ACCESS_VIOLATION;
	struct vm_region_info r;
	struct section *file = NULL;
	ntstatus_t st = vm_region_info(vm, addr, &r, region ? NULL : &file);
	if (st)
		return st;
	if (region) {
		struct region_info out = { r.base, r.alloc_protect, r.type, r.size, r.commit, 0, 0 };
		ret = len >= sizeof(out) ? sizeof(out) : 0x20;
		if (copy_to_user(ubuf, &out, ret))
			return STATUS_ACCESS_VIOLATION;
	} else if (!file) {
		return STATUS_FILE_INVALID_PI;
	} else {
		st = put_filename(file, ubuf, len, &ret);
		obj_unref(&file->obj);
		if (st && st != STATUS_BUFFER_OVERFLOW_PI)
			return st;
	}
	if (uret && copy_to_user(uret, &ret, 8))
		return STATUS_ACCESS_VIOLATION;
	return st;
}
