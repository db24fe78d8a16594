/*
 * mm/lock.h - VirtualLock / VirtualUnlock and the working-set limits that
 * bound them (GetProcessWorkingSetSize / SetProcessWorkingSetSize).
 *
 * The native calls for the system-call layer (kernel/syscall_lock.c), which
 * has checked the arguments (map type, pointers, handle, the address range).
 * A locked page stays resident: the evictor asks vm_page_locked (mm/vm_ext.h).
 * A process may lock at most its minimum working set less LOCK_WS_OVERHEAD
 * pages.  Sizes are in pages.  Not locked: the caller owns the address space.
 */
#ifndef MM_LOCK_H
#define MM_LOCK_H

#include <stdbool.h>
#include <stdint.h>
#include "vm.h"

#define LOCK_WS_DEFAULT_MIN 50	/* 200 KiB, Windows' default minimum working set */
#define LOCK_WS_DEFAULT_MAX 345	/* 1380 KiB, the default maximum */
#define LOCK_WS_FLOOR       20	/* a smaller minimum becomes 20 pages */
#define LOCK_WS_OVERHEAD    8	/* pages of the minimum that cannot be locked (NT's fluid working set) */

/* QUOTA_LIMITS_HARDWS_* (SetProcessWorkingSetSizeEx flags). */
#define LOCK_WS_MIN_ENABLE  0x1
#define LOCK_WS_MIN_DISABLE 0x2
#define LOCK_WS_MAX_ENABLE  0x4
#define LOCK_WS_MAX_DISABLE 0x8

/*
 * Pinned frames: user memory the evictor can never take (VirtualLock'ed
 * pages, AWE physical pages, large pages).  So that one process cannot pin
 * RAM and leave the rest of the system paging itself, pinned frames are
 * bounded system-wide to the managed RAM less max(16 MiB, 1/8 of it), and per
 * process to half of the managed RAM.  Every process holds
 * SeLockMemoryPrivilege (there is no security model); these bounds are what
 * protects the system.  pin_charge takes pages for vm (false, taking nothing,
 * beyond either bound); pin_uncharge gives them back.
 */
#define PIN_RESERVE_MIN 4096	/* 16 MiB of RAM always left pageable, at least */
bool pin_charge(struct vm_space *vm, uint64_t pages);
void pin_uncharge(struct vm_space *vm, uint64_t pages);
/* The bounds and the system-wide count, in pages. */
struct pin_info {
	uint64_t system_limit, process_limit, pinned;
};
void pin_get(struct pin_info *out);

/* The limits of a new process (nothing locked). */
void lock_space_init(struct vm_space *vm);

/*
 * NtLockVirtualMemory(MAP_PROCESS) of the pages [start, end) (page aligned,
 * non-empty, in the user range).  Checks, in Windows' order: the request
 * alone against the limit (STATUS_WORKING_SET_QUOTA); every page inside a
 * reservation (STATUS_ACCESS_VIOLATION for free memory), not large-page or
 * AWE (STATUS_INCOMPATIBLE_FILE_MAP); the pages newly locked against the
 * limit (STATUS_WORKING_SET_QUOTA); then every page is read in through
 * vm_fault, whose failure is the result (STATUS_ACCESS_VIOLATION for
 * reserved or no-access pages, STATUS_GUARD_PAGE_VIOLATION for a guard page,
 * which is cleared).  These failures lock nothing (pages before a failing
 * one may have been faulted in).  Then each page is locked once, however
 * often it is locked.  STATUS_WAS_LOCKED (a success) when some pages were
 * locked already.  Should a page evicted meanwhile fail to come back, the
 * pages before it stay locked and *end is lowered to it (as NT does).
 */
ntstatus_t vm_lock(struct vm_space *vm, uint64_t start, uint64_t *end);

/*
 * NtUnlockVirtualMemory(MAP_PROCESS) of [start, end): every page must be
 * locked (free memory counts as not locked), else STATUS_NOT_LOCKED and
 * nothing changes.  No lock count: one unlock undoes any number of locks.
 */
ntstatus_t vm_unlock(struct vm_space *vm, uint64_t start, uint64_t end);

/* UnmapViewOfFile: unlock the pages of the view containing addr (no-op when there is none). */
void vm_unlock_view(struct vm_space *vm, uint64_t addr);

/* GetProcessWorkingSetSizeEx: the limits in bytes and the LOCK_WS_* flags. */
void vm_get_working_set(const struct vm_space *vm, uint64_t *min_bytes, uint64_t *max_bytes, uint32_t *flags);

/*
 * SetProcessWorkingSetSizeEx (NtSetInformationProcess(ProcessQuotaLimits)),
 * sizes in bytes: both (uint64_t)-1 empties the working set (nothing to trim
 * yet: success, no change); 0 keeps that limit.  Unknown flags, or flags
 * both enabling and disabling one limit: STATUS_INVALID_PARAMETER.  min >
 * max is STATUS_BAD_WORKING_SET_LIMIT, as are a maximum that leaves no room
 * above the locked pages and hard limits both on with max <= min + 8.
 * A minimum under 20 pages becomes 20, limits above the system maximum (RAM
 * less 512 pages) become it, a maximum under the minimum becomes the
 * minimum: STATUS_WORKING_SET_LIMIT_RANGE, a success.
 */
ntstatus_t vm_set_working_set(struct vm_space *vm, uint64_t min_bytes, uint64_t max_bytes, uint32_t flags);

#endif
