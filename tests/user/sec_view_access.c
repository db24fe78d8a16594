/*
 * tests/user/sec_view_access.c - the section corrections of spec section 19
 * (issue 21): 19.1 MapViewOfFile's desired access -> view protection for
 * every combination of FILE_MAP_COPY/WRITE/READ, SECTION_MAP_EXECUTE and
 * FILE_MAP_EXECUTE (the spec's rows, then all 32 by the rule), each view's
 * Protect/AllocationProtect and which accesses fault, NtMapViewOfSection
 * and MapViewOfFile3 with PAGE_NOACCESS; 19.2.5 STATUS_SECTION_PROTECTION
 * (Win32 5 through MapViewOfFile); 19.2.1 NtMapViewOfSection's ZeroBits;
 * and GetMappedFileName of image views (the exe's and DLLs' files, as
 * GetModuleFileName names them, on \Device\HarddiskVolume1).
 */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#include <winternl.h>
#include <wchar.h>

#include "utest.h"
#include "va2_common.h"
#include <psapi.h>

#include "nt_section.h"

#define P 4096u
#define C FILE_MAP_COPY
#define W FILE_MAP_WRITE
#define R FILE_MAP_READ
#define SME SECTION_MAP_EXECUTE
#define FME FILE_MAP_EXECUTE

/* The spec's table (19.1), row by row. */
static const struct {
	DWORD access, protect;
} rows[] = {
	{ 0, PAGE_NOACCESS },
	{ SME, PAGE_NOACCESS },
	{ FME, PAGE_NOACCESS },
	{ FME | SME, PAGE_NOACCESS },
	{ C, PAGE_WRITECOPY },
	{ C | SME, PAGE_NOACCESS },
	{ C | SME | FME, PAGE_NOACCESS },
	{ C | FME, PAGE_EXECUTE_WRITECOPY },
	{ W, PAGE_READWRITE },
	{ W | R, PAGE_READWRITE },
	{ W | C | SME, PAGE_READWRITE },
	{ W | FME, PAGE_EXECUTE_READWRITE },
	{ W | R | C | SME | FME, PAGE_EXECUTE_READWRITE },
	{ R, PAGE_READONLY },
	{ R | C, PAGE_READONLY },
	{ R | SME, PAGE_READONLY },
	{ R | FME, PAGE_EXECUTE_READ },
	{ R | C | FME, PAGE_EXECUTE_READ },
	{ R | C | SME | FME, PAGE_EXECUTE_READ },
};

/* The rule in words (19.1): write wins over read, read over copy, copy only without SECTION_MAP_EXECUTE. */
static DWORD rule(DWORD a)
{
	DWORD base = a & W ? PAGE_READWRITE : a & R ? PAGE_READONLY : (a & C) && !(a & SME) ? PAGE_WRITECOPY : 0;
	if (!base)
		return PAGE_NOACCESS;
	if (!(a & FME))
		return base;
	return base == PAGE_READWRITE ? PAGE_EXECUTE_READWRITE
	       : base == PAGE_READONLY ? PAGE_EXECUTE_READ
				       : PAGE_EXECUTE_WRITECOPY;
}

static int writable(DWORD p)
{
	return p == PAGE_READWRITE || p == PAGE_EXECUTE_READWRITE || p == PAGE_WRITECOPY || p == PAGE_EXECUTE_WRITECOPY;
}

/* Map s with access, check the view's protection and what faults; the page it writes holds 0x5a after. */
static void check_view(HANDLE s, DWORD access, DWORD want)
{
	SetLastError(0xdeadbeef);
	unsigned char *v = MapViewOfFile(s, access, 0, 0, 0);
	CHECK(v != NULL);
	if (!v) {
		printf("  access %#lx: error %lu\n", (unsigned long)access, (unsigned long)GetLastError());
		return;
	}
	MEMORY_BASIC_INFORMATION m = query_region(v);
	CHECK_EQ(m.Protect, want);
	CHECK_EQ(m.AllocationProtect, want);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Type, MEM_MAPPED);
	CHECK_EQ(m.RegionSize, 2 * P);
	if (m.Protect != want)
		printf("  access %#lx: %#lx, want %#lx\n", (unsigned long)access, (unsigned long)m.Protect,
			  (unsigned long)want);
	CHECK_EQ(utest_probe_read(v + P), want == PAGE_NOACCESS ? 0xC0000005u : 0u);
	CHECK_EQ(utest_probe_write(v + P, 0x5a), writable(want) ? 0u : 0xC0000005u);
	if (writable(want))
		CHECK_EQ(v[P], 0x5a);
	CHECK(UnmapViewOfFile(v));
}

static void test_access_table(void)
{
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_EXECUTE_READWRITE, 0, 2 * P, NULL);
	CHECK(s != NULL);
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		CHECK_EQ(rule(rows[i].access), rows[i].protect);	/* the rule says what the table says */
		check_view(s, rows[i].access, rows[i].protect);
	}
	static const DWORD bits[] = { C, W, R, SME, FME };
	for (unsigned m = 0; m < 32; m++) {
		DWORD a = 0;
		for (unsigned b = 0; b < 5; b++)
			if (m & (1u << b))
				a |= bits[b];
		check_view(s, a, rule(a));
	}
	/* The section's own pages: what the write views wrote (write-copy views wrote their own copies). */
	unsigned char *r = MapViewOfFile(s, R, 0, 0, 0);
	CHECK(r && r[P] == 0x5a && r[0] == 0);
	CHECK(r && UnmapViewOfFile(r));
	/* A PAGE_NOACCESS view through the native call and through MapViewOfFile3. */
	PVOID base = NULL;
	SIZE_T size = 0;
	LARGE_INTEGER off = { .QuadPart = 0 };
	CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &base, 0, 0, &off, &size, 1, 0, PAGE_NOACCESS),
		     STATUS_SUCCESS);
	CHECK_EQ(size, 2 * P);
	CHECK_REGION(base, MEM_COMMIT, PAGE_NOACCESS, 2 * P);
	CHECK_EQ(query_region(base).AllocationProtect, PAGE_NOACCESS);
	CHECK_EQ(utest_probe_read(base), 0xC0000005u);
	CHECK_STATUS(NtUnmapViewOfSection(GetCurrentProcess(), base), STATUS_SUCCESS);
	void *v3 = pMapViewOfFile3(s, GetCurrentProcess(), NULL, 0, 0, 0, PAGE_NOACCESS, NULL, 0);
	CHECK(v3 != NULL);
	CHECK_EQ(query_region(v3).Protect, PAGE_NOACCESS);
	CHECK(v3 && UnmapViewOfFile(v3));
	CHECK(CloseHandle(s));
}

/* 19.2.5: a view the section's protection does not allow. */
static void test_section_protection(void)
{
	HANDLE rw = NULL, ro = NULL;
	LARGE_INTEGER max = { .QuadPart = 0x20000 };
	CHECK_STATUS(NtCreateSection(&rw, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_COMMIT, NULL),
		     STATUS_SUCCESS);
	CHECK_STATUS(NtCreateSection(&ro, SECTION_ALL_ACCESS, NULL, &max, PAGE_READONLY, SEC_COMMIT, NULL),
		     STATUS_SUCCESS);
	static const struct {
		int ro;
		ULONG protect;
	} bad[] = { { 0, PAGE_EXECUTE_READWRITE }, { 0, PAGE_EXECUTE_READ }, { 0, PAGE_EXECUTE_WRITECOPY },
		    { 1, PAGE_READWRITE },	       { 1, PAGE_EXECUTE_READ } };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		PVOID base = (PVOID)0x30000000;
		SIZE_T size = P;
		LARGE_INTEGER off = { .QuadPart = 0 };
		CHECK_STATUS(NtMapViewOfSection(bad[i].ro ? ro : rw, GetCurrentProcess(), &base, 0, 0, &off, &size, 1, 0,
						bad[i].protect),
			     STATUS_SECTION_PROTECTION);
		CHECK_EQ(query_region((void *)0x30000000).State, MEM_FREE);	/* nothing mapped */
	}
	/* Win32: 5 (ERROR_ACCESS_DENIED), as Windows' CreateFileMapping handles give it. */
	CHECK_ERR(MapViewOfFile(rw, R | FME, 0, 0, 0), ERROR_ACCESS_DENIED);
	CHECK_ERR(MapViewOfFile(rw, W | FME, 0, 0, 0), ERROR_ACCESS_DENIED);
	CHECK_ERR(MapViewOfFile(ro, W, 0, 0, 0), ERROR_ACCESS_DENIED);
	CHECK_ERR(pMapViewOfFile3(rw, GetCurrentProcess(), NULL, 0, 0, 0, PAGE_EXECUTE_READ, NULL, 0),
		  ERROR_ACCESS_DENIED);
	/* Execute-only asks for no execute: a PAGE_NOACCESS view even of a non-execute section. */
	void *v = MapViewOfFile(rw, FME, 0, 0, 0);
	CHECK(v != NULL && query_region(v).Protect == PAGE_NOACCESS);
	CHECK(v && UnmapViewOfFile(v));
	CHECK(CloseHandle(rw) && CloseHandle(ro));
}

/* 19.2.1, the view half: ZeroBits as NtAllocateVirtualMemory's. */
static void test_zero_bits(void)
{
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x20000, NULL);
	CHECK(s != NULL);
	static const ULONG_PTR ok_bits[] = { 1, 2, 8, 0x7fffffff, 0x1aaaaaaa, 0xffffffffffffULL };
	for (unsigned i = 0; i < sizeof ok_bits / sizeof ok_bits[0]; i++) {
		ULONG_PTR zb = ok_bits[i];
		unsigned long long limit = zb < 32 ? (1ULL << (32 - zb)) - 1 : (2ULL << (63 - __builtin_clzll(zb))) - 1;
		PVOID base = NULL;
		SIZE_T size = 0;
		LARGE_INTEGER off = { .QuadPart = 0 };
		CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &base, zb, 0, &off, &size, 1, 0, PAGE_READWRITE),
			     STATUS_SUCCESS);
		CHECK(base != NULL && (ULONG_PTR)base + size - 1 <= limit);
		if ((ULONG_PTR)base + size - 1 > limit)
			printf("  ZeroBits %#llx: view %p + %#llx\n", (unsigned long long)zb, base,
				  (unsigned long long)size);
		if (base)
			*(volatile int *)base = (int)i;	/* a usable view */
		CHECK_STATUS(NtUnmapViewOfSection(GetCurrentProcess(), base), STATUS_SUCCESS);
	}
	/* A view mapped without ZeroBits goes above 4 GiB here: the limit is what placed the ones above. */
	PVOID any = NULL;
	SIZE_T asz = 0;
	LARGE_INTEGER off = { .QuadPart = 0 };
	CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &any, 0, 0, &off, &asz, 1, MEM_TOP_DOWN, PAGE_READWRITE),
		     STATUS_SUCCESS);
	CHECK((ULONG_PTR)any > 0xffffffffULL);
	CHECK_STATUS(NtUnmapViewOfSection(GetCurrentProcess(), any), STATUS_SUCCESS);
	/* Top-down with ZeroBits 1: the highest free granule below 2 GiB. */
	PVOID top = NULL;
	SIZE_T tsz = 0;
	CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &top, 1, 0, &off, &tsz, 1, MEM_TOP_DOWN, PAGE_READWRITE),
		     STATUS_SUCCESS);
	CHECK_EQ((ULONG_PTR)top, 0x80000000ULL - 0x20000);
	CHECK_STATUS(NtUnmapViewOfSection(GetCurrentProcess(), top), STATUS_SUCCESS);
	/* 21: no room; 22-31: parameter 4. */
	for (ULONG_PTR zb = 21; zb < 32; zb++) {
		PVOID base = NULL;
		SIZE_T size = 0;
		CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &base, zb, 0, &off, &size, 1, 0, PAGE_READWRITE),
			     zb == 21 ? STATUS_NO_MEMORY : STATUS_INVALID_PARAMETER_4);
		CHECK(base == NULL);
	}
	/* An explicit address is taken as it is; a taken one still conflicts. */
	PVOID at = (PVOID)0x7ff000000000ULL;
	SIZE_T size = 0;
	CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &at, 8, 0, &off, &size, 1, 0, PAGE_READWRITE),
		     STATUS_SUCCESS);
	CHECK_EQ((ULONG_PTR)at, 0x7ff000000000ULL);
	PVOID again = at;
	CHECK_STATUS(NtMapViewOfSection(s, GetCurrentProcess(), &again, 8, 0, &off, &size, 1, 0, PAGE_READWRITE),
		     STATUS_CONFLICTING_ADDRESSES);
	CHECK_STATUS(NtUnmapViewOfSection(GetCurrentProcess(), at), STATUS_SUCCESS);
	CHECK(CloseHandle(s));
}

/* Compare the image view name at a with "\Device\HarddiskVolume1" + GetModuleFileName(m) less its drive. */
static void check_image_name(HMODULE m, const void *a)
{
	WCHAR file[MAX_PATH], want[MAX_PATH + 32], got[MAX_PATH + 32];
	DWORD n = GetModuleFileNameW(m, file, MAX_PATH);
	CHECK(n > 2 && file[1] == L':');
	swprintf(want, MAX_PATH + 32, L"\\Device\\HarddiskVolume1%ls", file + 2);
	DWORD g = GetMappedFileNameW(GetCurrentProcess(), (LPVOID)a, got, MAX_PATH + 32);
	CHECK_EQ(g, (DWORD)wcslen(want));
	CHECK(g && _wcsicmp(got, want) == 0);
	if (!g || _wcsicmp(got, want) != 0)
		printf("  image %p: '%ls' (error %lu), want '%ls'\n", a, g ? got : L"", (unsigned long)GetLastError(), want);
}

/* Image views name their file (MemoryMappedFilenameInformation of a MEM_IMAGE region). */
static void test_image_names(void)
{
	HMODULE exe = GetModuleHandleA(NULL), k32 = GetModuleHandleA("kernel32.dll"), nt = GetModuleHandleA("ntdll.dll");
	check_image_name(exe, exe);
	check_image_name(exe, (const void *)test_image_names);	/* inside .text */
	check_image_name(k32, k32);
	check_image_name(k32, (const void *)GetProcAddress(k32, "MapViewOfFile"));
	check_image_name(nt, nt);
	/* A DLL loaded from C: by its path (make test's disk has it; make run's has not): that file. */
	if (GetFileAttributesA("C:\\dll_imgpath.dll") != INVALID_FILE_ATTRIBUTES) {
		HMODULE d = LoadLibraryA("C:\\dll_imgpath.dll");
		CHECK(d != NULL);
		WCHAR got[MAX_PATH];
		CHECK(d && GetMappedFileNameW(GetCurrentProcess(), d, got, MAX_PATH) > 0 &&
		      _wcsicmp(got, L"\\Device\\HarddiskVolume1\\dll_imgpath.dll") == 0);
		CHECK(d && FreeLibrary(d));	/* (its FullDllName says system32: the loader names every DLL so) */
	}
	/* Too small: the length it needs, truncated as GetMappedFileName does. */
	WCHAR small[8];
	CHECK_EQ(GetMappedFileNameW(GetCurrentProcess(), k32, small, 8), 8);
	CHECK(wcsncmp(small, L"\\Device", 7) == 0);
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	utest_probe_init();
	CHECK(va2_init());
	test_access_table();
	test_section_protection();
	test_zero_bits();
	test_image_names();
	return utest_done("sec_view_access");
}
