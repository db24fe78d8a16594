/*
 * mm/procmem.h - one process reaching into another's address space: copies
 * through the target's frames (ReadProcessMemory / WriteProcessMemory) and
 * its working set (QueryWorkingSet(Ex), GetProcessMemoryInfo).  Every call
 * takes the target's vm->lock itself and never touches user memory while
 * holding it: the caller moves bytes between its own buffer and a kernel
 * one, outside the lock.
 */
#ifndef MM_PROCMEM_H
#define MM_PROCMEM_H

#include <stdbool.h>
#include <stdint.h>
#include "vm.h"

/*
 * Copy len bytes between kbuf (kernel memory) and [addr, addr+len) of vm
 * (user range, checked by the caller): write false reads vm into kbuf, true
 * writes kbuf into vm.  Each page is brought in as the target's own access
 * would (demand-zero, page-in, copy-on-write broken for a write) and copied
 * through its frame's direct mapping; a written page is marked dirty and
 * accessed (write watch, page-out).  Stops at the first page that is free,
 * reserved, no-access, guard, not writable (write; write-copy counts as
 * writable) or cannot be brought in.  Returns the bytes copied; *gone is
 * set when the space has been torn down (its process ended).
 */
uint64_t vm_copy(struct vm_space *vm, uint64_t addr, void *kbuf, uint64_t len, bool write, bool *gone);

/*
 * Page faults taken by every address space since boot (SYSTEM_PERFORMANCE_
 * INFORMATION's PageFaultCount): the live spaces' counts plus those of the
 * spaces gone (mm/evict.c keeps the list of spaces).
 */
uint64_t vm_fault_count_total(void);

#endif

/*
 * The figures of VM_COUNTERS_EX for vm, in pages except virtual (bytes):
 * resident pages now (working set), the most seen by this call or an
 * earlier one (the peak is sampled here, not kept at every fault), commit
 * charged now and at most, page faults taken, and the bytes reserved.
 */
struct vm_counters {
	uint64_t ws, peak_ws, charge, peak_charge, faults, virtual_bytes, peak_virtual;
};
void vm_counters(struct vm_space *vm, struct vm_counters *out);

/*
 * PSAPI_WORKING_SET_EX_BLOCK of page va of vm (QueryWorkingSetEx): Valid
 * when a frame is mapped there, with ShareCount (references to the frame,
 * at most 7), Win32Protection, Shared, Locked, LargePage; 0 otherwise.
 */
uint64_t vm_working_set_ex(struct vm_space *vm, uint64_t va);

/*
 * MEMORY_REGION_INFORMATION of the allocation holding addr (NtQueryVirtualMemory
 * class MemoryRegionInformation): its base, protection at allocation, type
 * flags (VM_REGION_*), size and committed bytes.  *file (may be NULL): for a
 * view of a file-backed section or an image view, the section, referenced (the caller drops
 * it with obj_unref), else NULL.  STATUS_INVALID_ADDRESS when addr is free
 * (or a placeholder), STATUS_INVALID_PARAMETER outside user space.
 */
#define VM_REGION_PRIVATE        0x1
#define VM_REGION_MAPPED_FILE    0x2
#define VM_REGION_MAPPED_IMAGE   0x4
#define VM_REGION_MAPPED_PAGEFILE 0x8
struct vm_region_info {
	uint64_t base;
	uint32_t alloc_protect, type;
	uint64_t size, commit;
};
struct section;
ntstatus_t vm_region_info(struct vm_space *vm, uint64_t addr, struct vm_region_info *out, struct section **file);

/*
 * PrefetchVirtualMemory: bring the committed, accessible pages of
 * [start, end) of vm that are not resident in, as a read of the process
 * would but without counting page faults; guard and no-access pages are
 * left alone.  Returns the pages brought in.
 */
uint64_t vm_prefetch(struct vm_space *vm, uint64_t start, uint64_t end);

/*
 * DiscardVirtualMemory: MEM_RESET of [start, end) (vm_reset's checks and
 * statuses), then the range's clean reset pages lose their frames at once:
 * they read zero, stay committed, and MEM_RESET_UNDO reports them lost.
 */
ntstatus_t vm_discard(struct vm_space *vm, uint64_t start, uint64_t end);
