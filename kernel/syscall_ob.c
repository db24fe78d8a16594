/*
 * kernel/syscall_ob.c - the system calls on kernel objects and processes:
 * sections and their views, handles, fork and waiting for a child.  Same
 * rules as kernel/syscall.c: arguments are copied in, output pointers probed
 * before anything changes.
 */
#include "proc.h"
#include "syscall_abi.h"
#include "syscall.h"
#include "uaccess.h"
#include "mm/lock.h"
#include "mm/image.h"
#include "mm/section.h"
#include "file.h"


/* Copy a name argument: len 0 is the empty name; longer than OBJ_NAME_MAX - 1 or with a NUL is invalid. */
ntstatus_t get_name(char *name, uint64_t uname, uint64_t len)
{
	if (len >= OBJ_NAME_MAX)
		return STATUS_OBJECT_NAME_INVALID;
	if (len && copy_from_user(name, uname, len))
		return STATUS_ACCESS_VIOLATION;
	name[len] = '\0';
	for (uint64_t i = 0; i < len; i++)
		if (name[i] == '\0')
			return STATUS_OBJECT_NAME_INVALID;
	return STATUS_SUCCESS;
}

/* Probe a HANDLE output (8 bytes, aligned) by writing its current value back. */
ntstatus_t probe_handle_out(uint64_t uout)
{
	uint64_t h;
	if (MISALIGNED(uout, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&h, uout, 8) || copy_to_user(uout, &h, 8))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/* Hand a referenced section to the caller as a new handle (the reference moves to the handle). */
static ntstatus_t publish(struct section *s, uint32_t access, uint64_t uout, ntstatus_t ok)
{
	uint64_t h;
	ntstatus_t st = handle_create(&current_process()->handles, &s->obj, access, &h);
	obj_unref(&s->obj);
	if (st)
		return st;
	copy_to_user(uout, &h, 8);	/* probed */
	return ok;
}

ntstatus_t sys_create_section(struct trap_frame *tf)
{
	char name[OBJ_NAME_MAX];
	ntstatus_t st = probe_handle_out(tf->rdi);
	if (!st)
		st = get_name(name, tf->rsi, tf->rdx);
	if (st)
		return st;
	struct section *s;
	uint32_t attributes = (uint32_t)tf->r9;
	if (attributes & W_SEC_FILE) {	/* over a file: r10 is a struct abi_section_file */
		struct abi_section_file a;
		struct kobject *o;
		uint32_t access;
		if (copy_from_user(&a, tf->r10, sizeof(a)))
			return STATUS_ACCESS_VIOLATION;
		if ((st = handle_get(&current_process()->handles, a.file, KOBJ_FILE, &o, &access)))
			return st;
		st = attributes & W_SEC_IMAGE
			     ? sys_create_image_section((struct file_obj *)o, (uint32_t)tf->r8, attributes & ~W_SEC_FILE,
							name, &s)
			     : file_create_section((struct file_obj *)o, a.size, (uint32_t)tf->r8,
						   attributes & ~W_SEC_FILE, name, &s);
	} else
		st = section_create(tf->r10, (uint32_t)tf->r8, attributes, name, &s);
	if (!NT_SUCCESS(st))
		return st;
	return publish(s, W_SECTION_ALL_ACCESS, tf->rdi, st);
}

ntstatus_t sys_open_section(struct trap_frame *tf)
{
	char name[OBJ_NAME_MAX];
	uint32_t access = (uint32_t)tf->rsi;
	ntstatus_t st = probe_handle_out(tf->rdi);
	if (!st)
		st = get_name(name, tf->rdx, tf->r10);
	if (st)
		return st;
	struct section *s;
	st = section_open(name, &s);
	if (st)
		return st;
	/* FILE_MAP_COPY (SECTION_QUERY) asks to read: a copy view reads the section. */
	if (access & W_SECTION_QUERY)
		access |= W_SECTION_MAP_READ;
	return publish(s, access, tf->rdi, STATUS_SUCCESS);
}

ntstatus_t sys_map_view(struct trap_frame *tf)
{
	struct abi_map_view a;
	struct kobject *o;
	uint32_t access;
	struct vm_space *vm;	/* any process: PROCESS_VM_OPERATION (issue 21) */
	ntstatus_t st = proc_vm_from_handle(tf->rsi, W_PROCESS_VM_OPERATION, &vm);
	if (st)
		return st;
	st = handle_get(&current_process()->handles, tf->rdi, KOBJ_SECTION, &o, &access);
	if (st)
		return st;
	if (MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&a, tf->rdx, sizeof(a)) || copy_to_user(tf->rdx, &a, sizeof(a)))
		return STATUS_ACCESS_VIOLATION;
	uint64_t base = a.base, size = a.size;
	struct section *s = (struct section *)o;
	if (s->image)	/* SEC_IMAGE: the whole image, laid out and relocated */
		st = access & W_SECTION_MAP_READ ? image_section_map(vm, s, &base, &size, a.zero_bits) : STATUS_ACCESS_DENIED;
	else
		st = section_map_zero_bits(vm, s, access, &base, a.offset, &size, a.alloc_type, a.protect, a.zero_bits);
	if (!NT_SUCCESS(st))
		return st;
	a.base = base;
	a.size = size;
	copy_to_user(tf->rdx, &a, sizeof(a));	/* probed */
	return st;	/* STATUS_IMAGE_NOT_AT_BASE too */
}

ntstatus_t sys_unmap_view(struct trap_frame *tf)
{
	struct vm_space *vm;	/* any process: PROCESS_VM_OPERATION (issue 21) */
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_VM_OPERATION, &vm);
	if (st)
		return st;
	if ((uint32_t)tf->rdx == ABI_VIEW_FLUSH)
		return section_flush_view(vm, tf->rsi, tf->r10);	/* FlushViewOfFile */
	vm_unlock_view(vm, tf->rsi);	/* unmapping unlocks (no-op when not a view) */
	return section_unmap(vm, tf->rsi);
}

ntstatus_t sys_close(struct trap_frame *tf)
{
	return handle_close(&current_process()->handles, tf->rdi);
}

ntstatus_t sys_fork(struct trap_frame *tf)
{
	uint32_t pid = 0;
	if (MISALIGNED(tf->rdi, 4))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&pid, tf->rdi, 4) || copy_to_user(tf->rdi, &pid, 4))
		return STATUS_ACCESS_VIOLATION;
	int64_t st;
	struct process *c = proc_fork(tf, ABI_STATUS_PROCESS_CLONED, &st);
	if (!c)
		return (ntstatus_t)st;
	pid = (uint32_t)c->pid;
	copy_to_user(tf->rdi, &pid, 4);	/* the child's copy of this word was taken before: it keeps the old value */
	return STATUS_SUCCESS;
}

ntstatus_t sys_wait_child(struct trap_frame *tf)
{
	struct abi_child_exit out = { 0 };
	if (MISALIGNED(tf->rdx, 4))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (tf->rsi & ~1ULL)
		return STATUS_INVALID_PARAMETER;
	if (copy_from_user(&out, tf->rdx, sizeof(out)) || copy_to_user(tf->rdx, &out, sizeof(out)))
		return STATUS_ACCESS_VIOLATION;
	int pid;
	int64_t status;
	bool by_exception;
	int r = proc_wait_child((int)tf->rdi, tf->rsi & 1, &pid, &status, &by_exception);
	if (r < 0)
		return STATUS_NO_SUCH_PROCESS;
	if (r > 0)
		return STATUS_PENDING;
	out = (struct abi_child_exit){ (uint32_t)pid, (uint32_t)status, by_exception, 0 };
	return copy_to_user(tf->rdx, &out, sizeof(out)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}
