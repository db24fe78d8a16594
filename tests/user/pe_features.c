/*
 * tests/user/pe_features.c - what a MinGW program relies on from the loader
 * and the runtime (docs/loader.md): the image where its header says, the PEB
 * and TEB fields, VirtualQuery of its own sections (MEM_IMAGE, per-section
 * protection, write-copy data becoming private on the first write), the
 * command line through GetCommandLineA, __argc/__argv and main's argv, TLS
 * (the image's TLS directory: a template variable as MSVC's
 * __declspec(thread) makes it, which GCC does not accept, a TLS callback;
 * GCC's __thread/_Thread_local through emutls), vectored exception handling,
 * a guard page, 64 KiB and 1 MiB local arrays probed by ___chkstk_ms, and
 * floating-point formatting by MinGW's printf and msvcrt's.
 */
#include <stdio.h>
#include <string.h>

#include "utest.h"

#define PG 4096ULL

/* ---- the image and the PEB/TEB ----------------------------------------------------------- */

/* The TEB: gs:[0x30] is its own address (NtCurrentTeb; GCC 12 misreads MinGW's version under -Warray-bounds). */
static unsigned char *teb(void)
{
	unsigned char *t;
	__asm__("mov %%gs:0x30, %0" : "=r"(t));
	return t;
}

#define TEB_FIELD(type, off) (*(type *)(teb() + (off)))

static void image_and_peb(void)
{
	HMODULE exe = GetModuleHandleA(NULL);
	IMAGE_NT_HEADERS64 *nt = utest_nt_headers(exe);
	unsigned char *peb = TEB_FIELD(unsigned char *, 0x60);
	CHECK_EQ(nt->Signature, IMAGE_NT_SIGNATURE);
	CHECK_EQ(nt->OptionalHeader.Magic, IMAGE_NT_OPTIONAL_HDR64_MAGIC);
	CHECK_EQ((ULONG_PTR)exe, 0x140000000ULL);	/* MinGW's default ImageBase, free at start */
	CHECK_EQ((ULONG_PTR)exe, nt->OptionalHeader.ImageBase);
	CHECK_EQ(*(PVOID *)(peb + 0x10), exe);	/* PEB.ImageBaseAddress */
	CHECK(*(PVOID *)(peb + 0x18) != NULL);	/* PEB.Ldr */
	CHECK(*(PVOID *)(peb + 0x20) != NULL);	/* PEB.ProcessParameters */
	CHECK(*(PVOID *)(peb + 0x30) != NULL);	/* PEB.ProcessHeap */
	CHECK_EQ(*(PVOID *)(peb + 0x30), GetProcessHeap());
	/* NumberOfProcessors: every CPU the machine has (SMP=n); smp_affinity checks it against the kernel's count */
	CHECK(*(ULONG *)(peb + 0xB8) >= 1 && *(ULONG *)(peb + 0xB8) <= 64);
	/* TEB: Self at 0x30 (gs:[0x30]), the PEB at 0x60, ClientId at 0x40, LastErrorValue at 0x68. */
	CHECK_EQ(TEB_FIELD(PVOID, 0x30), teb());
	CHECK_EQ((ULONG_PTR)TEB_FIELD(HANDLE, 0x40), GetCurrentProcessId());
	SetLastError(0x1234);
	CHECK_EQ(TEB_FIELD(DWORD, 0x68), 0x1234);
	/* The stack: StackBase above us, StackLimit below, DeallocationStack the reservation's base. */
	int local = 0;
	MEMORY_BASIC_INFORMATION m = query_region(&local);
	char *base = TEB_FIELD(char *, 0x08), *limit = TEB_FIELD(char *, 0x10);
	CHECK(base > (char *)&local && limit <= (char *)&local);
	CHECK_EQ(TEB_FIELD(PVOID, 0x1478), m.AllocationBase);
	CHECK_EQ(base - (char *)m.AllocationBase, nt->OptionalHeader.SizeOfStackReserve);
	/* Modules: the DLLs we import (and ntdll, always there), each where its image is, found by name. */
	static const char *const dlls[] = { "ntdll.dll", "kernel32.dll", "msvcrt.dll" };
	for (unsigned i = 0; i < sizeof dlls / sizeof dlls[0]; i++) {
		HMODULE h = GetModuleHandleA(dlls[i]);
		CHECK(h != NULL);
		CHECK_EQ(query_region(h).AllocationBase, h);
		CHECK_EQ(query_region(h).Type, MEM_IMAGE);
	}
	/* mmtools.dll: not imported (we call nothing of it, so the linker left it out), so not loaded until asked. */
	CHECK(GetModuleHandleA("mmtools.dll") == NULL);
	HMODULE mt = LoadLibraryA("mmtools.dll");
	CHECK(mt != NULL);
	CHECK(GetModuleHandleA("MMTOOLS.DLL") == mt);
	CHECK_EQ(query_region(mt).AllocationBase, mt);
	CHECK_EQ(query_region(mt).Type, MEM_IMAGE);
	CHECK(FreeLibrary(mt));
	CHECK(GetModuleHandleA("mmtools.dll") == NULL);
	CHECK_EQ(query_region(mt).State, MEM_FREE);
	/* GetProcAddress reads the export table; it agrees with what the loader bound in our import table. */
	FARPROC f = GetProcAddress(GetModuleHandleA("kernel32.dll"), "VirtualAlloc");
	void *fa;
	memcpy(&fa, &f, sizeof fa);
	CHECK(fa != NULL);
	CHECK(fa == (void *)VirtualAlloc);
	CHECK(GetProcAddress(GetModuleHandleA("kernel32.dll"), "NoSuchFunctionAnywhere") == NULL);
}

/* ---- VirtualQuery of our own sections ------------------------------------------------------- */

/* A page of write-copy data nothing touches until this test writes it (its own section, so its own page). */
__attribute__((section(".mmtdata"), aligned(4096))) volatile int untouched_data[1024] = { 1, 2, 3 };
static const char rodata_text[] = "read-only data";

static void sections(void)
{
	HMODULE exe = GetModuleHandleA(NULL);
	IMAGE_NT_HEADERS64 *nt = utest_nt_headers(exe);
	IMAGE_SECTION_HEADER *s = IMAGE_FIRST_SECTION(nt);
	int checked = 0;
	/* Headers: read-only. */
	MEMORY_BASIC_INFORMATION m = query_region(exe);
	CHECK_EQ(m.Protect, PAGE_READONLY);
	CHECK_EQ(m.Type, MEM_IMAGE);
	CHECK_EQ(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
	for (unsigned i = 0; i < nt->FileHeader.NumberOfSections; i++) {
		DWORD c = s[i].Characteristics;
		char *at = (char *)exe + s[i].VirtualAddress;
		m = query_region(at);
		CHECK_EQ(m.State, MEM_COMMIT);
		CHECK_EQ(m.Type, MEM_IMAGE);
		CHECK_EQ(m.AllocationBase, exe);
		CHECK_EQ(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
		if (c & IMAGE_SCN_MEM_WRITE)
			continue;	/* data the runtime or the loader may have written already */
		DWORD want = (c & IMAGE_SCN_MEM_EXECUTE) ? PAGE_EXECUTE_READ : PAGE_READONLY;
		if (m.Protect != want)
			printf("  section %.8s at %p: protect %#lx, expected %#lx\n", (const char *)s[i].Name, (void *)at,
			       m.Protect, want);
		CHECK_EQ(m.Protect, want);
		checked++;
	}
	CHECK(checked >= 2);	/* .text and .rdata at least */
	m = query_region((void *)sections);
	CHECK_EQ(m.Protect, PAGE_EXECUTE_READ);
	m = query_region(rodata_text);
	CHECK_EQ(m.Protect, PAGE_READONLY);
	CHECK_EQ(m.Type, MEM_IMAGE);
	/* Write-copy data: PAGE_WRITECOPY until written, then this process's own PAGE_READWRITE page. */
	m = query_region((const void *)untouched_data);
	CHECK_EQ(m.BaseAddress, (PVOID)untouched_data);
	CHECK_EQ(m.Protect, PAGE_WRITECOPY);
	CHECK_EQ(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
	CHECK_EQ(untouched_data[1], 2);
	untouched_data[1] = 20;
	m = query_region((const void *)untouched_data);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	CHECK_EQ(m.Type, MEM_IMAGE);
	CHECK_EQ(m.RegionSize, PG);	/* only the written page */
	CHECK_EQ(untouched_data[1], 20);
	CHECK_EQ(untouched_data[2], 3);
	/* VirtualProtect on image pages: write-copy is allowed there (MEM_IMAGE), unlike private memory. */
	DWORD old = 0;
	CHECK(VirtualProtect((void *)rodata_text, 1, PAGE_WRITECOPY, &old));
	CHECK_EQ(old, PAGE_READONLY);
	CHECK(VirtualProtect((void *)rodata_text, 1, PAGE_READONLY, &old));
	CHECK_EQ(old, PAGE_WRITECOPY);
}

/* ---- the command line ------------------------------------------------------------------------ */

static void command_line(int argc, char **argv)
{
	const char *cl = GetCommandLineA();
	CHECK(cl != NULL);
	CHECK_EQ(__argc, argc);
	CHECK(__argv == argv || (__argv && strcmp(__argv[0], argv[0]) == 0));
	CHECK(argc >= 1 && argv[argc] == NULL);
	/* argv[0] is the command line's first word (test=all: the module's name). */
	CHECK(strncmp(cl, argv[0], strlen(argv[0])) == 0 || (cl[0] == '"' && strncmp(cl + 1, argv[0], strlen(argv[0])) == 0));
	CHECK(_stricmp(argv[0], "pe_features.exe") == 0);
	WCHAR *w = GetCommandLineW();
	CHECK(w != NULL && w[0] == (WCHAR)cl[0]);
}

/* ---- TLS ------------------------------------------------------------------------------------------ */

/* What MSVC's __declspec(thread) produces: a variable in the image's TLS template (.tls$), reached through _tls_index. */
extern char _tls_start;	/* MinGW's tlssup.c: the template's start (.tls) */
extern ULONG _tls_index;
__attribute__((section(".tls$MMT"))) int tls_template_var = 0x5eed;

static int *tls_slot(int *template_var)
{
	char **blocks = TEB_FIELD(char **, 0x58);	/* ThreadLocalStoragePointer */
	return (int *)(blocks[_tls_index] + ((char *)template_var - &_tls_start));
}

/* A TLS callback of our own (.CRT$XLB, between MinGW's __xl_a and __xl_z): the loader runs it before main. */
static volatile int tls_callback_reason = -1;
static volatile PVOID tls_callback_module;
static void NTAPI tls_callback(PVOID module, DWORD reason, PVOID reserved)
{
	(void)reserved;
	if (tls_callback_reason == -1) {
		tls_callback_reason = (int)reason;
		tls_callback_module = module;
	}
}
__attribute__((section(".CRT$XLB"), used)) static const PIMAGE_TLS_CALLBACK tls_callback_ptr = tls_callback;

__thread int emutls_var = 41;
_Thread_local long long emutls_big = 0x1122334455667788LL;

static void tls(void)
{
	IMAGE_NT_HEADERS64 *nt = utest_nt_headers(GetModuleHandleA(NULL));
	CHECK(nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_TLS].VirtualAddress != 0);
	CHECK(TEB_FIELD(PVOID, 0x58) != NULL);
	int *mine = tls_slot(&tls_template_var);
	CHECK(mine != &tls_template_var);	/* the thread's copy, not the template */
	CHECK_EQ(*mine, 0x5eed);
	*mine = 7;
	CHECK_EQ(*tls_slot(&tls_template_var), 7);
	CHECK_EQ(tls_template_var, 0x5eed);	/* the template is unchanged */
	CHECK_EQ(tls_callback_reason, DLL_PROCESS_ATTACH);
	CHECK_EQ(tls_callback_module, GetModuleHandleA(NULL));
	/* GCC's thread-local variables (emutls over TlsAlloc/TlsGetValue). */
	CHECK_EQ(emutls_var, 41);
	emutls_var++;
	CHECK_EQ(emutls_var, 42);
	CHECK_EQ(emutls_big, 0x1122334455667788LL);
	DWORD idx = TlsAlloc();
	CHECK(idx != TLS_OUT_OF_INDEXES);
	CHECK(TlsGetValue(idx) == NULL);
	CHECK(TlsSetValue(idx, (PVOID)0xabc));
	CHECK(TlsGetValue(idx) == (PVOID)0xabc);
	CHECK(TlsFree(idx));
}

/* ---- exceptions, guard pages, big stack frames ------------------------------------------------ */

static volatile int av_seen, guard_seen;
static char *volatile noaccess;

static LONG CALLBACK veh(PEXCEPTION_POINTERS ep)
{
	DWORD code = ep->ExceptionRecord->ExceptionCode;
	if (code == STATUS_GUARD_PAGE_VIOLATION) {
		guard_seen++;
		return EXCEPTION_CONTINUE_EXECUTION;
	}
	if (code == STATUS_ACCESS_VIOLATION && (char *)ep->ExceptionRecord->ExceptionInformation[1] == noaccess + 8) {
		DWORD old;
		av_seen++;
		return VirtualProtect(noaccess, PG, PAGE_READWRITE, &old) ? EXCEPTION_CONTINUE_EXECUTION
									 : EXCEPTION_CONTINUE_SEARCH;
	}
	return EXCEPTION_CONTINUE_SEARCH;
}

/* A frame of `n` bytes: ___chkstk_ms touches each page on the way down. */
static __attribute__((noinline)) unsigned big_frame_64k(void)
{
	volatile unsigned char a[64 * 1024];
	a[0] = 1;
	a[sizeof a - 1] = 2;
	for (unsigned i = 0; i < sizeof a; i += 4096)
		a[i] = (unsigned char)(i >> 12);
	unsigned sum = 0;
	for (unsigned i = 0; i < sizeof a; i += 4096)
		sum += a[i];
	return sum + a[sizeof a - 1];
}

static __attribute__((noinline)) unsigned big_frame_1m(void)
{
	volatile unsigned char a[1024 * 1024];
	a[0] = 1;
	a[sizeof a - 1] = 2;
	unsigned sum = 0;
	for (unsigned i = 0; i < sizeof a; i += 4096)
		a[i] = (unsigned char)(i >> 12);
	for (unsigned i = 0; i < sizeof a; i += 4096)
		sum += a[i];
	return sum + a[sizeof a - 1];
}

static SIZE_T stack_committed(void)
{
	int here = 0;
	MEMORY_BASIC_INFORMATION m = query_region(&here);
	char *base = m.AllocationBase, *p = base;
	SIZE_T committed = 0;
	while (VirtualQuery(p, &m, sizeof m) == sizeof m && m.AllocationBase == base) {
		committed += m.State == MEM_COMMIT ? m.RegionSize : 0;
		p += m.RegionSize;
	}
	return committed;
}

static void exceptions_and_stack(void)
{
	PVOID h = AddVectoredExceptionHandler(1, veh);
	CHECK(h != NULL);
	noaccess = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
	CHECK(noaccess != NULL);
	((volatile char *)noaccess)[8] = 5;	/* faults once, before av_seen is read; the handler makes it writable */
	CHECK_EQ(av_seen, 1);
	CHECK_EQ(noaccess[8], 5);
	char *g = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
	CHECK(g != NULL);
	CHECK_EQ(((volatile char *)g)[100], 0);	/* one guard violation, then a plain page */
	CHECK_EQ(((volatile char *)g)[200], 0);
	CHECK_EQ(guard_seen, 1);
	CHECK_EQ(query_region(g).Protect, PAGE_READWRITE);
	/* 64 KiB and 1 MiB on the stack: the guard page walks down with no exception reaching us. */
	SIZE_T before = stack_committed();
	unsigned want64 = 0, want1m = 0;
	for (unsigned i = 0; i < 64 * 1024; i += 4096)
		want64 += (unsigned char)(i >> 12);
	for (unsigned i = 0; i < 1024 * 1024; i += 4096)
		want1m += (unsigned char)(i >> 12);
	CHECK_EQ(big_frame_64k(), want64 + 2);
	CHECK_EQ(big_frame_1m(), want1m + 2);
	CHECK_EQ(guard_seen, 1);
	CHECK_EQ(av_seen, 1);
	SIZE_T after = stack_committed();
	CHECK(after >= 1024 * 1024);
	CHECK(after > before);
	CHECK(RemoveVectoredExceptionHandler(h));
	CHECK(VirtualFree(noaccess, 0, MEM_RELEASE));
	CHECK(VirtualFree(g, 0, MEM_RELEASE));
}

/* ---- floating point through printf ---------------------------------------------------------- */

static void float_printf(void)
{
	char buf[128];
	/* MinGW's printf family (its C99 formatting, the default for gnu11). */
	snprintf(buf, sizeof buf, "%.3f|%e|%g|%.0f|%8.2f|%-6.1f|%a", 3.14159, 12345.678, 0.0001, 2.5, -1.005, 0.25, 1.0);
	CHECK(strcmp(buf, "3.142|1.234568e+04|0.0001|2|   -1.00|0.2   |0x1p+0") == 0);
	if (strcmp(buf, "3.142|1.234568e+04|0.0001|2|   -1.00|0.2   |0x1p+0") != 0)
		printf("  snprintf gave \"%s\"\n", buf);
	double third = 1.0 / 3.0;
	snprintf(buf, sizeof buf, "%.17g %.10f", third, 1e10 / 7);
	CHECK(strcmp(buf, "0.33333333333333331 1428571428.5714285374") == 0);
	/* msvcrt.dll's own formatting (_snprintf is always msvcrt's). */
	int n = _snprintf(buf, sizeof buf, "%.3f|%.1f|%g|%d", 3.14159, -2.5, 0.5, 42);
	CHECK_EQ(n, 17);
	CHECK(strcmp(buf, "3.142|-2.5|0.5|42") == 0);
	/* And scanning back. */
	double d = 0;
	CHECK_EQ(sscanf("2.718281828", "%lf", &d), 1);
	CHECK(d > 2.7182818 && d < 2.7182819);
	printf("pe_features: pi is about %.6f, e about %.4f\n", 3.14159265358979, d);
}

int main(int argc, char **argv)
{
	image_and_peb();
	sections();
	command_line(argc, argv);
	tls();
	exceptions_and_stack();
	float_printf();
	return utest_done("pe_features");
}
