/*
 * tests/user/syscall_outmem.c - system calls writing their results into
 * memory in every state (issue 16, finding 1).
 *
 * First the reported hang: NtAllocateUserPhysicalPages with an absurd page
 * count whose output array sits on a page a forked child still shares
 * copy-on-write with its parent (the machine hung; now it fails at once with
 * STATUS_INVALID_PARAMETER_2, and a count that fits a ULONG_PTR range but not
 * the address space with STATUS_ACCESS_VIOLATION, allocating nothing).
 *
 * Then every call that writes results, with its output straddling two pages
 * of each state: plain, shared copy-on-write after fork (in the child),
 * a FILE_MAP_COPY view never written, the program's own write-copy .data
 * never written, paged out to the pagefile, an AWE page mapped: each call
 * succeeds and its result is there.  A guard page and an AWE page with
 * nothing mapped: the call fails and changes nothing (the guard is gone
 * afterwards, as Windows has it).  With as many frames as one process may
 * pin held by AWE pages (half of RAM, mm/lock.h), a system call and a plain
 * store into paged-out pages still work (a write fault on a paged-out page
 * takes it over in the fault that reads it back, so no later fault can page
 * it out again before the write).  Every frame comes back.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

NTSTATUS NTAPI NtAllocateUserPhysicalPages(HANDLE, PULONG_PTR, PULONG_PTR);
NTSTATUS NTAPI NtFreeUserPhysicalPages(HANDLE, PULONG_PTR, PULONG_PTR);

#define PG 4096ULL
#define U(x) ((ULONG_PTR)(x))

static NTSTATUS sys(ULONG n, ULONG_PTR a, ULONG_PTR b, ULONG_PTR c, ULONG_PTR d, ULONG_PTR e, ULONG_PTR f)
{
	return (NTSTATUS)(LONG)mm_syscall(n, a, b, c, d, e, f);
}

/* ---- the reported hang --------------------------------------------------------------- */

static ULONG_PTR hang_buf[1024] __attribute__((aligned(4096)));

/* Frames owned by AWE pages, system-wide, from the physical memory map. */
static unsigned long long awe_frames(void)
{
	static struct abi_frame_run runs[16384];
	SIZE_T needed = 0;
	unsigned long long n = 0;
	CHECK_STATUS(mm_physical_memory_map(runs, sizeof(runs) / sizeof(runs[0]), &needed), STATUS_SUCCESS);
	for (SIZE_T i = 0; i < needed && i < sizeof(runs) / sizeof(runs[0]); i++)
		if (runs[i].owner == ABI_FRAME_AWE)
			n += runs[i].count;
	return n;
}

/* The calls; returns the number of failed checks (a child's exit code). */
static int reported_calls(void)
{
	int fails = utest_failures;
	unsigned long long awe0 = awe_frames();
	hang_buf[0] = 0xabfcf769b4604baeULL;
	hang_buf[1] = 1;
	CHECK_STATUS(NtAllocateUserPhysicalPages(GetCurrentProcess(), &hang_buf[0], &hang_buf[1]),
		     STATUS_INVALID_PARAMETER_2);
	CHECK_EQ(hang_buf[0], 0xabfcf769b4604baeULL);
	CHECK_EQ(hang_buf[1], 1);
	/* Fits MAXULONG_PTR / 8, not the address space: the probe refuses it. */
	static const ULONG_PTR counts[] = { 0x0bfcf769b4604baeULL, 1ULL << 40, 1ULL << 24 };
	for (unsigned i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		hang_buf[0] = counts[i];
		CHECK_STATUS(NtAllocateUserPhysicalPages(GetCurrentProcess(), &hang_buf[0], &hang_buf[1]),
			     STATUS_ACCESS_VIOLATION);
		CHECK_EQ(hang_buf[0], counts[i]);
	}
	CHECK_EQ(awe_frames(), awe0);
	return utest_failures - fails;
}

static void reported_hang(void)
{
	CHECK_EQ(reported_calls(), 0);
	for (int round = 0; round < 2; round++) {	/* round 1: the array's page shared again after the parent wrote it */
		hang_buf[0] = 0xabfcf769b4604baeULL;
		hang_buf[1] = 1;
		pid_t pid = fork();
		if (pid == 0) {
			int fails = reported_calls();
			fflush(stdout);
			_exit(fails);
		}
		int status = -1;
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

/* ---- every call, every state --------------------------------------------------------- */

/* Output at p (straddling a page boundary when p is 24 bytes below one); STATUS_SUCCESS and the result there. */
typedef NTSTATUS (*out_call)(void *p, int *ok);

static char *probe_target;	/* a committed private page the calls look at */
static char *ww_region;

static NTSTATUS c_query(void *p, int *ok)
{
	NTSTATUS st = sys(SYS_NtQueryVirtualMemory, U(-1), U(probe_target), 0, U(p), 48, U(p) + 48);
	MEMORY_BASIC_INFORMATION *m = p;
	*ok = !st && m->BaseAddress == probe_target && *(ULONG_PTR *)((char *)p + 48) == 48;
	return st;
}

static NTSTATUS c_frame_stats(void *p, int *ok)
{
	NTSTATUS st = sys(SYS_NtQueryFrameStats, U(p), 0, 0, 0, 0, 0);
	*ok = !st && ((struct abi_frame_stats *)p)->total > 0;
	return st;
}

static NTSTATUS c_memory_status(void *p, int *ok)
{
	NTSTATUS st = sys(SYS_NtQueryMemoryStatus, U(p), 0, 0, 0, 0, 0);
	*ok = !st && ((struct abi_memory_status *)p)->commit_limit > 0;
	return st;
}

static NTSTATUS c_protect_old(void *p, int *ok)
{
	PVOID base = probe_target;
	SIZE_T size = PG;
	NTSTATUS st = sys(SYS_NtProtectVirtualMemory, U(-1), U(&base), U(&size), PAGE_READWRITE, U(p), 0);
	*ok = !st && *(ULONG *)p == PAGE_READWRITE;
	return st;
}

static NTSTATUS c_images(void *p, int *ok)
{
	SIZE_T needed = 0;
	NTSTATUS st = sys(SYS_NtQueryImages, U(p), 8, U(&needed), 0, 0, 0);
	struct abi_image_info *first = p;
	*ok = !st && needed >= 2 && needed <= 8 && first->base && first->name[0];
	return st;
}

static NTSTATUS c_working_set(void *p, int *ok)
{
	NTSTATUS st = sys(SYS_NtWorkingSetLimits, U(-1), 0, U(p), 0, 0, 0);
	*ok = !st && ((struct abi_quota_limits *)p)->max_working_set > 0;
	return st;
}

static NTSTATUS c_write_watch(void *p, int *ok)
{
	ULONG_PTR count = 2;
	ULONG gran = 0;
	ww_region[0] = 1;
	ww_region[PG] = 1;
	NTSTATUS st = sys(SYS_NtGetWriteWatch, 1 /* WRITE_WATCH_FLAG_RESET */, U(ww_region), 4 * PG, U(p), U(&count),
			  U(&gran));
	*ok = !st && count == 2 && ((ULONG_PTR *)p)[0] == U(ww_region) && ((ULONG_PTR *)p)[1] == U(ww_region) + PG &&
	      gran == PG;
	return st;
}

static NTSTATUS c_phys_map(void *p, int *ok)
{
	SIZE_T needed = 0;
	NTSTATUS st = sys(SYS_NtQueryPhysicalMemoryMap, U(p), 1, U(&needed), 0, 0, 0);
	if (st == STATUS_BUFFER_TOO_SMALL)
		st = STATUS_SUCCESS;	/* the probe reached the entry; the map needs more */
	*ok = !st && needed > 1;
	return st;
}

static NTSTATUS c_awe(void *p, int *ok)
{
	ULONG_PTR n = 3;
	NTSTATUS st = sys(SYS_NtAllocateUserPhysicalPages, U(-1), U(&n), U(p), 0, 0, 0);
	*ok = !st && n == 3 && ((ULONG_PTR *)p)[0] && ((ULONG_PTR *)p)[2];
	if (st == STATUS_SUCCESS) {
		ULONG_PTR pfn[3];
		memcpy(pfn, p, sizeof pfn);
		CHECK(FreeUserPhysicalPages(GetCurrentProcess(), &n, pfn));
	}
	return st;
}

static NTSTATUS c_section(void *p, int *ok)
{
	NTSTATUS st = sys(SYS_NtCreateSection, U(p), 0, 0, PG, PAGE_READWRITE, SEC_COMMIT);
	HANDLE h = st ? NULL : *(HANDLE *)p;
	*ok = !st && h != NULL && h != INVALID_HANDLE_VALUE;
	if (st == STATUS_SUCCESS)
		CHECK(CloseHandle(h));
	return st;
}

static const struct {
	const char *name;
	out_call call;
	unsigned bytes;	/* what it writes at p */
} calls[] = {
	{ "query", c_query, 56 },
	{ "frame_stats", c_frame_stats, sizeof(struct abi_frame_stats) },
	{ "memory_status", c_memory_status, sizeof(struct abi_memory_status) },
	{ "protect_old", c_protect_old, 4 },
	{ "images", c_images, sizeof(struct abi_image_info) },
	{ "working_set", c_working_set, sizeof(struct abi_quota_limits) },
	{ "write_watch", c_write_watch, 16 },
	{ "phys_map", c_phys_map, sizeof(struct abi_frame_run) },
	{ "awe", c_awe, 24 },
	{ "section", c_section, 8 },
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))
#define SLOT (2 * PG)	/* each call gets two pages of the state's memory */

/* The output pointer of call i in a state's memory at mem: 24 bytes before its pages' boundary. */
static void *out_ptr(char *mem, unsigned i)
{
	return mem + i * SLOT + PG - 24;
}

/* Runs every call with its output in mem; returns the number of failed checks. */
static int run_all(char *mem, const char *state, int expect_ok)
{
	int fails = utest_failures;
	for (unsigned i = 0; i < NCALLS; i++) {
		int ok = 0;
		NTSTATUS st = calls[i].call(out_ptr(mem, i), &ok);
		if (expect_ok && (st != STATUS_SUCCESS || !ok)) {
			printf("  %s in %s memory: status 0x%lx, result %s\n", calls[i].name, state, (unsigned long)st,
			       ok ? "right" : "wrong");
			utest_failures++;
		}
		if (!expect_ok && st >= 0) {
			printf("  %s in %s memory succeeded\n", calls[i].name, state);
			utest_failures++;
		}
		utest_checks++;
	}
	return utest_failures - fails;
}

/* The program's .data, never written before the calls (initialised, so not .bss). */
static char image_mem[NCALLS * SLOT] __attribute__((aligned(4096))) = { 1 };

static void state_image(void)
{
	run_all(image_mem, "image write-copy", 1);
}

static void state_plain_and_cow(void)
{
	char *mem = VirtualAlloc(NULL, NCALLS * SLOT, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(mem != NULL);
	run_all(mem, "plain", 1);
	memset(mem, 0x5a, NCALLS * SLOT);
	pid_t pid = fork();
	if (pid == 0)
	{
		int fails = run_all(mem, "shared copy-on-write", 1);
		fflush(stdout);
		_exit(fails);
	}
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The parent's copy is untouched. */
	int same = 1;
	for (ULONG_PTR i = 0; i < NCALLS * SLOT; i++)
		same &= mem[i] == 0x5a;
	CHECK(same);
	CHECK(VirtualFree(mem, 0, MEM_RELEASE));
}

static void state_copy_view(void)
{
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, NCALLS * SLOT, NULL);
	CHECK(s != NULL);
	char *shared = MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0);
	char *copy = MapViewOfFile(s, FILE_MAP_COPY, 0, 0, 0);
	CHECK(shared && copy);
	memset(shared, 0x33, NCALLS * SLOT);
	run_all(copy, "FILE_MAP_COPY view", 1);
	int same = 1;	/* the section itself is untouched */
	for (ULONG_PTR i = 0; i < NCALLS * SLOT; i++)
		same &= shared[i] == 0x33;
	CHECK(same);
	CHECK(UnmapViewOfFile(copy));
	CHECK(UnmapViewOfFile(shared));
	CHECK(CloseHandle(s));
}

static void state_paged_out(void)
{
	struct abi_memory_status ms;
	mm_memory_status(&ms);
	if (!ms.pagefile_total)
		return;	/* no pagefile: nothing pages out */
	char *mem = VirtualAlloc(NULL, NCALLS * SLOT, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(mem != NULL);
	memset(mem, 0x77, NCALLS * SLOT);
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
	struct abi_memory_frames_info f = { 0 };
	CHECK_STATUS(NtQueryVirtualMemory(GetCurrentProcess(), mem, (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION,
					  &f, sizeof f, NULL), STATUS_SUCCESS);
	CHECK_EQ(f.resident, 0);
	run_all(mem, "paged-out", 1);
	CHECK(VirtualFree(mem, 0, MEM_RELEASE));
}

static void state_guard(void)
{
	char *mem = VirtualAlloc(NULL, NCALLS * SLOT, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(mem != NULL);
	DWORD old;
	unsigned long long awe0 = awe_frames();
	CHECK(VirtualProtect(mem, NCALLS * SLOT, PAGE_READWRITE | PAGE_GUARD, &old));
	/* Each call meets the guard on the first page it writes: it fails, and that guard is gone. */
	run_all(mem, "guard", 0);
	CHECK_EQ(awe_frames(), awe0);
	for (unsigned i = 0; i < NCALLS; i++)
		CHECK_EQ(query_region(out_ptr(mem, i)).Protect, PAGE_READWRITE);
	CHECK(VirtualFree(mem, 0, MEM_RELEASE));
}

static void state_awe(void)
{
	ULONG_PTR n = NCALLS * 2, pfn[NCALLS * 2];
	char *w = VirtualAlloc(NULL, NCALLS * SLOT, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK(w != NULL);
	unsigned long long awe0 = awe_frames();
	run_all(w, "AWE, nothing mapped", 0);
	CHECK_EQ(awe_frames(), awe0);
	CHECK(AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn) && n == NCALLS * 2);
	CHECK(MapUserPhysicalPages(w, n, pfn));
	run_all(w, "AWE", 1);
	CHECK(VirtualFree(w, 0, MEM_RELEASE));
	CHECK(FreeUserPhysicalPages(GetCurrentProcess(), &n, pfn));
}

/*
 * Frames held by AWE pages (which never page out) up to the pin bound: a
 * system call and a plain store into paged-out pages must still work.  In a
 * child, so the parent's frames are not the ones paged out.
 */
static void paged_out_without_frames(void)
{
	struct abi_memory_status ms;
	mm_memory_status(&ms);
	if (!ms.pagefile_total)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int fails = 0;
		char *mem = VirtualAlloc(NULL, 64 * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		memset(mem, 0x11, 64 * PG);
		struct abi_frame_stats fs;
		mm_frame_stats(&fs);
		ULONG_PTR want = fs.free > 300 ? fs.free - 300 : 0;
		ULONG_PTR *pfn = VirtualAlloc(NULL, want * 8 + PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		ULONG_PTR n = want;
		DWORD t0 = GetTickCount();
		fails += pfn == NULL;
		/* Commit may bound it below the free frames; what it got is what counts. */
		if (pfn && !AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn))
			n = 0;
		CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
		for (int i = 0; i < 64; i += 2) {
			MEMORY_BASIC_INFORMATION *m = (MEMORY_BASIC_INFORMATION *)(mem + i * PG + PG - 24);
			NTSTATUS st = sys(SYS_NtQueryVirtualMemory, U(-1), U(mem), 0, U(m), sizeof *m, 0);
			int bad = (st != STATUS_SUCCESS) + 2 * (m->BaseAddress != mem);
			mem[(i + 1) * PG + 100] = 7;	/* a plain store */
			bad += 4 * (mem[(i + 1) * PG + 100] != 7 || mem[(i + 1) * PG + 101] != 0x11);
			if (bad)
				printf("  paged out, frames short: page %d: status 0x%lx, failed %d\n", i, (unsigned long)st, bad);
			fails += bad != 0;
		}
		printf("  paged out, frames short: %lu AWE pages of %lu wanted, %lu free frames, %lu ms\n", (unsigned long)n,
		       (unsigned long)want, (unsigned long)(mm_frame_stats(&fs), fs.free), GetTickCount() - t0);
		if (n)
			fails += !FreeUserPhysicalPages(GetCurrentProcess(), &n, pfn);
		fflush(stdout);
		_exit(fails + (utest_failures ? 100 : 0));
	}
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
	utest_prefault_stack(32 * 1024);
	ww_region = VirtualAlloc(NULL, 4 * PG, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(ww_region != NULL);
	probe_target = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(probe_target != NULL);
	probe_target[0] = 1;
	state_image();	/* before utest_free_frames warms the images (and so writes image_mem) */
	reported_hang();
	state_plain_and_cow();	/* warms up what the calls allocate once before the baseline */
	unsigned long long free0 = utest_free_frames();
	for (int round = 0; round < 2; round++) {	/* twice: nothing left behind changes the second */
		reported_hang();
		state_plain_and_cow();
		state_copy_view();
		state_paged_out();
		state_guard();
		state_awe();
	}
	paged_out_without_frames();
	CHECK_EQ(utest_free_frames(), free0);
	return utest_done("syscall_outmem");
}
