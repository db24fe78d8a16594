/* kernel/main.c - kmain: bring the machine up in order, then run what the command line asks. */
#include "console.h"
#include "gdt.h"
#include "ktest.h"
#include "layout.h"
#include "multiboot.h"
#include "panic.h"
#include "power.h"
#include "trap.h"
#include "mm/frame.h"
#include "mm/kpaging.h"

struct boot_info boot_info;

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
	if (bi->fb.present)
		kprintf("framebuffer: %lx %ux%u bpp %u\n", bi->fb.addr, bi->fb.width, bi->fb.height, bi->fb.bpp);
}

void kmain(uint32_t magic, uint32_t info_phys)
{
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
	frame_init(&boot_info, info_phys);
	kpaging_init(&boot_info);

	char arg[64];
	if (cmdline_get(boot_info.cmdline, "test", arg, sizeof(arg))) {
		int failed = ktest_run(arg);
		power_off(failed ? 1 : 0);
	}
	if (cmdline_get(boot_info.cmdline, "panic", arg, sizeof(arg)))
		panic("panic requested on the command line");
	kprintf("nothing more to do\n");
	power_off(0);
}
