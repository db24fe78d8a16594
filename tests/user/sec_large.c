/*
 * tests/user/sec_large.c - sections larger than 4 GiB through ntdll's
 * Windows signatures (issue 20): NtCreateSection of an 8 GiB SEC_RESERVE
 * pagefile-backed section (a LARGE_INTEGER size), NtMapViewOfSection of its
 * last 64 KiB (a LARGE_INTEGER SectionOffset past 4 GiB, ViewSize in and
 * out), committing and writing there, the same bytes seen through
 * MapViewOfFile with a high offset word, a view past the end refused,
 * NtUnmapViewOfSection; commit is charged for the committed pages only and
 * everything comes back.  CreateFileMapping of 8 GiB the same way.  The
 * limits of spec 19.2.8 (test_limits).
 */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#include <winternl.h>

#include "utest.h"

#include "nt_section.h"

#define GIB      (1ULL << 30)
#define SIZE8G   (8 * GIB)
#define VIEW     0x10000ULL
#define VIEW_OFF (SIZE8G - VIEW)

static unsigned long long charged(void)
{
	struct abi_memory_status m;
	mm_memory_status(&m);
	return m.commit_charged;
}

static void test_nt_calls(void)
{
	unsigned long long f0 = utest_free_frames(), c0 = charged();	/* frames first: the first call warms the heap */
	HANDLE s = NULL;
	LARGE_INTEGER max;
	max.QuadPart = (LONGLONG)SIZE8G;
	CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_RESERVE, NULL), STATUS_SUCCESS);
	CHECK(s != NULL);
	CHECK_EQ(charged(), c0);	/* SEC_RESERVE: nothing committed yet */
	PVOID base = NULL;
	SIZE_T vsize = VIEW;
	LARGE_INTEGER off;
	off.QuadPart = (LONGLONG)VIEW_OFF;
	CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &base, 0, 0, &off, &vsize, 2 /* ViewUnmap */, 0,
					PAGE_READWRITE),
		     STATUS_SUCCESS);
	CHECK(base != NULL);
	CHECK_EQ(vsize, VIEW);
	MEMORY_BASIC_INFORMATION mbi = query_region(base);
	CHECK_EQ(mbi.State, MEM_RESERVE);
	CHECK_EQ(mbi.Type, MEM_MAPPED);
	CHECK_EQ(mbi.RegionSize, VIEW);
	/* Commit the view's pages: 16 pages charged, written, read back. */
	CHECK(VirtualAlloc(base, VIEW, MEM_COMMIT, PAGE_READWRITE) == base);
	CHECK_EQ(charged(), c0 + VIEW / 4096);
	volatile unsigned char *p = base;
	for (unsigned i = 0; i < VIEW; i += 4096)
		p[i] = (unsigned char)(i >> 12 | 0x80);
	/* The same last 64 KiB through MapViewOfFile: offset 0x1FFFF0000 in two words. */
	unsigned char *q = MapViewOfFile(s, FILE_MAP_READ, (DWORD)(VIEW_OFF >> 32), (DWORD)VIEW_OFF, VIEW);
	CHECK(q != NULL);
	for (unsigned i = 0; q && i < VIEW; i += 4096)
		CHECK_EQ(q[i], (unsigned char)(i >> 12 | 0x80));
	CHECK(q && UnmapViewOfFile(q));
	/* Past the end: at the end, and 64 KiB reaching over it. */
	PVOID b2 = NULL;
	SIZE_T s2 = VIEW;
	LARGE_INTEGER end;
	end.QuadPart = (LONGLONG)SIZE8G;
	CHECK(!NT_SUCCESS(NtMapViewOfSection(s, GetCurrentProcess(), &b2, 0, 0, &end, &s2, 2, 0, PAGE_READWRITE)));
	b2 = NULL;
	s2 = 2 * VIEW;
	CHECK(!NT_SUCCESS(NtMapViewOfSection(s, GetCurrentProcess(), &b2, 0, 0, &off, &s2, 2, 0, PAGE_READWRITE)));
	CHECK(MapViewOfFile(s, FILE_MAP_READ, (DWORD)(SIZE8G >> 32), 0, VIEW) == NULL);
	CHECK_STATUS(NtUnmapViewOfSection(GetCurrentProcess(), base), STATUS_SUCCESS);
	CHECK_STATUS(NtUnmapViewOfSection(GetCurrentProcess(), base), STATUS_NOT_MAPPED_VIEW);
	CHECK_EQ(charged(), c0 + VIEW / 4096);	/* the section keeps its committed pages */
	CHECK(CloseHandle(s));
	CHECK_EQ(charged(), c0);
	CHECK_EQ(utest_free_frames(), f0);
}

static void test_create_file_mapping(void)
{
	unsigned long long f0 = utest_free_frames(), c0 = charged();	/* frames first: the first call warms the heap */
	HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, (DWORD)(SIZE8G >> 32), 0,
				      NULL);
	CHECK(m != NULL);
	unsigned char *v = m ? MapViewOfFile(m, FILE_MAP_WRITE, (DWORD)(VIEW_OFF >> 32), (DWORD)VIEW_OFF, 0) : NULL;
	CHECK(v != NULL);	/* size 0: to the end of the section, 64 KiB */
	if (v) {
		CHECK_EQ(query_region(v).RegionSize, VIEW);
		CHECK(VirtualAlloc(v + VIEW - 4096, 4096, MEM_COMMIT, PAGE_READWRITE) != NULL);
		v[VIEW - 1] = 0x77;	/* the section's very last byte, 8 GiB - 1 */
		CHECK_EQ(v[VIEW - 1], 0x77);
		CHECK_EQ(charged(), c0 + 1);
		CHECK(UnmapViewOfFile(v));
	}
	CHECK(m && CloseHandle(m));
	CHECK_EQ(charged(), c0);
	CHECK_EQ(utest_free_frames(), f0);
	/* 8 GiB committed at once is more than the commit limit here. */
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, (DWORD)(SIZE8G >> 32), 0, NULL),
		  ERROR_COMMITMENT_LIMIT);
}

/*
 * Spec 19.2.8: pagefile-backed sections are limited by the commit and by what
 * their page directory allows, not by a fixed size: 512 GiB SEC_COMMIT is past
 * the commit limit, 8 TiB SEC_RESERVE past the directory (Windows: paged pool
 * for its prototype PTEs), past the address space too big; 100 GiB
 * SEC_RESERVE (over the 16 GiB this kernel once stopped at) works at its end.
 */
static void test_limits(void)
{
	unsigned long long f0 = utest_free_frames(), c0 = charged();
	HANDLE s = NULL;
	LARGE_INTEGER max;
	max.QuadPart = (LONGLONG)(512 * GIB);
	CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_COMMIT, NULL),
		     STATUS_COMMITMENT_LIMIT);
	max.QuadPart = (LONGLONG)(8192 * GIB);
	CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_RESERVE, NULL),
		     STATUS_INSUFFICIENT_RESOURCES);
	CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_COMMIT, NULL),
		     STATUS_COMMITMENT_LIMIT);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 8192 >> 2, 0, NULL),
		  ERROR_NO_SYSTEM_RESOURCES);
	max.QuadPart = (LONGLONG)(1ULL << 48);	/* 256 TiB: more than a process's address space */
	CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_RESERVE, NULL),
		     STATUS_SECTION_TOO_BIG);
	CHECK(s == NULL);
	max.QuadPart = (LONGLONG)(100 * GIB);
	CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_RESERVE, NULL),
		     STATUS_SUCCESS);
	CHECK_EQ(charged(), c0);
	unsigned long long last = 100 * GIB - VIEW;
	unsigned char *v = s ? MapViewOfFile(s, FILE_MAP_WRITE, (DWORD)(last >> 32), (DWORD)last, 0) : NULL;
	CHECK(v != NULL);
	if (v) {
		CHECK(VirtualAlloc(v + VIEW - 4096, 4096, MEM_COMMIT, PAGE_READWRITE) != NULL);
		v[VIEW - 1] = 0x42;	/* 100 GiB - 1 */
		CHECK_EQ(charged(), c0 + 1);
		unsigned char *r = MapViewOfFile(s, FILE_MAP_READ, (DWORD)(last >> 32), (DWORD)last, VIEW);
		CHECK(r && r[VIEW - 1] == 0x42);
		CHECK(r && UnmapViewOfFile(r));
		CHECK(UnmapViewOfFile(v));
	}
	CHECK(s && CloseHandle(s));
	CHECK_EQ(charged(), c0);
	CHECK_EQ(utest_free_frames(), f0);
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	test_nt_calls();
	test_create_file_mapping();
	test_limits();
	return utest_done("sec_large");
}
