/*
 * tests/user/syscall_badptr.c - hostile pointers: every system call that
 * takes a pointer, given NULL, kernel-half, non-canonical, unmapped,
 * read-only, misaligned and partially valid pointers, fails with
 * STATUS_ACCESS_VIOLATION or STATUS_DATATYPE_MISALIGNMENT (both
 * ERROR_NOACCESS, 998, through the Win32 wrappers) and changes nothing; the
 * kernel never faults.
 */
#include <string.h>

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

/* What a bad out-pointer gives for a cell of `size` bytes: NT checks alignment first, then the access. */
static NTSTATUS expected(const void *p, unsigned size)
{
	return ((ULONG_PTR)p & (size - 1)) ? (NTSTATUS)0x80000002L /* STATUS_DATATYPE_MISALIGNMENT */
					   : (NTSTATUS)STATUS_ACCESS_VIOLATION;
}

/* A raw system call (mmtools' mm_syscall), for the calls ntdll wraps in ways that never pass a bad pointer. */
#define U(x) ((ULONG_PTR)(x))
static NTSTATUS sys(ULONG n, ULONG_PTR a, ULONG_PTR b, ULONG_PTR c, ULONG_PTR d, ULONG_PTR e, ULONG_PTR f)
{
	return (NTSTATUS)(LONG)mm_syscall(n, a, b, c, d, e, f);
}
static NTSTATUS raw(ULONG n, const void *a, LONG_PTR b, const void *c)
{
	return sys(n, U(a), U(b), U(c), 0, 0, 0);
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
	HANDLE section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, NULL);
	CHECK(section != NULL);

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
			CHECK_STATUS(mm_spawn("child_alloc.exe", (ULONG *)p), expected(p, 4));
			CHECK_STATUS(mm_wait(9999, (DWORD *)p), expected(p, 4));
			/* Sections and fork: handle out-pointers, the map-view block, the child pid, the exit record. */
			CHECK_STATUS(mm_create_section((HANDLE *)p, "badptr_section", 0x1000, PAGE_READWRITE, 0), expected(p, 8));
			CHECK_ERR(OpenFileMappingA(FILE_MAP_READ, FALSE, "badptr_section"), ERROR_FILE_NOT_FOUND);	/* none made */
			CHECK_STATUS(mm_open_section((HANDLE *)p, FILE_MAP_READ, "badptr_section"), expected(p, 8));
			CHECK_STATUS(mm_map_view(section, (struct abi_map_view *)p), expected(p, 8));
			CHECK_STATUS(mm_fork((ULONG *)p), expected(p, 4));
			CHECK_STATUS(mm_wait_child(-1, 0, (struct abi_child_exit *)p), expected(p, 4));
		}
		/* Buffers: VirtualQuery's MEMORY_BASIC_INFORMATION, the frame statistics, write-watch arrays. */
		CHECK_ERR(VirtualQuery(ro, (PMEMORY_BASIC_INFORMATION)p, sizeof(MEMORY_BASIC_INFORMATION)), ERROR_NOACCESS);
		CHECK_STATUS(mm_frame_stats((struct abi_frame_stats *)p), expected(p, 8));
		watched[0] = 1;
		ULONG_PTR count = 4;
		ULONG gran = 0;
		CHECK_EQ(GetWriteWatch(0, watched, 0x10000, (PVOID *)p, &count, &gran), (UINT)-1);
		CHECK_EQ(GetLastError(), ERROR_NOACCESS);
		CHECK_EQ(ResetWriteWatch(watched, 0x10000), 0);
		/* Unreadable inputs: console output, the module name, NtContinue's CONTEXT, NtRaiseException's record. */
		if (i < NBAD) {
			ULONG pid;
			CHECK_STATUS(mm_write((const char *)p, 16), STATUS_ACCESS_VIOLATION);
			CHECK_STATUS(raw(SYS_NtContinue, p, 0, 0), STATUS_ACCESS_VIOLATION);
			CHECK_STATUS(raw(SYS_NtRaiseException, p, 0, 0), STATUS_ACCESS_VIOLATION);
			CHECK_STATUS(raw(SYS_NtCreateProcess, p, 9, &pid), STATUS_ACCESS_VIOLATION);
			HANDLE h = NULL;
			CHECK_STATUS(sys(SYS_NtCreateSection, U(&h), U(p), 9, 0x1000, PAGE_READWRITE, 0),
				     STATUS_ACCESS_VIOLATION);
			CHECK_STATUS(sys(SYS_NtOpenSection, U(&h), FILE_MAP_READ, U(p), 9, 0, 0),
				     STATUS_ACCESS_VIOLATION);
			CHECK(h == NULL);
		}
	}
	/* Hostile handles and values: wrong, unaligned, huge, kernel-looking; a name too long or with a NUL. */
	static const ULONG_PTR handles[] = { 0, 1, 3, 0x400, 0x404, 0xffffffff, 0xffff800000000000ULL, (ULONG_PTR)-2 };
	for (unsigned i = 0; i < sizeof handles / sizeof handles[0]; i++) {
		struct abi_map_view a = { 0, 0, 0, 0, PAGE_READONLY, 0 };
		CHECK_STATUS(mm_map_view((HANDLE)handles[i], &a), STATUS_INVALID_HANDLE);
		/*
		 * CloseHandle: 3 is the console input handle here (Windows 7's console
		 * handles 3/7/11) and -2 is GetCurrentThread(): closing them succeeds
		 * with no effect, as on Windows (NtClose of a pseudo handle is
		 * STATUS_SUCCESS); every other value is ERROR_INVALID_HANDLE.
		 */
		if (handles[i] == 3 || handles[i] == (ULONG_PTR)-2)
			CHECK(CloseHandle((HANDLE)handles[i]));
		else
			CHECK_ERR(CloseHandle((HANDLE)handles[i]), ERROR_INVALID_HANDLE);
	}
	struct abi_map_view a = { 0, 0, 0, 0xffffffff, PAGE_READONLY, 0 };
	CHECK_STATUS(mm_map_view(section, &a), STATUS_INVALID_PARAMETER);
	a = (struct abi_map_view){ 0xffff800000000000ULL, 0, 0, 0, PAGE_READONLY, 0 };
	CHECK_STATUS(mm_map_view(section, &a), STATUS_INVALID_PARAMETER_3);
	a = (struct abi_map_view){ 0x7fffffff0000ULL, 0, 0, 0, PAGE_READONLY, 0 };
	CHECK_STATUS(mm_map_view(section, &a), STATUS_INVALID_PARAMETER_3);
	a = (struct abi_map_view){ 0, (ULONG_PTR)-0x10000, 0x20000, 0, PAGE_READONLY, 0 };
	CHECK_STATUS(mm_map_view(section, &a), (NTSTATUS)0xC000001FL);	/* STATUS_INVALID_VIEW_SIZE */
	a = (struct abi_map_view){ 0, 0, (ULONG_PTR)-1, 0, PAGE_READONLY, 0 };
	CHECK_STATUS(mm_map_view(section, &a), (NTSTATUS)0xC000001FL);
	static char longname[300];	/* over MAX_PATH */
	memset(longname, 'n', sizeof longname - 1);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, longname), ERROR_INVALID_NAME);
	HANDLE h = NULL;
	CHECK_STATUS(sys(SYS_NtCreateSection, U(&h), U("a\0b"), 3, 0x1000, PAGE_READWRITE, 0),
		     (NTSTATUS)0xC0000033L);	/* STATUS_OBJECT_NAME_INVALID */
	CHECK_STATUS(sys(SYS_NtCreateSection, U(&h), U("x"), U(-1), 0x1000, PAGE_READWRITE, 0),
		     (NTSTATUS)0xC0000033L);
	CHECK_STATUS(sys(SYS_NtCreateSection, U(&h), 0, 0, U(-1), PAGE_READWRITE, 0),
		     (NTSTATUS)0xC0000040L);	/* STATUS_SECTION_TOO_BIG */
	CHECK_STATUS(sys(SYS_NtUnmapViewOfSection, 0x44, U(ro), 0, 0, 0, 0), STATUS_INVALID_HANDLE);
	CHECK_STATUS(sys(SYS_NtUnmapViewOfSection, U(-1), 0xffff800000000000ULL, 0, 0, 0, 0),
		     (NTSTATUS)0xC0000019L);	/* STATUS_NOT_MAPPED_VIEW */
	CHECK_STATUS(sys(SYS_NtWaitForChild, U(-1), 2, U(&a), 0, 0, 0), STATUS_INVALID_PARAMETER);
	CHECK(h == NULL);
	CHECK(CloseHandle(section));
	/* A dispatcher address in the kernel half is refused. */
	CHECK_STATUS(raw(SYS_NtSetExceptionDispatcher, (void *)0xffffffff80100000ULL, 0, 0), STATUS_INVALID_PARAMETER);
	CHECK(VirtualFree(watched, 0, MEM_RELEASE));
	/* The reservation is intact and still ours to release. */
	CHECK_EQ(ro[0], 0);
	CHECK(VirtualFree(ro, 0, MEM_RELEASE));
	/* A huge length is refused before any copy. */
	CHECK_STATUS(mm_write("x", (SIZE_T)-1), STATUS_ACCESS_VIOLATION);
	CHECK_EQ(utest_free_frames(), frames);
	return utest_done("syscall_badptr");
}
