/* kernel/multiboot.h - what the boot loader told us, parsed from the Multiboot2 tags. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289

#define MB2_MEM_AVAILABLE 1
#define MB2_MEM_RESERVED  2
#define MB2_MEM_ACPI      3
#define MB2_MEM_NVS       4
#define MB2_MEM_BAD       5

#define BOOT_MAX_MMAP    64
#define BOOT_MAX_MODULES 256

struct boot_mmap_entry {
	uint64_t base, len;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end;	/* physical, end exclusive */
	const char *name;	/* the module's command line */
};

struct boot_framebuffer {
	bool present;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
};

struct boot_info {
	const char *cmdline;
	const char *loader;
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	int mmap_count;
	struct boot_module modules[BOOT_MAX_MODULES];
	int module_count;
	int modules_dropped;	/* modules past BOOT_MAX_MODULES, not recorded */
	struct boot_framebuffer fb;
	uint32_t total_size;	/* bytes of the tag area, for excluding it from free memory */
	const void *acpi_rsdp;	/* the loader's copy of the ACPI RSDP (tag 15, else 14); NULL: none */
	uint32_t acpi_rsdp_len;	/* its bytes */
	bool acpi_rsdp_new;	/* from the ACPI 2.0+ tag */
};

/*
 * Parse the Multiboot2 information at info (a virtual address).  Strings in
 * the result point into the information.  Returns 0, or -1 if the structure
 * is malformed (a tag running past total_size, a bad size).  Too many mmap
 * entries or modules are truncated at the array size (modules_dropped
 * counts the modules left out).
 */
int mb2_parse(const void *info, struct boot_info *out);

/* Human-readable name of a memory map type. */
const char *mb2_mem_type_name(uint32_t type);

/*
 * Find "key=value" in a space-separated command line; copy the value (up to
 * size-1 bytes, NUL-terminated) into buf.  Returns true if the key is present
 * ("key" alone yields an empty value).
 */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

#endif
