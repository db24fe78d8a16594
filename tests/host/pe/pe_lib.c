/* tests/host/pe/pe_lib.c - a MinGW DLL for tests/host/test_pe.c (exports in pe_lib.def). */
int lib_counter = 3;
int *lib_counter_ptr = &lib_counter;	/* a relocation */

int lib_add(int a, int b)
{
	return a + b + *lib_counter_ptr - 3;
}

int lib_sub(int a, int b)
{
	return a - b;
}
