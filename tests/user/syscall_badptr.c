/*
 * tests/user/syscall_badptr.c - hostile pointers: every memory call given
 * NULL, kernel-half, non-canonical, unmapped, read-only and partially valid
 * pointers fails with ERROR_NOACCESS (998) / STATUS_ACCESS_VIOLATION and
 * changes nothing; the kernel never faults.
 */
#include "utest.h"

static void *const bad[] = {
	(void *)0,			/* NULL */
	(void *)0x1000,			/* unmapped, below the user minimum */
	(void *)0xffff800000000000ULL,	/* kernel direct map */
	(void *)0xffffffff80100000ULL,	/* kernel image */
	(void *)0x0000800000000000ULL,	/* non-canonical */
	(void *)0x7ffffffffffcULL,	/* straddles the end of the user half */
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

int main(void)
{
	utest_prefault_stack(32 * 1024);
	unsigned long long frames = utest_free_frames();
	char *ro = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(ro != NULL);
	DWORD old;
	CHECK(VirtualProtect(ro + 0x1000, 0x1000, PAGE_READONLY, &old));
	void *const more[] = { ro + 0x1000 /* read-only */, ro + 0x1000 - 2 /* half writable */ };

	for (unsigned i = 0; i < NBAD + 2; i++) {
		void *p = i < NBAD ? bad[i] : more[i - NBAD];
		/* NtAllocateVirtualMemory with a bad BaseAddress or RegionSize pointer. */
		SIZE_T size = 0x10000;
		PVOID base = NULL;
		CHECK_STATUS(NtAllocateVirtualMemory(GetCurrentProcess(), (PVOID *)p, 0, &size, MEM_RESERVE, PAGE_READWRITE),
			 STATUS_ACCESS_VIOLATION);
		CHECK_STATUS(NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0, (PSIZE_T)p, MEM_RESERVE, PAGE_READWRITE),
			 STATUS_ACCESS_VIOLATION);
		CHECK(base == NULL);
		/* NtFreeVirtualMemory / NtProtectVirtualMemory. */
		base = ro;
		size = 0;
		CHECK_STATUS(NtFreeVirtualMemory(GetCurrentProcess(), (PVOID *)p, &size, MEM_RELEASE), STATUS_ACCESS_VIOLATION);
		CHECK_STATUS(NtFreeVirtualMemory(GetCurrentProcess(), &base, (PSIZE_T)p, MEM_RELEASE), STATUS_ACCESS_VIOLATION);
		size = 0x1000;
		CHECK_STATUS(NtProtectVirtualMemory(GetCurrentProcess(), &base, &size, PAGE_NOACCESS, (PULONG)p),
			 STATUS_ACCESS_VIOLATION);
		/* VirtualProtect with a bad old-protection pointer: 998, and nothing changed. */
		CHECK_ERR(VirtualProtect(ro, 0x1000, PAGE_NOACCESS, (PDWORD)p), ERROR_NOACCESS);
		MEMORY_BASIC_INFORMATION mbi;
		CHECK(VirtualQuery(ro, &mbi, sizeof(mbi)) == sizeof(mbi));
		CHECK_EQ(mbi.Protect, PAGE_READWRITE);
		/* VirtualQuery into a bad buffer. */
		CHECK_ERR(VirtualQuery(ro, (PMEMORY_BASIC_INFORMATION)p, sizeof(mbi)), ERROR_NOACCESS);
		/* Console output from an unreadable buffer. */
		if (i < NBAD)
			CHECK_STATUS(winmm_write((const char *)p, 16), STATUS_ACCESS_VIOLATION);
		/* Frame statistics into a bad buffer. */
		CHECK_STATUS(winmm_frame_stats((struct abi_frame_stats *)p), STATUS_ACCESS_VIOLATION);
	}
	/* The reservation is intact and still ours to release. */
	CHECK_EQ(ro[0], 0);
	CHECK(VirtualFree(ro, 0, MEM_RELEASE));
	/* A huge length is refused before any copy. */
	CHECK_STATUS(winmm_write("x", (SIZE_T)-1), STATUS_ACCESS_VIOLATION);
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("syscall_badptr");
}
