/*
 * mm/fault.c - the page-fault handler: demand-zero, section pages,
 * copy-on-write, page-in from the pagefile, guard pages, stack growth,
 * access checks.
 */
#include "tlb.h"
#include "vm.h"
#include "frame.h"
#include "paging.h"
#include "prot.h"
#include "section.h"
#include "swap.h"
#include "vm_ext.h"

/*
 * Stack growth, as Windows does it: the lowest page of a stack reservation is
 * never committed, and above it `guarantee` bytes (a page, or the thread's
 * SetThreadStackGuarantee) are kept for handling an overflow.  A consumed
 * guard commits the page below as the new guard while that leaves the kept
 * region free; when it would not, everything above the lowest page is
 * committed without a guard and the thread gets STATUS_STACK_OVERFLOW, once:
 * with no guard left, running into the lowest page ends the process
 * (VM_FAULT_STACK_EXHAUSTED, see vm_fault).  A program that puts a guard back
 * (_resetstkoflw) arms the overflow again.
 */
static enum vm_fault_result grow_stack(struct vm_space *vm, struct vad *v, uint64_t page, uint64_t guarantee)
{
	uint64_t below = page - PAGE_SIZE, floor = v->start + PAGE_SIZE;
	if (below < floor || below - floor < guarantee) {
		for (uint64_t a = floor; a < page; a += PAGE_SIZE) {
			if (vad_run_at(v, a)->state == W_MEM_COMMIT)
				continue;
			uint64_t base = a, size = PAGE_SIZE;
			if (vm_allocate_locked(vm, &base, &size, W_MEM_COMMIT, W_PAGE_READWRITE) != STATUS_SUCCESS)
				break;	/* no commit left: the handler gets what there is */
		}
		return VM_FAULT_STACK_OVERFLOW;
	}
	const struct vad_run *r = vad_run_at(v, below);
	if (r->state == W_MEM_COMMIT)
		return VM_FAULT_RESOLVED;
	if (vad_runs_reserve(v))
		return VM_FAULT_NO_MEMORY;
	uint64_t base = below, size = PAGE_SIZE;
	if (vm_allocate_locked(vm, &base, &size, W_MEM_COMMIT, W_PAGE_READWRITE | W_PAGE_GUARD) != STATUS_SUCCESS)
		return VM_FAULT_STACK_OVERFLOW;
	return VM_FAULT_RESOLVED;
}

/*
 * fire_guard's answer when a stack guard fires and the thread's stack
 * guarantee is not known yet: vm_fault reads it (from the TEB, which may
 * fault itself) with vm->lock dropped, then runs the fault again.
 */
#define FAULT_NEED_GUARANTEE ((enum vm_fault_result)-1)

/* One shot: the guard goes before anyone hears of it.  guarantee: 0 if not read yet. */
static enum vm_fault_result fire_guard(struct vm_space *vm, struct vad *v, uint64_t page, uint32_t prot,
				       uint64_t guarantee)
{
	if ((v->flags & VAD_STACK) && !guarantee)
		return FAULT_NEED_GUARANTEE;	/* before anything changes */
	if (vad_runs_reserve(v))
		return VM_FAULT_NO_MEMORY;
	uint32_t plain = prot & ~W_PAGE_GUARD;
	vad_runs_set(v, page, page + PAGE_SIZE, W_MEM_COMMIT, plain);
	pte_t *pte = pt_walk(vm->root, page, false);
	if (pte && (*pte & (PTE_P | PTE_SW_FRAME))) {
		pte_t old = *pte;
		*pte = pte_reprotect(old, prot_pte_flags(plain));	/* keeps D (write watch) and copy-on-write */
		if (pte_change_needs_flush(old, *pte))	/* a guard entry is not present: never cached */
			tlb_shootdown_page(vm->root, page);
	}
	if (v->flags & VAD_STACK)
		return grow_stack(vm, v, page, guarantee);
	return VM_FAULT_GUARD;
}

/*
 * vm_fault's work, vm->lock held; guarantee as fire_guard takes it.  rd: the
 * faulting thread's page-in record (vm_fault_user), or NULL to read a
 * paged-out page with every lock held.
 */
static enum vm_fault_result fault_locked(struct vm_space *vm, uint64_t addr, unsigned access, uint64_t guarantee,
					 struct swap_read *rd)
{
	lock_assert_held(&vm->lock);
	uint64_t page = addr & ~(PAGE_SIZE - 1);
	vm_balance();	/* page out first if frames run short: nothing below may then need to */
	struct vad *v = vad_find(&vm->tree, page);
	if (!v)
		return VM_FAULT_ACCESS_VIOLATION;
	const struct vad_run *r = vad_run_at(v, page);
	if (v->section ? !view_committed(v, page) : r->state != W_MEM_COMMIT) {
		/* The stack grew down to its lowest page (no guard left after an overflow). */
		if ((v->flags & VAD_STACK) && page == v->start && v->end - v->start > PAGE_SIZE &&
		    vad_run_at(v, page + PAGE_SIZE)->state == W_MEM_COMMIT)
			return VM_FAULT_STACK_EXHAUSTED;
		return VM_FAULT_ACCESS_VIOLATION;
	}
	uint32_t prot = r->protect;

	if (prot & W_PAGE_GUARD)
		return fire_guard(vm, v, page, prot, guarantee);
	/* prot_writable counts write-copy: the write is allowed, and copies. */
	if (!prot_readable(prot) || (access == VM_ACCESS_WRITE && !prot_writable(prot)) ||
	    (access == VM_ACCESS_EXEC && !prot_executable(prot)))
		return VM_FAULT_ACCESS_VIOLATION;

	if (v->flags & VAD_LARGE)
		return VM_FAULT_RESOLVED;	/* mapped at allocation; the TLB entry was stale */
	pte_t *pte = pt_walk(vm->root, page, true);
	if (!pte)
		return VM_FAULT_NO_MEMORY;
	if (*pte & PTE_P) {
		if (access == VM_ACCESS_WRITE && !(*pte & PTE_W))
			return cow_write(vm, v, page, pte, prot);	/* shared after fork, or write-copy */
		return VM_FAULT_RESOLVED;	/* another path mapped it; the TLB entry was stale */
	}
	if (*pte & PTE_SW_FRAME) {	/* a frame behind a no-access entry: give it the page's protection again */
		*pte = pte_reprotect(*pte, prot_pte_flags(prot));	/* from not present: no TLB holds it */
		return VM_FAULT_RESOLVED;
	}
	if (*pte & PTE_SW_SWAP) {
		/*
		 * A write takes the page over in this same fault: swap_in maps it
		 * read-only, and with frames short the next fault's vm_balance
		 * would page it out again before the write could retry (a
		 * kernel copy or a store stuck on one page forever).
		 */
		enum vm_fault_result sr = rd ? swap_in_unlocked(vm, v, page, pte, prot, rd) : swap_in(vm, v, page, pte, prot);
		if (sr != VM_FAULT_RESOLVED || access != VM_ACCESS_WRITE)
			return sr;
		return cow_write(vm, v, page, pte, prot);
	}
	if (v->section)
		return view_fault(vm, v, page, pte, prot, access, rd);
	uint64_t f = vm_page_frame(vm, FRAME_USER, true);
	if (!f)
		return VM_FAULT_NO_MEMORY;
	*pte = f | prot_pte_flags(prot);	/* no flush: no CPU caches a not-present entry */
	return VM_FAULT_RESOLVED;
}

/*
 * fault_locked, again after reclaiming while it fails for want of memory.
 * The page is committed (or the fault would not get that far), so its frame
 * and tables are charged (mm/ptcharge.h): memory for them exists, paged out
 * or in the file cache, and the fault waits for it as NT's does (it pages
 * out, then runs the fault again from the start; every step of the fault is
 * redone or already done).  An allocation that fails on its own (an
 * injected failure, mm/allocfail.h) is absorbed the same way.  After
 * FAULT_RETRIES tries, or when nothing more can be paged out,
 * VM_FAULT_NO_MEMORY goes to the thread.
 */
#define FAULT_RETRIES 8
static __attribute__((noinline)) enum vm_fault_result fault_retry(struct vm_space *vm, uint64_t addr, unsigned access,
								  uint64_t guarantee, struct swap_read *rd)
{
	enum vm_fault_result r = VM_FAULT_NO_MEMORY;
	for (int i = 0; r == VM_FAULT_NO_MEMORY && i < FAULT_RETRIES; i++) {
		if (!vm_reclaim() && i > 0)
			break;	/* nothing could go, and the plain retry failed too */
		r = fault_locked(vm, addr, access, guarantee, rd);
	}
	return r;
}

/* The first try inline (the common case costs nothing more), the retries out of line. */
static inline __attribute__((always_inline)) enum vm_fault_result fault_retrying(struct vm_space *vm, uint64_t addr,
										   unsigned access, uint64_t guarantee,
										   struct swap_read *rd)
{
	enum vm_fault_result r = fault_locked(vm, addr, access, guarantee, rd);
	return __builtin_expect(r == VM_FAULT_NO_MEMORY, 0) ? fault_retry(vm, addr, access, guarantee, rd) : r;
}

enum vm_fault_result vm_fault_locked(struct vm_space *vm, uint64_t addr, unsigned access)
{
	/* A stack guard needs the faulting thread's guarantee: callers for another thread keep off guard pages. */
	enum vm_fault_result r = fault_retrying(vm, addr, access, PAGE_SIZE, NULL);
	return r == FAULT_NEED_GUARANTEE ? VM_FAULT_ACCESS_VIOLATION : r;
}

/*
 * A page-in that found its entries changed reads again, at most this many
 * times; then the fault reads with the locks held (it cannot lose again).
 */
#define FAULT_UNLOCKED_READS 4

/*
 * vm_fault and vm_fault_user: take vm->lock and run the fault; rd as
 * fault_locked takes it.  A page-in (SWAP_IN_READ) gives vm->lock back,
 * reads with the kernel lock given back too (swap_read_run), takes both
 * again and runs the whole fault again from the region tree: the region may
 * be gone, decommitted, reprotected, its page table pruned, the page read
 * back by another path or paged out again meanwhile; swap_in_unlocked maps
 * the frames read only if the entries are the ones the read saw.
 */
static enum vm_fault_result fault_entry(struct vm_space *vm, uint64_t addr, unsigned access, struct swap_read *rd)
{
	kmutex_lock(&vm->lock);
	vm->faults++;
	uint64_t guarantee = 0;
	unsigned reads = 0;
	enum vm_fault_result r;
	for (;;) {
		r = fault_retrying(vm, addr, access, guarantee, reads < FAULT_UNLOCKED_READS ? rd : NULL);
		if (r == FAULT_NEED_GUARANTEE && !guarantee) {
			kmutex_unlock(&vm->lock);
			guarantee = vm_stack_guarantee(vm);	/* at least a page: never 0 */
			kmutex_lock(&vm->lock);
			continue;	/* the space may have changed meanwhile */
		}
		if (r != SWAP_IN_READ)
			break;
		reads++;
		kmutex_unlock(&vm->lock);
		swap_read_run(rd);
		kmutex_lock(&vm->lock);
	}
	if (rd)
		swap_read_end(rd);
	kmutex_unlock(&vm->lock);
	return r;
}

enum vm_fault_result vm_fault(struct vm_space *vm, uint64_t addr, unsigned access)
{
	return fault_entry(vm, addr, access, NULL);
}

enum vm_fault_result vm_fault_user(struct vm_space *vm, uint64_t addr, unsigned access)
{
	struct swap_read rd;	/* its arrays are read only below n: a guard or copy-on-write fault does not clear them */
	rd.n = 0;
	rd.done = false;
	return fault_entry(vm, addr, access, &rd);
}

/*
 * The parallel path (the kernel lock held shared, kernel/klock.h): the
 * common fault, first touch of committed private memory, on several CPUs at
 * once.  Everything it reads - the region tree and its runs, the page
 * tables above the entry - changes only under the kernel lock held
 * exclusively, so it is stable here; it writes only the empty leaf entry,
 * with a compare-and-swap, and takes its frame from the frame allocator
 * (frame_lock).  Two CPUs faulting one page both zero a frame; one entry
 * wins and the other frame goes back.  No flush: no CPU caches a
 * not-present entry.
 *
 * Anything else answers false and the caller takes the fault to vm_fault
 * with the lock exclusive: a section view, a large-page or AWE region,
 * memory not committed or not accessible, a guard page, an entry that is
 * not empty (copy-on-write, paged out, no-access), a missing page table,
 * frames below the paging watermark, no frame, and a space whose lock a
 * sleeping thread holds (it may be half-way through a change).
 */
bool vm_fault_fast(struct vm_space *vm, uint64_t addr, unsigned access)
{
	if (__atomic_load_n(&vm->lock.owner, __ATOMIC_RELAXED) || vm_balance_needed())
		return false;
	uint64_t page = addr & ~(PAGE_SIZE - 1);
	const struct vad *v = vad_find(&vm->tree, page);
	if (!v || v->section || (v->flags & (VAD_LARGE | VAD_PHYSICAL)))
		return false;
	const struct vad_run *r = vad_run_at(v, page);
	uint32_t prot = r->protect;
	if (r->state != W_MEM_COMMIT || (prot & W_PAGE_GUARD) || !prot_readable(prot) ||
	    (access == VM_ACCESS_WRITE && !prot_writable(prot)) || (access == VM_ACCESS_EXEC && !prot_executable(prot)))
		return false;
	pte_t *pte = pt_walk(vm->root, page, false);
	if (!pte)
		return false;
	pte_t old = __atomic_load_n(pte, __ATOMIC_RELAXED);
	if (old & PTE_P)	/* mapped meanwhile by another CPU: the access retries; a write to a read-only entry goes the long way */
		return !(access == VM_ACCESS_WRITE && !(old & PTE_W));
	if (old)
		return false;
	uint64_t f = frame_alloc_zeroed(0, FRAME_USER);
	if (!f)
		return false;
	pte_t expect = 0;
	if (!__atomic_compare_exchange_n(pte, &expect, f | prot_pte_flags(prot), false, __ATOMIC_RELEASE,
					 __ATOMIC_RELAXED))
		frame_free(f, 0);	/* another CPU's fault won; its entry serves this access too (or faults again) */
	__atomic_fetch_add(&vm->faults, 1, __ATOMIC_RELAXED);
	return true;
}
