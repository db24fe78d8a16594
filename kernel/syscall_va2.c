/*
 * kernel/syscall_va2.c - the system calls of VirtualAlloc2 and placeholders
 * (78-80, issue 21): NtAllocateVirtualMemoryEx, NtMapViewOfSectionEx,
 * NtUnmapViewOfSectionEx, over mm/placeholder.h.  Same rules as
 * kernel/syscall.c: arguments copied in, outputs probed before anything changes.
 */
#include "proc.h"
#include "syscall_abi.h"
#include "syscall.h"
#include "uaccess.h"
#include "mm/placeholder.h"
#include "mm/section.h"

#define STATUS_INVALID_SYSTEM_SERVICE_VA2 ((ntstatus_t)0xC000001C)

_Static_assert(sizeof(struct abi_alloc_requirements) == sizeof(struct vm_alloc_req), "alloc requirements layout");

/*
 * NtAllocateVirtualMemoryEx(process, base*, size*, type, protect, req):
 * checked in NtAllocateVirtualMemory's order (handle, then the in/out
 * pointers), then the requirements copied in.
 */
static ntstatus_t sys_allocate_ex(struct trap_frame *tf)
{
	uint64_t base, size;
	struct vm_space *vm;
	struct vm_alloc_req req;
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_VM_OPERATION, &vm);
	if (st)
		return st;
	if (MISALIGNED(tf->rsi, 8) || MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&base, tf->rsi, 8) || copy_from_user(&size, tf->rdx, 8) || copy_to_user(tf->rsi, &base, 8) ||
	    copy_to_user(tf->rdx, &size, 8))
		return STATUS_ACCESS_VIOLATION;
	if (tf->r9 && copy_from_user(&req, tf->r9, sizeof(req)))
		return STATUS_ACCESS_VIOLATION;
	st = vm_allocate_ex(vm, &base, &size, (uint32_t)tf->r10, (uint32_t)tf->r8, tf->r9 ? &req : NULL);
	if (st)
		return st;
	if (copy_to_user(tf->rsi, &base, 8) || copy_to_user(tf->rdx, &size, 8))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/* NtMapViewOfSectionEx(section, process, args): section_map, or over a placeholder. */
static ntstatus_t sys_map_view_ex(struct trap_frame *tf)
{
	struct abi_map_view a;
	struct kobject *o;
	uint32_t access;
	struct vm_space *vm;
	ntstatus_t st = handle_get(&current_process()->handles, tf->rdi, KOBJ_SECTION, &o, &access);
	if (st)
		return st;
	if ((st = proc_vm_from_handle(tf->rsi, W_PROCESS_VM_OPERATION, &vm)))
		return st;
	if (MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&a, tf->rdx, sizeof(a)) || copy_to_user(tf->rdx, &a, sizeof(a)))
		return STATUS_ACCESS_VIOLATION;
	uint64_t base = a.base, size = a.size;
	uint32_t type = a.alloc_type & ~(uint32_t)W_MEM_REPLACE_PLACEHOLDER;
	if (a.alloc_type & W_MEM_REPLACE_PLACEHOLDER)
		st = placeholder_map_view(vm, (struct section *)o, access, &base, a.offset, &size, type, a.protect);
	else
		st = section_map(vm, (struct section *)o, access, &base, a.offset, &size, type, a.protect);
	if (st)
		return st;
	a.base = base;
	a.size = size;
	copy_to_user(tf->rdx, &a, sizeof(a));	/* probed */
	return STATUS_SUCCESS;
}

/* NtUnmapViewOfSectionEx(process, address, flags). */
static ntstatus_t sys_unmap_view_ex(struct trap_frame *tf)
{
	struct vm_space *vm;
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_VM_OPERATION, &vm);
	return st ? st : placeholder_unmap_view(vm, tf->rsi, (uint32_t)tf->rdx);
}

ntstatus_t sys_va2_call(struct trap_frame *tf)
{
	switch (tf->rax) {
	case SYS_NtAllocateVirtualMemoryEx: return sys_allocate_ex(tf);
	case SYS_NtMapViewOfSectionEx: return sys_map_view_ex(tf);
	case SYS_NtUnmapViewOfSectionEx: return sys_unmap_view_ex(tf);
	default: return STATUS_INVALID_SYSTEM_SERVICE_VA2;
	}
}
