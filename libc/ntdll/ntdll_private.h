/*
 * libc/ntdll/ntdll_private.h - ntdll.dll internals: the headers every ntdll
 * file includes, the system-call stub, the parts of the PEB/TEB/loader
 * structures MinGW's <winternl.h> leaves opaque, and the hooks between files.
 * Not installed.
 */
#ifndef LIBC_NTDLL_PRIVATE_H
#define LIBC_NTDLL_PRIVATE_H

/* We define the functions the headers declare as imports (NTSYSAPI). */
#define _NTSYSTEM_
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#include <winternl.h>
#include <stddef.h>
#include <string.h>

#include "kernel/syscall_abi.h"

/* <winternl.h> and <winnt.h> make these macros over memset/memmove; ntdll exports them as functions. */
#undef RtlMoveMemory
#undef RtlFillMemory
#undef RtlZeroMemory
#undef RtlCopyMemory

/*
 * One system call per kernel/syscall_abi.h: number in rax, arguments in rdi,
 * rsi, rdx, r10, r8, r9; result in rax; rcx and r11 clobbered.  The argument
 * registers are also treated as clobbered (rdi and rsi are nonvolatile in the
 * Microsoft x64 convention, so the compiler saves them around the call).
 */
static inline long long nt_syscall(long long n, long long a1, long long a2, long long a3, long long a4, long long a5,
				   long long a6)
{
	register long long r10 __asm__("r10") = a4;
	register long long r8 __asm__("r8") = a5;
	register long long r9 __asm__("r9") = a6;
	long long ret = n;
	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

#define SYSCALL6(n, a, b, c, d, e, f) \
	nt_syscall((n), (long long)(a), (long long)(b), (long long)(c), (long long)(d), (long long)(e), (long long)(f))
#define SYSCALL0(n)          SYSCALL6(n, 0, 0, 0, 0, 0, 0)
#define SYSCALL1(n, a)       SYSCALL6(n, a, 0, 0, 0, 0, 0)
#define SYSCALL2(n, a, b)    SYSCALL6(n, a, b, 0, 0, 0, 0)
#define SYSCALL3(n, a, b, c) SYSCALL6(n, a, b, c, 0, 0, 0)
/* An Nt* call: the NTSTATUS is the low 32 bits of rax. */
#define NTCALL(x) ((NTSTATUS)(int)(x))

#define NT_CURRENT_PROCESS ((HANDLE)(LONG_PTR)-1)

/*
 * The TEB (gs:[0x30]).  MinGW's NtCurrentTeb() is the same read, but GCC 12
 * warns on it (-Warray-bounds: it sees a constant address), so we use this.
 */
static inline TEB *cur_teb(void)
{
	TEB *t;
	__asm__("movq %%gs:0x30, %0" : "=r"(t));
	return t;
}

/* ---- PEB / TEB fields by their Windows x64 offsets (docs/loader.md) ---- */
#define FIELD_AT(p, off, type) (*(type *)((char *)(p) + (off)))
#define PEB_IMAGE_BASE(p)       FIELD_AT(p, 0x10, PVOID)
#define PEB_LDR(p)              FIELD_AT(p, 0x18, struct ldr_data *)
#define PEB_PARAMS(p)           FIELD_AT(p, 0x20, struct process_parameters *)
#define PEB_PROCESS_HEAP(p)     FIELD_AT(p, 0x30, PVOID)
#define PEB_NUMBER_OF_PROCESSORS(p) FIELD_AT(p, 0xB8, ULONG)
#define PEB_OS_MAJOR(p)         FIELD_AT(p, 0x118, ULONG)
#define PEB_OS_MINOR(p)         FIELD_AT(p, 0x11C, ULONG)
#define PEB_OS_BUILD(p)         FIELD_AT(p, 0x120, USHORT)
#define PEB_OS_PLATFORM(p)      FIELD_AT(p, 0x124, ULONG)
#define TEB_CLIENT_ID(t)        FIELD_AT(t, 0x40, CLIENT_ID)
#define TEB_TLS_POINTER(t)      FIELD_AT(t, 0x58, PVOID *)
#define TEB_LAST_ERROR(t)       FIELD_AT(t, 0x68, ULONG)

/* RTL_USER_PROCESS_PARAMETERS as Windows lays it out (<winternl.h> shows two fields). */
struct process_parameters {
	ULONG MaximumLength, Length, Flags, DebugFlags;
	HANDLE ConsoleHandle;
	ULONG ConsoleFlags;
	HANDLE StandardInput, StandardOutput, StandardError;	/* +0x20 +0x28 +0x30 */
	UNICODE_STRING CurrentDirectoryPath;			/* +0x38 */
	HANDLE CurrentDirectoryHandle;
	UNICODE_STRING DllPath;					/* +0x50 */
	UNICODE_STRING ImagePathName;				/* +0x60 */
	UNICODE_STRING CommandLine;				/* +0x70 */
	PVOID Environment;					/* +0x80 */
};

/* PEB_LDR_DATA, complete. */
struct ldr_data {
	ULONG Length;
	BOOLEAN Initialized;
	PVOID SsHandle;
	LIST_ENTRY InLoadOrderModuleList;		/* +0x10 */
	LIST_ENTRY InMemoryOrderModuleList;		/* +0x20 */
	LIST_ENTRY InInitializationOrderModuleList;	/* +0x30 */
	PVOID EntryInProgress;
	BOOLEAN ShutdownInProgress;
	HANDLE ShutdownThreadId;
};

/*
 * A module: LDR_DATA_TABLE_ENTRY's documented part (Windows' offsets up to
 * TimeDateStamp, +0x80), then ntdll's own fields.
 */
struct ldr_module {
	LIST_ENTRY InLoadOrderLinks;
	LIST_ENTRY InMemoryOrderLinks;
	LIST_ENTRY InInitializationOrderLinks;
	PVOID DllBase;					/* +0x30 */
	PVOID EntryPoint;				/* +0x38 */
	ULONG SizeOfImage;				/* +0x40 */
	UNICODE_STRING FullDllName;			/* +0x48 */
	UNICODE_STRING BaseDllName;			/* +0x58 */
	ULONG Flags;					/* +0x68 LDRP_* */
	USHORT LoadCount;				/* +0x6C; LDR_PINNED: never unloaded */
	USHORT TlsIndex;				/* +0x6E */
	LIST_ENTRY HashLinks;				/* +0x70 (unused) */
	ULONG TimeDateStamp;				/* +0x80 */
	/* ntdll's own */
	char name[64];					/* the kernel's (boot module) name */
	WCHAR full_buf[88];
	WCHAR base_buf[64];
	ULONG tls_slot;					/* TLS index, or LDR_NO_TLS */
	BOOLEAN dynamic;				/* mapped by LdrLoadDll (NtLoadImage), not at start */
};

#define LDR_PINNED 0xFFFF
#define LDR_NO_TLS 0xFFFFFFFFu
#define LDRP_IMAGE_DLL 0x00000004
#define LDRP_ENTRY_PROCESSED 0x00004000
#define LDRP_DONT_CALL_FOR_THREADS 0x00040000
#define LDRP_PROCESS_ATTACH_CALLED 0x00080000

/* ---- hooks between files ---- */

/* H4's exception dispatcher set-up (libc/ntdll/except_*.c); a weak empty one stands in until it exists. */
void except_init(void);

/* ldr_module.c */
extern struct ldr_data ldr_data;
PEB *ldr_peb(void);
struct ldr_module *ldr_find_by_base(PVOID base);
struct ldr_module *ldr_find_by_name(const char *name);
struct ldr_module *ldr_find_by_address(const void *addr);
/* Adds an entry for every image the kernel has mapped that the list lacks, in initialization order. */
NTSTATUS ldr_sync_images(BOOLEAN dynamic);
void ldr_remove(struct ldr_module *m);
/* A DLL name as the kernel wants it: path stripped, ".dll" added when there is no extension, ASCII. */
NTSTATUS ldr_module_name(const UNICODE_STRING *in, char *out, size_t size);
/* Initialization (TLS callbacks, DllMain PROCESS_ATTACH) for every entry not yet processed. */
NTSTATUS ldr_process_attach_all(void);
/* Calls an image's entry point / TLS callbacks with reason. */
BOOL ldr_call_dll_entry(struct ldr_module *m, DWORD reason, PVOID reserved);
void ldr_call_tls_callbacks(struct ldr_module *m, DWORD reason);
/* IMAGE_DIRECTORY_ENTRY_* of an image: the directory's address and size, NULL when absent. */
void *ldr_image_directory(PVOID base, int index, ULONG *size);

/* ldr_tls.c */
NTSTATUS ldr_tls_attach(struct ldr_module *m);
void ldr_tls_detach(struct ldr_module *m);

/* nt_section.c: an OBJECT_ATTRIBUTES name as the kernel's byte string (buf of NT_OBJECT_NAME_MAX bytes, *len 0: none). */
#define NT_OBJECT_NAME_MAX 260
NTSTATUS nt_object_name(const OBJECT_ATTRIBUTES *oa, char *buf, SIZE_T *len);

/* rtl_heap-less allocation for the loader: page-granular blocks from NtAllocateVirtualMemory. */
void *ldr_alloc_pages(SIZE_T size);
void ldr_free_pages(void *p);

/* Diagnostics to the console: "ntdll: <msg>\n". */
void ldr_print(const char *a, const char *b, const char *c);

/* Our project-only exports used inside ntdll too. */
NTSTATUS NTAPI MmWriteConsole(const char *Buffer, SIZE_T Length);
ULONG NTAPI MmGetCurrentProcessId(void);
NTSTATUS NTAPI MmQueryImages(struct abi_image_info *Images, SIZE_T Count, SIZE_T *Needed);
NTSTATUS mm_load_image(const char *name, ULONG64 *base);
NTSTATUS mm_unload_image(ULONG64 base);
NTSTATUS NTAPI LdrUnloadDll(PVOID BaseAddress);
NTSTATUS NTAPI LdrLoadDll(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *BaseAddress);
NTSTATUS NTAPI LdrGetProcedureAddress(PVOID BaseAddress, PANSI_STRING Name, ULONG Ordinal, PVOID *ProcedureAddress);
void NTAPI LdrShutdownProcess(void);
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
__attribute__((noreturn)) void NTAPI RtlExitUserProcess(NTSTATUS ExitStatus);
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
				       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType);
NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval);
ULONGLONG NTAPI MmGetTickCount64(void);
NTSTATUS NTAPI MmForkProcess(PULONG ChildPid);

#endif
