/*
 * mm/ptcharge.h - page-table pages charged against the commit limit, as NT
 * charges them: a commit also charges the tables its range will need (one
 * per 2 MiB, one per 1 GiB and one per 512 GiB of address space holding
 * committed pages), once per address space, so two commits in the same
 * 2 MiB charge one table.  The charge goes back when nothing committed is
 * left under a table (decommit, release, unmap, process end), and the
 * table is then pruned.  So every access to committed memory finds its
 * tables affordable, and a commit whose tables cannot be had fails at
 * VirtualAlloc with STATUS_COMMITMENT_LIMIT (1455).
 *
 * Page tables are never paged out: the charged tables of all spaces
 * together are also bounded by the page-table limit (pt_table_limit, half
 * of RAM), past which a commit is refused the same way; walks of user
 * addresses allocate no table past that limit (a safety net that charged
 * tables never reach).
 *
 * What needs tables ("footprint"): the committed runs of a private VAD;
 * the whole range of a view, an image, an AWE region and a large-page
 * region; nothing in a placeholder.  The charge is system commit
 * (GlobalMemoryStatusEx, GetPerformanceInfo), not the process's
 * PrivateUsage.  Callers hold vm->lock.
 */
#ifndef MM_PTCHARGE_H
#define MM_PTCHARGE_H

#include <stdint.h>
#include "vm.h"

/*
 * Charge the tables [start, end) (page aligned, non-empty, user half) needs
 * that vm is not charged for yet.  STATUS_COMMITMENT_LIMIT (commit limit or
 * page-table limit) or STATUS_NO_MEMORY (the ledger's nodes), with nothing
 * changed; STATUS_SUCCESS.  Call before the footprint grows; if what follows
 * fails, ptc_release the range.
 */
ntstatus_t ptc_charge(struct vm_space *vm, uint64_t start, uint64_t end);

/*
 * After [start, end) lost footprint: every charged 2 MiB unit overlapping
 * it with no footprint left is given back and its tables pruned, then the
 * 1 GiB and 512 GiB units left with no charged unit under them.
 */
void ptc_release(struct vm_space *vm, uint64_t start, uint64_t end);

/* Give back everything vm is charged for and free its ledger (teardown). */
void ptc_destroy(struct vm_space *vm);

/*
 * The child of a fork gets the parent's charge, its ledger shared with the
 * parent's until one of them changes its own (a copy then): O(1).
 * STATUS_COMMITMENT_LIMIT with nothing charged.  After it,
 * ptc_release(child, 0, USER_TOP) drops what was not inherited.
 */
ntstatus_t ptc_fork(struct vm_space *child, const struct vm_space *parent);

/* Page-table pages charged now, all spaces together. */
uint64_t ptc_total(void);

#endif
