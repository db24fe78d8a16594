/* tests/user/child_overflow.c - started by proc_crash.c: unbounded recursion runs off the stack reservation (SizeOfStackReserve: 2 MiB). */
#include <stdio.h>

static int depth(volatile char *prev, int n)
{
	volatile char frame[512];
	if (n > 1000000000)	/* never: 512 GiB of stack */
		return 0;
	frame[0] = (char)n;
	frame[511] = prev ? prev[0] : 0;
	return depth(frame, n + 1) + frame[1];
}

int main(void)
{
	printf("child_overflow: recursing\n");
	return depth(NULL, 0);
}
