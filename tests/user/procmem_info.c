/*
 * tests/user/procmem_info.c - memory information about a process (issue
 * 21): GetProcessMemoryInfo (K32GetProcessMemoryInfo) following a megabyte
 * committed, touched and freed; QueryWorkingSetEx on untouched, touched,
 * shared-after-fork and locked pages, of this process and of a forked child
 * through a handle with and without the right; EnumProcesses listing both;
 * NtQuerySystemInformation(SystemBasicInformation).
 */
#define PSAPI_VERSION 2	/* the K32* names of kernel32, as Windows 7 and later */
#include <windows.h>
#include <psapi.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <winternl.h>

#include "utest.h"

#define P 4096

static HANDLE go;

static ULONG_PTR ws_ex(HANDLE h, void *va)
{
	PSAPI_WORKING_SET_EX_INFORMATION w = { .VirtualAddress = va };
	return K32QueryWorkingSetEx(h, &w, sizeof w) ? w.VirtualAttributes.Flags : 0xdead;
}

static void counters(void)
{
	PROCESS_MEMORY_COUNTERS_EX a, b, c;
	CHECK_ERR(K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&a, 10), ERROR_INSUFFICIENT_BUFFER);
	CHECK(K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&a, sizeof a) && a.cb == sizeof a);
	CHECK(a.WorkingSetSize > 0 && a.PeakWorkingSetSize >= a.WorkingSetSize && a.PrivateUsage == a.PagefileUsage);
	char *m = VirtualAlloc(NULL, 1 << 20, MEM_COMMIT, PAGE_READWRITE);
	for (int i = 0; i < (1 << 20); i += P)
		m[i] = 1;
	CHECK(K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&b, sizeof b));
	CHECK(b.PagefileUsage >= a.PagefileUsage + (1 << 20));
	CHECK(b.WorkingSetSize >= a.WorkingSetSize + (1 << 20) - 16 * P);
	CHECK(b.PageFaultCount >= a.PageFaultCount + 256);
	CHECK(b.PeakPagefileUsage >= b.PagefileUsage);
	CHECK(VirtualFree(m, 0, MEM_RELEASE));
	CHECK(K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&c, sizeof(PROCESS_MEMORY_COUNTERS)));
	CHECK_EQ(c.cb, sizeof(PROCESS_MEMORY_COUNTERS));
	CHECK(c.PagefileUsage + (1 << 20) <= b.PagefileUsage && c.PeakPagefileUsage >= b.PagefileUsage);
	CHECK(c.WorkingSetSize + (1 << 20) - 16 * P <= b.WorkingSetSize && c.PeakWorkingSetSize >= b.WorkingSetSize);
}

int main(void)
{
	counters();
	char *m = VirtualAlloc(NULL, 4 * P, MEM_COMMIT, PAGE_READWRITE);
	m[0] = 1;
	m[2 * P] = 1;
	CHECK(VirtualLock(m + 2 * P, P));
	CHECK_EQ(ws_ex(GetCurrentProcess(), m + P), 0);	/* committed, never touched */
	ULONG_PTR f = ws_ex(GetCurrentProcess(), m);
	CHECK_EQ(f & 1, 1);	/* Valid */
	CHECK_EQ((f >> 1) & 7, 1);	/* ShareCount */
	CHECK_EQ((f >> 4) & 0x7ff, PAGE_READWRITE);
	CHECK_EQ((f >> 15) & 1, 0);	/* Shared */
	CHECK_EQ((f >> 22) & 1, 0);
	CHECK_EQ((ws_ex(GetCurrentProcess(), m + 2 * P) >> 22) & 1, 1);	/* Locked */
	CHECK_EQ(ws_ex(GetCurrentProcess(), (void *)0x20000), 0);	/* free */

	go = CreateEventA(NULL, TRUE, FALSE, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		WaitForSingleObject(go, 20000);
		_exit(0);
	}
	/* The page is shared copy-on-write with the child now. */
	f = ws_ex(GetCurrentProcess(), m);
	CHECK_EQ(f & 1, 1);
	CHECK_EQ((f >> 1) & 7, 2);
	CHECK_EQ((f >> 15) & 1, 1);
	HANDLE q = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, (DWORD)pid);
	HANDLE l = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	HANDLE r = OpenProcess(PROCESS_VM_READ, FALSE, (DWORD)pid);
	CHECK_EQ(ws_ex(q, m) & 0xf, 1 | 2 << 1);
	PSAPI_WORKING_SET_EX_INFORMATION w = { .VirtualAddress = m };
	CHECK_ERR(K32QueryWorkingSetEx(l, &w, sizeof w), ERROR_ACCESS_DENIED);
	CHECK_ERR(K32QueryWorkingSetEx(q, &w, 8), ERROR_BAD_LENGTH);
	PROCESS_MEMORY_COUNTERS pmc;
	CHECK(K32GetProcessMemoryInfo(l, &pmc, sizeof pmc) && pmc.WorkingSetSize > 0 && pmc.PagefileUsage > 0);
	CHECK_ERR(K32GetProcessMemoryInfo(r, &pmc, sizeof pmc), ERROR_ACCESS_DENIED);

	DWORD ids[1024], needed = 0;
	CHECK(K32EnumProcesses(ids, sizeof ids, &needed) && needed >= 2 * sizeof(DWORD) && needed % 4 == 0);
	int seen = 0;
	for (DWORD i = 0; i < needed / 4; i++)
		seen |= (ids[i] == GetCurrentProcessId()) | (ids[i] == (DWORD)pid) << 1;
	CHECK_EQ(seen, 3);
	CHECK(K32EnumProcesses(ids, 4, &needed) && needed == 4);

	SYSTEM_BASIC_INFORMATION sbi;
	ULONG len = 0;
	CHECK_STATUS(NtQuerySystemInformation(SystemBasicInformation, &sbi, sizeof sbi, &len), 0);
	CHECK_EQ(len, sizeof sbi);
	CHECK_EQ(sizeof sbi, 64);
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	ULONG *u = (ULONG *)&sbi;
	CHECK_EQ(u[2], si.dwPageSize);
	CHECK_EQ(u[6], si.dwAllocationGranularity);
	CHECK_EQ(((ULONG_PTR *)&sbi)[5], (ULONG_PTR)si.lpMaximumApplicationAddress);
	CHECK_STATUS(NtQuerySystemInformation(SystemBasicInformation, &sbi, sizeof sbi - 1, &len), 0xC0000004);

	SetEvent(go);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(CloseHandle(q) && CloseHandle(l) && CloseHandle(r) && CloseHandle(go));
	CHECK(VirtualUnlock(m + 2 * P, P) && VirtualFree(m, 0, MEM_RELEASE));
	return utest_done("procmem_info");
}
