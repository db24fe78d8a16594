/* tests/user/child_fpu.c - started by fpu.c: computes H(50000) for 300 ms; exits 0 if every result has the same bits. */
#include <windows.h>

#include "harmonic.h"

int main(void)
{
	unsigned long long want = harmonic_bits(50000);
	DWORD t0 = GetTickCount();
	while (GetTickCount() - t0 < 300)
		if (harmonic_bits(50000) != want)
			return 1;
	return 0;
}
