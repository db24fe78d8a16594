/*
 * libc/ntdll/thread_create.c - thread creation and exit, and the thread
 * system calls (kernel/syscall_abi.h 49-56, 71, 72) with Windows'
 * signatures.
 *
 * Every thread ntdll creates starts in thread_start (the kernel's start
 * address; arg1 the routine, arg2 its parameter): static TLS, TLS
 * callbacks and DllMain(DLL_THREAD_ATTACH) under the loader lock, then the
 * routine, then RtlExitUserThread with its result.  The thread is created
 * suspended and its record (thread_list.c) made before it may run; then it
 * is resumed unless the caller asked for it suspended.
 *
 * NtCreateThreadEx is the creation call (Windows' signature; its
 * PS_ATTRIBUTE_LIST is not read); Windows' older NtCreateThread (with an
 * INITIAL_TEB and a CONTEXT) is not offered.
 */
#include "ldr_thread.h"

#define THREAD_CREATE_FLAGS_CREATE_SUSPENDED 0x1
#define THREAD_CREATE_FLAGS_SKIP_THREAD_ATTACH 0x2
#define THREAD_CREATE_FLAGS_HIDE_FROM_DEBUGGER 0x4
#define THREAD_CREATE_FLAGS_KNOWN 0x7

NTSTATUS NTAPI NtResumeThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount);
NTSTATUS NTAPI NtClose(HANDLE Handle);
NTSTATUS NTAPI NtYieldExecution(void);

/* The first user-mode code of every thread but the first. */
static __attribute__((noreturn)) void NTAPI thread_start_common(PTHREAD_START_ROUTINE routine, PVOID param,
								 BOOLEAN no_attach)
{
	NTSTATUS st = thread_attach(no_attach);
	if (!NT_SUCCESS(st))
		RtlExitUserThread(st);
	RtlExitUserThread((NTSTATUS)routine(param));
}

static __attribute__((noreturn)) void NTAPI thread_start(PTHREAD_START_ROUTINE routine, PVOID param)
{
	thread_start_common(routine, param, FALSE);
}

static __attribute__((noreturn)) void NTAPI thread_start_no_attach(PTHREAD_START_ROUTINE routine, PVOID param)
{
	thread_start_common(routine, param, TRUE);
}

/*
 * The creation both entry points share: suspended at first, the record,
 * then resumed unless suspended is asked.  *handle and *cid on success.
 */
static NTSTATUS create(HANDLE process, PTHREAD_START_ROUTINE start, PVOID param, ULONG flags, SIZE_T commit,
		       SIZE_T reserve, HANDLE *handle, CLIENT_ID *cid)
{
	if (!start)
		return STATUS_INVALID_PARAMETER;
	BOOLEAN no_attach = (flags & THREAD_CREATE_FLAGS_SKIP_THREAD_ATTACH) != 0;
	struct abi_create_thread args = {
		.start = (ULONG_PTR)(no_attach ? thread_start_no_attach : thread_start),
		.arg1 = (ULONG_PTR)start,
		.arg2 = (ULONG_PTR)param,
		.stack_reserve = reserve,
		.stack_commit = commit,
		.flags = ABI_THREAD_CREATE_SUSPENDED,
	};
	HANDLE h = NULL;
	NTSTATUS st = NTCALL(SYSCALL3(SYS_NtCreateThread, process, &args, &h));
	if (!NT_SUCCESS(st))
		return st;
	struct ldr_thread *t = thread_record_new((TEB *)args.teb, args.thread_id, no_attach);
	if (!t) {
		NTCALL(SYSCALL2(SYS_NtTerminateThread, h, STATUS_NO_MEMORY));
		NtClose(h);
		return STATUS_NO_MEMORY;
	}
	if (!(flags & THREAD_CREATE_FLAGS_CREATE_SUSPENDED)) {
		st = NtResumeThread(h, NULL);
		if (!NT_SUCCESS(st)) {
			NTCALL(SYSCALL2(SYS_NtTerminateThread, h, st));
			thread_record_drop(t);
			NtClose(h);
			return st;
		}
	}
	*handle = h;
	if (cid) {
		cid->UniqueProcess = TEB_CLIENT_ID(cur_teb()).UniqueProcess;
		cid->UniqueThread = (HANDLE)(ULONG_PTR)args.thread_id;
	}
	return STATUS_SUCCESS;
}

/*
 * NtCreateThreadEx: StartRoutine(Argument) in a new thread of ProcessHandle
 * (the current process only: the kernel refuses others).  CreateFlags
 * THREAD_CREATE_FLAGS_CREATE_SUSPENDED (1), _SKIP_THREAD_ATTACH (2: no TLS
 * callbacks or DllMain calls at its start and end), _HIDE_FROM_DEBUGGER
 * (4, ignored); others STATUS_INVALID_PARAMETER.  StackSize is the commit,
 * MaximumStackSize the reserve (0: the exe's).  ZeroBits, the object
 * attributes and the attribute list are ignored.
 */
NTSTATUS NTAPI NtCreateThreadEx(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
				HANDLE ProcessHandle, PVOID StartRoutine, PVOID Argument, ULONG CreateFlags,
				SIZE_T ZeroBits, SIZE_T StackSize, SIZE_T MaximumStackSize, PVOID AttributeList)
{
	(void)DesiredAccess;
	(void)ObjectAttributes;
	(void)ZeroBits;
	(void)AttributeList;
	if (!ThreadHandle)
		return STATUS_ACCESS_VIOLATION;
	if (CreateFlags & ~THREAD_CREATE_FLAGS_KNOWN)
		return STATUS_INVALID_PARAMETER;
	return create(ProcessHandle, (PTHREAD_START_ROUTINE)StartRoutine, Argument, CreateFlags, StackSize,
		      MaximumStackSize, ThreadHandle, NULL);
}

/*
 * RtlCreateUserThread: Windows' signature.  CommittedStackSize and
 * MaximumStackSize as NtCreateThreadEx's (0: the exe's); the security
 * descriptor and ZeroBits are ignored.  ThreadHandle NULL: the handle is
 * closed.  ClientId (optional) gets the process and thread ids.
 */
NTSTATUS NTAPI RtlCreateUserThread(HANDLE ProcessHandle, PVOID SecurityDescriptor, BOOLEAN CreateSuspended,
				   ULONG ZeroBits, SIZE_T MaximumStackSize, SIZE_T CommittedStackSize,
				   PTHREAD_START_ROUTINE StartAddress, PVOID Parameter, PHANDLE ThreadHandle,
				   PCLIENT_ID ClientId)
{
	(void)SecurityDescriptor;
	(void)ZeroBits;
	HANDLE h = NULL;
	NTSTATUS st = create(ProcessHandle, StartAddress, Parameter,
			     CreateSuspended ? THREAD_CREATE_FLAGS_CREATE_SUSPENDED : 0, CommittedStackSize,
			     MaximumStackSize, &h, ClientId);
	if (!NT_SUCCESS(st))
		return st;
	if (ThreadHandle)
		*ThreadHandle = h;
	else
		NtClose(h);
	return STATUS_SUCCESS;
}

/*
 * RtlExitUserThread: ExitThread.  The last thread of the process ends the
 * process as ExitProcess does (DLL_PROCESS_DETACH); any other runs its FLS
 * callbacks and DLL_THREAD_DETACH, frees its TLS and ends.
 */
__attribute__((noreturn)) void NTAPI RtlExitUserThread(NTSTATUS ExitStatus)
{
	if (thread_leave_is_last())
		RtlExitUserProcess(ExitStatus);
	thread_detach();
	for (;;)
		NTCALL(SYSCALL2(SYS_NtTerminateThread, (HANDLE)ABI_CURRENT_THREAD, (ULONG)ExitStatus));
}

NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
					PVOID ThreadInformation, ULONG ThreadInformationLength, PULONG ReturnLength);

/*
 * NtTerminateThread: no notifications (TerminateThread).  The caller's
 * own thread (-2 or its id's handle) ends here; another thread's record
 * and static TLS go once the kernel has ended it.
 */
NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle, NTSTATUS ExitStatus)
{
	struct abi_thread_basic_info tbi;
	ULONG tid = 0;
	if (ThreadHandle != (HANDLE)ABI_CURRENT_THREAD &&
	    NT_SUCCESS(NtQueryInformationThread(ThreadHandle, ThreadBasicInformation, &tbi, sizeof(tbi), NULL)))
		tid = (ULONG)tbi.unique_thread;
	ULONG me = (ULONG)(ULONG_PTR)TEB_CLIENT_ID(cur_teb()).UniqueThread;
	if (ThreadHandle == (HANDLE)ABI_CURRENT_THREAD || tid == me) {
		if (!thread_leave_is_last())
			thread_forget(me);
		for (;;)
			NTCALL(SYSCALL2(SYS_NtTerminateThread, (HANDLE)ABI_CURRENT_THREAD, (ULONG)ExitStatus));
	}
	NTSTATUS st = NTCALL(SYSCALL2(SYS_NtTerminateThread, ThreadHandle, (ULONG)ExitStatus));
	if (NT_SUCCESS(st) && tid)
		thread_forget(tid);
	return st;
}

/* NtSuspendThread: *PreviousSuspendCount (optional); STATUS_SUSPEND_COUNT_EXCEEDED past 127. */
NTSTATUS NTAPI NtSuspendThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount)
{
	return NTCALL(SYSCALL2(SYS_NtSuspendThread, ThreadHandle, PreviousSuspendCount));
}

/* NtResumeThread: *PreviousSuspendCount (optional); the thread runs again when the count reaches 0. */
NTSTATUS NTAPI NtResumeThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount)
{
	return NTCALL(SYSCALL2(SYS_NtResumeThread, ThreadHandle, PreviousSuspendCount));
}

/* NtGetContextThread: the parts ContextFlags names; the thread is the caller or suspended. */
NTSTATUS NTAPI NtGetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext)
{
	return NTCALL(SYSCALL2(SYS_NtGetContextThread, ThreadHandle, ThreadContext));
}

NTSTATUS NTAPI NtSetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext)
{
	return NTCALL(SYSCALL2(SYS_NtSetContextThread, ThreadHandle, ThreadContext));
}

/*
 * NtQueryInformationThread: ThreadBasicInformation and ThreadTimes from the
 * kernel; ThreadAmILastThread (ULONG, the caller only) from ntdll's list.
 */
NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
					PVOID ThreadInformation, ULONG ThreadInformationLength, PULONG ReturnLength)
{
	if ((ULONG)ThreadInformationClass == THREAD_AM_I_LAST_THREAD) {
		if (ThreadInformationLength != sizeof(ULONG))
			return STATUS_INFO_LENGTH_MISMATCH;
		ULONG ids[1];
		*(ULONG *)ThreadInformation = thread_other_ids(ids, 1) == 0;
		if (ReturnLength)
			*ReturnLength = sizeof(ULONG);
		return STATUS_SUCCESS;
	}
	return NTCALL(SYSCALL6(SYS_NtQueryInformationThread, ThreadHandle, ThreadInformationClass, ThreadInformation,
			       ThreadInformationLength, ReturnLength, 0));
}

/*
 * NtSetInformationThread: ThreadBasePriority (LONG) to the kernel;
 * ThreadZeroTlsCell (ULONG index) clears that TLS slot in every thread of
 * the process (TlsFree), here in ntdll.
 */
NTSTATUS NTAPI NtSetInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
				      PVOID ThreadInformation, ULONG ThreadInformationLength)
{
	if ((ULONG)ThreadInformationClass == THREAD_ZERO_TLS_CELL) {
		if (ThreadInformationLength != sizeof(ULONG))
			return STATUS_INFO_LENGTH_MISMATCH;
		ULONG index = *(const ULONG *)ThreadInformation;
		if (index >= TLS_SLOTS_MIN + TLS_EXPANSION_SLOTS)
			return STATUS_INVALID_PARAMETER;
		thread_zero_tls_cell(index);
		return STATUS_SUCCESS;
	}
	return NTCALL(SYSCALL6(SYS_NtSetInformationThread, ThreadHandle, ThreadInformationClass, ThreadInformation,
			       ThreadInformationLength, 0, 0));
}

/* The id a CLIENT_ID names (Windows: ClientId required; the object name is not supported). */
static NTSTATUS open_id(PHANDLE out, ACCESS_MASK access, POBJECT_ATTRIBUTES oa, HANDLE id, long long call)
{
	if (!out)
		return STATUS_ACCESS_VIOLATION;
	if (oa && oa->ObjectName)
		return STATUS_INVALID_PARAMETER_MIX;
	return NTCALL(SYSCALL3(call, out, access, (ULONG)(ULONG_PTR)id));
}

/* NtOpenThread: the thread ClientId->UniqueThread names; STATUS_INVALID_CID when there is none. */
NTSTATUS NTAPI NtOpenThread(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			    PCLIENT_ID ClientId)
{
	if (!ClientId)
		return STATUS_INVALID_PARAMETER_MIX;
	return open_id(ThreadHandle, DesiredAccess, ObjectAttributes, ClientId->UniqueThread, SYS_NtOpenThread);
}

/* NtOpenProcess: the process ClientId->UniqueProcess names; STATUS_INVALID_CID when there is none. */
NTSTATUS NTAPI NtOpenProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
			     PCLIENT_ID ClientId)
{
	if (!ClientId)
		return STATUS_INVALID_PARAMETER_MIX;
	return open_id(ProcessHandle, DesiredAccess, ObjectAttributes, ClientId->UniqueProcess, SYS_NtOpenProcess);
}
