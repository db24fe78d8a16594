/*
 * tests/user/vm_paging.c - committed memory lives in RAM or in the pagefile
 * (issue 11).  In the -m 64M boot with its 256 MiB pagefile: commit and
 * write 200 MiB (about four times the RAM), read every byte back, fork while
 * much of what is left is paged out (the child reads and writes its copy, the parent's
 * stays intact), while locked pages, AWE pages and a section shared by two
 * views keep their data (and the locked pages stay resident).  In the
 * 512 MiB boot the same program runs with little or no paging.  The kernel's
 * runner then checks every frame and every pagefile slot came back.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define P 4096ULL
#define MB (1024ULL * 1024)
#define BIG (200 * MB)

/* Word i of a filled block: every byte of the block is checked through its 8-byte word. */
static inline unsigned long long pattern(unsigned long long i, unsigned long long salt)
{
	unsigned long long x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt;
	return x ^ (x >> 29);
}

static void fill(unsigned long long *p, unsigned long long bytes, unsigned long long salt)
{
	for (unsigned long long i = 0; i < bytes / 8; i++)
		p[i] = pattern(i, salt);
}

/* The number of words that differ from the pattern (0 when every byte is right). */
static unsigned long long verify(const unsigned long long *p, unsigned long long bytes, unsigned long long salt)
{
	unsigned long long bad = 0;
	for (unsigned long long i = 0; i < bytes / 8; i++)
		bad += p[i] != pattern(i, salt);
	return bad;
}

static unsigned long long resident(const void *p)
{
	struct abi_memory_frames_info f = { 0 };
	NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)p, (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION, &f,
			     sizeof f, NULL);
	return f.resident;
}

static unsigned long long paged_out(void)
{
	struct abi_frame_stats s;
	mm_frame_stats(&s);
	return s.paged_out;
}

/* Page-in reads done with the kernel lock given back (kernel/syscall.c, drivers/virtio_blk.c). */
static unsigned long long unlocked_reads(void)
{
	struct abi_frame_stats s;
	mm_frame_stats(&s);
	return s.pagein_unlocked;
}

int main(void)
{
	utest_prefault_stack(32 * 1024);
	MEMORYSTATUSEX ms = { .dwLength = sizeof ms };
	CHECK(GlobalMemoryStatusEx(&ms));
	int small = ms.ullTotalPhys < BIG;	/* the 64 MiB boot: 200 MiB cannot all be resident */
	printf("vm_paging: %llu MiB RAM, commit limit %llu MiB\n", ms.ullTotalPhys / MB, ms.ullTotalPageFile / MB);
	CHECK(ms.ullTotalPageFile > BIG + 16 * MB);	/* RAM + pagefile: room for all of it */
	unsigned long long before = utest_free_frames();

	/* Locked pages, AWE pages and a section, set up first. */
	unsigned long long *locked = VirtualAlloc(NULL, 16 * P, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(locked && VirtualLock(locked, 16 * P));
	fill(locked, 16 * P, 1);
	char *awe = VirtualAlloc(NULL, 16 * P, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	ULONG_PTR npfn = 16, pfn[16];
	CHECK(awe && AllocateUserPhysicalPages(GetCurrentProcess(), &npfn, pfn) && npfn == 16);
	CHECK(MapUserPhysicalPages(awe, 16, pfn));
	fill((unsigned long long *)awe, 16 * P, 2);
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 8 * MB, NULL);
	unsigned long long *sw = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	unsigned long long *sr = h ? MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0) : NULL;
	CHECK(sw && sr);
	fill(sw, 8 * MB, 3);

	/* 200 MiB committed and written: at 64 MiB most of it goes to the pagefile on the way. */
	unsigned long long *big = VirtualAlloc(NULL, BIG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(big != NULL);
	fill(big, BIG, 4);
	unsigned long long out = paged_out();
	printf("vm_paging: 200 MiB written, %llu MiB paged out\n", out / 256);
	if (small)
		CHECK(out > 100 * 256);
	CHECK_EQ(verify(big, BIG, 4), 0);	/* every byte, read back from the pagefile */
	/* The section's pages in the pagefile are read back with the kernel lock given back too. */
	unsigned long long gone = 8 * MB / P - resident(sw), u0 = unlocked_reads();
	CHECK_EQ(verify(sw, 8 * MB, 3), 0);
	unsigned long long u1 = unlocked_reads();
	printf("vm_paging: %llu of the section view's pages not resident; %llu page-in reads unlocked for them\n", gone,
	       u1 - u0);
	if (small && gone >= 256)
		CHECK(u1 - u0 > 0);
	CHECK_EQ(verify(sr, 8 * MB, 3), 0);	/* the other view: section pages came back shared */
	CHECK_EQ(resident(locked), 16);	/* never paged out */
	CHECK_EQ(verify(locked, 16 * P, 1), 0);
	CHECK_EQ(verify((unsigned long long *)awe, 16 * P, 2), 0);

	/*
	 * Fork while paged out.  The child is charged all its committed pages at
	 * fork, so first give back all but 80 MiB, then page 40 MiB back in (the
	 * other 40 MiB stay in the pagefile).  The child reads everything and
	 * rewrites 20 MiB; the parent's data stays.
	 */
	const unsigned long long KEEP = 80 * MB;
	CHECK(VirtualFree((char *)big + KEEP, BIG - KEEP, MEM_DECOMMIT));
	fill(big, KEEP / 2, 4);
	if (small)
		CHECK(paged_out() > 20 * 256);
	pid_t pid = fork();
	if (pid == 0) {
		if (verify(big, KEEP, 4) || verify(sw, 8 * MB, 3) || verify(locked, 16 * P, 1))
			_exit(1);
		fill(big + KEEP / 8 / 4, KEEP / 4, 5);
		if (verify(big + KEEP / 8 / 4, KEEP / 4, 5))
			_exit(2);
		sw[7] = 77;	/* the section is shared with the parent */
		_exit(0);
	}
	CHECK(pid > 0);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(verify(big, KEEP, 4), 0);
	CHECK_EQ(sr[7], 77);
	sw[7] = pattern(7, 3);
	CHECK_EQ(verify(sr, 8 * MB, 3), 0);
	CHECK_EQ(resident(locked), 16);

	/* Write watch survives paging: the dirty bits go with the entries and come back clean. */
	char *ww = VirtualAlloc(NULL, 64 * P, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(ww != NULL);
	for (int i = 0; i < 64; i++)
		(void)*(volatile char *)(ww + i * P);	/* resident, clean */
	ww[3 * P] = ww[17 * P] = ww[40 * P] = 1;

	/* SetProcessWorkingSetSize(-1, -1) empties the working set: everything that may go goes out. */
	unsigned long long was_out = paged_out(), was_resident = resident(big);
	CHECK(was_resident > 0);
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
	CHECK(paged_out() >= was_out + was_resident);	/* every page of big that was resident went out */
	CHECK_EQ(resident(big), 0);
	CHECK_EQ(resident(ww), 0);
	CHECK_EQ(resident(locked), 16);	/* locked pages stay */
	PVOID addrs[64];
	ULONG_PTR count = 64;
	DWORD gran;
	CHECK_EQ(GetWriteWatch(WRITE_WATCH_FLAG_RESET, ww, 64 * P, addrs, &count, &gran), 0);
	CHECK(count == 3 && addrs[0] == ww + 3 * P && addrs[1] == ww + 17 * P && addrs[2] == ww + 40 * P);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(ww[i * P], i == 3 || i == 17 || i == 40);	/* read back in: clean */
	ww[5 * P] = 2;
	count = 64;
	CHECK_EQ(GetWriteWatch(0, ww, 64 * P, addrs, &count, &gran), 0);
	CHECK(count == 1 && addrs[0] == ww + 5 * P);
	CHECK(VirtualFree(ww, 0, MEM_RELEASE));
	CHECK_EQ(verify(big, KEEP, 4), 0);
	CHECK_EQ(verify(locked, 16 * P, 1), 0);

	/* Decommit and release give the slots back (the runner checks them all at exit too). */
	CHECK(VirtualFree(big, KEEP / 2, MEM_DECOMMIT));
	CHECK(VirtualFree(big, 0, MEM_RELEASE));
	CHECK(UnmapViewOfFile(sw) && UnmapViewOfFile(sr) && CloseHandle(h));
	CHECK(FreeUserPhysicalPages(GetCurrentProcess(), &npfn, pfn));
	CHECK(VirtualFree(awe, 0, MEM_RELEASE));
	CHECK(VirtualUnlock(locked, 16 * P));
	CHECK(VirtualFree(locked, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("vm_paging");
}
