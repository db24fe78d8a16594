/*
 * tests/user/sync_fastpath.c - uncontended locks make no system call.
 *
 * Proof by tracing: with the trap flag set, every instruction of
 * EnterCriticalSection + LeaveCriticalSection, AcquireSRWLockExclusive +
 * ReleaseSRWLockExclusive, AcquireSRWLockShared + ReleaseSRWLockShared,
 * TryEnterCriticalSection and InitOnceExecuteOnce on a done INIT_ONCE
 * raises EXCEPTION_SINGLE_STEP; a vectored handler looks at each next
 * instruction and counts `syscall` (0F 05).  Then the cost: rdtsc around
 * 1000 uncontended pairs of each, printed in cycles per pair.
 */
#include "utest.h"
#include <x86intrin.h>

static volatile LONG tracing;
static volatile LONG steps, syscalls;

static LONG WINAPI step_handler(EXCEPTION_POINTERS *ep)
{
	if (ep->ExceptionRecord->ExceptionCode != EXCEPTION_SINGLE_STEP)
		return EXCEPTION_CONTINUE_SEARCH;
	const unsigned char *ip = (const unsigned char *)ep->ContextRecord->Rip;
	if (tracing) {
		steps++;
		if (ip[0] == 0x0f && ip[1] == 0x05)
			syscalls++;
		ep->ContextRecord->EFlags |= 0x100;	/* keep stepping */
	} else {
		ep->ContextRecord->EFlags &= ~0x100u;
	}
	return EXCEPTION_CONTINUE_EXECUTION;
}

static void trap_flag_on(void)
{
	__asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc");
}

static void trap_flag_off(void)
{
	__asm__ volatile("pushfq; andq $~0x100, (%%rsp); popfq" ::: "memory", "cc");
}

static CRITICAL_SECTION cs;
static SRWLOCK srw = SRWLOCK_INIT;
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_fn(PINIT_ONCE o, PVOID p, PVOID *ctx)
{
	(void)o;
	(void)p;
	*ctx = (PVOID)0x40;
	return TRUE;
}

/* The traced calls; each __attribute__((noinline)) so the trace covers exactly them. */
static __attribute__((noinline)) void traced_calls(void)
{
	PVOID ctx;
	EnterCriticalSection(&cs);
	EnterCriticalSection(&cs);	/* recursion */
	LeaveCriticalSection(&cs);
	LeaveCriticalSection(&cs);
	if (TryEnterCriticalSection(&cs))
		LeaveCriticalSection(&cs);
	AcquireSRWLockExclusive(&srw);
	ReleaseSRWLockExclusive(&srw);
	AcquireSRWLockShared(&srw);
	ReleaseSRWLockShared(&srw);
	InitOnceExecuteOnce(&once, init_fn, NULL, &ctx);
}

static void prove_no_syscall(void)
{
	PVOID ctx;
	CHECK(InitOnceExecuteOnce(&once, init_fn, NULL, &ctx));	/* done before tracing */
	PVOID h = AddVectoredExceptionHandler(1, step_handler);
	CHECK(h != NULL);
	/* A control: a traced GetCurrentProcessId-like system call is seen. */
	steps = syscalls = 0;
	tracing = 1;
	trap_flag_on();
	SwitchToThread();
	tracing = 0;
	trap_flag_off();
	CHECK(steps > 5);
	if (!GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version"))
		CHECK_EQ(syscalls, 1);	/* the trace sees a system call (Wine makes its calls elsewhere) */

	steps = syscalls = 0;
	tracing = 1;
	trap_flag_on();
	traced_calls();
	tracing = 0;
	trap_flag_off();
	printf("traced %ld instructions of uncontended lock calls, %ld system calls\n", (long)steps, (long)syscalls);
	CHECK(steps > 40);
	CHECK_EQ(syscalls, 0);
	CHECK(RemoveVectoredExceptionHandler(h));
	CHECK_EQ(cs.LockCount, -1);
	CHECK(srw.Ptr == NULL);
}

#define N 1000

static void measure(void)
{
	unsigned long long best_cs = ~0ull, best_srw = ~0ull, best_shared = ~0ull;
	for (int round = 0; round < 5; round++) {
		unsigned long long t0 = __rdtsc();
		for (int i = 0; i < N; i++) {
			EnterCriticalSection(&cs);
			LeaveCriticalSection(&cs);
		}
		unsigned long long t1 = __rdtsc();
		for (int i = 0; i < N; i++) {
			AcquireSRWLockExclusive(&srw);
			ReleaseSRWLockExclusive(&srw);
		}
		unsigned long long t2 = __rdtsc();
		for (int i = 0; i < N; i++) {
			AcquireSRWLockShared(&srw);
			ReleaseSRWLockShared(&srw);
		}
		unsigned long long t3 = __rdtsc();
		if (t1 - t0 < best_cs)
			best_cs = t1 - t0;
		if (t2 - t1 < best_srw)
			best_srw = t2 - t1;
		if (t3 - t2 < best_shared)
			best_shared = t3 - t2;
	}
	printf("uncontended EnterCriticalSection+LeaveCriticalSection: %llu cycles per pair\n", best_cs / N);
	printf("uncontended AcquireSRWLockExclusive+ReleaseSRWLockExclusive: %llu cycles per pair\n", best_srw / N);
	printf("uncontended AcquireSRWLockShared+ReleaseSRWLockShared: %llu cycles per pair\n", best_shared / N);
	CHECK_EQ(cs.LockCount, -1);
	CHECK(srw.Ptr == NULL);
}

int main(void)
{
	InitializeCriticalSection(&cs);
	prove_no_syscall();
	measure();
	DeleteCriticalSection(&cs);
	return utest_done("sync_fastpath");
}
