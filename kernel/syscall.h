/*
 * kernel/syscall.h - the system-call handlers syscall_dispatch (kernel/syscall.c)
 * calls from the other syscall_*.c files, and the argument checks they share.
 * Each handler takes the caller's trap frame (arguments in rdi, rsi, rdx,
 * r10, r8, r9, kernel/syscall_abi.h) and returns an NTSTATUS.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>
#include "object.h"
#include "syscall_abi.h"
#include "trap.h"
#include "mm/winvm.h"

#define STATUS_PENDING               ((ntstatus_t)0x00000103)
#define STATUS_DATATYPE_MISALIGNMENT ((ntstatus_t)0x80000002)
#define STATUS_NO_SUCH_PROCESS       ((ntstatus_t)0xC000010A)

/* NT probes output pointers for their natural alignment before using them. */
#define MISALIGNED(uptr, size) (((uptr) & ((size) - 1)) != 0)

/* The only process handle the calls accept: NtCurrentProcess(), (HANDLE)-1. */
static inline bool is_current(uint64_t handle)
{
	return (int64_t)handle == ABI_CURRENT_PROCESS;
}

/*
 * Point this CPU's syscall instruction at syscall_entry: STAR (kernel CS,
 * sysret's user base), LSTAR, FMASK, EFER.SCE.  The boot CPU (proc_init) and
 * every AP (kernel/smp.c) call it.
 */
void syscall_cpu_init(void);

/* kernel/syscall_ob.c: sections, handles, fork, waiting for a child. */
/* Copy a name argument: len 0 is the empty name; longer than OBJ_NAME_MAX - 1 or with a NUL is invalid. */
ntstatus_t get_name(char *name, uint64_t uname, uint64_t len);
/* Probe a HANDLE output (8 bytes, aligned) by writing its current value back. */
ntstatus_t probe_handle_out(uint64_t uout);
ntstatus_t sys_create_section(struct trap_frame *tf);
ntstatus_t sys_open_section(struct trap_frame *tf);
ntstatus_t sys_map_view(struct trap_frame *tf);
ntstatus_t sys_unmap_view(struct trap_frame *tf);
ntstatus_t sys_close(struct trap_frame *tf);
ntstatus_t sys_fork(struct trap_frame *tf);
ntstatus_t sys_wait_child(struct trap_frame *tf);

/* kernel/syscall_awe.c: AllocateUserPhysicalPages / FreeUserPhysicalPages, MapUserPhysicalPages(Scatter). */
ntstatus_t sys_awe_pages(struct trap_frame *tf, bool free);
ntstatus_t sys_awe_map(struct trap_frame *tf, bool scatter);

/* kernel/syscall_lock.c: NtLockVirtualMemory / NtUnlockVirtualMemory, the working-set limits. */
ntstatus_t sys_lock(struct trap_frame *tf, bool unlock);
ntstatus_t sys_working_set(struct trap_frame *tf);

/* kernel/syscall_image.c: NtLoadImage, NtQueryImages, NtUnloadImage (docs/loader.md). */
ntstatus_t sys_load_image(struct trap_frame *tf);
ntstatus_t sys_query_images(struct trap_frame *tf);
ntstatus_t sys_unload_image(struct trap_frame *tf);

/* kernel/syscall_section.c: NtQuerySection (83) and image sections over files (NtCreateSection SEC_IMAGE). */
struct file_obj;
struct section;
ntstatus_t sys_query_section(struct trap_frame *tf);
/*
 * An image section over file f (attributes exactly SEC_IMAGE, no name): the
 * live image section of that file or a new one (mm/image.h
 * image_section_open), referenced in *out.  The handle must allow reading.
 */
ntstatus_t sys_create_image_section(struct file_obj *f, uint32_t protect, uint32_t attributes, const char *name,
				    struct section **out);

/* kernel/syscall_va2.c: NtAllocateVirtualMemoryEx, NtMapViewOfSectionEx, NtUnmapViewOfSectionEx (78-80). */
ntstatus_t sys_va2_call(struct trap_frame *tf);

/* kernel/syscall_thread.c: threads and processes (49-56, 71-73); the rest goes to sys_sync_call. */
ntstatus_t sys_thread_call(struct trap_frame *tf);
/* The object of handle h of type (KOBJ_ANY: any), the pseudo handles -1 and -2 included. */
ntstatus_t get_object(uint64_t h, enum kobject_type type, struct kobject **o);
/* Give the caller a handle to o at uout (probed), dropping the caller's reference; ok on success. */
ntstatus_t publish_object(struct kobject *o, uint32_t access, uint64_t uout, ntstatus_t ok);
/* Probe a LONG output (NULL: none); put_long writes it. */
ntstatus_t probe_long(uint64_t u);
void put_long(uint64_t u, int32_t v);

/* kernel/syscall_sync.c: events, mutants, semaphores, named objects, waits (57-70). */
ntstatus_t sys_sync_call(struct trap_frame *tf);
ntstatus_t sys_terminate_process(struct trap_frame *tf);

/*
 * kernel/syscall_procmem.c: other processes' memory and handles (74-77).
 * proc_from_handle: the process behind h (-1: the caller's, every right)
 * when the handle grants every right in need: STATUS_INVALID_HANDLE,
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED.  proc_vm_from_handle:
 * its address space, STATUS_PROCESS_IS_TERMINATING once it has ended.
 */
struct process;
struct vm_space;
ntstatus_t proc_from_handle(uint64_t h, uint32_t need, struct process **p);
ntstatus_t proc_vm_from_handle(uint64_t h, uint32_t need, struct vm_space **vm);
ntstatus_t sys_procmem_call(struct trap_frame *tf);
/* NtQueryInformationProcess(ABI_ProcessVmCounters) of p (rights checked by the caller). */
ntstatus_t procmem_query_process(struct trap_frame *tf, struct process *p);
/* NtQueryVirtualMemory(ABI_MemoryWorkingSetExInformation): the array at ubuf, len bytes, *uret (SIZE_T) or 0. */
ntstatus_t procmem_query_ws_ex(struct vm_space *vm, uint64_t ubuf, uint64_t len, uint64_t uret);
/* kernel/syscall_procmem_info.c: NtQueryVirtualMemory(ABI_MemoryRegionInformation / _MappedFilenameInformation). */
ntstatus_t procmem_query_region(struct vm_space *vm, struct trap_frame *tf);
/*
 * kernel/syscall_procmem_perf.c: NtQuerySystemInformation(SystemPerformanceInformation)
 * into ubuf (len bytes); *ret the bytes written, or needed (STATUS_INFO_LENGTH_MISMATCH).
 */
ntstatus_t procmem_query_perf(uint64_t ubuf, uint32_t len, uint32_t *ret);

#endif
