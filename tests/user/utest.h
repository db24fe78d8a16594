/*
 * tests/user/utest.h - checks for user test programs.
 *
 *   CHECK(cond);  CHECK_EQ(a, b);  CHECK_STATUS(nt_call, STATUS_X);  CHECK_ERR(call_returning_false_or_null, ERROR_X);
 *   return utest_done("name");
 *
 * Every failed check prints one line with file:line; utest_done prints the
 * number of checks and returns non-zero if any failed, which makes the
 * kernel's runner report the program as failed.  utest_frames_begin/end
 * check that a block of work gives every frame back.
 */
#ifndef TESTS_USER_UTEST_H
#define TESTS_USER_UTEST_H

#include <mmtools.h>
#include <stdio.h>
#include <windows.h>

static int utest_checks, utest_failures;

#define CHECK(c)                                                                          \
	do {                                                                              \
		utest_checks++;                                                           \
		if (!(c)) {                                                               \
			utest_failures++;                                                 \
			printf("  check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);  \
		}                                                                         \
	} while (0)

#define CHECK_EQ(a, b)                                                                                   \
	do {                                                                                             \
		unsigned long long ua_ = (unsigned long long)(a), ub_ = (unsigned long long)(b);         \
		utest_checks++;                                                                          \
		if (ua_ != ub_) {                                                                        \
			utest_failures++;                                                                \
			printf("  check failed: %s == %s: 0x%llx != 0x%llx (%s:%d)\n", #a, #b, ua_, ub_, \
			       __FILE__, __LINE__);                                                     \
		}                                                                                        \
	} while (0)

/* An NTSTATUS result (signed) against a status constant (DWORD or NTSTATUS). */
#define CHECK_STATUS(call, st) CHECK_EQ((DWORD)(call), (DWORD)(st))

/* The call must fail (return 0/NULL/FALSE) with GetLastError() == err. */
#define CHECK_ERR(call, err)                                                                                 \
	do {                                                                                                 \
		SetLastError(0xdeadbeef);                                                                    \
		unsigned long long r_ = (unsigned long long)(call);                                          \
		DWORD e_ = GetLastError();                                                                   \
		utest_checks++;                                                                              \
		if (r_ != 0 || e_ != (DWORD)(err)) {                                                         \
			utest_failures++;                                                                    \
			printf("  check failed: %s -> 0x%llx, error %u, expected failure with %u (%s:%d)\n", \
			       #call, r_, (unsigned)e_, (unsigned)(err), __FILE__, __LINE__);                          \
		}                                                                                            \
	} while (0)

/* VirtualQuery of p into a structure pre-filled with 0xcc (so unset fields show), checking the returned size. */
static __attribute__((unused)) MEMORY_BASIC_INFORMATION query_region(const void *p)
{
	MEMORY_BASIC_INFORMATION m;
	for (unsigned i = 0; i < sizeof(m); i++)
		((unsigned char *)&m)[i] = 0xcc;
	CHECK_EQ(VirtualQuery(p, &m, sizeof m), sizeof m);
	return m;
}

/* Checks the region at p: state, protect and size. */
#define CHECK_REGION(p, st, prot, size)                        \
	do {                                                   \
		MEMORY_BASIC_INFORMATION m_ = query_region(p); \
		CHECK_EQ(m_.State, st);                        \
		CHECK_EQ(m_.Protect, prot);                    \
		CHECK_EQ(m_.RegionSize, size);                 \
	} while (0)

/*
 * Brings in every page of every image mapped in this process as the program
 * will hold it: a read of each page gives the image section its shared frame
 * (a never-touched .bss page has none until some process reads it, and a
 * child reading a DLL page the parent never read would add one that lives as
 * long as the parent maps the DLL), and a same-value atomic write to each
 * write-copy page gives this process its private copy (the first write to a
 * DLL's or the program's .data/.bss: msvcrt's stdout buffer, a check's failure
 * counter).  The pages stay with the images until they are unmapped.
 */
static __attribute__((unused)) void utest_warm_images(void)
{
	MEMORY_BASIC_INFORMATION m;
	char *p = NULL, *next;
	for (; VirtualQuery(p, &m, sizeof m) == sizeof m; p = next) {
		next = (char *)m.BaseAddress + m.RegionSize;
		if (next <= p)
			break;
		DWORD base = m.Protect & 0xff;
		if (m.Type != MEM_IMAGE || m.State != MEM_COMMIT || base == PAGE_NOACCESS || (m.Protect & PAGE_GUARD))
			continue;
		int writable = base == PAGE_WRITECOPY || base == PAGE_EXECUTE_WRITECOPY || base == PAGE_READWRITE ||
			       base == PAGE_EXECUTE_READWRITE;
		for (char *q = m.BaseAddress; q < next; q += 4096) {
			(void)*(volatile char *)q;
			if (writable)
				__asm__ volatile("lock orb $0, (%0)" : : "r"(q) : "memory");
		}
	}
}

/*
 * Free frames, counting this process's page-table pages and the kernel heap
 * frames charged to its pool quota as free, and pages paged out to the
 * pagefile as held: page tables and the process's heap slabs stay with the
 * process until it exits (the kernel's runner checks that exit returns them,
 * every heap object and every pagefile slot), and paging moves a page between
 * a frame and a slot, so a block of work that releases what it allocated must
 * bring this number back exactly.  The first call warms the images up first
 * (utest_warm_images), so what the runtime and the program's statics take on
 * first touch is in every baseline.
 */
/*
 * The process heap's front end keeps a run of slots per size class once a
 * class is used (docs/heap.md): one block of every class allocated and freed
 * up front puts those pages in every baseline, as utest_warm_images does
 * for the images.
 */
static __attribute__((unused)) void utest_warm_heap(void)
{
	for (SIZE_T n = 16; n <= 4096; n += 16)
		HeapFree(GetProcessHeap(), 0, HeapAlloc(GetProcessHeap(), 0, n));
}

static inline unsigned long long utest_free_frames(void)
{
	static int warm;
	if (!warm) {
		warm = 1;
		utest_warm_images();
		utest_warm_heap();
	}
	struct abi_frame_stats s;
	mm_frame_stats(&s);
	return s.free + s.pagetable + s.pool - s.paged_out;	/* a page paged out frees a frame but is still held */
}

/* The PE headers of a mapped image (GetModuleHandleA(NULL): the program's own). */
static __attribute__((unused)) IMAGE_NT_HEADERS64 *utest_nt_headers(HMODULE image)
{
	IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)image;
	return (IMAGE_NT_HEADERS64 *)((char *)image + dos->e_lfanew);
}

/* Grow the stack to `bytes` now, so that stack growth later does not show up as a leak. */
static __attribute__((noinline, unused)) void utest_prefault_stack(unsigned bytes)
{
	volatile char *buf = __builtin_alloca(bytes);
	for (unsigned i = bytes; i >= 4096; i -= 4096)	/* top down, one page at a time, as _chkstk */
		buf[i - 1] = 0;
	buf[0] = 0;
}

/*
 * Probes: read or write one byte at p and return 0, or the exception code
 * the access raised (0xC0000005, 0x80000001...), caught by a vectored
 * handler that resumes after the probing instruction.  Call utest_probe_init
 * once.  The probing instructions sit in their own functions (asm below) so
 * the handler knows them by address.
 */
__asm__(".text\n"
	".globl utest_probe_read_fn, utest_probe_write_fn\n"
	"utest_probe_read_fn:\n	xor %eax, %eax\n"
	"utest_probe_read_insn:\n	movb (%rcx), %cl\n"
	"utest_probe_read_end:\n	ret\n"
	"utest_probe_write_fn:\n	xor %eax, %eax\n"
	"utest_probe_write_insn:\n	movb %dl, (%rcx)\n"
	"utest_probe_write_end:\n	ret\n");
extern char utest_probe_read_insn[], utest_probe_read_end[], utest_probe_write_insn[], utest_probe_write_end[];
unsigned utest_probe_read_fn(const volatile void *p);
unsigned utest_probe_write_fn(volatile void *p, char v);

static __attribute__((unused)) LONG WINAPI utest_probe_handler(EXCEPTION_POINTERS *ep)
{
	CONTEXT *c = ep->ContextRecord;
	if (c->Rip == (DWORD64)utest_probe_read_insn || c->Rip == (DWORD64)utest_probe_write_insn) {
		c->Rax = ep->ExceptionRecord->ExceptionCode;
		c->Rip = c->Rip == (DWORD64)utest_probe_read_insn ? (DWORD64)utest_probe_read_end
								   : (DWORD64)utest_probe_write_end;
		return EXCEPTION_CONTINUE_EXECUTION;
	}
	return EXCEPTION_CONTINUE_SEARCH;
}

static __attribute__((unused)) void utest_probe_init(void)
{
	AddVectoredExceptionHandler(1, utest_probe_handler);
}

#define utest_probe_read(p)     utest_probe_read_fn(p)
#define utest_probe_write(p, v) utest_probe_write_fn((p), (char)(v))

static inline int utest_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, utest_checks, utest_failures);
	return utest_failures != 0;
}

#endif
