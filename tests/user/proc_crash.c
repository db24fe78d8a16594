/*
 * tests/user/proc_crash.c - processes: an unhandled fault ends only the child,
 * with the exception code as its exit status; process exit returns every
 * frame the child owned; a stack overflow ends the child with
 * STATUS_STACK_OVERFLOW; waiting for a non-child fails.
 */
#include "utest.h"

static DWORD run_child(const char *name)
{
	ULONG pid = 0;
	DWORD code = 0x12345678;
	NTSTATUS st = mm_spawn(name, &pid);
	CHECK_STATUS(st, 0);
	CHECK(pid != 0 && pid != GetCurrentProcessId());
	st = mm_wait(pid, &code);
	CHECK_STATUS(st, 0);
	return code;
}

int main(void)
{
	/* Warm up: the first child makes the kernel build its stack-area page tables. */
	CHECK_EQ(run_child("child_alloc.exe"), 0);

	unsigned long long before = utest_free_frames();
	CHECK_EQ(run_child("child_crash.exe"), STATUS_ACCESS_VIOLATION);
	CHECK_EQ(utest_free_frames(), before);

	/* A child that commits and touches 8 MiB and never frees it gives it all back at exit. */
	before = utest_free_frames();
	CHECK_EQ(run_child("child_alloc.exe"), 0);
	CHECK_EQ(utest_free_frames(), before);

	/* Several children one after another, then the same count again. */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(run_child(i % 2 ? "child_crash.exe" : "child_alloc.exe"), i % 2 ? STATUS_ACCESS_VIOLATION : 0);
	CHECK_EQ(utest_free_frames(), before);

	/* Running off the end of the stack reservation ends the child with STATUS_STACK_OVERFLOW. */
	before = utest_free_frames();
	CHECK_EQ(run_child("child_overflow.exe"), STATUS_STACK_OVERFLOW);
	CHECK_EQ(utest_free_frames(), before);

	/* Errors: a missing module, waiting for a process that is not our child. */
	ULONG pid = 0;
	CHECK(mm_spawn("no_such_program.exe", &pid) != 0);
	DWORD code;
	CHECK(mm_wait(GetCurrentProcessId(), &code) != 0);
	CHECK(mm_wait(9999, &code) != 0);

	/* We are still running after our children crashed. */
	printf("proc_crash: parent alive\n");
	return utest_done("proc_crash");
}
