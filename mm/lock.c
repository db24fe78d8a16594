/*
 * mm/lock.c - VirtualLock / VirtualUnlock and the working-set limits.
 *
 * A locked page has its bit set in its VAD's lock bitmap (v->lock_bits, made
 * at the first lock in that VAD, freed with it); vm->locked counts the set
 * bits of the whole space.  Locking reads every page in first (vm_fault), so
 * a locked page always holds a frame; the evictor leaves pages whose bit is
 * set alone (vm_page_locked).  Decommit and release forget the lock state of
 * their range (lock_forget), exit frees it with the VADs.  Windows' order of
 * checks and results (NtLockVirtualMemory, MmAdjustWorkingSetSize) is kept;
 * working-set trimming itself does not exist yet, so a minimum or maximum
 * only bounds locking.
 */
#include "lock.h"
#include "frame.h"
#include "kheap.h"
#include "paging.h"
#include "vm_ext.h"
#include "swap.h"
#include "kernel/layout.h"
#include "kernel/panic.h"

#include <string.h>

#define WS_FLAGS_KNOWN (LOCK_WS_MIN_ENABLE | LOCK_WS_MIN_DISABLE | LOCK_WS_MAX_ENABLE | LOCK_WS_MAX_DISABLE)

static uint64_t pinned_total;	/* pinned frames of every process */

void pin_get(struct pin_info *out)
{
	struct frame_stats fs;
	frame_stats(&fs);
	uint64_t keep = fs.total / 8 > PIN_RESERVE_MIN ? fs.total / 8 : PIN_RESERVE_MIN;
	out->system_limit = fs.total > keep ? fs.total - keep : 0;
	out->process_limit = fs.total / 2;
	out->pinned = pinned_total;
}

bool pin_charge(struct vm_space *vm, uint64_t pages)
{
	struct pin_info p;
	pin_get(&p);
	if (pinned_total > p.system_limit || pages > p.system_limit - pinned_total || vm->pinned > p.process_limit ||
	    pages > p.process_limit - vm->pinned)
		return false;
	pinned_total += pages;
	vm->pinned += pages;
	return true;
}

void pin_uncharge(struct vm_space *vm, uint64_t pages)
{
	ASSERT(pages <= vm->pinned && pages <= pinned_total);
	vm->pinned -= pages;
	pinned_total -= pages;
}

void lock_space_init(struct vm_space *vm)
{
	vm->locked = 0;
	vm->ws_min = LOCK_WS_DEFAULT_MIN;
	vm->ws_max = LOCK_WS_DEFAULT_MAX;
	vm->ws_flags = LOCK_WS_MIN_DISABLE | LOCK_WS_MAX_DISABLE;
}

bool vm_page_locked(const struct vad *v, uint64_t va)
{
	return v->lock_bits && bit_test(v->lock_bits, (va - v->start) >> PAGE_SHIFT);
}

/* Set bits of x (no popcnt instruction is assumed, and there is no libgcc). */
static uint64_t popcount(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/* Clear the bits [i, j) of b; returns how many were set. */
static uint64_t clear_bits(uint64_t *b, uint64_t i, uint64_t j)
{
	uint64_t n = 0;
	while (i < j) {
		uint64_t w = i / 64, lo = i % 64, hi = (j - w * 64) < 64 ? j - w * 64 : 64;
		uint64_t mask = (hi == 64 ? ~0ULL : (1ULL << hi) - 1) & ~((1ULL << lo) - 1);
		n += popcount(b[w] & mask);
		b[w] &= ~mask;
		i = w * 64 + hi;
	}
	return n;
}

void lock_forget(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end)
{
	if (!v->lock_bits)
		return;
	uint64_t n = clear_bits(v->lock_bits, (start - v->start) >> PAGE_SHIFT, (end - v->start) >> PAGE_SHIFT);
	ASSERT(n <= vm->locked);
	vm->locked -= n;
	pin_uncharge(vm, n);
}

void vm_unlock_view(struct vm_space *vm, uint64_t addr)
{
	struct vad *v = addr <= USER_MAX_ADDR ? vad_find(&vm->tree, addr) : NULL;
	if (v && v->section)
		lock_forget(vm, v, v->start, v->end);
}

/* The VAD holding va, reusing v when va is still inside it. */
static struct vad *vad_at(struct vm_space *vm, struct vad *v, uint64_t va)
{
	return v && va >= v->start && va < v->end ? v : vad_find(&vm->tree, va);
}

static bool present(struct vm_space *vm, uint64_t va)
{
	pte_t *pte = pt_walk(vm->root, va, false);
	return pte && (*pte & PTE_P);
}

/* Read page va in, as a user read would (demand-zero, section page, page-in). */
static ntstatus_t fault_in(struct vm_space *vm, uint64_t va)
{
	for (int tries = 0; !present(vm, va); tries++) {
		if (tries == 3)	/* a stack guard: commit below, then the frame */
			return STATUS_ACCESS_VIOLATION;
		switch (vm_fault(vm, va, VM_ACCESS_READ)) {
		case VM_FAULT_RESOLVED: break;
		case VM_FAULT_GUARD: return STATUS_GUARD_PAGE_VIOLATION;
		case VM_FAULT_STACK_OVERFLOW: return STATUS_STACK_OVERFLOW;
		case VM_FAULT_NO_MEMORY: return STATUS_NO_MEMORY;
		default: return STATUS_ACCESS_VIOLATION;
		}
	}
	return STATUS_SUCCESS;
}

ntstatus_t vm_lock(struct vm_space *vm, uint64_t start, uint64_t *endp)
{
	uint64_t end = *endp;
	uint64_t pages = (end - start) >> PAGE_SHIFT, already = 0;
	if (pages + LOCK_WS_OVERHEAD > vm->ws_min)
		return STATUS_WORKING_SET_QUOTA;
	/* Every page in a reservation that can be locked; count those locked already. */
	struct vad *v = NULL;
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		if (!(v = vad_at(vm, v, va)))
			return STATUS_ACCESS_VIOLATION;
		if (v->flags & (VAD_LARGE | VAD_PHYSICAL))
			return STATUS_INCOMPATIBLE_FILE_MAP;
		already += vm_page_locked(v, va);
	}
	if (vm->locked + pages - already + LOCK_WS_OVERHEAD > vm->ws_min)
		return STATUS_WORKING_SET_QUOTA;
	/* The pin bounds (pin_charge), for the pages newly locked: given back below, taken page by page. */
	if (!pin_charge(vm, pages - already))
		return STATUS_WORKING_SET_QUOTA;
	pin_uncharge(vm, pages - already);
	/* Read every page in; the first that cannot be read is the answer. */
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		ntstatus_t st = fault_in(vm, va);
		if (st)
			return st;
	}
	/* Bitmaps for the VADs that have none (a failure leaves the ones made: they go with their VAD). */
	v = NULL;
	for (uint64_t va = start; va < end; va = v->end) {
		v = vad_find(&vm->tree, va);
		if (v->lock_bits)
			continue;
		uint64_t bytes = bitmap_words(vad_pages(v)) * sizeof(uint64_t);
		if (!(v->lock_bits = kmalloc(bytes)))
			return STATUS_NO_MEMORY;
		memset(v->lock_bits, 0, bytes);
	}
	/*
	 * Lock page by page.  A page made non-resident since it was read in (by
	 * eviction under pressure) is read again once locked; should that fail,
	 * as NT does, the pages locked so far stay locked (none: the error).
	 */
	v = NULL;
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		v = vad_at(vm, v, va);
		uint64_t i = (va - v->start) >> PAGE_SHIFT;
		bool was = bit_test(v->lock_bits, i);
		if (!was && !pin_charge(vm, 1)) {	/* cannot fail: checked above, and faults pin nothing */
			if (va == start)
				return STATUS_WORKING_SET_QUOTA;
			*endp = va;
			break;
		}
		bit_set(v->lock_bits, i);
		vm->locked += !was;
		ntstatus_t st = fault_in(vm, va);
		if (st && va == start && !was) {
			bit_clear(v->lock_bits, i);
			vm->locked--;
			pin_uncharge(vm, 1);
			return st;
		}
		if (st) {
			*endp = va;
			break;
		}
	}
	return already ? STATUS_WAS_LOCKED : STATUS_SUCCESS;
}

ntstatus_t vm_unlock(struct vm_space *vm, uint64_t start, uint64_t end)
{
	struct vad *v = NULL;
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		if (!(v = vad_at(vm, v, va)) || !vm_page_locked(v, va))
			return STATUS_NOT_LOCKED;
	for (uint64_t va = start; va < end; va = v->end) {
		v = vad_find(&vm->tree, va);
		lock_forget(vm, v, va, end < v->end ? end : v->end);
	}
	return STATUS_SUCCESS;
}

void vm_get_working_set(const struct vm_space *vm, uint64_t *min_bytes, uint64_t *max_bytes, uint32_t *flags)
{
	*min_bytes = vm->ws_min << PAGE_SHIFT;
	*max_bytes = vm->ws_max << PAGE_SHIFT;
	*flags = vm->ws_flags;
}

/* The largest working set a process may have: managed RAM less 512 pages (Windows' system-wide maximum). */
static uint64_t ws_system_max(void)
{
	struct frame_stats fs;
	frame_stats(&fs);
	return fs.total > 2 * 512 ? fs.total - 512 : fs.total / 2;
}

ntstatus_t vm_set_working_set(struct vm_space *vm, uint64_t min_bytes, uint64_t max_bytes, uint32_t flags)
{
	if (flags & ~WS_FLAGS_KNOWN)
		return STATUS_INVALID_PARAMETER;
	if ((flags & (LOCK_WS_MIN_ENABLE | LOCK_WS_MIN_DISABLE)) == (LOCK_WS_MIN_ENABLE | LOCK_WS_MIN_DISABLE) ||
	    (flags & (LOCK_WS_MAX_ENABLE | LOCK_WS_MAX_DISABLE)) == (LOCK_WS_MAX_ENABLE | LOCK_WS_MAX_DISABLE))
		return STATUS_INVALID_PARAMETER;
	if (min_bytes == UINT64_MAX && max_bytes == UINT64_MAX) {
		kmutex_lock(&vm->lock);
		vm_reclaim_reset(vm);	/* MEM_RESET (offered) pages still clean go unwritten (issue 21) */
		kmutex_unlock(&vm->lock);
		vm_evict_all(vm);	/* empty the working set: every page that can go goes to the pagefile */
		return STATUS_SUCCESS;
	}
	uint64_t min = min_bytes ? min_bytes >> PAGE_SHIFT : vm->ws_min;
	uint64_t max = max_bytes ? max_bytes >> PAGE_SHIFT : vm->ws_max;
	if (min > max)
		return STATUS_BAD_WORKING_SET_LIMIT;
	ntstatus_t st = STATUS_SUCCESS;
	uint64_t sys = ws_system_max();
	if (max > sys) {
		max = sys;
		st = STATUS_WORKING_SET_LIMIT_RANGE;
	}
	if (min > sys) {
		min = sys;
		st = STATUS_WORKING_SET_LIMIT_RANGE;
	}
	if (min < LOCK_WS_FLOOR) {
		min = LOCK_WS_FLOOR;
		st = STATUS_WORKING_SET_LIMIT_RANGE;
	}
	if (max < min) {
		max = min;
		st = STATUS_WORKING_SET_LIMIT_RANGE;
	}
	if (vm->locked + LOCK_WS_OVERHEAD >= max)	/* the locked pages must leave the working set fluid */
		return STATUS_BAD_WORKING_SET_LIMIT;
	uint32_t hard = vm->ws_flags;
	if (flags & (LOCK_WS_MIN_ENABLE | LOCK_WS_MIN_DISABLE))
		hard = (hard & ~(LOCK_WS_MIN_ENABLE | LOCK_WS_MIN_DISABLE)) | (flags & (LOCK_WS_MIN_ENABLE | LOCK_WS_MIN_DISABLE));
	if (flags & (LOCK_WS_MAX_ENABLE | LOCK_WS_MAX_DISABLE))
		hard = (hard & ~(LOCK_WS_MAX_ENABLE | LOCK_WS_MAX_DISABLE)) | (flags & (LOCK_WS_MAX_ENABLE | LOCK_WS_MAX_DISABLE));
	if ((hard & LOCK_WS_MIN_ENABLE) && (hard & LOCK_WS_MAX_ENABLE) && min + LOCK_WS_OVERHEAD >= max)
		return STATUS_BAD_WORKING_SET_LIMIT;	/* both hard: no room to make progress */
	vm->ws_min = min;
	vm->ws_max = max;
	vm->ws_flags = hard;
	return st;
}
