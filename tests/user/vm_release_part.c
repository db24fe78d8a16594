/*
 * tests/user/vm_release_part.c - spec 19.2.2 and 19.2.3: NtFreeVirtualMemory
 * (MEM_RELEASE) with a size releases just those pages (rounded out to pages)
 * and splits the allocation into separate ones, each with its own
 * AllocationBase and released on its own; a range past the allocation's end
 * is STATUS_UNABLE_TO_FREE_VM; AWE, large-page and write-watched
 * allocations are never split (STATUS_FREE_VM_NOT_AT_BASE), views never
 * freed (STATUS_UNABLE_TO_DELETE_SECTION); VirtualFree(MEM_RELEASE)
 * with a size is still 87.  Commit charge, frames and locked pages come back
 * exactly.  And FreeType is checked before anything else:
 * STATUS_INVALID_PARAMETER_4 even with a NULL handle and NULL pointers.
 */
#include "utest.h"

#define P 0x1000ULL
#define G 0x10000ULL

static NTSTATUS release(void *addr, SIZE_T size, PVOID *base_out, SIZE_T *size_out)
{
	PVOID b = addr;
	SIZE_T s = size;
	NTSTATUS st = NtFreeVirtualMemory(GetCurrentProcess(), &b, &s, MEM_RELEASE);
	if (base_out)
		*base_out = b;
	if (size_out)
		*size_out = s;
	return st;
}

static unsigned long long charged(void)
{
	struct abi_memory_status ms;
	CHECK_STATUS(mm_memory_status(&ms), 0);
	return ms.process_charge;
}

/* The region at p: allocation base, state and size (free: at least size). */
static void check_alloc(const void *p, const void *alloc_base, DWORD state, SIZE_T size)
{
	MEMORY_BASIC_INFORMATION m = query_region(p);
	CHECK_EQ(m.AllocationBase, (PVOID)alloc_base);
	CHECK_EQ(m.State, state);
	if (state == MEM_FREE) {
		CHECK(m.RegionSize >= size);	/* up to the next allocation, wherever that is */
	} else {
		CHECK_EQ(m.RegionSize, size);
		CHECK_EQ(m.AllocationProtect, PAGE_READWRITE);
	}
}

/* ReactOS's Test_NtFreeVirtualMemory cases, 2-page reservations. */
static void reactos_cases(void)
{
	PVOID b;
	SIZE_T s;
	char *a = VirtualAlloc(NULL, P, MEM_RESERVE, PAGE_READWRITE);
	CHECK(a != NULL);
	CHECK_STATUS(release(a, P + 1, NULL, NULL), STATUS_UNABLE_TO_FREE_VM);	/* more than it is */
	CHECK_STATUS(release(a + 1, P, NULL, NULL), STATUS_UNABLE_TO_FREE_VM);	/* 0x1001 + 0x1000 crosses */
	CHECK_STATUS(release(a + 1, P - 1, &b, &s), 0);	/* rounded out: the page, the whole allocation */
	CHECK(b == a && s == P);
	check_alloc(a, NULL, MEM_FREE, G);
	/* Two pages freed one after the other, either order. */
	for (int order = 0; order < 2; order++) {
		a = VirtualAlloc(NULL, 2 * P, MEM_RESERVE, PAGE_READWRITE);
		CHECK(a != NULL);
		char *first = order ? a + P : a, *second = order ? a : a + P;
		CHECK_STATUS(release(first, P, &b, &s), 0);
		CHECK(b == first && s == P);
		check_alloc(second, second, MEM_RESERVE, P);
		CHECK_STATUS(release(second, P, &b, &s), 0);
		CHECK(b == second && s == P);
		check_alloc(a, NULL, MEM_FREE, G);
	}
	/* Address + 1 with a page of size: rounded out to both pages, all of it. */
	a = VirtualAlloc(NULL, 2 * P, MEM_RESERVE, PAGE_READWRITE);
	CHECK_STATUS(release(a + 1, P, &b, &s), 0);
	CHECK(b == a && s == 2 * P);
	check_alloc(a, NULL, MEM_FREE, G);
}

/* A committed, written allocation split in three; each part lives on and goes on its own. */
static void split_middle(void)
{
	unsigned long long frames = utest_free_frames(), charge0 = charged();
	char *a = VirtualAlloc(NULL, 16 * P, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(a != NULL);
	for (int i = 0; i < 16; i++)
		a[i * P] = (char)(i + 1);
	DWORD old;
	CHECK(VirtualProtect(a + 12 * P, 2 * P, PAGE_READONLY, &old));
	CHECK_EQ(charged(), charge0 + 16);
	PVOID b;
	SIZE_T s;
	/* Pages 4..7 (0x4001 + 0x3ffe: rounded out to pages 4 to 7). */
	CHECK_STATUS(release(a + 4 * P + 1, 4 * P - 2, &b, &s), 0);
	CHECK(b == a + 4 * P && s == 4 * P);
	CHECK_EQ(charged(), charge0 + 12);
	check_alloc(a, a, MEM_COMMIT, 4 * P);
	check_alloc(a + 4 * P, NULL, MEM_FREE, 4 * P);
	check_alloc(a + 8 * P, a + 8 * P, MEM_COMMIT, 4 * P);
	MEMORY_BASIC_INFORMATION m = query_region(a + 12 * P);
	CHECK(m.AllocationBase == a + 8 * P && m.Protect == PAGE_READONLY && m.RegionSize == 2 * P);
	check_alloc(a + 14 * P, a + 8 * P, MEM_COMMIT, 2 * P);
	/* The parts keep their data and stay usable. */
	int intact = 1;
	for (int i = 0; i < 16; i++)
		if ((i < 4 || i >= 8) && a[i * P] != (char)(i + 1))
			intact = 0;
	CHECK(intact);
	a[2 * P] = 'x';
	a[15 * P] = 'y';
	CHECK(a[2 * P] == 'x' && a[15 * P] == 'y');
	/* The freed pages are free: reserving there is refused (its granule is taken), touching faults. */
	CHECK(VirtualAlloc(a + 4 * P, P, MEM_COMMIT, PAGE_READWRITE) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
	CHECK(VirtualAlloc(a + 4 * P, P, MEM_RESERVE, PAGE_READWRITE) == NULL);
	/* The upper part is an allocation of its own: size 0 from its base, not from the old base. */
	CHECK_STATUS(release(a + 9 * P, 0, NULL, NULL), STATUS_FREE_VM_NOT_AT_BASE);
	CHECK_STATUS(release(a + 6 * P, P, NULL, NULL), STATUS_MEMORY_NOT_ALLOCATED);
	CHECK_STATUS(release(a + 2 * P, 4 * P, NULL, NULL), STATUS_UNABLE_TO_FREE_VM);	/* crosses the lower part's end */
	CHECK(!VirtualFree(a + 8 * P, P, MEM_RELEASE));	/* Win32: MEM_RELEASE wants size 0 */
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(VirtualFree(a + 8 * P, 0, MEM_RELEASE));
	check_alloc(a + 8 * P, NULL, MEM_FREE, 8 * P);
	CHECK_EQ(charged(), charge0 + 4);
	/* The lower part: chop its end (the VAD's end moves), then its start. */
	CHECK_STATUS(release(a + 3 * P, P, NULL, NULL), 0);
	check_alloc(a, a, MEM_COMMIT, 3 * P);
	CHECK_STATUS(release(a, P, NULL, NULL), 0);
	check_alloc(a + P, a + P, MEM_COMMIT, 2 * P);
	CHECK(a[2 * P] == 'x');
	CHECK(VirtualFree(a + P, 0, MEM_RELEASE));
	check_alloc(a, NULL, MEM_FREE, G);
	CHECK_EQ(charged(), charge0);
	CHECK_EQ(utest_free_frames(), frames);
}

/* Locked pages: the released ones are unlocked, the others stay locked in their part. */
static void split_locked(void)
{
	unsigned long long frames = utest_free_frames();
	char *a = VirtualAlloc(NULL, 8 * P, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(a && VirtualLock(a, 8 * P));
	CHECK_STATUS(release(a + 2 * P, 2 * P, NULL, NULL), 0);
	CHECK(VirtualUnlock(a, 2 * P));
	CHECK(!VirtualUnlock(a + 4 * P - 1, 2));	/* the free page below: nothing there */
	CHECK(VirtualUnlock(a + 4 * P, 4 * P));
	CHECK(!VirtualUnlock(a + 4 * P, P));	/* unlocked already */
	CHECK_EQ(GetLastError(), ERROR_NOT_LOCKED);
	CHECK(VirtualFree(a, 0, MEM_RELEASE) && VirtualFree(a + 4 * P, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), frames);
}

/* A reserved-only allocation split, then committed part by part. */
static void split_reserved(void)
{
	char *a = VirtualAlloc(NULL, 4 * G, MEM_RESERVE, PAGE_READWRITE);
	CHECK(a != NULL);
	CHECK_STATUS(release(a + G, G, NULL, NULL), 0);
	CHECK(VirtualAlloc(a + 2 * G, G, MEM_COMMIT, PAGE_READWRITE) == a + 2 * G);
	check_alloc(a + 2 * G, a + 2 * G, MEM_COMMIT, G);
	CHECK(VirtualAlloc(a + G, P, MEM_COMMIT, PAGE_READWRITE) == NULL);
	/* The freed granule can be reserved again, between the two parts. */
	CHECK(VirtualAlloc(a + G, G, MEM_RESERVE, PAGE_READWRITE) == a + G);
	check_alloc(a + G, a + G, MEM_RESERVE, G);
	CHECK(VirtualFree(a, 0, MEM_RELEASE) && VirtualFree(a + G, 0, MEM_RELEASE) &&
	      VirtualFree(a + 2 * G, 0, MEM_RELEASE));
	check_alloc(a, NULL, MEM_FREE, 4 * G);
}

/* What is never split. */
static void refused(void)
{
	char *w = VirtualAlloc(NULL, 4 * P, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(w != NULL);
	CHECK_STATUS(release(w + P, P, NULL, NULL), STATUS_FREE_VM_NOT_AT_BASE);
	CHECK_STATUS(release(w, P, NULL, NULL), STATUS_FREE_VM_NOT_AT_BASE);
	CHECK_STATUS(release(w, 4 * P, NULL, NULL), 0);	/* all of it: fine */
	char *awe = VirtualAlloc(NULL, 4 * P, MEM_RESERVE | MEM_PHYSICAL, PAGE_READWRITE);
	CHECK(awe != NULL);
	CHECK_STATUS(release(awe + 2 * P, 2 * P, NULL, NULL), STATUS_FREE_VM_NOT_AT_BASE);
	CHECK(VirtualFree(awe, 0, MEM_RELEASE));
	char *lp = VirtualAlloc(NULL, 0x200000, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
	if (lp) {	/* a free 2 MiB run of frames: not always there in the 64 MiB boot */
		CHECK_STATUS(release(lp, P, NULL, NULL), STATUS_FREE_VM_NOT_AT_BASE);
		CHECK_STATUS(release(lp + 0x100000, 0x100000, NULL, NULL), STATUS_FREE_VM_NOT_AT_BASE);
		CHECK(VirtualFree(lp, 0, MEM_RELEASE));
	} else {
		printf("vm_release_part: no large page (%lu), its case not run\n", GetLastError());
	}
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4 * P, NULL);
	char *v = s ? MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(v != NULL);
	CHECK_STATUS(release(v + P, P, NULL, NULL), STATUS_UNABLE_TO_DELETE_SECTION);
	CHECK(UnmapViewOfFile(v) && CloseHandle(s));
}

/* 19.2.3: FreeType first. */
static void free_type_first(void)
{
	CHECK_STATUS(NtFreeVirtualMemory(NULL, NULL, NULL, 0), STATUS_INVALID_PARAMETER_4);
	int bad = 0;
	for (int i = 0; i < 32; i++) {
		ULONG t = 1u << i;
		if (t != MEM_DECOMMIT && t != MEM_RELEASE)
			bad += NtFreeVirtualMemory(NULL, NULL, NULL, t) != STATUS_INVALID_PARAMETER_4;
	}
	CHECK_EQ(bad, 0);
	CHECK_STATUS(NtFreeVirtualMemory(NULL, NULL, NULL, ~(ULONG)(MEM_DECOMMIT | MEM_RELEASE)), STATUS_INVALID_PARAMETER_4);
	CHECK_STATUS(NtFreeVirtualMemory(NULL, NULL, NULL, ~(ULONG)MEM_DECOMMIT), STATUS_INVALID_PARAMETER_4);
	CHECK_STATUS(NtFreeVirtualMemory(NULL, NULL, NULL, ~0u), STATUS_INVALID_PARAMETER_4);
	CHECK_STATUS(NtFreeVirtualMemory(NULL, NULL, NULL, MEM_DECOMMIT | MEM_RELEASE), STATUS_INVALID_PARAMETER_4);
	CHECK_STATUS(NtFreeVirtualMemory((HANDLE)0x1234, NULL, NULL, MEM_DECOMMIT | 0x2 /* MEM_PRESERVE_PLACEHOLDER */),
		     STATUS_INVALID_PARAMETER_4);
	/* A valid type: then the handle, then the pointers. */
	CHECK_STATUS(NtFreeVirtualMemory(NULL, NULL, NULL, MEM_RELEASE), STATUS_INVALID_HANDLE);
	CHECK_STATUS(NtFreeVirtualMemory(GetCurrentProcess(), NULL, NULL, MEM_RELEASE), STATUS_ACCESS_VIOLATION);
	CHECK_ERR(VirtualFree(NULL, 0, 0), ERROR_INVALID_PARAMETER);
}

int main(void)
{
	reactos_cases();
	split_middle();
	split_locked();
	split_reserved();
	refused();
	free_type_first();
	return utest_done("vm_release_part");
}
