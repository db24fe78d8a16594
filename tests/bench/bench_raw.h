/*
 * tests/bench/bench_raw.h - the cheapest thread the kernel offers, shared by
 * the thread rows (bench_thread.c) and the multi-CPU rows (bench_smp.c): a
 * raw SYS_NtCreateThread (64 KiB reserved, one page committed) of a
 * 5-instruction routine that calls SYS_NtTerminateThread itself (no ntdll
 * start thunk: no TLS, no DllMain, no thread list), joined with a raw
 * SYS_NtWaitForSingleObject and SYS_NtClose - the anchor's raw clone +
 * futex join.
 */
#ifndef TESTS_BENCH_BENCH_RAW_H
#define TESTS_BENCH_BENCH_RAW_H

#include <string.h>
#include <windows.h>

#include "kernel/syscall_abi.h"

#define BENCH_RAW_STACK (64 * 1024ULL)

static inline long long raw_syscall(long long n, long long a1, long long a2, long long a3)
{
	long long ret = n;
	__asm__ volatile("syscall" : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3) : : "rcx", "r8", "r9", "r10", "r11",
			 "memory", "cc");
	return ret;
}

/* The raw thread: NtTerminateThread(NtCurrentThread, 0), nothing else. */
_Static_assert(SYS_NtTerminateThread == 50, "bench_raw_thread hard-codes the number");
__asm__(".text\n"
	".globl bench_raw_thread\n"
	"bench_raw_thread:\n"
	"	movl $50, %eax\n"
	"	movq $-2, %rdi\n"
	"	xorl %esi, %esi\n"
	"	syscall\n"
	"	ud2\n");
extern char bench_raw_thread[];

/* One raw thread created (suspended when flags say so) into *h; the kernel's status. */
static inline long long raw_thread_create(HANDLE *h, unsigned flags)
{
	struct abi_create_thread a;
	memset(&a, 0, sizeof a);
	a.start = (unsigned long long)bench_raw_thread;
	a.stack_reserve = BENCH_RAW_STACK;
	a.stack_commit = 4096;
	a.flags = flags;
	*h = NULL;
	return raw_syscall(SYS_NtCreateThread, -1, (long long)&a, (long long)h);
}

/* Create, wait for and close one raw thread; 0 when the creation failed. */
static inline int raw_clone_join(void)
{
	HANDLE h;
	if (raw_thread_create(&h, 0) != 0)
		return 0;
	raw_syscall(SYS_NtWaitForSingleObject, (long long)h, 0, 0);
	raw_syscall(SYS_NtClose, (long long)h, 0, 0);
	return 1;
}

#endif
