/* kernel/multiboot.c - Multiboot2 tag parsing and the kernel command line (pure; host-tested). */
#include "multiboot.h"

#define TAG_END         0
#define TAG_CMDLINE     1
#define TAG_LOADER      2
#define TAG_MODULE      3
#define TAG_MMAP        6
#define TAG_FRAMEBUFFER 8
#define TAG_ACPI_OLD    14
#define TAG_ACPI_NEW    15

struct tag {
	uint32_t type, size;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

int mb2_parse(const void *info, struct boot_info *out)
{
	const uint8_t *base = info;
	uint32_t total = rd32(base);
	*out = (struct boot_info){ .cmdline = "", .loader = "" };
	out->total_size = total;
	if (total < 16 || total > (1u << 24))
		return -1;
	uint32_t off = 8;
	for (;;) {
		if (off + 8 > total)
			return -1;
		const uint8_t *t = base + off;
		uint32_t type = rd32(t), size = rd32(t + 4);
		if (size < 8 || size > total - off)
			return -1;
		switch (type) {
		case TAG_END:
			return 0;
		case TAG_CMDLINE:
			out->cmdline = (const char *)(t + 8);
			break;
		case TAG_LOADER:
			out->loader = (const char *)(t + 8);
			break;
		case TAG_MODULE:
			if (size < 17)
				return -1;
			if (out->module_count < BOOT_MAX_MODULES) {
				struct boot_module *m = &out->modules[out->module_count++];
				m->start = rd32(t + 8);
				m->end = rd32(t + 12);
				m->name = (const char *)(t + 16);
				if (m->end < m->start)
					return -1;
			} else {
				out->modules_dropped++;
			}
			break;
		case TAG_MMAP: {
			if (size < 16)
				return -1;
			uint32_t esize = rd32(t + 8);
			if (esize < 24)
				return -1;
			for (uint32_t e = 16; e + esize <= size; e += esize) {
				if (out->mmap_count == BOOT_MAX_MMAP)
					break;
				struct boot_mmap_entry *m = &out->mmap[out->mmap_count++];
				m->base = rd64(t + e);
				m->len = rd64(t + e + 8);
				m->type = rd32(t + e + 16);
			}
			break;
		}
		case TAG_FRAMEBUFFER:
			if (size < 31)
				return -1;
			out->fb.present = true;
			out->fb.addr = rd64(t + 8);
			out->fb.pitch = rd32(t + 16);
			out->fb.width = rd32(t + 20);
			out->fb.height = rd32(t + 24);
			out->fb.bpp = t[28];
			out->fb.type = t[29];
			break;
		case TAG_ACPI_OLD:
		case TAG_ACPI_NEW:	/* a copy of the RSDP; the ACPI 2.0 one wins */
			if (size > 8 && (type == TAG_ACPI_NEW || !out->acpi_rsdp_new)) {
				out->acpi_rsdp = t + 8;
				out->acpi_rsdp_len = size - 8;
				out->acpi_rsdp_new = type == TAG_ACPI_NEW;
			}
			break;
		default:
			break;
		}
		off += (size + 7) & ~7u;
	}
}

const char *mb2_mem_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MEM_AVAILABLE: return "available";
	case MB2_MEM_RESERVED: return "reserved";
	case MB2_MEM_ACPI: return "ACPI reclaimable";
	case MB2_MEM_NVS: return "ACPI NVS";
	case MB2_MEM_BAD: return "bad";
	default: return "unknown";
	}
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	const char *p = cmdline;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *k = key;
		const char *q = p;
		while (*k && *q == *k)
			q++, k++;
		if (*k == '\0' && (*q == '=' || *q == ' ' || *q == '\0')) {
			size_t n = 0;
			if (*q == '=') {
				q++;
				while (q[n] && q[n] != ' ')
					n++;
			}
			if (size > 0) {
				size_t c = n < size - 1 ? n : size - 1;
				for (size_t i = 0; i < c; i++)
					buf[i] = q[i];
				buf[c] = '\0';
			}
			return true;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}
