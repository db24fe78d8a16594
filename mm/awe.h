/*
 * mm/awe.h - Address Windowing Extensions: physical pages a process owns
 * (AllocateUserPhysicalPages) and maps, page by page, into its MEM_PHYSICAL
 * reservations (MapUserPhysicalPages / MapUserPhysicalPagesScatter).
 *
 * The native calls for the system-call layer; arguments are kernel copies.
 * Page frame numbers are physical address >> 12.  A process's physical
 * pages are charged against the commit limit, zeroed, never paged, and
 * freed at exit.  A physical page is mapped at one address at most.
 * Not locked: the caller owns the process's address space.
 */
#ifndef MM_AWE_H
#define MM_AWE_H

#include <stdint.h>
#include "vm.h"

/*
 * AllocateUserPhysicalPages: allocate up to want zeroed frames for vm,
 * store their frame numbers in pfns[0..*got) and the count in *got (fewer
 * than asked when memory, commit or the pinned-memory bounds of mm/lock.h
 * run out).  STATUS_COMMITMENT_LIMIT or
 * STATUS_INSUFFICIENT_RESOURCES when not even one page could be had (nothing
 * allocated); STATUS_SUCCESS with *got 0 for want 0.
 */
ntstatus_t awe_allocate(struct vm_space *vm, uint64_t want, uint64_t *pfns, uint64_t *got);

/*
 * FreeUserPhysicalPages: free pfns[0..n) in order, unmapping any that are
 * mapped.  Stops at the first frame number vm does not own (or owns no more:
 * a duplicate) with STATUS_INVALID_PARAMETER; *done is the number freed.
 */
ntstatus_t awe_free(struct vm_space *vm, const uint64_t *pfns, uint64_t n, uint64_t *done);

/*
 * MapUserPhysicalPages check: [va, va + n pages) (va rounded down to its
 * page) must lie inside one MEM_PHYSICAL reservation: STATUS_INVALID_PARAMETER_1
 * if va is not in one, STATUS_INVALID_PARAMETER_2 if the range leaves it.
 */
ntstatus_t awe_map_check(struct vm_space *vm, uint64_t va, uint64_t n);

/*
 * Map pfns[i] at page i: at va + i * 4096 when vas is NULL
 * (MapUserPhysicalPages; awe_map_check rules), else at vas[i]
 * (MapUserPhysicalPagesScatter; each in some MEM_PHYSICAL reservation, else
 * STATUS_INVALID_PARAMETER_1).  pfns NULL, or an entry 0, unmaps the page
 * (the frame stays allocated).  Pages mapped before are replaced.  A frame
 * vm does not own, listed twice, or mapped at an address outside the target
 * pages: STATUS_INVALID_PARAMETER_3.  All or nothing: on failure no mapping
 * changed.  Mappings are PAGE_READWRITE.
 */
ntstatus_t awe_map(struct vm_space *vm, uint64_t va, const uint64_t *vas, uint64_t n, const uint64_t *pfns);

/* Frames vm owns through AWE (for tests). */
uint64_t awe_owned(const struct vm_space *vm);

#endif
