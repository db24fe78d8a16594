/*
 * tests/user/syscall_badptr.c - hostile pointers: every system call that
 * takes a pointer, given NULL, kernel-half, non-canonical, unmapped,
 * read-only, misaligned and partially valid pointers, fails with
 * STATUS_ACCESS_VIOLATION or STATUS_DATATYPE_MISALIGNMENT (both
 * ERROR_NOACCESS, 998, through the Win32 wrappers) and changes nothing; the
 * kernel never faults.
 */
#include "utest.h"
#include "libc/internal.h"

static void *const bad[] = {
	(void *)0,			/* NULL */
	(void *)0x1000,			/* unmapped, below the user minimum */
	(void *)0xffff800000000000ULL,	/* kernel direct map */
	(void *)0xffffffff80100000ULL,	/* kernel image */
	(void *)0x0000800000000000ULL,	/* non-canonical */
	(void *)0x7ffffffffffcULL,	/* straddles the end of the user half */
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

/* What a bad out-pointer gives for a cell of `size` bytes: NT checks alignment first, then the access. */
static NTSTATUS expected(const void *p, unsigned size)
{
	return ((ULONG_PTR)p & (size - 1)) ? (NTSTATUS)0x80000002L /* STATUS_DATATYPE_MISALIGNMENT */
					   : (NTSTATUS)STATUS_ACCESS_VIOLATION;
}

/* A raw system call, for the calls libc wraps in ways that never pass a bad pointer. */
static NTSTATUS raw(long n, const void *a, long b, const void *c)
{
	return (NTSTATUS)(int)libc_syscall(n, (long)a, b, (long)c, 0, 0, 0);
}

int main(void)
{
	utest_prefault_stack(32 * 1024);
	unsigned long long frames = utest_free_frames();
	char *ro = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(ro != NULL);
	DWORD old;
	CHECK(VirtualProtect(ro + 0x1000, 0x1000, PAGE_READONLY, &old));
	/* More pointers: read-only; writable but misaligned; aligned but running into the read-only page. */
	char *const readonly = ro + 0x1000, *const misaligned = ro + 2, *const straddle = ro + 0x1000 - 16;
	char *watched = VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(watched != NULL);

	for (unsigned i = 0; i < NBAD + 3; i++) {
		void *p = i < NBAD ? bad[i] : i == NBAD ? (void *)readonly : i == NBAD + 1 ? (void *)misaligned : (void *)straddle;
		/* Scalars (PVOID*, PSIZE_T, ULONG*): an aligned 8-byte cell never straddles, so skip `straddle` there. */
		if (p != straddle) {
			SIZE_T size = 0x10000;
			PVOID base = NULL;
			CHECK_STATUS(NtAllocateVirtualMemory(GetCurrentProcess(), (PVOID *)p, 0, &size, MEM_RESERVE, PAGE_READWRITE),
				     expected(p, 8));
			CHECK_STATUS(NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0, (PSIZE_T)p, MEM_RESERVE, PAGE_READWRITE),
				     expected(p, 8));
			CHECK(base == NULL);
			base = ro;
			size = 0;
			CHECK_STATUS(NtFreeVirtualMemory(GetCurrentProcess(), (PVOID *)p, &size, MEM_RELEASE), expected(p, 8));
			CHECK_STATUS(NtFreeVirtualMemory(GetCurrentProcess(), &base, (PSIZE_T)p, MEM_RELEASE), expected(p, 8));
			size = 0x1000;
			CHECK_STATUS(NtProtectVirtualMemory(GetCurrentProcess(), &base, &size, PAGE_NOACCESS, (PULONG)p),
				     expected(p, 4));
			/* VirtualProtect with a bad old-protection pointer: 998, and nothing changed. */
			CHECK_ERR(VirtualProtect(ro, 0x1000, PAGE_NOACCESS, (PDWORD)p), ERROR_NOACCESS);
			CHECK_EQ(query_region(ro).Protect, PAGE_READWRITE);
			/* Process calls: the pid and status out-pointers. */
			CHECK_STATUS(winmm_spawn("child_alloc.elf", (ULONG *)p), expected(p, 4));
			CHECK_STATUS(winmm_wait(9999, (DWORD *)p), expected(p, 4));
		}
		/* Buffers: VirtualQuery's MEMORY_BASIC_INFORMATION, the frame statistics, write-watch arrays. */
		CHECK_ERR(VirtualQuery(ro, (PMEMORY_BASIC_INFORMATION)p, sizeof(MEMORY_BASIC_INFORMATION)), ERROR_NOACCESS);
		CHECK_STATUS(winmm_frame_stats((struct abi_frame_stats *)p), expected(p, 8));
		watched[0] = 1;
		ULONG_PTR count = 4;
		ULONG gran = 0;
		CHECK_EQ(GetWriteWatch(0, watched, 0x10000, (PVOID *)p, &count, &gran), (UINT)-1);
		CHECK_EQ(GetLastError(), ERROR_NOACCESS);
		CHECK_EQ(ResetWriteWatch(watched, 0x10000), 0);
		/* Unreadable inputs: console output, the module name, NtContinue's CONTEXT, NtRaiseException's record. */
		if (i < NBAD) {
			ULONG pid;
			CHECK_STATUS(winmm_write((const char *)p, 16), STATUS_ACCESS_VIOLATION);
			CHECK_STATUS(raw(SYS_NtContinue, p, 0, 0), STATUS_ACCESS_VIOLATION);
			CHECK_STATUS(raw(SYS_NtRaiseException, p, 0, 0), STATUS_ACCESS_VIOLATION);
			CHECK_STATUS(raw(SYS_NtCreateProcess, p, 9, &pid), STATUS_ACCESS_VIOLATION);
		}
	}
	/* A dispatcher address in the kernel half is refused. */
	CHECK_STATUS(raw(SYS_NtSetExceptionDispatcher, (void *)0xffffffff80100000ULL, 0, 0), STATUS_INVALID_PARAMETER);
	CHECK(VirtualFree(watched, 0, MEM_RELEASE));
	/* The reservation is intact and still ours to release. */
	CHECK_EQ(ro[0], 0);
	CHECK(VirtualFree(ro, 0, MEM_RELEASE));
	/* A huge length is refused before any copy. */
	CHECK_STATUS(winmm_write("x", (SIZE_T)-1), STATUS_ACCESS_VIOLATION);
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("syscall_badptr");
}
