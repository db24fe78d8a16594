/*
 * libc/kernel32/sysinfo.c - the machine and the clock: system information,
 * processor features (CPUID, and XGETBV for what needs OS support), the
 * version (from the PEB, without GetVersionEx's compatibility lie), the
 * system directory, tick counts, the performance counter (10 MHz with
 * millisecond resolution: ntdll's NtQueryPerformanceCounter), system time
 * (the kernel has no real-time clock: ntdll counts from 2024-01-01 at boot).
 */
#include <cpuid.h>

#include "k32_private.h"

/* CPUID leaf 1: Windows reports the family as wProcessorLevel, model:stepping as the revision. */
static void cpu_level_revision(WORD *level, WORD *revision)
{
	unsigned a, b, c, d;
	__cpuid(1, a, b, c, d);
	unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((a >> 16) & 0xf) << 4;
	*level = (WORD)family;
	*revision = (WORD)((model << 8) | stepping);
}

/* GetSystemInfo: 4 KiB pages, 64 KiB granularity, the user range, the processors the PEB counts. */
void WINAPI GetSystemInfo(LPSYSTEM_INFO si)
{
	ULONG cpus = K32_PEB_FIELD(k32_peb(), 0xB8, ULONG);
	if (cpus == 0 || cpus > 64)
		cpus = 1;
	si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
	si->wReserved = 0;
	si->dwPageSize = 4096;
	si->lpMinimumApplicationAddress = (LPVOID)0x10000;
	si->lpMaximumApplicationAddress = (LPVOID)0x7FFFFFFEFFFFull;
	si->dwActiveProcessorMask = cpus == 64 ? ~(DWORD_PTR)0 : ((DWORD_PTR)1 << cpus) - 1;
	si->dwNumberOfProcessors = cpus;
	si->dwProcessorType = PROCESSOR_AMD_X8664;
	si->dwAllocationGranularity = 65536;
	cpu_level_revision(&si->wProcessorLevel, &si->wProcessorRevision);
}

void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	GetSystemInfo(lpSystemInfo);
}

/* XCR0 when the OS enabled XSAVE (CPUID.1:ECX.OSXSAVE), else 0. */
static unsigned long long xcr0(void)
{
	unsigned a, b, c, d;
	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 27)))
		return 0;
	unsigned lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((unsigned long long)hi << 32) | lo;
}

/* IsProcessorFeaturePresent: PF_* from CPUID; AVX and later need the OS's XSAVE state too. */
BOOL WINAPI IsProcessorFeaturePresent(DWORD ProcessorFeature)
{
	unsigned a, b, c1 = 0, d1 = 0, c7 = 0, b7 = 0, d7 = 0, dx = 0, cx = 0, max;
	__cpuid(1, a, b, c1, d1);
	max = __get_cpuid_max(0, NULL);
	if (max >= 7)
		__cpuid_count(7, 0, a, b7, c7, d7);
	if (__get_cpuid_max(0x80000000, NULL) >= 0x80000001)
		__cpuid(0x80000001, a, b, cx, dx);
	(void)d7;
	BOOL avx_os = (xcr0() & 6) == 6;
	switch (ProcessorFeature) {
	case PF_FLOATING_POINT_PRECISION_ERRATA:
	case PF_FLOATING_POINT_EMULATED: return FALSE;
	case PF_COMPARE_EXCHANGE_DOUBLE: return (d1 >> 8) & 1;
	case PF_MMX_INSTRUCTIONS_AVAILABLE: return (d1 >> 23) & 1;
	case PF_XMMI_INSTRUCTIONS_AVAILABLE: return (d1 >> 25) & 1;
	case PF_3DNOW_INSTRUCTIONS_AVAILABLE: return (dx >> 31) & 1;
	case PF_RDTSC_INSTRUCTION_AVAILABLE: return (d1 >> 4) & 1;
	case PF_PAE_ENABLED: return TRUE;
	case PF_XMMI64_INSTRUCTIONS_AVAILABLE: return (d1 >> 26) & 1;
	case PF_NX_ENABLED: return (dx >> 20) & 1;
	case PF_SSE3_INSTRUCTIONS_AVAILABLE: return c1 & 1;
	case PF_COMPARE_EXCHANGE128: return (c1 >> 13) & 1;
	case PF_XSAVE_ENABLED: return (c1 >> 26) & 1 && (c1 >> 27) & 1;
	case PF_RDRAND_INSTRUCTION_AVAILABLE: return (c1 >> 30) & 1;
	case PF_RDTSCP_INSTRUCTION_AVAILABLE: return (dx >> 27) & 1;
	case PF_SSSE3_INSTRUCTIONS_AVAILABLE: return (c1 >> 9) & 1;
	case PF_SSE4_1_INSTRUCTIONS_AVAILABLE: return (c1 >> 19) & 1;
	case PF_SSE4_2_INSTRUCTIONS_AVAILABLE: return (c1 >> 20) & 1;
	case PF_AVX_INSTRUCTIONS_AVAILABLE: return avx_os && ((c1 >> 28) & 1);
	case PF_AVX2_INSTRUCTIONS_AVAILABLE: return avx_os && ((b7 >> 5) & 1);
	case PF_AVX512F_INSTRUCTIONS_AVAILABLE: return (xcr0() & 0xE6) == 0xE6 && ((b7 >> 16) & 1);
	}
	(void)c7;
	(void)cx;
	return FALSE;	/* unknown, ARM, virtualization, fast-fail (int 0x29 is not handled) */
}

/* GetVersion: (build << 16) | (minor << 8) | major from the PEB. */
DWORD WINAPI GetVersion(void)
{
	PEB *peb = k32_peb();
	DWORD major = K32_PEB_FIELD(peb, 0x118, ULONG), minor = K32_PEB_FIELD(peb, 0x11C, ULONG);
	DWORD build = K32_PEB_FIELD(peb, 0x120, USHORT);
	return (build << 16) | ((minor & 0xff) << 8) | (major & 0xff);
}

/* GetVersionExW: RtlGetVersion (no manifest-based lie: the PEB's version as is). */
BOOL WINAPI GetVersionExW(LPOSVERSIONINFOW lpVersionInformation)
{
	return k32_status(RtlGetVersion((PRTL_OSVERSIONINFOW)lpVersionInformation));
}

BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA lpVersionInformation)
{
	DWORD size = lpVersionInformation->dwOSVersionInfoSize;
	if (size != sizeof(OSVERSIONINFOA) && size != sizeof(OSVERSIONINFOEXA)) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	OSVERSIONINFOEXW w = { .dwOSVersionInfoSize = sizeof(w) };
	if (!GetVersionExW((LPOSVERSIONINFOW)&w))
		return FALSE;
	memset((char *)lpVersionInformation + sizeof(DWORD), 0, size - sizeof(DWORD));
	lpVersionInformation->dwMajorVersion = w.dwMajorVersion;
	lpVersionInformation->dwMinorVersion = w.dwMinorVersion;
	lpVersionInformation->dwBuildNumber = w.dwBuildNumber;
	lpVersionInformation->dwPlatformId = w.dwPlatformId;
	if (size == sizeof(OSVERSIONINFOEXA)) {
		OSVERSIONINFOEXA *ex = (OSVERSIONINFOEXA *)lpVersionInformation;
		ex->wProductType = w.wProductType;
	}
	return TRUE;
}

/* Copies the ASCII path s into a buffer of size chars: its length, or the size needed (with NUL) when too small. */
static UINT copy_path_w(const char *s, LPWSTR buf, UINT size)
{
	UINT n = (UINT)strlen(s);
	if (n + 1 > size)
		return n + 1;
	for (UINT i = 0; i <= n; i++)
		buf[i] = (unsigned char)s[i];
	return n;
}

static UINT copy_path_a(const char *s, LPSTR buf, UINT size)
{
	UINT n = (UINT)strlen(s);
	if (n + 1 > size)
		return n + 1;
	memcpy(buf, s, n + 1);
	return n;
}

UINT WINAPI GetSystemDirectoryW(LPWSTR lpBuffer, UINT uSize)
{
	return copy_path_w("C:\\windows\\system32", lpBuffer, uSize);
}

UINT WINAPI GetSystemDirectoryA(LPSTR lpBuffer, UINT uSize)
{
	return copy_path_a("C:\\windows\\system32", lpBuffer, uSize);
}

UINT WINAPI GetWindowsDirectoryW(LPWSTR lpBuffer, UINT uSize)
{
	return copy_path_w("C:\\windows", lpBuffer, uSize);
}

UINT WINAPI GetWindowsDirectoryA(LPSTR lpBuffer, UINT uSize)
{
	return copy_path_a("C:\\windows", lpBuffer, uSize);
}

/* GetTickCount: milliseconds since boot, wrapping at 2^32. */
DWORD WINAPI GetTickCount(void)
{
	return NtGetTickCount();
}

ULONGLONG WINAPI GetTickCount64(void)
{
	return MmGetTickCount64();
}

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount)
{
	return k32_status(NtQueryPerformanceCounter(lpPerformanceCount, NULL));
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency)
{
	LARGE_INTEGER counter;
	return k32_status(NtQueryPerformanceCounter(&counter, lpFrequency));
}

/* GetSystemTimeAsFileTime: NtQuerySystemTime. */
VOID WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime)
{
	LARGE_INTEGER t;
	NtQuerySystemTime(&t);
	lpSystemTimeAsFileTime->dwLowDateTime = t.LowPart;
	lpSystemTimeAsFileTime->dwHighDateTime = (DWORD)t.HighPart;
}

/* GetSystemTimePreciseAsFileTime: the same clock. */
VOID WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME lpSystemTimeAsFileTime)
{
	GetSystemTimeAsFileTime(lpSystemTimeAsFileTime);
}
