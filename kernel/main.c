/* kernel/main.c - kmain: bring the machine up in order, then run what the command line asks. */
#include "acpi.h"
#include "console.h"
#include "gdt.h"
#include "deadline.h"
#include "ktest.h"
#include "file.h"
#include "image_file.h"
#include "layout.h"
#include "multiboot.h"
#include "panic.h"
#include "power.h"
#include "trap.h"
#include "mm/frame.h"
#include "mm/kpaging.h"
#include "mm/kheap.h"
#include "mm/pagefile.h"
#include "mm/swap.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/section.h"
#include "mm/vm.h"
#include "cpu.h"
#include "ipi.h"
#include "proc.h"
#include "smp.h"
#include "time.h"
#include "timer.h"
#include "fpu.h"

#include <string.h>

struct boot_info boot_info;
extern bool proc_bench_boot_report;	/* kernel/proc.c: print boot_to_first_user_insn */
extern uint64_t proc_bench_ktest_cycles;

static void print_memory_map(const struct boot_info *bi)
{
	uint64_t usable = 0;
	kprintf("memory map (%d entries):\n", bi->mmap_count);
	for (int i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		kprintf("  %016lx-%016lx %10lu KiB %s\n", m->base, m->base + m->len - 1, m->len >> 10,
			mb2_mem_type_name(m->type));
		if (m->type == MB2_MEM_AVAILABLE)
			usable += m->len;
	}
	kprintf("usable memory: %lu KiB\n", usable >> 10);
	for (int i = 0; i < bi->module_count; i++)
		kprintf("module %d: %lx-%lx %s\n", i, bi->modules[i].start, bi->modules[i].end, bi->modules[i].name);
	if (bi->modules_dropped)
		kprintf("boot modules: %d more than the %d the kernel keeps, ignored\n", bi->modules_dropped,
			BOOT_MAX_MODULES);
	if (bi->fb.present)
		kprintf("framebuffer: %lx %ux%u bpp %u\n", bi->fb.addr, bi->fb.width, bi->fb.height, bi->fb.bpp);
}

/* The number in MiB of key=N on the command line, or dflt when absent. */
static uint64_t cmdline_mib(const char *key, uint64_t dflt)
{
	char arg[32];
	if (!cmdline_get(boot_info.cmdline, key, arg, sizeof(arg)))
		return dflt;
	uint64_t mib = 0;
	for (const char *c = arg; *c >= '0' && *c <= '9'; c++)
		mib = mib * 10 + (uint64_t)(*c - '0');
	return mib;
}

/*
 * The commit limit: the frames free now, less a reserve for page tables and
 * kernel structures, plus the pagefile's current size (mm/swap.c: pages are
 * paged out to its slots under pressure, so every committed page is either in
 * a frame or in a slot).  It grows with the pagefile up to RAM's share plus
 * the pagefile's maximum (docs/pagefile.md).  commit_limit=MiB on the command
 * line sets a lower, fixed limit.
 */
static void commit_init(void)
{
	struct frame_stats s;
	frame_stats(&s);
	uint64_t paging = swap_slots_total() ? pagefile_slots() : 0;	/* no swap tables: no paging */
	uint64_t reserve = s.free / 16, ram = s.free - reserve, limit = ram + paging, max = ram + swap_slots_total();
	uint64_t fixed = cmdline_mib("commit_limit", ~0ULL >> 8) * 256;
	if (fixed < limit)
		vm_commit_init(limit = max = fixed);
	else
		vm_commit_init_growable(limit, max);
	pt_set_table_limit(s.total / 2);	/* half of RAM at most in page tables */
	kprintf("commit limit: %lu pages (%lu MiB: %lu MiB of RAM, %lu MiB of pagefile), up to %lu MiB\n", limit,
		limit >> 8, ram >> 8, paging >> 8, max >> 8);
}

/*
 * Run boot module `name` as a process until it exits, with the command line
 * cmdline[0..len) (NULL: the name); false if it cannot start.
 */
static bool run_program(const char *name, const char *cmdline, uint64_t len, int64_t *status)
{
	int64_t st;
	struct process *p = proc_create(name, cmdline, len, NULL, &st);
	if (!p) {
		if (st == STATUS_OBJECT_NAME_NOT_FOUND)
			kprintf("kernel: no module named %s\n", name);
		else
			kprintf("kernel: cannot start %s: status 0x%lx\n", name, (uint64_t)st);
		*status = st;
		return false;
	}
	kprintf("kernel: process %d (%s) started\n", p->pid, name);
	proc_run_until_exit(p);
	*status = p->exit_status;
	kprintf("kernel: process %d (%s) exited with status 0x%x\n", p->pid, name, (uint32_t)p->exit_status);
	proc_reap(p);
	proc_reap_zombies();
	return true;
}

/* True when name ends with suffix (case-insensitive ASCII). */
static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++) {
		char c = name[n - k + i];
		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != suffix[i])
			return false;
	}
	return true;
}

/*
 * Every boot module is a user test program (except child_*, which tests start
 * themselves): run each in its own process and check that every frame,
 * heap object and pagefile slot comes back.
 */
static int run_user_tests(void)
{
	int passed = 0, failed = 0;
	for (int i = 0; i < boot_info.module_count; i++) {
		const char *name = boot_info.modules[i].name;
		if (strncmp(name, "child_", 6) == 0)
			continue;	/* started by the tests themselves */
		if (!ends_with(name, ".exe"))
			continue;	/* DLLs, cmdline.txt */
		struct frame_stats before, after;
		file_idle();	/* the file cache holds nothing a program left behind */
		frame_stats(&before);
		size_t heap_before = kheap_live();
		uint64_t slots_before = swap_slots_used();
		int64_t status = -1;
		bool ran = run_program(name, NULL, 0, &status);
		file_idle();
		frame_stats(&after);
		if (!ran || status != 0) {
			kprintf("utest: FAIL %s: exit status 0x%x\n", name, (uint32_t)status);
			failed++;
		} else if (after.free != before.free || kheap_live() != heap_before || swap_slots_used() != slots_before) {
			kprintf("utest: FAIL %s: leaked %ld frames, %ld heap objects, %ld pagefile slots\n", name,
				(int64_t)(before.free - after.free), (int64_t)(kheap_live() - heap_before),
				(int64_t)(swap_slots_used() - slots_before));
			failed++;
		} else {
			kprintf("utest: PASS %s\n", name);
			passed++;
		}
	}
	kprintf("utest: %d passed, %d failed\n", passed, failed);
	return failed;
}

void kmain(uint32_t magic, uint32_t info_phys)
{
	cpu_set_self(&cpus[0]);	/* GS: this_cpu() and lock_cpu_id() work from here on */
	console_init();
	kprintf("\nwinmm kernel: 64-bit, higher half at %lx\n", (uint64_t)KERNEL_VMA);
	gdt_init();
	idt_init();
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot2 loader (magic %x)", magic);
	/* The boot page tables map the low 4 GiB at the direct-map base. */
	if (mb2_parse((const void *)(DIRECT_MAP_BASE + info_phys), &boot_info) != 0)
		panic("malformed Multiboot2 information at %x", info_phys);
	kprintf("command line: %s\n", boot_info.cmdline);
	print_memory_map(&boot_info);
	acpi_init(&boot_info);	/* through the boot direct map, before frames reuse any of it */
	frame_init(&boot_info, info_phys);
	kpaging_init(&boot_info);
	image_file_init();	/* before any address space: each copies the window's PML4 entry */
	time_init();
	timer_init();
	deadline_init(boot_info.cmdline);
	fpu_init();
	pagefile_init(cmdline_mib("pagefile_initial", PAGEFILE_INITIAL_MIB) * 256);
	swap_init();
	commit_init();
	proc_init();
	ipi_init();
	smp_init(&boot_info);	/* after sched_init: the APs run sched_ap_main */
	file_init();

	char arg[64];
	if (cmdline_get(boot_info.cmdline, "test", arg, sizeof(arg))) {
		/* test=bench run=PROG: the in-kernel benchmarks, then the benchmark program */
		char prog[64];
		bool bench_prog = strcmp(arg, "bench") == 0 && cmdline_get(boot_info.cmdline, "run", prog, sizeof(prog));
		proc_bench_boot_report = bench_prog;
		uint64_t t0 = rdtsc();
		int failed = ktest_run(arg);
		proc_bench_ktest_cycles = rdtsc() - t0;	/* not part of booting: left out of boot_to_first_user_insn */
		if (strcmp(arg, "all") == 0 || cmdline_get(boot_info.cmdline, "utests", NULL, 0))
			failed += run_user_tests();	/* "utests": the programs after a test=PATTERN too */
		int64_t status = 0;
		if (bench_prog && (!run_program(prog, NULL, 0, &status) || status != 0))
			failed++;
		file_idle();	/* C: clean for fsck */
		power_off(failed ? 1 : 0);
	}
	if (cmdline_get(boot_info.cmdline, "run", arg, sizeof(arg))) {
		/* The command line: the module cmdline.txt when there is one (its first line), else the name. */
		const struct boot_module *cm = module_find("cmdline.txt");
		const char *cmd = NULL;
		uint64_t len = 0;
		if (cm) {
			cmd = phys_to_virt(cm->start);
			while (len < cm->end - cm->start && cmd[len] != '\n' && cmd[len] != '\r' && cmd[len])
				len++;
		}
		int64_t status;
		bool ran = run_program(arg, cmd, len, &status);
		file_idle();	/* what the program wrote is on C: */
		power_off(ran ? (int)status : 1);
	}
	if (cmdline_get(boot_info.cmdline, "panic", arg, sizeof(arg)))
		panic("panic requested on the command line");
	kprintf("nothing more to do\n");
	power_off(0);
}
