/* tests/user/vm_guard.c - spec §11 guard pages and stack growth in the default reservation. */
#include <string.h>

#include "utest.h"

#define G 0x10000ULL

#define MAXEV 8
static struct ev {
	DWORD code, nparams, prot_in_handler;
	ULONG_PTR p0, p1, rip;
	PVOID exc_addr;
} evs[MAXEV];
static volatile int nev;
static volatile int handler_writes;	/* the guard handler adds 0x100 to the int at the address */
static volatile DWORD av_repair = PAGE_READWRITE;

static LONG WINAPI handler(EXCEPTION_POINTERS *ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	if (r->ExceptionCode != STATUS_GUARD_PAGE_VIOLATION && r->ExceptionCode != STATUS_ACCESS_VIOLATION)
		return EXCEPTION_CONTINUE_SEARCH;
	if (nev >= MAXEV)
		return EXCEPTION_CONTINUE_SEARCH;
	struct ev *e = &evs[nev++];
	e->code = r->ExceptionCode;
	e->nparams = r->NumberParameters;
	e->p0 = r->ExceptionInformation[0];
	e->p1 = r->ExceptionInformation[1];
	e->exc_addr = r->ExceptionAddress;
	e->rip = ep->ContextRecord->Rip;
	MEMORY_BASIC_INFORMATION m;
	e->prot_in_handler = VirtualQuery((void *)e->p1, &m, sizeof m) ? m.Protect : 0xffffffff;
	if (r->ExceptionCode == STATUS_GUARD_PAGE_VIOLATION) {
		if (handler_writes)
			*(volatile int *)(e->p1 & ~3ULL) += 0x100;	/* §11.2: the page is usable already */
		return EXCEPTION_CONTINUE_EXECUTION;
	}
	DWORD old;
	if (!VirtualProtect((void *)e->p1, 1, av_repair, &old))
		return EXCEPTION_CONTINUE_SEARCH;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void one_shot(void)
{
	char *p = VirtualAlloc(NULL, 0x4000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
	CHECK(p != NULL);
	MEMORY_BASIC_INFORMATION m = query_region(p);
	CHECK_EQ(m.Protect, PAGE_READWRITE | PAGE_GUARD);
	CHECK_EQ(m.AllocationProtect, PAGE_READWRITE | PAGE_GUARD);
	CHECK_EQ(m.RegionSize, 0x4000);

	/* §11.1-§11.3: a read raises the guard violation, cleared before the handler, then retried. */
	nev = 0;
	int v = *(volatile int *)(p + 0x10);
	CHECK_EQ(v, 0);
	CHECK_EQ(nev, 1);
	CHECK_EQ(evs[0].code, STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ(evs[0].code, 0x80000001);
	CHECK_EQ(evs[0].nparams, 2);
	CHECK_EQ(evs[0].p0, EXCEPTION_READ_FAULT);
	CHECK_EQ(evs[0].p1, p + 0x10);
	CHECK_EQ(evs[0].prot_in_handler, PAGE_READWRITE);
	CHECK_EQ(evs[0].exc_addr, evs[0].rip);
	/* §11.4: one shot: the page is now plain; the others are still armed. */
	v = *(volatile int *)(p + 0x20);
	*(volatile int *)(p + 0x20) = 5;
	CHECK_EQ(nev, 1);
	CHECK_EQ(p[0x20], 5);
	/* §10.3.4: the fired page is its own region; AllocationProtect keeps the guard bit. */
	m = query_region(p);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	CHECK_EQ(m.RegionSize, 0x1000);
	CHECK_EQ(m.AllocationProtect, PAGE_READWRITE | PAGE_GUARD);
	CHECK_REGION(p + 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD, 0x3000);

	/* A write to the next page: [0] = 1, the write lands after the retry. */
	*(volatile int *)(p + 0x1008) = 77;
	CHECK_EQ(nev, 2);
	CHECK_EQ(evs[1].code, STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ(evs[1].p0, EXCEPTION_WRITE_FAULT);
	CHECK_EQ(evs[1].p1, p + 0x1008);
	CHECK_EQ(evs[1].prot_in_handler, PAGE_READWRITE);
	CHECK_EQ(*(volatile int *)(p + 0x1008), 77);
	CHECK_EQ(nev, 2);
	/* Both fired pages merge. */
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, 0x2000);
	CHECK_REGION(p + 0x2000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD, 0x2000);

	/* §11.2: the handler can touch the page; the retried read sees its write. */
	handler_writes = 1;
	v = *(volatile int *)(p + 0x2100);
	handler_writes = 0;
	CHECK_EQ(nev, 3);
	CHECK_EQ(v, 0x100);
	CHECK_EQ(evs[2].p0, EXCEPTION_READ_FAULT);

	/* §11.5: VirtualProtect re-arms; without the bit it disarms silently. */
	DWORD old;
	CHECK(VirtualProtect(p, 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK_EQ(query_region(p).Protect, PAGE_READWRITE | PAGE_GUARD);
	CHECK_EQ(*(volatile int *)(p + 0x20), 5);
	CHECK_EQ(nev, 4);
	CHECK_EQ(evs[3].p1, p + 0x20);
	CHECK_EQ(query_region(p).Protect, PAGE_READWRITE);
	CHECK(VirtualProtect(p + 0x3000, 0x1000, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_READWRITE | PAGE_GUARD);
	*(volatile int *)(p + 0x3000) = 1;
	CHECK_EQ(nev, 4);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, 0x4000);
	CHECK_EQ(query_region(p).AllocationProtect, PAGE_READWRITE | PAGE_GUARD);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void underlying_protection(void)
{
	/* §11.6: READONLY|GUARD write: guard violation, then an access violation on retry. */
	char *p = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	p[0x10] = 3;
	DWORD old;
	CHECK(VirtualProtect(p, 0x2000, PAGE_READONLY | PAGE_GUARD, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	nev = 0;
	av_repair = PAGE_READWRITE;
	*(volatile char *)(p + 0x11) = 4;
	CHECK_EQ(nev, 2);
	CHECK_EQ(evs[0].code, STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ(evs[0].p0, EXCEPTION_WRITE_FAULT);
	CHECK_EQ(evs[0].p1, p + 0x11);
	CHECK_EQ(evs[0].prot_in_handler, PAGE_READONLY);
	CHECK_EQ(evs[1].code, STATUS_ACCESS_VIOLATION);
	CHECK_EQ(evs[1].nparams, 2);
	CHECK_EQ(evs[1].p0, EXCEPTION_WRITE_FAULT);
	CHECK_EQ(evs[1].p1, p + 0x11);
	CHECK_EQ(evs[1].exc_addr, evs[0].exc_addr);	/* the same instruction */
	CHECK_EQ(p[0x10], 3);
	CHECK_EQ(p[0x11], 4);
	CHECK_REGION(p, MEM_COMMIT, PAGE_READWRITE, 0x1000);
	CHECK_REGION(p + 0x1000, MEM_COMMIT, PAGE_READONLY | PAGE_GUARD, 0x1000);
	/* A read of the READONLY|GUARD page only raises the guard violation. */
	nev = 0;
	CHECK_EQ(*(volatile char *)(p + 0x1000), 0);
	CHECK_EQ(nev, 1);
	CHECK_EQ(evs[0].code, STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ(query_region(p + 0x1000).Protect, PAGE_READONLY);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

typedef int (*fn_t)(void);

static void execute(void)
{
	/* §14.4: an instruction fetch from a guard page: guard violation with [0] = 8. */
	unsigned char *p = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE);
	static const unsigned char code[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 };	/* mov eax, 42; ret */
	memcpy(p, code, sizeof code);
	memcpy(p + 0x1000, code, sizeof code);
	CHECK(FlushInstructionCache(GetCurrentProcess(), p, 0x2000));
	DWORD old;
	CHECK(VirtualProtect(p, 0x1000, PAGE_EXECUTE_READ | PAGE_GUARD, &old));
	nev = 0;
	CHECK_EQ(((fn_t)p)(), 42);
	CHECK_EQ(nev, 1);
	CHECK_EQ(evs[0].code, STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ(evs[0].p0, EXCEPTION_EXECUTE_FAULT);
	CHECK_EQ(evs[0].p1, p);
	CHECK_EQ(evs[0].exc_addr, p);
	CHECK_EQ(query_region(p).Protect, PAGE_EXECUTE_READ);
	/* Guard over a non-executable page: the retried fetch is an execute access violation. */
	CHECK(VirtualProtect(p + 0x1000, 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK_EQ(old, PAGE_EXECUTE_READWRITE);
	nev = 0;
	av_repair = PAGE_EXECUTE_READ;
	CHECK_EQ(((fn_t)(p + 0x1000))(), 42);
	CHECK_EQ(nev, 2);
	CHECK_EQ(evs[0].code, STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ(evs[0].p0, EXCEPTION_EXECUTE_FAULT);
	CHECK_EQ(evs[1].code, STATUS_ACCESS_VIOLATION);
	CHECK_EQ(evs[1].p0, EXCEPTION_EXECUTE_FAULT);
	CHECK_EQ(evs[1].p1, p + 0x1000);
	CHECK_EQ(evs[1].exc_addr, p + 0x1000);
	av_repair = PAGE_READWRITE;
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void guard_args(void)
{
	/* §11.9 */
	char *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	DWORD old;
	CHECK_ERR(VirtualProtect(p, 0x1000, PAGE_NOACCESS | PAGE_GUARD, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS | PAGE_GUARD),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(p, 0x1000, MEM_COMMIT, PAGE_NOACCESS | PAGE_GUARD), ERROR_INVALID_PARAMETER);
	CHECK_EQ(query_region(p).Protect, PAGE_READWRITE);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	/* A commit with PAGE_GUARD inside a reservation arms only those pages. */
	p = VirtualAlloc(NULL, 0x3000, MEM_RESERVE, PAGE_READWRITE);
	CHECK_EQ(VirtualAlloc(p + 0x1000, 0x1000, MEM_COMMIT, PAGE_READONLY | PAGE_GUARD), p + 0x1000);
	CHECK_REGION(p + 0x1000, MEM_COMMIT, PAGE_READONLY | PAGE_GUARD, 0x1000);
	CHECK_EQ(query_region(p + 0x1000).AllocationProtect, PAGE_READWRITE);
	nev = 0;
	CHECK_EQ(*(volatile char *)(p + 0x1fff), 0);
	CHECK_EQ(nev, 1);
	CHECK_EQ(evs[0].p1, p + 0x1fff);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

/* ---- stack growth ---- */

static int stack_guard_events;

static __attribute__((noinline)) int recurse(int depth)
{
	volatile char buf[1024];
	for (int i = 0; i < (int)sizeof buf; i += 64)
		buf[i] = (char)depth;
	int r = depth ? recurse(depth - 1) : 0;
	return r + buf[depth % 1024 & ~63];
}

static void stack_growth(void)
{
	int local;
	MEMORY_BASIC_INFORMATION m = query_region(&local);
	char *base = m.AllocationBase;
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Type, MEM_PRIVATE);
	CHECK_EQ(m.AllocationProtect, PAGE_READWRITE);
	/* Sum the reservation: the program's SizeOfStackReserve (MinGW's default: 2 MiB). */
	ULONG_PTR reserve = utest_nt_headers(GetModuleHandleA(NULL))->OptionalHeader.SizeOfStackReserve;
	CHECK_EQ(reserve, 0x200000);
	ULONG_PTR total = 0, guard_pages = 0, committed_before = 0;
	char *a = base;
	while ((ULONG_PTR)a < 0x7FFFFFFF0000ULL) {
		MEMORY_BASIC_INFORMATION r = query_region(a);
		if (r.AllocationBase != base || r.State == MEM_FREE)
			break;
		if (r.Protect & PAGE_GUARD)
			guard_pages += r.RegionSize;
		if (r.State == MEM_COMMIT)
			committed_before += r.RegionSize;
		total += r.RegionSize;
		a += r.RegionSize;
	}
	CHECK_EQ(total, reserve);
	CHECK_EQ(guard_pages, 0x1000);
	CHECK(committed_before < 0x90000);
	/* ~660 KiB of stack: the guard page walks down without any exception reaching us. */
	nev = 0;
	int depth = 600;
	int r = recurse(depth);
	stack_guard_events = nev;
	CHECK_EQ(stack_guard_events, 0);
	int expect = 0;
	for (int d = 0; d <= depth; d++)
		expect += (char)d;
	CHECK_EQ(r, expect);
	ULONG_PTR committed = 0, guards = 0, lowest_commit = 0;
	a = base;
	while ((ULONG_PTR)a < 0x7FFFFFFF0000ULL) {
		MEMORY_BASIC_INFORMATION s = query_region(a);
		if (s.AllocationBase != base || s.State == MEM_FREE)
			break;
		if (s.State == MEM_COMMIT) {
			committed += s.RegionSize;
			if (!lowest_commit)
				lowest_commit = (ULONG_PTR)s.BaseAddress;
		}
		if (s.Protect & PAGE_GUARD) {
			guards += s.RegionSize;
			CHECK_EQ((ULONG_PTR)s.BaseAddress, lowest_commit);	/* the guard is the lowest committed page */
			CHECK_EQ(s.Protect, PAGE_READWRITE | PAGE_GUARD);
		}
		a += s.RegionSize;
	}
	CHECK(committed >= 600 * 1024);
	CHECK(committed < 0x100000);	/* growth commits what is used, not the reservation */
	CHECK_EQ(guards, 0x1000);
	CHECK_EQ(query_region(base).State, MEM_RESERVE);	/* the bottom is never committed */
	/* A second, shallower run does not move anything. */
	nev = 0;
	CHECK_EQ(recurse(100) != 0x7fffffff, 1);
	CHECK_EQ(nev, 0);
}

int main(void)
{
	PVOID h = AddVectoredExceptionHandler(1, handler);
	CHECK(h != NULL);
	one_shot();
	underlying_protection();
	execute();
	guard_args();
	/* Frames: a guard round trip gives everything back. */
	char *p = VirtualAlloc(NULL, 0x4000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
	for (int i = 0; i < 4; i++)
		((volatile char *)p)[i * 0x1000] = 1;
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	unsigned long long before = utest_free_frames();
	nev = 0;
	p = VirtualAlloc(NULL, 0x4000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
	for (int i = 0; i < 4; i++)
		((volatile char *)p)[i * 0x1000] = 1;
	CHECK_EQ(nev, 4);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
	stack_growth();
	CHECK(RemoveVectoredExceptionHandler(h));
	return utest_done("vm_guard");
}
