/*
 * mm/vm_ext.h - hooks between the VM core (vm.c, fault.c) and its extensions:
 * write watch (watch.c), MEM_RESET / MEM_RESET_UNDO (reset.c), large pages
 * (large.c), VirtualLock (lock.c) and AWE (awe.c).  Internal to mm/: the rest of the kernel uses mm/vm.h.
 */
#ifndef MM_VM_EXT_H
#define MM_VM_EXT_H

#include <stdbool.h>
#include <stdint.h>
#include "frame.h"
#include "vm.h"

/* ---- vm.c: commit accounting, shared with the extensions ---- */

/* Charge pages to vm and the system; false (nothing charged) beyond the commit limit. */
bool vm_charge(struct vm_space *vm, uint64_t pages);
/* vm_allocate with vm->lock held by the caller (the fault path growing a stack). */
ntstatus_t vm_allocate_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect);
/*
 * MEM_RELEASE of the whole private allocation v (vm->lock held): its pages,
 * locks, commit and VAD go, v is freed.  Not its page tables: the caller
 * prunes them and gives back their charge (vm_free_locked; the thread
 * regions, one prune for two allocations).
 */
void vm_release_whole(struct vm_space *vm, struct vad *v);
/* vm_free with vm->lock held by the caller (mm/placeholder.c), MEM_DECOMMIT or MEM_RELEASE. */
ntstatus_t vm_free_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type);
/*
 * vm_fault with vm->lock held, for a kernel copy into another address space
 * (mm/procmem.c): never for a guard page (a stack guard would need the
 * faulting thread's guarantee).
 */
enum vm_fault_result vm_fault_locked(struct vm_space *vm, uint64_t addr, unsigned access);
/* Give back pages charged with vm_charge. */
void vm_uncharge(struct vm_space *vm, uint64_t pages);
/* Number of committed pages of v in [start, end). */
uint64_t vm_committed_pages(const struct vad *v, uint64_t start, uint64_t end);

/*
 * MEM_RELEASE of [start, end) (page aligned, inside the private VAD v, not
 * all of it), vm->lock held: the pages go, the rest of v becomes one or two
 * allocations (mm/vm_split.c).  STATUS_FREE_VM_NOT_AT_BASE for AWE,
 * large-page and write-watched VADs, STATUS_INSUFFICIENT_RESOURCES when out
 * of memory; nothing changed on failure.  v is freed on success.
 */
ntstatus_t vm_release_part(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end);

/* Charge / give back pages on the system commit only (section pages: no process owns them). */
bool vm_charge_system(uint64_t pages);
void vm_uncharge_system(uint64_t pages);

/*
 * Clear every entry of [start, end) (page aligned) that holds a frame or a
 * pagefile slot and drop that reference (section frames belong to their
 * section and are only unmapped); one TLB flush batch.
 */
void vm_drop_entries(struct vm_space *vm, uint64_t start, uint64_t end);

/*
 * Rewrite every entry of [start, end) that holds a frame for protection
 * protect (frames, A, D kept; copy-on-write entries stay read-only); one TLB
 * flush batch.
 */
void vm_reprotect_entries(struct vm_space *vm, uint64_t start, uint64_t end, uint32_t protect);

/*
 * A frame for a page of vm (owner FRAME_USER, or FRAME_SECTION for a section
 * page), zeroed or not, taking back MEM_RESET pages under pressure; 0 if none.
 */
uint64_t vm_page_frame(struct vm_space *vm, enum frame_owner owner, bool zeroed);

/* ---- cow.c: copy-on-write ---- */

/*
 * A write to the present, read-only entry *pte of page in v, whose
 * protection prot allows writing (writable, or write-copy): copy the frame
 * (a section frame, or a frame shared after fork), or take it over when this
 * is its last reference.  A write-copy page becomes read-write in its own run.
 */
enum vm_fault_result cow_write(struct vm_space *vm, struct vad *v, uint64_t page, uint64_t *pte, uint32_t prot);

/*
 * fork: share every private frame mapped in [start, end) of parent with child
 * (same addresses), copy-on-write in both: one more reference, PTE_SW_COW set
 * and write access removed; a paged-out page's swap entry is copied (one
 * more slot reference).  Section frames are skipped (the child maps them
 * again from the section).  STATUS_NO_MEMORY when a child page table cannot
 * be allocated.  The caller flushes the parent's TLB.  The page hot (the
 * forking thread's stack page; an unaligned value or 0 for none), when it
 * is a writable private frame, is not shared: the child gets a copy at once
 * and the parent keeps write access, because both write it as soon as the
 * fork returns and would otherwise each take a copy-on-write fault.
 */
ntstatus_t cow_share(struct vm_space *parent, struct vm_space *child, uint64_t start, uint64_t end, uint64_t hot);

/* A copy of v (range, type, flags, runs, write-watch and reset state), in no tree; NULL when out of memory. */
struct vad *vad_clone(const struct vad *v);

/* Bitmap helpers: 1 bit per page of v, bit i for page v->start + i * PAGE_SIZE. */
static inline uint64_t vad_pages(const struct vad *v)
{
	return (v->end - v->start) >> 12;
}
static inline uint64_t bitmap_words(uint64_t bits)
{
	return (bits + 63) / 64;
}
static inline bool bit_test(const uint64_t *b, uint64_t i)
{
	return (b[i / 64] >> (i % 64)) & 1;
}
static inline void bit_set(uint64_t *b, uint64_t i)
{
	b[i / 64] |= 1ULL << (i % 64);
}
static inline void bit_clear(uint64_t *b, uint64_t i)
{
	b[i / 64] &= ~(1ULL << (i % 64));
}

/* ---- watch.c ---- */

/*
 * Turn write watch on for a new reservation v (not yet in a tree): allocates
 * its bitmap (all clean) and sets VAD_WRITE_WATCH.  Returns 0, or -1 when out
 * of memory (v unchanged).
 */
int watch_init(struct vad *v);

/*
 * Record the dirty bit of entry pte (page va of v) in v's watch bitmap; no-op
 * for unwatched VADs.  Call before an operation clears PTE_D or drops the
 * entry without decommitting the page (MEM_RESET, reclaim).
 */
void watch_note_pte(struct vad *v, uint64_t va, uint64_t pte);

/*
 * VirtualProtect of [start, end) of v: the dirty bits of its pages go into
 * the watch bitmap (Windows captures them there), so a page written and then
 * re-protected stays reported across a decommit and a recommit, which drop
 * only the entries' own dirty bits (spec 19.2.7).  No-op for unwatched VADs.
 */
void watch_latch(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end);

/* ---- reset.c ---- */

/*
 * MEM_RESET (undo false) / MEM_RESET_UNDO (undo true) of [*base, *base+*size),
 * arguments already checked by vm_allocate except the range.  *base and *size
 * become the page-rounded range.  Errors: STATUS_INVALID_PARAMETER for a NULL
 * address, STATUS_MEMORY_NOT_ALLOCATED for free memory,
 * STATUS_CONFLICTING_ADDRESSES for a range leaving its reservation or (undo) a
 * range some of whose reset pages were reclaimed (their contents are zero).
 */
ntstatus_t vm_reset(struct vm_space *vm, uint64_t *base, uint64_t *size, bool undo);

/*
 * The evictor chose page va of v (*pte holds its frame): a MEM_RESET
 * (offered) page not written since is dropped rather than paged out - its
 * frame freed, the page lost (it reads zero; MEM_RESET_UNDO and
 * ReclaimVirtualMemory report it).  True when dropped; false for any other
 * page (one written since leaves the reset state and is paged out as usual).
 */
bool reset_discard_page(struct vm_space *vm, struct vad *v, uint64_t va, uint64_t *pte);

/* Decommit: forget the reset state of [start, end) of v. */
void reset_forget(struct vad *v, uint64_t start, uint64_t end);

/*
 * vm_reclaim_reset for [start, end) of one VAD only (DiscardVirtualMemory):
 * its reset pages still clean lose their frames now; the frames freed.
 * vm->lock held.
 */
uint64_t vm_reclaim_reset_range(struct vm_space *vm, uint64_t start, uint64_t end);

/* ---- large.c ---- */

/*
 * MEM_RESERVE|MEM_COMMIT|MEM_LARGE_PAGES (arguments checked by vm_allocate up to
 * the address range): size and a non-NULL *base must be multiples of 2 MiB
 * (else STATUS_INVALID_PARAMETER); PAGE_GUARD and PAGE_NOACCESS are refused
 * (STATUS_INVALID_PAGE_PROTECTION).  Maps zeroed 2 MiB frames at once and
 * charges every page.  STATUS_INSUFFICIENT_RESOURCES when no contiguous 2 MiB
 * block is free; a failure changes nothing.
 */
ntstatus_t large_allocate(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect);

/* Unmap and free the 2 MiB frames of a VAD_LARGE reservation (release, exit); the caller uncharges. */
void large_release(struct vm_space *vm, struct vad *v);

/*
 * VirtualProtect on a VAD_LARGE reservation: [start, end) must cover whole
 * 2 MiB pages (else STATUS_INVALID_PARAMETER), GUARD/NOACCESS are refused;
 * rewrites the 2 MiB entries (the caller sets the runs after success).  The caller has checked the range
 * lies in v and reserved run room.
 */
ntstatus_t large_protect(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, uint32_t protect);

/* ---- lock.c: VirtualLock ---- */

/* True when the page at va (inside v) is locked by VirtualLock: the evictor must leave it resident. */
bool vm_page_locked(const struct vad *v, uint64_t va);

/* Decommit, release: unlock the pages of [start, end) (inside v) and give back their count. */
void lock_forget(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end);

/* ---- awe.c ---- */

/* VirtualAlloc with MEM_PHYSICAL: exactly MEM_RESERVE|MEM_PHYSICAL (else STATUS_INVALID_PARAMETER) and PAGE_READWRITE. */
ntstatus_t awe_check_alloc(uint32_t type, uint32_t protect);

/* MEM_RELEASE of a VAD_PHYSICAL reservation: unmap its pages (the frames stay the process's); no-op for others. */
void awe_release(struct vm_space *vm, struct vad *v);

/* Process exit: free every AWE frame of vm and give back their charge. */
void awe_destroy(struct vm_space *vm);

#endif
