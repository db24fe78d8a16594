/*
 * tests/user/procmem_region.c - NtQueryVirtualMemory's region classes (issue
 * 21) through kernel32: QueryVirtualMemoryInformation(MemoryRegionInfo) -
 * the whole allocation holding an address, its type (private, pagefile
 * view, file view, image), size and committed bytes - and GetMappedFileName
 * (MemoryMappedFilenameInformation): a file view's file as Windows names it,
 * \Device\HarddiskVolume1\dir\name; errors for free memory, memory that is
 * no file view, a short buffer, a missing right.
 */
#define NTDDI_VERSION 0x0A000002	/* NTDDI_WIN10_RS1: WIN32_MEMORY_REGION_INFORMATION */
#include <string.h>
#include <wchar.h>

#include "utest.h"
#include <psapi.h>

#define P 4096

/* In no MinGW import library: from kernelbase.dll on Windows, kernel32.dll here. */
typedef BOOL(WINAPI *qvmi_fn)(HANDLE, const VOID *, WIN32_MEMORY_INFORMATION_CLASS, PVOID, SIZE_T, PSIZE_T);
static qvmi_fn pQuery;
#define QueryVirtualMemoryInformation pQuery

static WIN32_MEMORY_REGION_INFORMATION ri;

static BOOL region(const void *va)
{
	SIZE_T ret = 0;
	memset(&ri, 0xcc, sizeof ri);
	BOOL ok = QueryVirtualMemoryInformation(GetCurrentProcess(), va, MemoryRegionInfo, &ri, sizeof ri, &ret);
	return ok && ret == sizeof ri;
}

/* A file of `bytes` bytes at path, mapped whole; the view (NULL on failure), its handles closed. */
static char *map_file(const char *path, DWORD bytes)
{
	HANDLE f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	CHECK(f != INVALID_HANDLE_VALUE);
	static char buf[P];
	DWORD n = 0;
	for (DWORD done = 0; done < bytes; done += P)
		CHECK(WriteFile(f, buf, P, &n, NULL) && n == P);
	HANDLE m = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL);
	CHECK(m != NULL);
	char *v = m ? MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0) : NULL;
	CHECK(v != NULL);
	if (m)
		CloseHandle(m);
	CloseHandle(f);
	return v;
}

static void private_and_sections(void)
{
	char *a = VirtualAlloc(NULL, 16 * P, MEM_RESERVE, PAGE_READWRITE);
	CHECK(a && VirtualAlloc(a + 8 * P, 4 * P, MEM_COMMIT, PAGE_READONLY));
	CHECK(region(a + 9 * P));
	CHECK(ri.AllocationBase == a && ri.AllocationProtect == PAGE_READWRITE && ri.RegionSize == 16 * P &&
	      ri.CommitSize == 4 * P);
	CHECK(ri.Private && !ri.MappedDataFile && !ri.MappedImage && !ri.MappedPageFile);
	CHECK(region(a) && ri.AllocationBase == a);	/* a reserved page: the same allocation */
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK_ERR(region(a), ERROR_INVALID_ADDRESS);	/* free */

	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0, 64 * P, NULL);
	char *v = MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(v && VirtualAlloc(v + 2 * P, 2 * P, MEM_COMMIT, PAGE_READWRITE));
	CHECK(region(v + 40 * P));
	CHECK(ri.AllocationBase == v && ri.RegionSize == 64 * P && ri.CommitSize == 2 * P && ri.MappedPageFile &&
	      !ri.Private && !ri.MappedDataFile);
	WCHAR name[64];
	CHECK_ERR(GetMappedFileNameW(GetCurrentProcess(), v, name, 64), ERROR_FILE_INVALID);	/* no file */
	CHECK(UnmapViewOfFile(v) && CloseHandle(s));

	CHECK(region(GetModuleHandleA(NULL)));
	CHECK(ri.MappedImage && !ri.Private && ri.AllocationBase == (PVOID)GetModuleHandleA(NULL));
	CHECK(region(&ri) && ri.MappedImage);	/* our .bss */
	/* Arguments and rights. */
	SIZE_T ret;
	CHECK_ERR(QueryVirtualMemoryInformation(GetCurrentProcess(), &ri, (WIN32_MEMORY_INFORMATION_CLASS)1, &ri,
						sizeof ri, &ret),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(QueryVirtualMemoryInformation(GetCurrentProcess(), &ri, MemoryRegionInfo, &ri, 16, &ret),
		  ERROR_BAD_LENGTH);
	HANDLE q = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentProcessId());
	CHECK_ERR(QueryVirtualMemoryInformation(q, &ri, MemoryRegionInfo, &ri, sizeof ri, &ret), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(q));
}

static void file_names(void)
{
	char *v = map_file("C:\\procreg.dat", 3 * P);
	CHECK(region(v + P) && ri.MappedDataFile && !ri.MappedPageFile && ri.RegionSize == 3 * P &&
	      ri.CommitSize == 3 * P);
	WCHAR name[128];
	DWORD n = GetMappedFileNameW(GetCurrentProcess(), v + 2 * P + 5, name, 128);
	CHECK(n == wcslen(L"\\Device\\HarddiskVolume1\\procreg.dat") &&
	      wcscmp(name, L"\\Device\\HarddiskVolume1\\procreg.dat") == 0);
	char an[128];
	CHECK(GetMappedFileNameA(GetCurrentProcess(), v, an, 128) == n && strcmp(an, "\\Device\\HarddiskVolume1\\procreg.dat") == 0);
	/* A short buffer: nSize characters, no NUL, ERROR_INSUFFICIENT_BUFFER. */
	WCHAR small[8];
	SetLastError(0);
	CHECK_EQ(GetMappedFileNameW(GetCurrentProcess(), v, small, 8), 8);
	CHECK(GetLastError() == ERROR_INSUFFICIENT_BUFFER && wcsncmp(small, L"\\Device\\", 8) == 0);
	CHECK(UnmapViewOfFile(v));
	CHECK_ERR(GetMappedFileNameW(GetCurrentProcess(), v, name, 128), ERROR_INVALID_ADDRESS);	/* gone */
	CHECK(DeleteFileA("C:\\procreg.dat"));

	/* In a directory, the long name as created. */
	CHECK(CreateDirectoryA("C:\\Proc Region Dir", NULL));
	v = map_file("C:\\Proc Region Dir\\Mixed Case Name.bin", P);
	n = GetMappedFileNameW(GetCurrentProcess(), v, name, 128);
	CHECK(n > 0 && wcscmp(name, L"\\Device\\HarddiskVolume1\\Proc Region Dir\\Mixed Case Name.bin") == 0);
	CHECK(UnmapViewOfFile(v));
	CHECK(DeleteFileA("C:\\Proc Region Dir\\Mixed Case Name.bin") && RemoveDirectoryA("C:\\Proc Region Dir"));
	/* Private memory: no file. */
	CHECK_ERR(GetMappedFileNameW(GetCurrentProcess(), name, name, 128), ERROR_FILE_INVALID);	/* the stack */
}

int main(void)
{
	HMODULE k = GetModuleHandleA("kernelbase.dll");
	if (!k || !GetProcAddress(k, "QueryVirtualMemoryInformation"))
		k = GetModuleHandleA("kernel32.dll");
	pQuery = (qvmi_fn)(void (*)(void))GetProcAddress(k, "QueryVirtualMemoryInformation");
	CHECK(pQuery != NULL);
	if (!pQuery)
		return utest_done("procmem_region");
	private_and_sections();
	file_names();
	return utest_done("procmem_region");
}
