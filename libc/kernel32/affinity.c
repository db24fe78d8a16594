/*
 * libc/kernel32/affinity.c - which CPUs threads run on (issue 18): thread
 * and process affinity masks, the ideal processor, the processor counts of
 * the one processor group, and FlushProcessWriteBuffers.  The kernel keeps
 * the masks (NtSetInformationThread ThreadAffinityMask/ThreadIdealProcessor,
 * NtSetInformationProcess ProcessAffinityMask, kernel/affinity.h) and
 * reports them in THREAD_/PROCESS_BASIC_INFORMATION.AffinityMask and
 * SYSTEM_BASIC_INFORMATION.ActiveProcessorsAffinityMask.
 */
#include "k32_thread.h"

NTSTATUS NTAPI NtSetInformationProcess(HANDLE, PROCESSINFOCLASS, PVOID, ULONG);
NTSTATUS NTAPI NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS, PVOID, ULONG, PULONG);
VOID NTAPI NtFlushProcessWriteBuffers(void);

/* SYSTEM_BASIC_INFORMATION (x64, 64 bytes) as the kernel fills it. */
struct k32_basic_info {
	ULONG reserved, timer_resolution, page_size, number_of_physical_pages;
	ULONG lowest_physical_page, highest_physical_page, allocation_granularity, pad;
	ULONG_PTR minimum_user_address, maximum_user_address;
	KAFFINITY active_processors;
	CCHAR number_of_processors;
	BYTE pad2[7];
};

/* The system's processors (ActiveProcessorsAffinityMask); 1 if the kernel does not answer. */
KAFFINITY k32_system_affinity(void)
{
	struct k32_basic_info b;
	NTSTATUS st = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)ABI_SystemBasicInformation, &b, sizeof(b), NULL);
	return NT_SUCCESS(st) && b.active_processors ? b.active_processors : 1;
}

/* The number of bits set in m. */
static DWORD count_bits(KAFFINITY m)
{
	DWORD n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

/* GetProcessAffinityMask: the process's mask and the system's. */
BOOL WINAPI GetProcessAffinityMask(HANDLE hProcess, PDWORD_PTR lpProcessAffinityMask, PDWORD_PTR lpSystemAffinityMask)
{
	PROCESS_BASIC_INFORMATION pbi;
	if (!k32_process_info(hProcess, &pbi))
		return FALSE;
	if (!lpProcessAffinityMask || !lpSystemAffinityMask) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*lpProcessAffinityMask = pbi.AffinityMask;
	*lpSystemAffinityMask = k32_system_affinity();
	return TRUE;
}

/*
 * SetProcessAffinityMask: a non-empty subset of the system's processors
 * (else ERROR_INVALID_PARAMETER); every thread of the process takes it.
 */
BOOL WINAPI SetProcessAffinityMask(HANDLE hProcess, DWORD_PTR dwProcessAffinityMask)
{
	KAFFINITY m = dwProcessAffinityMask;
	NTSTATUS st = NtSetInformationProcess(hProcess, (PROCESSINFOCLASS)ABI_ProcessAffinityMask, &m, sizeof(m));
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = STATUS_INVALID_HANDLE;
	return k32_status(st);
}

/*
 * SetThreadAffinityMask: the previous mask, or 0 with the last error
 * (ERROR_INVALID_PARAMETER for 0 or processors outside the process's mask).
 * The thread is on an allowed processor when it returns.
 */
DWORD_PTR WINAPI SetThreadAffinityMask(HANDLE hThread, DWORD_PTR dwThreadAffinityMask)
{
	struct abi_thread_basic_info tbi;
	NTSTATUS st = NtQueryInformationThread(hThread, ThreadBasicInformation, &tbi, sizeof(tbi), NULL);
	if (NT_SUCCESS(st)) {
		KAFFINITY m = dwThreadAffinityMask;
		st = NtSetInformationThread(hThread, (THREADINFOCLASS)ABI_ThreadAffinityMask, &m, sizeof(m));
	}
	if (st == STATUS_OBJECT_TYPE_MISMATCH)
		st = STATUS_INVALID_HANDLE;
	return k32_status(st) ? (DWORD_PTR)tbi.affinity_mask : 0;
}

/*
 * SetThreadIdealProcessor: the previous ideal processor, (DWORD)-1 with the
 * last error for a number above MAXIMUM_PROCESSORS; MAXIMUM_PROCESSORS
 * itself only asks.
 */
DWORD WINAPI SetThreadIdealProcessor(HANDLE hThread, DWORD dwIdealProcessor)
{
	ULONG n = dwIdealProcessor;
	NTSTATUS st = NtSetInformationThread(hThread, (THREADINFOCLASS)ABI_ThreadIdealProcessor, &n, sizeof(n));
	if (NT_SUCCESS(st))
		return (DWORD)st;
	k32_status(st == STATUS_OBJECT_TYPE_MISMATCH ? STATUS_INVALID_HANDLE : st);
	return (DWORD)-1;
}

/* SetThreadIdealProcessorEx: group 0 and an existing processor (else ERROR_INVALID_PARAMETER); the previous one if asked. */
BOOL WINAPI SetThreadIdealProcessorEx(HANDLE hThread, PPROCESSOR_NUMBER lpIdealProcessor,
				      PPROCESSOR_NUMBER lpPreviousIdealProcessor)
{
	if (!lpIdealProcessor) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	PROCESSOR_NUMBER pn = *lpIdealProcessor;
	pn.Reserved = 0;
	NTSTATUS st = NtSetInformationThread(hThread, (THREADINFOCLASS)ABI_ThreadIdealProcessorEx, &pn, sizeof(pn));
	if (!k32_status(st == STATUS_OBJECT_TYPE_MISMATCH ? STATUS_INVALID_HANDLE : st))
		return FALSE;
	if (lpPreviousIdealProcessor)
		*lpPreviousIdealProcessor = pn;
	return TRUE;
}

/* GetThreadIdealProcessorEx: the thread's ideal processor (group 0). */
BOOL WINAPI GetThreadIdealProcessorEx(HANDLE hThread, PPROCESSOR_NUMBER lpIdealProcessor)
{
	PROCESSOR_NUMBER pn;
	NTSTATUS st = NtQueryInformationThread(hThread, (THREADINFOCLASS)ABI_ThreadIdealProcessorEx, &pn, sizeof(pn), NULL);
	if (!k32_status(st == STATUS_OBJECT_TYPE_MISMATCH ? STATUS_INVALID_HANDLE : st))
		return FALSE;
	*lpIdealProcessor = pn;
	return TRUE;
}

/* GetThreadGroupAffinity: group 0 and the thread's mask. */
BOOL WINAPI GetThreadGroupAffinity(HANDLE hThread, PGROUP_AFFINITY GroupAffinity)
{
	struct abi_thread_basic_info tbi;
	NTSTATUS st = NtQueryInformationThread(hThread, ThreadBasicInformation, &tbi, sizeof(tbi), NULL);
	if (!k32_status(st == STATUS_OBJECT_TYPE_MISMATCH ? STATUS_INVALID_HANDLE : st))
		return FALSE;
	memset(GroupAffinity, 0, sizeof(*GroupAffinity));
	GroupAffinity->Mask = tbi.affinity_mask;
	return TRUE;
}

/* SetThreadGroupAffinity: group 0 only (ERROR_INVALID_PARAMETER), then as SetThreadAffinityMask. */
BOOL WINAPI SetThreadGroupAffinity(HANDLE hThread, const GROUP_AFFINITY *GroupAffinity,
				   PGROUP_AFFINITY PreviousGroupAffinity)
{
	if (!GroupAffinity || GroupAffinity->Group != 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	DWORD_PTR old = SetThreadAffinityMask(hThread, GroupAffinity->Mask);
	if (!old)
		return FALSE;
	if (PreviousGroupAffinity) {
		memset(PreviousGroupAffinity, 0, sizeof(*PreviousGroupAffinity));
		PreviousGroupAffinity->Mask = old;
	}
	return TRUE;
}

/* GetActiveProcessorCount: group 0 or ALL_PROCESSOR_GROUPS; another group 0 (ERROR_INVALID_PARAMETER). */
DWORD WINAPI GetActiveProcessorCount(WORD GroupNumber)
{
	if (GroupNumber != 0 && GroupNumber != ALL_PROCESSOR_GROUPS) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	return count_bits(k32_system_affinity());
}

/* GetMaximumProcessorCount: the same (no processor is added while running). */
DWORD WINAPI GetMaximumProcessorCount(WORD GroupNumber)
{
	return GetActiveProcessorCount(GroupNumber);
}

/* One processor group. */
WORD WINAPI GetActiveProcessorGroupCount(void)
{
	return 1;
}

WORD WINAPI GetMaximumProcessorGroupCount(void)
{
	return 1;
}

/* FlushProcessWriteBuffers: every processor running a thread of this process has made its stores visible. */
VOID WINAPI FlushProcessWriteBuffers(void)
{
	NtFlushProcessWriteBuffers();
}
