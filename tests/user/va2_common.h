/*
 * tests/user/va2_common.h - VirtualAlloc2, MapViewOfFile3 and UnmapViewOfFile2
 * for the va2_* tests: MinGW declares them but has them in no import library
 * (UnmapViewOfFile2 only in libmincore.a), so they come from GetProcAddress:
 * kernelbase.dll on Windows and Wine, kernel32.dll here.
 */
#ifndef TESTS_USER_VA2_COMMON_H
#define TESTS_USER_VA2_COMMON_H

#include <windows.h>

#ifndef MEM_RESERVE_PLACEHOLDER
#define MEM_RESERVE_PLACEHOLDER 0x40000
#endif
#ifndef MEM_REPLACE_PLACEHOLDER
#define MEM_REPLACE_PLACEHOLDER 0x4000
#endif
#ifndef MEM_PRESERVE_PLACEHOLDER
#define MEM_PRESERVE_PLACEHOLDER 0x2
#endif
#ifndef MEM_COALESCE_PLACEHOLDERS
#define MEM_COALESCE_PLACEHOLDERS 0x1
#endif

typedef PVOID(WINAPI *va2_fn)(HANDLE, PVOID, SIZE_T, ULONG, ULONG, MEM_EXTENDED_PARAMETER *, ULONG);
typedef PVOID(WINAPI *mv3_fn)(HANDLE, HANDLE, PVOID, ULONG64, SIZE_T, ULONG, ULONG, MEM_EXTENDED_PARAMETER *, ULONG);
typedef BOOL(WINAPI *uv2_fn)(HANDLE, PVOID, ULONG);

static va2_fn pVirtualAlloc2;
static mv3_fn pMapViewOfFile3;
static uv2_fn pUnmapViewOfFile2;

/* Look the three up; false when one is missing. */
static __attribute__((unused)) BOOL va2_init(void)
{
	HMODULE m = GetModuleHandleA("kernelbase.dll");
	if (!m || !GetProcAddress(m, "VirtualAlloc2"))
		m = GetModuleHandleA("kernel32.dll");
	pVirtualAlloc2 = (va2_fn)(void (*)(void))GetProcAddress(m, "VirtualAlloc2");
	pMapViewOfFile3 = (mv3_fn)(void (*)(void))GetProcAddress(m, "MapViewOfFile3");
	pUnmapViewOfFile2 = (uv2_fn)(void (*)(void))GetProcAddress(m, "UnmapViewOfFile2");
	return pVirtualAlloc2 && pMapViewOfFile3 && pUnmapViewOfFile2;
}

#endif
