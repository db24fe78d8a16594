/* mm/vm.c - reserve, commit, decommit, release, protect and query, over the region tree. */
#include "tlb.h"
#include "vm.h"
#include "frame.h"
#include "lock.h"
#include "paging.h"
#include "phys.h"
#include "placeholder.h"
#include "pagefile.h"
#include "prot.h"
#include "ptcharge.h"
#include "section.h"
#include "swap.h"
#include "vm_ext.h"
#include "kernel/layout.h"
#include "kernel/lock.h"
#include "kernel/panic.h"

#include <stddef.h>
#include <string.h>

#define GRANULE   0x10000ULL
#define USER_END  (USER_MAX_ADDR + 1)	/* 0x7FFFFFFF0000 */
#define PAGE_DOWN(a) ((a) & ~(PAGE_SIZE - 1))
#define PAGE_UP(a)   (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/*
 * commit_lock (spin; only pf_lock under it, for growing and shrinking the
 * pagefile): the system-wide commit ledger.  vm->charge is under vm->lock.
 * grown: the pagefile slots added to the limit by growth (what a shrink may
 * take back).
 */
static struct spinlock commit_lock = SPINLOCK_INIT("commit");
static struct vm_commit_info commit;
static uint64_t grown;

void vm_commit_init(uint64_t limit_pages)
{
	vm_commit_init_growable(limit_pages, limit_pages);
}

void vm_commit_init_growable(uint64_t limit_pages, uint64_t max_pages)
{
	spin_lock(&commit_lock);
	commit.limit = limit_pages;
	commit.limit_max = max_pages > limit_pages ? max_pages : limit_pages;
	commit.charged = commit.peak = 0;
	grown = 0;
	spin_unlock(&commit_lock);
}

void vm_commit_get(struct vm_commit_info *out)
{
	spin_lock(&commit_lock);
	*out = commit;
	spin_unlock(&commit_lock);
}

static bool charge(struct vm_space *vm, uint64_t pages)
{
	if (!vm_charge_system(pages))
		return false;
	vm->charge += pages;
	if (vm->charge > vm->peak_charge)
		vm->peak_charge = vm->charge;	/* PeakPagefileUsage (mm/procmem.c) */
	return true;
}

static void uncharge(struct vm_space *vm, uint64_t pages)
{
	ASSERT(pages <= vm->charge);
	vm_uncharge_system(pages);
	vm->charge -= pages;
}

bool vm_charge_system(uint64_t pages)
{
	spin_lock(&commit_lock);
	uint64_t room = commit.limit > commit.charged ? commit.limit - commit.charged : 0;
	if (pages > room && pages - room <= commit.limit_max - commit.limit) {
		/* The system-managed pagefile grows (in chunks, up to its maximum) rather than refusing. */
		uint64_t added = pagefile_grow(pages - room);
		commit.limit += added;
		grown += added;
		room += added;
	}
	bool ok = pages <= room;
	if (ok) {
		commit.charged += pages;
		if (commit.charged > commit.peak)
			commit.peak = commit.charged;
	}
	spin_unlock(&commit_lock);
	return ok;
}

/*
 * The extension may go: the charge fits the limit without it.  Caller holds
 * commit_lock.  True when it went (or there is none).
 */
static bool try_shrink(void)
{
	lock_assert_held(&commit_lock);
	if (!grown || commit.charged > commit.limit - grown)
		return true;
	uint64_t gone = pagefile_shrink();
	ASSERT(gone == 0 || gone == grown);
	commit.limit -= gone;
	grown -= gone;
	return gone != 0;
}

void vm_uncharge_system(uint64_t pages)
{
	static uint64_t tried_at = ~0ULL;	/* extension_state() at the last reclaim */
	spin_lock(&commit_lock);
	ASSERT(pages <= commit.charged);
	commit.charged -= pages;
	/* The extension goes once the charge fits without it and no page lives in it (pagefile_shrink checks). */
	uint64_t state = pagefile_used_past_initial() ^ (swap_cache_only_slots() << 32);
	bool blocked = !try_shrink(), reclaim = blocked && state != tried_at;
	if (reclaim)
		tried_at = state;
	spin_unlock(&commit_lock);
	/*
	 * Slots in the extension that only the swap cache holds (resident pages
	 * read back since) are dropped so that it can go; a page living only
	 * there keeps it until that page is freed.  Once per change of the
	 * counts (slots past the initial size, slots only the cache holds).
	 */
	if (reclaim && swap_cache_reclaim_from(pagefile_initial_slots())) {
		spin_lock(&commit_lock);
		try_shrink();
		spin_unlock(&commit_lock);
	}
}

ntstatus_t vm_space_init(struct vm_space *vm)
{
	*vm = (struct vm_space){ 0 };
	kmutex_init(&vm->lock, "vm_space");
	lock_space_init(vm);
	vm->root = pt_create_root();
	if (!vm->root)
		return STATUS_NO_MEMORY;
	evict_space_add(vm);
	return STATUS_SUCCESS;
}

/* The first run that overlaps [start, ...) (start may lie below the VAD): a tree search. */
static const struct vad_run *first_run(const struct vad *v, uint64_t start)
{
	return vad_run_at(v, start > v->start ? start : v->start);
}

/* Committed pages in [start, end) of v: only the overlapping runs are visited. */
static uint64_t committed_pages(const struct vad *v, uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	for (const struct vad_run *r = first_run(v, start); r && r->start < end; r = vad_run_next(v, r)) {
		if (r->state != W_MEM_COMMIT || r->end <= start)
			continue;
		uint64_t s = r->start > start ? r->start : start, e = r->end < end ? r->end : end;
		n += (e - s) / PAGE_SIZE;
	}
	return n;
}

/*
 * Call visit(entry, ctx) for every leaf entry of [start, end) with a bit of
 * `holds` set (PTE_P and PTE_SW_FRAME: a frame; PTE_SW_SWAP: a pagefile slot), one page-table walk per 2 MiB (the leaves
 * of a table are contiguous; absent tables are skipped), then flush the TLB
 * once when any visit says its change must reach the TLBs (it returns true).
 * Always inlined, so visit is a direct call.
 */
static inline __attribute__((always_inline)) void for_each_entry(struct vm_space *vm, uint64_t start, uint64_t end,
								 uint64_t holds, bool (*visit)(pte_t *, void *), void *ctx)
{
	bool flush = false;
	for (uint64_t va = start, next; va < end; va = next) {
		next = (va + PAGE_2M) & ~(PAGE_2M - 1);
		if (next > end)
			next = end;
		pte_t *pte = pt_walk(vm->root, va, false);
		for (; pte && va < next; va += PAGE_SIZE, pte++) {
			if (!(*pte & holds))
				continue;
			flush |= visit(pte, ctx);
		}
	}
	if (flush)	/* before the call returns (docs/smp.md, TLB shootdown) */
		tlb_shootdown(vm->root, start, end - start);
}

/*
 * Entries cleared by vm_drop_entries, released only after the shootdown
 * that makes every CPU forget them: until it returns another CPU may still
 * write through a cached translation, and the frame must not be free by
 * then (mm/tlb.h).  One IPI round per batch.  The kernel lock serialises
 * its users.
 */
static struct {
	unsigned n;
	pte_t e[512];
} dropped;

static void release_dropped(struct vm_space *vm, uint64_t lo, uint64_t hi)
{
	tlb_shootdown(vm->root, lo, hi - lo);
	for (unsigned i = 0; i < dropped.n; i++) {
		pte_t e = dropped.e[i];
		if (e & PTE_SW_SWAP)
			swap_slot_unref(swap_entry_slot(e));	/* paged out: its slot reference */
		else if (frame_get(e & PTE_ADDR)->owner != FRAME_SECTION)	/* a section's frames are the section's */
			user_frame_put(e & PTE_ADDR);
	}
	dropped.n = 0;
}

void vm_drop_entries(struct vm_space *vm, uint64_t start, uint64_t end)
{
	uint64_t lo = start;
	for (uint64_t va = start, next; va < end; va = next) {
		next = (va + PAGE_2M) & ~(PAGE_2M - 1);
		if (next > end)
			next = end;
		pte_t *pte = pt_walk(vm->root, va, false);
		for (; pte && va < next; va += PAGE_SIZE, pte++) {
			if (!(*pte & (PTE_P | PTE_SW_FRAME | PTE_SW_SWAP)))
				continue;
			dropped.e[dropped.n++] = *pte;
			*pte = 0;
			if (dropped.n == sizeof(dropped.e) / sizeof(dropped.e[0])) {
				release_dropped(vm, lo, va + PAGE_SIZE);
				lo = va + PAGE_SIZE;
			}
		}
	}
	if (dropped.n)
		release_dropped(vm, lo, end);
}

/* A new protection for one entry; true when a TLB may hold more than it now allows (mm/prot.h). */
static bool reprotect_entry(pte_t *pte, void *flags)
{
	uint64_t old = *pte, e = pte_reprotect(old, *(const uint64_t *)flags);
	*pte = e;
	return pte_change_needs_flush(old, e);
}

void vm_reprotect_entries(struct vm_space *vm, uint64_t start, uint64_t end, uint32_t protect)
{
	uint64_t flags = prot_pte_flags(protect);
	/*
	 * Frames only (a paged-out page takes its run's protection when it comes
	 * back); only a change that takes access away is shot down (mm/prot.h).
	 */
	for_each_entry(vm, start, end, PTE_P | PTE_SW_FRAME, reprotect_entry, &flags);
}

/* Unmap the committed pages in [start, end) of v, dropping their frames. */
static void drop_frames(struct vm_space *vm, const struct vad *v, uint64_t start, uint64_t end)
{
	for (const struct vad_run *r = first_run(v, start); r && r->start < end; r = vad_run_next(v, r)) {
		if (r->state != W_MEM_COMMIT || r->end <= start)
			continue;
		vm_drop_entries(vm, r->start > start ? r->start : start, r->end < end ? r->end : end);
	}
}

void vm_space_destroy(struct vm_space *vm)
{
	/* The page tables' charge first (they are freed with the root below): the releases that follow
	   then skip the ledger, which a fork may still share with the parent (mm/ptcharge.c). */
	ptc_destroy(vm);
	struct vad *v;
	while ((v = vad_first(&vm->tree))) {
		if (v->section) {
			view_destroy(vm, v);
			continue;
		}
		large_release(vm, v);
		awe_release(vm, v);
		drop_frames(vm, v, v->start, v->end);
		uncharge(vm, committed_pages(v, v->start, v->end));
		vad_remove(&vm->tree, v);
		vad_delete(v);
	}
	awe_destroy(vm);
	pin_uncharge(vm, vm->locked);	/* the lock bitmaps went with their VADs */
	vm->locked = 0;
	ASSERT(vm->charge == 0 && vm->pinned == 0);
	evict_space_remove(vm);
	pt_destroy_root(vm->root);
	vm->root = 0;
}

/*
 * Write-copy exists only in section views (spec 13.1): a write-copy request
 * is a protection error unless it changes pages of a view (never when it
 * reserves).  Checked with the protection, before the address.
 */
static bool in_view(const struct vm_space *vm, uint64_t addr, bool reserving)
{
	if (reserving || addr == 0 || addr >= USER_END)
		return false;
	const struct vad *v = vad_find(&vm->tree, PAGE_DOWN(addr));
	return v && v->section;
}

/* The allocation-type bits NtAllocateVirtualMemory knows. */
#define ALLOC_KNOWN (W_MEM_COMMIT | W_MEM_RESERVE | W_MEM_RESET | W_MEM_RESET_UNDO | W_MEM_TOP_DOWN | \
		     W_MEM_WRITE_WATCH | W_MEM_PHYSICAL | W_MEM_LARGE_PAGES)

/* Commit [start, end) of v with protect: charge the newly committed pages, then change. */
static ntstatus_t commit_range(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, uint32_t protect)
{
	uint64_t fresh = (end - start) / PAGE_SIZE - committed_pages(v, start, end);
	if (vad_runs_reserve(v))
		return STATUS_NO_MEMORY;
	if (!charge(vm, fresh))
		return STATUS_COMMITMENT_LIMIT;
	ntstatus_t st = ptc_charge(vm, start, end);	/* and the page tables the range needs */
	if (st) {
		uncharge(vm, fresh);
		return st;
	}
	/* Re-committed pages take the new protection; new pages are demand-zero (no frame yet). */
	vm_reprotect_entries(vm, start, end, protect);
	vad_runs_set(v, start, end, W_MEM_COMMIT, protect);
	return STATUS_SUCCESS;
}

ntstatus_t vm_allocate_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect)
{
	lock_assert_held(&vm->lock);
	uint64_t addr = *base, len = *size;
	/* Argument checks, in this order: size, type, protection, address. */
	if (len == 0)
		return STATUS_INVALID_PARAMETER;
	if (type & ~ALLOC_KNOWN)
		return STATUS_INVALID_PARAMETER;
	if (!(type & (W_MEM_COMMIT | W_MEM_RESERVE | W_MEM_RESET | W_MEM_RESET_UNDO)))
		return STATUS_INVALID_PARAMETER;
	if ((type & (W_MEM_RESET | W_MEM_RESET_UNDO)) &&
	    ((type & ~(W_MEM_RESET | W_MEM_RESET_UNDO)) || (type & W_MEM_RESET && type & W_MEM_RESET_UNDO)))
		return STATUS_INVALID_PARAMETER;	/* MEM_RESET and MEM_RESET_UNDO each stand alone */
	if ((type & W_MEM_WRITE_WATCH) && !(type & W_MEM_RESERVE))
		return STATUS_INVALID_PARAMETER;
	/* Large pages: reserve and commit together, never watched (mm/large.c). */
	if ((type & W_MEM_LARGE_PAGES) && ((type & (W_MEM_RESERVE | W_MEM_COMMIT)) != (W_MEM_RESERVE | W_MEM_COMMIT) ||
					   (type & W_MEM_WRITE_WATCH)))
		return STATUS_INVALID_PARAMETER;
	if (type & W_MEM_PHYSICAL) {	/* AWE: MEM_RESERVE|MEM_PHYSICAL, PAGE_READWRITE only (mm/awe.c) */
		ntstatus_t st = awe_check_alloc(type, protect);
		if (st)
			return st;
	}
	if (!prot_valid(protect, true) || (prot_is_writecopy(protect) && !in_view(vm, addr, type & W_MEM_RESERVE)))
		return STATUS_INVALID_PAGE_PROTECTION;
	if (addr != 0 && addr < USER_MIN_ADDR)
		return STATUS_INVALID_PARAMETER_2;
	if (len > USER_END || addr > USER_END - len)
		return STATUS_INVALID_PARAMETER;
	if (type & (W_MEM_RESET | W_MEM_RESET_UNDO))
		return vm_reset(vm, base, size, type & W_MEM_RESET_UNDO);
	if (type & W_MEM_LARGE_PAGES)
		return large_allocate(vm, base, size, type, protect);

	bool reserve = (type & W_MEM_RESERVE) || addr == 0;
	if (reserve) {
		uint64_t start, end;
		if (addr == 0) {
			end = PAGE_UP(len);
			start = vad_find_gap(&vm->tree, end, GRANULE, USER_MIN_ADDR, USER_END, type & W_MEM_TOP_DOWN);
			if (!start)
				return STATUS_NO_MEMORY;
			end += start;
		} else {
			start = addr & ~(GRANULE - 1);
			end = PAGE_UP(addr + len);
			if (!vad_range_free(&vm->tree, start, end))
				return STATUS_CONFLICTING_ADDRESSES;
		}
		bool commit_now = type & W_MEM_COMMIT || !(type & W_MEM_RESERVE);
		struct vad *v = vad_new(start, end, W_MEM_RESERVE, 0, protect, W_MEM_PRIVATE);
		if (!v)
			return STATUS_NO_MEMORY;
		if (type & W_MEM_PHYSICAL)
			v->flags |= VAD_PHYSICAL;	/* stays MEM_RESERVE in the runs: pages come from MapUserPhysicalPages */
		if ((type & W_MEM_WRITE_WATCH) && watch_init(v)) {
			vad_delete(v);
			return STATUS_NO_MEMORY;
		}
		if (commit_now && !charge(vm, (end - start) / PAGE_SIZE)) {
			vad_delete(v);
			return STATUS_COMMITMENT_LIMIT;
		}
		/* The page tables a committed range or an AWE region will need (mm/ptcharge.h). */
		ntstatus_t st = commit_now || (type & W_MEM_PHYSICAL) ? ptc_charge(vm, start, end) : STATUS_SUCCESS;
		if (st) {
			if (commit_now)
				uncharge(vm, (end - start) / PAGE_SIZE);
			vad_delete(v);
			return st;
		}
		if (commit_now) {
			vad_runs_set(v, start, end, W_MEM_COMMIT, protect);	/* one run: cannot need memory */
		}
		vad_insert(&vm->tree, v);
		vm->physical_regions += (v->flags & VAD_PHYSICAL) != 0;	/* back down in awe_release */
		*base = start;
		*size = end - start;
		return STATUS_SUCCESS;
	}

	/* MEM_COMMIT inside an existing reservation: page-rounded, all in one VAD. */
	uint64_t start = PAGE_DOWN(addr), end = PAGE_UP(addr + len);
	struct vad *v = vad_find(&vm->tree, start);
	if (!v || end > v->end)
		return v ? STATUS_CONFLICTING_ADDRESSES : STATUS_MEMORY_NOT_ALLOCATED;
	if ((v->type != W_MEM_PRIVATE && !v->section) || (v->flags & (VAD_PHYSICAL | VAD_PLACEHOLDER)))
		return STATUS_CONFLICTING_ADDRESSES;	/* AWE regions and placeholders are never committed */
	ntstatus_t st;
	if (v->section) {
		st = view_commit(vm, v, start, end, protect);	/* section-wide (mm/section.c) */
	} else if (v->flags & VAD_LARGE) {
		/* Always committed: a re-commit is a protection change of whole 2 MiB pages. */
		if (vad_runs_reserve(v))
			return STATUS_NO_MEMORY;
		st = large_protect(vm, v, start, end, protect);
		if (!st)
			vad_runs_set(v, start, end, W_MEM_COMMIT, protect);
	} else {
		st = commit_range(vm, v, start, end, protect);
	}
	if (st == STATUS_SUCCESS) {
		*base = start;
		*size = end - start;
	}
	return st;
}

void vm_release_whole(struct vm_space *vm, struct vad *v)
{
	lock_assert_held(&vm->lock);
	uint64_t start = v->start, end = v->end;
	large_release(vm, v);
	awe_release(vm, v);
	lock_forget(vm, v, start, end);	/* release and decommit unlock */
	drop_frames(vm, v, start, end);
	uncharge(vm, committed_pages(v, start, end));
	vad_remove(&vm->tree, v);
	vad_delete(v);
}

ntstatus_t vm_free_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type)
{
	lock_assert_held(&vm->lock);
	uint64_t addr = *base, len = *size;
	if (type != W_MEM_DECOMMIT && type != W_MEM_RELEASE)
		return STATUS_INVALID_PARAMETER;
	if (addr >= USER_END || len > USER_END - addr)
		return STATUS_INVALID_PARAMETER;
	uint64_t start = PAGE_DOWN(addr);
	struct vad *v = vad_find(&vm->tree, start);
	if (!v)
		return STATUS_MEMORY_NOT_ALLOCATED;
	if (v->type != W_MEM_PRIVATE)
		return STATUS_UNABLE_TO_DELETE_SECTION_OR_VIEW;
	uint64_t end;
	if (len == 0) {
		if (start != v->start)
			return STATUS_FREE_VM_NOT_AT_BASE;
		end = v->end;
	} else {
		end = PAGE_UP(addr + len);
		if (end > v->end)
			return STATUS_UNABLE_TO_FREE_VM;
	}
	if (type == W_MEM_RELEASE) {
		if (start != v->start || end != v->end) {	/* len != 0 here: a part, the allocation splits */
			ntstatus_t st = vm_release_part(vm, v, start, end);
			if (st)
				return st;
			*base = start;
			*size = end - start;
			return STATUS_SUCCESS;
		}
		vm_release_whole(vm, v);
		pt_prune(vm->root, start, end - start);	/* page tables nothing else uses any more */
		ptc_release(vm, start, end);	/* and their charge */
	} else {
		if (v->flags & (VAD_LARGE | VAD_PHYSICAL))
			return STATUS_UNABLE_TO_FREE_VM;	/* large pages and AWE regions are only released whole (87) */
		if (vad_runs_reserve(v))
			return STATUS_NO_MEMORY;
		drop_frames(vm, v, start, end);	/* their dirty bits with them; captured writes stay (watch_latch) */
		reset_forget(v, start, end);	/* decommit clears the reset and lock state */
		lock_forget(vm, v, start, end);
		uncharge(vm, committed_pages(v, start, end));
		vad_runs_set(v, start, end, W_MEM_RESERVE, 0);
		pt_prune(vm->root, start, end - start);
		ptc_release(vm, start, end);
	}
	*base = start;
	*size = end - start;
	return STATUS_SUCCESS;
}

static ntstatus_t vm_protect_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t protect, uint32_t *old)
{
	lock_assert_held(&vm->lock);
	uint64_t addr = *base, len = *size;
	if (addr >= USER_END || len > USER_END - addr)
		return STATUS_INVALID_PARAMETER;
	if (!prot_valid(protect, true) || (prot_is_writecopy(protect) && !in_view(vm, addr, false)))
		return STATUS_INVALID_PAGE_PROTECTION;
	uint64_t start = PAGE_DOWN(addr), end = PAGE_UP(addr + (len ? len : 1));
	struct vad *v = vad_find(&vm->tree, start);
	if (!v)
		return STATUS_MEMORY_NOT_ALLOCATED;
	if (end > v->end || (v->flags & VAD_PHYSICAL))
		return STATUS_CONFLICTING_ADDRESSES;	/* AWE mappings are always read/write */
	/* An image's pages are never shared writable: read-write asked for is write-copy (as Windows does). */
	if (v->section && v->type == W_MEM_IMAGE && (protect & 0xff) == W_PAGE_READWRITE)
		protect = (protect & ~0xffu) | W_PAGE_WRITECOPY;
	else if (v->section && v->type == W_MEM_IMAGE && (protect & 0xff) == W_PAGE_EXECUTE_READWRITE)
		protect = (protect & ~0xffu) | W_PAGE_EXECUTE_WRITECOPY;
	/* Everything committed: the run at start reaching end is the common case, one lookup. */
	const struct vad_run *first = vad_run_at(v, start);
	if (v->section) {
		ntstatus_t st = view_protect_check(vm, v, start, end, protect);
		if (st)
			return st;
	} else if (first->end < end ? committed_pages(v, start, end) != (end - start) / PAGE_SIZE
				    : first->state != W_MEM_COMMIT) {
		return STATUS_NOT_COMMITTED;
	}
	uint32_t first_protect = first->protect;	/* the reserve below may move the runs */
	/*
	 * The cache type chosen at commit stays and cannot be changed (Windows keeps
	 * it for the whole allocation, spec 9.5): requested NOCACHE/WRITECOMBINE bits
	 * are dropped, the page's own are kept (not with GUARD, an invalid mix).
	 */
	uint32_t keep_cache = first_protect & (W_PAGE_NOCACHE | W_PAGE_WRITECOMBINE);
	protect &= ~(uint32_t)(W_PAGE_NOCACHE | W_PAGE_WRITECOMBINE);
	if (!(protect & W_PAGE_GUARD))
		protect |= keep_cache;
	*old = first_protect;
	*base = start;
	*size = end - start;
	/* One run that has the protection already (a handler re-granting what a guard gave back): nothing changes. */
	if (first->end >= end && first->protect == protect && !(v->flags & VAD_LARGE))
		return STATUS_SUCCESS;
	if (vad_runs_reserve(v))
		return STATUS_NO_MEMORY;
	if (v->flags & VAD_LARGE) {
		ntstatus_t st = large_protect(vm, v, start, end, protect);
		if (st)
			return st;
	} else {
		watch_latch(vm, v, start, end);
		vm_reprotect_entries(vm, start, end, protect);
	}
	vad_runs_set(v, start, end, W_MEM_COMMIT, protect);
	return STATUS_SUCCESS;
}

static ntstatus_t vm_query_locked(struct vm_space *vm, uint64_t addr, struct vm_basic_info *out)
{
	lock_assert_held(&vm->lock);
	if (addr >= USER_END)
		return STATUS_INVALID_PARAMETER;
	uint64_t page = PAGE_DOWN(addr);
	*out = (struct vm_basic_info){ .base_address = page };
	struct vad *v = vad_find_next(&vm->tree, page);
	if (v && v->start <= page) {
		const struct vad_run *r = vad_run_at(v, page);
		out->allocation_base = v->start;
		out->allocation_protect = v->alloc_protect;
		out->region_size = r->end - page;
		out->state = r->state;
		out->protect = r->protect;
		out->type = v->type;
		if (v->section && !view_committed(v, page)) {	/* a view's pages are as committed as its section's */
			out->state = W_MEM_RESERVE;
			out->protect = 0;
		}
		if (v->section)
			out->region_size = view_commit_span(v, page, r->end) - page;
		if (v->flags & VAD_PHYSICAL) {	/* one committed read/write region, mapped or not */
			out->region_size = v->end - page;
			out->state = W_MEM_COMMIT;
			out->protect = W_PAGE_READWRITE;
		}
		return STATUS_SUCCESS;
	}
	out->region_size = (v ? v->start : USER_END) - page;
	out->state = W_MEM_FREE;
	out->protect = W_PAGE_NOACCESS;
	return STATUS_SUCCESS;
}

void vm_commit_restore(const struct vm_commit_info *saved)
{
	spin_lock(&commit_lock);
	commit = *saved;
	spin_unlock(&commit_lock);
}

bool vm_charge(struct vm_space *vm, uint64_t pages)
{
	return charge(vm, pages);
}

void vm_uncharge(struct vm_space *vm, uint64_t pages)
{
	uncharge(vm, pages);
}

uint64_t vm_committed_pages(const struct vad *v, uint64_t start, uint64_t end)
{
	return committed_pages(v, start, end);
}

uint64_t vm_page_frame(struct vm_space *vm, enum frame_owner owner, bool zeroed)
{
	uint64_t f = zeroed ? frame_alloc_zeroed(0, owner) : frame_alloc(0, owner);
	if (!f && vm_reclaim_reset(vm))	/* memory pressure: take back MEM_RESET pages */
		f = zeroed ? frame_alloc_zeroed(0, owner) : frame_alloc(0, owner);
	return f;
}

/*
 * The entry points: each takes the space's lock (vm->lock, a kmutex, held
 * across page-table changes, frame allocation and zeroing) around its
 * _locked body.
 */
ntstatus_t vm_allocate(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect)
{
	kmutex_lock(&vm->lock);
	ntstatus_t st = vm_allocate_locked(vm, base, size, type, protect);
	kmutex_unlock(&vm->lock);
	return st;
}

ntstatus_t vm_free(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type)
{
	kmutex_lock(&vm->lock);
	ntstatus_t st = type & (W_MEM_PRESERVE_PLACEHOLDER | W_MEM_COALESCE_PLACEHOLDERS)
				? placeholder_free_locked(vm, base, size, type)
				: vm_free_locked(vm, base, size, type);
	kmutex_unlock(&vm->lock);
	return st;
}

ntstatus_t vm_protect(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t protect, uint32_t *old)
{
	kmutex_lock(&vm->lock);
	ntstatus_t st = vm_protect_locked(vm, base, size, protect, old);
	kmutex_unlock(&vm->lock);
	return st;
}

ntstatus_t vm_query(struct vm_space *vm, uint64_t addr, struct vm_basic_info *out)
{
	kmutex_lock(&vm->lock);
	ntstatus_t st = vm_query_locked(vm, addr, out);
	kmutex_unlock(&vm->lock);
	return st;
}
