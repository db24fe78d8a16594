/*
 * libc/mmtools/internal.h - what the files of mmtools.dll share: ntdll's
 * project-only exports (libc/ntdll/ntdll.def) the extras are built on, ntdll's
 * RtlCloneUserProcess, which fork() is built on, and the raw system call
 * (kernel/syscall_abi.h's convention) for mm_syscall and the section calls
 * as the kernel has them, which ntdll wraps only in Windows' form.
 */
#ifndef LIBC_MMTOOLS_INTERNAL_H
#define LIBC_MMTOOLS_INTERNAL_H

#include <mmtools.h>

/*
 * One system call: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9;
 * result in rax; rcx and r11 clobbered.  The argument registers are treated
 * as clobbered too, so a kernel that does not restore them cannot corrupt
 * the caller (rdi and rsi are nonvolatile in the Microsoft x64 convention:
 * the compiler saves them around this).
 */
static inline LONG_PTR mmt_syscall(ULONG_PTR n, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3, ULONG_PTR a4,
				   ULONG_PTR a5, ULONG_PTR a6)
{
	register ULONG_PTR r10 __asm__("r10") = a4;
	register ULONG_PTR r8 __asm__("r8") = a5;
	register ULONG_PTR r9 __asm__("r9") = a6;
	ULONG_PTR ret = n;
	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory", "cc");
	return (LONG_PTR)ret;
}

#define MMT_CALL(n, a, b, c, d, e, f)                                                                        \
	mmt_syscall((n), (ULONG_PTR)(a), (ULONG_PTR)(b), (ULONG_PTR)(c), (ULONG_PTR)(d), (ULONG_PTR)(e), \
		    (ULONG_PTR)(f))
/* An Nt* call: the NTSTATUS is the low 32 bits of rax. */
#define MMT_NTCALL(n, a, b, c, d, e, f) ((NTSTATUS)(LONG)MMT_CALL(n, a, b, c, d, e, f))

/* ntdll's RtlCloneUserProcess and its result (Windows' layout, x64: 0x68 bytes). */
typedef struct _MMT_SECTION_IMAGE_INFORMATION {
	unsigned char opaque[0x40];
} MMT_SECTION_IMAGE_INFORMATION;

typedef struct _MMT_RTL_USER_PROCESS_INFORMATION {
	ULONG Length;
	HANDLE ProcessHandle;
	HANDLE ThreadHandle;
	struct {
		HANDLE UniqueProcess;
		HANDLE UniqueThread;
	} ClientId;
	MMT_SECTION_IMAGE_INFORMATION ImageInformation;
} MMT_RTL_USER_PROCESS_INFORMATION;

_Static_assert(sizeof(MMT_RTL_USER_PROCESS_INFORMATION) == 0x68, "RTL_USER_PROCESS_INFORMATION is 0x68 bytes on x64");

#define RTL_CLONE_PROCESS_FLAGS_INHERIT_HANDLES 0x00000002

/* ntdll's project-only calls (libc/ntdll/ntdll.def): one system call each, the status as the kernel gives it. */
NTSTATUS NTAPI MmWriteConsole(const char *Buffer, SIZE_T Length);
NTSTATUS NTAPI MmCreateProcess(const char *ModuleName, const char *CommandLine, ULONG *ProcessId);
NTSTATUS NTAPI MmWaitForProcess(ULONG ProcessId, NTSTATUS *ExitStatus);
NTSTATUS NTAPI MmWaitForChild(LONG Pid, ULONG Options, struct abi_child_exit *Out);
NTSTATUS NTAPI MmForkProcess(ULONG *ChildPid);
NTSTATUS NTAPI MmQueryFrameStats(struct abi_frame_stats *Out);
NTSTATUS NTAPI MmQueryMemoryStatus(struct abi_memory_status *Out);
NTSTATUS NTAPI MmQueryPhysicalMemoryMap(struct abi_frame_run *Runs, SIZE_T Count, SIZE_T *Needed);
NTSTATUS NTAPI MmQueryImages(struct abi_image_info *Images, SIZE_T Count, SIZE_T *Needed);

NTSTATUS NTAPI RtlCloneUserProcess(ULONG ProcessFlags, PSECURITY_DESCRIPTOR ProcessSecurityDescriptor,
				   PSECURITY_DESCRIPTOR ThreadSecurityDescriptor, HANDLE DebugPort,
				   MMT_RTL_USER_PROCESS_INFORMATION *ProcessInformation);
ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status);

#endif
