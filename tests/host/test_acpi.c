/*
 * tests/host/test_acpi.c - RSDP, RSDT/XSDT and MADT parsing with crafted tables,
 * good and bad (checksums, lengths past a table or past "physical memory").
 * sources: kernel/acpi.c
 */
#include "check.h"
#include "kernel/acpi.h"

#include <stdint.h>

/* 64 KiB of fake physical memory; map() shows only ranges inside it. */
#define MEM_SIZE 0x10000
static uint8_t mem[MEM_SIZE];
static uint8_t rsdp[36];

#define RSDT_AT 0x1000
#define XSDT_AT 0x2000
#define MADT_AT 0x3000
#define FACP_AT 0x4000

static const void *map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)ctx;
	if (phys >= MEM_SIZE || len > MEM_SIZE - phys)
		return NULL;
	return mem + phys;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Set byte at[csum_off] so that at[0..len) sums to 0. */
static void fix_checksum(uint8_t *at, uint32_t len, uint32_t csum_off)
{
	at[csum_off] = 0;
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += at[i];
	at[csum_off] = (uint8_t)-sum;
}

static void sdt_header(uint32_t at, const char *sig, uint32_t len)
{
	memcpy(mem + at, sig, 4);
	put32(mem + at + 4, len);
	mem[at + 8] = 1;
	memcpy(mem + at + 10, "QEMUTS", 6);
}

static void seal(uint32_t at)
{
	uint32_t len;
	memcpy(&len, mem + at + 4, 4);
	fix_checksum(mem + at, len, 9);
}

static uint32_t madt_len;

/* A MADT: CPUs with APIC IDs 0, 1, (2 disabled), 3, an x2APIC duplicate of 1, x2APIC 300, an I/O APIC, two overrides. */
static void build_madt(void)
{
	uint8_t *t = mem + MADT_AT;
	uint32_t off = 44;
	put32(t + 36, 0xfee00000);
	put32(t + 40, 1);
	const uint8_t lapics[4][3] = { { 0, 0, 1 }, { 1, 1, 1 }, { 2, 2, 0 }, { 3, 3, 1 } };
	for (int i = 0; i < 4; i++) {
		t[off] = 0, t[off + 1] = 8, t[off + 2] = lapics[i][0], t[off + 3] = lapics[i][1];
		put32(t + off + 4, lapics[i][2]);
		off += 8;
	}
	t[off] = 9, t[off + 1] = 16;	/* x2APIC, same ID as CPU 1: dropped */
	put32(t + off + 4, 1), put32(t + off + 8, 1), put32(t + off + 12, 7);
	off += 16;
	t[off] = 9, t[off + 1] = 16;
	put32(t + off + 4, 300), put32(t + off + 8, 1), put32(t + off + 12, 8);
	off += 16;
	t[off] = 1, t[off + 1] = 12, t[off + 2] = 5;
	put32(t + off + 4, 0xfec00000), put32(t + off + 8, 0);
	off += 12;
	t[off] = 2, t[off + 1] = 10, t[off + 2] = 0, t[off + 3] = 0;
	put32(t + off + 4, 2), put16(t + off + 8, 0);
	off += 10;
	t[off] = 2, t[off + 1] = 10, t[off + 2] = 0, t[off + 3] = 9;
	put32(t + off + 4, 9), put16(t + off + 8, 0xd);
	off += 10;
	t[off] = 4, t[off + 1] = 6;	/* local APIC NMI: skipped */
	off += 6;
	madt_len = off;
	sdt_header(MADT_AT, "APIC", off);
	seal(MADT_AT);
}

/* RSDT and XSDT both list a FACP and the MADT; rsdp is 1.0 (xsdt false) or 2.0. */
static void build(bool v2)
{
	memset(mem, 0, sizeof(mem));
	memset(rsdp, 0, sizeof(rsdp));
	sdt_header(FACP_AT, "FACP", 64);
	seal(FACP_AT);
	build_madt();
	sdt_header(RSDT_AT, "RSDT", 36 + 8);
	put32(mem + RSDT_AT + 36, FACP_AT), put32(mem + RSDT_AT + 40, MADT_AT);
	seal(RSDT_AT);
	sdt_header(XSDT_AT, "XSDT", 36 + 16);
	put64(mem + XSDT_AT + 36, FACP_AT), put64(mem + XSDT_AT + 44, MADT_AT);
	seal(XSDT_AT);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "BOCHS ", 6);
	rsdp[15] = v2 ? 2 : 0;
	put32(rsdp + 16, RSDT_AT);
	fix_checksum(rsdp, 20, 8);
	if (v2) {
		put32(rsdp + 20, 36);
		put64(rsdp + 24, XSDT_AT);
		fix_checksum(rsdp, 36, 32);
	}
}

static int parse(bool v2, struct acpi_info *out)
{
	return acpi_parse(rsdp, v2 ? 36 : 20, map, NULL, out);
}

TEST(rsdt_madt)
{
	struct acpi_info a;
	build(false);
	CHECK_EQ(parse(false, &a), 0);
	CHECK(!a.xsdt);
	CHECK_STR(a.oem, "BOCHS ");
	CHECK_EQ(a.lapic_addr, 0xfee00000);
	CHECK(a.pcat_compat);
	CHECK_EQ(a.ncpus, 4);
	CHECK_EQ(a.cpus[0].apic_id, 0);
	CHECK_EQ(a.cpus[1].apic_id, 1);
	CHECK_EQ(a.cpus[2].apic_id, 3);
	CHECK_EQ(a.cpus[3].apic_id, 300);
	CHECK(a.cpus[3].x2apic);
	CHECK_EQ(a.cpus[3].uid, 8);
	CHECK_EQ(a.cpus_disabled, 1);
	CHECK_EQ(a.nioapics, 1);
	CHECK_EQ(a.ioapics[0].id, 5);
	CHECK_EQ(a.ioapics[0].addr, 0xfec00000);
	CHECK_EQ(a.noverrides, 2);
	CHECK_EQ(a.overrides[0].source, 0);
	CHECK_EQ(a.overrides[0].gsi, 2);
	CHECK_EQ(a.overrides[1].source, 9);
	CHECK_EQ(a.overrides[1].flags, 0xd);
	CHECK_EQ(a.tables_bad, 0);
}

TEST(xsdt_preferred)
{
	struct acpi_info a;
	build(true);
	CHECK_EQ(parse(true, &a), 0);
	CHECK(a.xsdt);
	CHECK_EQ(a.revision, 2);
	CHECK_EQ(a.ncpus, 4);
	/* a lapic address override (type 5) replaces the 32-bit one */
	build(true);
	uint8_t *t = mem + MADT_AT;
	t[madt_len] = 5, t[madt_len + 1] = 12;
	put64(t + madt_len + 4, 0x123456789000ULL);
	put32(t + 4, madt_len + 12);
	seal(MADT_AT);
	CHECK_EQ(parse(true, &a), 0);
	CHECK_EQ(a.lapic_addr, 0x123456789000ULL);
}

TEST(bad_rsdp)
{
	struct acpi_info a;
	build(false);
	CHECK_EQ(acpi_parse(NULL, 0, map, NULL, &a), -1);
	CHECK_EQ(acpi_parse(rsdp, 19, map, NULL, &a), -1);
	rsdp[0] = 'X';
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	rsdp[16] ^= 1;	/* checksum broken */
	CHECK_EQ(parse(false, &a), -1);
	CHECK(a.error != NULL);
	build(true);
	rsdp[30] ^= 1;	/* extended checksum broken */
	CHECK_EQ(parse(true, &a), -1);
	build(true);
	put32(rsdp + 20, 4096);	/* claims more bytes than the copy has */
	fix_checksum(rsdp, 20, 8);
	CHECK_EQ(parse(true, &a), -1);
}

TEST(bad_root_tables)
{
	struct acpi_info a;
	build(false);
	mem[RSDT_AT + 40] ^= 0x10;	/* RSDT checksum */
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	put32(mem + RSDT_AT + 4, 0x7fffffff);	/* length past memory and past the sane limit */
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	put32(mem + RSDT_AT + 4, 12);	/* shorter than a header */
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	put32(rsdp + 16, MEM_SIZE - 8);	/* root table straddles the end of memory */
	fix_checksum(rsdp, 20, 8);
	CHECK_EQ(parse(false, &a), -1);
	build(true);
	memcpy(mem + XSDT_AT, "RSDT", 4);	/* wrong signature */
	seal(XSDT_AT);
	CHECK_EQ(parse(true, &a), -1);
}

TEST(bad_entries_skipped)
{
	struct acpi_info a;
	build(false);
	put32(mem + RSDT_AT + 36, 0xfffffff0);	/* FACP pointer outside memory: skipped */
	seal(RSDT_AT);
	CHECK_EQ(parse(false, &a), 0);
	CHECK_EQ(a.tables_bad, 1);
	CHECK_EQ(a.ncpus, 4);
	build(false);
	put32(mem + RSDT_AT + 40, FACP_AT);	/* no MADT */
	seal(RSDT_AT);
	CHECK_EQ(parse(false, &a), -1);
	CHECK_STR(a.error, "no MADT");
}

TEST(bad_madt)
{
	struct acpi_info a;
	build(false);
	mem[MADT_AT + 50] ^= 1;	/* checksum */
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	put32(mem + MADT_AT + 4, MEM_SIZE);	/* length past the end of memory */
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	mem[MADT_AT + 44 + 1] = 0;	/* an entry of length 0 (would loop for ever) */
	seal(MADT_AT);
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	mem[MADT_AT + 44 + 1] = 200;	/* an entry past the table */
	seal(MADT_AT);
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	mem[MADT_AT + 44 + 1] = 4;	/* a local APIC entry too short for its fields */
	seal(MADT_AT);
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	put32(mem + MADT_AT + 4, madt_len - 1);	/* the last entry cut by the table's length */
	seal(MADT_AT);
	CHECK_EQ(parse(false, &a), -1);
	build(false);
	for (int i = 0; i < 4; i++)	/* every processor disabled */
		mem[MADT_AT + 44 + 8 * i + 4] = 0;
	mem[MADT_AT + 44 + 32 + 8] = 0, mem[MADT_AT + 44 + 48 + 8] = 0;
	seal(MADT_AT);
	CHECK_EQ(parse(false, &a), -1);
	CHECK_STR(a.error, "MADT lists no enabled processor");
}

TEST(many_cpus_capped)
{
	struct acpi_info a;
	build(false);
	uint8_t *t = mem + MADT_AT;
	uint32_t off = 44;
	for (int i = 0; i < ACPI_MAX_CPUS + 5; i++) {
		t[off] = 9, t[off + 1] = 16;
		put32(t + off + 4, 1000 + i), put32(t + off + 8, 1), put32(t + off + 12, i);
		off += 16;
	}
	put32(t + 4, off);
	seal(MADT_AT);
	CHECK_EQ(parse(false, &a), 0);
	CHECK_EQ(a.ncpus, ACPI_MAX_CPUS);
	CHECK_EQ(a.cpus_dropped, 5);
	CHECK_EQ(a.cpus[ACPI_MAX_CPUS - 1].apic_id, 1000 + ACPI_MAX_CPUS - 1);
}

int main(void)
{
	return run_tests("test_acpi");
}
