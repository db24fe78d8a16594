/*
 * tests/user/fuzz_syscall.c - raw system calls with random registers
 * (issue 16).
 *
 * Every call number from 0 to SYS_COUNT + 3 goes through mm_syscall with six
 * random arguments: small and huge integers, the current-process handle and
 * garbage handles, sizes around page and address-space boundaries, and
 * pointers (aligned and not) into every kind of memory: committed private
 * pages (shared copy-on-write with the parent: each batch runs in a forked
 * child), read-only, no-access, guard, reserved-only pages, a read-write,
 * a read-only and a FILE_MAP_COPY view of a section, AWE pages mapped and
 * unmapped, the program's own code and write-copy data, the stack, pages
 * paged out to the pagefile (some children empty their working set first),
 * NULL, the kernel half, non-canonical addresses and ranges straddling the
 * top of the user half.  The memory the pointers reach holds plausible
 * values: addresses in those regions, sizes, protections, handles.
 *
 * Each batch of FUZZ_BATCH calls runs in a forked child, so a call that ends
 * or wrecks its caller (NtTerminateProcess, NtContinue to garbage, freeing
 * its own stack, unmapping ntdll) ends only that child; the parent only
 * forks, waits and checks.  A child's own forks (NtForkProcess) exit at once
 * and are reaped at once.  NtDelayExecution sleeps at most 3 ms;
 * NtWriteConsole gets a readable buffer with length 0 or an unreadable one
 * with any length (the log must stay text); the waits are drawn freely (a
 * process waits only for its own children, and a child's forks end at once).
 *
 * The machine must stay up, and at the end every frame, every unit of
 * commit and every pagefile slot must be back (utest_free_frames and
 * mm_memory_status before and after); the kernel's runner then checks its
 * heap objects.  `make fuzz FUZZ=fuzz_syscall SEED=n ITER=n` runs ITER calls.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#ifndef FUZZ_SEED
#define FUZZ_SEED 1
#endif
#ifndef FUZZ_ITER
#define FUZZ_ITER 36000
#endif
#define FUZZ_BATCH 120	/* calls per forked child */
#define NCALLNR (SYS_COUNT + 4)

#define PG 4096ULL
#define U(x) ((ULONG_PTR)(x))

static unsigned long long rng_s;

static unsigned long long rng(void)
{
	rng_s ^= rng_s << 13;
	rng_s ^= rng_s >> 7;
	rng_s ^= rng_s << 17;
	return rng_s;
}
static unsigned long long rnd(unsigned long long n)
{
	return n ? rng() % n : 0;
}
#define PICK(arr) ((arr)[rnd(sizeof(arr) / sizeof((arr)[0]))])

/* ---- the memory the pointers reach --------------------------------------------------- */

enum kind {
	K_PRIVATE, K_READONLY, K_NOACCESS, K_GUARD, K_RESERVED, K_VIEW_RW, K_VIEW_RO, K_VIEW_COPY,
	K_AWE_MAPPED, K_AWE_UNMAPPED, K_CODE, K_DATA, K_STACK, K_PAGED, K_COUNT
};

#define ARENA_PAGES 16
static char *region[K_COUNT];
static unsigned long long region_size[K_COUNT];
static HANDLE section;
/* Per call number, in a section the children share with the parent (no pointer reaches it): calls made, succeeded. */
static volatile LONG64 (*stats)[2];
static char image_data[4 * PG] __attribute__((aligned(4096))) = { 1 };	/* write-copy .data */

static const ULONG_PTR wild[] = {
	0, 1, 0x1000, 0x10000 - 8, 0x7ffffffeffffULL, 0x7ffffffff000ULL, 0x7ffffffffff8ULL, 0x7ffffffffffcULL,
	0x800000000000ULL, 0xffff800000000000ULL, 0xffffffff80100000ULL, 0xfffffffffffff000ULL, ~0ULL,
	0x0000800000001000ULL, 0x8000000000000000ULL,
};

/* A pointer into kind k (or a wild one), aligned or not. */
static ULONG_PTR pointer(void)
{
	if (rnd(8) == 0)
		return PICK(wild) + (rnd(4) ? 0 : rnd(16));
	unsigned k = rnd(K_COUNT);
	if (!region[k])
		return 0;
	ULONG_PTR off = rnd(region_size[k]);
	unsigned r = rnd(4);
	if (r == 0)
		off &= ~(PG - 1);	/* page start */
	else if (r == 1)
		off = (off | (PG - 1)) - 7;	/* the last 8 bytes of a page: a wide cell straddles the next */
	else if (r == 2)
		off &= ~7ULL;
	return U(region[k]) + off;
}

static ULONG_PTR size_value(void)
{
	static const ULONG_PTR sizes[] = {
		0, 1, 8, 48, 0xfff, PG, PG + 1, 2 * PG, 64 * 1024, 1ULL << 20, 1ULL << 30, 1ULL << 40,
		0x7fffffff0000ULL, 0x800000000000ULL, ~0ULL, ~0ULL - PG + 1, 1ULL << 63, 0x1fffffffffffffffULL,
	};
	return rnd(4) ? PICK(sizes) : rnd(4) ? rnd(64) : rng();
}

static ULONG_PTR flag_value(void)
{
	static const ULONG_PTR flags[] = {
		MEM_COMMIT, MEM_RESERVE, MEM_COMMIT | MEM_RESERVE, MEM_DECOMMIT, MEM_RELEASE, MEM_RESET,
		MEM_RESET_UNDO, MEM_PHYSICAL | MEM_RESERVE, MEM_LARGE_PAGES | MEM_COMMIT | MEM_RESERVE,
		MEM_WRITE_WATCH | MEM_RESERVE, MEM_TOP_DOWN | MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE, PAGE_READONLY,
		PAGE_NOACCESS, PAGE_EXECUTE_READWRITE, PAGE_WRITECOPY, PAGE_READWRITE | PAGE_GUARD, PAGE_NOCACHE | 4,
		SEC_COMMIT, SEC_RESERVE, 1, 2, 3, 0x80000000ULL,
	};
	return PICK(flags);
}

/* One random argument. */
static ULONG_PTR argument(void)
{
	switch (rnd(8)) {
	case 0:
	case 1:
	case 2: return pointer();
	case 3: return size_value();
	case 4: return flag_value();
	case 5: return rnd(3) ? (ULONG_PTR)-1 : rnd(2) ? U(section) : rnd(0x100);	/* handles */
	case 6: return rnd(16);
	default: return rng();
	}
}

/* Plausible cell contents: what an in/out argument could hold. */
static ULONG_PTR cell_value(void)
{
	return rnd(3) == 0 ? pointer() : rnd(2) ? size_value() : rnd(2) ? flag_value() : rng();
}

static void fill_cells(char *p, unsigned long long bytes)
{
	for (unsigned long long i = 0; i + 8 <= bytes; i += 8)
		*(ULONG_PTR *)(p + i) = cell_value();
}

/* ---- one child ---------------------------------------------------------------------- */

/* A system call from this program's own code (the child may have wrecked the DLLs by then). */
static LONG_PTR raw_syscall(ULONG nr, ULONG_PTR a1, ULONG_PTR a2, ULONG_PTR a3)
{
	LONG_PTR ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((ULONG_PTR)nr), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "r8", "r9", "r10", "memory");
	return ret;
}

/* Make the arguments of call nr safe for the fuzzer's own run (see the header). */
static void tame(ULONG nr, ULONG_PTR a[6])
{
	static const char dot[] = "";
	static const ULONG_PTR unreadable[] = { 0, 0x1000, 0x800000000000ULL, 0xffff800000000000ULL, ~0ULL - 2 };
	static const LONGLONG short_wait = -10000;	/* 1 ms, relative */
	if (nr == SYS_NtDelayExecution)
		a[0] = rnd(4);
	/* Waits end within 1 ms (anything else could wait forever: on an event nobody sets, on itself). */
	if (nr == SYS_NtWaitForSingleObject)
		a[2] = U(&short_wait);
	if (nr == SYS_NtWaitForMultipleObjects)
		a[4] = U(&short_wait);
	if (nr == SYS_NtWaitOnAddress)
		a[3] = U(&short_wait);
	/* A thread never suspends itself (nobody would resume it): -2 and its own id are out. */
	if (nr == SYS_NtSuspendThread && (LONG_PTR)a[0] == -2)
		a[0] = 0;
	if (nr == SYS_NtOpenThread && a[2] == GetCurrentThreadId())
		a[2]++;
	if (nr == SYS_NtWriteConsole) {
		if (rnd(2)) {
			a[0] = U(dot);
			a[1] = 0;
		} else {
			a[0] = PICK(unreadable);
		}
	}
}

static void set_up_child_memory(char *local, unsigned long long bytes)
{
	/* AWE is not inherited: each child maps its own (half the region mapped). */
	char *w = VirtualAlloc(NULL, 8 * PG, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	ULONG_PTR n = 4, pfn[4];
	if (w && AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn) && n == 4 && MapUserPhysicalPages(w, 4, pfn)) {
		region[K_AWE_MAPPED] = w;
		region_size[K_AWE_MAPPED] = 4 * PG;
		region[K_AWE_UNMAPPED] = w + 4 * PG;
		region_size[K_AWE_UNMAPPED] = 4 * PG;
		fill_cells(w, 4 * PG);
	}
	region[K_STACK] = local;
	region_size[K_STACK] = bytes;
	fill_cells(local, bytes);
	DWORD old;
	VirtualProtect(region[K_GUARD], region_size[K_GUARD], PAGE_READWRITE | PAGE_GUARD, &old);	/* re-armed */
	if (rnd(4) == 0)
		SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1);	/* everything paged out */
}

/* Runs FUZZ_BATCH random calls (the child's work), then exits 0; the calls may end it first. */
static __attribute__((noreturn)) void child(unsigned long long seed)
{
	char local[2 * PG];	/* the stack kind: in this frame, which the calls never return past */
	rng_s = seed;
	set_up_child_memory(local, sizeof local);
	for (int i = 0; i < FUZZ_BATCH; i++) {
		ULONG nr = rnd(NCALLNR);
		ULONG_PTR a[6];
		for (int k = 0; k < 6; k++)
			a[k] = argument();
		if (rnd(2) && nr != SYS_NtTerminateProcess)
			a[0] = (ULONG_PTR)-1;	/* most calls take the process handle first: get past it half the time */
		tame(nr, a);
		stats[nr][0]++;	/* before: a call that ends the child counts */
		LONG_PTR st = mm_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if ((LONG)st >= 0 && nr != SYS_NtGetTickCount && nr != SYS_NtGetCurrentProcessId)
			stats[nr][1]++;
		if ((LONG)st == STATUS_PROCESS_CLONED)
			raw_syscall(SYS_NtTerminateProcess, (ULONG_PTR)-1, 0, 0);	/* a fork of this child: nothing more */
		if (nr == SYS_NtForkProcess && st == STATUS_SUCCESS) {
			/* Reaped at once: a child that dies later would leave it an orphan until the run ends. */
			struct abi_child_exit ce;
			raw_syscall(SYS_NtWaitForChild, (ULONG_PTR)-1, 0, U(&ce));
		}
		if (rnd(8) == 0)	/* sometimes fresh cells in the private arena (its copy-on-write pages go) */
			fill_cells(region[K_PRIVATE] + rnd(ARENA_PAGES) * PG, PG);
	}
	__asm__ volatile("" : : "r"(local) : "memory");
	TerminateProcess(GetCurrentProcess(), 0);
	for (;;)
		;
}

/* ---- the parent ---------------------------------------------------------------------- */

static void set_up_memory(void)
{
	static const struct {
		enum kind k;
		unsigned pages;
		DWORD type, prot;
	} priv[] = {
		{ K_PRIVATE, ARENA_PAGES, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE },
		{ K_READONLY, 2, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE },
		{ K_NOACCESS, 2, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE },
		{ K_GUARD, 2, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE },
		{ K_RESERVED, 4, MEM_RESERVE, PAGE_READWRITE },
		{ K_PAGED, 8, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE },
	};
	for (unsigned i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
		region[priv[i].k] = VirtualAlloc(NULL, priv[i].pages * PG, priv[i].type, priv[i].prot);
		region_size[priv[i].k] = priv[i].pages * PG;
		CHECK(region[priv[i].k] != NULL);
		if (priv[i].type & MEM_COMMIT)
			fill_cells(region[priv[i].k], priv[i].pages * PG);
	}
	DWORD old;
	CHECK(VirtualProtect(region[K_READONLY], 2 * PG, PAGE_READONLY, &old));
	CHECK(VirtualProtect(region[K_NOACCESS], 2 * PG, PAGE_NOACCESS, &old));
	section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 8 * PG, NULL);
	CHECK(section != NULL);
	region[K_VIEW_RW] = MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
	region[K_VIEW_RO] = MapViewOfFile(section, FILE_MAP_READ, 0, 0, 0);
	region[K_VIEW_COPY] = MapViewOfFile(section, FILE_MAP_COPY, 0, 0, 0);
	CHECK(region[K_VIEW_RW] && region[K_VIEW_RO] && region[K_VIEW_COPY]);
	region_size[K_VIEW_RW] = region_size[K_VIEW_RO] = region_size[K_VIEW_COPY] = 8 * PG;
	fill_cells(region[K_VIEW_RW], 8 * PG);
	region[K_CODE] = (char *)((ULONG_PTR)&child & ~(PG - 1));
	region_size[K_CODE] = 2 * PG;
	region[K_DATA] = image_data;
	region_size[K_DATA] = sizeof image_data;
}

static void tear_down_memory(void)
{
	for (enum kind k = K_PRIVATE; k <= K_PAGED; k++) {
		if (k == K_VIEW_RW || k == K_VIEW_RO || k == K_VIEW_COPY)
			CHECK(UnmapViewOfFile(region[k]));
		else if (k == K_PRIVATE || k == K_READONLY || k == K_NOACCESS || k == K_GUARD || k == K_RESERVED ||
			 k == K_PAGED)
			CHECK(VirtualFree(region[k], 0, MEM_RELEASE));
	}
	CHECK(CloseHandle(section));
}

/*
 * Writes every committed writable page of this process (its own value, one
 * locked byte per page): a page a child paged out while they shared it keeps
 * a copy in the swap cache, holding a pagefile slot, until this process
 * writes it (read-only and no-access private pages are made writable for
 * the write).  After this, the slots in use are this process's own again.
 */
static void take_pages_back(void)
{
	MEMORY_BASIC_INFORMATION m;
	char *p = NULL, *next;
	for (; VirtualQuery(p, &m, sizeof m) == sizeof m; p = next) {
		next = (char *)m.BaseAddress + m.RegionSize;
		if (next <= p)
			break;
		DWORD base = m.Protect & 0xff, old;
		if (m.State != MEM_COMMIT || (m.Protect & PAGE_GUARD))
			continue;
		int writable = base == PAGE_READWRITE || base == PAGE_EXECUTE_READWRITE || base == PAGE_WRITECOPY ||
			       base == PAGE_EXECUTE_WRITECOPY;
		/* Private read-only and no-access pages too, made writable for the write. */
		if (!writable && (m.Type != MEM_PRIVATE || !VirtualProtect(m.BaseAddress, m.RegionSize, PAGE_READWRITE, &old)))
			continue;
		for (char *q = m.BaseAddress; q < next; q += PG)
			__asm__ volatile("lock orb $0, (%0)" : : "r"(q) : "memory");
		if (!writable)
			VirtualProtect(m.BaseAddress, m.RegionSize, m.Protect, &old);
	}
}

/* Forks the children c0 .. c1-1; counts how they ended. */
static void run_children(unsigned long long c0, unsigned long long c1, unsigned long long *exited,
			 unsigned long long *died, unsigned long long *lost)
{
	unsigned long long seed = 0x9e3779b97f4a7c15ULL ^ ((unsigned long long)FUZZ_SEED * 0xbf58476d1ce4e5b9ULL);
	for (unsigned long long c = c0; c < c1; c++) {
		rng_s = seed + c * 0x632be59bd9b4e019ULL;
		if (!rng_s)
			rng_s = 1;
		fill_cells(region[K_PRIVATE], ARENA_PAGES * PG);	/* fresh cells, shared copy-on-write with the child */
		fill_cells(region[K_PAGED], 8 * PG);
		fill_cells(region[K_VIEW_RW], 8 * PG);
		unsigned long long child_seed = rng() | 1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0)
			child(child_seed);
		int status = 0;
		/* A child stuck for 20 s (blocked for good by a call the taming missed) is ended, and counted as lost. */
		HANDLE h = pid > 0 ? OpenProcess(SYNCHRONIZE | PROCESS_TERMINATE, FALSE, (DWORD)pid) : NULL;
		if (h && WaitForSingleObject(h, 20000) == WAIT_TIMEOUT) {
			printf("  child %d still running after 20 s: ended\n", (int)pid);
			TerminateProcess(h, 0xdead);
			(*lost)++;
		}
		if (h)
			CloseHandle(h);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			(*lost)++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			(*exited)++;
		else
			(*died)++;
	}
}

int main(void)
{
	utest_prefault_stack(32 * 1024);
	DWORD t0 = GetTickCount();
	struct abi_memory_status ms0, ms1;
	unsigned long long children = (FUZZ_ITER + FUZZ_BATCH - 1) / FUZZ_BATCH, exited = 0, died = 0, lost = 0;
	HANDLE stats_section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, PG, NULL);
	stats = stats_section ? MapViewOfFile(stats_section, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(stats != NULL);
	set_up_memory();
	run_children(0, 4, &exited, &died, &lost);	/* warms up what the kernel keeps (heap slabs) */
	take_pages_back();
	unsigned long long free0 = utest_free_frames();
	CHECK_STATUS(mm_memory_status(&ms0), STATUS_SUCCESS);
	run_children(4, children, &exited, &died, &lost);
	CHECK_EQ(lost, 0);
	take_pages_back();
	CHECK_EQ(utest_free_frames(), free0);
	CHECK_STATUS(mm_memory_status(&ms1), STATUS_SUCCESS);
	CHECK_EQ(ms1.commit_charged, ms0.commit_charged);
	CHECK_EQ(ms1.process_charge, ms0.process_charge);
	CHECK_EQ(ms1.pagefile_free, ms0.pagefile_free);
	tear_down_memory();
	unsigned long long made = 0, ok = 0, numbers_ok = 0;
	for (int i = 0; i < NCALLNR; i++) {
		made += stats[i][0];
		ok += stats[i][1];
		numbers_ok += stats[i][1] != 0;
	}
	printf("fuzz_syscall: seed %d, %llu calls made (numbers 0..%d; %llu succeeded, %llu numbers at least once) in "
	       "%llu children: %llu ran their %d calls, %llu were ended by one; %lu ms\n",
	       FUZZ_SEED, made, NCALLNR - 1, ok, numbers_ok, children, exited, FUZZ_BATCH, died, GetTickCount() - t0);
	CHECK(UnmapViewOfFile((void *)stats));
	CHECK(CloseHandle(stats_section));
	return utest_done("fuzz_syscall");
}
