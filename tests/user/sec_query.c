/*
 * tests/user/sec_query.c - NtQuerySection and image sections over files
 * (issue 20): SectionBasicInformation of pagefile, file and image sections
 * (the size and attributes Windows reports, from ReactOS' Windows-verified
 * NtQuerySection test), SectionImageInformation against the file's own
 * headers, the argument checks in Windows' order; CreateFileMapping with
 * SEC_IMAGE on a file of C: and MapViewOfFile of it (MEM_IMAGE, each PE
 * section's protection, STATUS_IMAGE_NOT_AT_BASE when it cannot be at its
 * ImageBase); SEC_IMAGE refused for a file that is no image, a handle
 * without read access; nothing leaks.
 */
#include "utest.h"
#include <winternl.h>

#define DLL      "C:\\dll_imgpath.dll"	/* on every test C: (tests/user/img_disk.c) */
#define SYSDLL   "C:\\Windows\\System32\\kernel32.dll"
#define TEXTFILE "C:\\sec_query.txt"

#define STATUS_INFO_LENGTH_MISMATCH_ ((NTSTATUS)0xC0000004)
#define STATUS_INVALID_INFO_CLASS_   ((NTSTATUS)0xC0000003)
#define STATUS_SECTION_NOT_IMAGE_    ((NTSTATUS)0xC0000049)
#define STATUS_ACCESS_DENIED_        ((NTSTATUS)0xC0000022)
#define STATUS_INVALID_HANDLE_       ((NTSTATUS)0xC0000008)
#define STATUS_ACCESS_VIOLATION_     ((NTSTATUS)0xC0000005)
#define STATUS_OBJECT_TYPE_MISMATCH_ ((NTSTATUS)0xC0000024)
#define STATUS_IMAGE_NOT_AT_BASE_    ((NTSTATUS)0x40000003)
#define STATUS_INVALID_PARAMETER_4_  ((NTSTATUS)0xC00000F2)

/* Windows' structures (x64), as ntdll's callers declare them. */
typedef struct {
	PVOID BaseAddress;
	ULONG Attributes;
	LARGE_INTEGER Size;
} SBI;
typedef struct {
	PVOID TransferAddress;
	ULONG ZeroBits;
	SIZE_T MaximumStackSize, CommittedStackSize;
	ULONG SubSystemType;
	USHORT SubSystemMinorVersion, SubSystemMajorVersion;
	USHORT MajorOperatingSystemVersion, MinorOperatingSystemVersion;
	USHORT ImageCharacteristics, DllCharacteristics, Machine;
	BOOLEAN ImageContainsCode;
	UCHAR ImageFlags;
	ULONG LoaderFlags, ImageFileSize, CheckSum;
} SII;
_Static_assert(sizeof(SBI) == 24 && sizeof(SII) == 64, "Windows' sizes");

#include "nt_section.h"

static HANDLE pagefile_section(DWORD protect, DWORD size)
{
	HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, protect, 0, size, NULL);
	CHECK(m != NULL);
	return m;
}

static void query_basic(HANDLE m, SBI *b)
{
	SIZE_T ret = 0;
	memset(b, 0xcc, sizeof(*b));
	CHECK_STATUS(NtQuerySection(m, 0, b, sizeof(*b), &ret), 0);
	CHECK_EQ(ret, sizeof(*b));
	CHECK(b->BaseAddress == NULL);
}

/* SectionBasicInformation of pagefile sections and the argument checks. */
static void basic_pagefile(void)
{
	SBI b;
	HANDLE m = pagefile_section(PAGE_EXECUTE_READWRITE | SEC_COMMIT, 0x123);
	query_basic(m, &b);
	CHECK_EQ(b.Attributes, SEC_COMMIT);
	CHECK_EQ(b.Size.QuadPart, 4096);	/* whole pages */
	SIZE_T ret = 77;
	CHECK_STATUS(NtQuerySection(NULL, 0, &b, sizeof(b), &ret), STATUS_INVALID_HANDLE_);
	CHECK_STATUS(NtQuerySection(m, 0, NULL, sizeof(b), &ret), STATUS_ACCESS_VIOLATION_);
	CHECK_STATUS(NtQuerySection(m, 0, &b, sizeof(b) - 1, &ret), STATUS_INFO_LENGTH_MISMATCH_);
	CHECK_STATUS(NtQuerySection(m, 5, &b, sizeof(b), &ret), STATUS_INVALID_INFO_CLASS_);
	SII ii;
	CHECK_STATUS(NtQuerySection(m, 1, &ii, sizeof(ii), &ret), STATUS_SECTION_NOT_IMAGE_);
	CHECK_STATUS(NtQuerySection(m, 0, &b, sizeof(b), NULL), 0);	/* no length wanted */
	CHECK_STATUS(NtQuerySection(m, 0, &b, sizeof(b), (PSIZE_T)0x10), STATUS_ACCESS_VIOLATION_);
	HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
	CHECK_STATUS(NtQuerySection(ev, 0, &b, sizeof(b), &ret), STATUS_OBJECT_TYPE_MISMATCH_);
	CloseHandle(ev);
	CloseHandle(m);

	m = pagefile_section(PAGE_READWRITE | SEC_RESERVE, 4097);
	query_basic(m, &b);
	CHECK_EQ(b.Attributes, SEC_RESERVE);
	CHECK_EQ(b.Size.QuadPart, 8192);
	CloseHandle(m);

	/* SECTION_QUERY is needed: FILE_MAP_READ alone does not give it */
	m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, "sec_query_named");
	CHECK(m != NULL);
	HANDLE r = OpenFileMappingA(FILE_MAP_READ, FALSE, "sec_query_named");
	CHECK(r != NULL);
	CHECK_STATUS(NtQuerySection(r, 0, &b, sizeof(b), &ret), STATUS_ACCESS_DENIED_);
	CloseHandle(r);
	r = OpenFileMappingA(SECTION_QUERY, FALSE, "sec_query_named");
	CHECK(r != NULL);
	query_basic(r, &b);
	CHECK_EQ(b.Size.QuadPart, 65536);
	CloseHandle(r);
	CloseHandle(m);
}

static BOOL write_file(const char *name, const void *data, DWORD n)
{
	HANDLE h = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	DWORD done = 0;
	BOOL ok = h != INVALID_HANDLE_VALUE && WriteFile(h, data, n, &done, NULL) && done == n;
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	return ok;
}

/* A file section reports SEC_FILE (SEC_COMMIT/SEC_RESERVE are ignored) and the exact size. */
static void basic_file(void)
{
	CHECK(write_file(TEXTFILE, "hello, sections\n", 16));
	HANDLE h = CreateFileA(TEXTFILE, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	SBI b;
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READONLY, 0, 0, NULL);
	CHECK(m != NULL);
	query_basic(m, &b);
	CHECK_EQ(b.Attributes, SEC_FILE);
	CHECK_EQ(b.Size.QuadPart, 16);
	CloseHandle(m);
	m = CreateFileMappingA(h, NULL, PAGE_READONLY | SEC_RESERVE, 0, 1, NULL);
	CHECK(m != NULL);
	query_basic(m, &b);
	CHECK_EQ(b.Attributes, SEC_FILE);
	CHECK_EQ(b.Size.QuadPart, 1);
	CloseHandle(m);
	/* a text file is no image: ERROR_BAD_EXE_FORMAT */
	CHECK_ERR(CreateFileMappingA(h, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL), ERROR_BAD_EXE_FORMAT);
	CloseHandle(h);
	CHECK(DeleteFileA(TEXTFILE));
}

/* The file's headers, read with ReadFile. */
static BOOL file_headers(const char *name, IMAGE_NT_HEADERS64 *nt, DWORD *file_size)
{
	static unsigned char buf[4096];
	HANDLE h = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	DWORD n = 0;
	BOOL ok = h != INVALID_HANDLE_VALUE && ReadFile(h, buf, sizeof(buf), &n, NULL) && n >= 1024;
	if (ok)
		*file_size = GetFileSize(h, NULL);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	LONG off = ok ? *(LONG *)(buf + 0x3c) : 0;
	ok = ok && off > 0 && off + sizeof(*nt) <= n;
	if (ok)
		memcpy(nt, buf + off, sizeof(*nt));
	return ok;
}

/* Map image section m with NtMapViewOfSection; *st its status. */
static unsigned char *map_image(HANDLE m, NTSTATUS *st)
{
	PVOID base = NULL;
	SIZE_T size = 0;
	LARGE_INTEGER off = { .QuadPart = 0 };
	*st = NtMapViewOfSection(m, GetCurrentProcess(), &base, 0, 0, &off, &size, 1, 0, PAGE_READONLY);
	return NT_SUCCESS(*st) ? base : NULL;
}

/* SEC_IMAGE over name: what NtQuerySection says against the file's headers, and its view. */
static void image_of(const char *name, BOOL loaded_here)
{
	IMAGE_NT_HEADERS64 nt;
	DWORD fsize = 0;
	CHECK(file_headers(name, &nt, &fsize));
	HANDLE h = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	HANDLE m = CreateFileMappingA(h, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL);
	CHECK(m != NULL);
	CloseHandle(h);	/* the section keeps the file */
	if (!m)
		return;
	SBI b;
	query_basic(m, &b);
	CHECK_EQ(b.Attributes, SEC_FILE | SEC_IMAGE);
	CHECK_EQ(b.Size.QuadPart, (nt.OptionalHeader.SizeOfImage + 4095) & ~4095u);
	SII ii;
	SIZE_T ret = 0;
	CHECK_STATUS(NtQuerySection(m, 1, &ii, sizeof(ii), &ret), 0);
	CHECK_EQ(ret, sizeof(ii));
	CHECK_EQ(ii.Machine, IMAGE_FILE_MACHINE_AMD64);
	CHECK_EQ(ii.ImageCharacteristics, nt.FileHeader.Characteristics);
	CHECK_EQ(ii.DllCharacteristics, nt.OptionalHeader.DllCharacteristics);
	CHECK_EQ(ii.SubSystemType, nt.OptionalHeader.Subsystem);
	CHECK_EQ(ii.SubSystemMajorVersion, nt.OptionalHeader.MajorSubsystemVersion);
	CHECK_EQ(ii.SubSystemMinorVersion, nt.OptionalHeader.MinorSubsystemVersion);
	CHECK_EQ(ii.MajorOperatingSystemVersion, nt.OptionalHeader.MajorOperatingSystemVersion);
	CHECK_EQ(ii.MaximumStackSize, nt.OptionalHeader.SizeOfStackReserve);
	CHECK_EQ(ii.CommittedStackSize, nt.OptionalHeader.SizeOfStackCommit);
	CHECK_EQ(ii.CheckSum, nt.OptionalHeader.CheckSum);
	CHECK_EQ(ii.ImageFileSize, fsize);
	CHECK_EQ(ii.ImageContainsCode, nt.OptionalHeader.SizeOfCode != 0);
	/* the entry point at the section's base: ImageBase unless the image had to move for another */
	ULONG_PTR moved = (ii.ImageFlags & 4) ? 1 : 0;
	if (!moved)
		CHECK_EQ((ULONG_PTR)ii.TransferAddress,
			 nt.OptionalHeader.ImageBase + nt.OptionalHeader.AddressOfEntryPoint);

	NTSTATUS st;
	unsigned char *v = map_image(m, &st);
	CHECK(v != NULL);
	if (!v) {
		CloseHandle(m);
		return;
	}
	/* an image already loaded at its ImageBase here cannot get a second view there */
	if (loaded_here)
		CHECK_STATUS(st, STATUS_IMAGE_NOT_AT_BASE_);
	CHECK_STATUS(st, (ULONG_PTR)v == nt.OptionalHeader.ImageBase ? 0 : STATUS_IMAGE_NOT_AT_BASE_);
	MEMORY_BASIC_INFORMATION mbi;
	CHECK(VirtualQuery(v, &mbi, sizeof(mbi)) == sizeof(mbi));
	CHECK_EQ(mbi.Type, MEM_IMAGE);
	CHECK(mbi.AllocationBase == v);
	CHECK_EQ(mbi.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
	CHECK_EQ(mbi.Protect, PAGE_READONLY);	/* the headers */
	CHECK(v[0] == 'M' && v[1] == 'Z');
	IMAGE_NT_HEADERS64 *vn = (IMAGE_NT_HEADERS64 *)(v + *(LONG *)(v + 0x3c));
	CHECK_EQ(vn->OptionalHeader.AddressOfEntryPoint, nt.OptionalHeader.AddressOfEntryPoint);
	/* each section has the protection its characteristics give, code execute-read */
	IMAGE_SECTION_HEADER *sh = IMAGE_FIRST_SECTION(vn);
	int code_seen = 0;
	for (int i = 0; i < vn->FileHeader.NumberOfSections; i++) {
		DWORD c = sh[i].Characteristics;
		if ((c & IMAGE_SCN_MEM_EXECUTE) && !(c & IMAGE_SCN_MEM_WRITE) && sh[i].Misc.VirtualSize) {
			CHECK(VirtualQuery(v + sh[i].VirtualAddress, &mbi, sizeof(mbi)) == sizeof(mbi));
			CHECK_EQ(mbi.Protect, PAGE_EXECUTE_READ);
			CHECK_EQ(mbi.Type, MEM_IMAGE);
			code_seen++;
		}
	}
	CHECK(code_seen > 0);
	/* the view ends at SizeOfImage */
	CHECK(VirtualQuery(v + b.Size.QuadPart - 1, &mbi, sizeof(mbi)) == sizeof(mbi));
	CHECK(mbi.AllocationBase == v);
	/* a second view of the same section: another place, relocated */
	NTSTATUS st2;
	unsigned char *v2 = map_image(m, &st2);
	CHECK(v2 != NULL && v2 != v);
	CHECK_STATUS(st2, STATUS_IMAGE_NOT_AT_BASE_);
	if (v2)
		CHECK(UnmapViewOfFile(v2));
	/* ZeroBits (spec 19.2.1) holds for an image view too: with 1, the view ends below 2 GiB, relocated. */
	PVOID b3 = NULL;
	SIZE_T s3 = 0;
	LARGE_INTEGER off = { .QuadPart = 0 };
	CHECK_STATUS(NtMapViewOfSection(m, GetCurrentProcess(), &b3, 1, 0, &off, &s3, 1, 0, PAGE_READONLY),
		     STATUS_IMAGE_NOT_AT_BASE_);
	CHECK(b3 != NULL && (ULONG_PTR)b3 + s3 <= 0x80000000ull && s3 == (SIZE_T)b.Size.QuadPart);
	if (b3) {
		CHECK(((unsigned char *)b3)[0] == 'M');
		CHECK(UnmapViewOfFile(b3));
	}
	/* ZeroBits 22 to 31 are invalid, as for NtAllocateVirtualMemory; nothing is mapped. */
	b3 = NULL;
	s3 = 0;
	CHECK_STATUS(NtMapViewOfSection(m, GetCurrentProcess(), &b3, 25, 0, &off, &s3, 1, 0, PAGE_READONLY),
		     STATUS_INVALID_PARAMETER_4_);
	CHECK(b3 == NULL);
	CHECK(UnmapViewOfFile(v));
	CHECK(VirtualQuery(v, &mbi, sizeof(mbi)) == sizeof(mbi) && mbi.State == MEM_FREE);
	CloseHandle(m);
}

/* SEC_IMAGE needs read access to the file; only SEC_IMAGE alone. */
static void image_rules(void)
{
	HANDLE w = CreateFileA(DLL, FILE_READ_ATTRIBUTES, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(w != INVALID_HANDLE_VALUE);
	CHECK_ERR(CreateFileMappingA(w, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL), ERROR_ACCESS_DENIED);
	CloseHandle(w);
}

/* Read a whole file, so its pages are in the page cache before the frames are counted. */
static void warm_file(const char *name)
{
	static unsigned char buf[65536];
	HANDLE h = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	DWORD n;
	CHECK(h != INVALID_HANDLE_VALUE);
	while (h != INVALID_HANDLE_VALUE && ReadFile(h, buf, sizeof(buf), &n, NULL) && n)
		;
	CloseHandle(h);
}

int main(void)
{
	warm_file(DLL);
	warm_file(SYSDLL);
	unsigned long long before = utest_free_frames();
	basic_pagefile();
	basic_file();
	image_rules();
	image_of(DLL, FALSE);
	image_of(SYSDLL, TRUE);
	CHECK(utest_free_frames() >= before);	/* cached file pages may have gone; none may be missing */
	return utest_done("sec_query");
}
