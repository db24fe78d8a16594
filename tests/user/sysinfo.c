/*
 * tests/user/sysinfo.c - GetSystemInfo / GetNativeSystemInfo, the process
 * calls (GetCurrentProcess, GetCurrentProcessId, FlushInstructionCache),
 * GetTickCount and Sleep, GetLastError/SetLastError.
 */
#include "utest.h"

int main(void)
{
	SYSTEM_INFO si, nsi;
	GetSystemInfo(&si);
	GetNativeSystemInfo(&nsi);
	CHECK_EQ(si.dwPageSize, 4096);
	CHECK_EQ(si.dwAllocationGranularity, 65536);
	CHECK_EQ((ULONG_PTR)si.lpMinimumApplicationAddress, 0x10000);
	CHECK_EQ((ULONG_PTR)si.lpMaximumApplicationAddress, 0x7FFFFFFEFFFFULL);
	CHECK_EQ(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
	CHECK_EQ(si.dwProcessorType, PROCESSOR_AMD_X8664);
	CHECK(si.dwNumberOfProcessors >= 1 && si.dwNumberOfProcessors <= 64);	/* the CPUs the kernel started */
	CHECK_EQ(si.dwActiveProcessorMask,
		 si.dwNumberOfProcessors == 64 ? ~(DWORD_PTR)0 : ((DWORD_PTR)1 << si.dwNumberOfProcessors) - 1);
	CHECK_EQ(nsi.dwPageSize, si.dwPageSize);
	CHECK_EQ(nsi.wProcessorArchitecture, si.wProcessorArchitecture);
	CHECK_EQ((ULONG_PTR)nsi.lpMaximumApplicationAddress, (ULONG_PTR)si.lpMaximumApplicationAddress);

	CHECK(GetCurrentProcess() == (HANDLE)(LONG_PTR)-1);
	CHECK(GetCurrentProcessId() != 0);
	CHECK_EQ(GetCurrentProcessId(), GetCurrentProcessId());
	char code[16] = { 0 };
	CHECK(FlushInstructionCache(GetCurrentProcess(), code, sizeof(code)));

	SetLastError(1234);
	CHECK_EQ(GetLastError(), 1234);

	DWORD t0 = GetTickCount();
	Sleep(20);
	DWORD t1 = GetTickCount();
	CHECK(t1 - t0 >= 20);
	CHECK(t1 - t0 < 5000);
	return utest_done("sysinfo");
}
