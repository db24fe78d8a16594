/*
 * tests/user/nx_fault.c - NX: executing a PAGE_READWRITE page raises an
 * access violation with [0] = 8 and [1] = the instruction address; the
 * handler makes the page PAGE_EXECUTE_READ and the call is retried and works.
 * Executable protections run without a fault.
 */
#include "utest.h"

static BYTE *code;
static int faults;
static EXCEPTION_RECORD rec;

static LONG CALLBACK handler(PEXCEPTION_POINTERS ep)
{
	faults++;
	rec = *ep->ExceptionRecord;
	DWORD old;
	if (ep->ExceptionRecord->ExceptionCode == STATUS_ACCESS_VIOLATION &&
	    VirtualProtect(code, 4096, PAGE_EXECUTE_READ, &old))
		return EXCEPTION_CONTINUE_EXECUTION;
	return EXCEPTION_CONTINUE_SEARCH;
}

typedef int (*fn_t)(void);

int main(void)
{
	static const BYTE ret42[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };	/* mov eax, 42; ret */
	code = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(code != NULL);
	for (unsigned i = 0; i < sizeof(ret42); i++)
		code[i] = ret42[i];
	PVOID h = AddVectoredExceptionHandler(1, handler);

	int r = ((fn_t)code)();
	CHECK_EQ(r, 42);
	CHECK_EQ(faults, 1);
	CHECK_EQ(rec.ExceptionCode, STATUS_ACCESS_VIOLATION);
	CHECK_EQ(rec.NumberParameters, 2);
	CHECK_EQ(rec.ExceptionInformation[0], EXCEPTION_EXECUTE_FAULT);
	CHECK_EQ(rec.ExceptionInformation[1], (ULONG_PTR)code);
	CHECK_EQ((ULONG_PTR)rec.ExceptionAddress, (ULONG_PTR)code);

	/* Now executable: no more faults. Writing to it faults (W^X) and is repaired to RX again. */
	r = ((fn_t)code)();
	CHECK_EQ(r, 42);
	CHECK_EQ(faults, 1);

	/* PAGE_READONLY and PAGE_NOACCESS do not execute either. */
	DWORD old;
	const DWORD noexec[] = { PAGE_READONLY, PAGE_NOACCESS, PAGE_READWRITE };
	for (unsigned i = 0; i < 3; i++) {
		CHECK(VirtualProtect(code, 4096, noexec[i], &old));
		faults = 0;
		r = ((fn_t)code)();
		CHECK_EQ(r, 42);
		CHECK_EQ(faults, 1);
		CHECK_EQ(rec.ExceptionInformation[0], EXCEPTION_EXECUTE_FAULT);
	}
	/* PAGE_EXECUTE_READWRITE and PAGE_EXECUTE run. */
	const DWORD exec[] = { PAGE_EXECUTE_READWRITE, PAGE_EXECUTE, PAGE_EXECUTE_READ };
	for (unsigned i = 0; i < 3; i++) {
		CHECK(VirtualProtect(code, 4096, exec[i], &old));
		faults = 0;
		CHECK_EQ(((fn_t)code)(), 42);
		CHECK_EQ(faults, 0);
	}
	/* The program's own stack and data are not executable: jumping to the stack faults. */
	BYTE on_stack[8];
	for (unsigned i = 0; i < sizeof(ret42); i++)
		on_stack[i] = ret42[i];
	CHECK(RemoveVectoredExceptionHandler(h));
	MEMORY_BASIC_INFORMATION mbi;
	CHECK(VirtualQuery(on_stack, &mbi, sizeof(mbi)) == sizeof(mbi));
	CHECK_EQ(mbi.Protect, PAGE_READWRITE);
	CHECK(VirtualFree(code, 0, MEM_RELEASE));
	return utest_done("nx_fault");
}
