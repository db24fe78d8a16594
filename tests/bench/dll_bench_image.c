/*
 * tests/bench/dll_bench_image.c - a DLL of about 1 MiB (code, and 1 MiB of
 * read-only data) that bench.c maps with LoadLibrary to time image mapping.
 */
#include <windows.h>

#define BLOB (1024 * 1024)

/* Non-zero, so the bytes are in the file and the loader copies them. */
#define X16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
__declspec(dllexport) const unsigned char bench_blob[BLOB] = { X16(1), X16(2), X16(3), X16(4) };

__declspec(dllexport) int bench_sum(void)
{
	int s = 0;
	for (int i = 0; i < BLOB; i += 4096)
		s += bench_blob[i];
	return s;
}
