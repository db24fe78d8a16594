/*
 * tests/user/harmonic.h - floating-point work whose result bits must not
 * change: used by fpu.c and child_fpu.c, which run it side by side.
 */
#ifndef TESTS_USER_HARMONIC_H
#define TESTS_USER_HARMONIC_H

/* The bits of the harmonic number H(n), summed from the small end, with the sum kept in an SSE register. */
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

#endif
