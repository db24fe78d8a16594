/* tests/user/child_spin.c - started by preempt.c: busy-loops for 1 s without a single system call between checks. */
#include <windows.h>

int main(void)
{
	DWORD start = GetTickCount();
	volatile unsigned long spins = 0;
	while (GetTickCount() - start < 1000)
		for (int i = 0; i < 100000; i++)
			spins++;
	return 0;
}
