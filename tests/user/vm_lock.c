/*
 * tests/user/vm_lock.c - VirtualLock / VirtualUnlock and the working-set
 * limits, as Microsoft documents them and NT's NtLockVirtualMemory behaves:
 * locking reads pages in; a process locks at most its minimum working set
 * less 8 pages (ERROR_WORKING_SET_QUOTA beyond, nothing changed), raised with
 * SetProcessWorkingSetSize; each page counts once; unlocking needs every page
 * locked (ERROR_NOT_LOCKED, nothing changed); reserved, free and no-access
 * memory cannot be locked, a guard page fails once; decommit, release, unmap
 * and exit unlock; a fork child inherits no locks; no frame is lost.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define PG 4096ULL
#define KB 1024ULL
#define FRAMES_CLASS ((MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION)

static unsigned long long resident(const void *p)
{
	struct abi_memory_frames_info f;
	memset(&f, 0, sizeof f);
	CHECK_STATUS(NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)p, FRAMES_CLASS, &f, sizeof f, NULL), 0);
	return f.resident;
}

static char *commit(unsigned long long pages, DWORD prot)
{
	char *p = VirtualAlloc(NULL, pages * PG, MEM_RESERVE | MEM_COMMIT, prot);
	CHECK(p != NULL);
	return p;
}

/* Set the minimum working set to min_pages (maximum 4x), checking that it took. */
static void set_min(unsigned long long min_pages)
{
	SIZE_T mn = 0, mx = 0;
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), min_pages * PG, 4 * min_pages * PG));
	CHECK(GetProcessWorkingSetSize(GetCurrentProcess(), &mn, &mx));
	CHECK_EQ(mn, min_pages * PG);
	CHECK_EQ(mx, 4 * min_pages * PG);
}

/* Back to the defaults: 200 KiB and 1380 KiB. */
static void restore(void)
{
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), 200 * KB, 1380 * KB));
}

static void defaults_and_limits(void)
{
	SIZE_T mn = 0, mx = 0;
	DWORD flags = 0x55;
	CHECK(GetProcessWorkingSetSize(GetCurrentProcess(), &mn, &mx));
	CHECK_EQ(mn, 200 * KB);	/* 50 pages */
	CHECK_EQ(mx, 1380 * KB);	/* 345 pages */
	CHECK(GetProcessWorkingSetSizeEx(GetCurrentProcess(), &mn, &mx, &flags));
	CHECK_EQ(flags, QUOTA_LIMITS_HARDWS_MIN_DISABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE);
	CHECK_ERR(GetProcessWorkingSetSize((HANDLE)0x1234, &mn, &mx), ERROR_INVALID_HANDLE);
	CHECK_ERR(SetProcessWorkingSetSize((HANDLE)0x1234, 400 * KB, 2000 * KB), ERROR_INVALID_HANDLE);

	/* Argument checks: 0 for either, min above max. */
	CHECK_ERR(SetProcessWorkingSetSize(GetCurrentProcess(), 0, 2000 * KB), ERROR_INVALID_PARAMETER);
	CHECK_ERR(SetProcessWorkingSetSize(GetCurrentProcess(), 400 * KB, 0), ERROR_INVALID_PARAMETER);
	CHECK_ERR(SetProcessWorkingSetSize(GetCurrentProcess(), 800 * KB, 400 * KB), ERROR_INVALID_PARAMETER);
	CHECK_ERR(SetProcessWorkingSetSizeEx(GetCurrentProcess(), 400 * KB, 800 * KB,
					     QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MIN_DISABLE),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(SetProcessWorkingSetSizeEx(GetCurrentProcess(), 400 * KB, 800 * KB, 0x10), ERROR_INVALID_PARAMETER);
	CHECK(GetProcessWorkingSetSize(GetCurrentProcess(), &mn, &mx));
	CHECK_EQ(mn, 200 * KB);
	CHECK_EQ(mx, 1380 * KB);
	/* Both (SIZE_T)-1: empty the working set; the limits stay. */
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
	CHECK(GetProcessWorkingSetSize(GetCurrentProcess(), &mn, &mx));
	CHECK_EQ(mn, 200 * KB);
	/* A minimum under 20 pages becomes 20 (a success). */
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), PG, 100 * PG));
	CHECK(GetProcessWorkingSetSize(GetCurrentProcess(), &mn, &mx));
	CHECK_EQ(mn, 20 * PG);
	CHECK_EQ(mx, 100 * PG);
	/* Hard limits are recorded and reported; both hard need max > min + 8 pages. */
	CHECK_ERR(SetProcessWorkingSetSizeEx(GetCurrentProcess(), 40 * PG, 48 * PG,
					     QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MAX_ENABLE),
		  ERROR_INVALID_PARAMETER);
	CHECK(SetProcessWorkingSetSizeEx(GetCurrentProcess(), 40 * PG, 49 * PG,
					 QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MAX_ENABLE));
	CHECK(GetProcessWorkingSetSizeEx(GetCurrentProcess(), &mn, &mx, &flags));
	CHECK_EQ(flags, QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MAX_ENABLE);
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), 50 * PG, 200 * PG));	/* flags 0: unchanged */
	CHECK(GetProcessWorkingSetSizeEx(GetCurrentProcess(), &mn, &mx, &flags));
	CHECK_EQ(flags, QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MAX_ENABLE);
	CHECK(SetProcessWorkingSetSizeEx(GetCurrentProcess(), 200 * KB, 1380 * KB,
					 QUOTA_LIMITS_HARDWS_MIN_DISABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE));
}

static void lock_faults_in_and_limit(void)
{
	/* 50-page minimum: 42 pages can be locked. */
	char *a = commit(44, PAGE_READWRITE), *b = commit(8, PAGE_READONLY), *c = commit(2, PAGE_READWRITE);
	CHECK_EQ(resident(a), 0);
	CHECK(VirtualLock(a + 100, 8 * PG - 200));	/* 8 pages: the first byte's to the last byte's */
	CHECK_EQ(resident(a), 8);	/* read in, as reads would */
	CHECK_EQ(a[5 * PG], 0);
	/* The native call reports the page-rounded range; a re-lock is STATUS_WAS_LOCKED, a success. */
	PVOID base = a + 7 * PG + 5;
	SIZE_T size = 2 * PG;
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_PROCESS), STATUS_WAS_LOCKED);
	CHECK_EQ(base, a + 7 * PG);
	CHECK_EQ(size, 3 * PG);
	CHECK(VirtualLock(a, 9 * PG));	/* counted once: 10 locked */
	/* A range leaving the reservation: ERROR_NOACCESS, found before the limit is counted. */
	CHECK_ERR(VirtualLock(a + 40 * PG, 8 * PG), ERROR_NOACCESS);
	/* 33 more would make 43: refused, nothing locked, nothing read in. */
	CHECK_ERR(VirtualLock(a + 10 * PG, 33 * PG - 1), ERROR_WORKING_SET_QUOTA);
	CHECK_EQ(resident(a), 10);
	/* The request alone beyond the limit: refused before anything is looked at. */
	CHECK_ERR(VirtualLock((PVOID)0x20000000000ULL, 43 * PG), ERROR_WORKING_SET_QUOTA);
	/* 32 more: exactly 42 (two reservations in one call are not needed; b is read-only). */
	CHECK(VirtualLock(a + 10 * PG, 30 * PG));
	CHECK(VirtualLock(b + 6 * PG, 2 * PG));
	CHECK_EQ(resident(b + 6 * PG), 2);
	CHECK_ERR(VirtualLock(b, 1), ERROR_WORKING_SET_QUOTA);
	CHECK(VirtualLock(b + 7 * PG, 1));	/* already locked: no room needed */

	/* Raise the minimum: more can be locked. */
	set_min(60);
	CHECK(VirtualLock(b, 6 * PG));	/* 48 of 52 */
	CHECK_EQ(resident(b), 8);
	/* The maximum cannot drop to the locked pages plus 8. */
	CHECK_ERR(SetProcessWorkingSetSize(GetCurrentProcess(), 20 * PG, 56 * PG), ERROR_INVALID_PARAMETER);
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), 20 * PG, 57 * PG));
	CHECK_ERR(VirtualLock(c, 1), ERROR_WORKING_SET_QUOTA);	/* min 20 now */
	/* The locked total is over the new minimum: even an already locked page is refused. */
	CHECK_ERR(VirtualLock(a + 39 * PG, 1), ERROR_WORKING_SET_QUOTA);

	/* Unlock: every page must be locked, else nothing changes. */
	CHECK_ERR(VirtualUnlock(c, PG), ERROR_NOT_LOCKED);
	CHECK(VirtualUnlock(a, 40 * PG));
	CHECK_ERR(VirtualUnlock(a + 40 * PG, PG), ERROR_NOT_LOCKED);
	CHECK_ERR(VirtualUnlock(a + PG, PG), ERROR_NOT_LOCKED);	/* no lock count: one unlock is enough */
	CHECK_ERR(VirtualUnlock(b + 7 * PG, 2 * PG), ERROR_NOT_LOCKED);	/* runs past b into free memory */
	CHECK(VirtualUnlock(b + 7 * PG, 1));	/* still locked after the failure */
	CHECK_ERR(VirtualUnlock(b + 6 * PG, 2 * PG), ERROR_NOT_LOCKED);	/* half locked: nothing unlocked */
	CHECK(VirtualUnlock(b, 7 * PG));
	CHECK_ERR(VirtualUnlock((PVOID)0x20000000000ULL, PG), ERROR_NOT_LOCKED);
	CHECK_ERR(VirtualUnlock(a, 0), ERROR_INVALID_PARAMETER);
	restore();
	CHECK(VirtualLock(a, 42 * PG - 8 * PG) && VirtualLock(b, 8 * PG));	/* all 42 back: the count came down */
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK(VirtualFree(b, 0, MEM_RELEASE));
	CHECK(VirtualFree(c, 0, MEM_RELEASE));
}

static void what_cannot_be_locked(void)
{
	char *r = VirtualAlloc(NULL, 16 * PG, MEM_RESERVE, PAGE_READWRITE);
	CHECK(VirtualAlloc(r, 4 * PG, MEM_COMMIT, PAGE_READWRITE) != NULL);
	/* Reserved pages after committed ones: ERROR_NOACCESS, and the committed ones are not locked. */
	CHECK_ERR(VirtualLock(r, 5 * PG), ERROR_NOACCESS);
	CHECK_ERR(VirtualUnlock(r, PG), ERROR_NOT_LOCKED);
	CHECK_ERR(VirtualLock(r + 8 * PG, PG), ERROR_NOACCESS);
	CHECK_ERR(VirtualLock((PVOID)0x20000000000ULL, PG), ERROR_NOACCESS);	/* free */
	char *na = commit(2, PAGE_NOACCESS);
	CHECK_ERR(VirtualLock(na, PG), ERROR_NOACCESS);
	CHECK_EQ(resident(na), 0);
	/* A guard page: fails once with STATUS_GUARD_PAGE_VIOLATION, the guard goes, the next call succeeds. */
	char *g = commit(2, PAGE_READWRITE | PAGE_GUARD);
	CHECK_ERR(VirtualLock(g, 2 * PG), STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ(query_region(g).Protect, PAGE_READWRITE);
	CHECK_ERR(VirtualLock(g, 2 * PG), STATUS_GUARD_PAGE_VIOLATION);	/* the second page's guard */
	CHECK(VirtualLock(g, 2 * PG));
	CHECK(VirtualUnlock(g, 2 * PG));
	/* AWE regions cannot be locked (STATUS_INCOMPATIBLE_FILE_MAP). */
	char *awe = VirtualAlloc(NULL, 4 * PG, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK_ERR(VirtualLock(awe, PG), ERROR_INVALID_PARAMETER);
	/* Native argument checks, in NT's order. */
	PVOID base = r;
	SIZE_T size = PG;
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, 0), STATUS_INVALID_PARAMETER);
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, 4), STATUS_INVALID_PARAMETER);
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), NULL, &size, MAP_PROCESS), STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), &base, NULL, MAP_PROCESS), STATUS_ACCESS_VIOLATION);
	CHECK_STATUS(NtLockVirtualMemory((HANDLE)0x1234, &base, &size, MAP_PROCESS), STATUS_INVALID_HANDLE);
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_SYSTEM), STATUS_PRIVILEGE_NOT_HELD);
	CHECK_STATUS(NtUnlockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_SYSTEM), STATUS_PRIVILEGE_NOT_HELD);
	base = (PVOID)0x7FFFFFFF0000ULL;
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_PROCESS), STATUS_INVALID_PARAMETER);
	base = (PVOID)0x7FFFFFFEF000ULL;
	size = 2 * PG;
	CHECK_STATUS(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_PROCESS), STATUS_INVALID_PARAMETER);
	CHECK_ERR(VirtualLock(r, 0), ERROR_INVALID_PARAMETER);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	CHECK(VirtualFree(na, 0, MEM_RELEASE));
	CHECK(VirtualFree(g, 0, MEM_RELEASE));
	CHECK(VirtualFree(awe, 0, MEM_RELEASE));
}

static void implicit_unlock(void)
{
	set_min(20);	/* 12 pages */
	char *a = commit(12, PAGE_READWRITE), *b = commit(12, PAGE_READWRITE);
	CHECK(VirtualLock(a, 12 * PG));
	CHECK_ERR(VirtualLock(b, 1), ERROR_WORKING_SET_QUOTA);
	/* Decommit unlocks its pages and gives back their count; recommitted pages are not locked. */
	CHECK(VirtualFree(a + 4 * PG, 4 * PG, MEM_DECOMMIT));
	CHECK(VirtualLock(b, 4 * PG));
	CHECK_ERR(VirtualLock(b + 4 * PG, 1), ERROR_WORKING_SET_QUOTA);
	CHECK(VirtualAlloc(a + 4 * PG, 4 * PG, MEM_COMMIT, PAGE_READWRITE) != NULL);
	CHECK_ERR(VirtualUnlock(a + 4 * PG, PG), ERROR_NOT_LOCKED);
	CHECK(VirtualUnlock(a + 8 * PG, 4 * PG));
	/* Release unlocks the rest of a. */
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK(VirtualLock(b + 4 * PG, 8 * PG));
	CHECK(VirtualFree(b, 0, MEM_RELEASE));
	/* Unmapping a view unlocks its pages. */
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 16 * PG, NULL);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(v != NULL);
	CHECK(VirtualLock(v, 12 * PG));
	CHECK_EQ(resident(v), 12);
	CHECK(UnmapViewOfFile(v));
	CHECK(CloseHandle(h));
	char *c = commit(12, PAGE_READWRITE);
	CHECK(VirtualLock(c, 12 * PG));
	CHECK(VirtualFree(c, 0, MEM_RELEASE));
	restore();
}

/* A fork child has no locked pages (POSIX: memory locks are not inherited by fork) and the default limits. */
static void fork_child(void)
{
	char *a = commit(4, PAGE_READWRITE);
	set_min(30);
	CHECK(VirtualLock(a, 4 * PG));
	pid_t pid = fork();
	if (pid == 0) {
		SIZE_T mn = 0, mx = 0;
		int bad = !GetProcessWorkingSetSize(GetCurrentProcess(), &mn, &mx) || mn != 200 * KB;
		bad |= VirtualUnlock(a, PG) || GetLastError() != ERROR_NOT_LOCKED;
		char *big = VirtualAlloc(NULL, 42 * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		bad |= !VirtualLock(big, 42 * PG);	/* the whole default room */
		_exit(bad ? 1 : 7);
	}
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	CHECK(VirtualUnlock(a, 4 * PG));	/* the parent's lock is intact */
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	restore();
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	utest_probe_init();
	defaults_and_limits();
	what_cannot_be_locked();	/* warms up the heap and tables before the leak check */
	unsigned long long free0 = utest_free_frames();
	for (int round = 0; round < 2; round++) {
		defaults_and_limits();
		lock_faults_in_and_limit();
		what_cannot_be_locked();
		implicit_unlock();
	}
	CHECK_EQ(utest_free_frames(), free0);
	fork_child();
	/* Exit with pages locked: the runner checks every frame comes back. */
	char *p = commit(8, PAGE_READWRITE);
	CHECK(VirtualLock(p, 8 * PG));
	return utest_done("vm_lock");
}
