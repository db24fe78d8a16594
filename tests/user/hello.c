/* tests/user/hello.c - the first user program: prints a greeting and the system's page sizes. */
#include <stdio.h>
#include <windows.h>

int main(void)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	printf("hello, world\n");
	printf("page size %lu, allocation granularity %lu\n", si.dwPageSize, si.dwAllocationGranularity);
	return 0;
}
