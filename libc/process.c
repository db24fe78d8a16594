/* libc/process.c - POSIX fork, waitpid, _exit and getpid over the native calls. */
#include <sys/wait.h>
#include <unistd.h>
#include <winmm.h>

#include "internal.h"

pid_t fork(void)
{
	ULONG pid = 0;
	libc_stdio_flush();	/* or the child would print the parent's buffered output again */
	NTSTATUS st = winmm_fork(&pid);
	if (st == (NTSTATUS)ABI_STATUS_PROCESS_CLONED)
		return 0;
	if (st != STATUS_SUCCESS) {
		SetLastError(RtlNtStatusToDosError(st));
		return -1;
	}
	return (pid_t)pid;
}

void _exit(int status)
{
	NtTerminateProcess(GetCurrentProcess(), (NTSTATUS)status);
	for (;;)
		__asm__ volatile("ud2");
}

pid_t getpid(void)
{
	return (pid_t)GetCurrentProcessId();
}

/* The signal a POSIX system would have sent for an exception code. */
static int signal_of(DWORD code)
{
	switch (code) {
	case EXCEPTION_ACCESS_VIOLATION:
	case EXCEPTION_STACK_OVERFLOW:
	case EXCEPTION_GUARD_PAGE:
	case EXCEPTION_DATATYPE_MISALIGNMENT: return SIGSEGV;
	case EXCEPTION_INT_DIVIDE_BY_ZERO:
	case EXCEPTION_INT_OVERFLOW: return SIGFPE;
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
	if ((options & ~WNOHANG) || pid == 0 || pid < -1) {
		SetLastError(ERROR_INVALID_PARAMETER);	/* process groups do not exist here */
		return -1;
	}
	NTSTATUS st = winmm_wait_child(pid, options & WNOHANG ? 1 : 0, &out);
	if (st == 0x103)	/* STATUS_PENDING */
		return 0;
	if (st != STATUS_SUCCESS) {
		SetLastError(ERROR_INVALID_PARAMETER);
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
