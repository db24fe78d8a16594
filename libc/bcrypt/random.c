/*
 * libc/bcrypt/random.c - BCryptGenRandom from the processor's generator:
 * RDRAND (retried, as Intel recommends, up to 10 times per word), RDSEED when
 * RDRAND is missing.  STATUS_NOT_SUPPORTED on a processor with neither,
 * rather than bytes that only look random.
 *
 * Only the system-preferred generator is here (hAlgorithm NULL with
 * BCRYPT_USE_SYSTEM_PREFERRED_RNG, as mimalloc and most programs call it);
 * algorithm handles (BCryptOpenAlgorithmProvider) are not.
 */
#include <windows.h>
#include <ntstatus.h>
#include <cpuid.h>

#define USE_SYSTEM_PREFERRED_RNG 0x00000002
#define STATUS_OK                0

enum source { UNKNOWN, RDRAND, RDSEED, NONE };
static volatile enum source source;

static enum source probe(void)
{
	unsigned a, b, c, d;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 30)))
		return RDRAND;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 18)))
		return RDSEED;
	return NONE;
}

/* One 64-bit word from the source; FALSE when it keeps failing. */
static BOOL word(enum source s, unsigned long long *out)
{
	for (int i = 0; i < 10; i++) {
		unsigned char ok;
		if (s == RDRAND)
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
		else
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
		if (ok)
			return TRUE;
		__asm__ volatile("pause");
	}
	return FALSE;
}

/* BCryptGenRandom: cbBuffer random bytes into pbBuffer. */
LONG WINAPI BCryptGenRandom(HANDLE hAlgorithm, PUCHAR pbBuffer, ULONG cbBuffer, ULONG dwFlags)
{
	if (hAlgorithm || !(dwFlags & USE_SYSTEM_PREFERRED_RNG))
		return (LONG)STATUS_INVALID_HANDLE;
	if (!pbBuffer && cbBuffer)
		return (LONG)STATUS_INVALID_PARAMETER;
	if (dwFlags & ~(ULONG)USE_SYSTEM_PREFERRED_RNG)
		return (LONG)STATUS_INVALID_PARAMETER;
	enum source s = source;
	if (s == UNKNOWN)
		source = s = probe();
	if (s == NONE)
		return (LONG)STATUS_NOT_SUPPORTED;
	while (cbBuffer) {
		unsigned long long w;
		if (!word(s, &w))
			return (LONG)STATUS_UNSUCCESSFUL;
		ULONG n = cbBuffer < 8 ? cbBuffer : 8;
		for (ULONG i = 0; i < n; i++)
			pbBuffer[i] = (UCHAR)(w >> (8 * i));
		pbBuffer += n;
		cbBuffer -= n;
	}
	return STATUS_OK;
}
