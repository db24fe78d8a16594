/*
 * mm/vm_thread.c - a thread's user regions: its stack (a reservation, the
 * committed top, a guard page below it) and, for threads after a process's
 * first, its TEB, made and released under one hold of the space's lock.
 * What Windows shows stays as the general calls make it: two separate
 * allocations (VirtualQuery gives each its own AllocationBase), the stack
 * reserved top-down with its guard page, the TEB committed read/write; the
 * work is what is cheaper (issue 18): a fresh reservation built with its
 * runs in place (no protection walk of entries that cannot exist), the
 * TEB's two pages mapped with one table walk, and one table prune for both
 * regions when they go.
 */
#include "vm_ext.h"
#include "frame.h"
#include "paging.h"
#include "prot.h"
#include "ptcharge.h"
#include "swap.h"	/* vm_balance_needed */
#include "kernel/layout.h"

#define GRANULE  0x10000ULL
#define USER_END (USER_MAX_ADDR + 1)

/*
 * The stack under vm->lock: a fresh top-down reservation of `reserve` bytes
 * whose top commit_bytes and the guard page below them are committed (the
 * commit and the tables they need charged once), the guard's run set
 * PAGE_GUARD.  Nothing is left behind on failure.
 */
static ntstatus_t stack_locked(struct vm_space *vm, uint64_t reserve, uint64_t commit_bytes, uint64_t *top)
{
	if (!reserve || reserve > USER_END - USER_MIN_ADDR || commit_bytes + PAGE_SIZE >= reserve)
		return STATUS_INVALID_PARAMETER;
	uint64_t start = vad_find_gap(&vm->tree, reserve, GRANULE, USER_MIN_ADDR, USER_END, true);
	if (!start)
		return STATUS_NO_MEMORY;
	uint64_t end = start + reserve, guard = end - commit_bytes - PAGE_SIZE, pages = (end - guard) / PAGE_SIZE;
	struct vad *v = vad_new(start, end, W_MEM_RESERVE, 0, W_PAGE_READWRITE, W_MEM_PRIVATE);
	if (!v)
		return STATUS_NO_MEMORY;
	v->flags |= VAD_STACK;
	ntstatus_t st = vad_runs_reserve(v) ? STATUS_NO_MEMORY : STATUS_SUCCESS;
	if (!st && !vm_charge(vm, pages))
		st = STATUS_COMMITMENT_LIMIT;
	else if (!st && (st = ptc_charge(vm, guard, end)))
		vm_uncharge(vm, pages);
	if (st) {
		vad_delete(v);
		return st;
	}
	/* Each call splits one run: the two spares vad_runs_reserve made sure of. */
	vad_runs_set(v, guard + PAGE_SIZE, end, W_MEM_COMMIT, W_PAGE_READWRITE);
	vad_runs_set(v, guard, guard + PAGE_SIZE, W_MEM_COMMIT, W_PAGE_READWRITE | W_PAGE_GUARD);
	vad_insert(&vm->tree, v);
	*top = end;
	return STATUS_SUCCESS;
}

ntstatus_t vm_create_stack(struct vm_space *vm, uint64_t reserve, uint64_t commit_bytes, uint64_t *top)
{
	kmutex_lock(&vm->lock);
	ntstatus_t st = stack_locked(vm, reserve, commit_bytes, top);
	kmutex_unlock(&vm->lock);
	return st;
}

/*
 * Map zeroed read/write frames at the pages of [va, va + pages * PAGE_SIZE)
 * (fresh committed read/write memory inside one page table) whose entries
 * are empty, as the first-touch fault would (mm/fault.c vm_fault_fast);
 * nothing when that table does not exist yet or frames are short (the
 * first touch then maps them).  vm->lock held: no fault races the stores.
 */
static void map_fresh(struct vm_space *vm, uint64_t va, unsigned pages)
{
	if (vm_balance_needed())
		return;
	pte_t *pte = pt_walk(vm->root, va, false);
	for (unsigned i = 0; pte && i < pages; i++) {
		if (pte[i])
			continue;
		uint64_t f = frame_alloc_zeroed(0, FRAME_USER);
		if (!f)
			return;
		__atomic_store_n(&pte[i], f | prot_pte_flags(W_PAGE_READWRITE), __ATOMIC_RELEASE);
		__atomic_fetch_add(&vm->faults, 1, __ATOMIC_RELAXED);
	}
}

ntstatus_t vm_create_thread_regions(struct vm_space *vm, uint64_t reserve, uint64_t commit_bytes, uint64_t teb_size,
				    uint64_t *top, uint64_t *teb)
{
	kmutex_lock(&vm->lock);
	ntstatus_t st = stack_locked(vm, reserve, commit_bytes, top);
	uint64_t base = 0, size = teb_size;
	if (!st) {
		st = vm_allocate_locked(vm, &base, &size, W_MEM_RESERVE | W_MEM_COMMIT | W_MEM_TOP_DOWN,
					W_PAGE_READWRITE);
		if (st) {
			uint64_t stack = *top - reserve, len = 0;
			vm_free_locked(vm, &stack, &len, W_MEM_RELEASE);
		}
	}
	/* A fresh 64 KiB-aligned allocation: its first pages share one table. */
	if (!st)
		map_fresh(vm, base, (unsigned)(size / PAGE_SIZE));
	kmutex_unlock(&vm->lock);
	*teb = st ? 0 : base;
	return st;
}

/*
 * MEM_RELEASE of the private allocation at base, but for the table prune
 * (the caller's): *end set; false, with nothing done, when base is not the
 * start of a private allocation (the program released or replaced it), as
 * vm_free_locked would refuse it.
 */
static bool release_at(struct vm_space *vm, uint64_t base, uint64_t *end)
{
	struct vad *v = vad_find(&vm->tree, base);
	if (!v || v->start != base || v->type != W_MEM_PRIVATE)
		return false;
	*end = v->end;
	vm_release_whole(vm, v);
	return true;
}

void vm_release_thread_regions(struct vm_space *vm, uint64_t teb, uint64_t stack)
{
	uint64_t base[2] = { teb, stack }, end[2] = { 0, 0 };
	kmutex_lock(&vm->lock);
	for (int i = 0; i < 2; i++)
		if (base[i])
			release_at(vm, base[i], &end[i]);
	/* Their tables: one prune when both lie in one 2 MiB (neighbours, as top-down allocation puts them). */
	uint64_t lo = base[0] < base[1] ? base[0] : base[1], hi = end[0] > end[1] ? end[0] : end[1];
	if (end[0] && end[1] && hi - lo <= PAGE_2M) {
		pt_prune(vm->root, lo, hi - lo);
	} else {
		for (int i = 0; i < 2; i++)
			if (end[i])
				pt_prune(vm->root, base[i], end[i] - base[i]);
	}
	for (int i = 0; i < 2; i++)
		if (end[i])
			ptc_release(vm, base[i], end[i]);
	kmutex_unlock(&vm->lock);
}
