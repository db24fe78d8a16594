/*
 * libc/ntdll/mm_extras.c - the project-only exports (no Windows ntdll has
 * them): console output, starting and waiting for boot-module programs, the
 * frame oracle, the memory status and physical map, the image list, and the
 * exception-dispatcher registration.  Each returns the kernel's NTSTATUS.
 * Prototypes for callers (mmtools.dll): the comment in ntdll.def.
 */
#include "ntdll_private.h"

/* MmWriteConsole: Length bytes to the console (serial log), unbuffered. */
NTSTATUS NTAPI MmWriteConsole(const char *Buffer, SIZE_T Length)
{
	return NTCALL(SYSCALL2(SYS_NtWriteConsole, Buffer, Length));
}

/*
 * MmCreateProcess: starts the boot module ModuleName (".exe") with
 * CommandLine (NULL: the module's name) and stores its id in *ProcessId.
 */
NTSTATUS NTAPI MmCreateProcess(const char *ModuleName, const char *CommandLine, PULONG ProcessId)
{
	if (!ModuleName)
		return STATUS_INVALID_PARAMETER_1;
	return NTCALL(SYSCALL6(SYS_NtCreateProcess, ModuleName, strlen(ModuleName), ProcessId, CommandLine,
			       CommandLine ? strlen(CommandLine) : 0, 0));
}

/*
 * MmCreateProcessEx: MmCreateProcess, and *Handles handles to the new
 * process and its main thread (CreateProcess's PROCESS_INFORMATION), made
 * before it runs.  ModuleName a path on C: or a bare name.
 */
NTSTATUS NTAPI MmCreateProcessEx(const char *ModuleName, const char *CommandLine, PULONG ProcessId,
				 struct abi_process_handles *Handles)
{
	if (!ModuleName)
		return STATUS_INVALID_PARAMETER_1;
	return NTCALL(SYSCALL6(SYS_NtCreateProcess, ModuleName, strlen(ModuleName), ProcessId, CommandLine,
			       CommandLine ? strlen(CommandLine) : 0, Handles));
}

/* MmWaitForProcess: waits for process ProcessId to end; *ExitStatus its exit code (or exception code). */
NTSTATUS NTAPI MmWaitForProcess(ULONG ProcessId, PNTSTATUS ExitStatus)
{
	return NTCALL(SYSCALL2(SYS_NtWaitForProcess, ProcessId, ExitStatus));
}

/*
 * MmWaitForChild: waitpid.  Pid -1 for any child; Options 1 not to block
 * (STATUS_PENDING when none has ended); STATUS_NO_SUCH_PROCESS-like failure
 * when there is no such child.  *Out: pid, 32-bit status, by_exception.
 */
NTSTATUS NTAPI MmWaitForChild(LONG Pid, ULONG Options, struct abi_child_exit *Out)
{
	return NTCALL(SYSCALL3(SYS_NtWaitForChild, Pid, Options, Out));
}

/* MmQueryFrameStats: the kernel's frame counters. */
NTSTATUS NTAPI MmQueryFrameStats(struct abi_frame_stats *Out)
{
	return NTCALL(SYSCALL1(SYS_NtQueryFrameStats, Out));
}

/* MmQueryPhysicalMemoryMap: the frame database as runs; STATUS_BUFFER_TOO_SMALL with *Needed set. */
NTSTATUS NTAPI MmQueryPhysicalMemoryMap(struct abi_frame_run *Runs, SIZE_T Count, SIZE_T *Needed)
{
	return NTCALL(SYSCALL3(SYS_NtQueryPhysicalMemoryMap, Runs, Count, Needed));
}

/* MmQueryMemoryStatus: frames, commit limit/charge, pagefile, user range (pages; VA in bytes). */
NTSTATUS NTAPI MmQueryMemoryStatus(struct abi_memory_status *Out)
{
	return NTCALL(SYSCALL1(SYS_NtQueryMemoryStatus, Out));
}

/* MmQueryImages: the images mapped in this process, initialization order; STATUS_BUFFER_TOO_SMALL with *Needed. */
NTSTATUS NTAPI MmQueryImages(struct abi_image_info *Images, SIZE_T Count, SIZE_T *Needed)
{
	return NTCALL(SYSCALL3(SYS_NtQueryImages, Images, Count, Needed));
}

/* MmSetExceptionDispatcher: the function the kernel enters on a user exception (rcx/rdx = rdi/rsi = record, context). */
NTSTATUS NTAPI MmSetExceptionDispatcher(void (*Dispatcher)(EXCEPTION_RECORD *, CONTEXT *))
{
	return NTCALL(SYSCALL1(SYS_NtSetExceptionDispatcher, Dispatcher));
}

/* MmGetCurrentProcessId: the process id from the kernel (GetCurrentProcessId reads the TEB). */
ULONG NTAPI MmGetCurrentProcessId(void)
{
	return (ULONG)SYSCALL0(SYS_NtGetCurrentProcessId);
}

/* NtLoadImage (internal): map a DLL and what it needs; *base its image base. */
NTSTATUS mm_load_image(const char *name, ULONG64 *base)
{
	return NTCALL(SYSCALL3(SYS_NtLoadImage, name, strlen(name), base));
}

/* NtUnloadImage (internal): unmap an image NtLoadImage mapped. */
NTSTATUS mm_unload_image(ULONG64 base)
{
	return NTCALL(SYSCALL1(SYS_NtUnloadImage, base));
}
