/* kernel/pe.c - PE32+ parsing and validation (pure: built for the kernel and the host). */
#include "pe.h"

#include <string.h>

#define PG        4096u
#define PG_UP(x)  (((uint64_t)(x) + PG - 1) & ~(uint64_t)(PG - 1))
#define USER_END  0x7FFFFFFF0000ULL	/* the end of the user range (kernel/layout.h), kept here to stay pure */

#define DOS_MAGIC   0x5a4d		/* "MZ" */
#define NT_MAGIC    0x00004550		/* "PE\0\0" */
#define MACHINE_AMD64 0x8664
#define OPT_MAGIC64 0x20b
#define OPT_SIZE_FIXED 112		/* IMAGE_OPTIONAL_HEADER64 up to DataDirectory */
#define REL_ABSOLUTE 0
#define REL_DIR64    10

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* True when [off, off+len) lies inside [0, size). */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Read and check the section table at off (count entries); fills img->sections. */
static ntstatus_t parse_sections(struct pe_image *img, uint64_t off, uint32_t count)
{
	const uint8_t *f = img->file;
	uint64_t prev_end = PG_UP(img->size_of_headers);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *h = f + off + 40ULL * i;
		struct pe_section *s = &img->sections[i];
		memcpy(s->name, h, 8);
		s->name[8] = '\0';
		uint32_t vsize = rd32(h + 8), rva = rd32(h + 12), raw_size = rd32(h + 16), raw_ptr = rd32(h + 20);
		s->characteristics = rd32(h + 36);
		uint64_t size = vsize ? vsize : raw_size;
		if (rva % PG || rva < prev_end || size == 0 || size > PE_MAX_IMAGE)
			return STATUS_INVALID_IMAGE_FORMAT;	/* ascending, page aligned, not overlapping */
		uint64_t end = rva + PG_UP(size);
		if (end > img->size_of_image)
			return STATUS_INVALID_IMAGE_FORMAT;
		uint32_t copied = raw_size < size ? raw_size : (uint32_t)size;
		if (raw_size && !inside(raw_ptr, raw_size, img->file_size))
			return STATUS_INVALID_IMAGE_FORMAT;
		s->rva = rva;
		s->vsize = (uint32_t)PG_UP(size);
		s->raw_off = raw_size ? raw_ptr : 0;
		s->raw_len = copied;
		prev_end = end;
	}
	return STATUS_SUCCESS;
}

ntstatus_t pe_parse(const void *file, uint64_t size, struct pe_image *img)
{
	const uint8_t *f = file;
	memset(img, 0, sizeof(*img));
	img->file = f;
	img->file_size = size;
	if (size < 0x40 || rd16(f) != DOS_MAGIC)
		return STATUS_INVALID_IMAGE_FORMAT;
	uint32_t nt = rd32(f + 0x3c);
	if (nt % 4 || !inside(nt, 24, size) || rd32(f + nt) != NT_MAGIC)
		return STATUS_INVALID_IMAGE_FORMAT;
	const uint8_t *fh = f + nt + 4;	/* IMAGE_FILE_HEADER */
	uint32_t nsections = rd16(fh + 2), opt_size = rd16(fh + 16);
	img->characteristics = rd16(fh + 18);
	if (rd16(fh) != MACHINE_AMD64 || nsections > PE_MAX_SECTIONS || opt_size < OPT_SIZE_FIXED ||
	    !(img->characteristics & PE_FILE_EXECUTABLE))
		return STATUS_INVALID_IMAGE_FORMAT;
	uint64_t opt_off = nt + 24ULL;
	if (!inside(opt_off, opt_size, size))
		return STATUS_INVALID_IMAGE_FORMAT;
	const uint8_t *oh = f + opt_off;
	if (rd16(oh) != OPT_MAGIC64)
		return STATUS_INVALID_IMAGE_FORMAT;
	img->entry_rva = rd32(oh + 16);
	img->image_base = rd64(oh + 24);
	img->image_base_off = (uint32_t)opt_off + 24;
	uint32_t sect_align = rd32(oh + 32), file_align = rd32(oh + 36);
	uint32_t size_of_image = rd32(oh + 56);
	img->size_of_headers = rd32(oh + 60);
	img->subsystem = rd16(oh + 68);
	img->dll_characteristics = rd16(oh + 70);
	img->stack_reserve = rd64(oh + 72);
	img->stack_commit = rd64(oh + 80);
	img->machine = rd16(fh);
	img->size_of_code = rd32(oh + 4);
	img->os_version = rd16(oh + 40) | (uint32_t)rd16(oh + 42) << 16;
	img->subsystem_version = rd16(oh + 50) | (uint32_t)rd16(oh + 48) << 16;
	img->checksum = rd32(oh + 64);
	img->loader_flags = rd32(oh + 104);
	uint32_t ndirs = rd32(oh + 108);
	if (sect_align != PG || file_align < 512 || file_align > PG || (file_align & (file_align - 1)))
		return STATUS_INVALID_IMAGE_FORMAT;
	if (size_of_image == 0 || size_of_image > PE_MAX_IMAGE)
		return STATUS_INVALID_IMAGE_FORMAT;
	img->size_of_image = (uint32_t)PG_UP(size_of_image);
	if (img->image_base == 0 || img->image_base % 0x10000 || img->image_base >= USER_END ||
	    img->size_of_image > USER_END - img->image_base)
		return STATUS_INVALID_IMAGE_FORMAT;
	if (ndirs > PE_DIRS)
		ndirs = PE_DIRS;
	if (opt_size < OPT_SIZE_FIXED + 8 * ndirs)
		return STATUS_INVALID_IMAGE_FORMAT;
	/* The section table: inside the file and inside the headers. */
	uint64_t table = opt_off + opt_size, table_end = table + 40ULL * nsections;
	if (!inside(table, 40ULL * nsections, size) || img->size_of_headers < table_end ||
	    img->size_of_headers > size || img->size_of_headers > img->size_of_image)
		return STATUS_INVALID_IMAGE_FORMAT;
	img->nsections = nsections;
	ntstatus_t st = parse_sections(img, table, nsections);
	if (st)
		return st;
	for (uint32_t i = 0; i < ndirs; i++) {
		struct pe_dir d = { rd32(oh + 112 + 8 * i), rd32(oh + 116 + 8 * i) };
		if (d.size == 0)
			d.rva = 0;
		else if (d.rva == 0 || !inside(d.rva, d.size, img->size_of_image))
			return STATUS_INVALID_IMAGE_FORMAT;
		if (i == PE_DIR_EXPORT && d.size && d.size < 40)
			return STATUS_INVALID_IMAGE_FORMAT;	/* IMAGE_EXPORT_DIRECTORY */
		if (i == PE_DIR_TLS && d.size && d.size < 40)
			return STATUS_INVALID_IMAGE_FORMAT;	/* IMAGE_TLS_DIRECTORY64 */
		img->dirs[i] = d;
	}
	if (img->entry_rva >= img->size_of_image)
		return STATUS_INVALID_IMAGE_FORMAT;
	if (!(img->characteristics & PE_FILE_DLL) && img->entry_rva == 0)
		return STATUS_INVALID_IMAGE_FORMAT;	/* a program needs an entry point */
	return STATUS_SUCCESS;
}

/* The section containing rva, or NULL (headers or a gap). */
static const struct pe_section *section_at(const struct pe_image *img, uint32_t rva)
{
	for (uint32_t i = 0; i < img->nsections; i++) {
		const struct pe_section *s = &img->sections[i];
		if (rva >= s->rva && rva - s->rva < s->vsize)
			return s;
	}
	return NULL;
}

uint32_t pe_page_protect(const struct pe_image *img, uint32_t rva)
{
	if (rva < PG_UP(img->size_of_headers))
		return W_PAGE_READONLY;
	const struct pe_section *s = section_at(img, rva);
	if (!s)
		return W_PAGE_NOACCESS;
	uint32_t c = s->characteristics;
	bool r = c & PE_SCN_MEM_READ, w = c & PE_SCN_MEM_WRITE, x = c & PE_SCN_MEM_EXECUTE;
	if (!(img->dll_characteristics & PE_DLL_NX_COMPAT) && (r || w))
		x = true;	/* an image that is not NX compatible executes its data too */
	if (x)
		return w ? W_PAGE_EXECUTE_WRITECOPY : r ? W_PAGE_EXECUTE_READ : W_PAGE_EXECUTE;
	if (w)
		return W_PAGE_WRITECOPY;
	return r ? W_PAGE_READONLY : W_PAGE_NOACCESS;
}

ntstatus_t pe_span(const struct pe_image *img, uint32_t rva, const uint8_t **p, uint32_t *len)
{
	if (rva >= img->size_of_image)
		return STATUS_INVALID_IMAGE_FORMAT;
	uint32_t hdr_end = (uint32_t)PG_UP(img->size_of_headers);
	if (rva < hdr_end) {
		bool data = rva < img->size_of_headers;
		*p = data ? img->file + rva : NULL;
		*len = (data ? img->size_of_headers : hdr_end) - rva;
		return STATUS_SUCCESS;
	}
	const struct pe_section *s = section_at(img, rva);
	if (!s)
		return STATUS_INVALID_IMAGE_FORMAT;	/* a gap: no access in memory */
	uint32_t off = rva - s->rva;
	bool data = off < s->raw_len;
	*p = data ? img->file + s->raw_off + off : NULL;
	*len = (data ? s->raw_len : s->vsize) - off;
	return STATUS_SUCCESS;
}

ntstatus_t pe_read(const struct pe_image *img, uint32_t rva, void *dst, uint32_t len)
{
	uint8_t *d = dst;
	if (!inside(rva, len, img->size_of_image))
		return STATUS_INVALID_IMAGE_FORMAT;
	while (len) {
		const uint8_t *p;
		uint32_t n;
		ntstatus_t st = pe_span(img, rva, &p, &n);
		if (st)
			return st;
		if (n > len)
			n = len;
		if (p)
			memcpy(d, p, n);
		else
			memset(d, 0, n);
		d += n, rva += n, len -= n;
	}
	return STATUS_SUCCESS;
}

ntstatus_t pe_string(const struct pe_image *img, uint32_t rva, char *dst, size_t max)
{
	size_t got = 0;
	while (got < max) {
		const uint8_t *p;
		uint32_t n;
		ntstatus_t st = pe_span(img, rva, &p, &n);
		if (st)
			return st;
		if (!p) {	/* zero fill ends the string */
			dst[got] = '\0';
			return STATUS_SUCCESS;
		}
		for (uint32_t i = 0; i < n && got < max; i++) {
			dst[got++] = (char)p[i];
			if (!p[i])
				return STATUS_SUCCESS;
		}
		rva += n;
	}
	return STATUS_INVALID_IMAGE_FORMAT;	/* too long */
}

ntstatus_t pe_walk_relocs(const struct pe_image *img, pe_reloc_fn fn, void *ctx)
{
	struct pe_dir d = img->dirs[PE_DIR_BASERELOC];
	uint32_t off = 0;
	while (d.size - off >= 8) {
		uint8_t hdr[8];
		ntstatus_t st = pe_read(img, d.rva + off, hdr, 8);
		if (st)
			return st;
		uint32_t page = rd32(hdr), block = rd32(hdr + 4);
		if (block < 8 || block % 2 || block > d.size - off || page % PG || page >= img->size_of_image)
			return STATUS_INVALID_IMAGE_FORMAT;
		for (uint32_t e = 8; e < block; e += 2) {
			uint8_t ent[2];
			if ((st = pe_read(img, d.rva + off + e, ent, 2)))
				return st;
			uint16_t v = rd16(ent);
			unsigned type = v >> 12;
			uint32_t rva = page + (v & 0xfff);
			if (type == REL_ABSOLUTE)
				continue;
			if (type != REL_DIR64 || !inside(rva, 8, img->size_of_image))
				return STATUS_INVALID_IMAGE_FORMAT;
			if (fn && (st = fn(ctx, rva)))
				return st;
		}
		off += block;
	}
	return STATUS_SUCCESS;
}

/* Import descriptor index: 20 bytes (OriginalFirstThunk, TimeDateStamp, ForwarderChain, Name, FirstThunk). */
static ntstatus_t import_desc(const struct pe_image *img, uint32_t index, uint8_t desc[20], bool *end)
{
	struct pe_dir d = img->dirs[PE_DIR_IMPORT];
	*end = true;
	if (!d.size)
		return STATUS_SUCCESS;
	uint64_t off = 20ULL * index;
	if (off + 20 > img->size_of_image - (uint64_t)d.rva)
		return STATUS_INVALID_IMAGE_FORMAT;	/* the terminator is missing */
	ntstatus_t st = pe_read(img, d.rva + (uint32_t)off, desc, 20);
	if (st)
		return st;
	static const uint8_t zero[20];
	*end = memcmp(desc, zero, 20) == 0;
	if (!*end && (rd32(desc + 12) == 0 || rd32(desc + 16) == 0))
		return STATUS_INVALID_IMAGE_FORMAT;	/* no name or no IAT */
	return STATUS_SUCCESS;
}

ntstatus_t pe_import_dll(const struct pe_image *img, uint32_t index, char *name, size_t size, bool *end)
{
	uint8_t desc[20];
	ntstatus_t st = import_desc(img, index, desc, end);
	if (st || *end)
		return st;
	if (size > PE_DLL_NAME_MAX)
		size = PE_DLL_NAME_MAX;
	st = pe_string(img, rd32(desc + 12), name, size);
	if (st || !name[0])
		return STATUS_INVALID_IMAGE_FORMAT;
	return STATUS_SUCCESS;
}

ntstatus_t pe_walk_imports(const struct pe_image *img, pe_import_fn fn, void *ctx)
{
	char dll[PE_DLL_NAME_MAX], name[PE_NAME_MAX];
	for (uint32_t i = 0;; i++) {
		bool end;
		uint8_t desc[20];
		ntstatus_t st = pe_import_dll(img, i, dll, sizeof(dll), &end);
		if (st || end)
			return st;
		if ((st = import_desc(img, i, desc, &end)))
			return st;
		uint32_t names = rd32(desc), iat = rd32(desc + 16);
		if (!names)
			names = iat;	/* no lookup table: the IAT as the file holds it names the functions */
		for (uint32_t k = 0;; k++) {
			uint64_t slot = 8ULL * k;
			if ((uint64_t)names + slot + 8 > img->size_of_image || (uint64_t)iat + slot + 8 > img->size_of_image)
				return STATUS_INVALID_IMAGE_FORMAT;
			uint8_t t[8];
			if ((st = pe_read(img, names + (uint32_t)slot, t, 8)))
				return st;
			uint64_t thunk = rd64(t);
			if (!thunk)
				break;
			struct pe_import imp = { .dll_index = i, .dll = dll, .iat_rva = iat + (uint32_t)slot };
			if (thunk >> 63) {
				if (thunk & 0x7fffffffffff0000ULL)
					return STATUS_INVALID_IMAGE_FORMAT;	/* ordinal imports carry 16 bits */
				imp.by_ordinal = true;
				imp.ordinal = (uint16_t)thunk;
			} else {
				if (thunk >> 31)
					return STATUS_INVALID_IMAGE_FORMAT;	/* a hint/name RVA is 31 bits */
				uint8_t h[2];
				if ((st = pe_read(img, (uint32_t)thunk, h, 2)) || (st = pe_string(img, (uint32_t)thunk + 2, name, sizeof(name))))
					return STATUS_INVALID_IMAGE_FORMAT;
				if (!name[0])
					return STATUS_INVALID_IMAGE_FORMAT;
				imp.hint = rd16(h);
				imp.name = name;
			}
			if ((st = fn(ctx, &imp)))
				return st;
		}
	}
}

/* The export directory's fields. */
struct exports {
	uint32_t base, nfuncs, nnames, funcs, names, ords;
};

/* Read and check the export directory; *none when the image has none. */
static ntstatus_t exports_get(const struct pe_image *img, struct exports *ex, bool *none)
{
	struct pe_dir d = img->dirs[PE_DIR_EXPORT];
	*none = d.size == 0;
	if (*none)
		return STATUS_SUCCESS;
	uint8_t h[40];
	ntstatus_t st = pe_read(img, d.rva, h, 40);
	if (st)
		return st;
	*ex = (struct exports){ rd32(h + 16), rd32(h + 20), rd32(h + 24), rd32(h + 28), rd32(h + 32), rd32(h + 36) };
	if (ex->nnames > ex->nfuncs || !inside(ex->funcs, 4ULL * ex->nfuncs, img->size_of_image) ||
	    !inside(ex->names, 4ULL * ex->nnames, img->size_of_image) ||
	    !inside(ex->ords, 2ULL * ex->nnames, img->size_of_image))
		return STATUS_INVALID_IMAGE_FORMAT;
	return STATUS_SUCCESS;
}

/* The function at index of the address table: its RVA, or its forwarder string. */
static ntstatus_t export_at(const struct pe_image *img, const struct exports *ex, uint32_t index, uint32_t *rva,
			    char *fwd, size_t fwd_size, ntstatus_t missing)
{
	uint8_t b[4];
	if (index >= ex->nfuncs)
		return missing;
	ntstatus_t st = pe_read(img, ex->funcs + 4 * index, b, 4);
	if (st)
		return st;
	uint32_t f = rd32(b);
	if (f == 0)
		return missing;
	if (f >= img->size_of_image)
		return STATUS_INVALID_IMAGE_FORMAT;
	struct pe_dir d = img->dirs[PE_DIR_EXPORT];
	fwd[0] = '\0';
	*rva = f;
	if (f >= d.rva && f - d.rva < d.size) {	/* inside the export directory: a forwarder */
		*rva = 0;
		st = pe_string(img, f, fwd, fwd_size);
		if (st || !fwd[0])
			return STATUS_INVALID_IMAGE_FORMAT;
	}
	return STATUS_SUCCESS;
}

/* Compare name with the export name number i: <0, 0, >0 as strcmp; *st set on a malformed table. */
static int name_cmp(const struct pe_image *img, const struct exports *ex, uint32_t i, const char *name, ntstatus_t *st)
{
	char buf[PE_NAME_MAX];
	uint8_t b[4];
	if ((*st = pe_read(img, ex->names + 4 * i, b, 4)) || (*st = pe_string(img, rd32(b), buf, sizeof(buf))))
		return 0;
	return strcmp(name, buf);
}

/* The function of name number i. */
static ntstatus_t named_export(const struct pe_image *img, const struct exports *ex, uint32_t i, uint32_t *rva,
			       char *fwd, size_t fwd_size)
{
	uint8_t b[2];
	ntstatus_t st = pe_read(img, ex->ords + 2 * i, b, 2);
	if (st)
		return st;
	st = export_at(img, ex, rd16(b), rva, fwd, fwd_size, STATUS_INVALID_IMAGE_FORMAT);
	return st;
}

ntstatus_t pe_export_by_name(const struct pe_image *img, const char *name, uint16_t hint, uint32_t *rva, char *fwd,
			     size_t fwd_size)
{
	struct exports ex;
	bool none;
	ntstatus_t st = exports_get(img, &ex, &none);
	if (st || none)
		return st ? st : STATUS_ENTRYPOINT_NOT_FOUND;
	if (hint < ex.nnames) {
		int c = name_cmp(img, &ex, hint, name, &st);
		if (st)
			return st;
		if (c == 0)
			return named_export(img, &ex, hint, rva, fwd, fwd_size);
	}
	uint32_t lo = 0, hi = ex.nnames;
	while (lo < hi) {	/* the name table is sorted (PE specification) */
		uint32_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(img, &ex, mid, name, &st);
		if (st)
			return st;
		if (c == 0)
			return named_export(img, &ex, mid, rva, fwd, fwd_size);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (uint32_t i = 0; i < ex.nnames; i++) {	/* an unsorted table still works, slowly */
		int c = name_cmp(img, &ex, i, name, &st);
		if (st)
			return st;
		if (c == 0)
			return named_export(img, &ex, i, rva, fwd, fwd_size);
	}
	return STATUS_ENTRYPOINT_NOT_FOUND;
}

ntstatus_t pe_export_by_ordinal(const struct pe_image *img, uint32_t ordinal, uint32_t *rva, char *fwd,
				size_t fwd_size)
{
	struct exports ex;
	bool none;
	ntstatus_t st = exports_get(img, &ex, &none);
	if (st || none)
		return st ? st : STATUS_ORDINAL_NOT_FOUND;
	if (ordinal < ex.base)
		return STATUS_ORDINAL_NOT_FOUND;
	return export_at(img, &ex, ordinal - ex.base, rva, fwd, fwd_size, STATUS_ORDINAL_NOT_FOUND);
}

ntstatus_t pe_split_forwarder(const char *fwd, char *dll, size_t dll_size, char *name, size_t name_size,
			      bool *by_ordinal, uint16_t *ordinal)
{
	const char *dot = strrchr(fwd, '.');
	if (!dot || dot == fwd || !dot[1])
		return STATUS_INVALID_IMAGE_FORMAT;
	size_t n = (size_t)(dot - fwd);
	bool has_ext = memchr(fwd, '.', n) != NULL;
	if (n + (has_ext ? 0 : 4) + 1 > dll_size)
		return STATUS_INVALID_IMAGE_FORMAT;
	memcpy(dll, fwd, n);
	strcpy(dll + n, has_ext ? "" : ".dll");
	const char *fn = dot + 1;
	*by_ordinal = fn[0] == '#';
	if (*by_ordinal) {
		uint32_t v = 0;
		if (!fn[1])
			return STATUS_INVALID_IMAGE_FORMAT;
		for (const char *c = fn + 1; *c; c++) {
			if (*c < '0' || *c > '9' || (v = v * 10 + (uint32_t)(*c - '0')) > 0xffff)
				return STATUS_INVALID_IMAGE_FORMAT;
		}
		*ordinal = (uint16_t)v;
		name[0] = '\0';
		return STATUS_SUCCESS;
	}
	if (strlen(fn) + 1 > name_size)
		return STATUS_INVALID_IMAGE_FORMAT;
	strcpy(name, fn);
	return STATUS_SUCCESS;
}
