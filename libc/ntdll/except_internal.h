/*
 * libc/ntdll/except_internal.h - shared by ntdll's exception dispatcher and
 * unwinder (except_*.c, unwind_*.c): raw system calls, image lookup, and the
 * internal entry points between the files.
 */
#ifndef LIBC_NTDLL_EXCEPT_INTERNAL_H
#define LIBC_NTDLL_EXCEPT_INTERNAL_H

#ifndef _NTSYSTEM_
#define _NTSYSTEM_ 1
#endif
#include <windows.h>
#include <stddef.h>

#include "kernel/syscall_abi.h"

#ifndef STATUS_UNWIND
#define STATUS_UNWIND ((DWORD)0xC0000027)
#endif
#ifndef STATUS_BAD_STACK
#define STATUS_BAD_STACK ((DWORD)0xC0000028)
#endif

/* Raises Status as a noncontinuable exception. */
void NTAPI RtlRaiseStatus(NTSTATUS Status);

/* A system call with up to four arguments (kernel register convention: rdi rsi rdx r10). */
static inline long long except_syscall(long long nr, long long a, long long b, long long c, long long d)
{
	long long ret;
	register long long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "r8", "r9", "memory");
	return ret;
}

/* The current TEB (gs:[0x30]). */
static inline NT_TIB *except_teb(void)
{
	NT_TIB *t;
	__asm__("mov %%gs:0x30, %0" : "=r"(t));
	return t;
}

/* Writes a string to the console. */
void except_write(const char *s);

/* Formats into buf (size n) like a small snprintf: %s %x %lx %llx %u %d, with 0-padding widths. */
int except_format(char *buf, size_t n, const char *fmt, ...);

/*
 * The image containing pc: its base, size and name (ASCII, at most 63
 * characters, into name when not NULL).  Returns FALSE when no image holds pc.
 */
BOOL except_find_image(ULONG64 pc, ULONG64 *base, ULONG64 *size, char *name, size_t name_len);

/* An export of the loaded image named module (case-insensitive, "kernel32.dll"), or NULL. */
void *except_find_export(const char *module, const char *name);

/*
 * Unwinds ctx by one frame: through RtlVirtualUnwind when pc has a function
 * entry, as a leaf (return address at rsp) otherwise.  Fills the handler
 * (may be NULL), its data, the establisher frame, the entry and image base.
 */
PEXCEPTION_ROUTINE unwind_one(DWORD type, CONTEXT *ctx, PVOID *data, ULONG64 *frame, PRUNTIME_FUNCTION *entry,
			      ULONG64 *base, PUNWIND_HISTORY_TABLE history);

/* Whether [frame, frame + 8) lies inside the current thread's stack. */
BOOL unwind_frame_ok(ULONG64 frame);

/* Calls a language handler (assembly, except_call.S): nested exceptions in it are recognised. */
EXCEPTION_DISPOSITION except_call_handler(EXCEPTION_RECORD *rec, PVOID frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc,
					  PEXCEPTION_ROUTINE handler);
/* Same for the unwind pass: an unwind through it collides. */
EXCEPTION_DISPOSITION except_call_unwind_handler(EXCEPTION_RECORD *rec, PVOID frame, CONTEXT *ctx,
						 DISPATCHER_CONTEXT *dc, PEXCEPTION_ROUTINE handler);

/* Calls the vectored exception (list 0) or continue (list 1) handlers: TRUE when one continued. */
BOOLEAN except_call_vectored(unsigned list, EXCEPTION_RECORD *rec, CONTEXT *ctx);

/* Runs the dispatcher's search pass: TRUE when a handler continued (ctx may be changed). */
BOOLEAN except_dispatch(EXCEPTION_RECORD *rec, CONTEXT *ctx);

/* Raises rec from ctx (RtlRaiseException's body, also used for nested status raises). */
void except_raise(EXCEPTION_RECORD *rec, CONTEXT *ctx) __attribute__((noreturn));

/* Raises a noncontinuable status with rec as its ExceptionRecord (STATUS_NONCONTINUABLE_EXCEPTION etc.). */
void except_raise_status(DWORD code, EXCEPTION_RECORD *nested) __attribute__((noreturn));

/* NtContinue(ctx): resumes at ctx; returns only on failure. */
static inline long long except_continue(const CONTEXT *ctx)
{
	return except_syscall(SYS_NtContinue, (long long)ctx, 0, 0, 0);
}

#endif
