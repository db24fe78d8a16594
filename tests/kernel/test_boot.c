/* tests/kernel/test_boot.c - self-tests of the foundation: formatter, symbols, boot info, traps. */
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/multiboot.h"
#include "kernel/trap.h"
#include "libc/fmt.h"

#include <string.h>

extern struct boot_info boot_info;

KTEST(fmt_in_kernel)
{
	char buf[64];
	fmt_snprintf(buf, sizeof(buf), "%d|%5s|%-4x|%016lx", -12, "ab", 0xf, 0xffffffff80000000UL);
	KT_ASSERT(strcmp(buf, "-12|   ab|f   |ffffffff80000000") == 0);
}

KTEST(ksyms_finds_kernel_functions)
{
	uint64_t off;
	const char *name = ksym_lookup(ksym_kernel_table(), (uint64_t)&ktest_run + 3, &off);
	KT_ASSERT(name != NULL);
	KT_ASSERT(strcmp(name, "ktest_run") == 0);
	KT_EQ(off, 3);
	name = ksym_lookup(ksym_kernel_table(), (uint64_t)&mb2_parse, &off);
	KT_ASSERT(name && strcmp(name, "mb2_parse") == 0);
	KT_ASSERT(ksym_kernel_table()->count > 50);
}

KTEST(boot_memory_map_sane)
{
	KT_ASSERT(boot_info.mmap_count > 0);
	uint64_t usable = 0;
	for (int i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == MB2_MEM_AVAILABLE)
			usable += boot_info.mmap[i].len;
	/* QEMU runs us with at least 64 MiB; the map must say so. */
	KT_ASSERT(usable >= 60ULL << 20);
	KT_ASSERT(strstr(boot_info.cmdline, "test=") != NULL);
}

KTEST(extable_catches_probe_of_unmapped_address)
{
	uint8_t v = 0;
	/* Non-canonical: #GP, recovered through the exception table. */
	KT_EQ(probe_read8((const void *)0x8000000000000000ULL, &v), (uint64_t)-1);
	static volatile uint8_t cell = 7;
	KT_EQ(probe_read8(&cell, &v), 0);
	KT_EQ(v, 7);
	KT_EQ(probe_write8(&cell, 9), 0);
	KT_EQ(cell, 9);
}

KTEST(ktest_name_matching)
{
	KT_ASSERT(ktest_match("all", "anything"));
	KT_ASSERT(ktest_match("", "anything"));
	KT_ASSERT(ktest_match("mm_*", "mm_frames"));
	KT_ASSERT(ktest_match("mm_", "mm_frames"));
	KT_ASSERT(!ktest_match("mm_*", "pat_bits"));
	KT_ASSERT(ktest_match("pat_bits", "pat_bits"));
	KT_ASSERT(!ktest_match("all", "bench_frame"));
	KT_ASSERT(ktest_match("bench", "bench_frame"));
	KT_ASSERT(ktest_match("ram_,frame_", "frame_stats"));
	KT_ASSERT(ktest_match("ram_,frame_*", "ram_total"));
	KT_ASSERT(!ktest_match("ram_,frame_", "pat_bits"));
	KT_ASSERT(!ktest_match("ram_,", "bench_frame"));
}
