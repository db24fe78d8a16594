/*
 * libc/include/sys/wait.h - waiting for fork()ed children (mmtools.dll).  The
 * status word is POSIX's: an exit code in bits 8..15, or for a child ended by
 * an unhandled exception a signal number (SIGSEGV for access violations and
 * stack overflow, SIGFPE for arithmetic faults, SIGILL, SIGTRAP, else
 * SIGABRT) in bits 0..6.  mm_wait_child in <mmtools.h> gives the whole
 * 32-bit exit code.
 */
#ifndef LIBC_SYS_WAIT_H
#define LIBC_SYS_WAIT_H

#include <signal.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WNOHANG 1

#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s)    ((s) & 0x7f)
#define WIFEXITED(s)   (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0)

/* MinGW's <signal.h> has SIGILL, SIGFPE, SIGSEGV and SIGABRT (22 there); these it lacks. */
#ifndef SIGTRAP
#define SIGTRAP 5
#endif

/*
 * Waits for child pid (-1: any child) to end, stores its status in *status
 * (when not NULL) and returns its pid; with WNOHANG returns 0 when none has
 * ended.  -1 when there is no such child or an argument is bad (process
 * groups, unknown options), with GetLastError() = ERROR_INVALID_PARAMETER and
 * errno ECHILD or EINVAL.
 */
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#ifdef __cplusplus
}
#endif

#endif
