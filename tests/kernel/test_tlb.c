/*
 * tests/kernel/test_tlb.c - PCIDs (mm/tlb.h): switching back to a root
 * keeps its PCID's entries unless a shootdown of that root came while the
 * CPU ran another one; a freed root is forgotten.  Two page tables of our
 * own, a supervisor page in their user half, loaded in turn on this CPU.
 *
 * Under QEMU's TCG a CR3 load drops its whole software TLB whatever bit 63
 * says, so a missing stale mark does not show as a stale read there: the
 * bookkeeping (which load kept and which flushed the PCID) is what fails
 * then.  The info line says whether this CPU keeps a PCID's entries across
 * a no-flush load (probed with a translation changed behind its back).
 */
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/sched.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/tlb.h"

#define TEST_VA 0x10000000ULL	/* user half, mapped supervisor-only (no SMAP fault, not global) */
#define TEST_FLAGS (PTE_P | PTE_W | PTE_NX)

static uint64_t read_va(void)
{
	return *(volatile uint64_t *)TEST_VA;
}

struct pcid_env {
	uint64_t a, b, f1, f2;
	pte_t *pte;
};

/* The checks; env is set up and torn down by the caller whatever happens here. */
static void pcid_checks(struct pcid_env *e)
{
	bool stale = true;
	tlb_load_root(e->a, true);
	int pa = tlb_pcid_of(e->a, &stale);
	KT_ASSERT(pa >= 1 && pa <= TLB_PCIDS);
	KT_ASSERT(!stale);
	KT_EQ(read_cr3() & 0xfff, (uint64_t)pa);
	KT_EQ(read_va(), 0x1111);
	tlb_load_root(e->b, true);
	int pb = tlb_pcid_of(e->b, NULL);
	KT_ASSERT(pb >= 1 && pb != pa);

	/* back to A with nothing changed: its entries are kept */
	uint64_t kept = tlb_stats.pcid_kept, flushed = tlb_stats.pcid_flushed;
	tlb_load_root(e->a, true);
	KT_EQ(tlb_stats.pcid_kept, kept + 1);
	KT_EQ(tlb_stats.pcid_flushed, flushed);
	KT_EQ(tlb_pcid_of(e->a, NULL), pa);
	KT_EQ(read_va(), 0x1111);

	/* A's translation changes (with its shootdown) while B runs: A's PCID is stale, its next load flushes */
	tlb_load_root(e->b, true);
	*e->pte = e->f2 | TEST_FLAGS;
	tlb_shootdown_page(e->a, TEST_VA);
	KT_EQ(tlb_pcid_of(e->a, &stale), pa);
	KT_ASSERT(stale);
	kept = tlb_stats.pcid_kept;
	flushed = tlb_stats.pcid_flushed;
	tlb_load_root(e->a, true);
	KT_EQ(tlb_stats.pcid_flushed, flushed + 1);
	KT_EQ(tlb_stats.pcid_kept, kept);
	KT_EQ(read_va(), 0x2222);
	KT_EQ(tlb_pcid_of(e->a, &stale), pa);
	KT_ASSERT(!stale);

	/* the probe: changed behind the CPU's back (no shootdown), then a no-flush load */
	tlb_load_root(e->b, true);
	*e->pte = e->f1 | TEST_FLAGS;
	tlb_load_root(e->a, true);
	uint64_t v = read_va();
	KT_ASSERT(v == 0x1111 || v == 0x2222);
	kprintf("tlb: this CPU %s a PCID's entries across a no-flush CR3 load\n", v == 0x2222 ? "keeps" : "does not keep");
	tlb_flush_page(TEST_VA);
	KT_EQ(read_va(), 0x1111);

	/* a kernel range shot down while A is loaded reaches B's PCID too (stale or INVPCID'd) */
	tlb_shootdown(kernel_root, DIRECT_MAP_BASE, PAGE_SIZE);
	if (!tlb_invpcid_enabled()) {
		KT_EQ(tlb_pcid_of(e->b, &stale), pb);
		KT_ASSERT(stale);
	}

	/* A freed: no CPU names it any more, this one left it */
	tlb_root_free(e->a);
	KT_EQ(tlb_pcid_of(e->a, NULL), -1);
	KT_ASSERT(tlb_loaded_root() != e->a);
	KT_ASSERT((read_cr3() & 0x000ffffffffff000ULL) != e->a);
}

KTEST(tlb_pcid_keep_and_stale)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	KT_EQ(tlb_pcid_enabled(), !!(r[2] & (1u << 17)));	/* on whenever the CPU has it */
	if (!tlb_pcid_enabled()) {
		kprintf("tlb: no PCID on this CPU: the checks need one\n");
		return;
	}
	struct pcid_env e = { 0 };
	uint64_t saved = tlb_loaded_root();
	bool idle = this_cpu()->thread == &this_cpu()->idle;
	e.a = pt_create_root();
	e.b = pt_create_root();
	e.f1 = frame_alloc_zeroed(0, FRAME_KERNEL);
	e.f2 = frame_alloc_zeroed(0, FRAME_KERNEL);
	KT_ASSERT(e.a && e.b && e.f1 && e.f2);
	*(uint64_t *)phys_to_virt(e.f1) = 0x1111;
	*(uint64_t *)phys_to_virt(e.f2) = 0x2222;
	KT_EQ(pt_map(e.a, TEST_VA, e.f1, TEST_FLAGS), 0);
	e.pte = pt_walk(e.a, TEST_VA, false);
	KT_ASSERT(e.pte != NULL);
	pcid_checks(&e);
	tlb_load_root(saved, true);
	if (idle)
		tlb_load_root(0, false);
	pt_unmap(e.a, TEST_VA);
	pt_destroy_root(e.a);
	pt_destroy_root(e.b);
	frame_free(e.f1, 0);
	frame_free(e.f2, 0);
}
