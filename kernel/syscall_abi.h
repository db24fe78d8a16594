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
	SYS_NtTerminateProcess = 0,	 /* (HANDLE process (-1: the caller's, never returns; a handle: that process;
					    NULL: every other thread of the caller's process ends), NTSTATUS exit_status) */
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
					    SIZE_T cmdline_len, struct abi_process_handles *out or NULL): start a program
					    (a path on C:, or a bare name: C:\NAME, then a boot module); cmdline_len 0: the
					    name; *out handles to it and its main thread, made before it runs */
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
					    ULONG attributes (SEC_COMMIT / SEC_RESERVE)); with SEC_FILE (0x800000) in
					    attributes, a section over a file: size is then a pointer to a struct
					    abi_section_file (issue 20) */
	SYS_NtOpenSection = 19,		 /* (HANDLE *out, ACCESS_MASK access, const char *name, SIZE_T name_len) */
	SYS_NtMapViewOfSection = 20,	 /* (HANDLE section, HANDLE process, struct abi_map_view *args): Windows' ten
					    arguments, less CommitSize/InheritDisposition, in one structure */
	SYS_NtUnmapViewOfSection = 21,	 /* (HANDLE process, PVOID address anywhere in the view, ULONG op, SIZE_T len):
					    op ABI_VIEW_FLUSH writes [address, address+len) (len 0: to the view's
					    end) of a file view to its file and keeps the view (FlushViewOfFile);
					    anything else unmaps */
	SYS_NtClose = 22,		 /* (HANDLE) */
	SYS_NtForkProcess = 23,		 /* (ULONG *child_pid): STATUS_SUCCESS in the parent, STATUS_PROCESS_CLONED in the
					    child (as RtlCloneUserProcess), with its process id in rsi and its thread's id in
					    rdx (the TEB still holds the parent's: the child writes them) */
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
	/*
	 * Files on C:\ (docs/files.md).  Paths, access, share, dispositions,
	 * options, information classes and statuses: see "File system calls" in
	 * kernel/syscall_abi_file.h.  `iosb` is a struct abi_io_status (IO_STATUS_BLOCK).
	 */
	SYS_NtCreateFile = 37,		 /* (HANDLE *out, const struct abi_create_file *args, struct abi_io_status *iosb):
					    open or create a file or directory; iosb->information = FILE_CREATED etc. */
	SYS_NtReadFile = 38,		 /* (HANDLE, void *buf, ULONG len, LONG64 offset (ABI_FILE_USE_FILE_POINTER: the file
					    pointer), struct abi_io_status *iosb): iosb->information = bytes read */
	SYS_NtWriteFile = 39,		 /* (HANDLE, const void *buf, ULONG len, LONG64 offset (ABI_FILE_USE_FILE_POINTER,
					    ABI_FILE_WRITE_TO_END), struct abi_io_status *iosb): iosb->information = bytes written */
	SYS_NtQueryInformationFile = 40, /* (HANDLE, struct abi_io_status *iosb, void *buf, ULONG len, ULONG class):
					    Windows' argument order; classes ABI_FileBasicInformation ... below */
	SYS_NtSetInformationFile = 41,	 /* (HANDLE, struct abi_io_status *iosb, const void *buf, ULONG len, ULONG class) */
	SYS_NtQueryDirectoryFile = 42,	 /* (HANDLE dir, struct abi_io_status *iosb, void *buf, ULONG len, ULONG flags
					    (ABI_DIR_RESTART_SCAN), const struct abi_unicode_string *pattern or NULL):
					    one FILE_BOTH_DIR_INFORMATION entry per call */
	SYS_NtFlushBuffersFile = 43,	 /* (HANDLE, struct abi_io_status *iosb): the file's dirty pages, its directory
					    entry, the FAT and FSInfo are on the disk when it returns */
	SYS_NtLockFile = 44,		 /* (HANDLE, LONG64 offset, LONG64 length, ULONG flags (ABI_LOCKFILE_*)) */
	SYS_NtUnlockFile = 45,		 /* (HANDLE, LONG64 offset, LONG64 length) */
	SYS_NtQueryVolumeInformationFile = 46, /* (HANDLE (any file or directory of the volume), struct abi_io_status *iosb,
						  void *buf, ULONG len, ULONG class (ABI_FileFs*)) */
	SYS_NtDeleteFile = 47,		 /* (const unsigned short *path, ULONG path_bytes, ULONG options (0,
					    ABI_FILE_NON_DIRECTORY_FILE or ABI_FILE_DIRECTORY_FILE)) */
	SYS_NtQueryFullAttributesFile = 48, /* (const unsigned short *path, ULONG path_bytes,
					       struct abi_file_network_open_info *out): without opening a handle */
	/*
	 * Threads and synchronization (docs/threads.md).  A thread handle may be
	 * the pseudo handle -2 (NtCurrentThread) wherever one is taken; a process
	 * handle -1 (NtCurrentProcess).  Object names are byte strings in the one
	 * namespace sections use (name_len 0: unnamed); a name held by an object
	 * of another type: STATUS_OBJECT_TYPE_MISMATCH; the same type:
	 * STATUS_OBJECT_NAME_EXISTS (a success) and a handle to it.
	 */
	SYS_NtCreateThread = 49,	 /* (HANDLE process (current only), struct abi_create_thread *args, HANDLE *out) */
	SYS_NtTerminateThread = 50,	 /* (HANDLE thread, NTSTATUS exit_status): the caller's own: never returns; the
					    last thread of a process ending ends the process with its status */
	SYS_NtSuspendThread = 51,	 /* (HANDLE thread, ULONG *previous_count or NULL): STATUS_SUSPEND_COUNT_EXCEEDED
					    past 127 */
	SYS_NtResumeThread = 52,	 /* (HANDLE thread, ULONG *previous_count or NULL) */
	SYS_NtGetContextThread = 53,	 /* (HANDLE thread, CONTEXT *ctx): ctx->ContextFlags says which parts; the
					    thread must be the caller or suspended (else STATUS_UNSUCCESSFUL) */
	SYS_NtSetContextThread = 54,	 /* (HANDLE thread, const CONTEXT *ctx) */
	SYS_NtQueryInformationThread = 55, /* (HANDLE thread, ULONG class, void *buf, ULONG len, ULONG *ret_len or NULL):
					      ABI_ThreadBasicInformation, ABI_ThreadTimes */
	SYS_NtSetInformationThread = 56, /* (HANDLE thread, ULONG class, const void *buf, ULONG len):
					    ABI_ThreadBasePriority (LONG -2..2, or 15 / -15) */
	SYS_NtCreateEvent = 57,		 /* (HANDLE *out, ULONG type (ABI_NOTIFICATION_EVENT: manual reset,
					    ABI_SYNCHRONIZATION_EVENT: auto reset), ULONG initial_state,
					    const char *name, SIZE_T name_len) */
	SYS_NtOpenObject = 58,		 /* (HANDLE *out, ULONG type (ABI_OBJ_*), ULONG access, const char *name, SIZE_T
					    name_len): OpenEvent/OpenMutex/OpenSemaphore; STATUS_OBJECT_NAME_NOT_FOUND */
	SYS_NtSetEvent = 59,		 /* (HANDLE, LONG *previous_state or NULL) */
	SYS_NtResetEvent = 60,		 /* (HANDLE, LONG *previous_state or NULL) */
	SYS_NtPulseEvent = 61,		 /* (HANDLE, LONG *previous_state or NULL): wakes the waiters there are (manual:
					    all, auto: one) and leaves the event reset */
	SYS_NtCreateMutant = 62,	 /* (HANDLE *out, ULONG initial_owner, const char *name, SIZE_T name_len) */
	SYS_NtReleaseMutant = 63,	 /* (HANDLE, LONG *previous_count or NULL): STATUS_MUTANT_NOT_OWNED when the
					    caller does not own it */
	SYS_NtCreateSemaphore = 64,	 /* (HANDLE *out, LONG initial, LONG maximum, const char *name, SIZE_T name_len):
					    maximum <= 0, initial < 0 or > maximum: STATUS_INVALID_PARAMETER */
	SYS_NtReleaseSemaphore = 65,	 /* (HANDLE, LONG count (> 0), LONG *previous_count or NULL): past the maximum:
					    STATUS_SEMAPHORE_LIMIT_EXCEEDED, the count unchanged */
	SYS_NtWaitForMultipleObjects = 66, /* (ULONG count (1..64), const HANDLE *handles, ULONG wait_type (ABI_WAIT_ALL,
					      ABI_WAIT_ANY), ULONG alertable, const LONG64 *timeout (NULL: infinite;
					      < 0: relative, 100 ns units; >= 0: absolute FILETIME)): STATUS_WAIT_0 + i,
					      STATUS_ABANDONED_WAIT_0 + i, STATUS_TIMEOUT; a handle that cannot be waited
					      on: STATUS_OBJECT_TYPE_MISMATCH; one object twice in a wait-all:
					      STATUS_INVALID_PARAMETER_MIX; count 0 or > 64: STATUS_INVALID_PARAMETER */
	SYS_NtWaitForSingleObject = 67,	 /* (HANDLE, ULONG alertable, const LONG64 *timeout): as above with one handle */
	SYS_NtYieldExecution = 68,	 /* (): STATUS_NO_YIELD_PERFORMED when no other thread was ready */
	SYS_NtWaitOnAddress = 69,	 /* (const volatile void *address, const void *compare, SIZE_T size (1, 2, 4, 8),
					    const LONG64 *timeout): sleeps while the value at address equals *compare
					    (checked atomically with going to sleep); STATUS_SUCCESS when woken or when
					    it differed, STATUS_TIMEOUT.  Not a Windows call: ntdll's
					    RtlWaitOnAddress (WaitOnAddress) is built on it */
	SYS_NtWakeAddress = 70,		 /* (const void *address, ULONG all): wakes one (all 0) or every thread of the
					    process sleeping on address */
	SYS_NtOpenThread = 71,		 /* (HANDLE *out, ULONG access, ULONG thread_id): STATUS_INVALID_CID */
	SYS_NtOpenProcess = 72,		 /* (HANDLE *out, ULONG access, ULONG pid): STATUS_INVALID_CID */
	SYS_NtQueryInformationProcess = 73, /* (HANDLE process, ULONG class, void *buf, ULONG len, ULONG *ret_len or
					       NULL): ABI_ProcessBasicInformation, ABI_ProcessTimes */
	/*
	 * Other processes' memory and handles (issue 21, docs/processes.md).
	 * A process handle's rights are checked where it is used:
	 * PROCESS_VM_OPERATION for NtAllocate/Free/Protect/Lock/UnlockVirtualMemory,
	 * PROCESS_QUERY_INFORMATION for NtQueryVirtualMemory, PROCESS_VM_READ /
	 * PROCESS_VM_WRITE below; missing: STATUS_ACCESS_DENIED.  A process that
	 * has ended: STATUS_PROCESS_IS_TERMINATING.
	 */
	SYS_NtReadVirtualMemory = 74,	 /* (HANDLE process, PVOID base (its), PVOID buffer (the caller's), SIZE_T size,
					    SIZE_T *done or NULL): size 0 succeeds without looking at the handle; a range
					    outside user space: STATUS_ACCESS_VIOLATION; a page that cannot be read:
					    STATUS_PARTIAL_COPY (0x8000000D) with *done the bytes before it */
	SYS_NtWriteVirtualMemory = 75,	 /* (HANDLE process, PVOID base (its), const void *buffer, SIZE_T size, SIZE_T
					    *done or NULL): as above; read-only and execute pages are not written
					    (kernel32's WriteProcessMemory re-protects execute pages around the call) */
	SYS_NtDuplicateObject = 76,	 /* (HANDLE source_process, HANDLE source, HANDLE target_process (NULL: none),
					    HANDLE *target or NULL, ACCESS_MASK access, ULONG options
					    (ABI_DUPLICATE_*)): Windows' HandleAttributes OBJ_INHERIT is ABI_DUPLICATE_INHERIT;
					    both process handles need PROCESS_DUP_HANDLE; DUPLICATE_CLOSE_SOURCE closes
					    the source whatever else happens once the source process is known */
	SYS_NtQuerySystemInformation = 77, /* (ULONG class, void *buf, ULONG len, ULONG *ret_len or NULL):
					      ABI_SystemBasicInformation, ABI_SystemProcessInformation */
	/* issue 21, VirtualAlloc2 and placeholders (kernel/syscall_va2.c, mm/placeholder.h): */
	SYS_NtAllocateVirtualMemoryEx = 78, /* (HANDLE process, PVOID *base, SIZE_T *size, ULONG type, ULONG protect,
					    const struct abi_alloc_requirements *req or NULL): NtAllocateVirtualMemory
					    plus MEM_RESERVE_PLACEHOLDER / MEM_REPLACE_PLACEHOLDER and the extended
					    parameters ntdll gathered from MEM_EXTENDED_PARAMETER */
	SYS_NtMapViewOfSectionEx = 79,	 /* (HANDLE section, HANDLE process, struct abi_map_view *args): as 20 on any
					    process handle (PROCESS_VM_OPERATION), alloc_type may add
					    MEM_REPLACE_PLACEHOLDER (args->base/size: exactly a placeholder) */
	SYS_NtUnmapViewOfSectionEx = 80, /* (HANDLE process, PVOID address in the view, ULONG flags (0,
					    MEM_UNMAP_WITH_TRANSIENT_BOOST, MEM_PRESERVE_PLACEHOLDER)) */
	/* issue 18, several CPUs (kernel/syscall_smp.c): */
	SYS_NtFlushProcessWriteBuffers = 81, /* (): every CPU running a thread of the caller's process has made its
					    stores visible when it returns (FlushProcessWriteBuffers); STATUS_SUCCESS */
	SYS_NtSetInformationProcess = 82, /* (HANDLE process, ULONG class, const void *buf, ULONG len):
					     ABI_ProcessAffinityMask (KAFFINITY, 8 bytes: 0 or CPUs the system does not
					     have: STATUS_INVALID_PARAMETER; every thread of the process takes it) */
	/* issue 20 (kernel/syscall_section.c): */
	SYS_NtQuerySection = 83,	 /* (HANDLE section (SECTION_QUERY), ULONG class (ABI_SectionBasicInformation,
					    ABI_SectionImageInformation), void *buf, SIZE_T len, SIZE_T *ret_len or NULL):
					    Windows' structures (struct abi_section_basic / abi_section_image) */
	/* issue 21 (kernel/syscall_procmem.c): */
	SYS_NtHandleFlags = 84,		 /* (HANDLE h, ULONG mask, ULONG flags, ULONG *old or NULL): HANDLE_FLAG_INHERIT /
					    _PROTECT_FROM_CLOSE of h; the bits in mask become flags' (mask 0: a query),
					    *old the flags before (NtQueryObject / NtSetInformationObject class
					    ObjectHandleFlagInformation) */
	SYS_NtSetInformationVirtualMemory = 85, /* (HANDLE process (PROCESS_VM_OPERATION), ULONG class, ULONG_PTR count,
					    const struct abi_memory_range *ranges, const void *info, ULONG info_len):
					    ABI_VmPrefetchInformation (info: ULONG flags, 0), ABI_VmDiscardInformation
					    (info NULL, 0: DiscardVirtualMemory of each range) */
	SYS_COUNT = 86			 /* above the highest number; unset numbers give STATUS_INVALID_SYSTEM_SERVICE */
};

/* SYS_NtAllocateVirtualMemoryEx's extended parameters (0 each: not given). */
struct abi_alloc_requirements {
	unsigned long long lowest;	/* MEM_ADDRESS_REQUIREMENTS.LowestStartingAddress */
	unsigned long long highest;	/* .HighestEndingAddress (inclusive; 0: the top) */
	unsigned long long alignment;	/* .Alignment: 0 or a power of two >= 64 KiB */
	unsigned int attributes;	/* MemExtendedParameterAttributeFlags (MEM_EXTENDED_PARAMETER_NONPAGED_LARGE/HUGE) */
	unsigned int node;		/* MemExtendedParameterNumaNode (only 0 exists) */
};

/*
 * SYS_NtCreateThread.  The kernel reserves the stack (stack_reserve bytes,
 * 0: the exe's SizeOfStackReserve; rounded up to 64 KiB; when stack_commit
 * is not smaller, the commit rounded up to 1 MiB), commits stack_commit
 * (0: the exe's SizeOfStackCommit; rounded up to pages) at its top with a
 * guard page below, as for the main thread, and allocates a TEB
 * (StackBase/StackLimit/DeallocationStack, ClientId, Self, Peb set; the
 * rest zero).  The thread starts in user mode at `start` with rcx = rdi =
 * arg1, rdx = rsi = arg2, rsp 16-byte aligned minus 8 with 32 bytes of shadow
 * space above, and its x87/SSE state reset; GS base = its TEB.  It is
 * created suspended (suspend count 1) with ABI_THREAD_CREATE_SUSPENDED.
 * When it ends, its stack and TEB are freed (unless it is the last thread:
 * then the whole address space goes).
 */
struct abi_create_thread {
	unsigned long long start;		/* in: user address */
	unsigned long long arg1, arg2;		/* in */
	unsigned long long stack_reserve;	/* in: bytes, 0: default */
	unsigned long long stack_commit;	/* in: bytes, 0: default */
	unsigned int flags;			/* in: ABI_THREAD_CREATE_SUSPENDED */
	unsigned int thread_id;			/* out */
	unsigned long long teb;			/* out */
	unsigned long long stack_base;		/* out: the top of the stack (TEB StackBase) */
};
#define ABI_THREAD_CREATE_SUSPENDED 1
#define ABI_CURRENT_THREAD ((long)-2)

#define ABI_NOTIFICATION_EVENT   0	/* manual reset */
#define ABI_SYNCHRONIZATION_EVENT 1	/* auto reset */
#define ABI_OBJ_EVENT     1
#define ABI_OBJ_MUTANT    2
#define ABI_OBJ_SEMAPHORE 3
#define ABI_WAIT_ALL 0
#define ABI_WAIT_ANY 1

#define ABI_DUPLICATE_CLOSE_SOURCE    1
#define ABI_DUPLICATE_SAME_ACCESS     2
#define ABI_DUPLICATE_SAME_ATTRIBUTES 4
#define ABI_DUPLICATE_INHERIT         0x10000	/* the new handle is inheritable (HandleAttributes' OBJ_INHERIT) */
#define ABI_STATUS_PARTIAL_COPY 0x8000000D
#define ABI_SystemBasicInformation   0	/* SYSTEM_BASIC_INFORMATION, 64 bytes (len must match) */
#define ABI_SystemProcessInformation 5	/* SYSTEM_PROCESS_INFORMATION entries (with their threads) */

#define ABI_ThreadBasicInformation 0
#define ABI_ThreadTimes            1
#define ABI_ThreadBasePriority     3
#define ABI_ThreadAffinityMask     4	/* set: KAFFINITY, less CPUs the system lacks; then 0 or CPUs outside the
					   process's mask: STATUS_INVALID_PARAMETER */
#define ABI_ThreadIdealProcessor   13	/* set: ULONG (> 64: STATUS_INVALID_PARAMETER; 64: no change); the status is
					   the previous ideal processor */
#define ABI_ThreadIdealProcessorEx 33	/* query: PROCESSOR_NUMBER (4 bytes); set: the same, the previous one
					   written back (group 0, number < CPUs, else STATUS_INVALID_PARAMETER) */
#define ABI_ProcessAffinityMask    21	/* SYS_NtSetInformationProcess */
#define ABI_ProcessBasicInformation 0
#define ABI_ProcessTimes            4
#define ABI_ProcessVmCounters       3	/* VM_COUNTERS (88 bytes) or VM_COUNTERS_EX (96): GetProcessMemoryInfo (issue 21) */
#define ABI_MemoryWorkingSetExInformation 4	/* NtQueryVirtualMemory: MEMORY_WORKING_SET_EX_INFORMATION[] in/out */
#define ABI_MemoryMappedFilenameInformation 2	/* UNICODE_STRING + the name: \Device\HarddiskVolume1\... */
#define ABI_MemoryRegionInformation 3		/* MEMORY_REGION_INFORMATION: 0x20 bytes, or 0x30 (partition, node) */
#define ABI_VOLUME_DEVICE_NAME "\\Device\\HarddiskVolume1"	/* C:'s NT device name */

struct abi_thread_basic_info {		/* THREAD_BASIC_INFORMATION, 48 bytes */
	int exit_status;		/* STATUS_PENDING (STILL_ACTIVE) while it runs */
	unsigned int pad;
	unsigned long long teb;
	unsigned long long unique_process, unique_thread;	/* CLIENT_ID */
	unsigned long long affinity_mask;
	int priority, base_priority;	/* priority: 8 + the level; base_priority: the level (-2..2, 15, -15) */
};

struct abi_process_basic_info {		/* PROCESS_BASIC_INFORMATION, 48 bytes */
	int exit_status;		/* STATUS_PENDING while it runs */
	unsigned int pad;
	unsigned long long peb;
	unsigned long long affinity_mask;
	long long base_priority;	/* 8 */
	unsigned long long unique_process_id, inherited_from_unique_process_id;
};

struct abi_kernel_user_times {		/* KERNEL_USER_TIMES: FILETIME-like, 100 ns units */
	long long create_time, exit_time;	/* absolute (exit 0 while it runs) */
	long long kernel_time, user_time;	/* durations */
};

#define ABI_STATUS_WAIT_0            0x00000000
#define ABI_STATUS_ABANDONED_WAIT_0  0x00000080
#define ABI_STATUS_TIMEOUT           0x00000102
#define ABI_STATUS_NO_YIELD_PERFORMED 0x40000024

/*
 * SYS_NtCreateProcess's optional output: handles (all access) to the new
 * process and its main thread; flags in (ABI_CREATE_INHERIT_HANDLES: the
 * caller's handles marked HANDLE_FLAG_INHERIT are copied into the child at
 * the same values), 0 out.
 */
struct abi_process_handles {
	unsigned long long process, thread;
	unsigned int tid, flags;
};
#define ABI_CREATE_INHERIT_HANDLES 1u

/* SYS_NtSetInformationVirtualMemory: MEMORY_RANGE_ENTRY, and the classes (Windows' 0; 0x100 the project's). */
struct abi_memory_range {
	unsigned long long address, bytes;
};
#define ABI_VmPrefetchInformation 0
#define ABI_VmDiscardInformation  0x100
#define ABI_VM_RANGES_MAX         1024	/* entries per call */

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

/* SYS_NtCreateSection with SEC_FILE: the maximum size (0: the file's) and the file handle. */
struct abi_section_file {
	unsigned long long size;
	unsigned long long file;
};
/* SYS_NtQuerySection's classes and structures: SECTION_BASIC_INFORMATION and SECTION_IMAGE_INFORMATION (x64). */
#define ABI_SectionBasicInformation 0
#define ABI_SectionImageInformation 1
struct abi_section_basic {
	unsigned long long base;	/* BaseAddress: NULL (no SEC_BASED sections) */
	unsigned int attributes;	/* SEC_COMMIT / SEC_RESERVE, SEC_FILE for a file, SEC_FILE|SEC_IMAGE for an image */
	unsigned int pad;
	unsigned long long size;	/* MaximumSize: pages for the pagefile, bytes for a file, SizeOfImage */
};
struct abi_section_image {
	unsigned long long transfer_address;	/* the entry point at the image's base */
	unsigned int zero_bits, pad0;
	unsigned long long max_stack, committed_stack;
	unsigned int subsystem;
	unsigned int subsystem_version;		/* minor | major << 16 */
	unsigned int os_version;		/* major | minor << 16 */
	unsigned short characteristics, dll_characteristics, machine;
	unsigned char contains_code, flags;	/* flags: 4 = ImageDynamicallyRelocated */
	unsigned int loader_flags, file_size, checksum;
};
#define ABI_VIEW_FLUSH 0x464c5348u	/* SYS_NtUnmapViewOfSection's op for FlushViewOfFile ("FLSH") */

/* SYS_NtMapViewOfSection's arguments. */
struct abi_map_view {
	unsigned long long base;	/* in: wanted address (0: any); out: the view */
	unsigned long long offset;	/* in: byte offset in the section, a multiple of 64 KiB */
	unsigned long long size;	/* in: bytes (0: to the end of the section); out: the view's size */
	unsigned int alloc_type;	/* 0 or MEM_TOP_DOWN */
	unsigned int protect;		/* PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, an execute variant, PAGE_NOACCESS */
	unsigned long long zero_bits;	/* NtMapViewOfSection's ZeroBits (spec 19.2.1; 0: none; system call 20 only) */
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
	unsigned long long pool;	/* heap frames charged to the caller's pool quota (mm/kheap.h) */
	unsigned long long pagein_unlocked;	/* pagefile reads since boot with the kernel lock given back */
	unsigned long long pagein_overlapped;	/* of those, reads during which another CPU held the kernel lock */
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
 * built on it.  commit_limit is the limit the kernel enforces now: usable RAM
 * less a kernel reserve (commit_limit_ram) plus the pagefile's current size
 * (pagefile_total).  The pagefile grows from pagefile_initial up to
 * pagefile_max when a commit would not fit, and commit_limit with it, up to
 * commit_limit_max (docs/pagefile.md).
 */
struct abi_memory_status {
	unsigned long long total_phys, avail_phys;	/* frames managed, frames free */
	unsigned long long commit_limit, commit_charged, process_charge;
	unsigned long long commit_limit_ram;	/* the part of commit_limit backed by RAM */
	unsigned long long pagefile_total, pagefile_free;	/* slots */
	unsigned long long user_va_total, user_va_free;	/* bytes of this process's user range */
	unsigned long long commit_peak, commit_limit_max;	/* highest charge since boot; the limit at the maximum */
	unsigned long long pagefile_initial, pagefile_max;	/* slots */
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

/* The file-system calls: paths, rights, classes and structures. */
#include "syscall_abi_file.h"

#endif
