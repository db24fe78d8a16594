/*
 * libc/kernel32/processor.c - which processor and which NUMA node: the calls
 * allocators such as mimalloc ask (GetCurrentProcessorNumber(Ex), the
 * GetNuma* family), and GetConsoleScreenBufferInfo.
 *
 * The machine is one NUMA node (node 0) holding every processor the PEB
 * counts; the kernel runs user threads on processor 0 (kernel/sched.c), so
 * that is the current processor's number until it schedules on more.
 */
#include "k32_private.h"

/* The processors' count (PEB NumberOfProcessors) and their mask. */
static DWORD cpu_count(void)
{
	DWORD n = K32_PEB_FIELD(k32_peb(), 0xB8, ULONG);
	return n ? n : 1;
}

static KAFFINITY cpu_mask(void)
{
	DWORD n = cpu_count();
	return n >= 64 ? ~(KAFFINITY)0 : ((KAFFINITY)1 << n) - 1;
}

/* GetCurrentProcessorNumber: the processor the calling thread runs on (0: one scheduler CPU). */
DWORD WINAPI GetCurrentProcessorNumber(void)
{
	return 0;
}

/* GetCurrentProcessorNumberEx: the same as group 0, number, reserved 0. */
VOID WINAPI GetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
	ProcNumber->Group = 0;
	ProcNumber->Number = (BYTE)GetCurrentProcessorNumber();
	ProcNumber->Reserved = 0;
}

/* GetNumaHighestNodeNumber: 0 (one node). */
BOOL WINAPI GetNumaHighestNodeNumber(PULONG HighestNodeNumber)
{
	*HighestNodeNumber = 0;
	return TRUE;
}

/* GetNumaNodeProcessorMask: node 0's processors; another node: FALSE, ERROR_INVALID_PARAMETER. */
BOOL WINAPI GetNumaNodeProcessorMask(UCHAR Node, PULONGLONG ProcessorMask)
{
	if (Node != 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	*ProcessorMask = cpu_mask();
	return TRUE;
}

/* GetNumaNodeProcessorMaskEx: the same as a GROUP_AFFINITY of group 0. */
BOOL WINAPI GetNumaNodeProcessorMaskEx(USHORT Node, PGROUP_AFFINITY ProcessorMask)
{
	if (Node != 0) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	memset(ProcessorMask, 0, sizeof(*ProcessorMask));
	ProcessorMask->Mask = cpu_mask();
	return TRUE;
}

/* GetNumaProcessorNode: node 0 for an existing processor; otherwise 0xFF and FALSE (ERROR_INVALID_PARAMETER). */
BOOL WINAPI GetNumaProcessorNode(UCHAR Processor, PUCHAR NodeNumber)
{
	if (Processor >= cpu_count()) {
		*NodeNumber = 0xFF;
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	*NodeNumber = 0;
	return TRUE;
}

/* GetNumaProcessorNodeEx: the same for a PROCESSOR_NUMBER (group 0 only); 0xFFFF when there is none. */
BOOL WINAPI GetNumaProcessorNodeEx(PPROCESSOR_NUMBER Processor, PUSHORT NodeNumber)
{
	if (Processor->Group != 0 || Processor->Number >= cpu_count()) {
		*NodeNumber = 0xFFFF;
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	*NodeNumber = 0;
	return TRUE;
}

/* GetNumaAvailableMemoryNode: node 0's available physical memory. */
BOOL WINAPI GetNumaAvailableMemoryNode(UCHAR Node, PULONGLONG AvailableBytes)
{
	MEMORYSTATUSEX m = { .dwLength = sizeof m };
	if (Node != 0 || !GlobalMemoryStatusEx(&m)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	*AvailableBytes = m.ullAvailPhys;
	return TRUE;
}

/*
 * GetConsoleScreenBufferInfo: the serial console as an 80x25 screen buffer
 * (white on black, cursor at the origin) for the output handles; any other
 * handle: FALSE, ERROR_INVALID_HANDLE.
 */
BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE hConsoleOutput, PCONSOLE_SCREEN_BUFFER_INFO info)
{
	if (!K32_IS_CONSOLE(hConsoleOutput) || (ULONG_PTR)hConsoleOutput == 3) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	info->dwSize.X = 80;
	info->dwSize.Y = 25;
	info->dwCursorPosition.X = 0;
	info->dwCursorPosition.Y = 0;
	info->wAttributes = FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE;
	info->srWindow.Left = 0;
	info->srWindow.Top = 0;
	info->srWindow.Right = 79;
	info->srWindow.Bottom = 24;
	info->dwMaximumWindowSize = info->dwSize;
	return TRUE;
}
