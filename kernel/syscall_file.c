/*
 * kernel/syscall_file.c - the file system calls (kernel/syscall_abi.h "File
 * system calls"): arguments copied in and output pointers probed before
 * anything changes, then kernel/file.c does the work.
 */
#include "file.h"
#include "proc.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "uaccess.h"
#include "mm/kheap.h"
#include "mm/swap.h"

#include <string.h>

#define W_FILE_ATTRIBUTE_NORMAL 0x80

static ntstatus_t get_file(uint64_t h, struct file_obj **f)
{
	struct kobject *o;
	uint32_t access;
	ntstatus_t st = handle_get(&current_process()->handles, h, KOBJ_FILE_TYPE, &o, &access);
	*f = st ? NULL : (struct file_obj *)o;
	return st;
}

/* Probe an IO_STATUS_BLOCK (writable, 8-byte aligned); its contents stay as they are until the call ends. */
static ntstatus_t probe_iosb(uint64_t u)
{
	if (MISALIGNED(u, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	return probe_user_write(u, sizeof(struct abi_io_status)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}

static ntstatus_t done_iosb(uint64_t u, ntstatus_t st, uint64_t info)
{
	struct abi_io_status s = { st, 0, info };
	copy_to_user(u, &s, sizeof(s));	/* probed */
	return st;
}

/* Copy a UTF-16 path of `bytes` bytes into a new kernel buffer (*len units). */
static ntstatus_t get_path(uint64_t u, uint64_t bytes, uint16_t **out, uint32_t *len)
{
	*out = NULL;
	if (bytes == 0 || (bytes & 1) || bytes > ABI_FILE_PATH_MAX * 2)
		return STATUS_OBJECT_NAME_INVALID;
	uint16_t *p = kmalloc(bytes);
	if (!p)
		return STATUS_NO_MEMORY;
	if (copy_from_user(p, u, bytes)) {
		kfree(p);
		return STATUS_ACCESS_VIOLATION;
	}
	*out = p;
	*len = (uint32_t)(bytes / 2);
	return STATUS_SUCCESS;
}

/* Memory for the pages a call may add to the cache: page out first when free frames run low. */
static void balance(void)
{
	vm_balance();
}

static uint32_t w_attr(uint8_t a)
{
	return a ? a : W_FILE_ATTRIBUTE_NORMAL;
}

static uint64_t alloc_size(uint64_t size)
{
	uint64_t cb = fat_c ? fat_c->cluster_bytes : 4096;
	return (size + cb - 1) / cb * cb;
}

ntstatus_t sys_create_file(struct trap_frame *tf)
{
	struct abi_create_file a;
	uint64_t h = 0;
	if (MISALIGNED(tf->rdi, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&h, tf->rdi, 8) || copy_to_user(tf->rdi, &h, 8) || copy_from_user(&a, tf->rsi, sizeof(a)))
		return STATUS_ACCESS_VIOLATION;
	ntstatus_t st = probe_iosb(tf->rdx);
	if (st)
		return st;
	uint16_t *path;
	uint32_t len;
	if ((st = get_path((uint64_t)a.path, a.path_bytes, &path, &len)))
		return done_iosb(tf->rdx, st, 0);
	struct file_obj *f;
	uint64_t info;
	balance();
	st = file_open(path, len, a.access, a.share, a.disposition, a.options, a.attributes, &f, &info);
	kfree(path);
	if (f) {
		ntstatus_t hs = handle_create(&current_process()->handles, &f->obj, f->access, &h);
		obj_unref(&f->obj);	/* the handle holds it now (or nothing does) */
		if (hs)
			return done_iosb(tf->rdx, hs, 0);
		copy_to_user(tf->rdi, &h, 8);	/* probed */
	}
	return done_iosb(tf->rdx, st, st ? 0 : info);
}

ntstatus_t sys_read_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	if (st || (st = probe_iosb(tf->r8)))
		return st;
	uint32_t done = 0;
	st = file_read(f, tf->rsi, (uint32_t)tf->rdx, (int64_t)tf->r10, &done, balance);	/* balanced only on a miss */
	return done_iosb(tf->r8, st, done);
}

ntstatus_t sys_write_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	if (st || (st = probe_iosb(tf->r8)))
		return st;
	uint32_t done = 0;
	balance();
	st = file_write(f, tf->rsi, (uint32_t)tf->rdx, (int64_t)tf->r10, &done);
	return done_iosb(tf->r8, st, done);
}

static void basic_info(const struct fat_node *n, struct abi_file_basic_info *b)
{
	b->creation_time = n->ctime;
	b->last_access_time = n->atime;
	b->last_write_time = b->change_time = n->mtime;
	b->attributes = w_attr(n->attr);
	b->pad = 0;
}

ntstatus_t sys_query_info_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	if (st || (st = probe_iosb(tf->rsi)))
		return st;
	struct fat_node *n = f->node;
	uint32_t len = (uint32_t)tf->r10, cls = (uint32_t)tf->r8, need = 0, size = 0;
	/* The small classes on the stack; only a name (64 KiB at most) is allocated. */
	union {
		struct abi_file_basic_info basic;
		struct abi_file_standard_info std;
		uint64_t u64;
	} small, *u = &small;
	struct {
		uint32_t len;
		uint16_t name[ABI_FILE_PATH_MAX];
	} *name = NULL;
	const void *out = u;
	switch (cls) {
	case ABI_FileBasicInformation:
		if (!(f->access & FA_READ_ATTRIBUTES)) {
			st = STATUS_ACCESS_DENIED;
			break;
		}
		basic_info(n, &u->basic);
		need = size = sizeof(u->basic);
		break;
	case ABI_FileStandardInformation:
		u->std = (struct abi_file_standard_info){ (int64_t)alloc_size(n->size), n->size, 1, n->delete_pending,
							  fat_node_is_dir(n), { 0, 0 } };
		need = size = sizeof(u->std);
		break;
	case ABI_FileInternalInformation:
		u->u64 = n->first ? n->first : ((uint64_t)n->dir << 32 | n->off) | (1ULL << 63);
		need = size = 8;
		break;
	case ABI_FilePositionInformation:
		u->u64 = f->pos;
		need = size = 8;
		break;
	case ABI_FileNameInformation: {
		if (!(name = kmalloc(sizeof(*name))))
			return done_iosb(tf->rsi, STATUS_NO_MEMORY, 0);
		uint32_t units = file_node_path(n, name->name, ABI_FILE_PATH_MAX);
		name->len = units * 2;
		need = 4;
		size = 4 + units * 2;
		out = name;
		break;
	}
	default:
		st = STATUS_INVALID_INFO_CLASS;
	}
	uint64_t info = 0;
	if (!st && len < need)
		st = STATUS_INFO_LENGTH_MISMATCH;
	else if (!st) {
		uint32_t n_out = size <= len ? size : len;
		if (size > len)
			st = STATUS_BUFFER_OVERFLOW;
		if (copy_to_user(tf->rdx, out, n_out))
			st = STATUS_ACCESS_VIOLATION;
		else
			info = n_out;
	}
	kfree(name);
	return done_iosb(tf->rsi, st, info);
}

static ntstatus_t set_basic(struct file_obj *f, const struct abi_file_basic_info *b)
{
	struct fat_node *n = f->node;
	if (!(f->access & FA_WRITE_ATTRIBUTES))
		return STATUS_ACCESS_DENIED;
	if (b->creation_time > 0)
		n->ctime = b->creation_time;
	if (b->last_access_time > 0)
		n->atime = b->last_access_time;
	if (b->last_write_time > 0)
		n->mtime = b->last_write_time;
	if (b->attributes) {
		if ((b->attributes & 0x10) && !fat_node_is_dir(n))
			return STATUS_INVALID_PARAMETER;
		n->attr = (uint8_t)((n->attr & FAT_ATTR_DIRECTORY) | (b->attributes & FAT_ATTR_SETTABLE));
	}
	n->meta_dirty = true;
	return STATUS_SUCCESS;
}

ntstatus_t sys_set_info_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	if (st || (st = probe_iosb(tf->rsi)))
		return st;
	struct fat_node *n = f->node;
	uint32_t len = (uint32_t)tf->r10, cls = (uint32_t)tf->r8;
	uint8_t buf[40];
	uint32_t need = cls == ABI_FileBasicInformation ? 40 : cls == ABI_FileDispositionInformation ? 1
		      : cls == ABI_FileRenameInformation ? 20 : 8;
	if (cls != ABI_FileBasicInformation && cls != ABI_FileDispositionInformation && cls != ABI_FileRenameInformation &&
	    cls != ABI_FilePositionInformation && cls != ABI_FileEndOfFileInformation &&
	    cls != ABI_FileAllocationInformation)
		return done_iosb(tf->rsi, STATUS_INVALID_INFO_CLASS, 0);
	if (len < need)
		return done_iosb(tf->rsi, STATUS_INFO_LENGTH_MISMATCH, 0);
	if (copy_from_user(buf, tf->rdx, need))
		return done_iosb(tf->rsi, STATUS_ACCESS_VIOLATION, 0);
	int64_t v64;
	memcpy(&v64, buf, 8);
	switch (cls) {
	case ABI_FileBasicInformation: {
		struct abi_file_basic_info b;
		memcpy(&b, buf, sizeof(b));
		st = set_basic(f, &b);
		break;
	}
	case ABI_FileDispositionInformation:
		if (!(f->access & FA_DELETE))
			st = STATUS_ACCESS_DENIED;
		else if (buf[0])
			st = file_mark_delete(n, true);
		else
			n->delete_pending = false;
		break;
	case ABI_FilePositionInformation:
		if (v64 < 0)
			st = STATUS_INVALID_PARAMETER;
		else
			f->pos = (uint64_t)v64;
		break;
	case ABI_FileEndOfFileInformation:
	case ABI_FileAllocationInformation:
		if (fat_node_is_dir(n))
			st = STATUS_INVALID_PARAMETER;
		else if (!(f->access & FA_WRITE_DATA))
			st = STATUS_ACCESS_DENIED;
		else if (v64 < 0)
			st = STATUS_INVALID_PARAMETER;
		else if (cls == ABI_FileEndOfFileInformation || (uint64_t)v64 < n->size)
			st = fat_node_resize(n, (uint64_t)v64);
		break;
	case ABI_FileRenameInformation: {
		struct abi_file_rename_info r;
		memcpy(&r, buf, 20);
		uint16_t *path;
		uint32_t plen;
		if (r.root_directory)
			st = STATUS_INVALID_PARAMETER;
		else if (r.file_name_length > len - 20)
			st = STATUS_INFO_LENGTH_MISMATCH;
		else if (!(st = get_path(tf->rdx + 20, r.file_name_length, &path, &plen))) {
			st = file_rename(f, path, plen, r.replace_if_exists);
			kfree(path);
		}
		break;
	}
	}
	return done_iosb(tf->rsi, st, 0);
}

ntstatus_t sys_query_directory_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	if (st || (st = probe_iosb(tf->rsi)))
		return st;
	struct fat_node *n = f->node;
	uint32_t len = (uint32_t)tf->r10, flags = (uint32_t)tf->r8;
	if (!fat_node_is_dir(n))
		return done_iosb(tf->rsi, STATUS_INVALID_PARAMETER, 0);
	if (!(f->access & FA_READ_DATA))
		return done_iosb(tf->rsi, STATUS_ACCESS_DENIED, 0);
	if (flags & ~(uint32_t)ABI_DIR_RESTART_SCAN)
		return done_iosb(tf->rsi, STATUS_INVALID_PARAMETER, 0);
	if (!f->dir_started || (flags & ABI_DIR_RESTART_SCAN)) {
		struct abi_unicode_string us = { 0, 0, 0, NULL };
		if (tf->r9 && copy_from_user(&us, tf->r9, sizeof(us)))
			return done_iosb(tf->rsi, STATUS_ACCESS_VIOLATION, 0);
		uint16_t *pat = NULL;
		uint32_t plen = 0;
		if (us.length) {
			if ((us.length & 1) || (st = get_path((uint64_t)us.buffer, us.length, &pat, &plen)))
				return done_iosb(tf->rsi, st ? st : STATUS_INVALID_PARAMETER, 0);
			if (plen == 3 && pat[0] == '*' && pat[1] == '.' && pat[2] == '*')
				plen = 1;	/* "*.*" is "*" */
		}
		kfree(f->pattern);
		f->pattern = pat;
		f->pattern_len = plen;
		f->dir_pos = 0;
		f->dir_started = true;
		flags |= 0x100;	/* first call: nothing found is STATUS_NO_SUCH_FILE */
	}
	struct fat_found *ff = kmalloc(sizeof(*ff));
	struct abi_file_both_dir_info *d = kmalloc(sizeof(*d) + FAT_NAME_MAX * 2);
	uint64_t info = 0;
	if (!ff || !d)
		st = STATUS_NO_MEMORY;
	while (!st) {
		uint32_t pos = f->dir_pos;
		if ((st = fat_dir_next(fat_c, n->first, &pos, ff)))
			break;
		bool match = !f->pattern_len || fat_pattern_match(f->pattern, f->pattern_len, ff->name, ff->len) ||
			     fat_pattern_match(f->pattern, f->pattern_len, ff->sname, ff->slen);
		if (!match) {
			f->dir_pos = pos;
			continue;
		}
		uint32_t size = (uint32_t)sizeof(*d) + ff->len * 2;
		if (len < size) {
			st = STATUS_BUFFER_OVERFLOW;	/* the entry stays for the next call */
			break;
		}
		memset(d, 0, sizeof(*d));
		d->file_index = ff->off / 32;
		d->creation_time = fat_time_to_ft(ff->de.cdate, ff->de.ctime, ff->de.ctime_cs);
		d->last_access_time = fat_time_to_ft(ff->de.adate, 0, 0);
		d->last_write_time = d->change_time = fat_time_to_ft(ff->de.mdate, ff->de.mtime, 0);
		bool dir = ff->de.attr & FAT_ATTR_DIRECTORY;
		d->end_of_file = dir ? 0 : ff->de.size;
		d->allocation_size = dir ? 0 : (int64_t)alloc_size(ff->de.size);
		d->attributes = w_attr(ff->de.attr & (FAT_ATTR_SETTABLE | FAT_ATTR_DIRECTORY));
		d->file_name_length = ff->len * 2;
		if (ff->has_lfn) {
			d->short_name_length = (uint8_t)(ff->slen * 2);
			memcpy(d->short_name, ff->sname, ff->slen * 2);
		}
		memcpy(d->file_name, ff->name, ff->len * 2);
		if (copy_to_user(tf->rdx, d, size)) {
			st = STATUS_ACCESS_VIOLATION;
			break;
		}
		f->dir_pos = pos;
		info = size;
		break;
	}
	if (st == STATUS_NO_MORE_FILES && (flags & 0x100))
		st = STATUS_NO_SUCH_FILE;
	kfree(ff);
	kfree(d);
	return done_iosb(tf->rsi, st, info);
}

ntstatus_t sys_flush_buffers_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	if (st || (st = probe_iosb(tf->rsi)))
		return st;
	if (!fat_node_is_dir(f->node) && !(f->access & (FA_WRITE_DATA | FA_APPEND_DATA)))
		return done_iosb(tf->rsi, STATUS_ACCESS_DENIED, 0);
	return done_iosb(tf->rsi, fat_node_flush(f->node), 0);
}

/*
 * NtLockFile: without ABI_LOCKFILE_FAIL_IMMEDIATELY a conflict sleeps on the
 * file's lock queue until an unlock or a close, then looks the handle up
 * again (no reference is held while asleep: a thread killed there leaks
 * nothing; a handle closed meanwhile is STATUS_INVALID_HANDLE).
 */
ntstatus_t sys_lock_file(struct trap_frame *tf)
{
	uint32_t flags = (uint32_t)tf->r10;
	for (;;) {
		struct file_obj *f;
		ntstatus_t st = get_file(tf->rdi, &f);
		if (st)
			return st;
		st = file_lock(f, (int64_t)tf->rsi, (int64_t)tf->rdx, flags);
		if (st != STATUS_LOCK_NOT_GRANTED || (flags & ABI_LOCKFILE_FAIL_IMMEDIATELY))
			return st;
		file_lock_wait(f);
	}
}

ntstatus_t sys_unlock_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	return st ? st : file_unlock(f, (int64_t)tf->rsi, (int64_t)tf->rdx);
}

ntstatus_t sys_query_volume_file(struct trap_frame *tf)
{
	struct file_obj *f;
	ntstatus_t st = get_file(tf->rdi, &f);
	if (st || (st = probe_iosb(tf->rsi)))
		return st;
	struct fat_vol *v = f->node->v;
	uint32_t len = (uint32_t)tf->r10, cls = (uint32_t)tf->r8, need, size;
	uint8_t buf[64];
	memset(buf, 0, sizeof(buf));
	switch (cls) {
	case ABI_FileFsVolumeInformation: {
		struct abi_fs_volume_info *vi = (void *)buf;
		vi->serial_number = v->serial;
		uint32_t l = (uint32_t)strlen(v->label);
		vi->label_length = l * 2;
		for (uint32_t i = 0; i < l; i++) {
			uint16_t c = (uint8_t)v->label[i];
			memcpy(buf + 18 + i * 2, &c, 2);
		}
		need = 18;
		size = 18 + l * 2;
		break;
	}
	case ABI_FileFsSizeInformation: {
		struct abi_fs_size_info *si = (void *)buf;
		*si = (struct abi_fs_size_info){ v->clusters, v->free_count, v->spc, 512 };
		need = size = sizeof(*si);
		break;
	}
	case ABI_FileFsFullSizeInformation: {
		struct abi_fs_full_size_info *si = (void *)buf;
		*si = (struct abi_fs_full_size_info){ v->clusters, v->free_count, v->free_count, v->spc, 512 };
		need = size = sizeof(*si);
		break;
	}
	case ABI_FileFsAttributeInformation: {
		struct abi_fs_attribute_info *ai = (void *)buf;
		ai->attributes = 2 | 4;	/* FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK */
		ai->max_component_length = FAT_NAME_MAX;
		ai->name_length = 10;
		static const uint16_t fat32[5] = { 'F', 'A', 'T', '3', '2' };
		memcpy(buf + 12, fat32, 10);
		need = 12;
		size = 22;
		break;
	}
	default:
		return done_iosb(tf->rsi, STATUS_INVALID_INFO_CLASS, 0);
	}
	if (len < need)
		return done_iosb(tf->rsi, STATUS_INFO_LENGTH_MISMATCH, 0);
	uint32_t n = size <= len ? size : len;
	if (copy_to_user(tf->rdx, buf, n))
		return done_iosb(tf->rsi, STATUS_ACCESS_VIOLATION, 0);
	return done_iosb(tf->rsi, size > len ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, n);
}

/* The node at the user path (upath, bytes): a reference the caller puts back (fat_node_put). */
static ntstatus_t lookup_user_path(uint64_t upath, uint64_t bytes, struct fat_node **n)
{
	uint16_t *path;
	uint32_t len;
	ntstatus_t st = get_path(upath, bytes, &path, &len);
	if (st)
		return st;
	st = file_lookup(path, len, n);
	kfree(path);
	return st;
}

ntstatus_t sys_delete_file(struct trap_frame *tf)
{
	uint32_t options = (uint32_t)tf->rdx;
	if (options & ~(uint32_t)(ABI_FILE_DIRECTORY_FILE | ABI_FILE_NON_DIRECTORY_FILE) ||
	    options == (ABI_FILE_DIRECTORY_FILE | ABI_FILE_NON_DIRECTORY_FILE))
		return STATUS_INVALID_PARAMETER;
	struct fat_node *n;
	ntstatus_t st = lookup_user_path(tf->rdi, tf->rsi, &n);
	if (st)
		return st;
	if ((options & ABI_FILE_NON_DIRECTORY_FILE) && fat_node_is_dir(n))
		st = STATUS_FILE_IS_A_DIRECTORY;
	else if ((options & ABI_FILE_DIRECTORY_FILE) && !fat_node_is_dir(n))
		st = STATUS_NOT_A_DIRECTORY;
	else if (n->delete_pending)
		st = STATUS_DELETE_PENDING;
	else
		st = file_mark_delete(n, false);
	fat_node_put(n);	/* the last reference deletes */
	return st;
}

ntstatus_t sys_query_full_attributes_file(struct trap_frame *tf)
{
	struct abi_file_network_open_info o;
	memset(&o, 0, sizeof(o));
	if (MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_to_user(tf->rdx, &o, sizeof(o)))
		return STATUS_ACCESS_VIOLATION;
	struct fat_node *n;
	ntstatus_t st = lookup_user_path(tf->rdi, tf->rsi, &n);
	if (st)
		return st;
	o.creation_time = n->ctime;
	o.last_access_time = n->atime;
	o.last_write_time = o.change_time = n->mtime;
	o.end_of_file = n->size;
	o.allocation_size = (int64_t)alloc_size(n->size);
	o.attributes = w_attr(n->attr);
	bool pending = n->delete_pending;
	fat_node_put(n);
	if (pending)
		return STATUS_DELETE_PENDING;
	copy_to_user(tf->rdx, &o, sizeof(o));	/* probed */
	return STATUS_SUCCESS;
}
