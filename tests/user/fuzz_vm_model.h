/*
 * tests/user/fuzz_vm_model.h - the half of the VM fuzzer (fuzz_vm.c) that
 * knows what the window should look like: the per-page model, protection
 * rules, the faulting touch stubs with their handler, and
 * the VirtualQuery walk that compares the window with the model.  Included
 * once, by fuzz_vm.c (a single-file program: user.mk builds every C file
 * in tests/user as its own program).
 */
#ifndef TESTS_USER_FUZZ_VM_MODEL_H
#define TESTS_USER_FUZZ_VM_MODEL_H

#include "fuzz_common.h"

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

static unsigned long long guard_faults, exec_ok;	/* with the counters of fuzz_common.h */

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

/* Private memory: no write-copy (spec §13.1). */
static int prot_valid(DWORD p)
{
	return prot_rule_ok(p, 0);
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

/* ---- touching pages: stubs whose faults the handler skips (Microsoft x64: rcx, rdx) ------- */

unsigned long long fz_read(unsigned long long addr);
void fz_write(unsigned long long addr, unsigned long long val);
extern char fz_read_insn[], fz_read_done[], fz_write_insn[], fz_write_done[];
__asm__(".text\n"
	".globl fz_read, fz_read_insn, fz_read_done, fz_write, fz_write_insn, fz_write_done\n"
	"fz_read:\n"
	"fz_read_insn: movq (%rcx), %rax\n"
	"fz_read_done: ret\n"
	"fz_write:\n"
	"fz_write_insn: movq %rdx, (%rcx)\n"
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
	/* The call pushes its return address below rsp: free in the Microsoft x64 convention (no red zone). */
	__asm__ volatile("call *%0" : : "r"(addr) : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory",
						   "cc");
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
#endif
