/* mm/prot.h - PAGE_* protections: validation and translation to PTE bits (pure; host-tested). */
#ifndef MM_PROT_H
#define MM_PROT_H

#include <stdbool.h>
#include <stdint.h>
#include "paging.h"
#include "pat.h"

/*
 * Check a protection value as Windows does: exactly one base protection bit,
 * PAGE_GUARD not with NOACCESS/NOCACHE/WRITECOMBINE, NOCACHE not with
 * NOACCESS/WRITECOMBINE, WRITECOMBINE not with NOACCESS, no other bits.
 * WRITECOPY variants are allowed only when allow_writecopy (section views).
 */
bool prot_valid(uint32_t protect, bool allow_writecopy);

bool prot_readable(uint32_t protect);
bool prot_writable(uint32_t protect);
bool prot_executable(uint32_t protect);

/* Cache type selected by the NOCACHE / WRITECOMBINE modifiers. */
enum cache_type prot_cache(uint32_t protect);

/*
 * Leaf PTE flags (without the frame address) for a committed user page with
 * this protection: present unless NOACCESS or GUARD, U, W for writable
 * protections, NX unless executable, cache bits.  For a non-present page the
 * result has P clear and PTE_SW_FRAME set (the frame stays attached).
 */
uint64_t prot_pte_flags(uint32_t protect);

/* Software bit: the entry holds a frame although P is clear (no-access or guard). */
#define PTE_SW_FRAME (1ULL << 9)

/*
 * Software bit: the frame is shared copy-on-write (after fork): the entry is
 * never writable, whatever the protection; the first write copies the frame,
 * or takes it over when this is its last reference (mm/cow.c).
 */
#define PTE_SW_COW (1ULL << 10)

/* True for PAGE_WRITECOPY and PAGE_EXECUTE_WRITECOPY (modifiers ignored). */
bool prot_is_writecopy(uint32_t protect);

/*
 * The protection a write-copy page takes once written and private:
 * PAGE_WRITECOPY -> PAGE_READWRITE, PAGE_EXECUTE_WRITECOPY ->
 * PAGE_EXECUTE_READWRITE, modifiers kept; other values unchanged.
 */
uint32_t prot_after_copy(uint32_t protect);

/*
 * A leaf entry rewritten for new protection flags (from prot_pte_flags): the
 * frame, A, D and the copy-on-write mark are kept, and a copy-on-write entry
 * stays read-only.
 */
static inline uint64_t pte_reprotect(uint64_t pte, uint64_t flags)
{
	uint64_t e = (pte & (PTE_ADDR | PTE_A | PTE_D | PTE_SW_COW)) | flags;
	return (pte & PTE_SW_COW) ? e & ~PTE_W : e;
}

/*
 * Whether changing a leaf entry from old to new must reach the TLBs that may
 * hold old: only when it takes something away.  An entry that was not present
 * is never cached; one that keeps its frame, cache type and global bit and
 * only gains write, user or execute leaves at worst a stale, stricter TLB
 * entry, whose next use faults once: the CPU drops the entry for the faulting
 * address and the fault handler finds the page table already allowing the
 * access (fault_locked: "the TLB entry was stale").  Linux decides the same
 * way (pte_needs_flush).
 */
static inline bool pte_change_needs_flush(uint64_t old, uint64_t new)
{
	if (!(old & PTE_P))
		return false;
	if (!(new & PTE_P) || ((old ^ new) & (PTE_ADDR | PTE_CACHE_4K | PTE_G)))
		return true;
	return (old & ~new & (PTE_W | PTE_U)) || (new & ~old & PTE_NX);
}

#endif
