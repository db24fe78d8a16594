/*
 * mm/winvm.h - Win32 constants the memory manager works in (values as Windows),
 * and the NTSTATUS codes it returns.  libc's <windows.h> has the same values;
 * tests/host/test_prot.c and libc pin them together.
 */
#ifndef MM_WINVM_H
#define MM_WINVM_H

#define W_PAGE_NOACCESS          0x01
#define W_PAGE_READONLY          0x02
#define W_PAGE_READWRITE         0x04
#define W_PAGE_WRITECOPY         0x08
#define W_PAGE_EXECUTE           0x10
#define W_PAGE_EXECUTE_READ      0x20
#define W_PAGE_EXECUTE_READWRITE 0x40
#define W_PAGE_EXECUTE_WRITECOPY 0x80
#define W_PAGE_GUARD             0x100
#define W_PAGE_NOCACHE           0x200
#define W_PAGE_WRITECOMBINE      0x400

#define W_MEM_COMMIT      0x1000
#define W_MEM_RESERVE     0x2000
#define W_MEM_DECOMMIT    0x4000
#define W_MEM_RELEASE     0x8000
#define W_MEM_FREE        0x10000
#define W_MEM_PRIVATE     0x20000
#define W_MEM_MAPPED      0x40000
#define W_MEM_RESET       0x80000
#define W_MEM_TOP_DOWN    0x100000
#define W_MEM_WRITE_WATCH 0x200000
#define W_MEM_PHYSICAL    0x400000
#define W_MEM_IMAGE       0x1000000
#define W_MEM_RESET_UNDO  0x1000000
#define W_MEM_LARGE_PAGES 0x20000000

typedef int ntstatus_t;
#define STATUS_SUCCESS                  ((ntstatus_t)0x00000000)
#define STATUS_GUARD_PAGE_VIOLATION     ((ntstatus_t)0x80000001)
#define STATUS_WORKING_SET_LIMIT_RANGE  ((ntstatus_t)0x40000002)	/* success: a limit was clamped */
#define STATUS_WAS_LOCKED               ((ntstatus_t)0x40000019)	/* success: some pages were locked already */
#define STATUS_NOT_LOCKED               ((ntstatus_t)0xC000002A)
#define STATUS_BAD_WORKING_SET_LIMIT    ((ntstatus_t)0xC000004C)
#define STATUS_INCOMPATIBLE_FILE_MAP    ((ntstatus_t)0xC000004D)
#define STATUS_PRIVILEGE_NOT_HELD       ((ntstatus_t)0xC0000061)
#define STATUS_WORKING_SET_QUOTA        ((ntstatus_t)0xC00000A1)
#define STATUS_INFO_LENGTH_MISMATCH     ((ntstatus_t)0xC0000004)
#define STATUS_ACCESS_VIOLATION         ((ntstatus_t)0xC0000005)
#define STATUS_IN_PAGE_ERROR            ((ntstatus_t)0xC0000006)
#define STATUS_INVALID_HANDLE           ((ntstatus_t)0xC0000008)
#define STATUS_INVALID_PARAMETER        ((ntstatus_t)0xC000000D)
#define STATUS_NO_MEMORY                ((ntstatus_t)0xC0000017)
#define STATUS_CONFLICTING_ADDRESSES    ((ntstatus_t)0xC0000018)
#define STATUS_UNABLE_TO_FREE_VM        ((ntstatus_t)0xC000001A)
#define STATUS_UNABLE_TO_DELETE_SECTION_OR_VIEW ((ntstatus_t)0xC000001B)
#define STATUS_ILLEGAL_INSTRUCTION      ((ntstatus_t)0xC000001D)
#define STATUS_NOT_COMMITTED            ((ntstatus_t)0xC000002D)
#define STATUS_INVALID_PAGE_PROTECTION  ((ntstatus_t)0xC0000045)
#define STATUS_FREE_VM_NOT_AT_BASE      ((ntstatus_t)0xC000009F)
#define STATUS_MEMORY_NOT_ALLOCATED     ((ntstatus_t)0xC00000A0)
#define STATUS_INSUFFICIENT_RESOURCES   ((ntstatus_t)0xC000009A)
#define STATUS_NOT_IMPLEMENTED          ((ntstatus_t)0xC0000002)
#define STATUS_INTEGER_DIVIDE_BY_ZERO   ((ntstatus_t)0xC0000094)
#define STATUS_PRIVILEGED_INSTRUCTION   ((ntstatus_t)0xC0000096)
#define STATUS_STACK_OVERFLOW           ((ntstatus_t)0xC00000FD)
#define STATUS_COMMITMENT_LIMIT         ((ntstatus_t)0xC000012D)
#define STATUS_BREAKPOINT               ((ntstatus_t)0x80000003)
#define STATUS_INVALID_PARAMETER_1      ((ntstatus_t)0xC00000EF)
#define STATUS_INVALID_PARAMETER_2      ((ntstatus_t)0xC00000F0)
#define STATUS_INVALID_PARAMETER_3      ((ntstatus_t)0xC00000F1)
#define STATUS_INVALID_PARAMETER_4      ((ntstatus_t)0xC00000F2)
#define STATUS_INVALID_PARAMETER_5      ((ntstatus_t)0xC00000F3)

#define NT_SUCCESS(s) ((ntstatus_t)(s) >= 0)

#endif
