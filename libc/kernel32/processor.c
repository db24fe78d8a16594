/*
 * libc/kernel32/processor.c - which processor and which NUMA node: the calls
 * allocators such as mimalloc ask (GetCurrentProcessorNumber(Ex), the
 * GetNuma* family), and GetConsoleScreenBufferInfo.
 *
 * The machine is one NUMA node (node 0) holding every processor the PEB
 * counts; the current processor's number is the index the kernel keeps in
 * each CPU's IA32_TSC_AUX (read with RDPID or RDTSCP).
 */
#include <cpuid.h>

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

/* How this CPU tells its index (the kernel keeps it in IA32_TSC_AUX): 2 rdpid, 1 rdtscp, 0 neither. */
static int processor_insn = -1;

static int find_processor_insn(void)
{
	unsigned a, b, c, d;
	__cpuid(0, a, b, c, d);
	if (a >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		if (c & (1u << 22))
			return 2;	/* RDPID */
	}
	__cpuid(0x80000000, a, b, c, d);
	if (a >= 0x80000001) {
		__cpuid(0x80000001, a, b, c, d);
		if (d & (1u << 27))
			return 1;	/* RDTSCP */
	}
	return 0;
}

/* GetCurrentProcessorNumber: the processor the caller ran on at the instruction (TSC_AUX), 0 without RDTSCP. */
DWORD WINAPI GetCurrentProcessorNumber(void)
{
	int how = processor_insn;
	if (how < 0)
		processor_insn = how = find_processor_insn();
	unsigned long long aux = 0;
	if (how == 2) {
		__asm__ volatile("rdpid %0" : "=r"(aux));
	} else if (how == 1) {
		unsigned lo, hi, c;
		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
		aux = c;
	}
	return (DWORD)(aux & 0xfff);
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
