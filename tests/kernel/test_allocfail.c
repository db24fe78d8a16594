/*
 * tests/kernel/test_allocfail.c - the allocation-failure sweep: user programs
 * run with the kernel's allocators failing at the Nth allocation
 * (mm/allocfail.h).  Whatever fails, the machine stays up (a panic fails the
 * test), the program ends (with its status or an exception code), and every
 * frame, kernel heap object, pagefile slot and page of commit comes back.  `make test` runs a
 * bounded sample of N per program; allocfail=full on the command line (make
 * allocfail) runs every N from 1 to the number the program makes,
 * allocfail=off none, allocfail=N only N, with a backtrace of the failure.
 */
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "kernel/multiboot.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "mm/allocfail.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/swap.h"
#include "mm/vm.h"

#include <string.h>

extern struct boot_info boot_info;

static const char *const sweep_progs[] = { "vm_reserve_commit.exe", "vm_section.exe", "pe_dll_reloc.exe",
					   "fork.exe" };

struct sweep_result {
	uint64_t runs, injected, exit_zero, exit_nonzero, exceptions, no_memory, not_started, leaks;
	uint64_t first_leak_at;
	int64_t last_status;	/* of the last run: exit status, exception code, or why it did not start */
};

/*
 * Run name once with the at-th allocation failing (0: none) and the leak
 * oracle around it (when check); *count gets the allocations it made.  Processes it left
 * running (children of a parent that gave up) are run to their end first.
 */
/* allocfail=N: where the injected failure happened. */
static void print_failing_allocation(void)
{
	kprintf("allocfail: allocation %lu fails here:\n", allocfail.at);
	const uint64_t *fp = __builtin_frame_address(0);	/* [0] the caller's rbp, [1] our return address */
	backtrace_print(fp[1], fp[0]);
}

static bool trace_failures;

static void run_once(const char *name, uint64_t at, bool check, uint64_t *count, struct sweep_result *r)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap_before = kheap_live();
	uint64_t slots_before = swap_slots_used();
	struct vm_commit_info commit_before, commit_after;
	vm_commit_get(&commit_before);
	bool muted = console_user_mute(true);
	allocfail_arm(at, trace_failures ? print_failing_allocation : NULL);
	int64_t st;
	struct process *p = proc_create(name, NULL, 0, NULL, &st);
	if (p) {
		int pid = p->pid;
		proc_run_until_exit(p);
		r->last_status = p->exit_status;
		if (p->ended_by_exception)
			r->exceptions++, r->no_memory += (uint32_t)p->exit_status == 0xC0000017u;
		else if (p->exit_status == 0)
			r->exit_zero++;
		else
			r->exit_nonzero++;
		proc_reap(p);
		for (int q = pid + 1; q < pid + 1024; q++) {
			struct process *c = proc_find(q);
			if (c && c->state != PROC_ZOMBIE)
				proc_run_until_exit(c);
		}
		proc_reap_zombies();
	} else {
		r->last_status = st;
		r->not_started++;
	}
	uint64_t failed = allocfail.failed;
	*count = allocfail_disarm();
	console_user_mute(muted);
	r->injected += failed;
	frame_stats(&after);
	vm_commit_get(&commit_after);
	int64_t frames = (int64_t)(before.free - after.free), heap = (int64_t)(kheap_live() - heap_before),
		slots = (int64_t)(swap_slots_used() - slots_before),
		commit = (int64_t)(commit_after.charged - commit_before.charged);
	if ((frames || heap || slots || commit) && check) {
		if (!r->leaks)
			r->first_leak_at = at;
		r->leaks++;
		kprintf("allocfail: %s with allocation %lu failing leaked %ld frames, %ld heap objects, %ld pagefile "
			"slots, %ld pages of commit\n", name, at, frames, heap, slots, commit);
	}
	r->runs++;
}

#define SWEEP_SAMPLES 16	/* N spread evenly over the program's allocations, after 1..4 */

/* The next N to try after n, out of total: every N when full, else 1..4 and then SWEEP_SAMPLES steps. */
static uint64_t next_at(uint64_t n, uint64_t total, bool full)
{
	uint64_t step = total / SWEEP_SAMPLES;
	return full || n < 4 || step < 1 ? n + 1 : n + step;
}

KTEST(allocfail_sweep)
{
	char arg[16] = "";
	cmdline_get(boot_info.cmdline, "allocfail", arg, sizeof(arg));
	bool full = strcmp(arg, "full") == 0;
	if (strcmp(arg, "off") == 0)
		return;	/* allocfail=off: not in this boot */
	uint64_t only = 0;	/* allocfail=N: that N alone, with a backtrace of the failing allocation */
	for (const char *c = arg; *c >= '0' && *c <= '9'; c++)
		only = only * 10 + (uint64_t)(*c - '0');
	trace_failures = only != 0;
	int swept = 0;
	for (unsigned i = 0; i < sizeof(sweep_progs) / sizeof(sweep_progs[0]); i++) {
		const char *name = sweep_progs[i];
		if (!module_find(name))
			continue;
		struct sweep_result r = { 0 };
		uint64_t total, count, t0 = time_ms();
		struct sweep_result warm = { 0 };
		run_once(name, 0, false, &total, &warm);	/* warm-up: kernel page tables for kernel stacks stay */
		run_once(name, 0, true, &total, &r);	/* the count, and the program passing on its own */
		KT_EQ(r.leaks, 0);
		if (r.exit_zero != 1) {	/* its own utest line reports it */
			kprintf("allocfail: %s fails without injected failures (status 0x%lx): not swept\n", name,
				(uint64_t)r.last_status);
			continue;
		}
		/*
		 * On several CPUs a program's allocation count varies from run to run
		 * (which thread allocates first, a timed wait): a run that made fewer
		 * than its N allocations had no failure to inject.
		 */
		uint64_t short_runs = 0;
		for (uint64_t at = only ? only : 1; at <= total; at = only ? total + 1 : next_at(at, total, full)) {
			run_once(name, at, true, &count, &r);
			short_runs += count < at;
		}
		kprintf("allocfail: %s: %lu allocations; %lu runs, %lu failures injected: %lu exited 0, %lu with an "
			"error status, %lu by an exception (%lu of them STATUS_NO_MEMORY), %lu did not start; %lu leaked "
			"(%lu ms)\n", name, total, r.runs - 1, r.injected, r.exit_zero - 1, r.exit_nonzero, r.exceptions,
			r.no_memory, r.not_started, r.leaks, time_ms() - t0);
		KT_EQ(r.leaks, 0);
		if (short_runs)
			kprintf("allocfail: %s: %lu runs made fewer allocations than their N\n", name, short_runs);
		KT_ASSERT(r.injected + short_runs == r.runs - 1);	/* every armed run that reached its N failed there */
		KT_ASSERT(only || r.runs > 4);
		swept++;
	}
	KT_ASSERT(swept >= 2 || module_find("hello.exe") == NULL);	/* a boot with the test programs */
}
