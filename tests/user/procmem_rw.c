/*
 * tests/user/procmem_rw.c - one process managing another's memory (issue
 * 21): a forked child with known memory; the parent opens it with each
 * access right and reads, writes, allocates, protects, queries and frees in
 * it (ReadProcessMemory / WriteProcessMemory / Virtual*Ex), with every
 * access-right and error case; partial copies, read-only and execute pages,
 * guard pages, the child's write watch seeing the parent's writes,
 * copy-on-write pages broken by a remote write, and the calls on a process
 * that has ended.  The child checks its side and exits with a bit mask of
 * what it found wrong.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

NTSTATUS NTAPI NtReadVirtualMemory(HANDLE, PVOID, PVOID, SIZE_T, PSIZE_T);

#define P 4096
#define STATUS_ACCESS_VIOLATION_ 0xC0000005

static volatile char secret[64] = "parent";
static char cow_page[P] __attribute__((aligned(P))) = "original";
static volatile ULONG_PTR child_ww;		/* the child's write-watch region */
static volatile ULONG_PTR parent_alloc;		/* a region the parent made in the child */
static volatile HANDLE child_event;		/* an event only the child created */
static volatile HANDLE dup_into_child;		/* an event handle the parent duplicated into the child */
static HANDLE ready, go;			/* auto-reset events, inherited by fork */

/* The child: set up, tell the parent, wait, then check what the parent did. */
static int child_main(void)
{
	int bad = 0;
	strcpy((char *)secret, "child secret");
	char *ww = VirtualAlloc(NULL, 4 * P, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	child_ww = (ULONG_PTR)ww;
	child_event = CreateEventA(NULL, TRUE, FALSE, NULL);
	if (!ww || !child_event)
		bad |= 1;
	SetEvent(ready);
	if (WaitForSingleObject(go, 20000) != WAIT_OBJECT_0)
		return 0x80;
	if (strcmp(cow_page, "written by the parent") != 0)
		bad |= 2;
	/* The parent's write shows in our write watch: page 2 only. */
	PVOID addrs[4];
	ULONG_PTR n = 4;
	ULONG gran;
	if (GetWriteWatch(0, ww, 4 * P, addrs, &n, &gran) || n != 1 || addrs[0] != ww + 2 * P || ww[2 * P + 5] != 'W')
		bad |= 4;
	/* The parent's allocation is here, with the contents it wrote. */
	MEMORY_BASIC_INFORMATION mbi;
	if (!parent_alloc || !VirtualQuery((void *)parent_alloc, &mbi, sizeof mbi) || mbi.State != MEM_COMMIT ||
	    memcmp((void *)parent_alloc, "remote", 7) != 0)
		bad |= 8;
	/* A handle the parent put into our table. */
	if (!dup_into_child || !SetEvent(dup_into_child))
		bad |= 16;
	/* Our own event was taken out of our table by DUPLICATE_CLOSE_SOURCE. */
	if (CloseHandle(child_event) || GetLastError() != ERROR_INVALID_HANDLE)
		bad |= 32;
	return bad;
}

/* The rights each call needs, one handle per right. */
static void rights(DWORD pid, char *remote)
{
	char buf[16];
	SIZE_T n = 99;
	HANDLE r = OpenProcess(PROCESS_VM_READ, FALSE, pid);
	CHECK(r != NULL);
	CHECK(ReadProcessMemory(r, (void *)secret, buf, 13, &n) && n == 13 && strcmp(buf, "child secret") == 0);
	CHECK_ERR(WriteProcessMemory(r, remote, "x", 1, &n), ERROR_ACCESS_DENIED);
	CHECK_ERR(VirtualAllocEx(r, NULL, P, MEM_COMMIT, PAGE_READWRITE), ERROR_ACCESS_DENIED);
	MEMORY_BASIC_INFORMATION mbi;
	CHECK_ERR(VirtualQueryEx(r, remote, &mbi, sizeof mbi), ERROR_ACCESS_DENIED);
	CHECK_ERR(GetProcessId(r), ERROR_ACCESS_DENIED);
	CHECK_ERR(TerminateProcess(r, 1), ERROR_ACCESS_DENIED);
	SetLastError(0);
	CHECK_EQ(WaitForSingleObject(r, 0), WAIT_FAILED);
	CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(r));

	HANDLE w = OpenProcess(PROCESS_VM_WRITE, FALSE, pid);	/* WriteProcessMemory needs VM_OPERATION too */
	CHECK_ERR(WriteProcessMemory(w, remote, "x", 1, &n), ERROR_ACCESS_DENIED);
	CHECK_ERR(ReadProcessMemory(w, remote, buf, 1, &n), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(w));

	HANDLE q = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pid);	/* implies QUERY_LIMITED */
	CHECK_EQ(GetProcessId(q), pid);
	CHECK_EQ(VirtualQueryEx(q, remote, &mbi, sizeof mbi), sizeof mbi);
	CHECK_ERR(VirtualProtectEx(q, remote, P, PAGE_READONLY, (DWORD *)&n), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(q));
	HANDLE l = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	CHECK_EQ(GetProcessId(l), pid);
	CHECK_ERR(VirtualQueryEx(l, remote, &mbi, sizeof mbi), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(l));

	HANDLE s = OpenProcess(SYNCHRONIZE, FALSE, pid);
	CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
	CHECK(CloseHandle(s));
	HANDLE g = OpenProcess(GENERIC_READ, FALSE, pid);	/* VM_READ | QUERY_INFORMATION */
	CHECK(ReadProcessMemory(g, (void *)secret, buf, 1, &n) && buf[0] == 'c');
	CHECK_EQ(GetProcessId(g), pid);
	CHECK_ERR(VirtualAllocEx(g, NULL, P, MEM_COMMIT, PAGE_READWRITE), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(g));
	HANDLE m = OpenProcess(MAXIMUM_ALLOWED, FALSE, pid);
	CHECK(ReadProcessMemory(m, (void *)secret, buf, 1, &n) && buf[0] == 'c');
	CHECK(CloseHandle(m));

	CHECK_ERR(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0), ERROR_INVALID_PARAMETER);
	CHECK_ERR(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0x7ffff0), ERROR_INVALID_PARAMETER);
	CHECK_EQ(GetProcessId(GetCurrentProcess()), GetCurrentProcessId());
}

/* Reads and writes: partial copies, protections, guard pages, copy-on-write, a big copy. */
static void read_write(HANDLE h)
{
	char buf[3 * P];
	SIZE_T n = 99;
	/* Our own copy of secret is untouched; the child's differs. */
	CHECK(ReadProcessMemory(h, (void *)secret, buf, 13, &n) && n == 13 && strcmp(buf, "child secret") == 0);
	CHECK(strcmp((char *)secret, "parent") == 0);
	CHECK(ReadProcessMemory(GetCurrentProcess(), (void *)secret, buf, 7, &n) && strcmp(buf, "parent") == 0);

	/* A copy-on-write page shared since fork: the write lands in the child's copy only. */
	CHECK(WriteProcessMemory(h, cow_page, "written by the parent", 22, &n) && n == 22);
	CHECK(strcmp(cow_page, "original") == 0);

	/* [rw][noaccess][guard][readonly][rx] made by the parent in the child. */
	char *r = VirtualAllocEx(h, NULL, 5 * P, MEM_COMMIT, PAGE_READWRITE);
	CHECK(r != NULL);
	DWORD old = 0;
	CHECK(VirtualProtectEx(h, r + P, P, PAGE_NOACCESS, &old) && old == PAGE_READWRITE);
	CHECK(VirtualProtectEx(h, r + 2 * P, P, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK(WriteProcessMemory(h, r + 3 * P, "ro", 3, &n));
	CHECK(WriteProcessMemory(h, r + 4 * P, "rx", 3, &n));
	CHECK(VirtualProtectEx(h, r + 3 * P, P, PAGE_READONLY, &old));
	CHECK(VirtualProtectEx(h, r + 4 * P, P, PAGE_EXECUTE_READ, &old));
	CHECK(WriteProcessMemory(h, r, "remote", 7, &n) && n == 7);
	parent_alloc = 0;
	ULONG_PTR a = (ULONG_PTR)r;
	CHECK(WriteProcessMemory(h, (void *)&parent_alloc, &a, sizeof a, &n));

	/* Partial copies stop at the first page that cannot be read, counting the bytes before it. */
	n = 99;
	CHECK_ERR(ReadProcessMemory(h, r + P - 100, buf, 200, &n), ERROR_PARTIAL_COPY);
	CHECK_EQ(n, 100);
	CHECK(memcmp(buf, "\0\0\0", 3) == 0);
	n = 99;
	CHECK_ERR(ReadProcessMemory(h, r + P, buf, 10, &n), ERROR_PARTIAL_COPY);
	CHECK_EQ(n, 0);
	CHECK_ERR(ReadProcessMemory(h, r + 2 * P, buf, 10, &n), ERROR_PARTIAL_COPY);	/* guard: not read... */
	MEMORY_BASIC_INFORMATION mbi;
	CHECK(VirtualQueryEx(h, r + 2 * P, &mbi, sizeof mbi) && mbi.Protect == (PAGE_READWRITE | PAGE_GUARD));	/* ...kept */
	CHECK(ReadProcessMemory(h, r + 3 * P, buf, 2 * P, &n) && n == 2 * P && strcmp(buf, "ro") == 0 &&
	      strcmp(buf + P, "rx") == 0);
	CHECK_ERR(ReadProcessMemory(h, (void *)0x20000, buf, 8, &n), ERROR_PARTIAL_COPY);	/* free memory */
	CHECK_EQ(n, 0);
	CHECK_ERR(ReadProcessMemory(h, (void *)0xffff800000000000ULL, buf, 8, &n), ERROR_NOACCESS);	/* not user */
	CHECK_ERR(ReadProcessMemory(h, r, (void *)0x20000, 8, &n), ERROR_PARTIAL_COPY);	/* ours, unmapped */
	CHECK_STATUS(NtReadVirtualMemory((HANDLE)(ULONG_PTR)0x123450, r, buf, 0, &n), 0);	/* size 0: no handle look-up */
	CHECK_EQ(n, 0);

	/* WriteProcessMemory: read-only fails (nothing written), execute pages are written and re-protected. */
	CHECK_ERR(WriteProcessMemory(h, r + 3 * P, "XX", 2, &n), ERROR_NOACCESS);
	CHECK(ReadProcessMemory(h, r + 3 * P, buf, 3, &n) && strcmp(buf, "ro") == 0);
	CHECK(VirtualQueryEx(h, r + 3 * P, &mbi, sizeof mbi) && mbi.Protect == PAGE_READONLY);
	CHECK(WriteProcessMemory(h, r + 4 * P, "RX", 2, &n) && n == 2);
	CHECK(ReadProcessMemory(h, r + 4 * P, buf, 3, &n) && strcmp(buf, "RX") == 0);
	CHECK(VirtualQueryEx(h, r + 4 * P, &mbi, sizeof mbi) && mbi.Protect == PAGE_EXECUTE_READ);
	CHECK_ERR(WriteProcessMemory(h, r + P, "N", 1, &n), ERROR_NOACCESS);
	CHECK_ERR(WriteProcessMemory(h, (void *)0x20000, "F", 1, &n), ERROR_INVALID_ADDRESS);	/* free: protect fails */
	CHECK(FlushInstructionCache(h, r + 4 * P, 2));

	/* The child's write-watch region: one page written by us. */
	ULONG_PTR ww = 0;
	CHECK(ReadProcessMemory(h, (void *)&child_ww, &ww, sizeof ww, &n) && ww);
	CHECK(WriteProcessMemory(h, (char *)ww + 2 * P + 5, "W", 1, &n));

	/* A megabyte each way. */
	SIZE_T big = 1 << 20;
	char *src = VirtualAlloc(NULL, big, MEM_COMMIT, PAGE_READWRITE), *dst = VirtualAlloc(NULL, big, MEM_COMMIT, PAGE_READWRITE);
	char *rb = VirtualAllocEx(h, NULL, big, MEM_COMMIT, PAGE_READWRITE);
	CHECK(src && dst && rb);
	for (SIZE_T i = 0; i < big; i++)
		src[i] = (char)(i * 7 + (i >> 12));
	CHECK(WriteProcessMemory(h, rb, src, big, &n) && n == big);
	CHECK(ReadProcessMemory(h, rb, dst, big, &n) && n == big);
	CHECK(memcmp(src, dst, big) == 0);
	CHECK(VirtualQueryEx(h, rb, &mbi, sizeof mbi) && mbi.AllocationBase == rb && mbi.RegionSize == big &&
	      mbi.State == MEM_COMMIT && mbi.Type == MEM_PRIVATE);
	CHECK(VirtualFreeEx(h, rb, big / 2, MEM_DECOMMIT));
	CHECK(VirtualQueryEx(h, rb, &mbi, sizeof mbi) && mbi.State == MEM_RESERVE && mbi.RegionSize == big / 2);
	CHECK_ERR(VirtualFreeEx(h, rb, 1, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK(VirtualFreeEx(h, rb, 0, MEM_RELEASE));
	CHECK(VirtualQueryEx(h, rb, &mbi, sizeof mbi) && mbi.State == MEM_FREE);
	CHECK(VirtualFree(src, 0, MEM_RELEASE) && VirtualFree(dst, 0, MEM_RELEASE));
}

/* DuplicateHandle within and across processes. */
static void duplicate(HANDLE h, DWORD pid)
{
	HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL), d = NULL;
	CHECK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	CHECK(d && d != ev && SetEvent(d) && WaitForSingleObject(ev, 0) == WAIT_OBJECT_0);
	CHECK(CloseHandle(d));
	/* CLOSE_SOURCE with no target: just the close. */
	CHECK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	CHECK(DuplicateHandle(GetCurrentProcess(), d, NULL, NULL, 0, FALSE, DUPLICATE_CLOSE_SOURCE));
	CHECK_ERR(CloseHandle(d), ERROR_INVALID_HANDLE);
	CHECK_ERR(DuplicateHandle(GetCurrentProcess(), (HANDLE)(ULONG_PTR)0x7ff0, GetCurrentProcess(), &d, 0, FALSE,
				  DUPLICATE_SAME_ACCESS), ERROR_INVALID_HANDLE);

	/* Reduced access: a query-only duplicate of a full process handle. */
	HANDLE lim = NULL;
	CHECK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &lim, PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0));
	char c;
	SIZE_T n;
	CHECK_EQ(GetProcessId(lim), pid);
	CHECK_ERR(ReadProcessMemory(lim, (void *)secret, &c, 1, &n), ERROR_ACCESS_DENIED);
	/* lim has no PROCESS_DUP_HANDLE: it cannot be a source or target process. */
	CHECK_ERR(DuplicateHandle(GetCurrentProcess(), ev, lim, &d, 0, FALSE, DUPLICATE_SAME_ACCESS), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(lim));
	/* The pseudo handle duplicates into a real one. */
	HANDLE self = NULL;
	CHECK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &self, 0, FALSE,
			      DUPLICATE_SAME_ACCESS));
	CHECK(self && self != GetCurrentProcess() && GetProcessId(self) == GetCurrentProcessId());
	CHECK(CloseHandle(self));

	/* Into the child: its handle value is written into its memory; it sets the event. */
	HANDLE in_child = NULL;
	CHECK(ResetEvent(ev));
	CHECK(DuplicateHandle(GetCurrentProcess(), ev, h, &in_child, 0, FALSE, DUPLICATE_SAME_ACCESS));
	CHECK(in_child != NULL);
	CHECK(WriteProcessMemory(h, (void *)&dup_into_child, &in_child, sizeof in_child, &n));
	/* Out of the child, closing its handle there. */
	HANDLE theirs = NULL, mine = NULL;
	CHECK(ReadProcessMemory(h, (void *)&child_event, &theirs, sizeof theirs, &n) && theirs);
	CHECK(DuplicateHandle(h, theirs, GetCurrentProcess(), &mine, EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE,
			      DUPLICATE_CLOSE_SOURCE));
	CHECK(mine && SetEvent(mine) && WaitForSingleObject(mine, 0) == WAIT_OBJECT_0);
	CHECK(CloseHandle(mine));

	CHECK(SetEvent(go));
	CHECK_EQ(WaitForSingleObject(ev, 20000), WAIT_OBJECT_0);	/* the child used the handle we gave it */
	CHECK(CloseHandle(ev));
}

int main(void)
{
	ready = CreateEventA(NULL, FALSE, FALSE, NULL);
	go = CreateEventA(NULL, FALSE, FALSE, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_main());
	CHECK(pid > 0);
	CHECK_EQ(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
	HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, FALSE, (DWORD)pid);
	CHECK(h != NULL);
	SIZE_T n;
	ULONG_PTR ww = 0;
	CHECK(ReadProcessMemory(h, (void *)&child_ww, &ww, sizeof ww, &n));
	rights((DWORD)pid, (char *)ww);
	read_write(h);
	duplicate(h, (DWORD)pid);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	/* The process has ended: its handle still answers queries, its memory is gone. */
	DWORD code = 1;
	CHECK(GetExitCodeProcess(h, &code) && code == 0);
	char c;
	CHECK_ERR(ReadProcessMemory(h, (void *)secret, &c, 1, &n), ERROR_ACCESS_DENIED);
	CHECK_ERR(VirtualAllocEx(h, NULL, P, MEM_COMMIT, PAGE_READWRITE), ERROR_ACCESS_DENIED);
	MEMORY_BASIC_INFORMATION mbi;
	CHECK_ERR(VirtualQueryEx(h, (void *)secret, &mbi, sizeof mbi), ERROR_ACCESS_DENIED);
	CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
	CHECK(CloseHandle(h));
	CHECK(CloseHandle(ready) && CloseHandle(go));
	return utest_done("procmem_rw");
}
