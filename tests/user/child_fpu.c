/* tests/user/child_fpu.c - started by fpu.c: computes H(50000) for 300 ms; exits 0 if every result has the same bits. */
#include <windows.h>

static __attribute__((noinline)) unsigned long long harmonic_bits(int n_arg)
{
	volatile int n_mem = n_arg;	/* not foldable at compile time */
	int n = n_mem;
	double h = 0;	/* lives in an SSE register for the whole loop */
	for (int i = n; i >= 1; i--)
		h += 1.0 / i;
	double d = h;
	unsigned long long bits;
	__builtin_memcpy(&bits, &d, 8);
	return bits;
}

int main(void)
{
	unsigned long long want = harmonic_bits(50000);
	DWORD t0 = GetTickCount();
	while (GetTickCount() - t0 < 300)
		if (harmonic_bits(50000) != want)
			return 1;
	return 0;
}
