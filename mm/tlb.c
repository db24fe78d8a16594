/* mm/tlb.c - TLB shootdown across CPUs, PCIDs on a context switch (mm/tlb.h). */
#include "tlb.h"
#include "frame.h"
#include "kernel/cpu.h"
#include "kernel/layout.h"
#include "kernel/panic.h"

#include <stddef.h>

#define ROOT_MASK 0x000ffffffffff000ULL	/* CR3's page-table address bits */
#define PTE_ADDR ROOT_MASK

static uint64_t kernel_root;
static bool pcid_on, invpcid_on;

void tlb_set_kernel_root(uint64_t root)
{
	kernel_root = root & PTE_ADDR;
}

void tlb_flush_page(uint64_t va)
{
	invlpg(va);
}

void tlb_flush_all(void)
{
	write_cr3(read_cr3());	/* bit 63 clear: with PCIDs, this PCID's entries go */
}

/* One address-space identifier of a CPU: PCID index + 1 may hold entries of root. */
struct tlb_asid {
	uint64_t root;		/* 0: none (never used, or its root was freed) */
	uint64_t used;		/* the CPU's load count when last loaded: the least recent is reused */
	bool stale;		/* root's translations changed since: the next load flushes the PCID */
};

/*
 * Per-CPU records; written by their own CPU under the kernel lock, or by the
 * CPU that holds it for a shootdown (stale marks, forgotten roots of CPUs
 * that do not run the root: no CPU switches while another holds the lock),
 * or by a target's IPI handler while the requester waits.
 */
static struct tlb_cpu {
	uint64_t root;		/* loaded CR3 (address bits) */
	bool online;
	bool running;		/* a thread runs (or is about to): it gets IPIs */
	bool stale;		/* without PCIDs: idle with root loaded when root changed: flush before running */
	unsigned pcid;		/* the loaded PCID: 0 for kernel_root (and without PCIDs) */
	uint64_t loads;
	struct tlb_asid asid[TLB_PCIDS];
} __attribute__((aligned(64))) cpus[TLB_MAX_CPUS];	/* a cache line apart: each CPU writes its own at every switch */
static unsigned online_count = 1;
static uint32_t online_mask = 1;	/* bit i: cpus[i].online (the boot CPU from the start), for the shootdown's scan */

static void (*send_ipi)(unsigned cpu);
static unsigned (*self_index)(void);

enum req_kind { REQ_FLUSH, REQ_SYNC, REQ_DROP_ROOT };

/* The request in flight (one at a time: the kernel lock). */
static struct {
	uint64_t root, va, len;
	bool kernel;
	enum req_kind kind;
} req;
static uint32_t pending;	/* targets that have not answered */

struct tlb_stats tlb_stats;

static unsigned self(void)
{
	return self_index ? self_index() : 0;
}

bool tlb_pcid_init(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	cpuid(1, 0, r);
	bool pcid = r[2] & (1u << 17);
	bool inv = false;
	if (max_leaf >= 7) {
		cpuid(7, 0, r);
		inv = r[1] & (1u << 10);
	}
	if (!pcid || (read_cr3() & 0xfff))
		return false;
	write_cr4(read_cr4() | CR4_PCIDE);
	pcid_on = true;
	invpcid_on = inv;
	return true;
}

bool tlb_pcid_enabled(void)
{
	return pcid_on;
}

bool tlb_invpcid_enabled(void)
{
	return invpcid_on;
}

void tlb_set_ipi(void (*send)(unsigned cpu), unsigned (*self_fn)(void))
{
	send_ipi = send;
	self_index = self_fn;
}

void tlb_cpu_online(unsigned cpu, uint64_t root)
{
	ASSERT(cpu < TLB_MAX_CPUS);
	cpus[cpu].root = root & PTE_ADDR;
	cpus[cpu].pcid = (unsigned)(root & 0xfff);
	cpus[cpu].running = false;
	cpus[cpu].stale = false;
	if (!cpus[cpu].online) {
		cpus[cpu].online = true;
		__atomic_or_fetch(&online_mask, 1u << cpu, __ATOMIC_RELEASE);
		if (cpu)
			__atomic_add_fetch(&online_count, 1, __ATOMIC_RELEASE);
	}
}

/* c's identifier for root, or NULL. */
static struct tlb_asid *asid_of(struct tlb_cpu *c, uint64_t root)
{
	for (unsigned i = 0; i < TLB_PCIDS; i++)
		if (c->asid[i].root == root)
			return &c->asid[i];
	return NULL;
}

/* root's translations changed: c's PCID for it (not loaded, or loaded while c idles) flushes at its next load. */
static void mark_stale(struct tlb_cpu *c, uint64_t root)
{
	struct tlb_asid *a = asid_of(c, root);
	if (a && !a->stale) {
		a->stale = true;
		tlb_stats.stale_marks++;
	}
}

/* Every PCID of c but the loaded one flushes at its next load. */
static void mark_all_stale(struct tlb_cpu *c)
{
	for (unsigned i = 0; i < TLB_PCIDS; i++)
		if (c->asid[i].root && i + 1 != c->pcid)
			c->asid[i].stale = true;
}

/* Everything on this CPU: every PCID, global entries, paging-structure caches. */
static void flush_everything(void)
{
	uint64_t cr4 = read_cr4();
	if (invpcid_on) {
		invpcid(INVPCID_ALL_GLOBAL, 0, 0);
	} else if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);	/* clearing PGE drops global entries too, of every PCID */
		write_cr4(cr4);
	} else {
		tlb_flush_all();
		if (pcid_on)
			mark_all_stale(&cpus[self()]);
	}
}

/*
 * Kernel pages [va, va + pages) under the PCIDs that are not loaded: invlpg
 * reached the global entries and the loaded PCID; a kernel entry need not be
 * global (image_file's slots) and the paging-structure caches are per PCID.
 */
static void flush_kernel_other_pcids(uint64_t va, uint64_t pages)
{
	struct tlb_cpu *c = &cpus[self()];
	for (unsigned i = 0; i < TLB_PCIDS; i++) {
		struct tlb_asid *a = &c->asid[i];
		if (!a->root || a->stale || i + 1 == c->pcid)
			continue;
		if (!invpcid_on) {
			a->stale = true;
			continue;
		}
		for (uint64_t p = 0; p < pages; p++)
			invpcid(INVPCID_ADDR, i + 1, va + p * PAGE_SIZE);
	}
	/* PCID 0 (kernel_root) is always loaded with a flush: nothing to do for it */
}

/* Flush [va, va+len) here: invlpg per page up to TLB_FLUSH_PAGES_MAX, else everything (all PCIDs and globals for kernel ranges). */
static void flush_local(uint64_t va, uint64_t len, bool kernel)
{
	uint64_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages <= TLB_FLUSH_PAGES_MAX) {
		for (uint64_t i = 0; i < pages; i++)
			tlb_flush_page(va + i * PAGE_SIZE);
		if (kernel && pcid_on)
			flush_kernel_other_pcids(va, pages);
		return;
	}
	if (kernel)
		flush_everything();
	else
		tlb_flush_all();
}

/* Load root with a PCID of c: its own if it has one (kept unless stale), else the least recently loaded one, flushed. */
static void pcid_load(struct tlb_cpu *c, uint64_t root)
{
	if (root == kernel_root) {
		if (c->root != root) {
			write_cr3(root);	/* PCID 0, flushed: it is loaded seldom (process teardown) */
			c->root = root;
			c->pcid = 0;
			tlb_stats.pcid_flushed++;
		}
		return;
	}
	struct tlb_asid *a = asid_of(c, root);
	bool keep = a && !a->stale;
	c->loads++;
	if (a && c->root == root && keep) {
		a->used = c->loads;
		return;
	}
	if (!a) {
		a = &c->asid[0];
		for (unsigned i = 1; i < TLB_PCIDS; i++)
			if (c->asid[i].used < a->used)
				a = &c->asid[i];
		a->root = root;
	}
	a->stale = false;
	a->used = c->loads;
	unsigned pcid = (unsigned)(a - c->asid) + 1;
	write_cr3(root | pcid | (keep ? CR3_NOFLUSH : 0));
	c->root = root;
	c->pcid = pcid;
	if (keep)
		tlb_stats.pcid_kept++;
	else
		tlb_stats.pcid_flushed++;
}

void tlb_load_root(uint64_t root, bool running)
{
	struct tlb_cpu *c = &cpus[self()];
	root &= PTE_ADDR;
	if (running) {
		if (pcid_on) {
			pcid_load(c, root);
		} else if (c->root != root) {
			write_cr3(root);	/* no PCID: every non-global entry goes */
			c->root = root;
		} else if (c->stale) {
			tlb_flush_all();
		}
		c->stale = false;
	}
	c->running = running;
}

uint64_t tlb_loaded_root(void)
{
	return cpus[self()].root;
}

int tlb_pcid_of(uint64_t root, bool *stale)
{
	struct tlb_cpu *c = &cpus[self()];
	struct tlb_asid *a = asid_of(c, root & PTE_ADDR);
	if (!a || !root)
		return -1;
	if (stale)
		*stale = a->stale;
	return (int)(a - c->asid) + 1;
}

/* Publish req, IPI the CPUs in mask, wait until all answered. */
static void round_trip(uint32_t mask)
{
	if (!mask)
		return;
	ASSERT(send_ipi);
	uint32_t n = 0;
	for (uint32_t m = mask; m; m &= m - 1)
		n++;
	__atomic_store_n(&pending, n, __ATOMIC_RELEASE);
	tlb_stats.rounds++;
	for (unsigned i = 0; i < TLB_MAX_CPUS; i++) {
		if (mask & (1u << i)) {
			tlb_stats.ipis++;
			send_ipi(i);
		}
	}
	/* pause: under -icount it ends this vCPU's turn, so the targets run */
	while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
		pause();
}

/*
 * The other online CPUs that must hear about root now (all of them for the
 * kernel's mappings); with mark, the others that may cache root flush
 * before they next run it: an idle CPU with root loaded, and with PCIDs
 * every CPU that keeps root under a PCID it has not loaded.
 */
static uint32_t targets(uint64_t root, bool kernel, bool mark)
{
	uint32_t mask = 0;
	unsigned me = self();
	/* the online CPUs' bits only: a system call's shootdown scans 3 records at 4 CPUs, not 16 */
	for (uint32_t m = __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE) & ~(1u << me); m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);
		struct tlb_cpu *c = &cpus[i];
		if (kernel || (c->root == root && c->running)) {
			mask |= 1u << i;
			continue;
		}
		if (!mark)
			continue;
		if (pcid_on) {
			mark_stale(c, root);
		} else if (c->root == root) {
			c->stale = true;
			tlb_stats.stale_marks++;
		}
	}
	return mask;
}

void tlb_shootdown(uint64_t root, uint64_t va, uint64_t len)
{
	if (!len)
		return;
	root &= PTE_ADDR;
	bool kernel = root == kernel_root || va >= USER_TOP;
	struct tlb_cpu *me = &cpus[self()];
	if (kernel || me->root == root || (read_cr3() & PTE_ADDR) == root)
		flush_local(va, len, kernel);
	else if (pcid_on)
		mark_stale(me, root);	/* this CPU ran root earlier: its PCID flushes when root comes back */
	if (__atomic_load_n(&online_count, __ATOMIC_ACQUIRE) == 1)
		return;
	uint32_t mask = targets(root, kernel, true);
	if (!mask)
		return;
	req.root = root;
	req.va = va;
	req.len = len;
	req.kernel = kernel;
	req.kind = REQ_FLUSH;
	round_trip(mask);
}

void tlb_sync_root(uint64_t root)
{
	if (__atomic_load_n(&online_count, __ATOMIC_ACQUIRE) == 1)
		return;
	req.root = root & PTE_ADDR;
	req.kind = REQ_SYNC;
	round_trip(targets(req.root, false, false));
}

/* c no longer names root under any PCID (root's frame may come back as another root). */
static void forget(struct tlb_cpu *c, uint64_t root)
{
	struct tlb_asid *a = asid_of(c, root);
	if (a) {
		a->root = 0;
		a->stale = false;
		a->used = 0;
	}
}

/* Switch this CPU c to kernel_root (PCID 0). */
static void load_kernel_root(struct tlb_cpu *c)
{
	write_cr3(kernel_root);
	c->root = kernel_root;
	c->pcid = 0;
	c->stale = false;
}

void tlb_root_free(uint64_t root)
{
	root &= PTE_ADDR;
	struct tlb_cpu *me = &cpus[self()];
	if (me->root == root || (read_cr3() & PTE_ADDR) == root)
		load_kernel_root(me);
	forget(me, root);
	uint32_t mask = 0;
	for (unsigned i = 0; i < TLB_MAX_CPUS; i++) {
		struct tlb_cpu *c = &cpus[i];
		if (c == me || !c->online)
			continue;
		if (c->root == root)
			mask |= 1u << i;	/* idle ones too: the root's frame may come back as another root */
		else
			forget(c, root);	/* its PCID for root is not loaded: the next use of it flushes */
	}
	if (!mask)
		return;
	req.root = root;
	req.kind = REQ_DROP_ROOT;
	round_trip(mask);
}

void tlb_ipi(void)
{
	struct tlb_cpu *c = &cpus[self()];
	uint64_t loaded = read_cr3() & PTE_ADDR;
	switch (req.kind) {
	case REQ_FLUSH:
		if (req.kernel || loaded == req.root)
			flush_local(req.va, req.len, req.kernel);
		else if (pcid_on)
			mark_stale(c, req.root);	/* left root before the IPI came */
		break;
	case REQ_SYNC:
		break;	/* the interrupt itself serialises */
	case REQ_DROP_ROOT:
		if (loaded == req.root)
			load_kernel_root(c);
		forget(c, req.root);
		break;
	}
	__atomic_sub_fetch(&pending, 1, __ATOMIC_RELEASE);
}
