/*
 * tests/host/test_pe.c - the PE32+ parser (kernel/pe.c) on a synthetic image
 * (tests/host/pe_build.h), on real MinGW-built images (tools/host-tests.sh
 * builds the sources in tests/host/pe/ into $PE_DIR with x86_64-w64-mingw32-gcc), and on
 * corrupted copies of both: every corruption gives STATUS_INVALID_IMAGE_FORMAT
 * or a consistent answer, never a read outside the file (AddressSanitizer).
 * sources: kernel/pe.c
 */
#include "check.h"
#include "kernel/pe.h"
#include "tests/host/pe_build.h"

#include <stdlib.h>

static struct pe_image img;	/* big: not on the stack */
static uint8_t buf[PEB_FILE_SIZE];

static void build_dll(void)
{
	struct pe_build_opts o = { .dll = true, .image_base = 0x180000000, .dll_characteristics = 0x140 };
	pe_build(buf, &o);
}

static void build_exe(void)
{
	struct pe_build_opts o = { .image_base = 0x140000000, .import_dll = "pt.dll", .dll_characteristics = 0x140 };
	pe_build(buf, &o);
}

static uint32_t relocs_seen[8], nrelocs;
static ntstatus_t note_reloc(void *ctx, uint32_t rva)
{
	(void)ctx;
	if (nrelocs < 8)
		relocs_seen[nrelocs] = rva;
	nrelocs++;
	return STATUS_SUCCESS;
}

struct seen_imports {
	int n, by_name, by_ordinal;
	char names[16][32];
	uint32_t iat[16];
};
static ntstatus_t note_import(void *ctx, const struct pe_import *imp)
{
	struct seen_imports *s = ctx;
	if (s->n < 16) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s!%s", imp->dll, imp->name ? imp->name : "#");
		s->iat[s->n] = imp->iat_rva;
	}
	s->n++;
	if (imp->by_ordinal)
		s->by_ordinal++;
	else
		s->by_name++;
	return STATUS_SUCCESS;
}

TEST(synthetic_dll_parses)
{
	build_dll();
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(img.image_base, 0x180000000ULL);
	CHECK_EQ(img.size_of_image, 0x5000u);
	CHECK_EQ(img.nsections, 4u);
	CHECK_EQ(img.entry_rva, 0u);
	CHECK(img.characteristics & PE_FILE_DLL);
	CHECK_EQ(pe_page_protect(&img, 0), W_PAGE_READONLY);
	CHECK_EQ(pe_page_protect(&img, 0x1000), W_PAGE_EXECUTE_READ);
	CHECK_EQ(pe_page_protect(&img, 0x2000), W_PAGE_READONLY);
	CHECK_EQ(pe_page_protect(&img, 0x3000), W_PAGE_WRITECOPY);
	CHECK_EQ(pe_page_protect(&img, 0x4000), W_PAGE_READONLY);
	nrelocs = 0;
	CHECK_EQ(pe_walk_relocs(&img, note_reloc, NULL), STATUS_SUCCESS);
	CHECK_EQ(nrelocs, 1u);
	CHECK_EQ(relocs_seen[0], (uint32_t)PEB_DATA_PTR);
}

TEST(synthetic_exports)
{
	build_dll();
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	uint32_t rva;
	char fwd[64];
	CHECK_EQ(pe_export_by_name(&img, "Alpha", 0, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK_EQ(rva, 0x1000u);
	CHECK_EQ(fwd[0], 0);
	CHECK_EQ(pe_export_by_name(&img, "Beta", 0, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);	/* a wrong hint */
	CHECK_EQ(rva, 0x1010u);
	CHECK_EQ(pe_export_by_name(&img, "Beta", 1, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK_EQ(rva, 0x1010u);
	CHECK_EQ(pe_export_by_name(&img, "Beta", 999, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);	/* a hint out of range */
	CHECK_EQ(pe_export_by_name(&img, "Gamma", 2, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK_EQ(rva, 0u);
	CHECK(strcmp(fwd, "other.Alpha") == 0);
	CHECK_EQ(pe_export_by_name(&img, "Delta", 0, &rva, fwd, sizeof(fwd)), STATUS_ENTRYPOINT_NOT_FOUND);
	CHECK_EQ(pe_export_by_name(&img, "", 0, &rva, fwd, sizeof(fwd)), STATUS_ENTRYPOINT_NOT_FOUND);
	CHECK_EQ(pe_export_by_ordinal(&img, 1, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK_EQ(rva, 0x1000u);
	CHECK_EQ(pe_export_by_ordinal(&img, 3, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK(strcmp(fwd, "other.Alpha") == 0);
	CHECK_EQ(pe_export_by_ordinal(&img, 0, &rva, fwd, sizeof(fwd)), STATUS_ORDINAL_NOT_FOUND);
	CHECK_EQ(pe_export_by_ordinal(&img, 4, &rva, fwd, sizeof(fwd)), STATUS_ORDINAL_NOT_FOUND);
	/* A program has no export table. */
	build_exe();
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_export_by_name(&img, "Alpha", 0, &rva, fwd, sizeof(fwd)), STATUS_ENTRYPOINT_NOT_FOUND);
	CHECK_EQ(pe_export_by_ordinal(&img, 1, &rva, fwd, sizeof(fwd)), STATUS_ORDINAL_NOT_FOUND);
}

TEST(synthetic_imports)
{
	build_exe();
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(img.entry_rva, 0x1000u);
	char name[64];
	bool end;
	CHECK_EQ(pe_import_dll(&img, 0, name, sizeof(name), &end), STATUS_SUCCESS);
	CHECK(!end);
	CHECK(strcmp(name, "pt.dll") == 0);
	CHECK_EQ(pe_import_dll(&img, 1, name, sizeof(name), &end), STATUS_SUCCESS);
	CHECK(end);
	struct seen_imports s = { 0 };
	CHECK_EQ(pe_walk_imports(&img, note_import, &s), STATUS_SUCCESS);
	CHECK_EQ(s.n, 2);
	CHECK_EQ(s.by_name, 1);
	CHECK_EQ(s.by_ordinal, 1);
	CHECK(strcmp(s.names[0], "pt.dll!Beta") == 0);
	CHECK_EQ(s.iat[0], (uint32_t)PEB_IMPORT_IAT);
	CHECK_EQ(s.iat[1], (uint32_t)PEB_IMPORT_IAT + 8);
}

TEST(forwarder_split)
{
	char dll[64], name[64];
	bool ord;
	uint16_t n;
	CHECK_EQ(pe_split_forwarder("NTDLL.RtlAllocateHeap", dll, sizeof(dll), name, sizeof(name), &ord, &n), 0);
	CHECK(strcmp(dll, "NTDLL.dll") == 0 && strcmp(name, "RtlAllocateHeap") == 0 && !ord);
	CHECK_EQ(pe_split_forwarder("ntdll.#12", dll, sizeof(dll), name, sizeof(name), &ord, &n), 0);
	CHECK(ord && n == 12 && strcmp(dll, "ntdll.dll") == 0);
	CHECK_EQ(pe_split_forwarder("my.lib.Func", dll, sizeof(dll), name, sizeof(name), &ord, &n), 0);
	CHECK(strcmp(dll, "my.lib") == 0 && strcmp(name, "Func") == 0);
	CHECK_EQ(pe_split_forwarder("nodot", dll, sizeof(dll), name, sizeof(name), &ord, &n), STATUS_INVALID_IMAGE_FORMAT);
	CHECK_EQ(pe_split_forwarder(".x", dll, sizeof(dll), name, sizeof(name), &ord, &n), STATUS_INVALID_IMAGE_FORMAT);
	CHECK_EQ(pe_split_forwarder("a.", dll, sizeof(dll), name, sizeof(name), &ord, &n), STATUS_INVALID_IMAGE_FORMAT);
	CHECK_EQ(pe_split_forwarder("a.#", dll, sizeof(dll), name, sizeof(name), &ord, &n), STATUS_INVALID_IMAGE_FORMAT);
	CHECK_EQ(pe_split_forwarder("a.#70000", dll, sizeof(dll), name, sizeof(name), &ord, &n), STATUS_INVALID_IMAGE_FORMAT);
	CHECK_EQ(pe_split_forwarder("a.#1x", dll, sizeof(dll), name, sizeof(name), &ord, &n), STATUS_INVALID_IMAGE_FORMAT);
}

/* Patch the synthetic DLL at off with a 32-bit value and expect pe_parse to refuse it. */
static ntstatus_t parse_patched32(uint32_t off, uint32_t v)
{
	build_dll();
	peb_w32(buf, off, v);
	return pe_parse(buf, sizeof(buf), &img);
}

TEST(bad_headers_refused)
{
	const ntstatus_t bad = STATUS_INVALID_IMAGE_FORMAT;
	build_dll();
	CHECK_EQ(pe_parse(buf, 0x3f, &img), bad);	/* shorter than a DOS header */
	CHECK_EQ(pe_parse(buf, 0x200, &img), bad);	/* headers cut */
	CHECK_EQ(pe_parse(buf, 0xbff, &img), bad);	/* the last raw data cut */
	CHECK_EQ(parse_patched32(0, 0x5a4e), bad);	/* "NZ" */
	CHECK_EQ(parse_patched32(0x3c, 0x41), bad);	/* e_lfanew misaligned */
	CHECK_EQ(parse_patched32(0x3c, 0xbf0), bad);	/* e_lfanew near the end */
	CHECK_EQ(parse_patched32(0x3c, 0xfffffff0), bad);
	CHECK_EQ(parse_patched32(0x40, 0x4550 | 1 << 16), bad);	/* "PE\1\0" */
	CHECK_EQ(parse_patched32(0x44, 0x014c | 4 << 16), bad);	/* i386 */
	CHECK_EQ(parse_patched32(0x58, 0x10b), bad);	/* PE32 magic */
	CHECK_EQ(parse_patched32(0x58 + 32, 0x2000), bad);	/* SectionAlignment 8 KiB */
	CHECK_EQ(parse_patched32(0x58 + 32, 0x200), bad);
	CHECK_EQ(parse_patched32(0x58 + 36, 0x300), bad);	/* FileAlignment not a power of two */
	CHECK_EQ(parse_patched32(0x58 + 36, 0x100), bad);
	CHECK_EQ(parse_patched32(0x58 + 56, 0x80000000), bad);	/* SizeOfImage 2 GiB */
	CHECK_EQ(parse_patched32(0x58 + 56, 0x4000), bad);	/* a section beyond SizeOfImage */
	CHECK_EQ(parse_patched32(0x58 + 56, 0), bad);
	CHECK_EQ(parse_patched32(0x58 + 60, 0x100), bad);	/* SizeOfHeaders below the section table */
	CHECK_EQ(parse_patched32(0x58 + 60, 0x1400), bad);	/* SizeOfHeaders over the first section */
	CHECK_EQ(parse_patched32(0x58 + 24, 0x12345), bad);	/* ImageBase not 64 KiB aligned */
	CHECK_EQ(parse_patched32(0x58 + 28, 0x8000), bad);	/* ImageBase above user space */
	CHECK_EQ(parse_patched32(0x44 + 2, 200), bad);	/* 200 sections */
	CHECK_EQ(parse_patched32(0x44 + 16, 0x22 << 16 | 0x10), bad);	/* SizeOfOptionalHeader 16 */
	CHECK_EQ(parse_patched32(0x44 + 18, 0x2020), bad);	/* not EXECUTABLE_IMAGE */
	CHECK_EQ(parse_patched32(0x148 + 40 + 12, 0x1000), bad);	/* .rdata overlapping .text */
	CHECK_EQ(parse_patched32(0x148 + 40 + 12, 0x2800), bad);	/* not page aligned */
	CHECK_EQ(parse_patched32(0x148 + 40 + 20, 0xb00), bad);	/* raw data past the end of the file */
	CHECK_EQ(parse_patched32(0x148 + 40 + 16, 0xffffffff), bad);
	CHECK_EQ(parse_patched32(0x148 + 80 + 8, 0x3000), bad);	/* .data reaching over .reloc */
	CHECK_EQ(parse_patched32(0x58 + 112 + 4, 0x4000), bad);	/* export directory past SizeOfImage */
	CHECK_EQ(parse_patched32(0x58 + 112, 0), bad);	/* a directory with a size and no RVA */
	CHECK_EQ(parse_patched32(0x58 + 112 + 4, 8), bad);	/* an export directory too small */
	CHECK_EQ(parse_patched32(0x58 + 108, 17), STATUS_SUCCESS);	/* more directories than 16: the first 16 count */
	CHECK_EQ(parse_patched32(0x58 + 16, 0x5000), bad);	/* entry point outside */
	build_exe();
	peb_w32(buf, 0x58 + 16, 0);
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), bad);	/* a program without an entry point */
}

TEST(bad_relocations_refused)
{
	build_dll();
	peb_w16(buf, peb_off(0x4008), 0x3000);	/* HIGHLOW: not for x64 */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_relocs(&img, NULL, NULL), STATUS_INVALID_IMAGE_FORMAT);
	build_dll();
	peb_w16(buf, peb_off(0x4008), 0xaffc);	/* 8 bytes at 0x3ffc reach 0x4004: still inside */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_relocs(&img, NULL, NULL), STATUS_SUCCESS);
	build_dll();
	peb_w32(buf, peb_off(0x4000), 0x4000);	/* the block's page: 0x4ffc + 8 leaves the image */
	peb_w16(buf, peb_off(0x4008), 0xaffc);
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_relocs(&img, NULL, NULL), STATUS_INVALID_IMAGE_FORMAT);
	build_dll();
	peb_w32(buf, peb_off(0x4004), 6);	/* a block smaller than its header */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_relocs(&img, NULL, NULL), STATUS_INVALID_IMAGE_FORMAT);
	build_dll();
	peb_w32(buf, peb_off(0x4004), 100);	/* a block larger than the directory */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_relocs(&img, NULL, NULL), STATUS_INVALID_IMAGE_FORMAT);
}

TEST(bad_imports_and_exports_refused)
{
	struct seen_imports s = { 0 };
	build_exe();
	peb_w64(buf, peb_off(0x3140), 0x7ffff000);	/* hint/name RVA outside the image */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_imports(&img, note_import, &s), STATUS_INVALID_IMAGE_FORMAT);
	build_exe();
	peb_w64(buf, peb_off(0x3148), 0x8000000100000001ULL);	/* an ordinal with high bits */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_imports(&img, note_import, &s), STATUS_INVALID_IMAGE_FORMAT);
	build_exe();
	memset(buf + peb_off(0x31a0), 'a', 0x60);	/* a DLL name running to the end of the section's data */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	char name[64];
	bool end;
	CHECK_EQ(pe_import_dll(&img, 0, name, sizeof(name), &end), STATUS_INVALID_IMAGE_FORMAT);
	build_exe();
	peb_w32(buf, peb_off(0x3100 + 12), 0);	/* a descriptor without a name */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_walk_imports(&img, note_import, &s), STATUS_INVALID_IMAGE_FORMAT);
	build_dll();
	peb_w32(buf, peb_off(0x2000 + 20), 0x40000000);	/* NumberOfFunctions past the image */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	uint32_t rva;
	char fwd[64];
	CHECK_EQ(pe_export_by_name(&img, "Alpha", 0, &rva, fwd, sizeof(fwd)), STATUS_INVALID_IMAGE_FORMAT);
	build_dll();
	peb_w16(buf, peb_off(0x2060), 7);	/* a name's ordinal past the address table */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_export_by_name(&img, "Alpha", 0, &rva, fwd, sizeof(fwd)), STATUS_INVALID_IMAGE_FORMAT);
	build_dll();
	peb_w32(buf, peb_off(0x2040), 0x9000);	/* a function outside the image */
	CHECK_EQ(pe_parse(buf, sizeof(buf), &img), STATUS_SUCCESS);
	CHECK_EQ(pe_export_by_ordinal(&img, 1, &rva, fwd, sizeof(fwd)), STATUS_INVALID_IMAGE_FORMAT);
}

/* Walk everything the loader walks; whatever the answers, nothing may read outside the file. */
static void walk_all(const uint8_t *file, size_t size)
{
	if (pe_parse(file, size, &img))
		return;
	struct seen_imports s = { 0 };
	uint32_t rva;
	char fwd[PE_NAME_MAX];
	pe_walk_relocs(&img, note_reloc, NULL);
	pe_walk_imports(&img, note_import, &s);
	pe_export_by_name(&img, "Alpha", 0, &rva, fwd, sizeof(fwd));
	pe_export_by_ordinal(&img, 2, &rva, fwd, sizeof(fwd));
	for (uint32_t r = 0; r < img.size_of_image; r += 0x1000)
		pe_page_protect(&img, r);
}

TEST(every_byte_corrupted)
{
	/* Every byte of both synthetic images set to 0x00, 0xff and 0x80 in turn (in a buffer of the file's exact size). */
	static const uint8_t vals[] = { 0x00, 0xff, 0x80 };
	for (int kind = 0; kind < 2; kind++) {
		for (uint32_t i = 0; i < PEB_FILE_SIZE; i++) {
			for (unsigned v = 0; v < 3; v++) {
				kind ? build_exe() : build_dll();
				uint8_t *copy = malloc(PEB_FILE_SIZE);
				memcpy(copy, buf, PEB_FILE_SIZE);
				copy[i] = vals[v];
				walk_all(copy, PEB_FILE_SIZE);
				free(copy);
			}
		}
	}
}

/* A MinGW-built image from $PE_DIR, read into malloc'd memory of its exact size. */
static uint8_t *load_file(const char *name, size_t *size)
{
	const char *dir = getenv("PE_DIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(*size);
	if (fread(b, 1, *size, f) != *size) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

TEST(mingw_dll)
{
	size_t size;
	uint8_t *f = load_file("pe_lib.dll", &size);
	CHECK(f != NULL);	/* tools/host-tests.sh builds it; without MinGW this test fails */
	CHECK_EQ(pe_parse(f, size, &img), STATUS_SUCCESS);
	CHECK(img.characteristics & PE_FILE_DLL);
	CHECK(img.dll_characteristics & PE_DLL_DYNAMIC_BASE);
	CHECK(img.entry_rva != 0);	/* DllMainCRTStartup */
	uint32_t rva, rva2;
	char fwd[PE_NAME_MAX];
	CHECK_EQ(pe_export_by_name(&img, "lib_add", 0, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK(rva != 0 && !fwd[0]);
	CHECK_EQ(pe_page_protect(&img, rva & ~0xfffu), W_PAGE_EXECUTE_READ);
	CHECK_EQ(pe_export_by_name(&img, "lib_counter", 0, &rva2, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK_EQ(pe_page_protect(&img, rva2 & ~0xfffu), W_PAGE_WRITECOPY);
	CHECK_EQ(pe_export_by_name(&img, "lib_forwarded", 0, &rva, fwd, sizeof(fwd)), STATUS_SUCCESS);
	CHECK(strcmp(fwd, "msvcrt.strlen") == 0);
	CHECK_EQ(pe_export_by_name(&img, "lib_missing", 0, &rva, fwd, sizeof(fwd)), STATUS_ENTRYPOINT_NOT_FOUND);
	nrelocs = 0;
	CHECK_EQ(pe_walk_relocs(&img, note_reloc, NULL), STATUS_SUCCESS);
	CHECK(nrelocs > 0);
	struct seen_imports s = { 0 };
	CHECK_EQ(pe_walk_imports(&img, note_import, &s), STATUS_SUCCESS);
	CHECK(s.n > 0);
	free(f);
}

TEST(mingw_exe)
{
	size_t size;
	uint8_t *f = load_file("pe_prog.exe", &size);
	CHECK(f != NULL);
	CHECK_EQ(pe_parse(f, size, &img), STATUS_SUCCESS);
	CHECK(!(img.characteristics & PE_FILE_DLL));
	CHECK_EQ(img.image_base, 0x140000000ULL);
	CHECK(img.stack_reserve >= 0x100000);
	struct seen_imports s = { 0 };
	CHECK_EQ(pe_walk_imports(&img, note_import, &s), STATUS_SUCCESS);
	bool lib = false, by_ord = s.by_ordinal > 0;
	for (int i = 0; i < s.n && i < 16; i++)
		lib |= strcmp(s.names[i], "pe_lib.dll!lib_add") == 0;
	CHECK(lib || s.n > 16);
	CHECK(by_ord);	/* pe_prog imports one function by ordinal */
	CHECK_EQ(pe_walk_relocs(&img, NULL, NULL), STATUS_SUCCESS);
	/* Corrupted copies: truncated at every 64th byte, and every header byte flipped. */
	for (size_t cut = 0; cut < size; cut += 64) {
		uint8_t *c = malloc(cut ? cut : 1);
		memcpy(c, f, cut);
		walk_all(c, cut);
		free(c);
	}
	for (size_t i = 0; i < 0x400 && i < size; i++) {
		uint8_t *c = malloc(size);
		memcpy(c, f, size);
		c[i] ^= 0xff;
		walk_all(c, size);
		free(c);
	}
	free(f);
}

int main(void)
{
	return run_tests("test_pe");
}
