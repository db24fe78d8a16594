/*
 * tests/user/heap_corrupt.c - heap corruption is detected, never absorbed
 * (docs/heap.md): each case runs in a child (this program started again
 * with the case's name) and must end with STATUS_HEAP_CORRUPTION
 * (0xC0000374), the status Windows ends a process with when a heap finds
 * itself corrupt: double frees (front end, backend, big block), pointers not
 * from the heap (the stack, another heap, the middle of a block), a write
 * past a block's end into the next header.  HeapValidate reports each
 * corruption (FALSE) without raising.  Then a fuzz of the free path: random
 * frees of good and bad pointers against a model, where every bad one must
 * raise and leave the heap valid.
 */
#include "utest.h"
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* The child: does case c and returns 0 only if the heap did not object. */
static int child_case(const char *c)
{
	HANDLE h = HeapCreate(0, 0, 0);
	char local[64];
	char *a = HeapAlloc(h, 0, 40), *b = HeapAlloc(h, 0, 40);
	char *m = HeapAlloc(h, 0, 20000), *m2 = HeapAlloc(h, 0, 20000);
	char *g = HeapAlloc(h, 0, 2 << 20);
	(void)b;
	(void)m2;
	if (!strcmp(c, "double_small")) {
		HeapFree(h, 0, a);
		HeapFree(h, 0, a);
	} else if (!strcmp(c, "double_medium")) {
		HeapFree(h, 0, m);
		HeapFree(h, 0, m);
	} else if (!strcmp(c, "double_big")) {
		HeapFree(h, 0, g);
		HeapFree(h, 0, g);
	} else if (!strcmp(c, "stack")) {
		HeapFree(h, 0, local + 16);
	} else if (!strcmp(c, "other_heap")) {
		HeapFree(GetProcessHeap(), 0, a);
	} else if (!strcmp(c, "middle")) {
		HeapFree(h, 0, m + 64);
	} else if (!strcmp(c, "overrun_small")) {
		memset(a, 'x', 40 + 24);	/* through the next slot's header */
		HeapFree(h, 0, a);
	} else if (!strcmp(c, "overrun_medium")) {
		memset(m, 'x', 20000 + 32);
		HeapFree(h, 0, m);
	} else if (!strcmp(c, "crt_double")) {
		char *volatile p = malloc(100);
		free(p);
		free(p);
	} else {
		return 2;
	}
	return 0;
}

static DWORD run_case(const char *c)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "heap_corrupt.exe %s", c);
	ULONG pid = 0;
	DWORD code = 0x12345678;
	CHECK_STATUS(mm_spawn_cmdline("heap_corrupt.exe", cmd, &pid), 0);
	CHECK_STATUS(mm_wait(pid, &code), 0);
	return code;
}

/* ---- in-process: HeapValidate, and the free-path fuzz with a vectored handler ---- */

static jmp_buf fuzz_jmp;
static volatile LONG raised;
static LONG WINAPI on_corruption(EXCEPTION_POINTERS *ep)
{
	if (ep->ExceptionRecord->ExceptionCode == STATUS_HEAP_CORRUPTION) {
		raised++;
		longjmp(fuzz_jmp, 1);
	}
	return EXCEPTION_CONTINUE_SEARCH;
}

/* Frees p in h; 1 when the heap raised STATUS_HEAP_CORRUPTION. */
static int try_free(HANDLE h, void *p)
{
	if (setjmp(fuzz_jmp))
		return 1;
	HeapFree(h, 0, p);
	return 0;
}

static unsigned seed = 99;
static unsigned rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void validate_cases(void)
{
	HANDLE h = HeapCreate(0, 0, 0);
	char *a = HeapAlloc(h, 0, 40), *b = HeapAlloc(h, 0, 40);
	CHECK(HeapValidate(h, 0, NULL));
	CHECK(HeapValidate(h, 0, a));
	CHECK(!HeapValidate(h, 0, a + 16));
	memset(a, 'x', 40 + 24);
	CHECK(!HeapValidate(h, 0, NULL));
	CHECK(!HeapValidate(h, 0, a));	/* its successor's header is gone */
	CHECK(!HeapValidate(h, 0, b));
	/* The heap stays corrupt; it is dropped, never freed into. */

	h = HeapCreate(0, 0, 0);
	char *m = HeapAlloc(h, 0, 30000);
	HeapAlloc(h, 0, 30000);
	CHECK(HeapFree(h, 0, m));
	CHECK(!HeapValidate(h, 0, m));	/* freed */
	CHECK(HeapValidate(h, 0, NULL));
	CHECK(HeapDestroy(h));
}

/* 3000 random frees: good ones of live blocks, bad ones (freed, interior, foreign); every bad one raises. */
static void fuzz_free(void)
{
	HANDLE h = HeapCreate(0, 0, 0);
	enum { N = 256 };
	char *live[N] = { 0 }, *dead[N] = { 0 };
	char stack_buf[256];
	PVOID veh = AddVectoredExceptionHandler(1, on_corruption);
	int bad_tries = 0, bad_raised = 0, good_raised = 0;
	for (int i = 0; i < 3000; i++) {
		unsigned k = rnd() % N, what = rnd() % 8;
		if (what < 4) {
			if (!live[k]) {
				SIZE_T sz = (rnd() % 3) == 0 ? 5000 + rnd() % 60000 : 1 + rnd() % 2000;
				live[k] = HeapAlloc(h, 0, sz);
			} else {
				good_raised += try_free(h, live[k]);
				dead[k] = live[k];
				live[k] = NULL;
			}
			continue;
		}
		char *bad = NULL;
		if (what == 4 && dead[k] && !live[k]) {
			int reused = 0;
			for (int j = 0; j < N; j++)
				reused |= live[j] == dead[k];
			if (!reused)
				bad = dead[k];
		} else if (what == 5 && live[k]) {
			bad = live[k] + 16 * (1 + rnd() % 4);
		} else if (what == 6) {
			bad = stack_buf + 16 * (rnd() % 8);
		} else if (what == 7 && live[k]) {
			bad = live[k] + 1 + rnd() % 15;
		}
		if (!bad)
			continue;
		/* An interior pointer may happen to be another live block's start: not a bad pointer then. */
		int is_live = 0;
		for (int j = 0; j < N; j++)
			is_live |= live[j] == bad;
		if (is_live)
			continue;
		bad_tries++;
		bad_raised += try_free(h, bad);
	}
	RemoveVectoredExceptionHandler(veh);
	printf("heap_corrupt: fuzz: %d bad frees, %d raised; %d good frees raised\n", bad_tries, bad_raised, good_raised);
	CHECK(bad_tries > 300);
	CHECK_EQ(bad_raised, bad_tries);
	CHECK_EQ(good_raised, 0);
	CHECK(HeapValidate(h, 0, NULL));
	for (int k = 0; k < N; k++)
		if (live[k])
			CHECK(HeapFree(h, 0, live[k]));
	CHECK(HeapValidate(h, 0, NULL));
	CHECK(HeapDestroy(h));
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child_case(argv[1]);
	static const char *const cases[] = { "double_small", "double_medium", "double_big", "stack", "other_heap",
					     "middle", "overrun_small", "overrun_medium", "crt_double" };
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		DWORD code = run_case(cases[i]);
		if (code != (DWORD)STATUS_HEAP_CORRUPTION)
			printf("  case %s: exit 0x%lx\n", cases[i], (unsigned long)code);
		CHECK_EQ(code, STATUS_HEAP_CORRUPTION);
	}
	validate_cases();
	fuzz_free();
	return utest_done("heap_corrupt");
}
