/*
 * tests/user/fork.c - fork() by copy-on-write: isolation both ways, chained
 * forks, a child writing every page of 16 MiB, reserved/guard/no-access and
 * write-watch state carried over, sections shared across fork, write-copy
 * views, fork at the commit limit, waitpid, the child's ids, the page-table
 * charge shared after fork, and every frame back at the end.
 *
 * A child reports through its exit code (its CHECKs count in its own copy
 * of the counters): 0 or a chosen value when all is well, else the line
 * number of the first failed expectation.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define P 0x1000ULL
#define G 0x10000ULL
#define MB (1024ULL * 1024)
#define AV 0xC0000005u

/* In a child: leave with the line number unless c holds. */
#define EXPECT(c)                      \
	do {                           \
		if (!(c))              \
			_exit(__LINE__); \
	} while (0)

static int global_value = 5;

/* Wait for pid and return its exit code (-1 when it did not exit normally). */
static int reap(pid_t pid)
{
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void isolation(void)
{
	char *heap = VirtualAlloc(NULL, 8 * P, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	memset(heap, 'p', 8 * P);
	volatile int local = 7;
	pid_t pid = fork();
	if (pid == 0) {
		EXPECT(heap[0] == 'p' && global_value == 5 && local == 7);
		heap[0] = 'c';
		global_value = 6;
		local = 8;
		EXPECT(heap[0] == 'c' && heap[1] == 'p' && global_value == 6 && local == 8);
		Sleep(20);	/* the parent writes meanwhile */
		EXPECT(heap[P] == 'p');	/* ... and the child does not see it */
		_exit(42);
	}
	CHECK(pid > 0);
	CHECK(pid != (pid_t)GetCurrentProcessId());
	heap[P] = 'P';
	CHECK_EQ(reap(pid), 42);
	CHECK_EQ(heap[0], 'p');
	CHECK_EQ(heap[P], 'P');
	CHECK_EQ(global_value, 5);
	CHECK_EQ(local, 7);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), -1);	/* reaped already */
	CHECK(VirtualFree(heap, 0, MEM_RELEASE));
}

/* Each generation forks the next and checks that writes stay in their own generation. */
static int chain(char *page, int depth)
{
	page[depth] = (char)('a' + depth);
	if (depth == 6)
		return 100;
	pid_t pid = fork();
	if (pid == 0)
		_exit(chain(page, depth + 1));
	if (pid < 0)
		return 1;
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 100)
		return 2;
	for (int i = 0; i <= depth; i++)
		if (page[i] != 'a' + i)
			return 3;
	return page[depth + 1] == 0 ? 100 : 4;	/* the child's write stayed there */
}

static void chained(void)
{
	char *page = VirtualAlloc(NULL, P, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK_EQ(chain(page, 0), 100);
	CHECK_EQ(page[1], 0);
	CHECK(VirtualFree(page, 0, MEM_RELEASE));
}

static void child_writes_16mib(void)
{
	const unsigned long long size = 16 * MB, pages = size / P;
	unsigned long long *m = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(m != NULL);
	for (unsigned long long i = 0; i < pages; i++)
		m[i * P / 8] = i;
	unsigned long long before = utest_free_frames();
	pid_t pid = fork();
	if (pid == 0) {
		for (unsigned long long i = 0; i < pages; i++) {
			EXPECT(m[i * P / 8] == i);
			m[i * P / 8] = ~i;
			m[i * P / 8 + 1] = i;
		}
		for (unsigned long long i = 0; i < pages; i++)
			EXPECT(m[i * P / 8] == ~i && m[i * P / 8 + 1] == i);
		_exit(0);
	}
	CHECK_EQ(reap(pid), 0);
	for (unsigned long long i = 0; i < pages; i++)
		if (m[i * P / 8] != i || m[i * P / 8 + 1] != 0) {
			CHECK_EQ(m[i * P / 8], i);
			break;
		}
	CHECK_EQ(utest_free_frames(), before);	/* the child's 4096 copies and its page tables are back */
	CHECK(VirtualFree(m, 0, MEM_RELEASE));
}

/* Reserved, committed, guard, no-access and write-watch state, as the child sees it. */
static void state_carries_over(void)
{
	char *r = VirtualAlloc(NULL, 16 * P, MEM_RESERVE | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(VirtualAlloc(r, 5 * P, MEM_COMMIT, PAGE_READWRITE) == r);
	DWORD old;
	r[0] = 1;
	r[4 * P] = 4;
	CHECK(VirtualProtect(r + 2 * P, P, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK(VirtualProtect(r + 3 * P, P, PAGE_NOACCESS, &old));
	MEMORY_BASIC_INFORMATION before[16];
	for (int i = 0; i < 16; i++)
		before[i] = query_region(r + i * P);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 16; i++) {
			MEMORY_BASIC_INFORMATION m = query_region(r + i * P);
			EXPECT(memcmp(&m, &before[i], sizeof m) == 0);
		}
		PVOID addr[16];
		ULONG_PTR n = 16;
		DWORD gran;
		EXPECT(GetWriteWatch(0, r, 16 * P, addr, &n, &gran) == 0);
		EXPECT(n == 2 && addr[0] == r && addr[1] == r + 4 * P);
		EXPECT(r[0] == 1 && r[4 * P] == 4);
		EXPECT(utest_probe_read(r + 2 * P) == 0x80000001u);	/* the guard fires once */
		EXPECT(utest_probe_read(r + 2 * P) == 0);
		EXPECT(utest_probe_read(r + 3 * P) == AV);
		EXPECT(utest_probe_read(r + 5 * P) == AV);	/* reserved */
		r[P] = 9;
		n = 16;
		EXPECT(GetWriteWatch(0, r, 16 * P, addr, &n, &gran) == 0 && n == 3);
		_exit(0);
	}
	CHECK_EQ(reap(pid), 0);
	/* The parent's guard is still armed; its write-watch state did not see the child's write. */
	CHECK_EQ(utest_probe_read(r + 2 * P), 0x80000001u);
	PVOID addr[16];
	ULONG_PTR n = 16;
	DWORD gran;
	CHECK_EQ(GetWriteWatch(0, r, 16 * P, addr, &n, &gran), 0);
	CHECK_EQ(n, 2);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
}

/* Views of sections stay shared across fork; private copies of write-copy pages are copied on write again. */
static void sections_across_fork(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0, 4 * G, NULL);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	char *c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	CHECK(v && c && VirtualAlloc(v, 2 * P, MEM_COMMIT, PAGE_READWRITE) == v);
	v[0] = 's';
	v[P] = 't';
	c[0] = 'x';	/* the parent's private copy of page 0 */
	pid_t pid = fork();
	if (pid == 0) {
		EXPECT(v[0] == 's' && c[0] == 'x' && c[P] == 't');
		strcpy(v + 8, "child wrote this");	/* into the section: the parent sees it */
		EXPECT(VirtualAlloc(v + 2 * P, P, MEM_COMMIT, PAGE_READWRITE) == v + 2 * P);
		v[2 * P] = 'n';
		c[1] = 'y';	/* into its copy of the parent's copy */
		EXPECT(c[0] == 'x' && c[1] == 'y');
		HANDLE again = h;	/* the handle was inherited */
		char *w = MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0);
		EXPECT(w && w[2 * P] == 'n');
		EXPECT(UnmapViewOfFile(w) && CloseHandle(again));
		_exit(0);
	}
	CHECK_EQ(reap(pid), 0);
	CHECK(strcmp(v + 8, "child wrote this") == 0);
	CHECK_EQ(v[2 * P], 'n');
	CHECK_EQ(c[0], 'x');
	CHECK_EQ(c[1], 0);
	CHECK_EQ(c[P], 't');
	CHECK(UnmapViewOfFile(v) && UnmapViewOfFile(c));
	CHECK(CloseHandle(h));	/* the child's close did not close the parent's handle */
}

/* AWE regions and their physical pages are not inherited: the child sees free memory there. */
static void awe_not_inherited(void)
{
	char *r = VirtualAlloc(NULL, 4 * P, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	ULONG_PTR n = 2, pfn[2];
	CHECK(r && AllocateUserPhysicalPages(GetCurrentProcess(), &n, pfn) && n == 2);
	CHECK(MapUserPhysicalPages(r, 2, pfn));
	r[0] = 'a';
	pid_t pid = fork();
	if (pid == 0) {
		EXPECT(query_region(r).State == MEM_FREE);
		EXPECT(utest_probe_read(r) == AV);
		_exit(0);
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(r[0], 'a');
	CHECK(FreeUserPhysicalPages(GetCurrentProcess(), &n, pfn));
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
}

/* A child ended by an exception is reported as signalled; WNOHANG does not wait. */
static void wait_semantics(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		Sleep(30);
		volatile int *volatile nowhere = (volatile int *)0x730;	/* the never-mapped first 64 KiB */
		*nowhere = 1;	/* no handler catches this: the child dies with 0xC0000005 */
		_exit(0);
	}
	int status = 0;
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	CHECK_EQ(waitpid(-1, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), SIGSEGV);
	CHECK_EQ(waitpid(-1, &status, 0), -1);	/* no children left */
	CHECK_EQ(waitpid(pid, &status, 7), -1);
	struct abi_child_exit out;
	pid = fork();
	if (pid == 0)
		ExitProcess(0x1234567);
	CHECK_STATUS(mm_wait_child(pid, 0, &out), STATUS_SUCCESS);
	CHECK_EQ(out.status, 0x1234567);
	CHECK_EQ(out.by_exception, 0);
}

/* Fork needs commit for every private page the child may copy: at the limit it fails cleanly. */
static void fork_at_commit_limit(void)
{
	enum { MAX = 4096 };
	static void *blocks[MAX];
	int n = 0;
	unsigned long long total = 0;
	for (unsigned long long chunk = 64 * MB; chunk >= G && n < MAX;) {
		void *b = VirtualAlloc(NULL, chunk, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!b) {
			CHECK_EQ(GetLastError(), ERROR_COMMITMENT_LIMIT);
			chunk /= 2;
			continue;
		}
		blocks[n++] = b;
		total += chunk;
	}
	CHECK(total > 8 * MB);
	SetLastError(0);
	CHECK_EQ(fork(), -1);
	CHECK_EQ(GetLastError(), ERROR_COMMITMENT_LIMIT);
	/* Nothing changed: the parent's memory still works, and with half of it given back fork works. */
	memset(blocks[0], 1, P);
	unsigned long long kept = total;
	for (int i = 0; i < n && kept > total / 2 - 2 * MB; i++) {
		kept -= query_region(blocks[i]).RegionSize;
		CHECK(VirtualFree(blocks[i], 0, MEM_RELEASE));
		blocks[i] = NULL;
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(17);
	CHECK(pid > 0);
	CHECK_EQ(reap(pid), 17);
	for (int i = 0; i < n; i++)
		if (blocks[i])
			CHECK(VirtualFree(blocks[i], 0, MEM_RELEASE));
}

/* The child's ids: its TEB's (GetCurrentProcessId/ThreadId, which ntdll writes in the child) are its own. */
static void ids_in_child(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, P, NULL);
	CHECK(h != NULL);
	volatile DWORD *ids = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(ids != NULL);
	pid_t pid = fork();
	if (pid == 0) {
		ids[0] = GetCurrentProcessId();
		ids[1] = GetCurrentThreadId();
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(ids[0], (DWORD)pid);
	CHECK(ids[1] != 0 && ids[1] != GetCurrentThreadId() && ids[1] != ids[0]);
	CHECK(UnmapViewOfFile((void *)ids) && CloseHandle(h));
}

/* System commit available (page-table charges are system commit). */
static unsigned long long avail_commit(void)
{
	MEMORYSTATUSEX m = { .dwLength = sizeof(m) };
	CHECK(GlobalMemoryStatusEx(&m));
	return m.ullAvailPageFile;
}

/*
 * Parent and child share the page-table charge ledger after fork until one
 * of them changes its charge: commits in new 2 MiB units by the child alone,
 * by the parent while the child lives, and a child that exits holding them;
 * every charge comes back.
 */
static void ptcharge_after_fork(void)
{
	char *a = VirtualAlloc(NULL, 16 * MB, MEM_RESERVE, PAGE_READWRITE);	/* no tables charged */
	CHECK(a != NULL);
	unsigned long long before = avail_commit();
	pid_t pid = fork();
	if (pid == 0) {
		EXPECT(VirtualAlloc(a, P, MEM_COMMIT, PAGE_READWRITE) == a);
		a[0] = 1;
		EXPECT(VirtualFree(a, P, MEM_DECOMMIT));
		EXPECT(VirtualAlloc(a + 2 * MB, P, MEM_COMMIT, PAGE_READWRITE) == a + 2 * MB);
		a[2 * MB] = 1;
		_exit(0);	/* holding its commit and its tables' charge */
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(avail_commit(), before);
	pid = fork();
	if (pid == 0) {
		Sleep(20);	/* the parent changes its charge first */
		EXPECT(VirtualAlloc(a + 4 * MB, P, MEM_COMMIT, PAGE_READWRITE) == a + 4 * MB);
		a[4 * MB] = 1;
		EXPECT(VirtualFree(a + 4 * MB, P, MEM_DECOMMIT));
		MEMORY_BASIC_INFORMATION mbi;
		EXPECT(VirtualQuery(a + 6 * MB, &mbi, sizeof(mbi)) && mbi.State == MEM_RESERVE);	/* the parent's */
		_exit(0);
	}
	CHECK(VirtualAlloc(a + 6 * MB, P, MEM_COMMIT, PAGE_READWRITE) == a + 6 * MB);
	a[6 * MB] = 1;
	CHECK_EQ(reap(pid), 0);
	CHECK(avail_commit() < before);	/* the parent's page and its table */
	CHECK(VirtualFree(a + 6 * MB, P, MEM_DECOMMIT));
	CHECK_EQ(avail_commit(), before);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
}

int main(void)
{
	utest_probe_init();
	utest_prefault_stack(64 * 1024);
	unsigned long long before = utest_free_frames();
	isolation();
	chained();
	child_writes_16mib();
	state_carries_over();
	sections_across_fork();
	awe_not_inherited();
	wait_semantics();
	fork_at_commit_limit();
	ids_in_child();
	ptcharge_after_fork();
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("fork");
}
