/* tests/user/dll_imgpath.c - the DLL img_disk.c loads from C:\ by path (and from a copy it writes itself). */
#include <windows.h>

__declspec(dllexport) int imgpath_value(void);
__declspec(dllexport) int imgpath_counter(void);

static int counter = 5;	/* writable data: each process, and each copy of the DLL, has its own */

int imgpath_value(void)
{
	return 2020;
}

int imgpath_counter(void)
{
	return ++counter;
}
