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

#ifndef FUZZ_SEED
#define FUZZ_SEED 1
#endif
#ifndef FUZZ_ITER
#define FUZZ_ITER 20000
#endif

#ifndef FUZZ_BREAK_MODEL
#define FUZZ_BREAK_MODEL 0	/* 1: "forget" that a recommitted page reads zero */
#endif

#define PG       0x1000ULL
#define GRAN     0x10000ULL
#define USER_END 0x7FFFFFFF0000ULL
#define WIN      0x100000000000ULL	/* the window the fuzzer owns: 16 TiB up */
#define NPAGE    1024			/* 4 MiB, 64 allocation granules */
#define WIN_END  (WIN + NPAGE * PG)

#define NT_OK(st) ((st) == 0)

/* ---- random numbers ------------------------------------------------------------ */

static unsigned long long rng_state;
static unsigned long long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
static unsigned long long rnd(unsigned long long n)
{
	return n ? rng() % n : 0;
}
static int chance(int pct)
{
	return (int)rnd(100) < pct;
}

/* ---- the model ------------------------------------------------------------------- */

struct page {
	DWORD state;		/* 0 (free), MEM_RESERVE, MEM_COMMIT */
	DWORD protect;		/* 0 unless committed */
	int base;		/* first page of the reservation, -1 when free */
	int end;		/* page after the reservation */
	DWORD alloc_protect;
	int known;		/* val holds the page's first 8 bytes */
	unsigned long long val;
};
static struct page model[NPAGE];

static unsigned long long iters, calls, calls_ok, bad_inputs, faults, guard_faults, exec_ok, reads_checked, queries;
static unsigned long long failures;
static unsigned long long cur_iter;

#define FAIL(...)                                                                     \
	do {                                                                          \
		failures++;                                                           \
		if (failures <= 12) {                                                 \
			printf("  fuzz_vm: iteration %llu: ", cur_iter);             \
			printf(__VA_ARGS__);                                          \
			printf(" (line %d)\n", __LINE__);                           \
		}                                                                     \
	} while (0)

static unsigned long long pg_addr(int p)
{
	return WIN + (unsigned long long)p * PG;
}

static int in_window(unsigned long long a)
{
	return a >= WIN && a < WIN_END;
}

/* ---- protections --------------------------------------------------------------------- */

static const DWORD base_prot[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE,
				   PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE };

/* The same rule as Windows (and mm/prot.c): one base protection, at most one compatible modifier. */
static int prot_valid(DWORD p)
{
	DWORD b = p & 0xff;
	if (p & ~0x7ffu)
		return 0;
	if (b == 0 || (b & (b - 1)) || b == PAGE_WRITECOPY || b == PAGE_EXECUTE_WRITECOPY)
		return 0;
	if ((p & PAGE_GUARD) && (b == PAGE_NOACCESS || (p & (PAGE_NOCACHE | PAGE_WRITECOMBINE))))
		return 0;
	if ((p & PAGE_NOCACHE) && (b == PAGE_NOACCESS || (p & PAGE_WRITECOMBINE)))
		return 0;
	if ((p & PAGE_WRITECOMBINE) && b == PAGE_NOACCESS)
		return 0;
	return 1;
}

static DWORD random_prot(void)
{
	int k = (int)rnd(100);
	if (k < 70)
		return base_prot[rnd(6)];
	if (k < 80)
		return base_prot[1 + rnd(5)] | PAGE_GUARD;
	if (k < 92)
		return base_prot[1 + rnd(5)] | (chance(50) ? PAGE_NOCACHE : PAGE_WRITECOMBINE);
	/* invalid or odd: random bits, two bases, write-copy, modifiers on NOACCESS, 0 */
	static const DWORD odd[] = { 0, PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY, PAGE_READONLY | PAGE_READWRITE,
				     PAGE_NOACCESS | PAGE_GUARD, PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE,
				     PAGE_NOCACHE | PAGE_WRITECOMBINE | PAGE_READONLY, 0x800, 0xffffffffu,
				     PAGE_GUARD, PAGE_TARGETS_INVALID | PAGE_READWRITE };
	if (chance(50))
		return odd[rnd(sizeof(odd) / sizeof(odd[0]))];
	return (DWORD)rng();
}

static int readable(DWORD p)
{
	DWORD b = p & 0xff;
	return b == PAGE_READONLY || b == PAGE_READWRITE || b == PAGE_EXECUTE_READ || b == PAGE_EXECUTE_READWRITE;
}
static int writable(DWORD p)
{
	DWORD b = p & 0xff;
	return b == PAGE_READWRITE || b == PAGE_EXECUTE_READWRITE;
}
static int executable(DWORD p)
{
	DWORD b = p & 0xff;
	return b == PAGE_EXECUTE || b == PAGE_EXECUTE_READ || b == PAGE_EXECUTE_READWRITE;
}

/* ---- touching pages: stubs whose faults the handler skips ------------------------------ */

unsigned long long fz_read(unsigned long long addr);
void fz_write(unsigned long long addr, unsigned long long val);
extern char fz_read_insn[], fz_read_done[], fz_write_insn[], fz_write_done[];
__asm__(".text\n"
	".globl fz_read, fz_read_insn, fz_read_done, fz_write, fz_write_insn, fz_write_done\n"
	"fz_read:\n"
	"fz_read_insn: movq (%rdi), %rax\n"
	"fz_read_done: ret\n"
	"fz_write:\n"
	"fz_write_insn: movq %rsi, (%rdi)\n"
	"fz_write_done: ret\n");

static volatile int fault_kind;		/* 0 none, 1 access violation, 2 guard page, 3 other */
static volatile unsigned long long fault_info0, fault_addr;
static unsigned long long exec_target;	/* the address fz_exec called */
static int in_exec;			/* inside fz_exec */

static LONG CALLBACK on_fault(PEXCEPTION_POINTERS ep)
{
	PEXCEPTION_RECORD r = ep->ExceptionRecord;
	PCONTEXT c = ep->ContextRecord;
	int kind = r->ExceptionCode == STATUS_ACCESS_VIOLATION	   ? 1
		   : r->ExceptionCode == STATUS_GUARD_PAGE_VIOLATION ? 2
								     : 3;
	if (c->Rip == (DWORD64)fz_read_insn)
		c->Rip = (DWORD64)fz_read_done;
	else if (c->Rip == (DWORD64)fz_write_insn)
		c->Rip = (DWORD64)fz_write_done;
	else if (in_exec && c->Rip == exec_target) {	/* the call faulted on fetch: emulate ret */
		c->Rip = *(DWORD64 *)c->Rsp;
		c->Rsp += 8;
	} else
		return EXCEPTION_CONTINUE_SEARCH;	/* not ours: the process ends, the test fails */
	fault_kind = kind;
	fault_info0 = r->NumberParameters >= 2 ? r->ExceptionInformation[0] : ~0ULL;
	fault_addr = r->NumberParameters >= 2 ? r->ExceptionInformation[1] : ~0ULL;
	faults++;
	guard_faults += kind == 2;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void fz_exec(unsigned long long addr)
{
	exec_target = addr;
	in_exec = 1;
	/* Step over the red zone: the call pushes its return address. */
	__asm__ volatile("sub $128, %%rsp; call *%0; add $128, %%rsp" : : "r"(addr) : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
						    "memory", "cc");
	in_exec = 0;
}

/* ---- checking the window against the model -------------------------------------------- */

static int same_region(const struct page *a, const struct page *b)
{
	return a->state == b->state && a->protect == b->protect && a->base == b->base;
}

static NTSTATUS query(unsigned long long addr, MEMORY_BASIC_INFORMATION *m)
{
	SIZE_T ret = 0;
	queries++;
	return NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)addr, MemoryBasicInformation, m, sizeof(*m), &ret);
}

/* Compare what VirtualQuery says about page p (queried at addr) with the model. */
static void check_query_at(int p, unsigned long long addr)
{
	MEMORY_BASIC_INFORMATION m;
	NTSTATUS st = query(addr, &m);
	if (!NT_OK(st)) {
		FAIL("query %llx: status %x", addr, (unsigned)st);
		return;
	}
	int q = p;
	while (q < NPAGE && same_region(&model[q], &model[p]))
		q++;
	unsigned long long want_size = (unsigned long long)(q - p) * PG;
	const struct page *e = &model[p];
	int bad = (unsigned long long)m.BaseAddress != pg_addr(p);
	if (e->state == 0) {
		bad |= m.State != MEM_FREE || m.AllocationBase != NULL || m.Protect != PAGE_NOACCESS;
		/* A free run that reaches the end of the window goes on beyond it. */
		bad |= q == NPAGE ? m.RegionSize < want_size : m.RegionSize != want_size;
	} else {
		bad |= m.State != e->state || m.Protect != e->protect || m.Type != MEM_PRIVATE;
		bad |= (unsigned long long)m.AllocationBase != pg_addr(e->base) || m.AllocationProtect != e->alloc_protect;
		bad |= m.RegionSize != want_size;
	}
	if (bad)
		FAIL("query %llx: base %llx alloc %llx/%lx size %llx state %lx prot %lx type %lx; model: state %x prot %x "
		     "alloc %llx/%x size %llx",
		     addr, (unsigned long long)m.BaseAddress, (unsigned long long)m.AllocationBase,
		     (unsigned long)m.AllocationProtect, (unsigned long long)m.RegionSize, (unsigned long)m.State,
		     (unsigned long)m.Protect, (unsigned long)m.Type, (unsigned)e->state, (unsigned)e->protect,
		     e->base >= 0 ? pg_addr(e->base) : 0, (unsigned)e->alloc_protect, want_size);
}

/* Walk the whole window region by region. */
static void check_window(void)
{
	for (int p = 0; p < NPAGE;) {
		check_query_at(p, pg_addr(p) + (chance(10) ? rnd(PG) : 0));
		int q = p;
		while (q < NPAGE && same_region(&model[q], &model[p]))
			q++;
		p = q;
	}
}

/* Read page p's first 8 bytes and check the outcome (value, or the fault) against the model. */
static void touch_read(int p)
{
	struct page *e = &model[p];
	fault_kind = 0;
	unsigned long long v = fz_read(pg_addr(p));
	int committed = e->state == MEM_COMMIT;
	if (committed && (e->protect & PAGE_GUARD)) {
		if (fault_kind != 2)
			FAIL("read of guard page %llx: fault %d", pg_addr(p), fault_kind);
		e->protect &= ~PAGE_GUARD;	/* one shot */
		return;
	}
	if (committed && readable(e->protect)) {
		if (fault_kind)
			FAIL("read of %llx (protect %x): fault %d", pg_addr(p), (unsigned)e->protect, fault_kind);
		else if (e->known && v != e->val)
			FAIL("read of %llx: %llx, model %llx", pg_addr(p), v, e->val);
		else
			reads_checked++;
		return;
	}
	if (committed && (e->protect & 0xff) == PAGE_EXECUTE)
		return;	/* execute-only: x86 may allow the read; either is fine */
	if (fault_kind != 1 || fault_info0 != 0 || fault_addr != pg_addr(p))
		FAIL("read of %llx (state %x protect %x): fault %d [%llx, %llx], expected an access violation",
		     pg_addr(p), (unsigned)e->state, (unsigned)e->protect, fault_kind, fault_info0, fault_addr);
}

static void touch_write(int p)
{
	struct page *e = &model[p];
	unsigned long long v = 0xc3 | (rng() << 8);	/* a ret first, for fz_exec */
	fault_kind = 0;
	fz_write(pg_addr(p), v);
	int committed = e->state == MEM_COMMIT;
	if (committed && (e->protect & PAGE_GUARD)) {
		if (fault_kind != 2)
			FAIL("write to guard page %llx: fault %d", pg_addr(p), fault_kind);
		e->protect &= ~PAGE_GUARD;
		return;
	}
	if (committed && writable(e->protect)) {
		if (fault_kind)
			FAIL("write to %llx (protect %x): fault %d", pg_addr(p), (unsigned)e->protect, fault_kind);
		e->known = 1;
		e->val = v;
		return;
	}
	if (fault_kind != 1 || fault_info0 != 1 || fault_addr != pg_addr(p))
		FAIL("write to %llx (state %x protect %x): fault %d [%llx, %llx], expected an access violation",
		     pg_addr(p), (unsigned)e->state, (unsigned)e->protect, fault_kind, fault_info0, fault_addr);
}

static void touch_exec(int p)
{
	struct page *e = &model[p];
	int committed = e->state == MEM_COMMIT;
	int runs = committed && executable(e->protect) && !(e->protect & PAGE_GUARD);
	if (runs && !(e->known && (e->val & 0xff) == 0xc3) && writable(e->protect))
		touch_write(p);	/* put a ret there first */
	if (runs && !(e->known && (e->val & 0xff) == 0xc3))
		return;	/* would run whatever is there */
	fault_kind = 0;
	fz_exec(pg_addr(p));
	if (committed && (e->protect & PAGE_GUARD)) {
		if (fault_kind != 2)
			FAIL("call into guard page %llx: fault %d", pg_addr(p), fault_kind);
		e->protect &= ~PAGE_GUARD;
		return;
	}
	if (runs) {
		if (fault_kind)
			FAIL("call into %llx (protect %x): fault %d", pg_addr(p), (unsigned)e->protect, fault_kind);
		exec_ok++;
		return;
	}
	if (fault_kind != 1 || fault_info0 != 8 || fault_addr != pg_addr(p))
		FAIL("call into %llx (state %x protect %x): fault %d [%llx, %llx], expected an execute violation",
		     pg_addr(p), (unsigned)e->state, (unsigned)e->protect, fault_kind, fault_info0, fault_addr);
}

/* Adversarial touches outside the window: always an access violation, never a crash. */
static void touch_hostile(void)
{
	static const unsigned long long where[] = { 0, 0x1000, 0xffff800000000000ULL, 0xffffffff80100000ULL,
						    0x0000800000000000ULL, 0xfffffffffffff000ULL, USER_END };
	unsigned long long a = where[rnd(sizeof(where) / sizeof(where[0]))];
	fault_kind = 0;
	int how = (int)rnd(3);
	if (how == 0)
		fz_read(a);
	else if (how == 1)
		fz_write(a, 0x1234);
	else if (a < USER_END || (a >= 0xffff800000000000ULL && a != 0xfffffffffffff000ULL))
		fz_exec(a);	/* canonical targets only: a call to a non-canonical one faults on the call */
	else
		fz_read(a);
	bad_inputs++;
	if (fault_kind != 1)
		FAIL("hostile access (%d) to %llx: fault %d", how, a, fault_kind);
}

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

/* Bad out-pointers: NULL, kernel, non-canonical, below the minimum, read-only, partly valid. */
static char *ro_page;	/* one read-only page */
static void *bad_ptr(void)
{
	void *const ptrs[] = { NULL, (void *)0x1000, (void *)0xffff800000000000ULL, (void *)0xffffffff80100000ULL,
			       (void *)0x0000800000000000ULL, (void *)(USER_END - 4), ro_page, ro_page + PG - 4,
			       (void *)(WIN_END + 0x10000) };
	return ptrs[rnd(sizeof(ptrs) / sizeof(ptrs[0]))];
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
#define ST_NOT_IMPL  ((NTSTATUS)0xC0000002L)
#define ST_PARAM     STATUS_INVALID_PARAMETER
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
		return ST_PARAM;
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
	if (type == MEM_RELEASE && (start != pg_addr(e->base) || end != pg_addr(e->end)))
		return len == 0 ? STATUS_FREE_VM_NOT_AT_BASE : STATUS_UNABLE_TO_FREE_VM;
	*p0 = (int)((start - WIN) / PG);
	*p1 = (int)((end - WIN) / PG);
	return 0;
}

static void apply_free(int p0, int p1, DWORD type)
{
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
	int badp = chance(4);
	PVOID b = (PVOID)addr;
	SIZE_T s = len;
	PVOID *pb = &b;
	PSIZE_T ps = &s;
	if (badp) {
		if (chance(50))
			pb = bad_ptr();
		else
			ps = bad_ptr();
	}
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
		else if (want == 0 && st != (bad_handle ? ST_HANDLE : ST_AV) && !(bad_handle && badp))
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
			check_and_release_outside((unsigned long long)b, s, type & ~(MEM_WRITE_WATCH | MEM_LARGE_PAGES | MEM_PHYSICAL), prot);
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
	int p0 = 0, p1 = 0;
	NTSTATUS want = predict_free(addr, len, type, &p0, &p1);
	if (want == -1) {
		FAIL("generator: free %llx %llx", addr, len);
		return;
	}
	HANDLE h = random_handle(&bad_handle);
	int badp = chance(4);
	PVOID b = (PVOID)addr;
	SIZE_T s = len;
	PVOID *pb = &b;
	PSIZE_T ps = &s;
	if (badp) {
		if (chance(50))
			pb = bad_ptr();
		else
			ps = bad_ptr();
	}
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
		if (st != (hostile ? ST_PARAM : ST_AV) && st != ST_AV)
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
	rng_state = 0x9e3779b97f4a7c15ULL ^ ((unsigned long long)FUZZ_SEED * 0xbf58476d1ce4e5b9ULL);
	if (!rng_state)
		rng_state = 1;
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
	unsigned long long now = utest_free_frames();
	CHECK_EQ(now, frames);
	CHECK(VirtualFree(ro_page, 0, MEM_RELEASE));
	printf("fuzz_vm: seed %llu: %llu iterations, %llu calls (%llu succeeded, %llu bad inputs), %llu queries, %llu faults "
	       "(%llu guard), %llu reads checked, %llu calls into pages, frames lost %lld, %llu ms, %llu mismatches\n",
	       (unsigned long long)FUZZ_SEED, iters, calls, calls_ok, bad_inputs, queries, faults, guard_faults, reads_checked,
	       exec_ok, (long long)(frames - now), (unsigned long long)GetTickCount() - t0, failures);
	CHECK_EQ(failures, 0);
	return utest_done("fuzz_vm");
}
