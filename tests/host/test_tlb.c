/*
 * tests/host/test_tlb.c - mm/tlb.c on a model of four x86-64 CPUs whose TLBs
 * keep entries per PCID the way the SDM describes (QEMU's TCG offers no
 * PCID, so this is where the PCID path runs): CR3 loads with and without
 * bit 63, INVLPG (the loaded PCID and global entries), INVPCID types 0-2,
 * the CR4.PGE toggle, CR4.PCIDE set only while CR3[11:0] is 0.  Every CPU
 * may fill its TLB from the root it has loaded at any time (speculation,
 * idle CPUs included).  Random sequences of what the kernel does - switch a
 * CPU to a root or to its idle loop, change user or kernel page-table
 * entries followed by their shootdown, free a root and reuse its frame for
 * a new address space - and after each step an access from a CPU must see
 * the page tables as they are: a stale translation is a failure.  Three
 * CPU models: no PCID, PCID without INVPCID, PCID with INVPCID.
 * sources: mm/tlb.c
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>	/* before kernel/cpu.h: its host pause() is a macro */

#include "check.h"
#include "kernel/cpu.h"
#include "kernel/layout.h"
#include "mm/tlb.h"

#define NCPU 4
#define NROOTS 10		/* more than TLB_PCIDS: PCIDs get reused */
#define NUPAGES 40		/* user pages of a root; a 40-page range is flushed whole */
#define NKPAGES 8		/* kernel pages: 0-3 global, 4-7 not (image_file's slots) */
#define UBASE 0x400000ULL
#define KBASE 0xffff800000000000ULL
#define KROOT 0x50000ULL
#define TLB_ENTRIES 96
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

__attribute__((noreturn)) void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "panic at %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* ---- the model CPUs ------------------------------------------------------------------------ */

struct entry {
	bool valid, global;
	uint16_t pcid;
	uint64_t va, val;
};

static struct mcpu {
	uint64_t cr3, cr4;
	struct entry e[TLB_ENTRIES];
	bool running;
} mc[NCPU];
static unsigned cur;	/* the CPU executing */
static bool have_pcid, have_invpcid;
static uint64_t upte[NROOTS][NUPAGES], kpte[NKPAGES];
static uint64_t next_val = 1;
static unsigned model_errors;

static uint64_t root_addr(unsigned r)
{
	return 0x1000000ULL + r * 0x1000ULL;
}

static int root_index(uint64_t root)
{
	for (unsigned r = 0; r < NROOTS; r++)
		if (root_addr(r) == root)
			return (int)r;
	return -1;
}

static void model_error(const char *what)
{
	if (model_errors++ < 5)
		fprintf(stderr, "test_tlb: CPU %u: %s\n", cur, what);
}

static unsigned cur_pcid(void)
{
	return (mc[cur].cr4 & CR4_PCIDE) ? (unsigned)(mc[cur].cr3 & 0xfff) : 0;
}

/* Drop entries of CPU cur: pcid < 0 any PCID; va 0 any address; globals too when with_global. */
static void drop(int pcid, uint64_t va, bool with_global, bool only_global)
{
	for (unsigned i = 0; i < TLB_ENTRIES; i++) {
		struct entry *e = &mc[cur].e[i];
		if (!e->valid || (va && e->va != va))
			continue;
		if (e->global ? with_global : (!only_global && (pcid < 0 || e->pcid == pcid)))
			e->valid = false;
	}
}

void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)sub;
	r[0] = r[1] = r[2] = r[3] = 0;
	if (leaf == 0)
		r[0] = 7;
	else if (leaf == 1)
		r[2] = have_pcid ? 1u << 17 : 0;
	else if (leaf == 7)
		r[1] = have_invpcid ? 1u << 10 : 0;
}

uint64_t read_cr3(void)
{
	return mc[cur].cr3;
}

void write_cr3(uint64_t v)
{
	bool pcide = mc[cur].cr4 & CR4_PCIDE;
	uint64_t root = v & PTE_ADDR_MASK;
	if (root != KROOT && root_index(root) < 0)
		model_error("CR3 loaded with an unknown root");
	if (!pcide && (v & (0xfffULL | CR3_NOFLUSH)))
		model_error("CR3 with PCID bits while CR4.PCIDE is clear");
	unsigned pcid = pcide ? (unsigned)(v & 0xfff) : 0;
	if (!pcide || !(v & CR3_NOFLUSH))
		drop((int)pcid, 0, false, false);
	mc[cur].cr3 = v & ~CR3_NOFLUSH;
}

uint64_t read_cr4(void)
{
	return mc[cur].cr4;
}

void write_cr4(uint64_t v)
{
	uint64_t old = mc[cur].cr4;
	if ((v & CR4_PCIDE) && !(old & CR4_PCIDE) && (mc[cur].cr3 & 0xfff))
		model_error("CR4.PCIDE set while CR3[11:0] is not 0 (#GP)");
	if ((v & CR4_PCIDE) && !have_pcid)
		model_error("CR4.PCIDE set on a CPU without PCID (#GP)");
	if ((old ^ v) & CR4_PGE)
		drop(-1, 0, true, false);
	if ((old & CR4_PCIDE) && !(v & CR4_PCIDE))
		drop(-1, 0, true, false);
	mc[cur].cr4 = v;
}

void invlpg(uint64_t va)
{
	drop((int)cur_pcid(), va, true, false);
}

void invpcid(uint64_t type, uint64_t pcid, uint64_t va)
{
	if (!have_invpcid)
		model_error("INVPCID on a CPU without it (#UD)");
	switch (type) {
	case INVPCID_ADDR:
		drop((int)pcid, va, false, false);
		break;
	case INVPCID_CONTEXT:
		drop((int)pcid, 0, false, false);
		break;
	case INVPCID_ALL_GLOBAL:
		drop(-1, 0, true, false);
		break;
	default:
		model_error("INVPCID type not used by the kernel");
	}
}

/* What the page tables say about va under the loaded root (0: not present), and whether it is global. */
static uint64_t walk(uint64_t va, bool *global)
{
	*global = false;
	if (va >= KBASE) {
		unsigned k = (unsigned)((va - KBASE) / 4096);
		*global = k < NKPAGES / 2;
		return kpte[k];
	}
	int r = root_index(mc[cur].cr3 & PTE_ADDR_MASK);
	return r < 0 ? 0 : upte[r][(va - UBASE) / 4096];
}

/* An access by CPU cur: from its TLB if an entry matches, else walked (and cached when present). */
static uint64_t access_va(uint64_t va)
{
	unsigned pcid = cur_pcid();
	for (unsigned i = 0; i < TLB_ENTRIES; i++) {
		struct entry *e = &mc[cur].e[i];
		if (e->valid && e->va == va && (e->global || e->pcid == pcid))
			return e->val;
	}
	bool global;
	uint64_t v = walk(va, &global);
	if (v) {
		struct entry *e = &mc[cur].e[(unsigned)rand() % TLB_ENTRIES];
		*e = (struct entry){ true, global, (uint16_t)pcid, va, v };
	}
	return v;
}

/* ---- the kernel's side ----------------------------------------------------------------------- */

static void send(unsigned cpu)
{
	unsigned me = cur;
	cur = cpu;
	tlb_ipi();	/* at once: the model has no interrupt latency */
	cur = me;
}

static unsigned self_fn(void)
{
	return cur;
}

static uint64_t fresh(void)
{
	return rand() % 4 ? (next_val++ << 12) | 1 : 0;
}

/* Every CPU fills or checks: a running CPU's user pages and every CPU's kernel pages must be current. */
static void check_all(bool fill_only)
{
	for (cur = 0; cur < NCPU; cur++) {
		int r = root_index(mc[cur].cr3 & PTE_ADDR_MASK);
		for (unsigned n = 0; n < 6; n++) {
			unsigned p = (unsigned)rand() % NUPAGES;
			uint64_t got = access_va(UBASE + p * 4096ULL);
			if (!fill_only && r >= 0 && mc[cur].running && got != upte[r][p])
				model_error("a user access used a stale translation");
			unsigned k = (unsigned)rand() % NKPAGES;
			got = access_va(KBASE + k * 4096ULL);
			if (!fill_only && got != kpte[k])
				model_error("a kernel access used a stale translation");
		}
	}
}

/* One random step of what the kernel does. */
static void step(void)
{
	unsigned c = (unsigned)rand() % NCPU, r = (unsigned)rand() % NROOTS;
	unsigned op = (unsigned)rand() % 100;
	cur = c;
	if (op < 35) {	/* the scheduler switches c to a thread of root r (or of kernel_root) */
		tlb_load_root(op < 2 ? KROOT : root_addr(r), true);
		mc[c].running = true;
	} else if (op < 45) {	/* c idles, its root stays loaded */
		tlb_load_root(0, false);
		mc[c].running = false;
	} else if (op < 75) {	/* a user change: protect, unmap, remap; a few pages or a whole flush */
		unsigned p = (unsigned)rand() % NUPAGES, n = rand() % 8 ? 1 + (unsigned)rand() % 3 : NUPAGES;
		for (unsigned i = p; i < p + n && i < NUPAGES; i++)
			upte[r][i] = fresh();
		tlb_shootdown(root_addr(r), UBASE + p * 4096ULL, n * 4096ULL);
	} else if (op < 85) {	/* a kernel change: a stack page, an image slot */
		unsigned k = (unsigned)rand() % NKPAGES, n = rand() % 4 ? 1 : 40;
		for (unsigned i = k; i < k + n && i < NKPAGES; i++)
			kpte[i] = fresh();
		tlb_shootdown(KROOT, KBASE + k * 4096ULL, n * 4096ULL);
	} else if (op < 90) {	/* root r ends (no thread of it on another CPU) and its frame becomes a new root */
		for (unsigned i = 0; i < NCPU; i++)
			if (i != c && mc[i].running && (mc[i].cr3 & PTE_ADDR_MASK) == root_addr(r))
				return;
		tlb_root_free(root_addr(r));
		if ((mc[c].cr3 & PTE_ADDR_MASK) == root_addr(r))
			model_error("tlb_root_free left the root loaded");
		for (unsigned i = 0; i < NUPAGES; i++)
			upte[r][i] = fresh();
	} else {
		check_all(op < 95);
		return;
	}
	check_all(false);
}

/* One CPU model, seeded: boot as the kernel does, then random steps (host_test_failed_now on failure). */
static void run(bool pcid, bool inv, unsigned seed, unsigned steps)
{
	srand(seed);
	have_pcid = pcid;
	have_invpcid = inv;
	for (unsigned i = 0; i < NCPU; i++)
		mc[i] = (struct mcpu){ .cr3 = KROOT, .cr4 = CR4_PGE };
	for (unsigned r = 0; r < NROOTS; r++)
		for (unsigned p = 0; p < NUPAGES; p++)
			upte[r][p] = fresh();
	for (unsigned k = 0; k < NKPAGES; k++)
		kpte[k] = fresh();
	cur = 0;
	tlb_set_kernel_root(KROOT);
	tlb_set_ipi(send, self_fn);
	CHECK_EQ(tlb_pcid_init(), pcid);
	CHECK_EQ(tlb_invpcid_enabled(), pcid && inv);
	for (unsigned i = 0; i < NCPU; i++) {	/* the APs copy the boot CPU's CR4 (kernel/smp.c) */
		cur = i;
		write_cr4(mc[0].cr4);
		tlb_cpu_online(i, read_cr3());
	}
	for (unsigned s = 0; s < steps && !model_errors; s++)
		step();
	CHECK_EQ(model_errors, 0);
	if (pcid)	/* switching back to a recent root kept its entries at times */
		CHECK(tlb_stats.pcid_kept > 0);
	else
		CHECK_EQ(tlb_stats.pcid_kept + tlb_stats.pcid_flushed, 0);
	printf("    PCID %s, INVPCID %s, seed %u: %u steps, %lu IPI rounds, %lu stale marks, "
	       "%lu CR3 loads kept the PCID, %lu flushed it\n",
	       pcid ? "on" : "off", inv ? "on" : "off", seed, steps, (unsigned long)tlb_stats.rounds,
	       (unsigned long)tlb_stats.stale_marks, (unsigned long)tlb_stats.pcid_kept,
	       (unsigned long)tlb_stats.pcid_flushed);
}

/* Each model and seed in its own process: mm/tlb.c keeps its state in statics. */
static void run_forked(bool pcid, bool inv)
{
	for (unsigned seed = 1; seed <= 3; seed++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			run(pcid, inv, seed, 40000);
			fflush(stdout);
			_exit(host_test_failed_now);
		}
		int st = -1;
		waitpid(pid, &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}

/* One CPU alternating between TLB_PCIDS roots, nothing changed: every load after the first of each keeps its PCID. */
static void keep_run(void)
{
	have_pcid = have_invpcid = true;
	mc[0] = (struct mcpu){ .cr3 = KROOT, .cr4 = CR4_PGE };
	cur = 0;
	tlb_set_kernel_root(KROOT);
	tlb_set_ipi(send, self_fn);
	CHECK(tlb_pcid_init());
	tlb_cpu_online(0, read_cr3());
	for (unsigned r = 0; r < NROOTS; r++)
		for (unsigned p = 0; p < NUPAGES; p++)
			upte[r][p] = (p + 1) << 12 | 1;
	for (unsigned round = 0; round < 10; round++) {
		for (unsigned r = 0; r < TLB_PCIDS; r++) {
			tlb_load_root(root_addr(r), true);
			CHECK_EQ(access_va(UBASE + r * 4096ULL), upte[r][r]);
		}
	}
	CHECK_EQ(tlb_stats.pcid_flushed, TLB_PCIDS);
	CHECK_EQ(tlb_stats.pcid_kept, 9 * TLB_PCIDS);
	/* a seventh root takes the least recently loaded PCID (root 0's): root 0 comes back flushed */
	tlb_load_root(root_addr(TLB_PCIDS), true);
	CHECK_EQ(tlb_pcid_of(root_addr(0), NULL), -1);
	tlb_load_root(root_addr(0), true);
	CHECK_EQ(tlb_stats.pcid_flushed, TLB_PCIDS + 2);
}

TEST(pcid_keeps_recent_roots)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		keep_run();
		fflush(stdout);
		_exit(host_test_failed_now);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

TEST(no_pcid)
{
	run_forked(false, false);
}

TEST(pcid_without_invpcid)
{
	run_forked(true, false);
}

TEST(pcid_with_invpcid)
{
	run_forked(true, true);
}

int main(void)
{
	return run_tests("test_tlb");
}
