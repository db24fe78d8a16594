/*
 * tests/user/fuzz_sections.c - a model-checked fuzzer of sections, views,
 * handles and fork.
 *
 * Random CreateFileMapping / OpenFileMapping / MapViewOfFile(Ex) /
 * UnmapViewOfFile / CloseHandle calls, VirtualAlloc(MEM_COMMIT),
 * VirtualProtect, VirtualQuery and VirtualFree on views, and reads and writes
 * through the views, mostly with valid arguments and some hostile ones (bad,
 * closed and garbage handles, offsets not 64 KiB aligned, sizes past the end,
 * fixed bases free, occupied, unaligned or out of range, access the section
 * or the handle does not allow, protections incompatible with the view).
 *
 * A shadow model (fuzz_sections_model.h) holds the sections (size,
 * protection, SEC_COMMIT or SEC_RESERVE, name, per page committed and
 * contents), the handles with their access, and the views (address, section,
 * offset, protection, per page protection and private copy).  Every result,
 * GetLastError, VirtualQuery field, fault and word read is compared with it.
 *
 * Now and then the fuzzer forks.  The child checks every view against its
 * copy of the model, then runs a write plan drawn from a seed both sides
 * know: writes (to private copies, which the parent must not see, and to
 * shared pages, which it must), commits in SEC_RESERVE views, views of its
 * own; it exits with 0 or (the line of its first mismatch) % 255 + 1.  The
 * parent waits, replays the plan on a copy of the model, takes the
 * sections' pages from the replay, and checks everything again.
 *
 * make test builds it with the default seed and iteration count below;
 * `make fuzz FUZZ=fuzz_sections SEED=n ITER=n` builds a variant.
 * -DFUZZ_BREAK_MODEL=n breaks the model, to show that the fuzzer can fail:
 * 1 forgets that a write to a write-copy page makes a private copy, 2 makes
 * the parent forget what its children wrote to the sections, 3 makes each
 * child's copy of the model wrong about one page.
 */
#include "utest.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FUZZ_ITER
#define FUZZ_ITER 20000
#endif
#define BREAK(n) (FUZZ_BREAK_MODEL == (n))

#define PG         0x1000ULL
#define GRAN       0x10000ULL
#define USER_END   0x7FFFFFFF0000ULL
#define SEC_MAX_RESERVE ((4ULL << 20) / 8 * 504 * 4096)	/* a section's directory: one 4 MiB block (mm/section.c) */
#define WIN        0x200000000000ULL	/* the window for fixed-address views: 32 TiB up */
#define NGRAN      32
#define PRIV       (WIN + NGRAN * GRAN)	/* a block of private memory just after it */
#define PRIV_PAGES 16
#define MAXP       24			/* pages of the biggest section */
#define NSEC       6
#define NHND       12
#define NVIEW      12

#include "fuzz_sections_model.h"

static void do_close(void);
static void do_unmap(void);

/* ---- sections and handles ----------------------------------------------------------- */

static int named_sec(int canon)
{
	for (int i = 0; i < NSEC; i++)
		if (W.s[i].live && W.s[i].name == canon)
			return i;
	return -1;
}

static void check_err(const char *what, int ok, int want_ok, DWORD err, DWORD want_err)
{
	calls++;
	calls_ok += ok;
	if (ok != want_ok || (!want_ok && err != want_err))
		FAIL("%s: %s, error %lu; model: %s, error %lu", what, ok ? "succeeded" : "failed", (unsigned long)err,
		     want_ok ? "success" : "failure", (unsigned long)want_err);
}

static void add_handle(int slot, int si, DWORD access, unsigned long long h)
{
	if (h == 0 || h == (unsigned long long)-1 || live_handle(h) >= 0)
		FAIL("new handle %llx is not a fresh handle value", h);
	W.h[slot] = (struct hnd){ 1, si, access, h };
}

static void do_create(void)
{
	int slot = free_slot_h(), si = -1;
	if (slot < 0) {
		do_close();	/* the model is full */
		return;
	}
	HANDLE file = INVALID_HANDLE_VALUE;
	int pages = chance(90) ? 1 + (int)rnd(16) : 17 + (int)rnd(MAXP - 16);
	unsigned long long size = pages * PG - (chance(30) ? rnd(PG) : 0);
	DWORD prot = PICK(sec_prots), attr = chance(40) ? SEC_RESERVE : chance(50) ? SEC_COMMIT : 0;
	int ni = chance(40) ? (int)rnd(sizeof(names) / sizeof(names[0])) : -1;
	const char *name = ni >= 0 ? names[ni].s : NULL;
	int hostile = chance(15) ? (int)rnd(6) : -1;
	if (hostile == 0) {	/* only INVALID_HANDLE_VALUE: no file system, no file handles */
		int hi = random_live_handle();
		file = hi >= 0 && chance(50) ? (HANDLE)W.h[hi].h : (HANDLE)(ULONG_PTR)(chance(50) ? 0 : 0x44);
	}
	else if (hostile == 1)
		prot = (DWORD[]){ PAGE_NOACCESS, PAGE_EXECUTE, 0, PAGE_READWRITE | PAGE_NOCACHE, PAGE_READONLY | PAGE_GUARD,
				  PAGE_READONLY | PAGE_READWRITE, PAGE_READWRITE | SEC_FILE }[rnd(7)];
	else if (hostile == 2)
		attr = (DWORD[]){ SEC_RESERVE | SEC_COMMIT, SEC_IMAGE, SEC_COMMIT | SEC_NOCACHE, SEC_COMMIT | SEC_LARGE_PAGES,
				  SEC_RESERVE | SEC_WRITECOMBINE }[rnd(5)];
	else if (hostile == 3)
		size = 0;
	else if (hostile == 4)
		size = chance(50) ? 0x10000000000ULL : 0xffffffff00000000ULL | rnd(PG);
	else if (hostile == 5)
		name = long_name;
	/* The prediction: the kernel's order of checks (name, attributes, protection, size, then the name lookup). */
	int existing = ni >= 0 && name != long_name ? named_sec(names[ni].canon) : -1;
	DWORD want = 0;
	if (file != INVALID_HANDLE_VALUE)
		want = ERROR_INVALID_HANDLE;
	else if (name == long_name)
		want = ERROR_INVALID_NAME;	/* over MAX_PATH: the kernel's OBJ_NAME_MAX */
	else if (attr != 0 && attr != SEC_COMMIT && attr != SEC_RESERVE)
		want = ERROR_INVALID_PARAMETER;
	else if (prot != PAGE_READONLY && prot != PAGE_READWRITE && prot != PAGE_WRITECOPY && prot != PAGE_EXECUTE_READ &&
		 prot != PAGE_EXECUTE_READWRITE && prot != PAGE_EXECUTE_WRITECOPY)
		want = ERROR_INVALID_PARAMETER;
	else if (size == 0)
		want = ERROR_INVALID_PARAMETER;	/* spec §13.2: a pagefile-backed section needs a size */
	else if (size > USER_END)
		want = ERROR_NOT_ENOUGH_MEMORY;	/* STATUS_SECTION_TOO_BIG */
	else if (size > (2ULL << 30) && existing < 0)	/* spec 19.2.8: a name that exists is opened first */
		want = attr == SEC_RESERVE && size > SEC_MAX_RESERVE ? ERROR_NO_SYSTEM_RESOURCES	/* its directory */
		       : attr == SEC_RESERVE			     ? 0
								     : ERROR_COMMITMENT_LIMIT;	/* past the commit */
	if (want == 0 && existing < 0) {
		for (int i = 0; i < NSEC && si < 0; i++)
			if (!W.s[i].live)
				si = i;
		if (si < 0) {
			do_close();	/* the model is full */
			return;
		}
	}
	bad_inputs += want != 0;
	SetLastError(0xdeadbeef);
	HANDLE h = CreateFileMappingA(file, NULL, prot | attr, (DWORD)(size >> 32), (DWORD)size, name);
	DWORD err = GetLastError();
	check_err("CreateFileMapping", h != NULL, want == 0, err, want);
	if (h && want)
		CloseHandle(h);	/* a mismatch: keep the process as the model sees it */
	if (!h || want)
		return;
	if (existing >= 0) {
		if (err != ERROR_ALREADY_EXISTS)
			FAIL("CreateFileMapping(%s) of an existing section: error %lu", name, (unsigned long)err);
		add_handle(slot, existing, SECTION_ALL_ACCESS, (unsigned long long)h);
		return;
	}
	if (err != 0)
		FAIL("CreateFileMapping of a new section: error %lu", (unsigned long)err);
	struct sec *s = &W.s[si];
	memset(s, 0, sizeof(*s));	/* §13.11: zero to start with */
	s->live = 1;
	s->pages = (int)((size + PG - 1) / PG);
	s->size = size;
	s->prot = prot;
	s->reserve = attr == SEC_RESERVE;
	s->name = ni >= 0 ? names[ni].canon : -1;
	for (int p = 0; p < MAXP; p++)
		s->committed[p] = !s->reserve;
	add_handle(slot, si, SECTION_ALL_ACCESS, (unsigned long long)h);
}

static void do_open(void)
{
	int slot = free_slot_h();
	if (slot < 0) {
		do_close();
		return;
	}
	int k = (int)rnd(100), ni = -1;
	const char *name;
	if (k < 85)
		name = names[ni = (int)rnd(sizeof(names) / sizeof(names[0]))].s;
	else
		name = (const char *[]){ NULL, long_name, "", "fz_none", "Global\\fz_b" }[rnd(5)];
	DWORD access = chance(90) ? PICK(open_accesses) : (DWORD)rng();
	int si = ni >= 0 ? named_sec(names[ni].canon) : -1;
	DWORD want = !name ? ERROR_INVALID_PARAMETER : name == long_name ? ERROR_INVALID_NAME	/* OBJ_NAME_MAX */
						 : si < 0		? ERROR_FILE_NOT_FOUND
									: 0;
	bad_inputs += want != 0;
	SetLastError(0xdeadbeef);
	HANDLE h = OpenFileMappingA(access, FALSE, name);
	check_err("OpenFileMapping", h != NULL, want == 0, GetLastError(), want);
	if (h && want)
		CloseHandle(h);
	if (h && !want)	/* FILE_MAP_COPY (SECTION_QUERY) is a right to read */
		add_handle(slot, si, access | (access & SECTION_QUERY ? SECTION_MAP_READ : 0), (unsigned long long)h);
}

static void forget_handle(int i)
{
	closed_vals[n_closed++ % 8] = W.h[i].h;
	W.h[i].live = 0;
	sec_release_if_unused(W.h[i].sec);
}

static void do_close(void)
{
	int bad;
	unsigned long long h = random_handle_value(&bad);
	if (chance(5))
		h = (unsigned long long)GetCurrentProcess();	/* a pseudo-handle: nothing to close, TRUE */
	int i = live_handle(h);
	/*
	 * Pseudo-handles close with no effect and TRUE: GetCurrentProcess(), GetCurrentThread() (the
	 * garbage value -2) and the console's standard handles (Windows 7's 3/7/11: the garbage value 3).
	 */
	int pseudo = h == (unsigned long long)GetCurrentProcess() || h == (unsigned long long)GetCurrentThread() ||
		     h == (unsigned long long)GetStdHandle(STD_INPUT_HANDLE) ||
		     h == (unsigned long long)GetStdHandle(STD_OUTPUT_HANDLE) ||
		     h == (unsigned long long)GetStdHandle(STD_ERROR_HANDLE);
	int want_ok = i >= 0 || pseudo;
	bad_inputs += !want_ok;
	SetLastError(0xdeadbeef);
	BOOL ok = CloseHandle((HANDLE)h);
	check_err("CloseHandle", ok != 0, want_ok, GetLastError(), ERROR_INVALID_HANDLE);
	if (ok && i >= 0)
		forget_handle(i);
}

/* ---- views --------------------------------------------------------------------------- */

/*
 * MapViewOfFileEx's page protection for a FILE_MAP_* access (spec 19.1):
 * write wins over read, read over copy, copy only without
 * SECTION_MAP_EXECUTE; FILE_MAP_EXECUTE makes the execute variant; nothing
 * left (access 0, execute only) is a PAGE_NOACCESS view.
 */
static DWORD map_protect(DWORD acc)
{
	DWORD p = acc & FILE_MAP_WRITE ? PAGE_READWRITE
		  : acc & FILE_MAP_READ ? PAGE_READONLY
		  : (acc & FILE_MAP_COPY) && !(acc & SECTION_MAP_EXECUTE) ? PAGE_WRITECOPY
									   : 0;
	if (!p)
		return PAGE_NOACCESS;
	return acc & FILE_MAP_EXECUTE ? p << 4 : p;
}

/* The model's answer to MapViewOfFileEx(handle hi (or -1), acc, off, size, base): 0 or the error; *len the view size. */
static DWORD predict_map(int hi, DWORD acc, unsigned long long off, unsigned long long size, unsigned long long base,
			 unsigned long long *len)
{
	DWORD prot = map_protect(acc);
	if (hi < 0)
		return ERROR_INVALID_HANDLE;
	const struct hnd *h = &W.h[hi];
	const struct sec *s = &W.s[h->sec];
	unsigned need = prot_acc(prot);
	const DWORD exec = SECTION_MAP_EXECUTE | SECTION_MAP_EXECUTE_EXPLICIT;	/* FILE_MAP_EXECUTE is the latter */
	if (((need & ACC_W) && !(h->access & SECTION_MAP_WRITE)) || ((need & ACC_X) && !(h->access & exec)) ||
	    !(h->access & (SECTION_MAP_READ | SECTION_MAP_WRITE)))
		return ERROR_ACCESS_DENIED;	/* the handle's rights */
	if ((prot_acc(s->prot) & need) != need)
		return ERROR_ACCESS_DENIED;	/* §13.10, 19.2.5: STATUS_SECTION_PROTECTION, 5 from MapViewOfFile */
	if (off & (GRAN - 1))
		return ERROR_MAPPED_ALIGNMENT;
	if (off >= s->size || size > s->size - off)
		return ERROR_ACCESS_DENIED;	/* STATUS_INVALID_VIEW_SIZE */
	*len = ((size ? size : s->size - off) + PG - 1) & ~(PG - 1);
	if (base) {
		if (base & (GRAN - 1))
			return ERROR_MAPPED_ALIGNMENT;
		if (base < 0x10000 || base >= USER_END || *len > USER_END - base)
			return ERROR_INVALID_PARAMETER;
		if (!range_free(base, *len))
			return ERROR_INVALID_ADDRESS;
	}
	return 0;
}

/* Map (or, replaying, pretend to map) and add the view to the model. */
static void map_and_record(int hi, unsigned long long hval, DWORD acc, unsigned long long off, unsigned long long size,
			   unsigned long long base)
{
	unsigned long long len = 0;
	DWORD want = predict_map(hi, acc, off, size, base, &len);
	int vi = free_slot_v();
	if (want == 0 && vi < 0)
		return;	/* the model is full: no call */
	void *r = (void *)0x1000;	/* replaying: any address, nobody touches it */
	if (!dry) {
		bad_inputs += want != 0;
		SetLastError(0xdeadbeef);
		r = MapViewOfFileEx((HANDLE)hval, acc, (DWORD)(off >> 32), (DWORD)off, size, (void *)base);
		check_err("MapViewOfFileEx", r != NULL, want == 0, GetLastError(), want);
		if (r && want)
			UnmapViewOfFile(r);
		if (!r || want)
			return;
		unsigned long long a = (unsigned long long)r;
		if (a % GRAN || (base && a != base) || (!base && !range_free(a, len)))
			FAIL("MapViewOfFileEx(%llx, %lx, off %llx, size %llx, base %llx) = %llx", hval, (unsigned long)acc, off,
			     size, base, a);
	} else if (want) {
		return;
	}
	struct view *v = &W.v[vi];
	DWORD prot = map_protect(acc);
	memset(v, 0, sizeof(*v));
	v->live = 1;
	v->base = (unsigned long long)r;
	v->sec = W.h[hi].sec;
	v->off = (int)(off / PG);
	v->n = (int)(len / PG);
	v->vprot = prot;
	for (int p = 0; p < MAXP; p++)
		v->prot[p] = prot;
}

/* A view: valid arguments, or one of them hostile (handle, access, offset, size or base) in a third of the calls. */
static void do_map(void)
{
	if (free_slot_v() < 0) {
		do_unmap();	/* the model is full */
		return;
	}
	int bad, hostile = chance(35) ? (int)rnd(5) : -1, hi = random_live_handle();
	unsigned long long hval = hi >= 0 ? W.h[hi].h : 0;
	if (hostile == 0 || hi < 0)
		hi = live_handle(hval = random_handle_value(&bad));
	unsigned long long secsize = hi >= 0 ? W.s[W.h[hi].sec].size : 16 * PG, len;
	unsigned long long off = secsize > GRAN && chance(50) ? GRAN : 0, size = 0, base = 0;
	if (chance(40))
		size = 1 + rnd(secsize - off);
	if (chance(30))
		base = WIN + rnd(NGRAN) * GRAN;	/* free or not */
	DWORD acc = PICK(map_accesses);
	for (int tries = 0; tries < 6 && hostile != 1 && hi >= 0 && predict_map(hi, acc, off, size, 0, &len); tries++)
		acc = PICK(map_accesses);	/* one the handle and the section allow */
	struct view *v = random_view();
	if (hostile == 1)
		acc = chance(70) ? PICK(map_accesses) : (DWORD)rng();
	else if (hostile == 2)
		off = chance(70) ? (1 + rnd(15)) * PG : chance(50) ? 0x100000000ULL : 0xffffffffffff0000ULL;
	else if (hostile == 3 && chance(70))
		size = secsize - off + 1 + rnd(2 * PG);
	else if (hostile == 3)
		size = PICK(((unsigned long long[]){ ~0ULL, 0x8000000000000000ULL, USER_END }));
	else if (hostile == 4) {
		int k = (int)rnd(100);
		if (k < 30 && v)
			base = v->base;	/* occupied */
		else if (k < 40)
			base = PRIV;	/* private memory */
		else if (k < 80)
			base = WIN + rnd(NGRAN) * GRAN + (1 + rnd(GRAN / PG - 1)) * PG;	/* not 64 KiB aligned */
		else
			base = PICK(((unsigned long long[]){ USER_END, 0xffff800000000000ULL, 0x8000000000000000ULL }));
	}
	map_and_record(hi, hval, acc, off, size, base);
}

static void forget_view(struct view *v)
{
	v->live = 0;
	sec_release_if_unused(v->sec);
}

static void do_unmap(void)
{
	int hostile;
	unsigned long long a = random_addr(&hostile);
	struct view *v = a < USER_END ? view_at(a) : NULL;
	bad_inputs += !v;
	SetLastError(0xdeadbeef);
	BOOL ok = UnmapViewOfFile((void *)a);
	check_err("UnmapViewOfFile", ok != 0, v != NULL, GetLastError(), ERROR_INVALID_ADDRESS);
	if (ok && v)
		forget_view(v);
}

/* Commit pages [p0, p1) of v with prot: section-wide, this view takes prot (spec §13.3, §13.4). */
static void apply_commit(struct view *v, int p0, int p1, DWORD prot)
{
	for (int p = p0; p < p1; p++) {
		W.s[v->sec].committed[v->off + p] = 1;
		v->prot[p] = prot;
	}
}

/* The model's answer to VirtualAlloc(a, len, type, prot) (mm/vm.c, mm/section.c): 0 or the error. */
static DWORD predict_alloc(unsigned long long a, unsigned long long len, DWORD type, DWORD prot, struct view **vv)
{
	struct view *v = a && a < USER_END ? view_at(a & ~(PG - 1)) : NULL;
	*vv = NULL;
	if (len == 0)
		return ERROR_INVALID_PARAMETER;
	if (!prot_rule_ok(prot, 1) || (is_wc(prot) && (!v || (type & MEM_RESERVE))))
		return ERROR_INVALID_PARAMETER;	/* spec §13.1: write-copy only in views */
	if (a == 0)
		return 0xffff;	/* a new allocation anywhere */
	if (a < 0x10000)
		return ERROR_INVALID_PARAMETER;
	if (len > USER_END || a > USER_END - len)
		return ERROR_INVALID_PARAMETER;
	unsigned long long start = a & ~(PG - 1), end = (a + len + PG - 1) & ~(PG - 1);
	if (type & MEM_RESERVE)
		return range_free(start & ~(GRAN - 1), end - (start & ~(GRAN - 1))) ? 0xffff : ERROR_INVALID_ADDRESS;
	if (in_private(start))
		return end > PRIV + PRIV_PAGES * PG ? ERROR_INVALID_ADDRESS : prot == PAGE_READWRITE ? 0 : 0xffff;
	if (!v)
		return ERROR_INVALID_ADDRESS;	/* STATUS_MEMORY_NOT_ALLOCATED */
	if (end > page_va(v, v->n))
		return ERROR_INVALID_ADDRESS;	/* STATUS_CONFLICTING_ADDRESSES */
	if ((prot & (PAGE_NOCACHE | PAGE_WRITECOMBINE)) || !compatible(W.s[v->sec].prot, v->vprot, prot))
		return ERROR_INVALID_PARAMETER;	/* spec §8.6, §9.6 */
	*vv = v;
	return 0;
}

static void do_commit(void)
{
	int hostile = 0, p;
	struct view *u = chance(40) ? pick_page(UNCOMMITTED, &p) : NULL;
	unsigned long long a = u ? page_va(u, p) : random_addr(&hostile);
	struct view *t = view_at(a);
	unsigned long long room = t ? page_va(t, t->n) - a : PG;
	int k = (int)rnd(100);
	unsigned long long len = k < 80 ? 1 + rnd(room) : k < 83 ? 0 : room + 1 + rnd(2 * PG);
	DWORD prot = chance(85) ? PICK(page_prots) : PICK(bad_page_prots);
	DWORD type = chance(95) ? MEM_COMMIT : MEM_RESERVE | MEM_COMMIT;
	if (in_private(a))
		prot = chance(50) ? PAGE_READWRITE : PAGE_WRITECOPY;
	struct view *v;
	DWORD want = predict_alloc(a, len, type, prot, &v);
	if (want == 0xffff)
		return;	/* would change memory the model does not follow: no call */
	bad_inputs += hostile || want != 0;
	SetLastError(0xdeadbeef);
	void *r = VirtualAlloc((void *)a, len, type, prot);
	check_err("VirtualAlloc(MEM_COMMIT) in a view", r != NULL, want == 0, GetLastError(), want);
	if (!r || want)
		return;
	if ((unsigned long long)r != (a & ~(PG - 1)))
		FAIL("VirtualAlloc(%llx, %llx) = %llx", a, len, (unsigned long long)r);
	if (v)
		apply_commit(v, (int)(((a & ~(PG - 1)) - v->base) / PG), (int)((a + len + PG - 1 - v->base) / PG), prot);
}

static void do_protect(void)
{
	int hostile;
	unsigned long long a = random_addr(&hostile);
	struct view *v = a < USER_END ? view_at(a) : NULL;
	unsigned long long room = v ? page_va(v, v->n) - a : PG;
	int k = (int)rnd(100);
	unsigned long long len = k < 85 ? rnd(room) : room + 1 + rnd(2 * PG);
	DWORD prot = chance(85) ? PICK(page_prots) : PICK(bad_page_prots);
	if (in_private(a))
		prot = chance(50) ? PAGE_READWRITE : PAGE_WRITECOPY;
	unsigned long long start = a & ~(PG - 1), end = (a + (len ? len : 1) + PG - 1) & ~(PG - 1);
	int p0 = 0, p1 = 0;
	DWORD want = 0;
	if (a >= USER_END || len > USER_END - a || !prot_rule_ok(prot, 1) || (is_wc(prot) && !v))
		want = ERROR_INVALID_PARAMETER;
	else if (in_private(a))
		want = end > PRIV + PRIV_PAGES * PG ? ERROR_INVALID_ADDRESS : 0;
	else if (!v || end > page_va(v, v->n))
		want = ERROR_INVALID_ADDRESS;	/* not allocated, or past the view */
	else {
		p0 = (int)((start - v->base) / PG);
		p1 = (int)((end - v->base) / PG);
		for (int p = p0; p < p1; p++)
			if (!view_committed(v, p))
				want = ERROR_INVALID_ADDRESS;	/* STATUS_NOT_COMMITTED, spec §8.3 */
		if (!want && ((prot & (PAGE_NOCACHE | PAGE_WRITECOMBINE)) || !compatible(W.s[v->sec].prot, v->vprot, prot)))
			want = ERROR_INVALID_PARAMETER;
	}
	bad_inputs += hostile || want != 0;
	DWORD old = 0xdeadbeef;
	SetLastError(0xdeadbeef);
	BOOL ok = VirtualProtect((void *)a, len, prot, &old);
	check_err("VirtualProtect in a view", ok != 0, want == 0, GetLastError(), want);
	if (!ok || want || in_private(a))
		return;
	if (old != v->prot[p0])
		FAIL("VirtualProtect(%llx): old %lx, model %lx", a, (unsigned long)old, (unsigned long)v->prot[p0]);
	for (int p = p0; p < p1; p++)
		v->prot[p] = prot;
}

/* VirtualFree never frees views (spec §7.10, §13.6). */
static void do_free_view(void)
{
	struct view *v = random_view();
	if (!v)
		return;
	unsigned long long a = page_va(v, (int)rnd(v->n));
	DWORD type = chance(50) ? MEM_RELEASE : MEM_DECOMMIT;
	bad_inputs++;
	SetLastError(0xdeadbeef);
	BOOL ok = VirtualFree((void *)a, type == MEM_RELEASE ? 0 : PG, type);
	check_err("VirtualFree of a view", ok != 0, 0, GetLastError(), ERROR_INVALID_PARAMETER);
}

static void do_touch(int write)
{
	int p = 0;
	struct view *v = write && chance(70) ? pick_page(WRITABLE, &p) : NULL;
	if (!v && (v = random_view()) != NULL)
		p = (int)rnd(v->n);
	if (!v)
		return;
	if (write)
		write_page(v, p, rng(), rng(), chance(50));
	else
		read_page(v, p);
}

/* ---- fork ------------------------------------------------------------------------------ */

/*
 * The child's own work, drawn from seed: writes, commits, a view of its
 * own, unmaps.  Run for real in the child, then by the parent with dry set,
 * on a copy of the model, to learn what the child did to the sections.
 */
static void run_plan(unsigned long long seed)
{
	unsigned long long st = seed, *saved = rng_state;
	rng_state = &st;
	for (int steps = 4 + (int)rnd(12); steps > 0; steps--) {
		int k = (int)rnd(100);
		struct view *v = random_view();
		if (!v)
			break;
		int p = (int)rnd(v->n), n = 1 + (int)rnd(v->n - p);
		if (k < 65) {
			write_page(v, p, rng(), rng(), chance(50));
		} else if (k < 80) {
			DWORD prot = PICK(page_prots);
			int want = compatible(W.s[v->sec].prot, v->vprot, prot);
			if (!dry) {
				void *r = VirtualAlloc((void *)page_va(v, p), n * PG, MEM_COMMIT, prot);
				check_err("VirtualAlloc(MEM_COMMIT) in the child", r != NULL, want, GetLastError(),
					  ERROR_INVALID_PARAMETER);
			}
			if (want)
				apply_commit(v, p, p + n, prot);
		} else if (k < 92) {
			int hi = random_live_handle();
			if (hi >= 0)
				map_and_record(hi, W.h[hi].h, PICK(map_accesses), 0, 0, 0);
		} else {
			if (!dry && !UnmapViewOfFile((void *)v->base))
				FAIL("child: UnmapViewOfFile(%llx) failed", v->base);
			forget_view(v);
		}
	}
	rng_state = saved;
}

static struct world fork_world, parent_world;

static void do_fork(void)
{
	unsigned long long seed = rng() | 1;
	forks++;
	calls++;
	fork_world = W;
	pid_t pid = fork();
	if (pid == 0) {
		in_child = 1;
		failures = 0;
		first_fail_line = 0;
		for (int i = 0; i < NVIEW && BREAK(3); i++)
			W.s[W.v[i].sec].w1[W.v[i].off] ^= W.v[i].live;
		check_everything();
		run_plan(seed);
		check_everything();
		for (int i = 0; i < NHND; i++)	/* the inherited handles and views are the child's to drop */
			if (W.h[i].live && chance(50) && !CloseHandle((HANDLE)W.h[i].h))
				FAIL("child: CloseHandle(%llx) failed", W.h[i].h);
		for (int i = 0; i < NVIEW; i++)
			if (W.v[i].live && chance(50) && !UnmapViewOfFile((void *)(W.v[i].base + rnd(W.v[i].n * PG))))
				FAIL("child: UnmapViewOfFile(%llx) failed", W.v[i].base);
		_exit(failures ? 1 + first_fail_line % 255 : 0);
	}
	if (pid < 0) {
		FAIL("fork failed: error %lu", (unsigned long)GetLastError());
		return;
	}
	calls_ok++;
	/* While the child runs: write to private copies, which it shares copy-on-write and must not see change. */
	for (int k = (int)rnd(6), p; k > 0; k--) {
		struct view *v = pick_page(PRIVATE, &p);	/* shared copy-on-write with the child */
		if (v)
			write_page(v, p, rng(), rng(), chance(50));
	}
	if (chance(30))	/* ... and leave the child holding the last reference, sometimes */
		do_unmap();
	if (chance(30))
		do_close();
	int status = -1;
	pid_t r = waitpid(pid, &status, 0);
	if (r != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		FAIL("child %d: waitpid %d, status %x (exit code: 1 + the line of its first mismatch %% 255)", (int)pid,
		     (int)r, status);
	if (waitpid(pid, &status, WNOHANG) != -1)
		FAIL("child %d reaped twice", (int)pid);
	/* The child's writes and commits to the sections are the parent's too; the rest stayed there. */
	parent_world = W;
	W = fork_world;	/* the child started from the model as it was at fork */
	dry = 1;
	run_plan(seed);
	dry = 0;
	for (int i = 0; i < NSEC && !BREAK(2); i++) {
		memcpy(parent_world.s[i].committed, W.s[i].committed, sizeof(W.s[i].committed));
		memcpy(parent_world.s[i].w0, W.s[i].w0, sizeof(W.s[i].w0));
		memcpy(parent_world.s[i].w1, W.s[i].w1, sizeof(W.s[i].w1));
	}
	W = parent_world;
	check_everything();
}

static void do_read(void)
{
	do_touch(0);
}
static void do_write(void)
{
	do_touch(1);
}

/* The operations and their weights, per mille (they add up to 1000). */
static const struct {
	int weight;
	void (*run)(void);
} ops[] = { { 70, do_create },	   { 50, do_open },	  { 160, do_map },  { 50, do_unmap },
	    { 50, do_close },	   { 110, do_commit },	  { 100, do_protect }, { 20, do_free_view },
	    { 160, do_read },	   { 222, do_write },	  { 8, do_fork } };

/* ---- main -------------------------------------------------------------------------------- */

int main(void)
{
	utest_prefault_stack(128 * 1024);
	utest_probe_init();
	rng_seed(FUZZ_SEED);
	memset(long_name, 'n', sizeof(long_name) - 1);
	char *priv = VirtualAlloc((void *)PRIV, PRIV_PAGES * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(priv == (char *)PRIV);
	for (unsigned long long p = 0; priv && p < PRIV_PAGES; p++)
		priv[p * PG] = 1;
	unsigned long long frames = utest_free_frames();
	unsigned long long t0 = GetTickCount();

	for (cur_iter = 0; cur_iter < FUZZ_ITER && failures < 50; cur_iter++) {
		fuzz_maybe_trim();
		int w = (int)rnd(1000), i = 0;
		while (w >= ops[i].weight)
			w -= ops[i++].weight;
		ops[i].run();
		check_all_queries();
		do_read();	/* and two more reads, for contents */
		do_read();
		iters++;
	}
	check_everything();

	/* Unmap and close everything: the sections and their names go, every frame comes back. */
	for (int i = 0; i < NVIEW; i++)
		if (W.v[i].live) {
			CHECK(UnmapViewOfFile((void *)W.v[i].base));
			forget_view(&W.v[i]);
		}
	for (int i = 0; i < NHND; i++)
		if (W.h[i].live) {
			CHECK(CloseHandle((HANDLE)W.h[i].h));
			forget_handle(i);
		}
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK_ERR(OpenFileMappingA(FILE_MAP_READ, FALSE, names[i].s), ERROR_FILE_NOT_FOUND);
	char extra[80];
	snprintf(extra, sizeof(extra), "%llu writes, %llu forks", writes_done, forks);
	fuzz_summary("fuzz_sections", FUZZ_SEED, frames, t0, extra);
	CHECK(VirtualFree(priv, 0, MEM_RELEASE));
	return utest_done("fuzz_sections");
}
