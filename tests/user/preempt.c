/*
 * tests/user/preempt.c - the timer preempts a process that never yields:
 * a child spinning forever does not keep the parent from running, and Sleep
 * returns while another process is busy.
 */
#include "utest.h"

int main(void)
{
	ULONG pid = 0;
	CHECK_STATUS(mm_spawn("child_spin.exe", &pid), 0);
	/* The child now spins for 1 s; without preemption our Sleep(50) would last until it ends. */
	DWORD t0 = GetTickCount();
	Sleep(50);
	DWORD t1 = GetTickCount();
	CHECK(t1 - t0 >= 50);
	CHECK(t1 - t0 < 800);
	volatile unsigned long long n = 0;
	for (int i = 0; i < 1000000; i++)
		n += i;
	CHECK_EQ(n, 499999500000ULL);
	DWORD code = 1;
	CHECK_STATUS(mm_wait(pid, &code), 0);
	CHECK_EQ(code, 0);
	return utest_done("preempt");
}
