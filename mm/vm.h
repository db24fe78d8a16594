/*
 * mm/vm.h - a process's address space and the native virtual-memory calls.
 *
 * Every function returns an NTSTATUS (mm/winvm.h); arguments are kernel
 * copies (the system-call layer in kernel/syscall.c copies them in and out).
 * Range operations validate and pre-allocate first, then change: a failure
 * changes nothing.
 */
#ifndef MM_VM_H
#define MM_VM_H

#include <stdint.h>
#include "vad.h"
#include "winvm.h"
#include "kernel/lock.h"

/*
 * lock (kmutex "vm_space", docs/locking.md): the region tree, the page
 * tables below root, charge, and the VirtualLock fields.  Taken by
 * vm_allocate/free/protect/query/create_stack and vm_fault (a fault holds it
 * across a page-in from the pagefile); never held while the thread touches
 * user memory (a fault on it would take it again).
 */
struct vm_space {
	struct kmutex lock;
	uint64_t root;		/* page table (CR3) */
	struct vad_tree tree;	/* reservations */
	uint64_t charge;	/* committed pages charged to this process */
	struct awe_state *awe;	/* AWE physical pages (mm/awe.c), NULL until the first allocation */
	uint64_t physical_regions;	/* MEM_PHYSICAL reservations (VAD_PHYSICAL) in the tree: fork leaves them out */
	struct vm_space *evict_next;	/* every space, for the evictor (mm/evict.c) */
	uint64_t evict_hand;	/* where the evictor's clock resumes in this space */
	/* VirtualLock (mm/lock.c): pages locked, and the working-set limits (pages) that bound them */
	uint64_t locked;
	uint64_t ws_min, ws_max;
	uint32_t ws_flags;	/* QUOTA_LIMITS_HARDWS_* recorded by SetProcessWorkingSetSizeEx */
	uint64_t pinned;	/* frames no eviction can take: locked, AWE and large pages (mm/lock.c, pin_charge) */
	/* GetProcessMemoryInfo (mm/procmem.c) */
	uint64_t peak_charge;	/* most pages charged at once */
	uint64_t faults;	/* page faults taken (vm_fault calls) */
	uint64_t peak_ws, peak_virtual;	/* the most seen by vm_counters (pages, bytes) */
	/* Page-table pages charged to the system commit (mm/ptcharge.h): the ledger and the count */
	struct ptc_ledger *ptc;
	uint64_t pt_charge;
};

/* MEMORY_BASIC_INFORMATION, 48 bytes, as Windows x64 lays it out. */
struct vm_basic_info {
	uint64_t base_address, allocation_base;
	uint32_t allocation_protect;
	uint16_t partition_id, pad0;
	uint64_t region_size;
	uint32_t state, protect, type, pad1;
};
_Static_assert(sizeof(struct vm_basic_info) == 48, "MEMORY_BASIC_INFORMATION is 48 bytes");

/*
 * System-wide commit accounting, in pages.  limit is the current limit;
 * limit_max what it reaches with the pagefile at its maximum size (limit when
 * it cannot grow); peak the highest charge since boot.
 */
struct vm_commit_info {
	uint64_t limit, charged, peak, limit_max;
};
/* A fixed limit (tests; commit_limit= on the command line): the charge starts at 0. */
void vm_commit_init(uint64_t limit_pages);
/*
 * A limit that grows with the pagefile: limit_pages now (RAM's share plus the
 * pagefile's current size), up to max_pages.  A charge that does not fit grows
 * the pagefile (pagefile_grow) and the limit with it; once the charge fits the
 * initial size again and nothing lives past it, both shrink back.
 */
void vm_commit_init_growable(uint64_t limit_pages, uint64_t max_pages);
void vm_commit_get(struct vm_commit_info *out);
/* Put back a state saved with vm_commit_get (tests that lower the limit). */
void vm_commit_restore(const struct vm_commit_info *saved);

ntstatus_t vm_space_init(struct vm_space *vm);
/* Free every frame, page table and region of the space, and give its commit charge back. */
void vm_space_destroy(struct vm_space *vm);

/* NtAllocateVirtualMemory: *base and *size in/out. */
ntstatus_t vm_allocate(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect);
/* NtFreeVirtualMemory (MEM_DECOMMIT or MEM_RELEASE): *base and *size in/out. */
ntstatus_t vm_free(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type);
/* NtProtectVirtualMemory: *base and *size in/out, *old = protection of the first page. */
ntstatus_t vm_protect(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t protect, uint32_t *old);
/* NtQueryVirtualMemory(MemoryBasicInformation). */
ntstatus_t vm_query(struct vm_space *vm, uint64_t addr, struct vm_basic_info *out);

/*
 * fork: fill the empty space child with a copy-on-write duplicate of parent
 * (mm/fork.c).  STATUS_COMMITMENT_LIMIT, changing nothing, when the child's
 * commit does not fit; on other failures (STATUS_NO_MEMORY,
 * STATUS_INSUFFICIENT_RESOURCES) the caller destroys child.  The parent keeps
 * working either way.  stack_ptr: the forking thread's user stack pointer,
 * whose page the child gets a copy of at once (mm/vm_ext.h cow_share).
 */
ntstatus_t vm_fork(struct vm_space *parent, struct vm_space *child, uint64_t stack_ptr);

/*
 * The kernel's view of the region containing addr (the region vm_query
 * reports): resident pages (present, or holding a frame while no-access or
 * guard), shared ones among them (frame reference count above 1, or section
 * memory) and dirty ones (PTE dirty bit).  All zero for free memory.
 * STATUS_INVALID_PARAMETER above the user range.  mm/vmmap.c.
 */
struct vm_frames_info {
	uint64_t base_address, region_size;
	uint64_t resident, shared, dirty;
};
ntstatus_t vm_query_frames(struct vm_space *vm, uint64_t addr, struct vm_frames_info *out);


/*
 * The main-thread stack: reserve `reserve` bytes (top-down), commit the top
 * `commit` bytes plus a guard page below them.  Returns the stack top in *top.
 */
ntstatus_t vm_create_stack(struct vm_space *vm, uint64_t reserve, uint64_t commit, uint64_t *top);

/*
 * A later thread's stack (as vm_create_stack) and its TEB (teb_size bytes,
 * MEM_RESERVE | MEM_COMMIT read/write, top-down, its pages mapped zeroed)
 * under one hold of vm->lock (mm/vm_thread.c).  On failure nothing is left.
 */
ntstatus_t vm_create_thread_regions(struct vm_space *vm, uint64_t reserve, uint64_t commit, uint64_t teb_size,
				    uint64_t *top, uint64_t *teb);

/*
 * MEM_RELEASE of the allocations at teb and at stack (either 0: none; one
 * that is not there, or not at its allocation's base, is ignored), with
 * one page-table prune when both lie within 2 MiB.
 */
void vm_release_thread_regions(struct vm_space *vm, uint64_t teb, uint64_t stack);

/*
 * Write watch (spec §12).  vm_get_write_watch reports, in ascending order, the
 * pages of [base, base+size) (page-rounded, inside one MEM_WRITE_WATCH
 * reservation) written since their last reset, calling emit(ctx, i, addr) for
 * the i-th; it stops after *count pages and sets *count to the number found.
 * With VM_WRITE_WATCH_FLAG_RESET the reported pages (only those) become clean.
 * STATUS_INVALID_PARAMETER for flags other than the reset flag, *count 0, base
 * 0, size 0, a range outside one watched reservation; STATUS_ACCESS_VIOLATION
 * when emit fails (the caller probes its output first).  vm_reset_write_watch
 * makes every page of the range clean (same range rules).
 */
#define VM_WRITE_WATCH_FLAG_RESET 0x1
typedef int (*vm_ww_emit_fn)(void *ctx, uint64_t index, uint64_t addr);
ntstatus_t vm_get_write_watch(struct vm_space *vm, uint32_t flags, uint64_t base, uint64_t size, uint64_t *count,
			      vm_ww_emit_fn emit, void *ctx);
ntstatus_t vm_reset_write_watch(struct vm_space *vm, uint64_t base, uint64_t size);

/*
 * Memory pressure: free the frames of MEM_RESET pages of vm not written since
 * their reset (their contents become zero; MEM_RESET_UNDO then fails).  Pages
 * written since keep their frames and leave the reset state.  Returns the
 * number of frames freed.  Called by the fault path when no frame is free.
 */
uint64_t vm_reclaim_reset(struct vm_space *vm);

enum vm_fault_result {
	VM_FAULT_RESOLVED,		/* retry the access */
	VM_FAULT_ACCESS_VIOLATION,	/* deliver STATUS_ACCESS_VIOLATION */
	VM_FAULT_GUARD,			/* guard cleared; deliver STATUS_GUARD_PAGE_VIOLATION */
	VM_FAULT_STACK_OVERFLOW,	/* the stack reached its guarantee: deliver STATUS_STACK_OVERFLOW once */
	VM_FAULT_STACK_EXHAUSTED,	/* the stack ran into its last, never committed page: the process ends */
	VM_FAULT_NO_MEMORY,		/* should not happen: commit charge guarantees a frame */
	VM_FAULT_IN_PAGE_ERROR,		/* the pagefile could not be read: deliver STATUS_IN_PAGE_ERROR */
};

#define VM_ACCESS_READ  0
#define VM_ACCESS_WRITE 1
#define VM_ACCESS_EXEC  8

/*
 * The bytes of stack the current thread keeps for handling a stack overflow
 * (TEB GuaranteedStackBytes, SetThreadStackGuarantee), at least a page:
 * kernel/exception.c.
 */
uint64_t vm_stack_guarantee(const struct vm_space *vm);

/* Resolve a fault at addr (user half) for access (VM_ACCESS_*). */
enum vm_fault_result vm_fault(struct vm_space *vm, uint64_t addr, unsigned access);
/*
 * vm_fault for a fault from user mode (the caller holds the kernel lock
 * exclusively and nothing else): a page-in reads with vm->lock and the
 * kernel lock given back (docs/smp.md "Page-ins without the kernel lock").
 */
enum vm_fault_result vm_fault_user(struct vm_space *vm, uint64_t addr, unsigned access);

/*
 * The parallel path for the common fault (mm/fault.c): with the kernel lock
 * held shared, resolve a first touch of committed private memory; false
 * when the fault needs vm_fault (the kernel lock then held exclusively).
 */
bool vm_fault_fast(struct vm_space *vm, uint64_t addr, unsigned access);

#endif
