/* libc/msvcrt/process.c - the process calls of <process.h> that exist here. */
#include "crt.h"
#include <process.h>
#include <windows.h>

/* The process id, as GetCurrentProcessId gives it. */
int __cdecl _getpid(void)
{
	return (int)GetCurrentProcessId();
}
