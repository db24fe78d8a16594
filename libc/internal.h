/*
 * libc/internal.h - user-mode libc internals: the system-call stub and the
 * hooks between libc files.  Not installed; programs use <windows.h> / <winmm.h>.
 */
#ifndef LIBC_INTERNAL_H
#define LIBC_INTERNAL_H

#include <windows.h>

#include "kernel/syscall_abi.h"

/*
 * One system call per kernel/syscall_abi.h: number in rax, arguments in rdi,
 * rsi, rdx, r10, r8, r9; result in rax; rcx and r11 clobbered.  The argument
 * registers are also treated as clobbered, so a kernel that does not restore
 * them cannot corrupt the caller.
 */
static inline long libc_syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret = n;
	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

#define SYSCALL6(n, a, b, c, d, e, f) \
	libc_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define SYSCALL0(n)          SYSCALL6(n, 0, 0, 0, 0, 0, 0)
#define SYSCALL1(n, a)       SYSCALL6(n, a, 0, 0, 0, 0, 0)
#define SYSCALL2(n, a, b)    SYSCALL6(n, a, b, 0, 0, 0, 0)
#define SYSCALL3(n, a, b, c) SYSCALL6(n, a, b, c, 0, 0, 0)
/* An Nt* call: the NTSTATUS is the low 32 bits of rax. */
#define NTCALL(x) ((NTSTATUS)(int)(x))

/* stdio.c: write out the stdout buffer (called by exit and ExitProcess). */
void libc_stdio_flush(void);

/* exception.c: register the exception dispatcher with the kernel (crt0 start-up). */
void libc_exceptions_init(void);

/* start.c: entered from _start; runs main and exits. */
__attribute__((noreturn)) void libc_start(void);

/* ntdll.c: NtRaiseException, kept internal (not declared in <windows.h>). */
NTSTATUS libc_raise_exception(const EXCEPTION_RECORD *rec, const CONTEXT *ctx, BOOLEAN first_chance);

/* ntdll.c: the section calls (kernel/syscall_abi.h), names as C strings (NULL: unnamed). */
#define STATUS_OBJECT_NAME_EXISTS ((NTSTATUS)0x40000035L)
NTSTATUS winmm_create_section(HANDLE *out, const char *name, ULONG64 size, ULONG protect, ULONG attributes);
NTSTATUS winmm_open_section(HANDLE *out, ACCESS_MASK access, const char *name);
NTSTATUS winmm_map_view(HANDLE section, struct abi_map_view *args);

/* ntdll.c: the console write system call. */
NTSTATUS libc_write_console(const char *buf, SIZE_T len);

#endif
