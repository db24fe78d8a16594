/*
 * tests/user/fuzz_sections_model.h - the half of the section fuzzer
 * (fuzz_sections.c) that knows what the sections, handles and views should
 * look like: the shadow model, the protection rules of views, the
 * argument pools and pickers, and the checks that compare VirtualQuery, reads and writes with
 * the model.  Included once, by fuzz_sections.c (user.mk builds every C file
 * in tests/user as its own program).
 *
 * Page contents: the fuzzer only ever writes word 0 and word 511 of a page,
 * so a page is known by those two words; every other word must read 0.
 */
#ifndef TESTS_USER_FUZZ_SECTIONS_MODEL_H
#define TESTS_USER_FUZZ_SECTIONS_MODEL_H

#include "fuzz_common.h"

/* ---- the model ---------------------------------------------------------------------- */

struct sec {
	int live;		/* some handle or view (of this process) refers to it */
	int pages;
	unsigned long long size;	/* bytes, as created */
	DWORD prot;		/* the section's page protection */
	int reserve;		/* SEC_RESERVE */
	int name;		/* index of its canonical name, -1 when unnamed */
	unsigned char committed[MAXP];
	unsigned long long w0[MAXP], w1[MAXP];	/* words 0 and 511 of each page */
};
struct hnd {
	int live;
	int sec;
	DWORD access;		/* the granted SECTION_* rights */
	unsigned long long h;
};
struct view {
	int live;
	unsigned long long base;
	int sec, off, n;	/* section, first section page, pages */
	DWORD vprot;		/* the view's protection (AllocationProtect) */
	DWORD prot[MAXP];	/* each page's protection (meaningful once committed) */
	unsigned char priv[MAXP];	/* a private copy (write-copy page written) */
	unsigned long long w0[MAXP], w1[MAXP];	/* the private copy's words */
};
struct world {
	struct sec s[NSEC];
	struct hnd h[NHND];
	struct view v[NVIEW];
};
static struct world W;

static int dry;	/* replaying a child's plan: change the model only, touch nothing */
static int in_child;
static int first_fail_line;
static unsigned long long writes_done, forks;	/* with the counters of fuzz_common.h */

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		failures++;                                                                        \
		if (!first_fail_line)                                                              \
			first_fail_line = __LINE__;                                                \
		if (failures <= 12) {                                                              \
			printf("  fuzz_sections%s: iteration %llu: ", in_child ? " (child)" : "", cur_iter); \
			printf(__VA_ARGS__);                                                       \
			printf(" (line %d)\n", __LINE__);                                          \
		}                                                                                  \
	} while (0)

/* ---- protections -------------------------------------------------------------------- */

#define ACC_R 1u
#define ACC_W 2u
#define ACC_X 4u

/* The access a page protection needs (NT: write-copy reads, execute implies read). */
static unsigned prot_acc(DWORD p)
{
	DWORD b = p & 0xff;
	unsigned acc = b & ~(DWORD)PAGE_NOACCESS ? ACC_R : 0;
	acc |= b & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE) ? ACC_W : 0;
	acc |= b & (PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY) ? ACC_X : 0;
	return acc;
}

static int is_wc(DWORD p)
{
	return (p & 0xff) == PAGE_WRITECOPY || (p & 0xff) == PAGE_EXECUTE_WRITECOPY;
}

static DWORD after_copy(DWORD p)
{
	if ((p & 0xff) == PAGE_WRITECOPY)
		return PAGE_READWRITE;
	if ((p & 0xff) == PAGE_EXECUTE_WRITECOPY)
		return PAGE_EXECUTE_READWRITE;
	return p;
}

/* Spec §8.6: a page of a view takes a protection within the view's access (and the section's). */
static int compatible(DWORD sec_prot, DWORD view_prot, DWORD p)
{
	unsigned need = prot_acc(p), view = prot_acc(view_prot);
	return need == view || ((view & need) == need && (prot_acc(sec_prot) & need) == need);
}

static int page_readable(DWORD p)
{
	return (p & 0xff) != PAGE_NOACCESS;
}
static int page_writable(DWORD p)
{
	return (prot_acc(p) & ACC_W) || is_wc(p);
}

/* ---- the model's answers --------------------------------------------------------------- */

static int view_committed(const struct view *v, int p)
{
	return W.s[v->sec].committed[v->off + p];
}

/* What page p of v holds: its private copy, or the section's page. */
static void page_words(const struct view *v, int p, unsigned long long *a, unsigned long long *b)
{
	const struct sec *s = &W.s[v->sec];
	*a = v->priv[p] ? v->w0[p] : s->w0[v->off + p];
	*b = v->priv[p] ? v->w1[p] : s->w1[v->off + p];
}

static unsigned long long page_va(const struct view *v, int p)
{
	return v->base + (unsigned long long)p * PG;
}

/* A section lives while a handle or view of this process refers to it (the children are gone). */
static void sec_release_if_unused(int si)
{
	for (int i = 0; i < NHND; i++)
		if (W.h[i].live && W.h[i].sec == si)
			return;
	for (int i = 0; i < NVIEW; i++)
		if (W.v[i].live && W.v[i].sec == si)
			return;
	W.s[si].live = 0;	/* contents stay in the model: a child's plan replay may still read them */
}

/* The view of the model containing address a, or NULL. */
static struct view *view_at(unsigned long long a)
{
	for (int i = 0; i < NVIEW; i++)
		if (W.v[i].live && a >= W.v[i].base && a < page_va(&W.v[i], W.v[i].n))
			return &W.v[i];
	return NULL;
}

static int in_private(unsigned long long a)
{
	return a >= PRIV && a < PRIV + PRIV_PAGES * PG;
}

/* Is [a, a + len) free of views and of the private block? */
static int range_free(unsigned long long a, unsigned long long len)
{
	for (int i = 0; i < NVIEW; i++) {
		const struct view *v = &W.v[i];
		if (v->live && a < page_va(v, v->n) && v->base < a + len)
			return 0;
	}
	return !(a < PRIV + PRIV_PAGES * PG && PRIV < a + len);
}

/* ---- checking against the model ---------------------------------------------------------- */

static NTSTATUS query(unsigned long long addr, MEMORY_BASIC_INFORMATION *m)
{
	SIZE_T ret = 0;
	queries++;
	return NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)addr, MemoryBasicInformation, m, sizeof(*m), &ret);
}

/* Pages p.. of v that VirtualQuery reports as one region: same commit state and protection. */
static int region_end(const struct view *v, int p)
{
	int c = view_committed(v, p), q = p + 1;
	while (q < v->n && view_committed(v, q) == c && (!c || v->prot[q] == v->prot[p]))
		q++;
	return q;
}

/* Compare VirtualQuery of page p of v (at a byte inside it) with the model. */
static void check_query(const struct view *v, int p)
{
	MEMORY_BASIC_INFORMATION m;
	unsigned long long a = page_va(v, p) + (chance(10) ? rnd(PG) : 0);
	if (query(a, &m) != 0) {
		FAIL("query %llx failed", a);
		return;
	}
	int c = view_committed(v, p);
	DWORD state = c ? MEM_COMMIT : MEM_RESERVE, prot = c ? v->prot[p] : 0;
	unsigned long long size = (unsigned long long)(region_end(v, p) - p) * PG;
	if ((unsigned long long)m.BaseAddress != page_va(v, p) || (unsigned long long)m.AllocationBase != v->base ||
	    m.AllocationProtect != v->vprot || m.RegionSize != size || m.State != state || m.Protect != prot ||
	    m.Type != MEM_MAPPED)
		FAIL("query %llx: base %llx alloc %llx/%lx size %llx state %lx prot %lx type %lx; model: alloc %llx/%lx "
		     "size %llx state %lx prot %lx",
		     a, (unsigned long long)m.BaseAddress, (unsigned long long)m.AllocationBase,
		     (unsigned long)m.AllocationProtect, (unsigned long long)m.RegionSize, (unsigned long)m.State,
		     (unsigned long)m.Protect, (unsigned long)m.Type, v->base, (unsigned long)v->vprot, size,
		     (unsigned long)state, (unsigned long)prot);
}

/* Walk v region by region, then the rest of its last granule, which must be free. */
static void check_view_query(const struct view *v)
{
	for (int p = 0; p < v->n; p = region_end(v, p))
		check_query(v, p);
	unsigned long long end = page_va(v, v->n), gend = (end + GRAN - 1) & ~(GRAN - 1);
	if (end == gend || !chance(30))
		return;
	MEMORY_BASIC_INFORMATION m;
	if (query(end, &m) != 0 || m.State != MEM_FREE || m.AllocationBase != NULL || m.RegionSize < gend - end)
		FAIL("query %llx after the view at %llx: state %lx size %llx, expected free", end, v->base,
		     (unsigned long)m.State, (unsigned long long)m.RegionSize);
}

static void check_all_queries(void)
{
	for (int i = 0; i < NVIEW; i++)
		if (W.v[i].live)
			check_view_query(&W.v[i]);
}

#define AV 0xC0000005u

/* Read page p of v: the access must fault exactly when the model says so, and the words must match. */
static void read_page(const struct view *v, int p)
{
	int c = view_committed(v, p);
	int ok = c && page_readable(v->prot[p]);
	int either = c && (v->prot[p] & 0xff) == PAGE_EXECUTE;	/* execute-only: x86 may allow the read */
	volatile unsigned long long *w = (volatile unsigned long long *)page_va(v, p);
	unsigned code = utest_probe_read(w);
	faults += code != 0;
	if (code != 0) {
		if (ok && !either)
			FAIL("read of %llx (view %llx page %d, protect %lx): exception %x", (unsigned long long)w, v->base, p,
			     (unsigned long)v->prot[p], code);
		else if (code != AV)
			FAIL("read of %llx: exception %x, expected an access violation", (unsigned long long)w, code);
		return;
	}
	if (!ok && !either) {
		FAIL("read of %llx (committed %d, protect %lx) did not fault", (unsigned long long)w, c,
		     (unsigned long)v->prot[p]);
		return;
	}
	unsigned long long a, b, mid;
	page_words(v, p, &a, &b);
	unsigned k = 1 + (unsigned)rnd(510);
	mid = w[k];
	if (w[0] != a || w[511] != b || mid != 0)
		FAIL("read of %llx (view %llx page %d, %s): %llx %llx [%u]=%llx, model %llx %llx", (unsigned long long)w,
		     v->base, p, v->priv[p] ? "private" : "shared", w[0], w[511], k, mid, a, b);
	else
		reads_checked++;
}

/*
 * Write word 0 (and word 511 when both) of page p of v.  A write-copy page
 * gets its private copy first; a page that is not writable must raise an
 * access violation and keep its contents.
 */
static void write_page(struct view *v, int p, unsigned long long a, unsigned long long b, int both)
{
	int ok = view_committed(v, p) && page_writable(v->prot[p]);
	volatile unsigned long long *w = (volatile unsigned long long *)page_va(v, p);
	if (!dry) {
		unsigned code = utest_probe_write(w, (char)a);
		faults += code != 0;
		if (code != (ok ? 0 : AV)) {
			FAIL("write to %llx (view %llx page %d, committed %d, protect %lx): exception %x",
			     (unsigned long long)w, v->base, p, view_committed(v, p), (unsigned long)v->prot[p], code);
			return;
		}
		if (!ok)
			return;
		w[0] = a;
		if (both)
			w[511] = b;
		writes_done++;
	} else if (!ok) {
		return;
	}
	struct sec *s = &W.s[v->sec];
	if (is_wc(v->prot[p]) && !BREAK(1)) {
		if (!v->priv[p]) {	/* the copy takes the whole page as it is now */
			v->priv[p] = 1;
			v->w0[p] = s->w0[v->off + p];
			v->w1[p] = s->w1[v->off + p];
		}
		v->prot[p] = after_copy(v->prot[p]);
	}
	unsigned long long *d0 = v->priv[p] ? &v->w0[p] : &s->w0[v->off + p];
	unsigned long long *d1 = v->priv[p] ? &v->w1[p] : &s->w1[v->off + p];
	*d0 = a;
	if (both)
		*d1 = b;
}

/* Every page of every view: queries and contents. */
static void check_everything(void)
{
	check_all_queries();
	for (int i = 0; i < NVIEW; i++)
		for (int p = 0; W.v[i].live && p < W.v[i].n; p++)
			read_page(&W.v[i], p);
}

/* ---- argument pools ---------------------------------------------------------------- */

/* Spellings of three names: "Local\" is the default namespace, names ignore case. */
static const struct {
	const char *s;
	int canon;
} names[] = { { "fz_a", 0 },	       { "FZ_A", 0 },	      { "Local\\fz_a", 0 },	   { "Local\\Fz_A", 0 },
	      { "fz_b", 1 },	       { "Fz_B", 1 },	      { "Local\\fz_b", 1 },	   { "Global\\fz_a", 2 },
	      { "GLOBAL\\FZ_A", 2 }, { "Local\\Global\\fz_a", 2 } };
#define NCANON 3
static char long_name[300];	/* longer than MAX_PATH: too long for the object namespace */

static const DWORD sec_prots[] = { PAGE_READONLY,     PAGE_READWRITE,	      PAGE_WRITECOPY,
				   PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY };
static const DWORD page_prots[] = { PAGE_NOACCESS, PAGE_READONLY,	  PAGE_READWRITE,	  PAGE_WRITECOPY,
				    PAGE_EXECUTE,  PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY };
static const DWORD bad_page_prots[] = { 0,
					PAGE_READONLY | PAGE_READWRITE,
					PAGE_READWRITE | PAGE_NOCACHE,
					PAGE_READONLY | PAGE_WRITECOMBINE,
					PAGE_NOACCESS | PAGE_GUARD,
					PAGE_GUARD,
					PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE,
					0x1000 | PAGE_READWRITE,
					0xffffffffu };
static const DWORD map_accesses[] = { FILE_MAP_READ,
				      FILE_MAP_WRITE,
				      FILE_MAP_COPY,
				      FILE_MAP_ALL_ACCESS,
				      FILE_MAP_READ | FILE_MAP_WRITE,
				      FILE_MAP_READ | FILE_MAP_EXECUTE,
				      FILE_MAP_WRITE | FILE_MAP_EXECUTE,
				      FILE_MAP_COPY | FILE_MAP_EXECUTE,
				      FILE_MAP_ALL_ACCESS | FILE_MAP_EXECUTE,
				      FILE_MAP_EXECUTE,
				      0,
				      0x40 };
static const DWORD open_accesses[] = { FILE_MAP_READ,
				       FILE_MAP_WRITE,
				       FILE_MAP_COPY,
				       FILE_MAP_ALL_ACCESS,
				       FILE_MAP_READ | FILE_MAP_EXECUTE,
				       SECTION_MAP_EXECUTE | FILE_MAP_READ,
				       SECTION_MAP_EXECUTE | FILE_MAP_WRITE,
				       FILE_MAP_COPY | SECTION_MAP_EXECUTE,
				       0 };

static unsigned long long closed_vals[8];	/* handle values closed lately */
static unsigned n_closed;

static int live_handle(unsigned long long h)
{
	for (int i = 0; i < NHND; i++)
		if (W.h[i].live && W.h[i].h == h)
			return i;
	return -1;
}

static int free_slot_h(void)
{
	for (int i = 0; i < NHND; i++)
		if (!W.h[i].live)
			return i;
	return -1;
}

static int free_slot_v(void)
{
	for (int i = 0; i < NVIEW; i++)
		if (!W.v[i].live)
			return i;
	return -1;
}

static int random_live_handle(void)
{
	int n = 0, idx[NHND];
	for (int i = 0; i < NHND; i++)
		if (W.h[i].live)
			idx[n++] = i;
	return n ? idx[rnd(n)] : -1;
}

static struct view *random_view(void)
{
	int n = 0, idx[NVIEW];
	for (int i = 0; i < NVIEW; i++)
		if (W.v[i].live)
			idx[n++] = i;
	return n ? &W.v[idx[rnd(n)]] : NULL;
}

enum pick { UNCOMMITTED, WRITABLE, PRIVATE };

/* A random page of a view that is not committed, writable, or a private copy; NULL when there is none. */
static struct view *pick_page(enum pick what, int *pp)
{
	int n = 0;
	struct view *found = NULL;
	for (int i = 0; i < NVIEW; i++)	/* reservoir sampling over the pages that qualify */
		for (int p = 0; W.v[i].live && p < W.v[i].n; p++) {
			int c = view_committed(&W.v[i], p);
			int ok = what == UNCOMMITTED ? !c : what == WRITABLE ? c && page_writable(W.v[i].prot[p]) : W.v[i].priv[p];
			if (ok && rnd(++n) == 0) {
				found = &W.v[i];
				*pp = p;
			}
		}
	return found;
}

/* A handle value: mostly a live one, else one closed lately (maybe reused since), else garbage. */
static unsigned long long random_handle_value(int *bad)
{
	int k = (int)rnd(100), i = random_live_handle();
	*bad = 0;
	if (k < 80 && i >= 0)
		return W.h[i].h;
	*bad = 1;
	if (k < 90 && n_closed)
		return closed_vals[rnd(n_closed < 8 ? n_closed : 8)];
	static const unsigned long long garbage[] = { 0, 3, 0x1002, 0x7ff0, 0x404, 0xfffffffffffffffeULL, 0x100 };
	return PICK(garbage);
}

/* An address for unmap/commit/protect: inside a view mostly, else after one, private, free or hostile. */
static unsigned long long random_addr(int *hostile)
{
	int k = (int)rnd(100);
	struct view *v = random_view();
	*hostile = 0;
	if (k < 80 && v)
		return page_va(v, (int)rnd(v->n)) + (chance(20) ? rnd(PG) : 0);
	*hostile = 1;
	if (k < 85 && v)
		return page_va(v, v->n) + (chance(50) ? rnd(PG) : 0);	/* just after the view (maybe the next one) */
	if (k < 90)
		return PRIV + rnd(PRIV_PAGES) * PG;
	if (k < 95)
		return WIN + rnd(NGRAN) * GRAN + rnd(GRAN);
	static const unsigned long long where[] = { 0, 0x1000, 0xffff800000000000ULL, USER_END, USER_END - 1,
						    0x8000000000000000ULL };
	return PICK(where);
}

#endif
