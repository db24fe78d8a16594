/* mm/tlb.c - TLB shootdown across CPUs (mm/tlb.h). */
#include "tlb.h"
#include "frame.h"
#include "kernel/cpu.h"
#include "kernel/layout.h"
#include "kernel/panic.h"

#define TLB_CR4_PGE (1ULL << 7)
#define ROOT_MASK 0x000ffffffffff000ULL	/* CR3's page-table address bits */
#define PTE_ADDR ROOT_MASK

static uint64_t kernel_root;

void tlb_set_kernel_root(uint64_t root)
{
	kernel_root = root;
}

void tlb_flush_page(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

/* Per-CPU records; written by their own CPU under the kernel lock (or, for a root drop, by its IPI handler while the requester waits). */
static struct tlb_cpu {
	uint64_t root;		/* loaded CR3 (address bits) */
	bool online;
	bool running;		/* a thread runs (or is about to): it gets IPIs */
	bool stale;		/* idle with root loaded when root changed: flush before running */
} cpus[TLB_MAX_CPUS];
static unsigned online_count = 1;

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

void tlb_set_ipi(void (*send)(unsigned cpu), unsigned (*self_fn)(void))
{
	send_ipi = send;
	self_index = self_fn;
}

void tlb_cpu_online(unsigned cpu, uint64_t root)
{
	ASSERT(cpu < TLB_MAX_CPUS);
	cpus[cpu].root = root & PTE_ADDR;
	cpus[cpu].running = false;
	cpus[cpu].stale = false;
	if (!cpus[cpu].online) {
		cpus[cpu].online = true;
		if (cpu)
			__atomic_add_fetch(&online_count, 1, __ATOMIC_RELEASE);
	}
}

/* Flush [va, va+len) here: invlpg per page up to TLB_FLUSH_PAGES_MAX, else everything (globals too for kernel ranges). */
static void flush_local(uint64_t va, uint64_t len, bool kernel)
{
	uint64_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages <= TLB_FLUSH_PAGES_MAX) {
		for (uint64_t i = 0; i < pages; i++)
			tlb_flush_page(va + i * PAGE_SIZE);
		return;
	}
	uint64_t cr4 = read_cr4();
	if (kernel && (cr4 & TLB_CR4_PGE)) {
		write_cr4(cr4 & ~TLB_CR4_PGE);	/* clearing PGE drops global entries too */
		write_cr4(cr4);
	} else {
		tlb_flush_all();
	}
}

void tlb_load_root(uint64_t root, bool running)
{
	struct tlb_cpu *c = &cpus[self()];
	root &= PTE_ADDR;
	if (running) {
		if (c->root != root) {
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
		__asm__ volatile("pause" ::: "memory");
}

/* The other online CPUs that must hear about root (all of them for the kernel's mappings); idle ones marked stale. */
static uint32_t targets(uint64_t root, bool kernel, bool mark_idle)
{
	uint32_t mask = 0;
	unsigned me = self();
	for (unsigned i = 0; i < TLB_MAX_CPUS; i++) {
		struct tlb_cpu *c = &cpus[i];
		if (i == me || !c->online)
			continue;
		if (!kernel && c->root != root)
			continue;
		if (!kernel && !c->running) {
			if (mark_idle) {
				c->stale = true;
				tlb_stats.stale_marks++;
			}
			continue;
		}
		mask |= 1u << i;
	}
	return mask;
}

void tlb_shootdown(uint64_t root, uint64_t va, uint64_t len)
{
	if (!len)
		return;
	root &= PTE_ADDR;
	bool kernel = root == (kernel_root & PTE_ADDR) || va >= USER_TOP;
	if (kernel || cpus[self()].root == root || (read_cr3() & PTE_ADDR) == root)
		flush_local(va, len, kernel);
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

void tlb_root_free(uint64_t root)
{
	root &= PTE_ADDR;
	struct tlb_cpu *me = &cpus[self()];
	if (me->root == root || (read_cr3() & PTE_ADDR) == root) {
		write_cr3(kernel_root);
		me->root = kernel_root & PTE_ADDR;
	}
	uint32_t mask = 0;
	for (unsigned i = 0; i < TLB_MAX_CPUS; i++)
		if (&cpus[i] != me && cpus[i].online && cpus[i].root == root)
			mask |= 1u << i;	/* idle ones too: the root's frame may come back as another root */
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
		break;
	case REQ_SYNC:
		break;	/* the interrupt itself serialises */
	case REQ_DROP_ROOT:
		if (loaded == req.root) {
			write_cr3(kernel_root);
			c->root = kernel_root & PTE_ADDR;
			c->stale = false;
		}
		break;
	}
	__atomic_sub_fetch(&pending, 1, __ATOMIC_RELEASE);
}
