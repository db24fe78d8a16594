/*
 * tests/user/fuzz_vm.c - a model-checked fuzzer of the virtual-memory calls.
 *
 * Random sequences of NtAllocateVirtualMemory / NtFreeVirtualMemory /
 * NtProtectVirtualMemory / NtQueryVirtualMemory (and their Win32 wrappers)
 * with random and adversarial arguments (unaligned, huge, wrapping, kernel
 * and non-canonical addresses, bad handles, NULL, read-only and kernel
 * out-pointers, unknown flag bits, invalid protections), and random reads,
 * writes and calls into pages of a window of the address space the fuzzer
 * owns.  A vectored handler skips every faulting access and counts it.
 *
 * The fuzzer keeps its own model of the window (per page: state, protection,
 * reservation, the 8 bytes it last wrote at offset 0) and after every call
 * checks the call's result against the model's prediction, then walks the
 * whole window with VirtualQuery and compares every region boundary and
 * field.  Reads check contents; a page decommitted and recommitted reads 0.
 * At the end the window is released and every frame must be back.
 *
 * make test builds it with the default seed and iteration count below;
 * `make fuzz SEED=n ITER=n` builds a variant with -DFUZZ_SEED/-DFUZZ_ITER.
 * -DFUZZ_BREAK_MODEL=1 deliberately breaks the model, to show that it can fail.
 */
#include "utest.h"

#include <string.h>

#ifndef FUZZ_ITER
#define FUZZ_ITER 20000
#endif

#define PG       0x1000ULL
#define GRAN     0x10000ULL
#define USER_END 0x7FFFFFFF0000ULL
#define WIN      0x100000000000ULL	/* the window the fuzzer owns: 16 TiB up */
#define NPAGE    1024			/* 4 MiB, 64 allocation granules */
#define WIN_END  (WIN + NPAGE * PG)

#define NT_OK(st) ((st) == 0)

#include "fuzz_vm_model.h"


/* ---- arguments -------------------------------------------------------------------------- */

/* An address: mostly in the window (granule, page or byte aligned), sometimes hostile. */
static unsigned long long random_addr(int *hostile)
{
	*hostile = 0;
	int k = (int)rnd(100);
	if (k < 40) {	/* inside or at the base of an existing reservation, when there is one */
		for (int tries = 0; tries < 8; tries++) {
			int p = (int)rnd(NPAGE);
			if (model[p].state)
				return chance(30) ? pg_addr(model[p].base) : pg_addr(p) + (chance(20) ? rnd(PG) : 0);
		}
	}
	k = (int)rnd(100);
	if (k < 35)
		return WIN + rnd(NPAGE * PG / GRAN) * GRAN;
	if (k < 75)
		return WIN + rnd(NPAGE) * PG;
	if (k < 95)
		return WIN + rnd(NPAGE * PG);
	*hostile = 1;
	static const unsigned long long where[] = { 0xffff800000000000ULL, 0xffffffff80000000ULL,
						    0x0000800000000000ULL, 0xfffffffffffff000ULL, USER_END,
						    0x7fffffffffffULL,  0xffffffffffffffffULL, 0x8000000000000000ULL };
	return where[rnd(sizeof(where) / sizeof(where[0]))];
}

/* A size: small, page multiples, unaligned, zero, or huge/wrapping (never valid from the window). */
static unsigned long long random_size(unsigned long long addr, int *huge)
{
	*huge = 0;
	int k = (int)rnd(100);
	unsigned long long room = in_window(addr) ? WIN_END - addr : PG;
	if (k < 5)
		return 0;
	if (k < 45)
		return (1 + rnd(16)) * PG < room ? (1 + rnd(16)) * PG : room;
	if (k < 70)
		return 1 + rnd(room < 20 * PG ? room : 20 * PG);
	if (k < 94)
		return 1 + rnd(room);
	*huge = 1;
	static const unsigned long long huge_[] = { 0xffffffffffffffffULL, 0x8000000000000000ULL,
						    0xfffffffffffff000ULL, 0x800000000000ULL };
	if (chance(30))
		return USER_END - addr + 1 + rnd(PG);	/* just past the end of the user range */
	return huge_[rnd(4)];
}

/*
 * Bad out-pointers: NULL, kernel, non-canonical, below the minimum, the first byte past the user
 * range (USER_END - 4 would be the top of the stack, valid for a 4-byte cell), read-only, partly
 * valid, misaligned.
 */
static char *ro_page;	/* one read-only page */
static void *bad_ptr(void)
{
	void *const ptrs[] = { NULL, (void *)0x1000, (void *)0xffff800000000000ULL, (void *)0xffffffff80100000ULL,
			       (void *)0x0000800000000000ULL, (void *)USER_END, ro_page, ro_page + PG - 4, ro_page + 2,
			       (void *)(WIN_END + 0x10000) };
	return ptrs[rnd(sizeof(ptrs) / sizeof(ptrs[0]))];
}

/* In 4% of calls, swap one of the base/size in-out cells for a bad pointer; returns whether it did. */
static int maybe_bad_cells(PVOID **pb, PSIZE_T *ps)
{
	if (!chance(4))
		return 0;
	if (chance(50))
		*pb = bad_ptr();
	else
		*ps = bad_ptr();
	return 1;
}

static HANDLE random_handle(int *bad)
{
	*bad = chance(3);
	if (!*bad)
		return GetCurrentProcess();
	static const unsigned long long h[] = { 0, 4, 0xfffffffffffffffeULL, 0x1234 };
	return (HANDLE)h[rnd(4)];
}

/* ---- predictions ----------------------------------------------------------------------------- */

#define ST_AV        ((NTSTATUS)0xC0000005L)
#define ST_MISALIGN  ((NTSTATUS)0x80000002L)	/* a misaligned out-pointer, checked before the access */
#define BAD_POINTER_STATUS(st) ((st) == ST_AV || (st) == ST_MISALIGN)
#define ST_NOT_IMPL  ((NTSTATUS)0xC0000002L)
#define ST_PARAM     ((NTSTATUS)0xC000000DL)	/* winnt.h has it as a DWORD */
#define ST_PARAM2    STATUS_INVALID_PARAMETER_2
#define ST_HANDLE    ((NTSTATUS)0xC0000008L)

/* Are pages [p0, p1) of the window all free? */
static int pages_free(int p0, int p1)
{
	for (int p = p0; p < p1; p++)
		if (model[p].state)
			return 0;
	return 1;
}

/* NtAllocateVirtualMemory with an address in the window (or 0 / hostile). */
static NTSTATUS predict_alloc(unsigned long long addr, unsigned long long len, DWORD type, DWORD prot,
			      unsigned long long *start, unsigned long long *end)
{
	const DWORD known = MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO | MEM_TOP_DOWN | MEM_WRITE_WATCH |
			    MEM_PHYSICAL | MEM_LARGE_PAGES;
	if (len == 0 || (type & ~known) || !(type & (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO)))
		return ST_PARAM;
	if ((type & (MEM_RESET | MEM_RESET_UNDO)) && (type & ~(MEM_RESET | MEM_RESET_UNDO)))
		return ST_PARAM;
	if ((type & MEM_WRITE_WATCH) && !(type & MEM_RESERVE))
		return ST_PARAM;
	if (type & (MEM_RESET | MEM_RESET_UNDO | MEM_WRITE_WATCH | MEM_PHYSICAL | MEM_LARGE_PAGES))
		return ST_NOT_IMPL;	/* the caller treats these as "either" */
	if (!prot_valid(prot))
		return STATUS_INVALID_PAGE_PROTECTION;
	if (addr != 0 && addr < 0x10000)
		return ST_PARAM2;
	if (len > USER_END || addr > USER_END - len)
		return ST_PARAM;
	if (addr == 0)
		return 0;	/* somewhere outside the window; the caller checks and releases it */
	if (type & MEM_RESERVE) {
		*start = addr & ~(GRAN - 1);
		*end = (addr + len + PG - 1) & ~(PG - 1);
		if (!in_window(*start) || *end > WIN_END)
			return -1;	/* the generator never does this */
		return pages_free((int)((*start - WIN) / PG), (int)((*end - WIN) / PG)) ? 0 : STATUS_CONFLICTING_ADDRESSES;
	}
	*start = addr & ~(PG - 1);
	*end = (addr + len + PG - 1) & ~(PG - 1);
	if (!in_window(*start))
		return -1;
	struct page *e = &model[(*start - WIN) / PG];
	if (e->state == 0)
		return STATUS_MEMORY_NOT_ALLOCATED;
	if (*end > pg_addr(e->end))
		return STATUS_CONFLICTING_ADDRESSES;
	return 0;
}

static void apply_alloc(unsigned long long start, unsigned long long end, DWORD type, DWORD prot)
{
	int p0 = (int)((start - WIN) / PG), p1 = (int)((end - WIN) / PG);
	for (int p = p0; p < p1; p++) {
		struct page *e = &model[p];
		if (type & MEM_RESERVE) {
			*e = (struct page){ MEM_RESERVE, 0, p0, p1, prot, 1, 0 };
		}
		if (type & MEM_COMMIT) {
			if (e->state != MEM_COMMIT && !FUZZ_BREAK_MODEL)
				e->known = 1, e->val = 0;	/* demand-zero */
			e->state = MEM_COMMIT;
			e->protect = prot;
		}
	}
}

static NTSTATUS predict_free(unsigned long long addr, unsigned long long len, DWORD type, int *p0, int *p1)
{
	if (type != MEM_DECOMMIT && type != MEM_RELEASE)
		return STATUS_INVALID_PARAMETER_4;	/* checked first, even before the handle (spec 19.2.3) */
	if (addr >= USER_END || len > USER_END - addr)
		return ST_PARAM;
	unsigned long long start = addr & ~(PG - 1), end;
	if (!in_window(start))
		return -1;
	struct page *e = &model[(start - WIN) / PG];
	if (e->state == 0)
		return STATUS_MEMORY_NOT_ALLOCATED;
	if (len == 0) {
		if (start != pg_addr(e->base))
			return STATUS_FREE_VM_NOT_AT_BASE;
		end = pg_addr(e->end);
	} else {
		end = (addr + len + PG - 1) & ~(PG - 1);
		if (end > pg_addr(e->end))
			return STATUS_UNABLE_TO_FREE_VM;
	}
	/* A MEM_RELEASE of part of the allocation releases those pages and splits it (spec 19.2.2). */
	*p0 = (int)((start - WIN) / PG);
	*p1 = (int)((end - WIN) / PG);
	return 0;
}

static void apply_free(int p0, int p1, DWORD type)
{
	if (type == MEM_RELEASE) {	/* what is left below and above becomes allocations of their own */
		int b = model[p0].base, e = model[p0].end;
		for (int p = b; p < p0; p++)
			model[p].end = p0;
		for (int p = p1; p < e; p++)
			model[p].base = p1;
	}
	for (int p = p0; p < p1; p++) {
		if (type == MEM_RELEASE)
			model[p] = (struct page){ 0, 0, -1, 0, 0, 0, 0 };
		else {
			model[p].state = MEM_RESERVE;
			model[p].protect = 0;
			if (!FUZZ_BREAK_MODEL)
				model[p].known = 0;	/* a recommit makes it zero again */
		}
	}
}

static NTSTATUS predict_protect(unsigned long long addr, unsigned long long len, DWORD prot, int *p0, int *p1)
{
	if (addr >= USER_END || len > USER_END - addr)
		return ST_PARAM;
	if (!prot_valid(prot))
		return STATUS_INVALID_PAGE_PROTECTION;
	unsigned long long start = addr & ~(PG - 1), end = (addr + (len ? len : 1) + PG - 1) & ~(PG - 1);
	if (!in_window(start))
		return -1;
	struct page *e = &model[(start - WIN) / PG];
	if (e->state == 0)
		return STATUS_MEMORY_NOT_ALLOCATED;
	if (end > pg_addr(e->end))
		return STATUS_CONFLICTING_ADDRESSES;
	*p0 = (int)((start - WIN) / PG);
	*p1 = (int)((end - WIN) / PG);
	for (int p = *p0; p < *p1; p++)
		if (model[p].state != MEM_COMMIT)
			return STATUS_NOT_COMMITTED;
	return 0;
}

/* ---- one call ------------------------------------------------------------------------------- */

/* Check a successful allocation outside the window (NULL address) and release it. */
static void check_and_release_outside(unsigned long long base, unsigned long long size, DWORD type, DWORD prot)
{
	MEMORY_BASIC_INFORMATION m;
	if (base < 0x10000 || base % GRAN || size % PG || (base < WIN_END && base + size > WIN))
		FAIL("allocation at %llx size %llx outside the rules or inside the window", base, size);
	else if (!NT_OK(query(base, &m)) || (unsigned long long)m.AllocationBase != base ||
		 m.State != ((type & MEM_COMMIT) ? MEM_COMMIT : MEM_RESERVE) || m.RegionSize != size ||
		 m.AllocationProtect != prot)
		FAIL("allocation at %llx: query says %llx state %lx size %llx", base,
		     (unsigned long long)m.AllocationBase, (unsigned long)m.State, (unsigned long long)m.RegionSize);
	PVOID b = (PVOID)base;
	SIZE_T s = 0;
	NTSTATUS st = NtFreeVirtualMemory(GetCurrentProcess(), &b, &s, MEM_RELEASE);
	calls++;
	if (!NT_OK(st))
		FAIL("release of %llx: %x", base, (unsigned)st);
}

static void do_alloc(void)
{
	int hostile_addr = 0, huge = 0, bad_handle = 0;
	unsigned long long addr = chance(8) ? 0 : random_addr(&hostile_addr);
	unsigned long long len = random_size(addr, &huge);
	DWORD type, prot = random_prot();
	int k = (int)rnd(100);
	if (k < 30)
		type = MEM_RESERVE;
	else if (k < 60)
		type = MEM_COMMIT;
	else if (k < 85)
		type = MEM_RESERVE | MEM_COMMIT;
	else if (k < 90)
		type = (chance(50) ? MEM_RESERVE : MEM_COMMIT) | MEM_TOP_DOWN;
	else if (k < 95)	/* flags another engineer is implementing: success or failure, never harm */
		type = (DWORD[]){ MEM_RESET, MEM_RESET_UNDO, MEM_RESERVE | MEM_WRITE_WATCH,
				  MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, MEM_RESERVE | MEM_PHYSICAL }[rnd(5)];
	else
		type = (DWORD)rng() & (chance(50) ? 0xffffffffu : 0x00fff000u);
	int uncertain = (type & (MEM_RESET | MEM_RESET_UNDO | MEM_WRITE_WATCH | MEM_PHYSICAL | MEM_LARGE_PAGES)) != 0;
	if (uncertain && !(type & (MEM_RESET | MEM_RESET_UNDO)) && !hostile_addr && !huge)
		addr = 0;	/* new reservations of unknown kinds go outside the window */
	if (uncertain && (type & (MEM_RESET | MEM_RESET_UNDO)))
		prot = chance(80) ? PAGE_NOACCESS : prot;
	/* Keep window reservations inside the window (the granule below must be ours too). */
	if (!hostile_addr && !huge && in_window(addr) && (type & MEM_RESERVE) &&
	    ((addr + len + PG - 1) & ~(PG - 1)) > WIN_END)
		len = WIN_END - addr;
	if (len == 0 && chance(50))
		len = PG;

	unsigned long long start = 0, end = 0;
	NTSTATUS want = predict_alloc(addr, len, type, prot, &start, &end);
	if (want == -1) {
		FAIL("generator: alloc %llx %llx %x", addr, len, (unsigned)type);
		return;
	}
	HANDLE h = random_handle(&bad_handle);
	PVOID b = (PVOID)addr;
	SIZE_T s = len;
	PVOID *pb = &b;
	PSIZE_T ps = &s;
	int badp = maybe_bad_cells(&pb, &ps);
	bad_inputs += hostile_addr || huge || badp || bad_handle || (want != 0 && want != ST_NOT_IMPL);
	NTSTATUS st;
	int use_win32 = !badp && !bad_handle && chance(30);
	if (use_win32) {
		SetLastError(0);
		void *r = VirtualAlloc((void *)addr, len, type, prot);
		st = r ? 0 : (GetLastError() ? (NTSTATUS)0xE0000000 : (NTSTATUS)0xE0000001);
		b = r;
		s = r ? (addr ? end - start : (len + PG - 1) & ~(PG - 1)) : 0;
	} else
		st = NtAllocateVirtualMemory(h, pb, 0, ps, type, prot);
	calls++;
	calls_ok += NT_OK(st);

	if (badp || bad_handle) {	/* must fail and change nothing */
		if (NT_OK(st))
			FAIL("alloc with a bad pointer/handle succeeded");
		else if (want == 0 && !(bad_handle ? st == ST_HANDLE : BAD_POINTER_STATUS(st)) && !(bad_handle && badp))
			FAIL("alloc with a bad %s: status %x", bad_handle ? "handle" : "pointer", (unsigned)st);
		return;
	}
	if (uncertain) {
		if (NT_OK(st) && (type & (MEM_RESET | MEM_RESET_UNDO))) {
			/* MEM_RESET succeeded: state unchanged, contents of the range now undefined. */
			for (int p = 0; p < NPAGE; p++)
				if (pg_addr(p) + PG > addr && pg_addr(p) < addr + len)
					model[p].known = 0;
		} else if (NT_OK(st)) {
			/* an AWE region (MEM_PHYSICAL) reads as committed, whatever is mapped */
			check_and_release_outside((unsigned long long)b, s,
						  (type & MEM_PHYSICAL) ? MEM_COMMIT : type & ~(MEM_WRITE_WATCH | MEM_LARGE_PAGES), prot);
		}
		return;
	}
	if (use_win32) {
		if ((st == 0) != (want == 0))
			FAIL("VirtualAlloc(%llx, %llx, %x, %x): %s, model %x", addr, len, (unsigned)type, (unsigned)prot,
			     st ? "failed" : "succeeded", (unsigned)want);
		else if (st && GetLastError() == 0)
			FAIL("VirtualAlloc failed without an error code");
	} else if (st != want) {
		FAIL("NtAllocateVirtualMemory(%llx, %llx, %x, %x): %x, model %x", addr, len, (unsigned)type, (unsigned)prot,
		     (unsigned)st, (unsigned)want);
	}
	if (st != 0 || want != 0)
		return;
	if (addr == 0) {
		check_and_release_outside((unsigned long long)b, s, type, prot);
		return;
	}
	if ((unsigned long long)b != start || s != end - start)
		FAIL("alloc(%llx, %llx, %x): returned %llx size %llx, model %llx size %llx", addr, len, (unsigned)type,
		     (unsigned long long)b, (unsigned long long)s, start, end - start);
	apply_alloc(start, end, type, prot);
}

static void do_free(void)
{
	int hostile_addr = 0, huge = 0, bad_handle = 0;
	unsigned long long addr = random_addr(&hostile_addr);
	if (!hostile_addr && chance(40)) {	/* aim at a reservation base */
		int p = (int)((addr - WIN) / PG);
		if (model[p].state)
			addr = pg_addr(model[p].base);
	}
	unsigned long long len = chance(40) ? 0 : random_size(addr, &huge);
	DWORD type = chance(95) ? (chance(50) ? MEM_DECOMMIT : MEM_RELEASE)
				: (DWORD[]){ 0, MEM_DECOMMIT | MEM_RELEASE, MEM_COMMIT, (DWORD)rng() }[rnd(4)];
	if (type == (MEM_RELEASE | 0x2) || type == (MEM_RELEASE | 0x1))
		type = 0;	/* MEM_PRESERVE_PLACEHOLDER, MEM_COALESCE_PLACEHOLDERS: valid, not this model's */
	int p0 = 0, p1 = 0;
	NTSTATUS want = predict_free(addr, len, type, &p0, &p1);
	if (want == -1) {
		FAIL("generator: free %llx %llx", addr, len);
		return;
	}
	HANDLE h = random_handle(&bad_handle);
	PVOID b = (PVOID)addr;
	SIZE_T s = len;
	PVOID *pb = &b;
	PSIZE_T ps = &s;
	int badp = maybe_bad_cells(&pb, &ps);
	bad_inputs += hostile_addr || huge || badp || bad_handle || want != 0;
	NTSTATUS st;
	int use_win32 = !badp && !bad_handle && chance(30);
	if (use_win32 && type == MEM_RELEASE && len != 0)
		want = ST_PARAM;	/* VirtualFree wants size 0 for MEM_RELEASE; the native call takes the whole size too */
	if (use_win32) {
		st = VirtualFree((void *)addr, len, type) ? 0 : (NTSTATUS)0xE0000000;
		if ((st == 0) != (want == 0))
			FAIL("VirtualFree(%llx, %llx, %x): %s, model %x", addr, len, (unsigned)type, st ? "failed" : "succeeded",
			     (unsigned)want);
	} else {
		st = NtFreeVirtualMemory(h, pb, ps, type);
		if (badp || bad_handle) {
			if (NT_OK(st))
				FAIL("free with a bad pointer/handle succeeded");
			else if (want == STATUS_INVALID_PARAMETER_4 && st != want)
				FAIL("free type %x with a bad pointer/handle: %x, not STATUS_INVALID_PARAMETER_4", (unsigned)type,
				     (unsigned)st);
			return;
		}
		if (st != want)
			FAIL("NtFreeVirtualMemory(%llx, %llx, %x): %x, model %x", addr, len, (unsigned)type, (unsigned)st,
			     (unsigned)want);
		else if (st == 0 && ((unsigned long long)b != pg_addr(p0) || s != (unsigned long long)(p1 - p0) * PG))
			FAIL("free(%llx, %llx): returned %llx size %llx", addr, len, (unsigned long long)b,
			     (unsigned long long)s);
	}
	calls++;
	calls_ok += NT_OK(st);
	if (st == 0 && want == 0)
		apply_free(p0, p1, type);
}

static void do_protect(void)
{
	int hostile_addr = 0, huge = 0, bad_handle = 0;
	unsigned long long addr = random_addr(&hostile_addr);
	unsigned long long len = random_size(addr, &huge);
	DWORD prot = random_prot();
	int p0 = 0, p1 = 0;
	NTSTATUS want = predict_protect(addr, len, prot, &p0, &p1);
	if (want == -1) {
		FAIL("generator: protect %llx %llx", addr, len);
		return;
	}
	HANDLE h = random_handle(&bad_handle);
	int badp = chance(5);
	PVOID b = (PVOID)addr;
	SIZE_T s = len;
	ULONG old = 0xdeadbeef;
	PVOID *pb = &b;
	PSIZE_T ps = &s;
	PULONG po = &old;
	if (badp) {
		int w = (int)rnd(3);
		if (w == 0)
			pb = bad_ptr();
		else if (w == 1)
			ps = bad_ptr();
		else
			po = bad_ptr();
	}
	bad_inputs += hostile_addr || huge || badp || bad_handle || want != 0;
	NTSTATUS st;
	int use_win32 = !badp && !bad_handle && chance(30);
	if (use_win32) {
		DWORD o = 0xdeadbeef;
		st = VirtualProtect((void *)addr, len, prot, &o) ? 0 : (NTSTATUS)0xE0000000;
		old = o;
		if ((st == 0) != (want == 0))
			FAIL("VirtualProtect(%llx, %llx, %x): %s, model %x", addr, len, (unsigned)prot,
			     st ? "failed" : "succeeded", (unsigned)want);
	} else {
		st = NtProtectVirtualMemory(h, pb, ps, prot, po);
		if (badp || bad_handle) {
			if (NT_OK(st))
				FAIL("protect with a bad pointer/handle succeeded");
			return;
		}
		if (st != want)
			FAIL("NtProtectVirtualMemory(%llx, %llx, %x): %x, model %x", addr, len, (unsigned)prot, (unsigned)st,
			     (unsigned)want);
	}
	calls++;
	calls_ok += NT_OK(st);
	if (st != 0 || want != 0)
		return;
	if (old != model[p0].protect)
		FAIL("protect(%llx): old %x, model %x", addr, (unsigned)old, (unsigned)model[p0].protect);
	DWORD keep = model[p0].protect & (PAGE_NOCACHE | PAGE_WRITECOMBINE);	/* the cache type stays */
	prot &= ~(DWORD)(PAGE_NOCACHE | PAGE_WRITECOMBINE);
	if (!(prot & PAGE_GUARD))
		prot |= keep;
	for (int p = p0; p < p1; p++)
		model[p].protect = prot;
}

static void do_query_hostile(void)
{
	MEMORY_BASIC_INFORMATION m;
	SIZE_T ret = 0;
	int k = (int)rnd(4), hostile = 0;
	unsigned long long addr = random_addr(&hostile);
	NTSTATUS st;
	bad_inputs++;
	calls++;
	if (k == 0) {	/* a bad buffer */
		st = NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)addr, MemoryBasicInformation, bad_ptr(), sizeof(m),
					  &ret);
		if (!(hostile && st == ST_PARAM) && !BAD_POINTER_STATUS(st))
			FAIL("query into a bad buffer: %x", (unsigned)st);
	} else if (k == 1) {	/* a short buffer */
		st = NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)addr, MemoryBasicInformation, &m, rnd(sizeof(m)),
					  &ret);
		if (NT_OK(st))
			FAIL("query with a short buffer succeeded");
	} else if (k == 2) {	/* an address above the user range */
		unsigned long long a = USER_END + rnd(~0ULL - USER_END);
		st = NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)a, MemoryBasicInformation, &m, sizeof(m), &ret);
		if (st != ST_PARAM)
			FAIL("query of %llx: %x", a, (unsigned)st);
	} else {	/* Win32, bad buffer */
		SetLastError(0);
		if (VirtualQuery((void *)addr, bad_ptr(), sizeof(m)) != 0 || GetLastError() == 0)
			FAIL("VirtualQuery into a bad buffer");
	}
}

static void check_contents(int n)
{
	for (int i = 0; i < n; i++) {
		int p = (int)rnd(NPAGE);
		if (model[p].state == MEM_COMMIT && readable(model[p].protect) && !(model[p].protect & PAGE_GUARD))
			touch_read(p);
	}
}

int main(void)
{
	utest_prefault_stack(128 * 1024);
	rng_seed(FUZZ_SEED);
	for (int p = 0; p < NPAGE; p++)
		model[p] = (struct page){ 0, 0, -1, 0, 0, 0, 0 };
	ro_page = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (ro_page)
		ro_page[0] = 1;	/* its frame now, not when the kernel first reads it as a bad pointer */
	DWORD old;
	CHECK(ro_page && VirtualProtect(ro_page, PG, PAGE_READONLY, &old));
	PVOID veh = AddVectoredExceptionHandler(1, on_fault);
	CHECK(veh != NULL);
	unsigned long long frames = utest_free_frames();
	unsigned long long t0 = GetTickCount();

	check_window();
	for (cur_iter = 0; cur_iter < FUZZ_ITER && failures < 50; cur_iter++) {
		fuzz_maybe_trim();
		int op = (int)rnd(100);
		if (op < 25)
			do_alloc();
		else if (op < 40)
			do_free();
		else if (op < 55)
			do_protect();
		else if (op < 60)
			do_query_hostile();
		else if (op < 96) {
			int p = (int)rnd(NPAGE);
			/* Prefer pages that exist. */
			for (int tries = 0; tries < 4 && model[p].state == 0; tries++)
				p = (int)rnd(NPAGE);
			int how = (int)rnd(10);
			if (how < 4)
				touch_read(p);
			else if (how < 8)
				touch_write(p);
			else
				touch_exec(p);
		} else
			touch_hostile();
		check_window();
		check_contents(2);
		iters++;
	}

	/* Release everything in the window; every frame comes back. */
	for (int p = 0; p < NPAGE; p++)
		if (model[p].state && model[p].base == p) {
			CHECK(VirtualFree((void *)pg_addr(p), 0, MEM_RELEASE));
			apply_free(p, model[p].end, MEM_RELEASE);
		}
	check_window();
	RemoveVectoredExceptionHandler(veh);
	char extra[80];
	snprintf(extra, sizeof(extra), "%llu guard page faults, %llu calls into pages", guard_faults, exec_ok);
	fuzz_summary("fuzz_vm", FUZZ_SEED, frames, t0, extra);
	CHECK(VirtualFree(ro_page, 0, MEM_RELEASE));
	return utest_done("fuzz_vm");
}
