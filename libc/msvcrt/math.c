/*
 * libc/msvcrt/math.c - the math functions msvcrt exports that libmingwex
 * does not define (libmingwex supplies sin, cos, exp, log, pow, floor,
 * ceil, fabs, fmod, ldexp, modf, atan2, hypot and the float forms).  The
 * double forms here round libmingwex's x87 long double results; sqrt is
 * the sqrtsd instruction.  Domain errors set errno EDOM and go to the
 * program's _matherr (registered by __setusermatherr), as in msvcrt.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "crt.h"

#undef __setusermatherr	/* <math.h> renames it to MinGW's static __mingw_setusermatherr */

/* msvcrt's status-word bits (<float.h> in MinGW leaves these out). */
#ifndef _SW_INEXACT
#define _SW_INEXACT    0x00000001
#define _SW_UNDERFLOW  0x00000002
#define _SW_OVERFLOW   0x00000004
#define _SW_ZERODIVIDE 0x00000008
#define _SW_INVALID    0x00000010
#define _SW_DENORMAL   0x00080000
#endif

static int(__cdecl *user_matherr)(struct _exception *);

/* Records the program's _matherr. */
void __cdecl __setusermatherr(int(__cdecl *f)(struct _exception *))
{
	user_matherr = f;
}

/* libmingwex's math functions report errors here: the program's _matherr sees them. */
void __mingw_raise_matherr(int type, const char *name, double a1, double a2, double result)
{
	if (user_matherr) {
		struct _exception e = { type, (char *)name, a1, a2, result };
		user_matherr(&e);
	}
}

/* Square root by sqrtsd; a negative argument gives NaN with EDOM. */
double __cdecl sqrt(double x)
{
	if (x < 0) {
		errno = EDOM;
		__mingw_raise_matherr(_DOMAIN, "sqrt", x, 0, NAN);
	}
	double r;
	__asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
	return r;
}

/* A domain check for asin and acos: |x| <= 1, else NaN with EDOM. */
static int bad_unit(double x, const char *name)
{
	if (x < -1 || x > 1) {
		errno = EDOM;
		__mingw_raise_matherr(_DOMAIN, name, x, 0, NAN);
		return 1;
	}
	return 0;
}

double __cdecl tan(double x) { return (double)tanl(x); }
double __cdecl atan(double x) { return (double)atanl(x); }
double __cdecl asin(double x) { return bad_unit(x, "asin") ? NAN : (double)asinl(x); }
double __cdecl acos(double x) { return bad_unit(x, "acos") ? NAN : (double)acosl(x); }
double __cdecl sinh(double x) { return (double)sinhl(x); }
double __cdecl cosh(double x) { return (double)coshl(x); }
double __cdecl tanh(double x) { return (double)tanhl(x); }
double __cdecl _hypot(double x, double y) { return (double)sqrtl((long double)x * x + (long double)y * y); }
float __cdecl _hypotf(float x, float y) { return (float)_hypot(x, y); }

/* log10: -inf with ERANGE at 0, NaN with EDOM below. */
double __cdecl log10(double x)
{
	if (x < 0) {
		errno = EDOM;
		__mingw_raise_matherr(_DOMAIN, "log10", x, 0, NAN);
		return NAN;
	}
	if (x == 0) {
		errno = ERANGE;
		__mingw_raise_matherr(_SING, "log10", x, 0, -HUGE_VAL);
		return -HUGE_VAL;
	}
	return (double)log10l(x);
}

/* The bits of a double. */
static uint64_t bits(double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof(u));
	return u;
}

static double from_bits(uint64_t u)
{
	double x;
	memcpy(&x, &u, sizeof(x));
	return x;
}

/* Splits x into a fraction in [0.5, 1) and a power of two. */
double __cdecl frexp(double x, int *e)
{
	uint64_t u = bits(x);
	int ex = (int)(u >> 52 & 0x7ff);
	*e = 0;
	if (ex == 0x7ff || x == 0)
		return x;
	if (ex == 0) {	/* subnormal: scale up first */
		x *= 0x1p64;
		u = bits(x);
		ex = (int)(u >> 52 & 0x7ff) - 64;
	}
	*e = ex - 1022;
	return from_bits((u & ~(0x7ffull << 52)) | (1022ull << 52));
}

double __cdecl _copysign(double x, double y) { return from_bits((bits(x) & ~(1ull << 63)) | (bits(y) & (1ull << 63))); }
double __cdecl _chgsign(double x) { return from_bits(bits(x) ^ (1ull << 63)); }
int __cdecl _isnan(double x) { return (bits(x) & ~(1ull << 63)) > 0x7ffull << 52; }
int __cdecl _finite(double x) { return (bits(x) >> 52 & 0x7ff) != 0x7ff; }
double __cdecl _logb(double x) { return logb(x); }
double __cdecl _scalb(double x, long n) { return scalbn(x, (int)n); }

/* The next representable double after x toward y. */
double __cdecl _nextafter(double x, double y)
{
	if (_isnan(x) || _isnan(y))
		return x + y;
	if (x == y)
		return y;
	if (x == 0)
		return from_bits(1 | (bits(y) & (1ull << 63)));
	uint64_t u = bits(x);
	if ((x < y) == (x > 0))
		u++;
	else
		u--;
	return from_bits(u);
}

/* nextafter is _nextafter. */
double __cdecl nextafter(double x, double y)
{
	return _nextafter(x, y);
}

/* msvcrt's classification of x (_FPCLASS_SNAN ... _FPCLASS_PINF). */
int __cdecl _fpclass(double x)
{
	uint64_t u = bits(x);
	int neg = (int)(u >> 63), ex = (int)(u >> 52 & 0x7ff);
	uint64_t frac = u & ((1ull << 52) - 1);
	if (ex == 0x7ff) {
		if (!frac)
			return neg ? _FPCLASS_NINF : _FPCLASS_PINF;
		return (frac >> 51) ? _FPCLASS_QNAN : _FPCLASS_SNAN;
	}
	if (ex == 0)
		return frac ? (neg ? _FPCLASS_ND : _FPCLASS_PD) : (neg ? _FPCLASS_NZ : _FPCLASS_PZ);
	return neg ? _FPCLASS_NN : _FPCLASS_PN;
}

/* |z| of a complex number. */
double __cdecl _cabs(struct _complex z)
{
	return _hypot(z.x, z.y);
}

/* Resets the floating-point units: x87 to its default control word (0x27f, 53-bit precision
 * as msvcrt has it on x64), SSE to all exceptions masked, round to nearest (MXCSR 0x1f80). */
void __cdecl _fpreset(void)
{
	unsigned short cw = 0x27f;
	unsigned int mxcsr = 0x1f80;
	__asm__ volatile("fninit; fldcw %0; ldmxcsr %1" : : "m"(cw), "m"(mxcsr));
}

/* The SSE status flags in msvcrt's _SW_* encoding, as x64 msvcrt reports them. */
static unsigned int status_from_mxcsr(unsigned int m)
{
	unsigned int s = 0;
	if (m & 0x01) s |= _SW_INVALID;
	if (m & 0x02) s |= _SW_DENORMAL;
	if (m & 0x04) s |= _SW_ZERODIVIDE;
	if (m & 0x08) s |= _SW_OVERFLOW;
	if (m & 0x10) s |= _SW_UNDERFLOW;
	if (m & 0x20) s |= _SW_INEXACT;
	return s;
}

/* The floating-point status word (from MXCSR). */
unsigned int __cdecl _statusfp(void)
{
	unsigned int m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return status_from_mxcsr(m);
}

/* Returns the status word and clears the exception flags. */
unsigned int __cdecl _clearfp(void)
{
	unsigned int m, cleared;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	cleared = m & ~0x3fu;
	__asm__ volatile("ldmxcsr %0; fnclex" : : "m"(cleared));
	return status_from_mxcsr(m);
}

/* The control word in msvcrt's _MCW_* encoding from MXCSR. */
static unsigned int control_from_mxcsr(unsigned int m)
{
	unsigned int c = 0;
	if (m & 0x0080) c |= _EM_INVALID;
	if (m & 0x0100) c |= _EM_DENORMAL;
	if (m & 0x0200) c |= _EM_ZERODIVIDE;
	if (m & 0x0400) c |= _EM_OVERFLOW;
	if (m & 0x0800) c |= _EM_UNDERFLOW;
	if (m & 0x1000) c |= _EM_INEXACT;
	switch (m & 0x6000) {
	case 0x2000: c |= _RC_DOWN; break;
	case 0x4000: c |= _RC_UP; break;
	case 0x6000: c |= _RC_CHOP; break;
	}
	if (m & 0x8040)
		c |= _DN_FLUSH;
	return c;
}

/* Sets the bits of mask in the SSE control (exception masks, rounding, denormal flushing)
 * to those of value; returns the new control word.  Precision control does not apply to SSE. */
unsigned int __cdecl _controlfp(unsigned int value, unsigned int mask)
{
	unsigned int m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	unsigned int c = (control_from_mxcsr(m) & ~mask) | (value & mask);
	m &= ~0xff80u;
	if (c & _EM_INVALID) m |= 0x0080;
	if (c & _EM_DENORMAL) m |= 0x0100;
	if (c & _EM_ZERODIVIDE) m |= 0x0200;
	if (c & _EM_OVERFLOW) m |= 0x0400;
	if (c & _EM_UNDERFLOW) m |= 0x0800;
	if (c & _EM_INEXACT) m |= 0x1000;
	switch (c & _MCW_RC) {
	case _RC_DOWN: m |= 0x2000; break;
	case _RC_UP: m |= 0x4000; break;
	case _RC_CHOP: m |= 0x6000; break;
	}
	if (c & _DN_FLUSH)
		m |= 0x8040;
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
	return control_from_mxcsr(m);
}

/* _controlfp without the denormal-control restriction (the same on x64). */
unsigned int __cdecl _control87(unsigned int value, unsigned int mask)
{
	return _controlfp(value, mask);
}
