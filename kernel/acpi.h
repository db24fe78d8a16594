/*
 * kernel/acpi.h - the ACPI tables the kernel needs to find its CPUs and
 * interrupt controllers: RSDP (the loader's copy), RSDT or XSDT, and the
 * MADT (local APICs, x2APICs, I/O APICs, interrupt source overrides).
 *
 * The parser is pure (host-tested with crafted tables): it reaches physical
 * memory only through a map callback, which returns NULL for a range it
 * cannot show, and it checks every checksum and every length against the
 * table that holds it.  A bad table is an error with a reason, never a crash.
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_MAX_CPUS      64
#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 16

struct acpi_cpu {
	uint32_t apic_id;	/* local APIC ID (x2APIC ID for a type 9 entry) */
	uint32_t uid;		/* ACPI processor UID */
	bool x2apic;		/* from an x2APIC entry */
};

struct acpi_ioapic {
	uint32_t id;
	uint32_t addr;		/* physical base of its registers */
	uint32_t gsi_base;	/* first global system interrupt it serves */
};

/* An ISA IRQ that is not wired to the GSI of the same number, or not edge/high. */
struct acpi_override {
	uint8_t bus, source;	/* bus 0 (ISA), IRQ */
	uint32_t gsi;
	uint16_t flags;		/* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
};

struct acpi_info {
	uint8_t revision;	/* RSDP revision: 0 = ACPI 1.0, 2 = 2.0+ */
	bool xsdt;		/* the tables came from the XSDT */
	char oem[7];		/* RSDP OEM ID */
	uint64_t lapic_addr;	/* local APIC physical base (MADT, or its type 5 override) */
	bool pcat_compat;	/* dual 8259 PICs present (MADT flags bit 0) */
	unsigned ncpus;		/* enabled processors, in MADT order, duplicates dropped */
	unsigned cpus_dropped;	/* enabled processors past ACPI_MAX_CPUS */
	unsigned cpus_disabled;	/* entries neither enabled nor online-capable */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned noverrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	unsigned tables_bad;	/* RSDT/XSDT entries skipped: unmappable or bad checksum */
	const char *error;	/* why acpi_parse failed */
};

/* Show len bytes of physical memory at phys, or NULL when that range cannot be shown. */
typedef const void *(*acpi_map_fn)(uint64_t phys, uint64_t len, void *ctx);

/*
 * Parse the tables from the RSDP copy rsdp[0..rsdp_len).  0 and *out filled,
 * or -1 with out->error set (a bad RSDP, root table or MADT, or no MADT);
 * other tables with a bad checksum are skipped and counted.
 */
int acpi_parse(const void *rsdp, uint32_t rsdp_len, acpi_map_fn map, void *ctx, struct acpi_info *out);

#ifndef HOST_TEST
struct boot_info;
/* What acpi_init found (zeroed, with error set, when it found nothing usable). */
extern struct acpi_info acpi;

/*
 * Parse the tables the Multiboot2 information points to (through the boot
 * direct map of the low 4 GiB) and print one line; false when there are
 * none or they are bad (the kernel then runs on the boot CPU alone).
 */
bool acpi_init(const struct boot_info *bi);
#endif

#endif
