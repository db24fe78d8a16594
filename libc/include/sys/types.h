/* libc/include/sys/types.h - the POSIX types libc uses. */
#ifndef LIBC_SYS_TYPES_H
#define LIBC_SYS_TYPES_H

typedef int pid_t;
typedef long ssize_t;

#endif
