/*
 * tests/host/pe_build.h - build a small, valid PE32+ image in memory, for the
 * parser's host tests, its fuzz target (the seed it mutates) and the
 * kernel's image KTESTs (tests/kernel/test_image.c).  Header-only, pure C.
 *
 * Layout (FileAlignment 0x200, SectionAlignment 0x1000, SizeOfImage 0x5000):
 *   headers  RVA 0      file 0      R
 *   .text    RVA 0x1000 file 0x400  RX   mov eax, 42; ret (at 0x1000 and 0x1010)
 *   .rdata   RVA 0x2000 file 0x600  R    a DLL's exports: Alpha, Beta, Gamma (forwarded to OTHER.Alpha)
 *   .data    RVA 0x3000 file 0x800  RW   a pointer to .text at 0x3000 (relocated); a program's imports
 *                                        (Beta by name, ordinal 1, from the DLL named) at 0x3100
 *   .reloc   RVA 0x4000 file 0xa00  R    one DIR64 entry for 0x3000
 */
#ifndef TESTS_HOST_PE_BUILD_H
#define TESTS_HOST_PE_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PEB_FILE_SIZE 0xc00
#define PEB_IMPORT_IAT 0x3160	/* the program's IAT: Beta, then ordinal 1 */
#define PEB_DATA_PTR   0x3000	/* the relocated pointer to .text (0x1000) */

struct pe_build_opts {
	bool dll;
	uint64_t image_base;
	const char *import_dll;	/* a program's DLL ("pt.dll") */
	const char *forward;	/* a DLL's Gamma forwarder ("other.Alpha") */
	uint16_t dll_characteristics;	/* DYNAMIC_BASE 0x40, NX_COMPAT 0x100 */
};

static inline void peb_w16(uint8_t *b, uint32_t off, uint16_t v)
{
	memcpy(b + off, &v, 2);
}
static inline void peb_w32(uint8_t *b, uint32_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}
static inline void peb_w64(uint8_t *b, uint32_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

/* The file offset of RVA rva (inside a section's raw data). */
static inline uint32_t peb_off(uint32_t rva)
{
	return rva - 0x1000 * (rva / 0x1000) + 0x400 + 0x200 * (rva / 0x1000 - 1);
}

/* Write the image into buf (PEB_FILE_SIZE bytes); returns its size. */
static inline uint32_t pe_build(uint8_t *buf, const struct pe_build_opts *o)
{
	memset(buf, 0, PEB_FILE_SIZE);
	buf[0] = 'M', buf[1] = 'Z';
	peb_w32(buf, 0x3c, 0x40);
	memcpy(buf + 0x40, "PE\0\0", 4);
	uint32_t fh = 0x44, oh = 0x58;
	peb_w16(buf, fh, 0x8664);
	peb_w16(buf, fh + 2, 4);	/* sections */
	peb_w16(buf, fh + 16, 0xf0);	/* SizeOfOptionalHeader */
	peb_w16(buf, fh + 18, 0x22 | (o->dll ? 0x2000 : 0));	/* EXECUTABLE | LARGE_ADDRESS_AWARE (| DLL) */
	peb_w16(buf, oh, 0x20b);
	peb_w32(buf, oh + 4, 0x200);	/* SizeOfCode */
	peb_w32(buf, oh + 16, o->dll ? 0 : 0x1000);	/* AddressOfEntryPoint */
	peb_w32(buf, oh + 20, 0x1000);	/* BaseOfCode */
	peb_w64(buf, oh + 24, o->image_base);
	peb_w32(buf, oh + 32, 0x1000);
	peb_w32(buf, oh + 36, 0x200);
	peb_w16(buf, oh + 40, 6);	/* OS version 6.0 */
	peb_w16(buf, oh + 48, 6);	/* subsystem version */
	peb_w32(buf, oh + 56, 0x5000);	/* SizeOfImage */
	peb_w32(buf, oh + 60, 0x400);	/* SizeOfHeaders */
	peb_w16(buf, oh + 68, 3);	/* console */
	peb_w16(buf, oh + 70, o->dll_characteristics);
	peb_w64(buf, oh + 72, 0x200000);	/* stack reserve */
	peb_w64(buf, oh + 80, 0x2000);	/* stack commit */
	peb_w64(buf, oh + 88, 0x100000);
	peb_w64(buf, oh + 96, 0x1000);
	peb_w32(buf, oh + 108, 16);
	uint32_t dd = oh + 112;
	if (o->dll) {
		peb_w32(buf, dd + 0, 0x2000);	/* export */
		peb_w32(buf, dd + 4, 0x110);
	} else {
		peb_w32(buf, dd + 8, 0x3100);	/* import */
		peb_w32(buf, dd + 12, 40);
		peb_w32(buf, dd + 96, PEB_IMPORT_IAT);	/* IAT */
		peb_w32(buf, dd + 100, 24);
	}
	peb_w32(buf, dd + 40, 0x4000);	/* base relocation */
	peb_w32(buf, dd + 44, 12);
	static const struct {
		const char *name;
		uint32_t ch;
	} sec[4] = {
		{ ".text", 0x60000020 }, { ".rdata", 0x40000040 }, { ".data", 0xc0000040 }, { ".reloc", 0x42000040 },
	};
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t h = oh + 0xf0 + 40 * i;
		memcpy(buf + h, sec[i].name, strlen(sec[i].name));
		peb_w32(buf, h + 8, 0x200);	/* VirtualSize */
		peb_w32(buf, h + 12, 0x1000 * (i + 1));
		peb_w32(buf, h + 16, 0x200);	/* SizeOfRawData */
		peb_w32(buf, h + 20, 0x400 + 0x200 * i);
		peb_w32(buf, h + 36, sec[i].ch);
	}
	/* .text: mov eax, 42; ret - twice */
	static const uint8_t code[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 };
	memcpy(buf + peb_off(0x1000), code, sizeof(code));
	memcpy(buf + peb_off(0x1010), code, sizeof(code));
	/* .data: the pointer to .text */
	peb_w64(buf, peb_off(PEB_DATA_PTR), o->image_base + 0x1000);
	/* .reloc: one block for page 0x3000: DIR64 at +0, ABSOLUTE padding */
	peb_w32(buf, peb_off(0x4000), 0x3000);
	peb_w32(buf, peb_off(0x4004), 12);
	peb_w16(buf, peb_off(0x4008), 0xa000);
	peb_w16(buf, peb_off(0x400a), 0);
	if (o->dll) {
		uint32_t e = 0x2000;
		peb_w32(buf, peb_off(e + 12), 0x2100);	/* Name */
		peb_w32(buf, peb_off(e + 16), 1);	/* Base */
		peb_w32(buf, peb_off(e + 20), 3);
		peb_w32(buf, peb_off(e + 24), 3);
		peb_w32(buf, peb_off(e + 28), 0x2040);
		peb_w32(buf, peb_off(e + 32), 0x2050);
		peb_w32(buf, peb_off(e + 36), 0x2060);
		peb_w32(buf, peb_off(0x2040), 0x1000);	/* Alpha, ordinal 1 */
		peb_w32(buf, peb_off(0x2044), 0x1010);	/* Beta, ordinal 2 */
		peb_w32(buf, peb_off(0x2048), 0x2080);	/* Gamma: a forwarder string inside the directory */
		peb_w32(buf, peb_off(0x2050), 0x20c0);
		peb_w32(buf, peb_off(0x2054), 0x20c8);
		peb_w32(buf, peb_off(0x2058), 0x20d0);
		peb_w16(buf, peb_off(0x2060), 0);
		peb_w16(buf, peb_off(0x2062), 1);
		peb_w16(buf, peb_off(0x2064), 2);
		strcpy((char *)buf + peb_off(0x2080), o->forward ? o->forward : "other.Alpha");
		strcpy((char *)buf + peb_off(0x20c0), "Alpha");
		strcpy((char *)buf + peb_off(0x20c8), "Beta");
		strcpy((char *)buf + peb_off(0x20d0), "Gamma");
		strcpy((char *)buf + peb_off(0x2100), "pt.dll");
	} else {
		uint32_t d = 0x3100;
		peb_w32(buf, peb_off(d), 0x3140);	/* OriginalFirstThunk */
		peb_w32(buf, peb_off(d + 12), 0x31a0);	/* Name */
		peb_w32(buf, peb_off(d + 16), PEB_IMPORT_IAT);
		for (uint32_t t = 0x3140; t <= PEB_IMPORT_IAT; t += PEB_IMPORT_IAT - 0x3140) {
			peb_w64(buf, peb_off(t), 0x3180);	/* Beta by name */
			peb_w64(buf, peb_off(t + 8), 0x8000000000000001ULL);	/* ordinal 1: Alpha */
		}
		peb_w16(buf, peb_off(0x3180), 1);	/* hint: Beta is name 1 */
		strcpy((char *)buf + peb_off(0x3182), "Beta");
		strcpy((char *)buf + peb_off(0x31a0), o->import_dll ? o->import_dll : "pt.dll");
	}
	return PEB_FILE_SIZE;
}

#endif
