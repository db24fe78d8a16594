/* tests/user/child_crash.c - started by proc_crash.c: prints, then writes through a NULL pointer. */
#include <stdio.h>

int main(void)
{
	printf("child_crash: about to write to address 0\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	printf("child_crash: still alive (wrong)\n");
	return 0;
}
