/*
 * tests/user/oom_ptcharge.c - page tables are charged against the commit
 * limit (mm/ptcharge.h): a commit charges the page-table pages its range
 * needs (one per 2 MiB, one per 1 GiB of committed address space, once per
 * process), two commits in one 2 MiB charge one table, and the charge goes
 * back when no committed page is left under a table (decommit, release,
 * process end; also for a forked child).  The system commit is read from
 * the kernel (mm_memory_status) around each call: nothing else runs.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define MB (1024ULL * 1024)
#define GB (1024 * MB)
#define PG 4096ULL

static long long charged(void)
{
	struct abi_memory_status m;
	CHECK_STATUS(mm_memory_status(&m), 0);
	return (long long)m.commit_charged;
}

/* Commit/decommit one page (or n bytes) at p and return the change of the system commit, in pages. */
static long long commit(char *p, unsigned long long n)
{
	long long before = charged();
	CHECK(VirtualAlloc(p, n, MEM_COMMIT, PAGE_READWRITE) == p);
	return charged() - before;
}

static long long decommit(char *p, unsigned long long n)
{
	long long before = charged();
	CHECK(VirtualFree(p, n, MEM_DECOMMIT));
	return charged() - before;
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	/* A reservation with a whole GiB of its own inside: nothing else lives in [g, g + 1 GiB). */
	char *r = VirtualAlloc(NULL, 3 * GB, MEM_RESERVE, PAGE_READWRITE);
	CHECK(r != NULL);
	char *g = (char *)(((uintptr_t)r + GB - 1) & ~(uintptr_t)(GB - 1));
	long long base = charged();

	/* The first page in a GiB: the page, its page table and its page directory. */
	CHECK_EQ(commit(g, PG), 3);
	/* Another page in the same 2 MiB: the page only. */
	CHECK_EQ(commit(g + 511 * PG, PG), 1);
	/* Re-committing what is committed charges nothing. */
	CHECK_EQ(commit(g, 2 * PG), 1);	/* g + PG is new */
	/* The next 2 MiB: a page and a page table. */
	CHECK_EQ(commit(g + 2 * MB + 5 * PG, PG), 2);
	/* 6 MiB spanning four 2 MiB units, two of them charged already: 1536 pages, two tables. */
	CHECK_EQ(commit(g, 6 * MB + PG), 1536 + 1 - 4 + 2);
	/* The page tables of the committed pages are there when they are touched. */
	for (unsigned long long o = 0; o < 6 * MB + PG; o += PG)
		g[o] = (char)o;
	for (unsigned long long o = 0; o < 6 * MB + PG; o += 8 * PG)
		CHECK_EQ(g[o], (char)o);

	/* Decommitting gives the pages back; a table goes with the last page under it. */
	CHECK_EQ(decommit(g + 2 * MB, 2 * MB - PG), -511);	/* one page is left in that 2 MiB */
	CHECK_EQ(decommit(g + 4 * MB - PG, PG), -2);		/* its last page: the table too */
	CHECK_EQ(decommit(g + 6 * MB, PG), -2);		/* the only page of the fourth 2 MiB */
	CHECK_EQ(charged() - base, 2 * 512 + 2 + 1);	/* two 2 MiB units of pages, two PTs, the PD */
	CHECK_EQ(decommit(g, 6 * MB), -(2 * 512 + 2 + 1));	/* the last pages: their PTs and the PD */
	CHECK_EQ(charged(), base);

	/* Release takes the tables' charge with the pages. */
	CHECK_EQ(commit(g + GB - PG, PG), 3);
	CHECK(VirtualAlloc(g + 64 * MB, 64 * MB, MEM_COMMIT, PAGE_READWRITE) == g + 64 * MB);
	CHECK_EQ(charged() - base, 3 + 64 * 256 + 32);
	g[64 * MB] = 1;
	g[GB - 1] = 2;
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	CHECK_EQ(charged(), base);

	/* A new reservation committed at once charges its tables; its release gives them back. */
	long long before = charged();
	char *q = VirtualAlloc(NULL, 10 * MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(q != NULL);
	long long got = charged() - before - 10 * 256;
	CHECK(got >= 5 && got <= 8);	/* 5 or 6 PTs (alignment), maybe a PD or two, maybe a PDPT */
	CHECK(VirtualFree(q, 0, MEM_RELEASE));
	CHECK_EQ(charged(), before);

	/* A forked child holds the parent's tables' charge; it all comes back when the child ends. */
	char *c = VirtualAlloc(NULL, 64 * MB, MEM_RESERVE, PAGE_READWRITE);
	CHECK(c != NULL);
	before = charged();
	pid_t pid = fork();
	if (pid == 0) {
		/* The child commits one page per 2 MiB and ends without freeing anything. */
		for (unsigned i = 0; i < 32; i++) {
			if (!VirtualAlloc(c + i * 2 * MB, PG, MEM_COMMIT, PAGE_READWRITE))
				_exit(2);
			c[i * 2 * MB] = 1;
		}
		_exit(0);
	}
	CHECK(pid > 0);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(charged(), before);
	CHECK(VirtualFree(c, 0, MEM_RELEASE));
	printf("oom_ptcharge: tables charged once per 2 MiB and 1 GiB, given back on decommit, release, child exit\n");
	return utest_done("oom_ptcharge");
}
