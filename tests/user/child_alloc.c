/* tests/user/child_alloc.c - started by proc_crash.c: commits and touches 8 MiB, then exits without freeing. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

int main(void)
{
	SIZE_T size = 8 << 20;
	char *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (!p)
		return 1;
	for (SIZE_T i = 0; i < size; i += 4096)
		p[i] = (char)i;
	void *q = malloc(100000);	/* and some heap */
	return q ? 0 : 2;
}
