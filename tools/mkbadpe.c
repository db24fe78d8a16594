/*
 * tools/mkbadpe.c - host tool: broken copies of a good PE32+ executable, for
 * tests/user/pe_bad_images.c.
 *
 *   mkbadpe GOOD.exe OUTDIR
 *
 * writes OUTDIR/child_bad_NAME.exe for every NAME of the table below, each
 * GOOD.exe with one defect, and prints the file names, one a line.  GOOD.exe
 * must import msvcrt.dll by name (every MinGW program does) and have base
 * relocations (MinGW's default --dynamicbase).  The kernel must refuse each
 * with the status pe_bad_images.c expects: STATUS_DLL_NOT_FOUND for
 * child_bad_nodll.exe, STATUS_ENTRYPOINT_NOT_FOUND for child_bad_nofunc.exe,
 * STATUS_INVALID_IMAGE_FORMAT for the rest.  Exit status 0, or 1 when GOOD.exe
 * cannot be read or lacks what a defect needs.
 *
 * Plain C99 and the C library, built with the host compiler; PE offsets as
 * the PE/COFF specification gives them (no Windows headers on the host).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static unsigned char *good;	/* GOOD.exe */
static size_t good_len;
static unsigned char *img;	/* the copy being broken */
static size_t img_len;

/* ---- little-endian fields ---------------------------------------------------------------- */

static uint32_t rd16(size_t off)
{
	return (uint32_t)img[off] | (uint32_t)img[off + 1] << 8;
}

static uint32_t rd32(size_t off)
{
	return rd16(off) | rd16(off + 2) << 16;
}

static void wr16(size_t off, uint32_t v)
{
	img[off] = (unsigned char)v;
	img[off + 1] = (unsigned char)(v >> 8);
}

static void wr32(size_t off, uint32_t v)
{
	wr16(off, v & 0xffff);
	wr16(off + 2, v >> 16);
}

static void wr64(size_t off, uint64_t v)
{
	wr32(off, (uint32_t)v);
	wr32(off + 4, (uint32_t)(v >> 32));
}

/* ---- the layout of GOOD.exe -------------------------------------------------------------------- */

static size_t nt;	/* "PE\0\0" */
static size_t coff;	/* the COFF file header */
static size_t opt;	/* the optional header */
static size_t sects;	/* the section table */
static unsigned nsects;

#define OPT_IMAGE_BASE    24
#define OPT_SECTION_ALIGN 32
#define OPT_SIZE_OF_IMAGE 56
#define OPT_DATA_DIR      112	/* 8 bytes per directory */
#define DIR_IMPORT        1
#define DIR_BASERELOC     5
#define SEC_SIZE          40
#define SEC_VSIZE         8
#define SEC_VADDR         12
#define SEC_RAWSIZE       16
#define SEC_RAWPTR        20

static int parse(void)
{
	if (img_len < 0x40 || img[0] != 'M' || img[1] != 'Z')
		return -1;
	nt = rd32(0x3c);
	if (nt + 24 > img_len || memcmp(img + nt, "PE\0\0", 4) != 0)
		return -1;
	coff = nt + 4;
	opt = coff + 20;
	nsects = rd16(coff + 2);
	sects = opt + rd16(coff + 16);
	if (rd16(opt) != 0x20b || sects + nsects * SEC_SIZE > img_len)
		return -1;
	return 0;
}

/* The file offset of rva, or 0 when no section holds it in the file. */
static size_t rva_to_off(uint32_t rva)
{
	for (unsigned i = 0; i < nsects; i++) {
		size_t s = sects + i * SEC_SIZE;
		uint32_t va = rd32(s + SEC_VADDR), raw = rd32(s + SEC_RAWSIZE);
		if (rva >= va && rva < va + raw)
			return rd32(s + SEC_RAWPTR) + (rva - va);
	}
	return 0;
}

/* The import descriptor (20 bytes) of dll, case-insensitive; 0 when there is none. */
static size_t import_of(const char *dll)
{
	size_t d = rva_to_off(rd32(opt + OPT_DATA_DIR + 8 * DIR_IMPORT));
	for (; d && d + 20 <= img_len && rd32(d + 12); d += 20) {
		size_t name = rva_to_off(rd32(d + 12));
		if (name && strncasecmp((const char *)img + name, dll, strlen(dll) + 1) == 0)
			return d;
	}
	return 0;
}

/* ---- the defects: each changes img (a fresh copy of GOOD.exe) and returns 0, or -1 when it cannot --- */

/* Imports a DLL nobody has: "msvcrt.dll" becomes "nodll0.dll" (STATUS_DLL_NOT_FOUND). */
static int bad_nodll(void)
{
	size_t d = import_of("msvcrt.dll");
	if (!d)
		return -1;
	memcpy(img + rva_to_off(rd32(d + 12)), "nodll0.dll", 10);
	return 0;
}

/* Imports a function msvcrt.dll lacks: the first by-name import's name becomes "_QQQ..." (STATUS_ENTRYPOINT_NOT_FOUND). */
static int bad_nofunc(void)
{
	size_t d = import_of("msvcrt.dll");
	if (!d)
		return -1;
	size_t thunks = rva_to_off(rd32(d) ? rd32(d) : rd32(d + 16));
	for (; thunks && rd32(thunks) | rd32(thunks + 4); thunks += 8) {
		if (img[thunks + 7] & 0x80)	/* by ordinal */
			continue;
		size_t hint_name = rva_to_off(rd32(thunks));
		if (!hint_name)
			return -1;
		for (char *p = (char *)img + hint_name + 3; *p; p++)
			*p = 'Q';
		return 0;
	}
	return -1;
}

/* The file ends inside the optional header. */
static int bad_trunc_headers(void)
{
	img_len = opt + 0x40;
	return 0;
}

/* The file ends inside the section table. */
static int bad_sectab_past_file(void)
{
	img_len = sects + SEC_SIZE + SEC_SIZE / 2;
	return 0;
}

/* An absurd section count: the table runs far past the headers and the file. */
static int bad_nsections(void)
{
	wr16(coff + 2, 0xffff);
	return 0;
}

/* The second section starts where the first does. */
static int bad_overlap(void)
{
	if (nsects < 2)
		return -1;
	wr32(sects + SEC_SIZE + SEC_VADDR, rd32(sects + SEC_VADDR));
	return 0;
}

/* The second section's address is not a multiple of SectionAlignment. */
static int bad_misaligned(void)
{
	if (nsects < 2)
		return -1;
	size_t s = sects + SEC_SIZE + SEC_VADDR;
	wr32(s, rd32(s) + 0x200);
	return 0;
}

/* A section's raw data lies past the end of the file. */
static int bad_rawdata(void)
{
	wr32(sects + SEC_RAWPTR, (uint32_t)img_len + 0x10000);
	return 0;
}

/* A section 2 GiB long, far past SizeOfImage. */
static int bad_vsize(void)
{
	wr32(sects + SEC_VSIZE, 0x80000000u);
	return 0;
}

/* SizeOfImage of 3 GiB: more than any image can need, and past what its sections describe. */
static int bad_image_size(void)
{
	wr32(opt + OPT_SIZE_OF_IMAGE, 0xC0000000u);
	return 0;
}

/* The import directory points past the end of the image. */
static int bad_import_dir(void)
{
	wr32(opt + OPT_DATA_DIR + 8 * DIR_IMPORT, rd32(opt + OPT_SIZE_OF_IMAGE) + 0x1000);
	return 0;
}

/* An import descriptor's DLL name points past the end of the image. */
static int bad_import_name(void)
{
	size_t d = import_of("msvcrt.dll");
	if (!d)
		return -1;
	wr32(d + 12, rd32(opt + OPT_SIZE_OF_IMAGE) + 0x100);
	return 0;
}

/* An import thunk (hint/name RVA) points past the end of the image. */
static int bad_import_thunk(void)
{
	size_t d = import_of("msvcrt.dll");
	if (!d)
		return -1;
	size_t thunks = rva_to_off(rd32(d) ? rd32(d) : rd32(d + 16));
	if (!thunks)
		return -1;
	wr64(thunks, (uint64_t)rd32(opt + OPT_SIZE_OF_IMAGE) + 0x40);
	/* The IAT holds the same RVA until binding: break it too, whichever the loader reads. */
	size_t iat = rva_to_off(rd32(d + 16));
	if (iat)
		wr64(iat, (uint64_t)rd32(opt + OPT_SIZE_OF_IMAGE) + 0x40);
	return 0;
}

/* The base-relocation directory runs past the end of the image. */
static int bad_reloc_dir(void)
{
	size_t dir = opt + OPT_DATA_DIR + 8 * DIR_BASERELOC;
	if (!rd32(dir + 4))
		return -1;
	wr32(dir, rd32(opt + OPT_SIZE_OF_IMAGE) - 8);
	wr32(dir + 4, 0x10000);
	return 0;
}

/* A relocation block for a page far outside the image. */
static int bad_reloc_block(void)
{
	size_t dir = opt + OPT_DATA_DIR + 8 * DIR_BASERELOC;
	size_t block = rva_to_off(rd32(dir));
	if (!rd32(dir + 4) || !block)
		return -1;
	wr32(block, 0x7fff0000u);	/* the block's page RVA */
	return 0;
}

/* A relocation block whose size runs past the directory (and the image). */
static int bad_reloc_size(void)
{
	size_t dir = opt + OPT_DATA_DIR + 8 * DIR_BASERELOC;
	size_t block = rva_to_off(rd32(dir));
	if (!rd32(dir + 4) || !block)
		return -1;
	wr32(block + 4, 0x7ffffff8u);
	return 0;
}

/* Not an x64 image: Machine i386. */
static int bad_machine(void)
{
	wr16(coff, 0x14c);
	return 0;
}

/* The PE signature is wrong. */
static int bad_signature(void)
{
	img[nt + 1] = 'X';
	return 0;
}

/* e_lfanew points past the end of the file. */
static int bad_lfanew(void)
{
	wr32(0x3c, (uint32_t)img_len + 0x100);
	return 0;
}

/* SectionAlignment 0x300: not a power of two. */
static int bad_alignment(void)
{
	wr32(opt + OPT_SECTION_ALIGN, 0x300);
	return 0;
}

/* An ImageBase that is not a multiple of 64 KiB. */
static int bad_image_base(void)
{
	uint32_t lo = rd32(opt + OPT_IMAGE_BASE);
	wr32(opt + OPT_IMAGE_BASE, lo + 0x1000);
	return 0;
}

static const struct {
	const char *name;
	int (*make)(void);
} defects[] = {
	{ "nodll", bad_nodll },
	{ "nofunc", bad_nofunc },
	{ "trunc_headers", bad_trunc_headers },
	{ "sectab_past_file", bad_sectab_past_file },
	{ "nsections", bad_nsections },
	{ "overlap", bad_overlap },
	{ "misaligned", bad_misaligned },
	{ "rawdata", bad_rawdata },
	{ "vsize", bad_vsize },
	{ "image_size", bad_image_size },
	{ "import_dir", bad_import_dir },
	{ "import_name", bad_import_name },
	{ "import_thunk", bad_import_thunk },
	{ "reloc_dir", bad_reloc_dir },
	{ "reloc_block", bad_reloc_block },
	{ "reloc_size", bad_reloc_size },
	{ "machine", bad_machine },
	{ "signature", bad_signature },
	{ "lfanew", bad_lfanew },
	{ "alignment", bad_alignment },
	{ "image_base", bad_image_base },
};

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkbadpe GOOD.exe OUTDIR\n");
		return 1;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0) {
		fprintf(stderr, "mkbadpe: cannot read %s\n", argv[1]);
		return 1;
	}
	good_len = (size_t)ftell(f);
	rewind(f);
	good = malloc(good_len);
	img = malloc(good_len);
	if (!good || !img || fread(good, 1, good_len, f) != good_len) {
		fprintf(stderr, "mkbadpe: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	int failed = 0;
	for (size_t i = 0; i < sizeof defects / sizeof defects[0]; i++) {
		memcpy(img, good, good_len);
		img_len = good_len;
		if (parse() != 0 || defects[i].make() != 0) {
			fprintf(stderr, "mkbadpe: %s: cannot make defect %s\n", argv[1], defects[i].name);
			failed = 1;
			continue;
		}
		char path[4096];
		snprintf(path, sizeof path, "%s/child_bad_%s.exe", argv[2], defects[i].name);
		FILE *o = fopen(path, "wb");
		if (!o || fwrite(img, 1, img_len, o) != img_len || fclose(o) != 0) {
			fprintf(stderr, "mkbadpe: cannot write %s\n", path);
			return 1;
		}
		printf("%s\n", path);
	}
	return failed;
}
