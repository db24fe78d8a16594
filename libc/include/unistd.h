/*
 * libc/include/unistd.h - the POSIX process calls this system has: fork
 * (emulated the NT way, by a copy-on-write clone of the address space),
 * _exit and getpid.
 */
#ifndef LIBC_UNISTD_H
#define LIBC_UNISTD_H

#include <sys/types.h>

/*
 * Creates a child process whose address space is a copy-on-write duplicate
 * of the caller's: private pages are shared until either side writes them,
 * views of sections stay shared, reserved/guard/no-access/write-watch state
 * carries over, section handles are inherited.  The child's commit is
 * charged now, so its later copies cannot fail.  stdout is flushed first.
 * Returns the child's pid in the parent, 0 in the child, -1 on failure
 * (GetLastError(): ERROR_COMMITMENT_LIMIT, ERROR_NOT_ENOUGH_MEMORY...).
 */
pid_t fork(void);

/* Ends the process with exit code status, without flushing stdout. */
__attribute__((noreturn)) void _exit(int status);

pid_t getpid(void);

#endif
