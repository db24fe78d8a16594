/*
 * tests/host/fuzz_pe.c - libFuzzer target for the PE32+ parser (kernel/pe.c).
 *
 * An input starting with "MZ" is a whole file.  Any other input patches one
 * of the two synthetic images of tests/host/pe_build.h (a DLL with exports
 * and a forwarder, a program with imports by name and by ordinal; byte 0's
 * low bit chooses): the rest is (offset low, offset high, value) triples, so
 * mutations start from a valid image and reach deep into the tables.  Every
 * image that parses is walked as the kernel's loader walks it (relocations,
 * imports, exports by name and ordinal, forwarders split, page protections)
 * and checked for consistency: an image that parses has its sections inside
 * SizeOfImage and its raw data inside the file, every relocation and IAT
 * slot is inside the image.  A read outside the input is caught by
 * AddressSanitizer (the input is copied to a buffer of its exact size).
 * sources: kernel/pe.c
 */
#include "kernel/pe.h"
#include "tests/host/pe_build.h"

#include <stdio.h>
#include <stdlib.h>

static struct pe_image img;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_pe: %s\n", what);
	abort();
}

static ntstatus_t check_reloc(void *ctx, uint32_t rva)
{
	(void)ctx;
	if ((uint64_t)rva + 8 > img.size_of_image)
		fail("relocation outside the image");
	return STATUS_SUCCESS;
}

static ntstatus_t check_import(void *ctx, const struct pe_import *imp)
{
	(void)ctx;
	if ((uint64_t)imp->iat_rva + 8 > img.size_of_image)
		fail("IAT slot outside the image");
	if (!imp->by_ordinal && (!imp->name || !imp->name[0]))
		fail("import by name without a name");
	if (!imp->dll[0])
		fail("import without a DLL name");
	return STATUS_SUCCESS;
}

static void check_export(ntstatus_t st, uint32_t rva, const char *fwd)
{
	char dll[PE_DLL_NAME_MAX], name[PE_NAME_MAX];
	bool ord;
	uint16_t n;
	if (st)
		return;
	if (fwd[0]) {
		if (rva != 0)
			fail("a forwarder with an RVA");
		pe_split_forwarder(fwd, dll, sizeof(dll), name, sizeof(name), &ord, &n);
	} else if (rva == 0 || rva >= img.size_of_image) {
		fail("an export outside the image");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *file;
	size_t len;
	if (size >= 2 && data[0] == 'M' && data[1] == 'Z') {
		file = malloc(size ? size : 1);
		memcpy(file, data, size);
		len = size;
	} else {
		file = malloc(PEB_FILE_SIZE);
		struct pe_build_opts o = { .dll = size && (data[0] & 1), .image_base = 0x180000000,
					   .dll_characteristics = 0x140 };
		pe_build(file, &o);
		len = PEB_FILE_SIZE;
		for (size_t i = 1; i + 3 <= size; i += 3)
			file[(data[i] | data[i + 1] << 8) % PEB_FILE_SIZE] = data[i + 2];
	}
	if (pe_parse(file, len, &img) == STATUS_SUCCESS) {
		for (uint32_t i = 0; i < img.nsections; i++) {
			const struct pe_section *s = &img.sections[i];
			if ((uint64_t)s->rva + s->vsize > img.size_of_image || (uint64_t)s->raw_off + s->raw_len > len)
				fail("a section outside the image or the file");
		}
		if (img.size_of_headers > len || img.size_of_image > PE_MAX_IMAGE)
			fail("headers outside the file");
		pe_walk_relocs(&img, check_reloc, NULL);
		pe_walk_imports(&img, check_import, NULL);
		char fwd[PE_NAME_MAX];
		uint32_t rva = 0;
		static const char *names[] = { "Alpha", "Beta", "Gamma", "Zeta" };
		for (int i = 0; i < 4; i++)
			check_export(pe_export_by_name(&img, names[i], (uint16_t)i, &rva, fwd, sizeof(fwd)), rva, fwd);
		for (uint32_t o = 0; o < 5; o++)
			check_export(pe_export_by_ordinal(&img, o, &rva, fwd, sizeof(fwd)), rva, fwd);
		for (uint32_t r = 0; r < img.size_of_image && r < (64u << 12); r += 0x1000)
			pe_page_protect(&img, r);
		uint8_t tmp[64];
		pe_read(&img, 0, tmp, sizeof(tmp) < img.size_of_image ? sizeof(tmp) : img.size_of_image);
	}
	free(file);
	return 0;
}
