/* tests/host/pe/pe_prog.c - a MinGW program for tests/host/test_pe.c: imports by name and (lib_sub) by ordinal. */
#include <stdio.h>

__declspec(dllimport) int lib_add(int a, int b);
__declspec(dllimport) int lib_sub(int a, int b);

int main(void)
{
	printf("%d\n", lib_add(2, 3) + lib_sub(5, 1));
	return 0;
}
