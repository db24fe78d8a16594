/*
 * mm/tlb.h - TLB shootdown: after a translation of an address space is
 * removed or reduced, no CPU may still use the old one (issue 18).
 *
 * Every CPU's loaded page table is recorded here (tlb_load_root, called by
 * the scheduler at each switch), with whether the CPU runs a thread or
 * idles.  tlb_shootdown(root, va, len) flushes the range on this CPU if
 * root is loaded, and on every other CPU that runs a thread with root
 * loaded, by one IPI round (the request is published, each target flushes
 * in its interrupt handler and acknowledges, the caller waits for all):
 * that is the per-address-space CPU mask, computed from the records.  An
 * idle CPU that still has root loaded gets no IPI: it is marked stale and
 * flushes before it next runs a thread (Linux's lazy TLB).  The kernel's
 * own mappings (root = kernel_root, or a kernel-half address) are flushed
 * on every online CPU, idle or not.  Ranges above TLB_FLUSH_PAGES_MAX pages
 * become a full flush (CR3 reload; kernel ranges toggle CR4.PGE).
 *
 * PCIDs (when CPUID has them, tlb_pcid_init sets CR4.PCIDE; the APs copy
 * the boot CPU's CR4): each CPU names up to TLB_PCIDS recently loaded user
 * roots by PCIDs 1..TLB_PCIDS (kernel_root is PCID 0), so switching back
 * to one of them loads CR3 with bit 63 set and keeps its TLB entries.  A
 * root new to the CPU takes the least recently loaded PCID, flushed by the
 * CR3 load itself.  The shootdown rule: a CPU that holds root under a PCID
 * it is not running gets no IPI; its PCID for root is marked stale (this
 * CPU's too) and the next load of root there flushes it - the lazy idle
 * flush above is the same mark on the loaded PCID.  Kernel ranges flush
 * every PCID (INVPCID of the address per PCID, or marked stale without
 * INVPCID; whole: INVPCID all-context or the CR4.PGE toggle), which also
 * covers the paging-structure caches of freed kernel tables.  A freed root
 * is forgotten by every CPU (tlb_root_free), so its frame reused as a new
 * root starts with a flushed PCID.
 *
 * Lock: the kernel lock (kernel/klock.h) serialises the callers, so one
 * request is in flight at a time; the targets answer from their IPI
 * handler without it.  The PCID marks rely on it too: the caller writes
 * the records of CPUs that do not run root, which switch only under the
 * lock.  A frame whose translation was removed may be freed
 * only after the shootdown that removed it returned.
 */
#ifndef MM_TLB_H
#define MM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_MAX_CPUS 16
#define TLB_FLUSH_PAGES_MAX 32	/* a range of more pages is flushed whole */

#define TLB_PCIDS 6	/* user roots a CPU keeps under their own PCID */

/*
 * The boot CPU, once CR3 holds kernel_root (its low 12 bits 0): turn on
 * CR4.PCIDE when CPUID.1:ECX.PCID is set (and use INVPCID when
 * CPUID.7.0:EBX.INVPCID is); true when PCIDs are on.
 */
bool tlb_pcid_init(void);
bool tlb_pcid_enabled(void);
bool tlb_invpcid_enabled(void);
/* This CPU's PCID for root (1..TLB_PCIDS) and whether it is stale, or -1 when it names root by none. */
int tlb_pcid_of(uint64_t root, bool *stale);

/* This CPU only. */
void tlb_flush_page(uint64_t va);
void tlb_flush_all(void);	/* non-global entries of the loaded root (reload CR3; its PCID) */

/* The kernel's page table (kpaging_init): its mappings are flushed on every CPU. */
void tlb_set_kernel_root(uint64_t root);

/* Called once by the kernel: how to send the shootdown IPI to a CPU, and this CPU's index. */
void tlb_set_ipi(void (*send)(unsigned cpu), unsigned (*self)(void));
/* CPU `cpu` is online (takes part in shootdowns); at its start, with its loaded root. */
void tlb_cpu_online(unsigned cpu, uint64_t root);

/*
 * The scheduler switches this CPU to a thread of `root` (running) or to
 * its idle loop (running false: root stays loaded, lazily).  Writes CR3
 * when root changes (with PCIDs keeping root's entries unless they went
 * stale), flushes when the CPU went stale while idle.
 */
void tlb_load_root(uint64_t root, bool running);
/* The root loaded on this CPU (as recorded). */
uint64_t tlb_loaded_root(void);

/* Flush [va, va+len) of root everywhere it may be cached (see above); len 0 flushes nothing. */
void tlb_shootdown(uint64_t root, uint64_t va, uint64_t len);
static inline void tlb_shootdown_page(uint64_t root, uint64_t va)
{
	tlb_shootdown(root, va, 4096);
}
/* Every CPU running a thread of root executes a serialising interrupt (FlushProcessWriteBuffers). */
void tlb_sync_root(uint64_t root);
/* root's page tables are about to be freed: every CPU that has it loaded moves to kernel_root. */
void tlb_root_free(uint64_t root);

/* The shootdown IPI's handler (interrupts off, no lock). */
void tlb_ipi(void);

/*
 * Counters for tests and benchmarks: IPI rounds started, IPIs sent, stale
 * marks; with PCIDs, CR3 loads that kept the PCID's entries and that
 * flushed them.
 */
struct tlb_stats {
	uint64_t rounds, ipis, stale_marks;
	uint64_t pcid_kept, pcid_flushed;
};
extern struct tlb_stats tlb_stats;

#endif
