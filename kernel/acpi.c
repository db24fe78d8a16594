/* kernel/acpi.c - RSDP, RSDT/XSDT and MADT parsing (pure; host-tested), and its boot-time caller. */
#include "acpi.h"

#include <stddef.h>
#include <string.h>

#define SDT_HEADER_LEN 36
#define SDT_MAX_LEN    (1u << 20)	/* no table the kernel reads is near this */

#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9

#define LAPIC_ENABLED        1u
#define LAPIC_ONLINE_CAPABLE 2u

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* True when the bytes p[0..len) sum to 0 modulo 256. */
static bool checksum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/*
 * The whole system description table at phys, its length in *len, when it can
 * be mapped, its length is sane and its checksum holds; NULL otherwise.  When
 * sig is not NULL a table with another signature is NULL too.
 */
static const uint8_t *map_table(uint64_t phys, const char *sig, acpi_map_fn map, void *ctx, uint32_t *len)
{
	const uint8_t *h = map(phys, SDT_HEADER_LEN, ctx);
	if (!h || (sig && memcmp(h, sig, 4) != 0))
		return NULL;
	uint32_t n = rd32(h + 4);
	if (n < SDT_HEADER_LEN || n > SDT_MAX_LEN)
		return NULL;
	const uint8_t *t = map(phys, n, ctx);
	if (!t || !checksum_ok(t, n))
		return NULL;
	*len = n;
	return t;
}

/* Add an enabled processor, dropping a second entry for the same APIC ID. */
static void add_cpu(struct acpi_info *out, uint32_t apic_id, uint32_t uid, bool x2apic)
{
	for (unsigned i = 0; i < out->ncpus; i++)
		if (out->cpus[i].apic_id == apic_id)
			return;
	if (out->ncpus == ACPI_MAX_CPUS) {
		out->cpus_dropped++;
		return;
	}
	out->cpus[out->ncpus++] = (struct acpi_cpu){ apic_id, uid, x2apic };
}

/* One MADT entry e[0..elen); false when its length does not suit its type. */
static bool madt_entry(struct acpi_info *out, const uint8_t *e, uint32_t elen)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (elen < 8)
			return false;
		if (rd32(e + 4) & LAPIC_ENABLED)
			add_cpu(out, e[3], e[2], false);
		else if (!(rd32(e + 4) & LAPIC_ONLINE_CAPABLE))
			out->cpus_disabled++;
		break;
	case MADT_X2APIC:
		if (elen < 16)
			return false;
		if (rd32(e + 8) & LAPIC_ENABLED)
			add_cpu(out, rd32(e + 4), rd32(e + 12), true);
		else if (!(rd32(e + 8) & LAPIC_ONLINE_CAPABLE))
			out->cpus_disabled++;
		break;
	case MADT_IOAPIC:
		if (elen < 12)
			return false;
		if (out->nioapics < ACPI_MAX_IOAPICS)
			out->ioapics[out->nioapics++] = (struct acpi_ioapic){ e[2], rd32(e + 4), rd32(e + 8) };
		break;
	case MADT_OVERRIDE:
		if (elen < 10)
			return false;
		if (out->noverrides < ACPI_MAX_OVERRIDES)
			out->overrides[out->noverrides++] =
				(struct acpi_override){ e[2], e[3], rd32(e + 4), (uint16_t)rd16(e + 8) };
		break;
	case MADT_LAPIC_OVERRIDE:
		if (elen < 12)
			return false;
		out->lapic_addr = rd64(e + 4);
		break;
	default:
		break;	/* NMI sources, local APIC NMIs, GIC entries...: not needed */
	}
	return true;
}

/* The MADT t[0..len) (checksum already checked). */
static int parse_madt(struct acpi_info *out, const uint8_t *t, uint32_t len)
{
	if (len < SDT_HEADER_LEN + 8) {
		out->error = "MADT too short";
		return -1;
	}
	out->lapic_addr = rd32(t + 36);
	out->pcat_compat = rd32(t + 40) & 1;
	for (uint32_t off = SDT_HEADER_LEN + 8; off < len;) {
		if (len - off < 2 || t[off + 1] < 2 || t[off + 1] > len - off) {
			out->error = "MADT entry runs past the table";
			return -1;
		}
		if (!madt_entry(out, t + off, t[off + 1])) {
			out->error = "MADT entry too short for its type";
			return -1;
		}
		off += t[off + 1];
	}
	if (out->ncpus == 0) {
		out->error = "MADT lists no enabled processor";
		return -1;
	}
	return 0;
}

int acpi_parse(const void *rsdp, uint32_t rsdp_len, acpi_map_fn map, void *ctx, struct acpi_info *out)
{
	const uint8_t *r = rsdp;
	memset(out, 0, sizeof(*out));
	if (!r || rsdp_len < 20 || memcmp(r, "RSD PTR ", 8) != 0 || !checksum_ok(r, 20)) {
		out->error = "no valid RSDP";
		return -1;
	}
	memcpy(out->oem, r + 9, 6);
	out->revision = r[15];
	uint64_t root = rd32(r + 16);
	unsigned entry_size = 4;
	if (r[15] >= 2 && rsdp_len >= 36) {
		uint32_t xlen = rd32(r + 20);
		if (xlen < 36 || xlen > rsdp_len || !checksum_ok(r, xlen)) {
			out->error = "bad ACPI 2.0 RSDP (length or extended checksum)";
			return -1;
		}
		if (rd64(r + 24)) {
			root = rd64(r + 24);
			entry_size = 8;
			out->xsdt = true;
		}
	}
	uint32_t root_len;
	const uint8_t *rt = map_table(root, out->xsdt ? "XSDT" : "RSDT", map, ctx, &root_len);
	if (!rt) {
		out->error = out->xsdt ? "bad XSDT (unmappable, length or checksum)" : "bad RSDT (unmappable, length or checksum)";
		return -1;
	}
	for (uint32_t off = SDT_HEADER_LEN; off + entry_size <= root_len; off += entry_size) {
		uint64_t phys = entry_size == 8 ? rd64(rt + off) : rd32(rt + off);
		const uint8_t *h = map(phys, SDT_HEADER_LEN, ctx);
		if (!h) {
			out->tables_bad++;
			continue;
		}
		if (memcmp(h, "APIC", 4) != 0)
			continue;
		uint32_t len;
		const uint8_t *madt = map_table(phys, "APIC", map, ctx, &len);
		if (!madt) {
			out->error = "bad MADT (length or checksum)";
			return -1;
		}
		return parse_madt(out, madt, len);
	}
	out->error = "no MADT";
	return -1;
}

#ifndef HOST_TEST
#include "console.h"
#include "layout.h"
#include "multiboot.h"

struct acpi_info acpi;

/* The boot page tables map physical 0..4 GiB at DIRECT_MAP_BASE (boot/boot.S). */
static const void *boot_map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)ctx;
	if (phys >= (4ULL << 30) || len > (4ULL << 30) - phys)
		return NULL;
	return (const void *)(DIRECT_MAP_BASE + phys);
}

bool acpi_init(const struct boot_info *bi)
{
	if (acpi_parse(bi->acpi_rsdp, bi->acpi_rsdp_len, boot_map, NULL, &acpi) != 0) {
		kprintf("acpi: %s; one CPU\n", acpi.error);
		return false;
	}
	kprintf("acpi: %s %s, MADT: %u CPUs%s, %u I/O APICs, %u overrides, local APIC at %lx\n",
		acpi.oem, acpi.xsdt ? "XSDT" : "RSDT", acpi.ncpus, acpi.cpus_dropped ? " (more dropped)" : "",
		acpi.nioapics, acpi.noverrides, acpi.lapic_addr);
	return true;
}
#endif
