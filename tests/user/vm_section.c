/*
 * tests/user/vm_section.c - spec §13 and §7.10: pagefile-backed sections and
 * their views: SEC_COMMIT and SEC_RESERVE, view protections, section-wide
 * commit, write-copy pages splitting off, errors, handles and lifetimes.
 */
#include <string.h>

#include "utest.h"

#define P 0x1000ULL
#define G 0x10000ULL
#define AV  0xC0000005u

#define CHECK_VIEW(p, st, prot, size, aprot)                   \
	do {                                                   \
		MEMORY_BASIC_INFORMATION m_ = query_region(p); \
		CHECK_EQ(m_.State, st);                        \
		CHECK_EQ(m_.Protect, prot);                    \
		CHECK_EQ(m_.RegionSize, size);                 \
		CHECK_EQ(m_.Type, MEM_MAPPED);                 \
		CHECK_EQ(m_.AllocationProtect, aprot);         \
	} while (0)

static HANDLE anon(DWORD protect, DWORD size)
{
	SetLastError(0xdeadbeef);
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, protect, 0, size, NULL);
	CHECK(h != NULL);
	CHECK_EQ(GetLastError(), 0);
	return h;
}

/* SEC_COMMIT: three views of one section; writes through one are seen by the others; copy-on-write. */
static void committed_views(void)
{
	HANDLE h = anon(PAGE_READWRITE, 3 * P);
	char *w = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	char *r = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	char *c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	CHECK(w && r && c && w != r && r != c);
	CHECK_EQ((ULONG_PTR)w % G, 0);
	CHECK_EQ((ULONG_PTR)c % G, 0);
	MEMORY_BASIC_INFORMATION m = query_region(w + P);
	CHECK_EQ(m.BaseAddress, w + P);
	CHECK_EQ(m.AllocationBase, w);
	CHECK_VIEW(w, MEM_COMMIT, PAGE_READWRITE, 3 * P, PAGE_READWRITE);
	CHECK_VIEW(r, MEM_COMMIT, PAGE_READONLY, 3 * P, PAGE_READONLY);
	CHECK_VIEW(c, MEM_COMMIT, PAGE_WRITECOPY, 3 * P, PAGE_WRITECOPY);
	CHECK_REGION(w + 3 * P, MEM_FREE, PAGE_NOACCESS, G - 3 * P);	/* the rest of the granule */
	/* §13.11: zero to start with. */
	for (unsigned i = 0; i < 3 * P; i += 512)
		CHECK_EQ(w[i] | r[i] | c[i], 0);
	memset(w, 0x11, 3 * P);
	CHECK_EQ(r[0], 0x11);
	CHECK_EQ(r[3 * P - 1], 0x11);
	CHECK_EQ(utest_probe_write(r + P, 1), AV);	/* a read view is read-only */
	/* §13.7: the copy view shares until written. */
	CHECK_EQ(c[P + 7], 0x11);
	w[P + 7] = 0x22;
	CHECK_EQ(c[P + 7], 0x22);
	/* §13.8: the first write makes a private copy: READWRITE, its own region, still MEM_MAPPED. */
	c[P + 8] = 0x33;
	CHECK_VIEW(c, MEM_COMMIT, PAGE_WRITECOPY, P, PAGE_WRITECOPY);
	CHECK_VIEW(c + P, MEM_COMMIT, PAGE_READWRITE, P, PAGE_WRITECOPY);
	CHECK_VIEW(c + 2 * P, MEM_COMMIT, PAGE_WRITECOPY, P, PAGE_WRITECOPY);
	CHECK_EQ(w[P + 8], 0x11);	/* the section did not change */
	CHECK_EQ(r[P + 8], 0x11);
	CHECK_EQ(c[P + 7], 0x22);	/* the rest of the page came along */
	w[P + 9] = 0x44;
	CHECK_EQ(c[P + 9], 0x11);	/* the copy no longer sees the section */
	CHECK_EQ(c[2 * P + 9], 0x11);
	w[2 * P + 9] = 0x55;
	CHECK_EQ(c[2 * P + 9], 0x55);	/* ... the unwritten pages still do */
	/* §6.3.4: MEM_RESET and MEM_RESET_UNDO work on pagefile-backed views; state and protection stay. */
	CHECK_EQ(VirtualAlloc(w + P + 5, P, MEM_RESET, PAGE_NOACCESS), w + P);
	CHECK_VIEW(w, MEM_COMMIT, PAGE_READWRITE, 3 * P, PAGE_READWRITE);
	CHECK(w[P + 7] == 0x22 || w[P + 7] == 0);	/* old or zero */
	CHECK_EQ(VirtualAlloc(w + P, P, MEM_RESET_UNDO, PAGE_READWRITE), w + P);
	CHECK_ERR(VirtualAlloc(w + 2 * P, 2 * P, MEM_RESET, PAGE_READWRITE), ERROR_INVALID_ADDRESS);	/* past the view */
	/* §7.10: views are not VirtualFree's. */
	CHECK_ERR(VirtualFree(w, 0, MEM_RELEASE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualFree(w, P, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
	CHECK_EQ(w[0], 0x11);
	/* The section outlives its handle while views exist. */
	CHECK(CloseHandle(h));
	CHECK_ERR(CloseHandle(h), ERROR_INVALID_HANDLE);
	w[5] = 0x66;
	CHECK_EQ(r[5], 0x66);
	/* §13.6: any address inside a view unmaps it; then it is free, and not a view any more. */
	CHECK(UnmapViewOfFile(w + P + 0x123));
	CHECK_EQ(query_region(w).State, MEM_FREE);
	CHECK_EQ(query_region(w).Type, 0);
	CHECK_ERR(UnmapViewOfFile(w), ERROR_INVALID_ADDRESS);
	CHECK_EQ(r[5], 0x66);
	CHECK(UnmapViewOfFile(r));
	CHECK(UnmapViewOfFile(c + 2 * P));
}

/* §13.2-13.4, the seed case: SEC_RESERVE, commit through one view, seen by all with their own protection. */
static void reserved_section(void)
{
	HANDLE h = anon(PAGE_READWRITE | SEC_RESERVE, 16 * G);
	char *w = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	char *r = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	char *c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	CHECK(w && r && c);
	CHECK_VIEW(w, MEM_RESERVE, 0, 16 * G, PAGE_READWRITE);
	CHECK_VIEW(c, MEM_RESERVE, 0, 16 * G, PAGE_WRITECOPY);
	CHECK_EQ(utest_probe_read(w + P), AV);	/* reserved: no access */
	CHECK_EQ(VirtualAlloc(w + P + 5, 2 * P, MEM_COMMIT, PAGE_READWRITE), w + P);
	CHECK_VIEW(w, MEM_RESERVE, 0, P, PAGE_READWRITE);
	CHECK_VIEW(w + P, MEM_COMMIT, PAGE_READWRITE, 3 * P, PAGE_READWRITE);	/* the page rounding takes 3 pages */
	CHECK_VIEW(w + 4 * P, MEM_RESERVE, 0, 16 * G - 4 * P, PAGE_READWRITE);
	CHECK_VIEW(r + P, MEM_COMMIT, PAGE_READONLY, 3 * P, PAGE_READONLY);
	CHECK_VIEW(c + P, MEM_COMMIT, PAGE_WRITECOPY, 3 * P, PAGE_WRITECOPY);
	w[P] = 0x5a;
	CHECK_EQ(r[P], 0x5a);
	CHECK_EQ(c[P], 0x5a);
	/* §13.3: in a copy view PAGE_WRITECOPY commits, PAGE_READWRITE is refused (87, nothing committed). */
	CHECK_ERR(VirtualAlloc(c + G, P, MEM_COMMIT, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualAlloc(c + G, P, MEM_COMMIT, PAGE_EXECUTE_READ), ERROR_INVALID_PARAMETER);
	CHECK_VIEW(w + G, MEM_RESERVE, 0, 15 * G, PAGE_READWRITE);
	CHECK_EQ(VirtualAlloc(c + G, P, MEM_COMMIT, PAGE_WRITECOPY), c + G);
	CHECK_VIEW(c + G, MEM_COMMIT, PAGE_WRITECOPY, P, PAGE_WRITECOPY);
	CHECK_VIEW(w + G, MEM_COMMIT, PAGE_READWRITE, P, PAGE_READWRITE);
	CHECK_VIEW(r + G, MEM_COMMIT, PAGE_READONLY, P, PAGE_READONLY);
	/* ... and in a write view PAGE_WRITECOPY is accepted and reported as such; a write then privatises. */
	CHECK_EQ(VirtualAlloc(w + 2 * G, P, MEM_COMMIT, PAGE_WRITECOPY), w + 2 * G);
	CHECK_VIEW(w + 2 * G, MEM_COMMIT, PAGE_WRITECOPY, P, PAGE_READWRITE);
	CHECK_VIEW(r + 2 * G, MEM_COMMIT, PAGE_READONLY, P, PAGE_READONLY);
	w[2 * G] = 0x77;
	CHECK_VIEW(w + 2 * G, MEM_COMMIT, PAGE_READWRITE, P, PAGE_READWRITE);
	CHECK_EQ(r[2 * G], 0);	/* the section page stayed zero */
	/* §8.6: VirtualProtect within the view's access. */
	DWORD old = 0;
	CHECK_ERR(VirtualProtect(c + P, P, PAGE_READWRITE, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualProtect(c + P, P, PAGE_EXECUTE_READ, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualProtect(w + P, P, PAGE_EXECUTE_READ, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualProtect(r + P, P, PAGE_READWRITE, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualProtect(w + P, P, PAGE_READWRITE | PAGE_NOCACHE, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(VirtualProtect(w + 8 * P, P, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);	/* not committed */
	CHECK(VirtualProtect(c + P, P, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_WRITECOPY);
	CHECK_EQ(utest_probe_write(c + P, 1), AV);
	CHECK(VirtualProtect(c + P, P, PAGE_NOACCESS, &old));
	CHECK_EQ(utest_probe_read(c + P), AV);
	CHECK(VirtualProtect(c + P, P, PAGE_WRITECOPY, &old));
	CHECK_EQ(old, PAGE_NOACCESS);
	CHECK_EQ(c[P], 0x5a);
	/* §13.9: VirtualProtect(PAGE_WRITECOPY) on a write view, then a write: private, the section unchanged. */
	CHECK(VirtualProtect(w + 2 * P, P, PAGE_WRITECOPY, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	w[2 * P] = 0x12;
	CHECK_VIEW(w + 2 * P, MEM_COMMIT, PAGE_READWRITE, 2 * P, PAGE_READWRITE);	/* merges with the next page */
	CHECK_EQ(r[2 * P], 0);
	CHECK_EQ(c[2 * P], 0);
	/* Guard pages work in views too. */
	CHECK(VirtualProtect(w + 3 * P, P, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK_EQ(utest_probe_read(w + 3 * P), 0x80000001u);
	CHECK_EQ(utest_probe_read(w + 3 * P), 0);
	CHECK(UnmapViewOfFile(w));
	CHECK(UnmapViewOfFile(r));
	CHECK(UnmapViewOfFile(c));
	CHECK(CloseHandle(h));
}

/* §13.2, §13.10, §4.7: what CreateFileMapping and MapViewOfFile refuse. */
static void errors(void)
{
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, NULL), ERROR_INVALID_PARAMETER);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_NOACCESS, 0, P, NULL), ERROR_INVALID_PARAMETER);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_EXECUTE, 0, P, NULL), ERROR_INVALID_PARAMETER);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE | SEC_COMMIT, 0, P, NULL),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(CreateFileMappingA((HANDLE)0x44, NULL, PAGE_READWRITE, 0, P, NULL), ERROR_INVALID_HANDLE);
	/* Spec 19.2.8: 1 TiB committed is past the commit limit; 256 TiB past the address space (8). */
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0x100, 0, NULL), ERROR_COMMITMENT_LIMIT);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0x10000, 0, NULL), ERROR_NOT_ENOUGH_MEMORY);
	HANDLE ro = anon(PAGE_READONLY, P), wc = anon(PAGE_WRITECOPY, P), rw = anon(PAGE_READWRITE, 2 * G);
	/* §13.10: a write view needs a writable section; a copy view only a readable one. */
	CHECK_ERR(MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
	CHECK_ERR(MapViewOfFile(wc, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);
	CHECK_ERR(MapViewOfFile(rw, FILE_MAP_READ | FILE_MAP_EXECUTE, 0, 0, 0), ERROR_ACCESS_DENIED);
	char *a = MapViewOfFile(ro, FILE_MAP_COPY, 0, 0, 0), *b = MapViewOfFile(wc, FILE_MAP_COPY, 0, 0, 0);
	CHECK(a && b);
	a[1] = b[1] = 9;	/* private copies: the sections stay read-only */
	CHECK_VIEW(a, MEM_COMMIT, PAGE_READWRITE, P, PAGE_WRITECOPY);
	char *ar = MapViewOfFile(ro, FILE_MAP_READ, 0, 0, 0);
	CHECK_EQ(ar[1], 0);
	CHECK(UnmapViewOfFile(a) && UnmapViewOfFile(b) && UnmapViewOfFile(ar));
	/* §4.7: offsets in 64 KiB steps, inside the section; a base in 64 KiB steps, free. */
	CHECK_ERR(MapViewOfFile(rw, FILE_MAP_READ, 0, P, 0), ERROR_MAPPED_ALIGNMENT);
	CHECK_ERR(MapViewOfFile(rw, FILE_MAP_READ, 0, 2 * G, 0), ERROR_ACCESS_DENIED);
	CHECK_ERR(MapViewOfFile(rw, FILE_MAP_READ, 0, G, G + 1), ERROR_ACCESS_DENIED);
	char *none = MapViewOfFile(rw, 0, 0, G, 0);	/* access 0: a PAGE_NOACCESS view (spec 19.1) */
	CHECK_VIEW(none, MEM_COMMIT, PAGE_NOACCESS, G, PAGE_NOACCESS);
	CHECK(none && UnmapViewOfFile(none));
	CHECK_ERR(MapViewOfFile((HANDLE)0x1004, FILE_MAP_READ, 0, 0, 0), ERROR_INVALID_HANDLE);
	char *v = MapViewOfFile(rw, FILE_MAP_WRITE, 0, G, 0);	/* the second 64 KiB */
	CHECK(v != NULL);
	CHECK_VIEW(v, MEM_COMMIT, PAGE_READWRITE, G, PAGE_READWRITE);
	v[0] = 3;
	char *all = MapViewOfFile(rw, FILE_MAP_READ, 0, 0, 0);
	CHECK_EQ(all[G], 3);
	CHECK_ERR(MapViewOfFileEx(rw, FILE_MAP_READ, 0, 0, 0, all + P), ERROR_MAPPED_ALIGNMENT);
	CHECK_ERR(MapViewOfFileEx(rw, FILE_MAP_READ, 0, 0, 0, all), ERROR_INVALID_ADDRESS);	/* occupied */
	char *want = all;
	CHECK(UnmapViewOfFile(all));
	CHECK_EQ(MapViewOfFileEx(rw, FILE_MAP_READ, 0, 0, 0, want), want);
	CHECK_EQ(want[G], 3);
	CHECK(UnmapViewOfFile(want) && UnmapViewOfFile(v));
	/* §13.1: write-copy stays refused for private memory. */
	CHECK_ERR(VirtualAlloc(NULL, P, MEM_RESERVE | MEM_COMMIT, PAGE_WRITECOPY), ERROR_INVALID_PARAMETER);
	char *priv = VirtualAlloc(NULL, P, MEM_RESERVE, PAGE_READWRITE);
	CHECK_ERR(VirtualAlloc(priv, P, MEM_COMMIT, PAGE_WRITECOPY), ERROR_INVALID_PARAMETER);
	CHECK(VirtualAlloc(priv, P, MEM_COMMIT, PAGE_READWRITE) == priv);
	DWORD old;
	CHECK_ERR(VirtualProtect(priv, P, PAGE_EXECUTE_WRITECOPY, &old), ERROR_INVALID_PARAMETER);
	CHECK_ERR(UnmapViewOfFile(priv), ERROR_INVALID_ADDRESS);	/* not a view */
	CHECK(VirtualFree(priv, 0, MEM_RELEASE));
	CHECK(CloseHandle(ro) && CloseHandle(wc) && CloseHandle(rw));
	CHECK_ERR(CloseHandle((HANDLE)0x7ff0), ERROR_INVALID_HANDLE);
	CHECK_ERR(CloseHandle(NULL), ERROR_INVALID_HANDLE);
}

/* An execute fault (a call into a view without execute access) returns to the caller with 0xdead. */
static volatile LONG exec_faults;
static LONG WINAPI exec_handler(EXCEPTION_POINTERS *ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	CONTEXT *c = ep->ContextRecord;
	if (r->ExceptionCode != AV || r->ExceptionInformation[0] != 8 || r->ExceptionInformation[1] != c->Rip)
		return EXCEPTION_CONTINUE_SEARCH;
	exec_faults++;
	c->Rip = *(DWORD64 *)c->Rsp;	/* as if the called code had returned at once */
	c->Rsp += 8;
	c->Rax = 0xdead;
	return EXCEPTION_CONTINUE_EXECUTION;
}

/* PAGE_EXECUTE_* sections: code written through one view runs through an execute view, not through a read view. */
static void execute_views(void)
{
	static const unsigned char code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };	/* mov eax, 42; ret */
	HANDLE h = anon(PAGE_EXECUTE_READWRITE, P);
	char *w = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	char *x = MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_EXECUTE, 0, 0, 0);
	char *r = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	CHECK(w && x && r);
	CHECK_VIEW(x, MEM_COMMIT, PAGE_EXECUTE_READ, P, PAGE_EXECUTE_READ);
	memcpy(w, code, sizeof code);
	CHECK(FlushInstructionCache(GetCurrentProcess(), x, sizeof code));
	PVOID veh = AddVectoredExceptionHandler(1, exec_handler);
	CHECK_EQ(((int (*)(void))x)(), 42);
	CHECK_EQ(((int (*)(void))r)(), 0xdead);	/* NX: [0] = 8, [1] = the address */
	CHECK_EQ(exec_faults, 1);
	char *xw = MapViewOfFile(h, FILE_MAP_WRITE | FILE_MAP_EXECUTE, 0, 0, 0);
	CHECK_VIEW(xw, MEM_COMMIT, PAGE_EXECUTE_READWRITE, P, PAGE_EXECUTE_READWRITE);
	char *xc = MapViewOfFile(h, FILE_MAP_COPY | FILE_MAP_EXECUTE, 0, 0, 0);
	CHECK_VIEW(xc, MEM_COMMIT, PAGE_EXECUTE_WRITECOPY, P, PAGE_EXECUTE_WRITECOPY);
	xc[1] = 7;	/* mov eax, 7 in the private copy only */
	CHECK_VIEW(xc, MEM_COMMIT, PAGE_EXECUTE_READWRITE, P, PAGE_EXECUTE_WRITECOPY);
	CHECK_EQ(((int (*)(void))xc)(), 7);
	CHECK_EQ(((int (*)(void))x)(), 42);
	RemoveVectoredExceptionHandler(veh);
	CHECK(UnmapViewOfFile(w) && UnmapViewOfFile(x) && UnmapViewOfFile(r) && UnmapViewOfFile(xw) &&
	      UnmapViewOfFile(xc));
	CHECK(CloseHandle(h));
}

/* Names: the same name gives the same section (ERROR_ALREADY_EXISTS), case-insensitive, "Local\" is the default. */
static void names(void)
{
	HANDLE a = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, P, "vm_section_test");
	CHECK(a != NULL);
	CHECK_EQ(GetLastError(), 0);
	HANDLE b = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY, 0, 5 * P, "Local\\VM_Section_Test");
	CHECK(b != NULL && b != a);
	CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	/* An existing name does not excuse a bad size (found by fuzz_sections). */
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, "vm_section_test"),
		  ERROR_INVALID_PARAMETER);
	CHECK_ERR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0x10000, 0, "vm_section_test"),
		  ERROR_NOT_ENOUGH_MEMORY);	/* past the address space */
	HANDLE c = OpenFileMappingW(FILE_MAP_READ, FALSE, L"vm_section_TEST");
	CHECK(c != NULL);
	HANDLE x = OpenFileMappingA(FILE_MAP_READ | FILE_MAP_EXECUTE, FALSE, "vm_section_test");
	CHECK(x != NULL);
	CHECK_ERR(MapViewOfFile(x, FILE_MAP_READ | FILE_MAP_EXECUTE, 0, 0, 0), ERROR_ACCESS_DENIED);	/* a RW section */
	CHECK_ERR(MapViewOfFile(c, FILE_MAP_READ | FILE_MAP_EXECUTE, 0, 0, 0), ERROR_ACCESS_DENIED);	/* handle: no execute */
	CHECK(CloseHandle(x));
	CHECK_ERR(OpenFileMappingA(FILE_MAP_READ, FALSE, "Global\\vm_section_test"), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(OpenFileMappingA(FILE_MAP_READ, FALSE, NULL), ERROR_INVALID_PARAMETER);
	/* Names up to MAX_PATH characters. */
	static char name260[261];
	for (int i = 0; i < 260; i++)
		name260[i] = (char)('a' + i % 26);
	HANDLE ln = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, P, name260);
	CHECK(ln != NULL);
	HANDLE lo = OpenFileMappingA(FILE_MAP_READ, FALSE, name260);
	CHECK(lo != NULL);
	CHECK(CloseHandle(lo) && CloseHandle(ln));
	char *wa = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0);
	char *wb = MapViewOfFile(b, FILE_MAP_WRITE, 0, 0, 0);	/* the existing section: read-write, one page */
	char *rc = MapViewOfFile(c, FILE_MAP_READ, 0, 0, 0);
	CHECK(wa && wb && rc);
	CHECK_VIEW(wb, MEM_COMMIT, PAGE_READWRITE, P, PAGE_READWRITE);
	CHECK_ERR(MapViewOfFile(c, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED);	/* a read-only handle */
	strcpy(wa, "shared by name");
	CHECK(strcmp(wb, "shared by name") == 0);
	CHECK(strcmp(rc, "shared by name") == 0);
	CHECK(CloseHandle(a) && CloseHandle(b) && CloseHandle(c));
	/* The views keep the section, but the name is only reachable while the section lives. */
	HANDLE d = OpenFileMappingA(FILE_MAP_READ, FALSE, "vm_section_test");
	CHECK(d != NULL);
	CHECK(CloseHandle(d));
	CHECK(UnmapViewOfFile(wa) && UnmapViewOfFile(wb) && UnmapViewOfFile(rc));
	CHECK_ERR(OpenFileMappingA(FILE_MAP_READ, FALSE, "vm_section_test"), ERROR_FILE_NOT_FOUND);
}

/* Two processes, one named section: each sees the other's writes. */
static void shared_between_processes(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0, 4 * G,
				      "winmm_shared_test");
	CHECK(h != NULL);
	char *v = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	CHECK(VirtualAlloc(v, 2 * P, MEM_COMMIT, PAGE_READWRITE) == v);
	strcpy(v, "from the parent");
	ULONG pid = 0;
	DWORD code = 0;
	CHECK_STATUS(mm_spawn("child_section.exe", &pid), STATUS_SUCCESS);
	CHECK_STATUS(mm_wait(pid, &code), STATUS_SUCCESS);
	CHECK_EQ(code, 0);
	CHECK(strcmp(v + P, "from the child") == 0);
	CHECK_VIEW(v + 2 * P, MEM_COMMIT, PAGE_READWRITE, P, PAGE_READWRITE);	/* the child committed a page */
	CHECK_EQ(v[2 * P], 0x42);
	CHECK(UnmapViewOfFile(v));
	CHECK(CloseHandle(h));
}

int main(void)
{
	utest_prefault_stack(64 * 1024);	/* stack growth in the calls below is not a leak */
	utest_probe_init();
	unsigned long long before = utest_free_frames();
	committed_views();
	reserved_section();
	errors();
	execute_views();
	names();
	shared_between_processes();
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("vm_section");
}
