/*
 * tests/user/va2_placeholders.c - VirtualAlloc2 and placeholders (issue 21),
 * rule by rule: a placeholder reserved (MEM_RESERVE|MEM_RESERVE_PLACEHOLDER,
 * PAGE_NOACCESS only) and how VirtualQuery shows it; nothing commits,
 * protects or maps over it; split (MEM_RELEASE|MEM_PRESERVE_PLACEHOLDER at
 * 64 KiB boundaries) and coalesce (MEM_RELEASE|MEM_COALESCE_PLACEHOLDERS of
 * exactly two or more) with their errors; replaced by a private allocation
 * (MEM_REPLACE_PLACEHOLDER, exact range) and freed back to a placeholder;
 * a view mapped into one (MapViewOfFile3) and unmapped back (UnmapViewOfFile2
 * with MEM_PRESERVE_PLACEHOLDER, only for such a view); VirtualAlloc2's
 * address requirements, NUMA node and parameter errors; the memoryapi API-set
 * DLLs forwarding to the same functions; NtAllocateVirtualMemory's ZeroBits
 * (spec 19.2.1: a count, a mask, the errors); and 500 rounds of the whole dance
 * giving everything back.
 */
#include <string.h>

#include "utest.h"
#include "va2_common.h"

#define G 0x10000

static HANDLE self;

/* p is a placeholder of size bytes starting at p. */
static void check_placeholder(char *p, SIZE_T size, int line)
{
	MEMORY_BASIC_INFORMATION m = query_region(p);
	if (m.State != MEM_RESERVE || m.Type != MEM_PRIVATE || m.AllocationBase != p ||
	    m.AllocationProtect != PAGE_NOACCESS || m.Protect != 0 || m.RegionSize != size) {
		printf("  line %d: %p state %lx type %lx base %p aprot %lx prot %lx size %llx\n", line, (void *)p,
		       m.State, m.Type, m.AllocationBase, m.AllocationProtect, m.Protect,
		       (unsigned long long)m.RegionSize);
		CHECK(!"placeholder");
	} else {
		CHECK(1);
	}
}
#define CHECK_PH(p, size) check_placeholder((char *)(p), (size), __LINE__)

static char *placeholder(SIZE_T size)
{
	return pVirtualAlloc2(self, NULL, size, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0);
}

static void reserve_rules(void)
{
	char *p = placeholder(4 * G);
	CHECK(p != NULL);
	CHECK_EQ((ULONG_PTR)p % G, 0);
	CHECK_PH(p, 4 * G);
	CHECK_ERR(pVirtualAlloc2(self, NULL, 4 * G, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(pVirtualAlloc2(self, NULL, 4 * G, MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(pVirtualAlloc2(self, NULL, 4 * G, MEM_RESERVE | MEM_COMMIT | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS,
				 NULL, 0),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(NULL, 4 * G, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS),
		  ERROR_INVALID_PARAMETER);
	/* Nothing commits, protects or reserves over a placeholder. */
	CHECK_ERR(VirtualAlloc(p, G, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_ERR(pVirtualAlloc2(self, p, G, MEM_COMMIT, PAGE_READWRITE, NULL, 0), ERROR_INVALID_ADDRESS);
	DWORD old;
	CHECK(!VirtualProtect(p, G, PAGE_READWRITE, &old));
	CHECK_ERR(VirtualAlloc(p, G, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
	CHECK_PH(p, 4 * G);
	/* A plain release frees it. */
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_EQ(query_region(p).State, MEM_FREE);
}

static void split_coalesce(void)
{
	char *p = placeholder(4 * G);
	CHECK(p != NULL);
	CHECK_ERR(VirtualFree(p, 4 * G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p + 0x1000, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + G, G + 0x1000, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + G, 4 * G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p, G, MEM_DECOMMIT | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER | MEM_COALESCE_PLACEHOLDERS),
		  ERROR_INVALID_PARAMETER);
	CHECK_PH(p, 4 * G);
	/* A middle piece: three placeholders. */
	CHECK(VirtualFree(p + G, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	CHECK_PH(p, G);
	CHECK_PH(p + G, G);
	CHECK_PH(p + 2 * G, 2 * G);
	/* Coalescing: exactly two or more whole, adjacent placeholders. */
	CHECK_ERR(VirtualFree(p, G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p, 0, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(p, 3 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(p + G, 2 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), ERROR_INVALID_ADDRESS);
	CHECK(VirtualFree(p, 2 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS));
	CHECK_PH(p, 2 * G);
	CHECK_PH(p + 2 * G, 2 * G);
	CHECK(VirtualFree(p, 4 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS));
	CHECK_PH(p, 4 * G);
	/* A hole between placeholders stops a coalesce. */
	CHECK(VirtualFree(p, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	CHECK(VirtualFree(p + G, 0, MEM_RELEASE));
	CHECK_ERR(VirtualFree(p, 4 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), ERROR_INVALID_ADDRESS);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_EQ(query_region(p + G).State, MEM_FREE);
	/* Not a placeholder at all. */
	char *np = VirtualAlloc(NULL, 2 * G, MEM_RESERVE, PAGE_READWRITE);
	CHECK_ERR(VirtualFree(np, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(np, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(np, 2 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS), ERROR_INVALID_ADDRESS);
	CHECK(VirtualFree(np, 0, MEM_RELEASE));
}

static void replace_private(void)
{
	char *p = placeholder(4 * G);
	CHECK(VirtualFree(p, 2 * G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	CHECK_ERR(pVirtualAlloc2(self, p, G, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
		  ERROR_INVALID_ADDRESS);
	CHECK_ERR(pVirtualAlloc2(self, p, 3 * G, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
		  ERROR_INVALID_ADDRESS);
	CHECK_ERR(pVirtualAlloc2(self, p, 2 * G, MEM_COMMIT | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(pVirtualAlloc2(self, p, 2 * G, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER | MEM_RESERVE_PLACEHOLDER,
				 PAGE_NOACCESS, NULL, 0),
		  ERROR_INVALID_PARAMETER);
	/* Reserved only, then committed like any reservation. */
	CHECK_EQ(pVirtualAlloc2(self, p, 2 * G, MEM_RESERVE | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0), p);
	MEMORY_BASIC_INFORMATION m = query_region(p);
	CHECK_EQ(m.State, MEM_RESERVE);
	CHECK_EQ(m.Type, MEM_PRIVATE);
	CHECK_EQ(m.AllocationProtect, PAGE_READWRITE);
	CHECK_EQ(m.RegionSize, 2 * G);
	CHECK_EQ(VirtualAlloc(p + 0x3000, 0x1000, MEM_COMMIT, PAGE_READWRITE), p + 0x3000);
	p[0x3000] = 7;
	/* Reserved and committed at once. */
	char *q = p + 2 * G;
	CHECK_EQ(pVirtualAlloc2(self, q, 2 * G, MEM_RESERVE | MEM_COMMIT | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE,
				NULL, 0),
		 q);
	CHECK_REGION(q, MEM_COMMIT, PAGE_READWRITE, 2 * G);
	memset(q, 0x5a, 2 * G);
	/* A replaced allocation is freed back whole: not a part, size 0 or its size. */
	CHECK_ERR(VirtualFree(q, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK_ERR(VirtualFree(q + G, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK(VirtualFree(q, 2 * G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	CHECK_PH(q, 2 * G);
	CHECK(VirtualFree(p, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	CHECK_PH(p, 2 * G);
	/* Replaced again: fresh zero pages. */
	CHECK_EQ(pVirtualAlloc2(self, q, 2 * G, MEM_RESERVE | MEM_COMMIT | MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE,
				NULL, 0),
		 q);
	CHECK_EQ(q[100], 0);
	CHECK(VirtualFree(q, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	CHECK(VirtualFree(p, 4 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS));
	CHECK_PH(p, 4 * G);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void views(void)
{
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 2 * G, NULL);
	CHECK(s != NULL);
	char *p = placeholder(4 * G);
	CHECK(VirtualFree(p, 2 * G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	/* The view must be exactly the placeholder. */
	CHECK_ERR(pMapViewOfFile3(s, self, p, 0, G, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
		  ERROR_INVALID_ADDRESS);
	CHECK_ERR(pMapViewOfFile3(s, self, p + G, 0, 2 * G, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0),
		  ERROR_INVALID_ADDRESS);
	char *v = pMapViewOfFile3(s, self, p, 0, 2 * G, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0);
	CHECK_EQ(v, p);
	MEMORY_BASIC_INFORMATION m = query_region(v);
	CHECK_EQ(m.Type, MEM_MAPPED);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.AllocationBase, v);
	CHECK_EQ(m.RegionSize, 2 * G);
	/* Not without the flag over a placeholder either. */
	CHECK_ERR(pMapViewOfFile3(s, self, p + 2 * G, 0, 2 * G, 0, PAGE_READWRITE, NULL, 0), ERROR_INVALID_ADDRESS);
	char *w = pMapViewOfFile3(s, self, p + 2 * G, 0, 2 * G, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0);
	CHECK_EQ(w, p + 2 * G);
	v[5] = 'v';
	CHECK_EQ(w[5], 'v');
	/* Unmapped back to a placeholder from any address in the view. */
	CHECK_ERR(pUnmapViewOfFile2(self, v, 4), ERROR_INVALID_PARAMETER);
	CHECK(pUnmapViewOfFile2(self, v + 0x1000, MEM_PRESERVE_PLACEHOLDER));
	CHECK_PH(p, 2 * G);
	CHECK_ERR(pUnmapViewOfFile2(self, v, MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	/* A private allocation in the placeholder, then the view again. */
	CHECK(pUnmapViewOfFile2(self, w, MEM_PRESERVE_PLACEHOLDER));
	CHECK(VirtualFree(p, 4 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS));
	CHECK(VirtualFree(p, 2 * G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER));
	v = pMapViewOfFile3(s, NULL, p + 2 * G, 0, 2 * G, MEM_REPLACE_PLACEHOLDER, PAGE_READONLY, NULL, 0);
	CHECK_EQ(v, p + 2 * G);
	CHECK_EQ(v[5], 'v');
	CHECK_EQ(query_region(v).Protect, PAGE_READONLY);
	/* VirtualFree does not free a view back (87, as for a plain release of a view). */
	CHECK_ERR(VirtualFree(v, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_PARAMETER);
	/* UnmapViewOfFileEx without the flag: the range is free. */
	CHECK(UnmapViewOfFileEx(v, 0));
	CHECK_EQ(query_region(v).State, MEM_FREE);
	/* An ordinary view has no placeholder to go back to. */
	char *o = MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(o != NULL);
	CHECK_ERR(pUnmapViewOfFile2(self, o, MEM_PRESERVE_PLACEHOLDER), ERROR_INVALID_ADDRESS);
	CHECK(pUnmapViewOfFile2(self, o, 0));
	CHECK_ERR(pUnmapViewOfFile2(self, o, 0), ERROR_INVALID_ADDRESS);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK(CloseHandle(s));
}

static char *va2_req(void *base, SIZE_T size, ULONG type, MEM_EXTENDED_PARAMETER *e, ULONG n)
{
	return pVirtualAlloc2(self, base, size, type, PAGE_READWRITE, e, n);
}

static void requirements(void)
{
	MEM_ADDRESS_REQUIREMENTS ar = { (void *)0x20000000, (void *)0x3fffffff, 0x100000 };
	MEM_EXTENDED_PARAMETER ep = { .Type = MemExtendedParameterAddressRequirements, .Pointer = &ar };
	char *a = va2_req(NULL, G, MEM_RESERVE, &ep, 1);
	CHECK(a != NULL);
	CHECK((ULONG_PTR)a >= 0x20000000 && (ULONG_PTR)a + G <= 0x40000000);
	CHECK_EQ((ULONG_PTR)a % 0x100000, 0);
	char *b = va2_req(NULL, G, MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN, &ep, 1);
	CHECK_EQ(b, (char *)0x3ff00000);
	CHECK_REGION(b, MEM_COMMIT, PAGE_READWRITE, G);
	char *c = va2_req(NULL, G, MEM_COMMIT, &ep, 1);	/* commit alone with no address reserves too */
	CHECK(c != NULL && (ULONG_PTR)c >= 0x20000000 && (ULONG_PTR)c < 0x40000000);
	/* A placeholder obeys them too. */
	char *ph = pVirtualAlloc2(self, NULL, 2 * G, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, &ep, 1);
	CHECK(ph != NULL && (ULONG_PTR)ph % 0x100000 == 0 && (ULONG_PTR)ph >= 0x20000000);
	CHECK_PH(ph, 2 * G);
	/* Bad requirements. */
	ar.Alignment = 0x1000;
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, &ep, 1), ERROR_INVALID_PARAMETER);
	ar.Alignment = 0x30000;
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, &ep, 1), ERROR_INVALID_PARAMETER);
	ar.Alignment = 0;
	ar.HighestEndingAddress = (void *)0x3ffffffe;
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, &ep, 1), ERROR_INVALID_PARAMETER);
	ar.HighestEndingAddress = (void *)0x3fffffff;
	ar.LowestStartingAddress = (void *)0x20001000;
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, &ep, 1), ERROR_INVALID_PARAMETER);
	ar.LowestStartingAddress = (void *)0x20000000;
	CHECK_ERR(va2_req((void *)0x50000000, G, MEM_RESERVE, &ep, 1), ERROR_INVALID_PARAMETER);
	/* Too small a window. */
	ar.LowestStartingAddress = (void *)0x3ffe0000;
	ar.HighestEndingAddress = (void *)0x3ffeffff;
	CHECK_ERR(va2_req(NULL, 2 * G, MEM_RESERVE, &ep, 1), ERROR_NOT_ENOUGH_MEMORY);
	/* The parameter array itself. */
	MEM_EXTENDED_PARAMETER two[2] = { ep, ep };
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, two, 2), ERROR_INVALID_PARAMETER);
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, NULL, 1), ERROR_INVALID_PARAMETER);
	MEM_EXTENDED_PARAMETER n = { .Type = MemExtendedParameterNumaNode, .ULong = 0 };
	char *d = va2_req(NULL, G, MEM_RESERVE, &n, 1);
	CHECK(d != NULL);
	n.Type = 77;
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, &n, 1), ERROR_INVALID_PARAMETER);
	n.Type = MemExtendedParameterInvalidType;
	CHECK_ERR(va2_req(NULL, G, MEM_RESERVE, &n, 1), ERROR_INVALID_PARAMETER);
	/* Handles: NULL is this process, a bad one is refused. */
	CHECK_ERR(pVirtualAlloc2((HANDLE)0x1234, NULL, G, MEM_RESERVE, PAGE_READWRITE, NULL, 0), ERROR_INVALID_HANDLE);
	char *e = pVirtualAlloc2(NULL, NULL, G, MEM_RESERVE, PAGE_READWRITE, NULL, 0);
	CHECK(e != NULL);
	char *all[] = { a, b, c, ph, d, e };
	for (unsigned i = 0; i < sizeof all / sizeof *all; i++)
		CHECK(VirtualFree(all[i], 0, MEM_RELEASE));
}

/* NtAllocateVirtualMemory's ZeroBits (spec 19.2.1): the address has that many zero bits above bit 31. */
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE, PVOID *, ULONG_PTR, PSIZE_T, ULONG, ULONG);

static NTSTATUS alloc_zb(PVOID *b, ULONG_PTR zb, ULONG type)
{
	SIZE_T s = G;
	return NtAllocateVirtualMemory(self, b, zb, &s, type, PAGE_READWRITE);
}

static void zero_bits(void)
{
	static const ULONG_PTR ok[] = { 1, 2, 8 };
	for (unsigned i = 0; i < sizeof ok / sizeof *ok; i++) {
		for (int td = 0; td < 2; td++) {
			PVOID b = NULL;
			CHECK_STATUS(alloc_zb(&b, ok[i], MEM_RESERVE | (td ? MEM_TOP_DOWN : 0)), 0);
			CHECK(b != NULL && (ULONG_PTR)b >> (32 - ok[i]) == 0);
			if (td && b)	/* top-down: the highest free place under the limit */
				CHECK((ULONG_PTR)b + G > (1ull << (32 - ok[i])) / 2);
			VirtualFree(b, 0, MEM_RELEASE);
		}
	}
	/* A mask: the address under its highest set bit. */
	PVOID b = NULL;
	CHECK_STATUS(alloc_zb(&b, 0x3fffffff, MEM_RESERVE | MEM_TOP_DOWN), 0);
	CHECK(b != NULL && (ULONG_PTR)b < 0x40000000 && (ULONG_PTR)b >= 0x20000000);
	VirtualFree(b, 0, MEM_RELEASE);
	/* No room below 64 KiB + 64 KiB; 22..31 are not a count. */
	b = NULL;
	CHECK_STATUS(alloc_zb(&b, 16, MEM_RESERVE), 0xC0000017);
	CHECK_STATUS(alloc_zb(&b, 21, MEM_RESERVE), 0xC0000017);
	CHECK_STATUS(alloc_zb(&b, 0x20, MEM_RESERVE), 0xC0000017);
	CHECK_STATUS(alloc_zb(&b, 22, MEM_RESERVE), 0xC00000F1);
	CHECK_STATUS(alloc_zb(&b, 31, MEM_RESERVE), 0xC00000F1);
	/* An explicit address is taken as it is. */
	b = (PVOID)0x50000000;
	CHECK_STATUS(alloc_zb(&b, 8, MEM_RESERVE), 0);
	CHECK_EQ(b, 0x50000000);
	VirtualFree(b, 0, MEM_RELEASE);
}

static void api_sets(void)
{
	const char *names[] = { "api-ms-win-core-memory-l1-1-6.dll", "api-ms-win-core-memory-l1-1-7.dll" };
	HMODULE k = GetModuleHandleA("kernelbase.dll");
	if (!k)
		k = GetModuleHandleA("kernel32.dll");
	for (unsigned i = 0; i < 2; i++) {
		HMODULE m = LoadLibraryA(names[i]);
		CHECK(m != NULL);
		if (!m)
			continue;
		FARPROC f = GetProcAddress(m, "UnmapViewOfFile2");
		CHECK(f != NULL && f == GetProcAddress(k, "UnmapViewOfFile2"));
		FreeLibrary(m);
	}
}

static void rounds(void)
{
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, G, NULL);
	int ok = 1;
	for (int i = 0; i < 500 && ok; i++) {
		char *p = placeholder(3 * G);
		ok &= p != NULL;
		if (!p)
			break;
		ok &= VirtualFree(p, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER);
		ok &= VirtualFree(p + G, G, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER);
		char *v = pMapViewOfFile3(s, self, p, 0, G, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0);
		char *q = pVirtualAlloc2(self, p + G, G, MEM_RESERVE | MEM_COMMIT | MEM_REPLACE_PLACEHOLDER,
					 PAGE_READWRITE, NULL, 0);
		ok &= v == p && q == p + G;
		if (v)
			v[i % G] = 1;
		if (q)
			q[i % G] = 1;
		ok &= pUnmapViewOfFile2(self, v, MEM_PRESERVE_PLACEHOLDER);
		ok &= VirtualFree(q, 0, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER);
		ok &= VirtualFree(p, 3 * G, MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS);
		ok &= VirtualFree(p, 0, MEM_RELEASE);
	}
	CHECK(ok);
	CloseHandle(s);
}

int main(void)
{
	if (!va2_init()) {
		printf("VirtualAlloc2/MapViewOfFile3/UnmapViewOfFile2 missing\n");
		return 1;
	}
	self = GetCurrentProcess();
	reserve_rules();
	split_coalesce();
	replace_private();
	views();
	requirements();
	zero_bits();
	api_sets();
	rounds();
	return utest_done("va2_placeholders");
}
