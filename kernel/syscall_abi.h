/*
 * kernel/syscall_abi.h - the native system-call interface, shared by the
 * kernel and user-mode libc (which includes it from libc/).
 *
 * Calling convention: `syscall` with the number in rax and up to six
 * arguments in rdi, rsi, rdx, r10, r8, r9 (the Linux/x86-64 register order;
 * r10 replaces rcx, which syscall overwrites).  The result comes back in rax:
 * an NTSTATUS for every Nt* call.  rcx and r11 are clobbered.  Every pointer
 * argument is checked by the kernel; a bad one gives STATUS_ACCESS_VIOLATION.
 */
#ifndef KERNEL_SYSCALL_ABI_H
#define KERNEL_SYSCALL_ABI_H

enum syscall_number {
	SYS_NtTerminateProcess = 0,	 /* (HANDLE process (must be current, -1), NTSTATUS exit_status) */
	SYS_NtWriteConsole = 1,		 /* (const char *buf, SIZE_T len) */
	SYS_NtAllocateVirtualMemory = 2, /* (HANDLE, PVOID *base, ULONG_PTR zero_bits, SIZE_T *size, ULONG type, ULONG protect) */
	SYS_NtFreeVirtualMemory = 3,	 /* (HANDLE, PVOID *base, SIZE_T *size, ULONG type) */
	SYS_NtProtectVirtualMemory = 4,	 /* (HANDLE, PVOID *base, SIZE_T *size, ULONG new_protect, ULONG *old_protect) */
	SYS_NtQueryVirtualMemory = 5,	 /* (HANDLE, PVOID addr, int info_class (0 = basic, ABI_MEMORY_FRAMES_INFORMATION),
					    PVOID buf, SIZE_T len, SIZE_T *ret_len) */
	SYS_NtContinue = 6,		 /* (const CONTEXT *ctx, BOOLEAN test_alert): resumes at ctx, never returns on success */
	SYS_NtGetTickCount = 7,		 /* () -> milliseconds since boot (not an NTSTATUS) */
	SYS_NtDelayExecution = 8,	 /* (ULONG milliseconds) */
	SYS_NtCreateProcess = 9,	 /* (const char *module_name, SIZE_T name_len, ULONG *pid, const char *cmdline,
					    SIZE_T cmdline_len): start a boot module (.exe); cmdline_len 0: the name */
	SYS_NtWaitForProcess = 10,	 /* (ULONG pid, NTSTATUS *exit_status): wait for a child to end */
	SYS_NtQueryFrameStats = 11,	 /* (struct abi_frame_stats *out) */
	SYS_NtFlushInstructionCache = 12, /* (HANDLE, PVOID base, SIZE_T size) */
	SYS_NtGetCurrentProcessId = 13,	 /* () -> pid (not an NTSTATUS) */
	SYS_NtSetExceptionDispatcher = 14, /* (void (*dispatcher)(EXCEPTION_RECORD *, CONTEXT *)) */
	SYS_NtRaiseException = 15,	 /* (const EXCEPTION_RECORD *, const CONTEXT *, BOOLEAN first_chance): with
					    first_chance FALSE the process ends with the exception code and one console line */
	SYS_NtGetWriteWatch = 16,	 /* (ULONG flags, PVOID base, SIZE_T size, PVOID *addresses, ULONG_PTR *count,
					    ULONG *granularity): Windows' HANDLE argument is dropped to fit six registers (the
					    call always acts on the current process; ntdll checks the handle) */
	SYS_NtResetWriteWatch = 17,	 /* (HANDLE, PVOID base, SIZE_T size) */
	/*
	 * Sections (pagefile-backed only: no FileHandle).  Windows passes the name
	 * in OBJECT_ATTRIBUTES and the size by pointer; here the name is a byte
	 * string (name_len 0: unnamed) and the size a value, and the handle gets
	 * SECTION_ALL_ACCESS.  STATUS_OBJECT_NAME_EXISTS (a success) returns a
	 * handle to the existing section of that name.
	 */
	SYS_NtCreateSection = 18,	 /* (HANDLE *out, const char *name, SIZE_T name_len, ULONG64 size, ULONG page_protect,
					    ULONG attributes (SEC_COMMIT / SEC_RESERVE)) */
	SYS_NtOpenSection = 19,		 /* (HANDLE *out, ACCESS_MASK access, const char *name, SIZE_T name_len) */
	SYS_NtMapViewOfSection = 20,	 /* (HANDLE section, HANDLE process, struct abi_map_view *args): Windows' ten
					    arguments, less ZeroBits/CommitSize/InheritDisposition, in one structure */
	SYS_NtUnmapViewOfSection = 21,	 /* (HANDLE process, PVOID address anywhere in the view) */
	SYS_NtClose = 22,		 /* (HANDLE) */
	SYS_NtForkProcess = 23,		 /* (ULONG *child_pid): STATUS_SUCCESS in the parent, STATUS_PROCESS_CLONED in the
					    child (as RtlCloneUserProcess) */
	SYS_NtWaitForChild = 24,	 /* (LONG pid (-1: any child), ULONG options (1: do not block), struct abi_child_exit
					    *out): STATUS_SUCCESS, STATUS_PENDING when none has ended (options 1),
					    STATUS_NO_SUCH_PROCESS (no such child) */
	SYS_NtQueryPhysicalMemoryMap = 25, /* (struct abi_frame_run *runs, SIZE_T count, SIZE_T *needed): the frame
					      database as runs of one owner; STATUS_BUFFER_TOO_SMALL (nothing written,
					      *needed set) when count is too small */
	SYS_NtQueryMemoryStatus = 26,	 /* (struct abi_memory_status *out) */
	SYS_NtAllocateUserPhysicalPages = 27, /* (HANDLE, ULONG_PTR *number_of_pages, ULONG_PTR *pfn_array) */
	SYS_NtMapUserPhysicalPages = 28, /* (PVOID va, ULONG_PTR number_of_pages, const ULONG_PTR *pfn_array or NULL) */
	SYS_NtMapUserPhysicalPagesScatter = 29, /* (PVOID *va_array, ULONG_PTR number_of_pages,
						   const ULONG_PTR *pfn_array or NULL) */
	SYS_NtFreeUserPhysicalPages = 30, /* (HANDLE, ULONG_PTR *number_of_pages, const ULONG_PTR *pfn_array) */
	SYS_NtLockVirtualMemory = 31,	 /* (HANDLE, PVOID *base, SIZE_T *size, ULONG map_type (MAP_PROCESS 1; MAP_SYSTEM 2 needs a
					    privilege nobody holds)) */
	SYS_NtUnlockVirtualMemory = 32,	 /* (HANDLE, PVOID *base, SIZE_T *size, ULONG map_type) */
	SYS_NtWorkingSetLimits = 33,	 /* (HANDLE, ULONG set (0: query, 1: set), struct abi_quota_limits *limits): the
					    ProcessQuotaLimits class of NtQuery/SetInformationProcess, working-set fields only */
	/* Images (docs/loader.md).  Names are boot-module names, ASCII, case-insensitive ("kernel32.dll"). */
	SYS_NtLoadImage = 34,		 /* (const char *name, SIZE_T name_len, ULONG64 *base): map a DLL and every DLL it
					    needs that is not mapped yet into the current process, binding their imports;
					    *base its image base.  Already mapped: its base, STATUS_SUCCESS, nothing
					    changes.  STATUS_DLL_NOT_FOUND, STATUS_ENTRYPOINT_NOT_FOUND,
					    STATUS_INVALID_IMAGE_FORMAT change nothing */
	SYS_NtQueryImages = 35,		 /* (struct abi_image_info *out, SIZE_T count, SIZE_T *needed): the images mapped in
					    the current process in initialization order (dependencies first, the exe
					    last); STATUS_BUFFER_TOO_SMALL (nothing written, *needed set) when count is
					    too small */
	SYS_NtUnloadImage = 36,		 /* (ULONG64 base): unmap an image NtLoadImage mapped (FreeLibrary's last
					    reference); STATUS_NOT_MAPPED_VIEW when base is not an image's base */
	SYS_COUNT = 37			 /* above the highest number; unset numbers give STATUS_INVALID_SYSTEM_SERVICE */
};

/* SYS_NtQueryImages: one mapped image. */
struct abi_image_info {
	unsigned long long base, size;	/* the view: image base, SizeOfImage rounded to pages */
	unsigned long long entry;	/* AddressOfEntryPoint as an address, 0 when the image has none */
	unsigned int flags;		/* ABI_IMAGE_EXE for the program, ABI_IMAGE_DLL for DLLs */
	unsigned int pad;
	char name[64];			/* the boot module's name, NUL-terminated ("kernel32.dll") */
};
#define ABI_IMAGE_EXE 1
#define ABI_IMAGE_DLL 2

/* SYS_NtMapViewOfSection's arguments. */
struct abi_map_view {
	unsigned long long base;	/* in: wanted address (0: any); out: the view */
	unsigned long long offset;	/* in: byte offset in the section, a multiple of 64 KiB */
	unsigned long long size;	/* in: bytes (0: to the end of the section); out: the view's size */
	unsigned int alloc_type;	/* 0 or MEM_TOP_DOWN */
	unsigned int protect;		/* PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY or an execute variant */
};

/* SYS_NtWorkingSetLimits: QUOTA_LIMITS_EX's working-set fields (bytes; flags QUOTA_LIMITS_HARDWS_*). */
struct abi_quota_limits {
	unsigned long long min_working_set, max_working_set;
	unsigned int flags, pad;
};
#define ABI_MAP_PROCESS 1
#define ABI_MAP_SYSTEM  2

/* SYS_NtWaitForChild's result. */
struct abi_child_exit {
	unsigned int pid;
	unsigned int status;		/* exit code, or the exception code */
	unsigned int by_exception;	/* 1: ended by an unhandled exception */
	unsigned int pad;
};

#define ABI_STATUS_PROCESS_CLONED 0x00000129

/* NtCurrentProcess() */
#define ABI_CURRENT_PROCESS ((long)-1)

/* The free-frame oracle, as user programs see it. */
struct abi_frame_stats {
	unsigned long long total, free, pagetable, heap, user;
	unsigned long long paged_out;	/* pages that are only in the pagefile now */
};

/*
 * NtQueryVirtualMemory information class ABI_MEMORY_FRAMES_INFORMATION (not a
 * Windows class): the kernel's view of the region containing the address, the
 * same region MemoryBasicInformation reports.  Counts are in 4 KiB pages.
 */
#define ABI_MEMORY_FRAMES_INFORMATION 0x100
struct abi_memory_frames_info {
	unsigned long long base_address, region_size;
	unsigned long long resident;	/* pages holding a frame (present, or no-access/guard keeping theirs) */
	unsigned long long shared;	/* of those, frames mapped more than once or section memory */
	unsigned long long dirty;	/* of those, PTE dirty bit set */
};

/* NtQueryPhysicalMemoryMap: frames [first, first+count) all have owner ABI_FRAME_*. */
struct abi_frame_run {
	unsigned long long first, count;
	unsigned int owner, pad;
};
#define ABI_FRAME_ABSENT    0	/* not RAM, or never managed: first MiB, kernel image, modules, the database */
#define ABI_FRAME_FREE      1
#define ABI_FRAME_KERNEL    2
#define ABI_FRAME_PAGETABLE 3
#define ABI_FRAME_HEAP      4
#define ABI_FRAME_USER      5
#define ABI_FRAME_SECTION   6
#define ABI_FRAME_AWE       7	/* AWE physical pages (AllocateUserPhysicalPages) */

/*
 * Memory status (NtQueryMemoryStatus), in 4 KiB pages; GlobalMemoryStatusEx is
 * built on it.  commit_limit is the limit the kernel enforces: usable RAM less
 * a kernel reserve (commit_limit_ram) plus the pagefile slots paging uses.
 */
struct abi_memory_status {
	unsigned long long total_phys, avail_phys;	/* frames managed, frames free */
	unsigned long long commit_limit, commit_charged, process_charge;
	unsigned long long commit_limit_ram;	/* the part of commit_limit backed by RAM */
	unsigned long long pagefile_total, pagefile_free;	/* slots */
	unsigned long long user_va_total, user_va_free;	/* bytes of this process's user range */
};

/*
 * Exception delivery.  On a user fault the kernel pushes, below the faulting
 * rsp (minus 128 bytes of red zone, 16-byte aligned), a CONTEXT (0x4d0 bytes,
 * Windows x64 layout) and an EXCEPTION_RECORD (0x98 bytes), then enters the
 * registered dispatcher with rdi = &record, rsi = &context, rsp 16-byte aligned
 * minus 8 (as after a call).  Offsets into CONTEXT the kernel writes:
 */
#define ABI_CONTEXT_SIZE          0x4d0
#define ABI_CONTEXT_FLAGS         0x30	/* DWORD ContextFlags */
#define ABI_CONTEXT_MXCSR         0x34
#define ABI_CONTEXT_SEGCS         0x38	/* WORD SegCs, SegDs, SegEs, SegFs, SegGs, SegSs */
#define ABI_CONTEXT_EFLAGS        0x44	/* DWORD EFlags */
#define ABI_CONTEXT_RAX           0x78	/* DWORD64 Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8..R15, Rip */
#define ABI_CONTEXT_RIP           0xf8
#define ABI_CONTEXT_FLTSAVE       0x100	/* XMM_SAVE_AREA32 FltSave: 512 bytes, the FXSAVE format */
#define ABI_CONTEXT_FLOATING_POINT 0x100008	/* ContextFlags bit: FltSave is valid */
#define ABI_EXCEPTION_RECORD_SIZE 0x98
#define ABI_CONTEXT_FULL          0x10000b	/* CONTEXT_FULL: CONTEXT_AMD64 | CONTROL | INTEGER | FLOATING_POINT */

#endif
