/*
 * libc/include/unistd.h - MinGW's <unistd.h> plus fork(), which mmtools.dll
 * implements (emulated the NT way, by a copy-on-write clone of the address
 * space through ntdll's RtlCloneUserProcess).  _exit and getpid come from
 * MinGW's headers as they are (<process.h>): msvcrt.dll's _exit and _getpid.
 */
#ifndef LIBC_UNISTD_H
#define LIBC_UNISTD_H

#include_next <unistd.h>

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Creates a child process whose address space is a copy-on-write duplicate
 * of the caller's: private pages are shared until either side writes them,
 * views of sections and images stay shared, reserved/guard/no-access and
 * write-watch state carries over, section handles are inherited.  The
 * child's commit is charged now, so its later copies cannot fail.  All C
 * streams are flushed first (fflush(NULL)), so the child does not print the
 * parent's buffered output again.  Returns the child's pid in the parent, 0
 * in the child, -1 on failure with GetLastError() set (ERROR_COMMITMENT_LIMIT,
 * ERROR_NOT_ENOUGH_MEMORY...) and errno ENOMEM or EAGAIN.
 *
 * The result is an int, not MinGW's 64-bit pid_t: GCC knows fork as a
 * built-in returning int on this target (as MinGW's getpid does), and
 * process ids fit.
 */
int fork(void);

#ifdef __cplusplus
}
#endif

#endif
