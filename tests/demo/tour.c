/*
 * tests/demo/tour.c - what `make run` shows: the memory manager at work,
 * narrated, through the Win32 API a user program sees.
 */
#include <stdio.h>
#include <windows.h>
#include <winmm.h>

static const char *state_name(DWORD s)
{
	return s == MEM_COMMIT ? "commit" : s == MEM_RESERVE ? "reserve" : s == MEM_FREE ? "free" : "?";
}

/* Print every region of [base, base+size) as VirtualQuery reports it. */
static void show(const char *what, void *base, SIZE_T size)
{
	printf("\n-- %s\n", what);
	printf("   %-14s %-10s %-8s %-8s %s\n", "address", "size", "state", "protect", "allocation base");
	char *p = base, *end = (char *)base + size;
	while (p < end) {
		MEMORY_BASIC_INFORMATION m;
		if (VirtualQuery(p, &m, sizeof(m)) != sizeof(m))
			break;
		printf("   %-14p %-10llx %-8s %-8lx %p\n", m.BaseAddress, (unsigned long long)m.RegionSize,
		       state_name(m.State), (unsigned long)m.Protect, m.AllocationBase);
		p = (char *)m.BaseAddress + m.RegionSize;
	}
}

static unsigned long long user_frames(void)
{
	struct abi_frame_stats s;
	winmm_frame_stats(&s);
	return s.user;
}

static LONG CALLBACK on_guard(PEXCEPTION_POINTERS ep)
{
	if (ep->ExceptionRecord->ExceptionCode != STATUS_GUARD_PAGE_VIOLATION)
		return EXCEPTION_CONTINUE_SEARCH;
	printf("   handler: STATUS_GUARD_PAGE_VIOLATION, %s at %p; the guard is already gone, resuming\n",
	       ep->ExceptionRecord->ExceptionInformation[0] ? "write" : "read",
	       (void *)ep->ExceptionRecord->ExceptionInformation[1]);
	return EXCEPTION_CONTINUE_EXECUTION;
}

int main(void)
{
	printf("tour: a user process asks the kernel for memory\n");
	SIZE_T size = 16 * 4096;
	char *p = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_READWRITE);
	show("VirtualAlloc(MEM_RESERVE, 64 KiB): address space only, no frames", p, size);

	VirtualAlloc(p, 4 * 4096, MEM_COMMIT, PAGE_READWRITE);
	show("VirtualAlloc(MEM_COMMIT) of the first 4 pages: charged, still no frames", p, size);

	unsigned long long before = user_frames();
	p[0] = 1;
	p[3 * 4096] = 1;
	printf("\n-- touched two committed pages: demand-zero faults took %llu frames\n", user_frames() - before);

	DWORD old;
	VirtualProtect(p + 4096, 4096, PAGE_READONLY | PAGE_GUARD, &old);
	show("VirtualProtect(page 1, PAGE_READONLY|PAGE_GUARD): the region splits", p, size);

	AddVectoredExceptionHandler(1, on_guard);
	printf("\n-- reading the guard page:\n");
	volatile char c = p[4096];
	(void)c;
	show("after the one-shot guard fired", p, size);

	VirtualFree(p, 4 * 4096, MEM_DECOMMIT);
	VirtualFree(p, 0, MEM_RELEASE);
	printf("\n-- decommitted and released: user frames back to %llu\n", user_frames());
	printf("\ntour: done\n");
	return 0;
}
