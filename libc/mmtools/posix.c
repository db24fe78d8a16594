/*
 * libc/mmtools/posix.c - POSIX fork, waitpid and wait (<unistd.h>,
 * <sys/wait.h>): fork over ntdll's RtlCloneUserProcess, waitpid over the
 * kernel's wait-for-child call.  _exit and getpid are msvcrt.dll's.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

int fork(void)
{
	MMT_RTL_USER_PROCESS_INFORMATION info = { .Length = sizeof info };
	fflush(NULL);	/* or the child would print the parent's buffered output again */
	NTSTATUS st = RtlCloneUserProcess(RTL_CLONE_PROCESS_FLAGS_INHERIT_HANDLES, NULL, NULL, NULL, &info);
	if (st == STATUS_PROCESS_CLONED)
		return 0;
	if (st != STATUS_SUCCESS) {
		SetLastError(RtlNtStatusToDosError(st));
		errno = st == STATUS_COMMITMENT_LIMIT || st == (NTSTATUS)STATUS_NO_MEMORY ? ENOMEM : EAGAIN;
		return -1;
	}
	/* Windows hands the parent handles to the child's process and thread; nothing here needs them. */
	if (info.ThreadHandle)
		CloseHandle(info.ThreadHandle);
	if (info.ProcessHandle)
		CloseHandle(info.ProcessHandle);
	return (int)(ULONG_PTR)info.ClientId.UniqueProcess;
}

/* The signal a POSIX system would have sent for an exception code. */
static int signal_of(DWORD code)
{
	switch (code) {
	case EXCEPTION_ACCESS_VIOLATION:
	case EXCEPTION_STACK_OVERFLOW:
	case EXCEPTION_GUARD_PAGE:
	case EXCEPTION_IN_PAGE_ERROR:
	case EXCEPTION_DATATYPE_MISALIGNMENT: return SIGSEGV;
	case EXCEPTION_INT_DIVIDE_BY_ZERO:
	case EXCEPTION_INT_OVERFLOW:
	case EXCEPTION_FLT_DIVIDE_BY_ZERO:
	case EXCEPTION_FLT_INVALID_OPERATION:
	case EXCEPTION_FLT_OVERFLOW:
	case EXCEPTION_FLT_UNDERFLOW:
	case EXCEPTION_FLT_INEXACT_RESULT:
	case EXCEPTION_FLT_DENORMAL_OPERAND:
	case EXCEPTION_FLT_STACK_CHECK: return SIGFPE;
	case EXCEPTION_ILLEGAL_INSTRUCTION:
	case EXCEPTION_PRIV_INSTRUCTION: return SIGILL;
	case EXCEPTION_BREAKPOINT:
	case EXCEPTION_SINGLE_STEP: return SIGTRAP;
	default: return SIGABRT;
	}
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	struct abi_child_exit out;
	if ((options & ~WNOHANG) || pid == 0 || pid < -1 || pid > 0x7fffffff) {
		SetLastError(ERROR_INVALID_PARAMETER);	/* process groups do not exist here */
		errno = EINVAL;
		return -1;
	}
	NTSTATUS st = mm_wait_child((LONG)pid, options & WNOHANG ? 1 : 0, &out);
	if (st == (NTSTATUS)STATUS_PENDING)
		return 0;
	if (st != STATUS_SUCCESS) {
		SetLastError(ERROR_INVALID_PARAMETER);
		errno = st == STATUS_NO_SUCH_PROCESS ? ECHILD : EINVAL;
		return -1;
	}
	if (status)
		*status = out.by_exception ? signal_of(out.status) : (int)((out.status & 0xff) << 8);
	return (pid_t)out.pid;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}
