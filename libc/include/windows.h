/*
 * libc/include/windows.h - the Win32 subset this system implements, x64 (LLP64)
 * names, types, values and layouts exactly as Windows defines them.
 *
 * Only functions that are implemented are declared.  Project extras that are
 * not Windows APIs live in <winmm.h>.
 *
 * Note on signedness, as on Windows: the exception-code STATUS_* values that
 * winnt.h defines (STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION, ...)
 * are DWORDs, so they compare cleanly with EXCEPTION_RECORD.ExceptionCode; the
 * ntstatus.h values (STATUS_SUCCESS, STATUS_CONFLICTING_ADDRESSES, ...) are
 * NTSTATUS.  Cast when comparing an NTSTATUS with a DWORD code.
 */
#ifndef LIBC_WINDOWS_H
#define LIBC_WINDOWS_H

#include <stddef.h>
#include <stdint.h>

/* ---- basic types (LLP64: LONG and DWORD are 32-bit) ---------------------- */
#define WINAPI
#define NTAPI
#define CALLBACK
#define VOID void
#define CONST const

typedef char CHAR;
typedef unsigned char UCHAR, BYTE, BOOLEAN, *PBYTE, *PBOOLEAN;
typedef short SHORT;
typedef unsigned short USHORT, WORD, *PWORD;
typedef int INT, BOOL, LONG, *PBOOL, *LPBOOL, *PLONG, *PINT;
typedef unsigned int UINT, ULONG, DWORD, *PUINT, *PULONG, *PDWORD, *LPDWORD;
typedef long long LONGLONG, LONG64, INT_PTR, LONG_PTR, SSIZE_T;
typedef unsigned long long ULONGLONG, ULONG64, DWORD64, DWORDLONG, *PDWORD64, *PULONG64;
typedef unsigned long long UINT_PTR, ULONG_PTR, DWORD_PTR, SIZE_T, *PULONG_PTR, *PSIZE_T;
typedef void *PVOID, *LPVOID, *HANDLE, **PHANDLE;
typedef const void *LPCVOID, *PCVOID;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef DWORD ACCESS_MASK;
typedef char *LPSTR, *PSTR;
typedef const char *LPCSTR, *PCSTR;
/* WCHAR is 16-bit UTF-16 as on Windows; build with -fshort-wchar (libc/user.mk does) so L"..." matches. */
typedef unsigned short WCHAR, *LPWSTR, *PWSTR;
typedef const unsigned short *LPCWSTR, *PCWSTR;

#define TRUE 1
#define FALSE 0
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define NT_SUCCESS(status) (((NTSTATUS)(status)) >= 0)
#define MAXDWORD 0xffffffffu

/* ---- memory constants ----------------------------------------------------- */
#define PAGE_NOACCESS          0x01
#define PAGE_READONLY          0x02
#define PAGE_READWRITE         0x04
#define PAGE_WRITECOPY         0x08
#define PAGE_EXECUTE           0x10
#define PAGE_EXECUTE_READ      0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80
#define PAGE_GUARD             0x100
#define PAGE_NOCACHE           0x200
#define PAGE_WRITECOMBINE      0x400
#define PAGE_TARGETS_INVALID   0x40000000

#define PAGE_TARGETS_NO_UPDATE 0x40000000
#define PAGE_REVERT_TO_FILE_MAP 0x80000000

#define MEM_COMMIT      0x00001000
#define MEM_RESERVE     0x00002000
#define MEM_DECOMMIT    0x00004000
#define MEM_RELEASE     0x00008000
#define MEM_FREE        0x00010000
#define MEM_PRIVATE     0x00020000
#define MEM_MAPPED      0x00040000
#define MEM_RESET       0x00080000
#define MEM_TOP_DOWN    0x00100000
#define MEM_WRITE_WATCH 0x00200000
#define MEM_PHYSICAL    0x00400000
#define MEM_ROTATE      0x00800000
#define MEM_RESET_UNDO  0x01000000
#define MEM_IMAGE       0x01000000
#define MEM_LARGE_PAGES 0x20000000
#define MEM_4MB_PAGES   0x80000000

#define SEC_FILE         0x00800000
#define SEC_IMAGE        0x01000000
#define SEC_PROTECTED_IMAGE 0x02000000
#define SEC_RESERVE      0x04000000
#define SEC_COMMIT       0x08000000
#define SEC_NOCACHE      0x10000000
#define SEC_IMAGE_NO_EXECUTE 0x11000000
#define SEC_WRITECOMBINE 0x40000000
#define SEC_LARGE_PAGES  0x80000000

#define SECTION_QUERY                0x0001
#define SECTION_MAP_WRITE            0x0002
#define SECTION_MAP_READ             0x0004
#define SECTION_MAP_EXECUTE          0x0008
#define SECTION_EXTEND_SIZE          0x0010
#define SECTION_MAP_EXECUTE_EXPLICIT 0x0020
#define SECTION_ALL_ACCESS           0x000F001F

#define FILE_MAP_COPY       0x00000001
#define FILE_MAP_WRITE      SECTION_MAP_WRITE
#define FILE_MAP_READ       SECTION_MAP_READ
#define FILE_MAP_ALL_ACCESS SECTION_ALL_ACCESS
#define FILE_MAP_EXECUTE    SECTION_MAP_EXECUTE_EXPLICIT
#define FILE_MAP_LARGE_PAGES     0x20000000
#define FILE_MAP_TARGETS_INVALID 0x40000000
#define FILE_MAP_RESERVE         0x80000000

#define WRITE_WATCH_FLAG_RESET 0x01

/* ---- status codes: winnt.h (DWORD) ---------------------------------------- */
#define STATUS_WAIT_0                   ((DWORD)0x00000000L)
#define STATUS_GUARD_PAGE_VIOLATION     ((DWORD)0x80000001L)
#define STATUS_DATATYPE_MISALIGNMENT    ((DWORD)0x80000002L)
#define STATUS_BREAKPOINT               ((DWORD)0x80000003L)
#define STATUS_SINGLE_STEP              ((DWORD)0x80000004L)
#define STATUS_ACCESS_VIOLATION         ((DWORD)0xC0000005L)
#define STATUS_IN_PAGE_ERROR            ((DWORD)0xC0000006L)
#define STATUS_INVALID_HANDLE           ((DWORD)0xC0000008L)
#define STATUS_NO_MEMORY                ((DWORD)0xC0000017L)
#define STATUS_ILLEGAL_INSTRUCTION      ((DWORD)0xC000001DL)
#define STATUS_NONCONTINUABLE_EXCEPTION ((DWORD)0xC0000025L)
#define STATUS_INVALID_DISPOSITION      ((DWORD)0xC0000026L)
#define STATUS_ARRAY_BOUNDS_EXCEEDED    ((DWORD)0xC000008CL)
#define STATUS_INTEGER_DIVIDE_BY_ZERO   ((DWORD)0xC0000094L)
#define STATUS_INTEGER_OVERFLOW         ((DWORD)0xC0000095L)
#define STATUS_PRIVILEGED_INSTRUCTION   ((DWORD)0xC0000096L)
#define STATUS_STACK_OVERFLOW           ((DWORD)0xC00000FDL)

/* ---- status codes: ntstatus.h (NTSTATUS) ---------------------------------- */
#define STATUS_SUCCESS                  ((NTSTATUS)0x00000000L)
#define STATUS_WORKING_SET_LIMIT_RANGE  ((NTSTATUS)0x40000002L)
#define STATUS_WAS_LOCKED               ((NTSTATUS)0x40000019L)
#define STATUS_NOT_LOCKED               ((NTSTATUS)0xC000002AL)
#define STATUS_BAD_WORKING_SET_LIMIT    ((NTSTATUS)0xC000004CL)
#define STATUS_INCOMPATIBLE_FILE_MAP    ((NTSTATUS)0xC000004DL)
#define STATUS_PRIVILEGE_NOT_HELD       ((NTSTATUS)0xC0000061L)
#define STATUS_WORKING_SET_QUOTA        ((NTSTATUS)0xC00000A1L)
#define STATUS_NOT_IMPLEMENTED          ((NTSTATUS)0xC0000002L)
#define STATUS_INVALID_INFO_CLASS       ((NTSTATUS)0xC0000003L)
#define STATUS_INFO_LENGTH_MISMATCH     ((NTSTATUS)0xC0000004L)
#define STATUS_INVALID_PARAMETER        ((NTSTATUS)0xC000000DL)
#define STATUS_CONFLICTING_ADDRESSES    ((NTSTATUS)0xC0000018L)
#define STATUS_NOT_MAPPED_VIEW          ((NTSTATUS)0xC0000019L)
#define STATUS_UNABLE_TO_FREE_VM        ((NTSTATUS)0xC000001AL)
#define STATUS_UNABLE_TO_DELETE_SECTION ((NTSTATUS)0xC000001BL)
#define STATUS_INVALID_VIEW_SIZE        ((NTSTATUS)0xC000001FL)
#define STATUS_ALREADY_COMMITTED        ((NTSTATUS)0xC0000021L)
#define STATUS_ACCESS_DENIED            ((NTSTATUS)0xC0000022L)
#define STATUS_BUFFER_TOO_SMALL         ((NTSTATUS)0xC0000023L)
#define STATUS_UNABLE_TO_DECOMMIT_VM    ((NTSTATUS)0xC000002CL)
#define STATUS_NOT_COMMITTED            ((NTSTATUS)0xC000002DL)
#define STATUS_SECTION_TOO_BIG          ((NTSTATUS)0xC0000040L)
#define STATUS_INVALID_PAGE_PROTECTION  ((NTSTATUS)0xC0000045L)
#define STATUS_SECTION_PROTECTION       ((NTSTATUS)0xC000004EL)
#define STATUS_FREE_VM_NOT_AT_BASE      ((NTSTATUS)0xC000009FL)
#define STATUS_MEMORY_NOT_ALLOCATED     ((NTSTATUS)0xC00000A0L)
#define STATUS_INVALID_PARAMETER_1      ((NTSTATUS)0xC00000EFL)
#define STATUS_INVALID_PARAMETER_2      ((NTSTATUS)0xC00000F0L)
#define STATUS_INVALID_PARAMETER_3      ((NTSTATUS)0xC00000F1L)
#define STATUS_INVALID_PARAMETER_4      ((NTSTATUS)0xC00000F2L)
#define STATUS_INVALID_PARAMETER_5      ((NTSTATUS)0xC00000F3L)
#define STATUS_INVALID_PARAMETER_6      ((NTSTATUS)0xC00000F4L)
#define STATUS_INVALID_PARAMETER_7      ((NTSTATUS)0xC00000F5L)
#define STATUS_INVALID_PARAMETER_8      ((NTSTATUS)0xC00000F6L)
#define STATUS_INVALID_PARAMETER_9      ((NTSTATUS)0xC00000F7L)
#define STATUS_INVALID_PARAMETER_10     ((NTSTATUS)0xC00000F8L)
#define STATUS_INVALID_PARAMETER_11     ((NTSTATUS)0xC00000F9L)
#define STATUS_INVALID_PARAMETER_12     ((NTSTATUS)0xC00000FAL)
#define STATUS_PROCESS_IS_TERMINATING   ((NTSTATUS)0xC000010AL)
#define STATUS_INSUFFICIENT_RESOURCES   ((NTSTATUS)0xC000009AL)
#define STATUS_COMMITMENT_LIMIT         ((NTSTATUS)0xC000012DL)

/* ---- exceptions ----------------------------------------------------------- */
#define EXCEPTION_ACCESS_VIOLATION         STATUS_ACCESS_VIOLATION
#define EXCEPTION_DATATYPE_MISALIGNMENT    STATUS_DATATYPE_MISALIGNMENT
#define EXCEPTION_BREAKPOINT               STATUS_BREAKPOINT
#define EXCEPTION_SINGLE_STEP              STATUS_SINGLE_STEP
#define EXCEPTION_ARRAY_BOUNDS_EXCEEDED    STATUS_ARRAY_BOUNDS_EXCEEDED
#define EXCEPTION_INT_DIVIDE_BY_ZERO       STATUS_INTEGER_DIVIDE_BY_ZERO
#define EXCEPTION_INT_OVERFLOW             STATUS_INTEGER_OVERFLOW
#define EXCEPTION_PRIV_INSTRUCTION         STATUS_PRIVILEGED_INSTRUCTION
#define EXCEPTION_IN_PAGE_ERROR            STATUS_IN_PAGE_ERROR
#define EXCEPTION_ILLEGAL_INSTRUCTION      STATUS_ILLEGAL_INSTRUCTION
#define EXCEPTION_NONCONTINUABLE_EXCEPTION STATUS_NONCONTINUABLE_EXCEPTION
#define EXCEPTION_STACK_OVERFLOW           STATUS_STACK_OVERFLOW
#define EXCEPTION_INVALID_DISPOSITION      STATUS_INVALID_DISPOSITION
#define EXCEPTION_GUARD_PAGE               STATUS_GUARD_PAGE_VIOLATION
#define EXCEPTION_INVALID_HANDLE           STATUS_INVALID_HANDLE

#define EXCEPTION_CONTINUE_EXECUTION (-1)
#define EXCEPTION_CONTINUE_SEARCH    0
#define EXCEPTION_EXECUTE_HANDLER    1

#define EXCEPTION_READ_FAULT    0
#define EXCEPTION_WRITE_FAULT   1
#define EXCEPTION_EXECUTE_FAULT 8

#define EXCEPTION_NONCONTINUABLE     0x1
#define EXCEPTION_MAXIMUM_PARAMETERS 15

/* ---- Win32 error codes ---------------------------------------------------- */
#define ERROR_SUCCESS             0
#define NO_ERROR                  0
#define ERROR_INVALID_FUNCTION    1
#define ERROR_FILE_NOT_FOUND      2
#define ERROR_ACCESS_DENIED       5
#define ERROR_INVALID_HANDLE      6
#define ERROR_NOT_ENOUGH_MEMORY   8
#define ERROR_OUTOFMEMORY         14
#define ERROR_BAD_LENGTH          24
#define ERROR_NOT_SUPPORTED       50
#define ERROR_INVALID_PARAMETER   87
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_INVALID_NAME        123
#define ERROR_ALREADY_EXISTS      183
#define ERROR_MORE_DATA           234
#define ERROR_MR_MID_NOT_FOUND    317
#define ERROR_INVALID_ADDRESS     487
#define ERROR_NOACCESS            998
#define ERROR_MAPPED_ALIGNMENT    1132
#define ERROR_INVALID_FLAGS       1004
#define ERROR_NO_SYSTEM_RESOURCES 1450
#define ERROR_COMMITMENT_LIMIT    1455
#define ERROR_NOT_LOCKED          158
#define ERROR_PRIVILEGE_NOT_HELD  1314
#define ERROR_WORKING_SET_QUOTA   1453

/* ---- processor ------------------------------------------------------------ */
#define PROCESSOR_ARCHITECTURE_INTEL   0
#define PROCESSOR_ARCHITECTURE_AMD64   9
#define PROCESSOR_ARCHITECTURE_UNKNOWN 0xffff
#define PROCESSOR_AMD_X8664            8664

/* ---- structures ----------------------------------------------------------- */
typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor;
	BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _MEMORY_BASIC_INFORMATION {
	PVOID BaseAddress;
	PVOID AllocationBase;
	DWORD AllocationProtect;
	WORD PartitionId;
	SIZE_T RegionSize;
	DWORD State;
	DWORD Protect;
	DWORD Type;
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

/* GlobalMemoryStatusEx (sysinfoapi.h): dwLength must be sizeof(MEMORYSTATUSEX) on entry. */
typedef struct _MEMORYSTATUSEX {
	DWORD dwLength;
	DWORD dwMemoryLoad;		/* percent of physical memory in use */
	DWORDLONG ullTotalPhys;
	DWORDLONG ullAvailPhys;
	DWORDLONG ullTotalPageFile;	/* the commit limit (RAM + pagefile), not the pagefile's size */
	DWORDLONG ullAvailPageFile;	/* what this process can still commit */
	DWORDLONG ullTotalVirtual;
	DWORDLONG ullAvailVirtual;
	DWORDLONG ullAvailExtendedVirtual;	/* always 0 */
} MEMORYSTATUSEX, *LPMEMORYSTATUSEX;

/* GlobalMemoryStatus (winbase.h): the same values in SIZE_T fields; the function sets dwLength. */
typedef struct _MEMORYSTATUS {
	DWORD dwLength;
	DWORD dwMemoryLoad;
	SIZE_T dwTotalPhys;
	SIZE_T dwAvailPhys;
	SIZE_T dwTotalPageFile;
	SIZE_T dwAvailPageFile;
	SIZE_T dwTotalVirtual;
	SIZE_T dwAvailVirtual;
} MEMORYSTATUS, *LPMEMORYSTATUS;

typedef enum _MEMORY_INFORMATION_CLASS {
	MemoryBasicInformation = 0
} MEMORY_INFORMATION_CLASS;

typedef struct _SYSTEM_INFO {
	union {
		DWORD dwOemId;
		struct {
			WORD wProcessorArchitecture;
			WORD wReserved;
		};
	};
	DWORD dwPageSize;
	LPVOID lpMinimumApplicationAddress;
	LPVOID lpMaximumApplicationAddress;
	DWORD_PTR dwActiveProcessorMask;
	DWORD dwNumberOfProcessors;
	DWORD dwProcessorType;
	DWORD dwAllocationGranularity;
	WORD wProcessorLevel;
	WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

typedef struct _EXCEPTION_RECORD {
	DWORD ExceptionCode;
	DWORD ExceptionFlags;
	struct _EXCEPTION_RECORD *ExceptionRecord;
	PVOID ExceptionAddress;
	DWORD NumberParameters;
	ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

typedef struct __attribute__((aligned(16))) _M128A {
	ULONGLONG Low;
	LONGLONG High;
} M128A, *PM128A;

typedef struct __attribute__((aligned(16))) _XSAVE_FORMAT {
	WORD ControlWord;
	WORD StatusWord;
	BYTE TagWord;
	BYTE Reserved1;
	WORD ErrorOpcode;
	DWORD ErrorOffset;
	WORD ErrorSelector;
	WORD Reserved2;
	DWORD DataOffset;
	WORD DataSelector;
	WORD Reserved3;
	DWORD MxCsr;
	DWORD MxCsr_Mask;
	M128A FloatRegisters[8];
	M128A XmmRegisters[16];
	BYTE Reserved4[96];
} XSAVE_FORMAT, XMM_SAVE_AREA32, *PXMM_SAVE_AREA32;

#define CONTEXT_AMD64           0x00100000L
#define CONTEXT_CONTROL         (CONTEXT_AMD64 | 0x1L)
#define CONTEXT_INTEGER         (CONTEXT_AMD64 | 0x2L)
#define CONTEXT_SEGMENTS        (CONTEXT_AMD64 | 0x4L)
#define CONTEXT_FLOATING_POINT  (CONTEXT_AMD64 | 0x8L)
#define CONTEXT_DEBUG_REGISTERS (CONTEXT_AMD64 | 0x10L)
#define CONTEXT_FULL            (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_FLOATING_POINT)
#define CONTEXT_ALL             (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS | \
				 CONTEXT_FLOATING_POINT | CONTEXT_DEBUG_REGISTERS)

/* The x64 CONTEXT: 0x4d0 bytes, 16-byte aligned. */
typedef struct __attribute__((aligned(16))) _CONTEXT {
	DWORD64 P1Home, P2Home, P3Home, P4Home, P5Home, P6Home;
	DWORD ContextFlags;
	DWORD MxCsr;
	WORD SegCs, SegDs, SegEs, SegFs, SegGs, SegSs;
	DWORD EFlags;
	DWORD64 Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
	DWORD64 Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi;
	DWORD64 R8, R9, R10, R11, R12, R13, R14, R15;
	DWORD64 Rip;
	union {
		XMM_SAVE_AREA32 FltSave;
		struct {
			M128A Header[2];
			M128A Legacy[8];
			M128A Xmm0, Xmm1, Xmm2, Xmm3, Xmm4, Xmm5, Xmm6, Xmm7;
			M128A Xmm8, Xmm9, Xmm10, Xmm11, Xmm12, Xmm13, Xmm14, Xmm15;
		};
	};
	M128A VectorRegister[26];
	DWORD64 VectorControl;
	DWORD64 DebugControl;
	DWORD64 LastBranchToRip;
	DWORD64 LastBranchFromRip;
	DWORD64 LastExceptionToRip;
	DWORD64 LastExceptionFromRip;
} CONTEXT, *PCONTEXT;

typedef struct _EXCEPTION_POINTERS {
	PEXCEPTION_RECORD ExceptionRecord;
	PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

typedef LONG(WINAPI *PVECTORED_EXCEPTION_HANDLER)(struct _EXCEPTION_POINTERS *ExceptionInfo);

_Static_assert(sizeof(MEMORY_BASIC_INFORMATION) == 48, "MEMORY_BASIC_INFORMATION is 48 bytes on x64");
_Static_assert(sizeof(SYSTEM_INFO) == 48, "SYSTEM_INFO is 48 bytes on x64");
_Static_assert(sizeof(MEMORYSTATUSEX) == 64, "MEMORYSTATUSEX is 64 bytes");
_Static_assert(sizeof(MEMORYSTATUS) == 56, "MEMORYSTATUS is 56 bytes on x64");
_Static_assert(sizeof(EXCEPTION_RECORD) == 0x98, "EXCEPTION_RECORD is 0x98 bytes on x64");
_Static_assert(sizeof(XMM_SAVE_AREA32) == 512, "XMM_SAVE_AREA32 is 512 bytes");
_Static_assert(sizeof(CONTEXT) == 0x4d0, "CONTEXT is 0x4d0 bytes on x64");
_Static_assert(offsetof(CONTEXT, Rip) == 0xf8, "CONTEXT.Rip");
_Static_assert(offsetof(CONTEXT, FltSave) == 0x100, "CONTEXT.FltSave");
_Static_assert(offsetof(CONTEXT, VectorRegister) == 0x300, "CONTEXT.VectorRegister");
_Static_assert(offsetof(CONTEXT, VectorControl) == 0x4a0, "CONTEXT.VectorControl");

/* ---- errors (errhandlingapi.h) -------------------------------------------- */

/* The calling thread's last-error code (one thread per process here). */
DWORD WINAPI GetLastError(void);
/* Sets the last-error code; never fails. */
void WINAPI SetLastError(DWORD dwErrCode);

/*
 * Adds handler h to the vectored-exception list: at the front if First != 0,
 * else at the end.  Returns a handle for RemoveVectoredExceptionHandler, or
 * NULL if the list is full.
 */
PVOID WINAPI AddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler);
/* Removes a handler added above; nonzero on success, 0 for an unknown handle. */
ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle);

/* ---- memory (memoryapi.h) -------------------------------------------------- */

/* Reserves and/or commits; returns the base, or NULL with GetLastError set. */
LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType, DWORD flProtect);
/* Decommits or releases; MEM_RELEASE needs dwSize 0 (else ERROR_INVALID_PARAMETER). */
BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
/* Changes protection of committed pages; *lpflOldProtect gets the first page's old value. */
BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect, PDWORD lpflOldProtect);
/* Describes the region containing lpAddress; returns bytes written, 0 on failure. */
SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength);

/*
 * Write watch (MEM_WRITE_WATCH reservations): stores in lpAddresses, ascending,
 * the pages of the range written since the last reset, at most *lpdwCount of
 * them; *lpdwCount gets the number, *lpdwGranularity the page size.
 * WRITE_WATCH_FLAG_RESET also resets the pages reported.  Returns 0, or
 * (UINT)-1 with GetLastError 87 (bad value or range) or 998 (bad pointer).
 */
UINT WINAPI GetWriteWatch(DWORD dwFlags, PVOID lpBaseAddress, SIZE_T dwRegionSize, PVOID *lpAddresses,
			  ULONG_PTR *lpdwCount, LPDWORD lpdwGranularity);
/* Resets the write-watch state of the range; 0, or (UINT)-1 with GetLastError 87. */
UINT WINAPI ResetWriteWatch(LPVOID lpBaseAddress, SIZE_T dwRegionSize);
/* The large-page size for MEM_LARGE_PAGES: 2 MiB. */
SIZE_T WINAPI GetLargePageMinimum(void);

/*
 * File mappings backed by the pagefile: hFile must be INVALID_HANDLE_VALUE
 * (there is no file system; any other handle gives ERROR_INVALID_HANDLE).
 * flProtect is PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY or an execute
 * variant, with SEC_COMMIT (default) or SEC_RESERVE.  A name ("Local\" is
 * the default namespace, "Global\" another) shares the section between
 * processes: when it exists, its handle is returned and GetLastError() is
 * ERROR_ALREADY_EXISTS.  NULL on failure.  Security attributes are ignored;
 * handles are inherited by fork().
 */
HANDLE WINAPI CreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
				 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCSTR lpName);
HANDLE WINAPI CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
				 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCWSTR lpName);
/* Opens a named mapping with FILE_MAP_* access; NULL with ERROR_FILE_NOT_FOUND when there is none. */
HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
/*
 * Maps a view: FILE_MAP_READ, FILE_MAP_WRITE (or FILE_MAP_ALL_ACCESS),
 * FILE_MAP_COPY (write-copy), each optionally | FILE_MAP_EXECUTE.  The offset
 * must be a multiple of 64 KiB (ERROR_MAPPED_ALIGNMENT); 0 bytes maps to the
 * end of the section.  Returns the view's 64 KiB-aligned base, or NULL.
 */
LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
			    DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap);
/* As MapViewOfFile, at lpBaseAddress (64 KiB aligned) when it is not NULL. */
LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
			      DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
/* Unmaps the view containing lpBaseAddress (any address inside it); ERROR_INVALID_ADDRESS otherwise. */
BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress);
/* Pagefile-backed views have no file to write: succeeds for any address inside a view. */
BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush);
/* Closes a section handle; the section lives on while views of it exist. */
BOOL WINAPI CloseHandle(HANDLE hObject);

/*
 * Address Windowing Extensions.  AllocateUserPhysicalPages allocates up to
 * *NumberOfPages zeroed physical pages for hProcess (the current process
 * only), stores their page frame numbers in PageArray and the count in
 * *NumberOfPages (fewer when memory runs short; FALSE and nothing allocated
 * when none could be had).  MapUserPhysicalPages maps PageArray[i] at
 * VirtualAddress + i pages inside a VirtualAlloc(MEM_RESERVE | MEM_PHYSICAL,
 * PAGE_READWRITE) region, replacing earlier mappings; a NULL PageArray
 * unmaps; all or nothing.  MapUserPhysicalPagesScatter does the same for a
 * list of addresses.  FreeUserPhysicalPages unmaps and frees; on failure
 * *NumberOfPages is the number freed.  Bad arguments: ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI AllocateUserPhysicalPages(HANDLE hProcess, PULONG_PTR NumberOfPages, PULONG_PTR PageArray);
BOOL WINAPI MapUserPhysicalPages(PVOID VirtualAddress, ULONG_PTR NumberOfPages, PULONG_PTR PageArray);
BOOL WINAPI MapUserPhysicalPagesScatter(PVOID *VirtualAddresses, ULONG_PTR NumberOfPages, PULONG_PTR PageArray);
BOOL WINAPI FreeUserPhysicalPages(HANDLE hProcess, PULONG_PTR NumberOfPages, PULONG_PTR PageArray);

/*
 * Locking pages in memory.  VirtualLock reads in every page touched by
 * [lpAddress, lpAddress+dwSize) and keeps it resident until VirtualUnlock,
 * decommit, release or exit; each page counts once however often it is
 * locked.  All pages must be committed and accessible: reserved, free or
 * PAGE_NOACCESS memory gives ERROR_NOACCESS, a guard page
 * STATUS_GUARD_PAGE_VIOLATION (the guard is cleared; the next call can
 * succeed).  A process locks at most its minimum working set less 8 pages,
 * else ERROR_WORKING_SET_QUOTA and nothing changes.  VirtualUnlock needs
 * every page locked (ERROR_NOT_LOCKED, nothing unlocked).  dwSize 0:
 * ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize);
BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize);

/*
 * Working-set limits of hProcess (the current process only, else
 * ERROR_INVALID_HANDLE), in bytes: 200 KiB and 1380 KiB to start with.
 * SetProcessWorkingSetSize: 0 for either is ERROR_INVALID_PARAMETER, both
 * (SIZE_T)-1 empties the working set (accepted; nothing to trim here), min >
 * max ERROR_INVALID_PARAMETER; a minimum under 20 pages becomes 20.  The Ex
 * forms take and report the QUOTA_LIMITS_HARDWS_* flags (recorded, not
 * enforced: there is no trimming yet).
 */
#define QUOTA_LIMITS_HARDWS_MIN_ENABLE  0x00000001
#define QUOTA_LIMITS_HARDWS_MIN_DISABLE 0x00000002
#define QUOTA_LIMITS_HARDWS_MAX_ENABLE  0x00000004
#define QUOTA_LIMITS_HARDWS_MAX_DISABLE 0x00000008
BOOL WINAPI GetProcessWorkingSetSize(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize, PSIZE_T lpMaximumWorkingSetSize);
BOOL WINAPI GetProcessWorkingSetSizeEx(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize,
				       PSIZE_T lpMaximumWorkingSetSize, PDWORD Flags);
BOOL WINAPI SetProcessWorkingSetSize(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize, SIZE_T dwMaximumWorkingSetSize);
BOOL WINAPI SetProcessWorkingSetSizeEx(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize,
				       SIZE_T dwMaximumWorkingSetSize, DWORD Flags);

/*
 * Fills *lpBuffer with the memory status; lpBuffer->dwLength must be
 * sizeof(MEMORYSTATUSEX), else FALSE with ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer);
/* The same in a MEMORYSTATUS (sets dwLength itself); no return value. */
void WINAPI GlobalMemoryStatus(LPMEMORYSTATUS lpBuffer);

/* ---- system and process ---------------------------------------------------- */

/* Fills *lpSystemInfo: 4 KiB pages, 64 KiB granularity, one AMD64 processor. */
void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
/* The same as GetSystemInfo for this (native 64-bit) process. */
void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo);
/* The pseudo-handle (HANDLE)-1 for the current process. */
HANDLE WINAPI GetCurrentProcess(void);
/* The current process id. */
DWORD WINAPI GetCurrentProcessId(void);
/* Flushes stdout and ends the process with uExitCode; never returns. */
__attribute__((noreturn)) void WINAPI ExitProcess(UINT uExitCode);
/* Makes code written to [lpBaseAddress, +dwSize) visible to instruction fetch. */
BOOL WINAPI FlushInstructionCache(HANDLE hProcess, LPCVOID lpBaseAddress, SIZE_T dwSize);
/* Suspends the process for at least dwMilliseconds. */
void WINAPI Sleep(DWORD dwMilliseconds);
/* Milliseconds since boot (wraps after 49.7 days). */
DWORD WINAPI GetTickCount(void);

/* ---- native API (ntdll) ------------------------------------------------------ */

/* System-call wrappers: the kernel's NTSTATUS is returned unchanged. */
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
				       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType);
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
				      ULONG NewProtect, PULONG OldProtect);
NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
				    MEMORY_INFORMATION_CLASS MemoryInformationClass, PVOID MemoryInformation,
				    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength);
NTSTATUS NTAPI NtGetWriteWatch(HANDLE ProcessHandle, ULONG Flags, PVOID BaseAddress, SIZE_T RegionSize,
			       PVOID *UserAddressArray, PULONG_PTR EntriesInUserAddressArray, PULONG Granularity);
NTSTATUS NTAPI NtResetWriteWatch(HANDLE ProcessHandle, PVOID BaseAddress, SIZE_T RegionSize);
NTSTATUS NTAPI NtAllocateUserPhysicalPages(HANDLE ProcessHandle, PULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray);
NTSTATUS NTAPI NtMapUserPhysicalPages(PVOID VirtualAddress, ULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray);
NTSTATUS NTAPI NtMapUserPhysicalPagesScatter(PVOID *VirtualAddresses, ULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray);
NTSTATUS NTAPI NtFreeUserPhysicalPages(HANDLE ProcessHandle, PULONG_PTR NumberOfPages, PULONG_PTR UserPfnArray);
#define MAP_PROCESS 1
#define MAP_SYSTEM  2
NTSTATUS NTAPI NtLockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType);
NTSTATUS NTAPI NtUnlockVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG MapType);
/* Resumes at *ContextRecord; returns only on failure (a bad context pointer). */
NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert);
/* Ends the process ((HANDLE)-1 only) with ExitStatus; returns only on failure. */
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
/* The Win32 error code for an NTSTATUS; ERROR_MR_MID_NOT_FOUND if unmapped. */
ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status);

#endif
