/*
 * tools/svgmap.c - host tool: pictures of memory from a serial log.
 *
 *   svgmap vmmap LOG OUT.svg     every "--- vmmap:" table of LOG (libc/vmmap.c's
 *                                format) as one column, regions in address order,
 *                                height growing with log2 of the size, coloured
 *                                by state and protection
 *   svgmap physmap LOG OUT.svg   the last "--- physmap:" dump of LOG as a grid,
 *                                one cell per 4 KiB frame, coloured by owner
 *
 * Exit status 0, or 1 when LOG has no such dump or a file cannot be opened.
 * Plain C99 and the C library: built with the host compiler by the Makefile.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SNAPS 32
#define MAX_ROWS  128
#define MAX_RUNS  8192

struct region {
	unsigned long long base, kib, resident, shared, dirty;
	char state[16], type[16], protect[32], detail[32];
	int changed;
};

struct snapshot {
	char title[160];
	struct region rows[MAX_ROWS];
	int n;
};

struct run {
	unsigned long long first, count;
	char owner[16];
};

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Copy at most n-1 bytes of src, always terminated (truncating a long title is fine). */
static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	len = len < n - 1 ? len : n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Text and attribute values: & < > " ' escaped. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
				fputc(*s, f);
		}
	}
}

static void svg_begin(FILE *f, int w, int h, const char *heading)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		   "font-family=\"monospace\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		w, h, w, h);
	fputs("<text x=\"16\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", f);
	xml_text(f, heading);
	fputs("</text>\n", f);
}

/* A legend swatch at (x, y); stroke attributes in `stroke` ("" for a thin grey one). */
static void swatch(FILE *f, int x, int y, const char *fill, const char *stroke, const char *label)
{
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\" %s/>", x, y, fill,
		stroke[0] ? stroke : "stroke=\"#555\"");
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">", x + 18, y + 9);
	xml_text(f, label);
	fputs("</text>\n", f);
}

/* ---- vmmap ---------------------------------------------------------------- */

static int parse_vmmap(FILE *in, struct snapshot *snaps)
{
	char line[512];
	int nsnaps = 0;
	struct snapshot *cur = NULL;
	while (fgets(line, sizeof(line), in)) {
		chomp(line);
		if (strncmp(line, "--- vmmap: ", 11) == 0) {
			cur = nsnaps < MAX_SNAPS ? &snaps[nsnaps++] : NULL;
			if (cur) {
				copy_str(cur->title, sizeof(cur->title), line + 11);
				cur->n = 0;
			}
			continue;
		}
		if (strncmp(line, "--- end vmmap", 13) == 0) {
			cur = NULL;
			continue;
		}
		if (!cur || cur->n >= MAX_ROWS || (line[0] != '*' && line[0] != ' '))
			continue;
		struct region *r = &cur->rows[cur->n];
		char abase[32], aprot[32], res[32], sh[32], dirty[32];
		int used = 0;
		if (sscanf(line + 1, " %llx %lluK %15s %15s %31s %31s %31s %31s %31s %31s%n", &r->base, &r->kib, r->state,
			   r->type, r->protect, abase, aprot, res, sh, dirty, &used) != 10)
			continue;	/* the header, or not a row */
		r->resident = strtoull(res, NULL, 10);
		r->shared = strtoull(sh, NULL, 10);
		r->dirty = strtoull(dirty, NULL, 10);
		const char *d = line + 1 + used;
		while (*d == ' ')
			d++;
		copy_str(r->detail, sizeof(r->detail), d);
		r->changed = line[0] == '*';
		cur->n++;
	}
	return nsnaps;
}

static const char *region_fill(const struct region *r)
{
	if (strcmp(r->state, "free") == 0)
		return "#f2f2f2";
	if (strcmp(r->state, "reserve") == 0)
		return "#fff1b8";
	static const struct {
		const char *prefix, *fill;
	} by_prot[] = {
		{ "---", "#a0a0a0" }, { "r--", "#8fd18f" }, { "rw-", "#7fb2e5" }, { "rc-", "#c9a0e8" },
		{ "--x", "#f4a261" }, { "r-x", "#f4a261" }, { "rwx", "#e76f51" }, { "rcx", "#e76f51" },
	};
	for (size_t i = 0; i < sizeof(by_prot) / sizeof(by_prot[0]); i++)
		if (strncmp(r->protect, by_prot[i].prefix, 3) == 0)
			return by_prot[i].fill;
	return "#ffffff";
}

static int region_height(const struct region *r)
{
	double pages = (double)r->kib / 4.0;
	return 16 + (int)(5.0 * log2(pages < 1 ? 1 : pages) + 0.5);
}

enum { COL_W = 250, COL_GAP = 24, TOP = 96 };

static void vmmap_column(FILE *f, const struct snapshot *s, int x)
{
	fprintf(f, "<g class=\"snapshot\">\n<text x=\"%d\" y=\"%d\" font-size=\"11\" font-weight=\"bold\">", x, TOP - 8);
	xml_text(f, s->title);
	fputs("</text>\n", f);
	int y = TOP;
	for (int i = 0; i < s->n; i++) {
		const struct region *r = &s->rows[i];
		int h = region_height(r);
		unsigned long long pages = r->kib / 4;
		char tip[320];
		snprintf(tip, sizeof(tip), "%012llx, %lluK, %s %s %s, resident %llu, shared %llu, dirty %llu pages%s%s",
			 r->base, r->kib, r->state, r->type, r->protect, r->resident, r->shared, r->dirty,
			 r->detail[0] ? ", " : "", r->detail);
		fprintf(f, "<g class=\"region\" data-base=\"0x%llx\" data-size=\"%llu\" data-state=\"%s\" data-type=\"%s\" "
			   "data-protect=\"",
			r->base, r->kib * 1024, r->state, r->type);
		xml_text(f, r->protect);
		fprintf(f, "\" data-resident=\"%llu\" data-dirty=\"%llu\"><title>", r->resident, r->dirty);
		xml_text(f, tip);
		fputs("</title>\n", f);
		int guard = strstr(r->protect, "+guard") != NULL;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n",
			x, y, COL_W, h, region_fill(r), guard ? "#d00000" : r->changed ? "#000" : "#777",
			guard || r->changed ? "2" : "0.6", guard ? " stroke-dasharray=\"4 2\"" : "");
		if (strstr(r->protect, "+wc") || strstr(r->protect, "+nocache"))
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"url(#hatch)\"/>\n", x, y,
				COL_W, h);
		if (pages && r->resident) {	/* resident share as a bar on the right */
			int bh = (int)((double)h * (double)r->resident / (double)pages + 0.5);
			bh = bh < 1 ? 1 : bh;
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"%d\" fill=\"#333\"/>\n", x + COL_W - 8,
				y + h - bh, bh);
		}
		char label[160], res[32] = "";
		if (r->resident)
			snprintf(res, sizeof(res), " res %llu", r->resident);
		snprintf(label, sizeof(label), "%llx %lluK %s%s %s", r->base, r->kib,
			 strcmp(r->state, "commit") == 0 ? r->protect : r->state, res, r->detail);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"9\">", x + 4, y + h / 2 + 3);
		xml_text(f, label);
		fputs("</text>\n</g>\n", f);
		y += h;
	}
	fputs("</g>\n", f);
}

static int cmd_vmmap(FILE *in, FILE *out)
{
	static struct snapshot snaps[MAX_SNAPS];
	int n = parse_vmmap(in, snaps);
	if (n == 0)
		return 1;
	int height = 0;
	for (int i = 0; i < n; i++) {
		int h = 0;
		for (int j = 0; j < snaps[i].n; j++)
			h += region_height(&snaps[i].rows[j]);
		height = h > height ? h : height;
	}
	svg_begin(out, 16 + n * (COL_W + COL_GAP), TOP + height + 24,
		  "vmmap: the address space, low addresses at the top; height grows with log2(size)");
	fputs("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#6a3d9a\" "
	      "stroke-width=\"2\"/></pattern></defs>\n",
	      out);
	static const struct {
		const char *fill, *extra, *label;
	} legend[] = {
		{ "#f2f2f2", "", "free" }, { "#fff1b8", "", "reserved" }, { "#a0a0a0", "", "no access" },
		{ "#8fd18f", "", "r--" }, { "#7fb2e5", "", "rw-" }, { "#c9a0e8", "", "write-copy" },
		{ "#f4a261", "", "execute" }, { "#e76f51", "", "rwx" },
		{ "#ffffff", "stroke=\"#d00000\" stroke-width=\"2\" stroke-dasharray=\"4 2\"", "guard" },
		{ "url(#hatch)", "", "wc / nocache" }, { "#333", "", "resident share" },
		{ "#ffffff", "stroke-width=\"2\" stroke=\"#000\"", "changed" },
	};
	for (size_t i = 0; i < sizeof(legend) / sizeof(legend[0]); i++)
		swatch(out, 16 + (int)(i % 6) * 130, 36 + (int)(i / 6) * 16, legend[i].fill, legend[i].extra,
		       legend[i].label);
	for (int i = 0; i < n; i++)
		vmmap_column(out, &snaps[i], 16 + i * (COL_W + COL_GAP));
	fputs("</svg>\n", out);
	return 0;
}

/* ---- physmap -------------------------------------------------------------- */

static const struct {
	const char *owner, *fill;
} owners[] = {
	{ "absent", "#4a4a4a" }, { "free", "#e8e8e8" }, { "kernel", "#e76f51" }, { "pagetable", "#f4a261" },
	{ "heap", "#e9c46a" },   { "user", "#2a9d8f" }, { "section", "#8e7cc3" },
	{ "awe", "#c44e52" },
};
#define NOWNERS ((int)(sizeof(owners) / sizeof(owners[0])))

static int owner_index(const char *name)
{
	for (int i = 0; i < NOWNERS; i++)
		if (strcmp(owners[i].owner, name) == 0)
			return i;
	return 0;
}

/* The last physmap dump of the log; returns the number of runs (0: none). */
static int parse_physmap(FILE *in, struct run *runs, char *title, size_t tlen)
{
	char line[1024];
	int n = 0, inside = 0;
	while (fgets(line, sizeof(line), in)) {
		chomp(line);
		if (strncmp(line, "--- physmap: ", 13) == 0) {
			copy_str(title, tlen, line + 13);
			n = 0;
			inside = 1;
			continue;
		}
		if (strncmp(line, "--- end physmap", 15) == 0)
			inside = 0;
		if (!inside)
			continue;
		for (char *tok = strtok(line, " "); tok && n < MAX_RUNS; tok = strtok(NULL, " ")) {
			struct run *r = &runs[n];
			if (sscanf(tok, "%llx+%llx:%15s", &r->first, &r->count, r->owner) == 3)
				n++;
		}
	}
	return n;
}

enum { FRAMES_PER_ROW = 512, CELL = 2, PTOP = 70, PLEFT = 80 };

static int cmd_physmap(FILE *in, FILE *out)
{
	static struct run runs[MAX_RUNS];
	char title[200] = "";
	int n = parse_physmap(in, runs, title, sizeof(title));
	if (n == 0)
		return 1;
	unsigned long long frames = runs[n - 1].first + runs[n - 1].count, kib[NOWNERS] = { 0 };
	int rows = (int)((frames + FRAMES_PER_ROW - 1) / FRAMES_PER_ROW);
	char heading[300];
	snprintf(heading, sizeof(heading), "physmap: %s; one row = 2 MiB, one cell = a 4 KiB frame", title);
	svg_begin(out, PLEFT + FRAMES_PER_ROW * CELL + 200, PTOP + rows * CELL + 30, heading);
	for (int i = 0; i < n; i++)
		kib[owner_index(runs[i].owner)] += runs[i].count * 4;
	for (int i = 0; i < NOWNERS; i++) {
		char label[64];
		snprintf(label, sizeof(label), "%s %lluK", owners[i].owner, kib[i]);
		swatch(out, PLEFT + FRAMES_PER_ROW * CELL + 20, PTOP + i * 18, owners[i].fill, "", label);
	}
	for (int row = 0; row < rows; row += 32) {	/* address marks every 64 MiB */
		fprintf(out, "<text x=\"8\" y=\"%d\" font-size=\"10\">%d MiB</text>\n", PTOP + row * CELL + 8, row * 2);
	}
	for (int i = 0; i < n; i++) {
		const struct run *r = &runs[i];
		fprintf(out, "<g class=\"run\" data-owner=\"%s\" data-first=\"0x%llx\" data-count=\"%llu\"><title>",
			owners[owner_index(r->owner)].owner, r->first, r->count);
		char tip[160];
		snprintf(tip, sizeof(tip), "%s: frames %llx..%llx (phys %llx..%llx, %lluK)", r->owner, r->first,
			 r->first + r->count - 1, r->first << 12, ((r->first + r->count) << 12) - 1, r->count * 4);
		xml_text(out, tip);
		fputs("</title>\n", out);
		/* A run in a row-major grid: a partial first row, full rows, a partial last row. */
		unsigned long long f = r->first, end = r->first + r->count;
		while (f < end) {
			unsigned long long row = f / FRAMES_PER_ROW, col = f % FRAMES_PER_ROW;
			unsigned long long span = FRAMES_PER_ROW - col, nrows = 1;
			if (col == 0 && end - f >= FRAMES_PER_ROW) {
				nrows = (end - f) / FRAMES_PER_ROW;
				span = FRAMES_PER_ROW;
			} else if (span > end - f) {
				span = end - f;
			}
			fprintf(out, "<rect x=\"%llu\" y=\"%llu\" width=\"%llu\" height=\"%llu\" fill=\"%s\"/>\n",
				PLEFT + col * CELL, PTOP + row * CELL, span * CELL, nrows * CELL,
				owners[owner_index(r->owner)].fill);
			f += span * nrows;
		}
		fputs("</g>\n", out);
	}
	fputs("</svg>\n", out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "vmmap") != 0 && strcmp(argv[1], "physmap") != 0)) {
		fprintf(stderr, "usage: svgmap vmmap|physmap LOG OUT.svg\n");
		return 2;
	}
	FILE *in = fopen(argv[2], "r");
	if (!in) {
		perror(argv[2]);
		return 1;
	}
	FILE *out = fopen(argv[3], "w");
	if (!out) {
		perror(argv[3]);
		return 1;
	}
	int rc = strcmp(argv[1], "vmmap") == 0 ? cmd_vmmap(in, out) : cmd_physmap(in, out);
	fclose(in);
	if (fclose(out) != 0)
		rc = 1;
	if (rc)
		fprintf(stderr, "svgmap: no %s dump in %s\n", argv[1], argv[2]);
	return rc;
}
