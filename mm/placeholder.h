/*
 * mm/placeholder.h - VirtualAlloc2's half of the VM (issue 21): address
 * requirements (lowest/highest address, alignment), placeholders
 * (MEM_RESERVE_PLACEHOLDER, MEM_REPLACE_PLACEHOLDER, VirtualFree with
 * MEM_PRESERVE_PLACEHOLDER / MEM_COALESCE_PLACEHOLDERS) and views mapped into
 * and unmapped back to placeholders (MapViewOfFile3, UnmapViewOfFile2).
 *
 * A placeholder is a private reservation (VAD_PLACEHOLDER) that nothing can
 * commit, protect or map over: it is only split, coalesced, released, or
 * replaced whole by a private allocation or a view (which then carry
 * VAD_FROM_PLACEHOLDER and may go back to a placeholder).  VirtualQuery shows
 * it as Windows does: MEM_RESERVE, MEM_PRIVATE, AllocationProtect
 * PAGE_NOACCESS, Protect 0.
 */
#ifndef MM_PLACEHOLDER_H
#define MM_PLACEHOLDER_H

#include "vm.h"

struct section;

#define W_MEM_COALESCE_PLACEHOLDERS 0x1
#define W_MEM_PRESERVE_PLACEHOLDER  0x2
#define W_MEM_REPLACE_PLACEHOLDER   0x4000
#define W_MEM_RESERVE_PLACEHOLDER   0x40000
#define W_MEM_UNMAP_WITH_TRANSIENT_BOOST 0x1

/* MEM_EXTENDED_PARAMETER's attribute flags we take: large pages. */
#define W_MEM_EXTENDED_PARAMETER_NONPAGED_LARGE 0x08
#define W_MEM_EXTENDED_PARAMETER_NONPAGED_HUGE  0x10

/* VirtualAlloc2's extended parameters, gathered (0 each: not given). */
struct vm_alloc_req {
	uint64_t lowest, highest;	/* MEM_ADDRESS_REQUIREMENTS; highest inclusive (0: the top) */
	uint64_t alignment;		/* 0, or a power of two >= 64 KiB */
	uint32_t attributes;		/* MEM_EXTENDED_PARAMETER_* */
	uint32_t node;			/* NUMA node: only 0 exists */
};

/*
 * NtAllocateVirtualMemoryEx: vm_allocate plus req (NULL: none) and the
 * placeholder types.  MEM_RESERVE|MEM_RESERVE_PLACEHOLDER with PAGE_NOACCESS
 * reserves a placeholder; MEM_RESERVE|MEM_REPLACE_PLACEHOLDER (maybe
 * |MEM_COMMIT) turns the placeholder that is exactly [*base, *base+*size)
 * into a private allocation (else STATUS_CONFLICTING_ADDRESSES); address
 * requirements only with *base 0 (else STATUS_INVALID_PARAMETER), a bad
 * bound, alignment or node is STATUS_INVALID_PARAMETER, no room
 * STATUS_NO_MEMORY.  Takes vm->lock.
 */
ntstatus_t vm_allocate_ex(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect,
			  const struct vm_alloc_req *req);

/*
 * The highest address ZeroBits allows (spec 19.2.1), shared by
 * NtAllocateVirtualMemory and NtMapViewOfSection: 1..21 the address has
 * that many leading zero bits above bit 31 (*limit = 2^(32-ZeroBits) - 1),
 * 22..31 are refused with STATUS_INVALID_PARAMETER_3 (the view call
 * reports parameter 4), 32 and up a mask whose leading zeros the address has.
 */
ntstatus_t zero_bits_limit(uint64_t zero_bits, uint64_t *limit);

/*
 * NtAllocateVirtualMemory with a nonzero ZeroBits (spec 19.2.1): 1..21 are
 * the zero bits the address has above bit 31 (no room: STATUS_NO_MEMORY),
 * 22..31 STATUS_INVALID_PARAMETER_3, 32 and up a mask whose leading zeros
 * the address has; an explicit *base is taken as it is.  Takes vm->lock.
 */
ntstatus_t vm_allocate_zero_bits(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type,
				 uint32_t protect, uint64_t zero_bits);

/*
 * VirtualFree with MEM_RELEASE|MEM_PRESERVE_PLACEHOLDER (split a placeholder
 * at 64 KiB boundaries, or turn an allocation that replaced a placeholder
 * back into one) or MEM_RELEASE|MEM_COALESCE_PLACEHOLDERS (merge the two or
 * more adjacent placeholders that are exactly the range).  vm->lock held.
 */
ntstatus_t placeholder_free_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type);

/*
 * MapViewOfFile3 with MEM_REPLACE_PLACEHOLDER: map s (section_map's
 * arguments, type without the flag) over the placeholder that is exactly
 * [*base, *base + *size); the placeholder stays when the map fails.  Takes vm->lock.
 */
ntstatus_t placeholder_map_view(struct vm_space *vm, struct section *s, uint32_t access, uint64_t *base,
				uint64_t offset, uint64_t *size, uint32_t type, uint32_t protect);

/*
 * UnmapViewOfFile2: unmap the view holding addr; flags 0 or
 * MEM_UNMAP_WITH_TRANSIENT_BOOST, plus MEM_PRESERVE_PLACEHOLDER to leave a
 * placeholder in its place (only for a view that replaced one, else
 * STATUS_CONFLICTING_ADDRESSES).  Takes vm->lock.
 */
ntstatus_t placeholder_unmap_view(struct vm_space *vm, uint64_t addr, uint32_t flags);

#endif
