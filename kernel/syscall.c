/*
 * kernel/syscall.c - the system-call table.  Each handler copies its
 * arguments in with the checked helpers, calls mm/ or the process code, and
 * copies results out.  Output pointers are probed (written with their
 * current value) before anything changes, so a bad pointer changes nothing.
 */
#include "console.h"
#include "multiboot.h"
#include "proc.h"
#include "klock.h"
#include "sched.h"
#include "wait.h"
#include "syscall_abi.h"
#include "syscall.h"
#include "syscall_image.h"
#include "file.h"
#include "time.h"
#include "uaccess.h"
#include "cpu.h"
#include "fpu.h"
#include "gdt.h"
#include "drivers/virtio_blk.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pagefile.h"
#include "mm/phys.h"
#include "mm/placeholder.h"
#include "mm/section.h"
#include "mm/swap.h"
#include "mm/vm.h"

#include <string.h>

#define STATUS_INVALID_INFO_CLASS ((ntstatus_t)0xC0000003)

#define STATUS_INVALID_SYSTEM_SERVICE ((ntstatus_t)0xC000001C)
#define STATUS_BUFFER_TOO_SMALL ((ntstatus_t)0xC0000023)

void context_from_frame(uint8_t *ctx, const struct trap_frame *tf);
int frame_from_context(struct trap_frame *tf, const uint8_t *ctx);
__attribute__((noreturn)) void proc_unhandled_exception(uint32_t code, uint64_t rip, uint32_t nparams, uint64_t access, uint64_t addr);

/* Read two in/out u64 values (base, size), probing that they can be written back. */
static ntstatus_t get_inout(uint64_t ubase, uint64_t usize, uint64_t *base, uint64_t *size)
{
	if (MISALIGNED(ubase, 8) || MISALIGNED(usize, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(base, ubase, 8) || copy_from_user(size, usize, 8) || probe_user_write(ubase, 8) ||
	    probe_user_write(usize, 8))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

static ntstatus_t put_inout(uint64_t ubase, uint64_t usize, uint64_t base, uint64_t size)
{
	if (copy_to_user(ubase, &base, 8) || copy_to_user(usize, &size, 8))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

static ntstatus_t sys_allocate(struct trap_frame *tf)
{
	uint64_t base, size;
	struct vm_space *vm;
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_VM_OPERATION, &vm);
	if (!st)
		st = get_inout(tf->rsi, tf->r10, &base, &size);
	if (st)
		return st;
	st = tf->rdx ? vm_allocate_zero_bits(vm, &base, &size, (uint32_t)tf->r8, (uint32_t)tf->r9, tf->rdx)
		     : vm_allocate(vm, &base, &size, (uint32_t)tf->r8, (uint32_t)tf->r9);
	return st ? st : put_inout(tf->rsi, tf->r10, base, size);
}

/*
 * NtFreeVirtualMemory: FreeType is checked first, before the handle and the
 * pointers (spec 19.2.3): MEM_DECOMMIT, MEM_RELEASE, or MEM_RELEASE with
 * one of the placeholder flags; anything else STATUS_INVALID_PARAMETER_4.
 */
static ntstatus_t sys_free(struct trap_frame *tf)
{
	uint64_t base, size;
	struct vm_space *vm;
	uint32_t type = (uint32_t)tf->r10;
	if (type != W_MEM_DECOMMIT && type != W_MEM_RELEASE && type != (W_MEM_RELEASE | W_MEM_PRESERVE_PLACEHOLDER) &&
	    type != (W_MEM_RELEASE | W_MEM_COALESCE_PLACEHOLDERS))
		return STATUS_INVALID_PARAMETER_4;
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_VM_OPERATION, &vm);
	if (!st)
		st = get_inout(tf->rsi, tf->rdx, &base, &size);
	if (st)
		return st;
	st = vm_free(vm, &base, &size, (uint32_t)tf->r10);
	return st ? st : put_inout(tf->rsi, tf->rdx, base, size);
}

static ntstatus_t sys_protect(struct trap_frame *tf)
{
	uint64_t base, size;
	uint32_t old = 0;
	struct vm_space *vm;
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_VM_OPERATION, &vm);
	if (!st)
		st = get_inout(tf->rsi, tf->rdx, &base, &size);
	if (st)
		return st;
	if (MISALIGNED(tf->r8, 4))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (probe_user_write(tf->r8, 4))
		return STATUS_ACCESS_VIOLATION;
	st = vm_protect(vm, &base, &size, (uint32_t)tf->r10, &old);
	if (st) {
		/*
		 * Windows 8 and later store PAGE_NOACCESS as the old protection when
		 * the change fails on the memory (free, reserved, not all committed:
		 * spec 19.2.6), not when the arguments are refused.
		 */
		old = W_PAGE_NOACCESS;
		if (st != STATUS_INVALID_PAGE_PROTECTION && st != STATUS_INVALID_PARAMETER)
			copy_to_user(tf->r8, &old, 4);
		return st;
	}
	if (copy_to_user(tf->r8, &old, 4))
		return STATUS_ACCESS_VIOLATION;
	return put_inout(tf->rsi, tf->rdx, base, size);
}

/*
 * NtQueryVirtualMemory: class 0 (MEMORY_BASIC_INFORMATION) or
 * ABI_MEMORY_FRAMES_INFORMATION (struct abi_memory_frames_info), checked in
 * NT's order: handle, class, length, alignment, address, then the copies.
 */
static ntstatus_t sys_query(struct trap_frame *tf)
{
	union {
		struct vm_basic_info basic;
		struct vm_frames_info frames;
	} info;
	uint64_t len;
	struct vm_space *vm;
	ntstatus_t st = proc_vm_from_handle(tf->rdi, W_PROCESS_QUERY_INFORMATION, &vm);
	if (st)
		return st;
	if (tf->rdx == ABI_MemoryWorkingSetExInformation)
		return procmem_query_ws_ex(vm, tf->r10, tf->r8, tf->r9);
	if (tf->rdx == ABI_MemoryRegionInformation || tf->rdx == ABI_MemoryMappedFilenameInformation)
		return procmem_query_region(vm, tf);	/* kernel/syscall_procmem_info.c (issue 21) */
	if (tf->rdx == 0)
		len = sizeof(info.basic);
	else if (tf->rdx == ABI_MEMORY_FRAMES_INFORMATION)
		len = sizeof(info.frames);
	else
		return STATUS_INVALID_INFO_CLASS;
	if (tf->r8 < len)
		return STATUS_INFO_LENGTH_MISMATCH;
	if (MISALIGNED(tf->r10, 8) || MISALIGNED(tf->r9, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	st = tf->rdx == 0 ? vm_query(vm, tf->rsi, &info.basic) : vm_query_frames(vm, tf->rsi, &info.frames);
	if (st)
		return st;
	if (copy_to_user(tf->r10, &info, len))
		return STATUS_ACCESS_VIOLATION;
	if (tf->r9 && copy_to_user(tf->r9, &len, 8))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}
_Static_assert(sizeof(struct vm_frames_info) == sizeof(struct abi_memory_frames_info), "frames info layout");

static ntstatus_t sys_write_console(struct trap_frame *tf)
{
	char buf[256];
	uint64_t p = tf->rdi, len = tf->rsi;
	if (!user_range_ok(p, len))
		return STATUS_ACCESS_VIOLATION;
	while (len) {
		uint64_t n = len < sizeof(buf) ? len : sizeof(buf);
		if (copy_from_user(buf, p, n))
			return STATUS_ACCESS_VIOLATION;
		console_user_write(buf, n);
		p += n;
		len -= n;
	}
	return STATUS_SUCCESS;
}

static ntstatus_t sys_continue(struct trap_frame *tf)
{
	/*
	 * frame_from_context reads EFlags..Rip only, so only those are copied.
	 * The rest is probed, not copied: the CONTEXT (under a page) spans at
	 * most two pages, so its first and last bytes reach every page it is on,
	 * and any unreadable byte still fails with STATUS_ACCESS_VIOLATION.
	 */
	static uint8_t ctx[ABI_CONTEXT_SIZE] __attribute__((aligned(16)));
	_Static_assert(ABI_CONTEXT_SIZE <= 4096, "a CONTEXT spans at most two pages");
	uint64_t u = tf->rdi;
	uint8_t probe;
	if (copy_from_user(&probe, u, 1) || copy_from_user(&probe, u + ABI_CONTEXT_SIZE - 1, 1) ||
	    copy_from_user(ctx + ABI_CONTEXT_EFLAGS, u + ABI_CONTEXT_EFLAGS, ABI_CONTEXT_RIP + 8 - ABI_CONTEXT_EFLAGS))
		return STATUS_ACCESS_VIOLATION;
	uint32_t flags;
	if (copy_from_user(&flags, u + ABI_CONTEXT_FLAGS, 4))
		return STATUS_ACCESS_VIOLATION;
	bool fp = (flags & ABI_CONTEXT_FLOATING_POINT) == ABI_CONTEXT_FLOATING_POINT;
	if (fp && copy_from_user(ctx + ABI_CONTEXT_FLTSAVE, u + ABI_CONTEXT_FLTSAVE, FPU_AREA_SIZE))
		return STATUS_ACCESS_VIOLATION;
	if (frame_from_context(tf, ctx))
		return STATUS_INVALID_PARAMETER;
	if (fp) {	/* x87/SSE registers too, as Windows does for CONTEXT_FLOATING_POINT */
		fpu_sanitize(ctx + ABI_CONTEXT_FLTSAVE);
		fpu_restore(ctx + ABI_CONTEXT_FLTSAVE);
	}
	return STATUS_SUCCESS;	/* the dispatcher keeps the context's own rax */
}

/*
 * NtCreateProcess(name, name_len, pid, cmdline, cmdline_len): the command
 * line is copied in (cmdline_len 0: the name); at most PROC_CMDLINE_MAX bytes.
 */
static ntstatus_t sys_create_process(struct trap_frame *tf)
{
	char name[260];	/* MAX_PATH: a program on C: by path */
	uint32_t pid = 0;
	uint64_t cmd_len = tf->r8;
	if (tf->rsi == 0 || tf->rsi >= sizeof(name) || cmd_len > PROC_CMDLINE_MAX)
		return STATUS_INVALID_PARAMETER;
	ntstatus_t hst = proc_handles_probe(tf->r9);	/* CreateProcess's handles (kernel/syscall_image.h) */
	if (hst)
		return hst;
	struct abi_process_handles in = { 0 };	/* in.flags: ABI_CREATE_INHERIT_HANDLES (issue 21) */
	if (tf->r9)
		copy_from_user(&in, tf->r9, sizeof(in));	/* probed */
	if (MISALIGNED(tf->rdx, 4))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(name, tf->rdi, tf->rsi) || copy_from_user(&pid, tf->rdx, 4) || copy_to_user(tf->rdx, &pid, 4))
		return STATUS_ACCESS_VIOLATION;
	name[tf->rsi] = '\0';
	if (memchr(name, '\0', tf->rsi))
		return STATUS_INVALID_PARAMETER;
	char *cmd = NULL;
	if (cmd_len) {
		if (!(cmd = kmalloc(cmd_len)))
			return STATUS_NO_MEMORY;
		if (copy_from_user(cmd, tf->r10, cmd_len)) {
			kfree(cmd);
			return STATUS_ACCESS_VIOLATION;
		}
	}
	int64_t st;
	struct process *p = proc_create_ex(name, cmd, cmd_len, current_process(), in.flags & ABI_CREATE_INHERIT_HANDLES,
					   &st);
	kfree(cmd);
	if (!p)
		return (ntstatus_t)st;
	pid = p->pid;
	copy_to_user(tf->rdx, &pid, 4);
	return proc_handles_publish(p, tf->r9);
}

static ntstatus_t sys_wait(struct trap_frame *tf)
{
	int32_t status = 0;
	int64_t st64;
	if (MISALIGNED(tf->rsi, 4))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&status, tf->rsi, 4) || copy_to_user(tf->rsi, &status, 4))
		return STATUS_ACCESS_VIOLATION;
	if (proc_wait((int)tf->rdi, &st64))
		return STATUS_NO_SUCH_PROCESS;
	status = (int32_t)st64;
	copy_to_user(tf->rsi, &status, 4);
	return STATUS_SUCCESS;
}

static ntstatus_t sys_frame_stats(struct trap_frame *tf)
{
	struct frame_stats s;
	if (MISALIGNED(tf->rdi, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	frame_stats(&s);
	struct abi_frame_stats out = { s.total, s.free, s.by_owner[FRAME_PAGETABLE], s.by_owner[FRAME_HEAP],
				       s.by_owner[FRAME_USER], swap_pages_out(), current_process()->quota->pages, 0, 0 };
	uint64_t reads, overlapped;
	vblk_unlocked_stats(&reads, &overlapped);
	out.pagein_unlocked = reads;
	out.pagein_overlapped = overlapped;
	return copy_to_user(tf->rdi, &out, sizeof(out)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}

_Static_assert(FRAME_ABSENT == ABI_FRAME_ABSENT && FRAME_FREE == ABI_FRAME_FREE && FRAME_KERNEL == ABI_FRAME_KERNEL &&
		       FRAME_PAGETABLE == ABI_FRAME_PAGETABLE && FRAME_HEAP == ABI_FRAME_HEAP &&
		       FRAME_USER == ABI_FRAME_USER && FRAME_SECTION == ABI_FRAME_SECTION && FRAME_AWE == ABI_FRAME_AWE &&
		       FRAME_OWNER_COUNT == ABI_FRAME_AWE + 1,
	       "frame owners and their ABI values");

struct run_out {
	uint64_t uarr, index, limit;
	bool fault;
};

/* frame_for_each_run callback: copy one run out (only when all of them fit). */
static void emit_run(void *ctx, uint64_t first, uint64_t count, enum frame_owner owner)
{
	struct run_out *o = ctx;
	struct abi_frame_run r = { first, count, (unsigned)owner, 0 };
	if (o->index < o->limit && copy_to_user(o->uarr + o->index * sizeof(r), &r, sizeof(r)))
		o->fault = true;
	o->index++;
}

static void count_run(void *ctx, uint64_t first, uint64_t count, enum frame_owner owner)
{
	(void)first, (void)count, (void)owner;
	(*(uint64_t *)ctx)++;
}

/*
 * NtQueryPhysicalMemoryMap(runs, count, needed): the output array is probed
 * (every page written) before the walk, so no fault during it changes the
 * frames being described.
 */
static ntstatus_t sys_phys_map(struct trap_frame *tf)
{
	uint64_t needed = 0, uarr = tf->rdi, count = tf->rsi;
	if (MISALIGNED(uarr, 8) || MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&needed, tf->rdx, 8) || copy_to_user(tf->rdx, &needed, 8))
		return STATUS_ACCESS_VIOLATION;
	uint64_t bytes = count * sizeof(struct abi_frame_run);
	if (count > USER_TOP / sizeof(struct abi_frame_run) || probe_user_write(uarr, bytes))
		return STATUS_ACCESS_VIOLATION;
	needed = 0;
	frame_for_each_run(count_run, &needed);
	if (needed <= count) {
		struct run_out o = { uarr, 0, count, false };
		frame_for_each_run(emit_run, &o);
		if (o.fault)
			return STATUS_ACCESS_VIOLATION;
	}
	if (copy_to_user(tf->rdx, &needed, 8))
		return STATUS_ACCESS_VIOLATION;
	return needed <= count ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}

/* NtQueryMemoryStatus: frames, commit, pagefile slots and this process's free address space. */
static ntstatus_t sys_memory_status(struct trap_frame *tf)
{
	if (MISALIGNED(tf->rdi, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	struct frame_stats s;
	struct vm_commit_info c;
	struct vm_space *vm = &current_process()->vm;
	frame_stats(&s);
	vm_commit_get(&c);
	uint64_t reserved = 0;
	for (const struct vad *v = vad_first(&vm->tree); v; v = vad_next(v))
		reserved += v->end - v->start;
	struct abi_memory_status out = {
		.total_phys = s.total,
		.avail_phys = s.free,
		.commit_limit = c.limit,
		.commit_charged = c.charged,
		.process_charge = vm->charge,
		.commit_limit_ram = c.limit > pagefile_slots() ? c.limit - pagefile_slots() : 0,
		.pagefile_total = pagefile_slots(),
		.pagefile_free = pagefile_free_slots(),
		.user_va_total = USER_MAX_ADDR + 1 - USER_MIN_ADDR,
		.user_va_free = USER_MAX_ADDR + 1 - USER_MIN_ADDR - reserved,
		.commit_peak = c.peak,
		.commit_limit_max = c.limit_max,
		.pagefile_initial = pagefile_initial_slots(),
		.pagefile_max = pagefile_max_slots(),
	};
	return copy_to_user(tf->rdi, &out, sizeof(out)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}

static ntstatus_t sys_delay(struct trap_frame *tf)
{
	uint32_t ms = (uint32_t)tf->rdi;
	if (ms == 0)
		sched_yield();	/* Sleep(0): give the rest of the slice to a ready thread of the same priority */
	else
		wait_sleep_until(ms == 0xffffffff ? WAIT_INFINITE : rdtsc() + ms * time_tsc_per_ms());
	return STATUS_SUCCESS;
}

static ntstatus_t sys_raise(struct trap_frame *tf)
{
	uint32_t rec[38];	/* EXCEPTION_RECORD, 0x98 bytes */
	if (copy_from_user(rec, tf->rdi, sizeof(rec)))
		return STATUS_ACCESS_VIOLATION;
	if (tf->rdx & 0xff)
		return STATUS_NOT_IMPLEMENTED;	/* first-chance raising (RaiseException) is not supported yet */
	uint64_t address, info0, info1;
	__builtin_memcpy(&address, (char *)rec + 16, 8);
	__builtin_memcpy(&info0, (char *)rec + 32, 8);
	__builtin_memcpy(&info1, (char *)rec + 40, 8);
	proc_unhandled_exception(rec[0], address, rec[6], info0, info1);
}

/* NtGetWriteWatch's output array, written one address at a time (probed before). */
static int emit_address(void *ctx, uint64_t index, uint64_t addr)
{
	return copy_to_user(*(uint64_t *)ctx + index * 8, &addr, 8);
}

/*
 * NtGetWriteWatch(flags, base, size, addresses, count, granularity): NULL or bad
 * count/granularity pointers give STATUS_ACCESS_VIOLATION (998), a zero count
 * STATUS_INVALID_PARAMETER (87, even with a NULL array), then the array is
 * probed for the entries that can be written (998), then mm/watch.c checks
 * the values and the range (87).
 */
static ntstatus_t sys_get_write_watch(struct trap_frame *tf)
{
	uint64_t count, uarr = tf->r10, gran = PAGE_SIZE;
	uint32_t g32 = 0;
	if (MISALIGNED(tf->r8, 8) || MISALIGNED(tf->r9, 4) || MISALIGNED(uarr, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&count, tf->r8, 8) || copy_to_user(tf->r8, &count, 8) ||
	    copy_from_user(&g32, tf->r9, 4) || copy_to_user(tf->r9, &g32, 4))
		return STATUS_ACCESS_VIOLATION;
	if (count == 0)
		return STATUS_INVALID_PARAMETER;
	/* At most one entry per page of the range is written. */
	uint64_t base = tf->rsi, size = tf->rdx, n = count;
	if (base + size >= base) {
		uint64_t pages = (((base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - (base & ~(PAGE_SIZE - 1))) / PAGE_SIZE;
		n = pages < n ? pages : n;
	}
	if (n > USER_TOP / 8 || probe_user_write(uarr, n * 8))
		return STATUS_ACCESS_VIOLATION;
	ntstatus_t st = vm_get_write_watch(&current_process()->vm, (uint32_t)tf->rdi, base, size, &count,
					   emit_address, &uarr);
	if (st)
		return st;
	g32 = (uint32_t)gran;
	if (copy_to_user(tf->r8, &count, 8) || copy_to_user(tf->r9, &g32, 4))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/* Run system call tf->rax (syscall_dispatch's body, outside the pool-quota context). */
static int dispatch(struct trap_frame *tf)
{
	struct process *p = current_process();
	ntstatus_t st;
	switch (tf->rax) {
	case SYS_NtTerminateProcess: st = sys_terminate_process(tf); break;
	case SYS_NtWriteConsole: st = sys_write_console(tf); break;
	case SYS_NtAllocateVirtualMemory: st = sys_allocate(tf); break;
	case SYS_NtFreeVirtualMemory: st = sys_free(tf); break;
	case SYS_NtProtectVirtualMemory: st = sys_protect(tf); break;
	case SYS_NtQueryVirtualMemory: st = sys_query(tf); break;
	case SYS_NtContinue:
		st = sys_continue(tf);
		if (st == STATUS_SUCCESS)
			return 1;
		break;
	case SYS_NtGetTickCount: tf->rax = time_ms(); return 0;
	case SYS_NtDelayExecution: st = sys_delay(tf); break;
	case SYS_NtCreateProcess: st = sys_create_process(tf); break;
	case SYS_NtWaitForProcess: st = sys_wait(tf); break;
	case SYS_NtQueryFrameStats: st = sys_frame_stats(tf); break;
	case SYS_NtFlushInstructionCache:
		/* x86 keeps instruction fetch coherent with stores: only the handle is checked */
		st = proc_from_handle(tf->rdi, W_PROCESS_VM_WRITE, &(struct process *){ NULL });
		break;
	case SYS_NtGetCurrentProcessId: tf->rax = p->pid; return 0;
	case SYS_NtSetExceptionDispatcher:
		if (tf->rdi >= USER_TOP) {
			st = STATUS_INVALID_PARAMETER;
			break;
		}
		p->exception_dispatcher = tf->rdi;
		st = STATUS_SUCCESS;
		break;
	case SYS_NtRaiseException: st = sys_raise(tf); break;
	case SYS_NtGetWriteWatch: st = sys_get_write_watch(tf); break;
	case SYS_NtQueryPhysicalMemoryMap: st = sys_phys_map(tf); break;
	case SYS_NtResetWriteWatch:
		st = is_current(tf->rdi) ? vm_reset_write_watch(&p->vm, tf->rsi, tf->rdx) : STATUS_INVALID_HANDLE;
		break;
	case SYS_NtCreateSection: st = sys_create_section(tf); break;
	case SYS_NtOpenSection: st = sys_open_section(tf); break;
	case SYS_NtMapViewOfSection: st = sys_map_view(tf); break;
	case SYS_NtQuerySection: st = sys_query_section(tf); break;
	case SYS_NtAllocateVirtualMemoryEx:
	case SYS_NtMapViewOfSectionEx:
	case SYS_NtUnmapViewOfSectionEx: st = sys_va2_call(tf); break;
	case SYS_NtUnmapViewOfSection: st = sys_unmap_view(tf); break;
	case SYS_NtClose: st = sys_close(tf); break;
	case SYS_NtForkProcess: st = sys_fork(tf); break;
	case SYS_NtWaitForChild: st = sys_wait_child(tf); break;
	case SYS_NtQueryMemoryStatus: st = sys_memory_status(tf); break;
	case SYS_NtAllocateUserPhysicalPages: st = sys_awe_pages(tf, false); break;
	case SYS_NtMapUserPhysicalPages: st = sys_awe_map(tf, false); break;
	case SYS_NtMapUserPhysicalPagesScatter: st = sys_awe_map(tf, true); break;
	case SYS_NtFreeUserPhysicalPages: st = sys_awe_pages(tf, true); break;
	case SYS_NtLockVirtualMemory: st = sys_lock(tf, false); break;
	case SYS_NtUnlockVirtualMemory: st = sys_lock(tf, true); break;
	case SYS_NtWorkingSetLimits: st = sys_working_set(tf); break;
	case SYS_NtLoadImage: st = sys_load_image(tf); break;
	case SYS_NtQueryImages: st = sys_query_images(tf); break;
	case SYS_NtUnloadImage: st = sys_unload_image(tf); break;
	case SYS_NtCreateFile: st = sys_create_file(tf); break;
	case SYS_NtReadFile: st = sys_read_file(tf); break;
	case SYS_NtWriteFile: st = sys_write_file(tf); break;
	case SYS_NtQueryInformationFile: st = sys_query_info_file(tf); break;
	case SYS_NtSetInformationFile: st = sys_set_info_file(tf); break;
	case SYS_NtQueryDirectoryFile: st = sys_query_directory_file(tf); break;
	case SYS_NtFlushBuffersFile: st = sys_flush_buffers_file(tf); break;
	case SYS_NtLockFile: st = sys_lock_file(tf); break;
	case SYS_NtUnlockFile: st = sys_unlock_file(tf); break;
	case SYS_NtQueryVolumeInformationFile: st = sys_query_volume_file(tf); break;
	case SYS_NtDeleteFile: st = sys_delete_file(tf); break;
	case SYS_NtQueryFullAttributesFile: st = sys_query_full_attributes_file(tf); break;
	default:
		st = tf->rax >= SYS_NtReadVirtualMemory && tf->rax < SYS_COUNT ? sys_procmem_call(tf)
		     : tf->rax >= SYS_NtCreateThread && tf->rax < SYS_COUNT ? sys_thread_call(tf)
									    : STATUS_INVALID_SYSTEM_SERVICE;
		break;
	}
	tf->rax = (uint64_t)(int64_t)st;
	return 0;
}

/*
 * Run system call tf->rax.  Returns 0 when the caller may return with sysret,
 * non-zero when the frame was rewritten (NtContinue) and must be restored in full.
 * The kernel memory the call allocates is charged to the caller's pool quota
 * and checked (mm/kheap.h); when the heap refused it, the call's
 * STATUS_NO_MEMORY / STATUS_INSUFFICIENT_RESOURCES becomes the refusal's
 * status (STATUS_QUOTA_EXCEEDED, or STATUS_INSUFFICIENT_RESOURCES for the
 * system pool limit).
 */
/*
 * The rare work at a system call's end: a thread this call woke may come
 * first (a higher priority); NtSetContextThread rewrote this thread's
 * registers while it was in the call (they leave by iretq).
 */
static __attribute__((noinline)) int syscall_exit_slow(struct trap_frame *tf, struct thread *t, int r)
{
	sched_entry_checks();	/* killed or suspended from another CPU while this call waited for it (sched_wait_off_cpu) */
	sched_check_resched();
	if (t->full_restore) {
		*tf = t->pending;
		t->full_restore = false;
		r = 1;
	}
	return r;
}

extern char syscall_entry[];

void syscall_cpu_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x40700);	/* clear IF, TF, DF, AC on entry */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/*
 * The way in and out of every system call, kept short (it is the
 * syscall_getppid row): the kernel lock alone (klock_acquire), the entry
 * checks only when a kill or suspend request is pending, the kernel heap
 * charging the process (POOL_CHECKED) during the call, and the thread's own
 * saved heap context put back as it was (a switch inside the call saves the
 * call's context there).
 */
int syscall_dispatch(struct trap_frame *tf)
{
	klock_acquire();	/* the kernel lock (kernel/klock.h) */
	struct cpu *c = this_cpu();
	struct process *p = c->proc;
	struct thread *t = c->thread;	/* a system call comes from a thread, never the idle loop */
	if (__builtin_expect(t->kill_requested | (t->suspend_count != 0), 0))
		sched_entry_checks();
	t->kernel_entry = rdtsc();	/* kernel time: from here, less any time switched out (sched.c) */
	uint64_t nr = tf->rax;
	struct kheap_context saved = t->kctx;
	kheap_context_set(p->quota, POOL_CHECKED);
	kheap_take_refusal();
	int r = dispatch(tf);
	ntstatus_t refused = kheap_take_refusal();
	ntstatus_t st = (ntstatus_t)tf->rax;
	if (!r && refused && nr != SYS_NtGetTickCount && nr != SYS_NtGetCurrentProcessId &&
	    (st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES))
		tf->rax = (uint64_t)(int64_t)refused;
	kheap_context_restore(saved);
	if (__builtin_expect(this_cpu()->need_resched | t->full_restore | t->kill_requested | (t->suspend_count != 0), 0))
		r = syscall_exit_slow(tf, t, r);
	t->kernel_cycles += rdtsc() - t->kernel_entry;
	t->kernel_entry = 0;
	t->kctx = saved;	/* klock_leave's save, without the store and reload */
	kheap_context_set(NULL, POOL_FORCE);
	klock_release();
	return r;
}
