/*
 * libc/ntdll/nt_process.c - process, time and exception system calls with
 * Windows' signatures, NtQuery/SetInformationProcess for the classes the
 * kernel has, and fork as RtlCloneUserProcess.
 */
#include "ldr_thread.h"

/* The FILETIME NtQuerySystemTime counts from: the kernel has no real-time clock (2024-01-01 00:00 UTC). */
#define BOOT_FILETIME 133485408000000000LL
#define TICKS_PER_MS 10000LL

/* NtTerminateProcess: -1 ends the caller (never returns), a process handle that process, NULL every other thread of the caller's process. */
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus)
{
	/* Pass the status zero-extended: the kernel reads a 32-bit NTSTATUS. */
	return NTCALL(SYSCALL2(SYS_NtTerminateProcess, ProcessHandle, (ULONG)ExitStatus));
}

/* NtContinue: resumes at *ContextRecord; returns only on a bad context. */
NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert)
{
	return NTCALL(SYSCALL2(SYS_NtContinue, ContextRecord, TestAlert));
}

/*
 * NtRaiseException: FirstChance TRUE delivers the exception to the
 * registered dispatcher; FALSE ends the process with the code and one
 * console line (the kernel's unhandled-exception path).
 */
NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord, BOOLEAN FirstChance)
{
	return NTCALL(SYSCALL3(SYS_NtRaiseException, ExceptionRecord, ContextRecord, FirstChance));
}

/* ULONG NtGetTickCount(void): milliseconds since boot, truncated to 32 bits. */
ULONG NTAPI NtGetTickCount(void)
{
	return (ULONG)SYSCALL0(SYS_NtGetTickCount);
}

/* MmGetTickCount64: milliseconds since boot (GetTickCount64). */
ULONGLONG NTAPI MmGetTickCount64(void)
{
	return (ULONGLONG)SYSCALL0(SYS_NtGetTickCount);
}

/*
 * NtDelayExecution: DelayInterval negative is relative (100 ns units),
 * positive an absolute system time; the kernel sleeps whole milliseconds
 * (rounded up).  Alertable is ignored: there are no APCs.
 */
NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval)
{
	(void)Alertable;
	if (!DelayInterval)
		return STATUS_ACCESS_VIOLATION;
	LONGLONG t = DelayInterval->QuadPart;
	if (t > 0) {	/* absolute: the time from now */
		LARGE_INTEGER now;
		NtQuerySystemTime(&now);
		t = now.QuadPart - t;	/* negative while in the future */
		if (t >= 0)
			t = 0;
	}
	ULONGLONG ticks = (ULONGLONG)-t;
	ULONGLONG ms = (ticks + TICKS_PER_MS - 1) / TICKS_PER_MS;
	if (ms > 0xFFFFFFFFull)
		ms = 0xFFFFFFFFull;
	return NTCALL(SYSCALL1(SYS_NtDelayExecution, ms));
}

/* NtQuerySystemTime: FILETIME units since 1601; the clock starts at BOOT_FILETIME when the machine boots. */
NTSTATUS NTAPI NtQuerySystemTime(PLARGE_INTEGER SystemTime)
{
	if (!SystemTime)
		return STATUS_ACCESS_VIOLATION;
	SystemTime->QuadPart = BOOT_FILETIME + (LONGLONG)MmGetTickCount64() * TICKS_PER_MS;
	return STATUS_SUCCESS;
}

/* NtQueryPerformanceCounter: a 10 MHz counter (100 ns units) with the tick count's millisecond resolution. */
NTSTATUS NTAPI NtQueryPerformanceCounter(PLARGE_INTEGER PerformanceCounter, PLARGE_INTEGER PerformanceFrequency)
{
	if (!PerformanceCounter)
		return STATUS_ACCESS_VIOLATION;
	PerformanceCounter->QuadPart = (LONGLONG)MmGetTickCount64() * TICKS_PER_MS;
	if (PerformanceFrequency)
		PerformanceFrequency->QuadPart = 10000000;
	return STATUS_SUCCESS;
}

/*
 * NtQueryInformationProcess: ProcessBasicInformation and ProcessTimes (the kernel's) and
 * ProcessQuotaLimits (QUOTA_LIMITS or QUOTA_LIMITS_EX; working-set fields
 * from the kernel, the others 0).  Other classes: STATUS_INVALID_INFO_CLASS.
 */
NTSTATUS NTAPI NtQueryInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
					 PVOID ProcessInformation, ULONG ProcessInformationLength, PULONG ReturnLength)
{
	if (ProcessInformationClass == ProcessBasicInformation ||	/* AffinityMask and the parent: the kernel's */
	    (ULONG)ProcessInformationClass == ABI_ProcessTimes ||	/* another process, or times: the kernel's */
	    (ULONG)ProcessInformationClass == ABI_ProcessVmCounters)	/* and the memory counters (issue 21) */
		return NTCALL(SYSCALL6(SYS_NtQueryInformationProcess, ProcessHandle, ProcessInformationClass,
				       ProcessInformation, ProcessInformationLength, ReturnLength, 0));
	if (ProcessInformationClass == ProcessQuotaLimits) {
		if (ProcessInformationLength != sizeof(QUOTA_LIMITS) && ProcessInformationLength != sizeof(QUOTA_LIMITS_EX))
			return STATUS_INFO_LENGTH_MISMATCH;
		struct abi_quota_limits q = { 0 };
		NTSTATUS st = NTCALL(SYSCALL3(SYS_NtWorkingSetLimits, ProcessHandle, 0, &q));
		if (!NT_SUCCESS(st))
			return st;
		QUOTA_LIMITS_EX out = { 0 };
		out.MinimumWorkingSetSize = q.min_working_set;
		out.MaximumWorkingSetSize = q.max_working_set;
		out.PagedPoolLimit = out.NonPagedPoolLimit = out.PagefileLimit = 0;
		out.Flags = q.flags;
		memcpy(ProcessInformation, &out, ProcessInformationLength);
		if (ReturnLength)
			*ReturnLength = ProcessInformationLength;
		return st;
	}
	return STATUS_INVALID_INFO_CLASS;
}

/*
 * NtSetInformationProcess: ProcessQuotaLimits (working-set minimum,
 * maximum and, with QUOTA_LIMITS_EX, the QUOTA_LIMITS_HARDWS_* flags) and
 * ProcessAffinityMask (KAFFINITY, the kernel's system call 82).
 * Informational statuses (STATUS_WORKING_SET_LIMIT_RANGE) come back as is.
 */
NTSTATUS NTAPI NtSetInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
				       PVOID ProcessInformation, ULONG ProcessInformationLength)
{
	if ((ULONG)ProcessInformationClass == ABI_ProcessAffinityMask)
		return NTCALL(SYSCALL6(SYS_NtSetInformationProcess, ProcessHandle, ProcessInformationClass,
				       ProcessInformation, ProcessInformationLength, 0, 0));
	if (ProcessInformationClass != ProcessQuotaLimits)
		return STATUS_INVALID_INFO_CLASS;
	if (ProcessInformationLength != sizeof(QUOTA_LIMITS) && ProcessInformationLength != sizeof(QUOTA_LIMITS_EX))
		return STATUS_INFO_LENGTH_MISMATCH;
	QUOTA_LIMITS_EX in = { 0 };
	memcpy(&in, ProcessInformation, ProcessInformationLength);
	struct abi_quota_limits q = { in.MinimumWorkingSetSize, in.MaximumWorkingSetSize,
				      ProcessInformationLength == sizeof(QUOTA_LIMITS_EX) ? in.Flags : 0, 0 };
	return NTCALL(SYSCALL3(SYS_NtWorkingSetLimits, ProcessHandle, 1, &q));
}

/* After a fork, in the child: the TEB's ids are the parent's (the address space is a copy). */
static void child_fixup(ULONG_PTR pid, ULONG_PTR tid)
{
	CLIENT_ID *cid = &TEB_CLIENT_ID(cur_teb());	/* the parent's ids until now (its first write copies the page) */
	cid->UniqueProcess = (HANDLE)pid;
	cid->UniqueThread = (HANDLE)tid;
	thread_after_fork();	/* only the calling thread is in the child */
	fls_after_fork();
}

/*
 * The fork system call.  In the child (STATUS_PROCESS_CLONED) the kernel
 * returns its process id in rsi and its thread's id in rdx
 * (kernel/syscall_abi.h), to *pid and *tid.
 */
static NTSTATUS fork_syscall(PULONG ChildPid, ULONG_PTR *pid, ULONG_PTR *tid)
{
	register long long r10 __asm__("r10") = 0;
	register long long r8 __asm__("r8") = 0;
	register long long r9 __asm__("r9") = 0;
	long long ret = SYS_NtForkProcess, a1 = (long long)ChildPid, a2 = 0, a3 = 0;
	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory", "cc");
	*pid = (ULONG_PTR)a2;
	*tid = (ULONG_PTR)a3;
	return NTCALL(ret);
}

/*
 * MmForkProcess: the native fork.  STATUS_SUCCESS and *ChildPid in the
 * parent, STATUS_PROCESS_CLONED in the child (a copy-on-write clone of the
 * address space; handles inherited).  ChildPid must be a writable ULONG.
 */
NTSTATUS NTAPI MmForkProcess(PULONG ChildPid)
{
	/* The kernel probes ChildPid before it forks: a bad pointer fails with no child made. */
	ULONG_PTR pid, tid;
	NTSTATUS st = fork_syscall(ChildPid, &pid, &tid);
	if (st == STATUS_PROCESS_CLONED)
		child_fixup(pid, tid);
	return st;
}

/* RTL_USER_PROCESS_INFORMATION (x64: 0x68 bytes). */
struct rtl_user_process_information {
	ULONG Length;
	HANDLE ProcessHandle;
	HANDLE ThreadHandle;
	CLIENT_ID ClientId;
	BYTE ImageInformation[0x40];	/* SECTION_IMAGE_INFORMATION: left zero */
};

/*
 * RtlCloneUserProcess: fork as Windows' ntdll offers it.  Flags
 * RTL_CLONE_PROCESS_FLAGS_INHERIT_HANDLES (2) and _NO_SYNCHRONIZE (4) are
 * accepted (handles are always inherited); _CREATE_SUSPENDED (1) is not
 * supported.  There are no process or thread handles: they come back NULL,
 * the child's id in ClientId.UniqueProcess.
 */
NTSTATUS NTAPI RtlCloneUserProcess(ULONG ProcessFlags, PVOID ProcessSecurityDescriptor,
				   PVOID ThreadSecurityDescriptor, HANDLE DebugPort,
				   struct rtl_user_process_information *ProcessInformation)
{
	(void)ProcessSecurityDescriptor;
	(void)ThreadSecurityDescriptor;
	if (ProcessFlags & ~6u)
		return STATUS_INVALID_PARAMETER_1;
	if (DebugPort)
		return STATUS_INVALID_PARAMETER_4;
	if (!ProcessInformation)
		return STATUS_INVALID_PARAMETER_5;
	ULONG pid = 0;
	NTSTATUS st = MmForkProcess(&pid);
	if (st == STATUS_SUCCESS) {
		memset(ProcessInformation, 0, sizeof(*ProcessInformation));
		ProcessInformation->Length = sizeof(*ProcessInformation);
		ProcessInformation->ClientId.UniqueProcess = (HANDLE)(ULONG_PTR)pid;
		ProcessInformation->ClientId.UniqueThread = (HANDLE)(ULONG_PTR)pid;
	}
	return st;
}

/* NtFlushProcessWriteBuffers: every CPU running a thread of this process has made its stores visible. */
VOID NTAPI NtFlushProcessWriteBuffers(void)
{
	SYSCALL0(SYS_NtFlushProcessWriteBuffers);
}
