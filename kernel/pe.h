/*
 * kernel/pe.h - the PE32+ parser and validator.
 *
 * Pure: no kernel dependency beyond stdint/stddef and the NTSTATUS values,
 * so it is also built for the host (tests/host/test_pe.c, the libFuzzer
 * target tests/host/fuzz_pe.c).  It reads the *file* (a boot module) and
 * answers questions about the image as it is laid out in memory: an RVA is
 * translated through the section table (bytes past a section's raw data are
 * zero).  Every malformed input gives STATUS_INVALID_IMAGE_FORMAT; nothing is
 * ever read outside [file, file + size).
 */
#ifndef KERNEL_PE_H
#define KERNEL_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mm/winvm.h"

#ifndef STATUS_INVALID_IMAGE_FORMAT
#define STATUS_INVALID_IMAGE_FORMAT ((ntstatus_t)0xC000007B)
#endif
#define STATUS_DLL_NOT_FOUND        ((ntstatus_t)0xC0000135)
#define STATUS_ORDINAL_NOT_FOUND    ((ntstatus_t)0xC0000138)
#define STATUS_ENTRYPOINT_NOT_FOUND ((ntstatus_t)0xC0000139)

#define PE_MAX_IMAGE      (1ULL << 30)	/* SizeOfImage above 1 GiB is refused */
#define PE_MAX_SECTIONS   96		/* as Windows */
#define PE_NAME_MAX       512		/* longest import/export name accepted, with the NUL */
#define PE_DLL_NAME_MAX   64		/* longest DLL name accepted, with the NUL */

/* IMAGE_FILE_HEADER.Characteristics */
#define PE_FILE_RELOCS_STRIPPED 0x0001
#define PE_FILE_EXECUTABLE      0x0002
#define PE_FILE_DLL             0x2000
/* IMAGE_OPTIONAL_HEADER64.DllCharacteristics */
#define PE_DLL_DYNAMIC_BASE 0x0040
#define PE_DLL_NX_COMPAT    0x0100
/* IMAGE_SECTION_HEADER.Characteristics */
#define PE_SCN_MEM_EXECUTE 0x20000000u
#define PE_SCN_MEM_READ    0x40000000u
#define PE_SCN_MEM_WRITE   0x80000000u
/* Data directory indexes */
#define PE_DIR_EXPORT    0
#define PE_DIR_IMPORT    1
#define PE_DIR_EXCEPTION 3
#define PE_DIR_BASERELOC 5
#define PE_DIR_TLS       9
#define PE_DIR_IAT       12
#define PE_DIRS          16

/* One section as the validator checked it. */
struct pe_section {
	char name[9];
	uint32_t rva;		/* page aligned */
	uint32_t vsize;		/* bytes in memory, page rounded (VirtualSize, or SizeOfRawData when it is 0) */
	uint32_t raw_off;	/* file offset of the raw data */
	uint32_t raw_len;	/* bytes copied from the file: min(SizeOfRawData, VirtualSize) */
	uint32_t characteristics;
};

struct pe_dir {
	uint32_t rva, size;
};

/* A validated image. */
struct pe_image {
	const uint8_t *file;
	uint64_t file_size;
	uint64_t image_base;	/* preferred, 64 KiB aligned */
	uint32_t size_of_image;	/* page rounded */
	uint32_t size_of_headers;
	uint32_t entry_rva;	/* 0: none */
	uint16_t characteristics, dll_characteristics, subsystem;
	uint64_t stack_reserve, stack_commit;
	/* Reported by NtQuerySection(SectionImageInformation), not used by the loader: */
	uint16_t machine;
	uint32_t os_version;		/* MajorOperatingSystemVersion | MinorOperatingSystemVersion << 16 */
	uint32_t subsystem_version;	/* MinorSubsystemVersion | MajorSubsystemVersion << 16 */
	uint32_t size_of_code, loader_flags, checksum;
	uint32_t image_base_off;	/* file offset of OptionalHeader.ImageBase (8 bytes) */
	uint32_t nsections;
	struct pe_section sections[PE_MAX_SECTIONS];
	struct pe_dir dirs[PE_DIRS];	/* NumberOfRvaAndSizes past the table read as empty */
};

/* Validate the file [file, file+size) and fill *img.  STATUS_INVALID_IMAGE_FORMAT for anything malformed. */
ntstatus_t pe_parse(const void *file, uint64_t size, struct pe_image *img);

/*
 * The page protection (PAGE_*) of the image page at rva: the headers
 * PAGE_READONLY; a section by its characteristics (R: READONLY, W:
 * WRITECOPY, X: EXECUTE, RX: EXECUTE_READ, WX/RWX: EXECUTE_WRITECOPY, none:
 * NOACCESS); data executable too when NX_COMPAT is clear; gaps NOACCESS.
 */
uint32_t pe_page_protect(const struct pe_image *img, uint32_t rva);

/*
 * The bytes of the in-memory image at rva: *p points into the file (or is NULL
 * where the image is zero fill) and *len is how many bytes from rva have that
 * kind.  Bytes in a gap between sections cannot be read.
 */
ntstatus_t pe_span(const struct pe_image *img, uint32_t rva, const uint8_t **p, uint32_t *len);

/* Copy len bytes of the in-memory image at rva to dst (zero fill included). */
ntstatus_t pe_read(const struct pe_image *img, uint32_t rva, void *dst, uint32_t len);

/* Copy the NUL-terminated string at rva (at most max bytes with the NUL). */
ntstatus_t pe_string(const struct pe_image *img, uint32_t rva, char *dst, size_t max);

/*
 * Base relocations: call fn(ctx, rva) for every IMAGE_REL_BASED_DIR64 entry
 * (the 8 bytes at rva, inside the image, take the delta); ABSOLUTE entries
 * are padding; any other type, or a malformed block, is
 * STATUS_INVALID_IMAGE_FORMAT.  fn NULL: validate only.  A non-zero status
 * from fn stops the walk and is returned.
 */
typedef ntstatus_t (*pe_reloc_fn)(void *ctx, uint32_t rva);
ntstatus_t pe_walk_relocs(const struct pe_image *img, pe_reloc_fn fn, void *ctx);

/*
 * The name of import descriptor index (ASCII, at most PE_DLL_NAME_MAX with the
 * NUL); *end true (and STATUS_SUCCESS) past the last one.
 */
ntstatus_t pe_import_dll(const struct pe_image *img, uint32_t index, char *name, size_t size, bool *end);

/* One imported function. */
struct pe_import {
	uint32_t dll_index;	/* its descriptor (pe_import_dll) */
	const char *dll;	/* the DLL's name */
	uint32_t iat_rva;	/* the IAT slot the address goes to */
	bool by_ordinal;
	uint16_t ordinal;	/* by_ordinal */
	uint16_t hint;		/* by name */
	const char *name;	/* by name; NULL by ordinal */
};
/* Call fn for every imported function, descriptor by descriptor; a non-zero status from fn stops the walk. */
typedef ntstatus_t (*pe_import_fn)(void *ctx, const struct pe_import *imp);
ntstatus_t pe_walk_imports(const struct pe_image *img, pe_import_fn fn, void *ctx);

/*
 * An export: by name (the hint, an index into the name table, is tried
 * first, then a binary search, then a linear one for unsorted tables) or by
 * ordinal.  On success either *rva is the function's RVA and fwd[0] is 0, or
 * the export is forwarded and fwd holds "DLL.Name" / "DLL.#N" (*rva 0).
 * STATUS_ENTRYPOINT_NOT_FOUND (name) / STATUS_ORDINAL_NOT_FOUND (ordinal)
 * when absent, including an image without an export table.
 */
ntstatus_t pe_export_by_name(const struct pe_image *img, const char *name, uint16_t hint, uint32_t *rva, char *fwd,
			     size_t fwd_size);
ntstatus_t pe_export_by_ordinal(const struct pe_image *img, uint32_t ordinal, uint32_t *rva, char *fwd,
				size_t fwd_size);

/*
 * Split a forwarder "DLL.Name" / "DLL.#N" at its last dot: dll gets the
 * module name (".dll" appended when it has no dot of its own), and either
 * name the function or *ordinal the ordinal (*by_ordinal).
 * STATUS_INVALID_IMAGE_FORMAT for a malformed one.
 */
ntstatus_t pe_split_forwarder(const char *fwd, char *dll, size_t dll_size, char *name, size_t name_size,
			      bool *by_ordinal, uint16_t *ordinal);

#endif
