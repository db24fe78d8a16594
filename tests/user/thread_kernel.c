/*
 * tests/user/thread_kernel.c - the kernel's threads and wait objects through
 * raw system calls (kernel/syscall_abi.h 49-73), independent of the DLLs
 * built on them: threads start, end, are waited for, suspended, resumed and
 * killed; events (auto and manual), mutants (recursion, abandonment, not
 * owned), semaphores (limit), wait-any / wait-all / timeouts, waits on
 * addresses; and every frame and unit of commit comes back.
 *
 * The threads here run without ntdll's thread start-up (no TLS, no DLL
 * notifications), so they touch only this file's statics and make system
 * calls; each ends with NtTerminateThread.
 */
#include "utest.h"
#include "../../kernel/syscall_abi.h"

static long long sc(long long n, long long a1, long long a2, long long a3, long long a4, long long a5, long long a6)
{
	register long long r10 __asm__("r10") = a4;
	register long long r8 __asm__("r8") = a5;
	register long long r9 __asm__("r9") = a6;
	long long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory");
	return (unsigned)ret;	/* the NTSTATUS as a 32-bit value */
}
#define SC(n, ...) sc(n, ##__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define SC6(n, a, b, c, d, e, f) sc(n, (long long)(a), (long long)(b), (long long)(c), (long long)(d), (long long)(e), (long long)(f))

static volatile long counter, go;
static long long ev_auto, ev_manual, mutant, sem;

static __attribute__((noreturn)) void end_thread(long status)
{
	SC6(SYS_NtTerminateThread, -2, status, 0, 0, 0, 0);
	for (;;)
		;
}

/* Adds arg to counter and ends with status arg. */
static __attribute__((noreturn)) void t_add(long arg)
{
	__atomic_add_fetch(&counter, arg, __ATOMIC_SEQ_CST);
	end_thread(arg);
}

/* Waits on the event handle arg, then counts. */
static __attribute__((noreturn)) void t_wait(long long h)
{
	long long st = SC6(SYS_NtWaitForSingleObject, h, 0, 0, 0, 0, 0);
	__atomic_add_fetch(&counter, st == 0 ? 1 : 1000, __ATOMIC_SEQ_CST);
	end_thread(0);
}

/* Takes the mutant and ends holding it. */
static __attribute__((noreturn)) void t_hold_mutant(long long h)
{
	SC6(SYS_NtWaitForSingleObject, h, 0, 0, 0, 0, 0);
	end_thread(7);
}

/* Spins on go, counting. */
static __attribute__((noreturn)) void t_spin(long arg)
{
	(void)arg;
	while (!go)
		__atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
	end_thread(0);
}

/* Sleeps on &go while it is 0 (WaitOnAddress), then counts. */
static __attribute__((noreturn)) void t_addr(long arg)
{
	(void)arg;
	long zero = 0;
	while (go == 0)
		SC6(SYS_NtWaitOnAddress, &go, &zero, sizeof(long), 0, 0, 0);
	__atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
	end_thread(0);
}

static long long thread(void *fn, long long arg, unsigned flags, unsigned *tid)
{
	struct abi_create_thread a = { .start = (unsigned long long)fn, .arg1 = (unsigned long long)arg,
				       .stack_commit = 4096, .stack_reserve = 65536, .flags = flags };
	long long h = 0;
	long long st = SC6(SYS_NtCreateThread, -1, &a, &h, 0, 0, 0);
	CHECK_EQ(st, 0);
	if (tid)
		*tid = a.thread_id;
	CHECK(a.teb != 0 && a.stack_base != 0);
	return h;
}

static long long wait1(long long h, long long timeout_100ns)
{
	long long t = timeout_100ns;
	return SC6(SYS_NtWaitForSingleObject, h, 0, timeout_100ns == 1 ? 0 : (long long)&t, 0, 0, 0);
}

#define INFINITE_WAIT 1

static void test_create_and_exit(void)
{
	counter = 0;
	unsigned tid;
	long long h = thread((void *)t_add, 5, 0, &tid);
	CHECK_EQ(wait1(h, INFINITE_WAIT), 0);
	CHECK_EQ(counter, 5);
	struct abi_thread_basic_info b;
	unsigned long ret = 0;
	CHECK_EQ(SC6(SYS_NtQueryInformationThread, h, ABI_ThreadBasicInformation, &b, sizeof(b), &ret, 0), 0);
	CHECK_EQ(b.exit_status, 5);
	CHECK_EQ(b.unique_thread, tid);
	CHECK_EQ(b.unique_process, GetCurrentProcessId());
	CHECK_EQ(ret, sizeof(b));
	CHECK_EQ(SC6(SYS_NtQueryInformationThread, h, ABI_ThreadBasicInformation, &b, sizeof(b) - 1, 0, 0),
		 0xC0000004);	/* STATUS_INFO_LENGTH_MISMATCH */
	/* Waiting on an ended thread completes at once, again and again. */
	CHECK_EQ(wait1(h, 0), 0);
	/* Opening it by id gives the same thread. */
	long long h2 = 0;
	CHECK_EQ(SC6(SYS_NtOpenThread, &h2, 0x1fffff, tid, 0, 0, 0), 0);
	CHECK_EQ(SC6(SYS_NtQueryInformationThread, h2, ABI_ThreadBasicInformation, &b, sizeof(b), 0, 0), 0);
	CHECK_EQ(b.exit_status, 5);
	CHECK_EQ(SC6(SYS_NtClose, h2, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(SC6(SYS_NtClose, h, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(SC6(SYS_NtOpenThread, &h2, 0x1fffff, 0x7ffffff0, 0, 0, 0), 0xC000000B);	/* STATUS_INVALID_CID */
}

static void test_events(void)
{
	CHECK_EQ(SC6(SYS_NtCreateEvent, &ev_auto, ABI_SYNCHRONIZATION_EVENT, 0, 0, 0, 0), 0);
	CHECK_EQ(SC6(SYS_NtCreateEvent, &ev_manual, ABI_NOTIFICATION_EVENT, 0, 0, 0, 0), 0);
	counter = 0;
	long long h[4];
	for (int i = 0; i < 3; i++)
		h[i] = thread((void *)t_wait, ev_auto, 0, NULL);
	CHECK_EQ(wait1(h[0], -100000), 0x102);	/* 10 ms: all three wait */
	CHECK_EQ(counter, 0);
	long prev = -1;
	CHECK_EQ(SC6(SYS_NtSetEvent, ev_auto, &prev, 0, 0, 0, 0), 0);	/* wakes exactly one */
	CHECK_EQ(prev, 0);
	SC6(SYS_NtYieldExecution, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(wait1(ev_auto, 0), 0x102);	/* taken by the waiter: reset again */
	long long st = SC6(SYS_NtWaitForMultipleObjects, 3, h, ABI_WAIT_ANY, 0, 0, 0);
	CHECK(st >= 0 && st <= 2);
	CHECK_EQ(counter, 1);
	CHECK_EQ(SC6(SYS_NtPulseEvent, ev_auto, &prev, 0, 0, 0, 0), 0);	/* one more */
	CHECK_EQ(SC6(SYS_NtSetEvent, ev_auto, 0, 0, 0, 0, 0), 0);		/* and the last */
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 3, h, ABI_WAIT_ALL, 0, 0, 0), 0);
	CHECK_EQ(counter, 3);
	for (int i = 0; i < 3; i++)
		SC6(SYS_NtClose, h[i], 0, 0, 0, 0, 0);
	/* A manual-reset event wakes everyone and stays set. */
	counter = 0;
	for (int i = 0; i < 4; i++)
		h[i] = thread((void *)t_wait, ev_manual, 0, NULL);
	CHECK_EQ(SC6(SYS_NtSetEvent, ev_manual, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 4, h, ABI_WAIT_ALL, 0, 0, 0), 0);
	CHECK_EQ(counter, 4);
	CHECK_EQ(wait1(ev_manual, 0), 0);
	CHECK_EQ(SC6(SYS_NtResetEvent, ev_manual, &prev, 0, 0, 0, 0), 0);
	CHECK_EQ(prev, 1);
	CHECK_EQ(wait1(ev_manual, 0), 0x102);
	for (int i = 0; i < 4; i++)
		SC6(SYS_NtClose, h[i], 0, 0, 0, 0, 0);
	/* A wait-all with one object twice, a bad count, a section handle. */
	long long two[2] = { ev_manual, ev_manual };
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 2, two, ABI_WAIT_ALL, 0, 0, 0), 0xC0000030);
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 0, two, ABI_WAIT_ANY, 0, 0, 0), 0xC000000D);
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 65, two, ABI_WAIT_ANY, 0, 0, 0), 0xC000000D);
	CHECK_EQ(wait1(0x7fff0, 0), 0xC0000008);	/* STATUS_INVALID_HANDLE */
}

static void test_mutant_and_semaphore(void)
{
	long prev;
	CHECK_EQ(SC6(SYS_NtCreateMutant, &mutant, 1, 0, 0, 0, 0), 0);	/* owned by us */
	CHECK_EQ(wait1(mutant, 0), 0);		/* recursion */
	CHECK_EQ(SC6(SYS_NtReleaseMutant, mutant, &prev, 0, 0, 0, 0), 0);
	CHECK_EQ(prev, -1);
	CHECK_EQ(SC6(SYS_NtReleaseMutant, mutant, &prev, 0, 0, 0, 0), 0);
	CHECK_EQ(prev, 0);
	CHECK_EQ(SC6(SYS_NtReleaseMutant, mutant, &prev, 0, 0, 0, 0), 0xC0000046);	/* not owned */
	/* A thread ends holding it: the next owner is told it was abandoned, once. */
	long long h = thread((void *)t_hold_mutant, mutant, 0, NULL);
	CHECK_EQ(wait1(h, INFINITE_WAIT), 0);
	CHECK_EQ(wait1(mutant, INFINITE_WAIT), 0x80);	/* STATUS_ABANDONED_WAIT_0 */
	CHECK_EQ(SC6(SYS_NtReleaseMutant, mutant, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(wait1(mutant, 0), 0);
	CHECK_EQ(SC6(SYS_NtReleaseMutant, mutant, 0, 0, 0, 0, 0), 0);
	SC6(SYS_NtClose, h, 0, 0, 0, 0, 0);

	CHECK_EQ(SC6(SYS_NtCreateSemaphore, &sem, 3, 2, 0, 0, 0), 0xC000000D);
	CHECK_EQ(SC6(SYS_NtCreateSemaphore, &sem, 1, 2, 0, 0, 0), 0);
	CHECK_EQ(SC6(SYS_NtReleaseSemaphore, sem, 2, &prev, 0, 0, 0), 0xC0000047);	/* past the maximum */
	CHECK_EQ(SC6(SYS_NtReleaseSemaphore, sem, 1, &prev, 0, 0, 0), 0);
	CHECK_EQ(prev, 1);
	CHECK_EQ(wait1(sem, 0), 0);
	CHECK_EQ(wait1(sem, 0), 0);
	CHECK_EQ(wait1(sem, 0), 0x102);
	/* Wait-all takes both or neither. */
	long long both[2] = { sem, ev_auto };
	CHECK_EQ(SC6(SYS_NtReleaseSemaphore, sem, 1, 0, 0, 0, 0), 0);
	long long zero = 0;
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 2, both, ABI_WAIT_ALL, 0, &zero, 0), 0x102);
	CHECK_EQ(wait1(sem, 0), 0);	/* still there: the wait-all took nothing */
	CHECK_EQ(SC6(SYS_NtReleaseSemaphore, sem, 1, 0, 0, 0, 0), 0);
	SC6(SYS_NtSetEvent, ev_auto, 0, 0, 0, 0, 0);
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 2, both, ABI_WAIT_ALL, 0, &zero, 0), 0);
	CHECK_EQ(wait1(sem, 0), 0x102);
	CHECK_EQ(wait1(ev_auto, 0), 0x102);
	/* Names: the same name gives the same object; another type's name is refused. */
	long long a = 0, b = 0, c = 0;
	CHECK_EQ(SC6(SYS_NtCreateEvent, &a, 0, 0, "thread_kernel_ev", 16, 0), 0);
	CHECK_EQ(SC6(SYS_NtCreateEvent, &b, 0, 0, "thread_kernel_ev", 16, 0), 0x40000000);
	CHECK_EQ(SC6(SYS_NtSetEvent, b, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(wait1(a, 0), 0);
	CHECK_EQ(SC6(SYS_NtCreateMutant, &c, 0, "thread_kernel_ev", 16, 0, 0), 0xC0000024);
	CHECK_EQ(SC6(SYS_NtOpenObject, &c, ABI_OBJ_EVENT, 0x1f0003, "thread_kernel_ev", 16, 0), 0);
	CHECK_EQ(SC6(SYS_NtOpenObject, &c, ABI_OBJ_EVENT, 0x1f0003, "no_such_object", 14, 0), 0xC0000034);
	SC6(SYS_NtClose, a, 0, 0, 0, 0, 0);
	SC6(SYS_NtClose, b, 0, 0, 0, 0, 0);
	SC6(SYS_NtClose, c, 0, 0, 0, 0, 0);
}

static void test_suspend_kill(void)
{
	counter = 0;
	go = 0;
	long long h = thread((void *)t_spin, 0, ABI_THREAD_CREATE_SUSPENDED, NULL);
	CHECK_EQ(wait1(h, -200000), 0x102);	/* 20 ms: it does not run */
	CHECK_EQ(counter, 0);
	unsigned long prev = 99;
	CHECK_EQ(SC6(SYS_NtResumeThread, h, &prev, 0, 0, 0, 0), 0);
	CHECK_EQ(prev, 1);
	CHECK_EQ(wait1(h, -300000), 0x102);	/* 30 ms: the timer shares the CPU with it */
	CHECK(counter > 0);
	CHECK_EQ(SC6(SYS_NtSuspendThread, h, &prev, 0, 0, 0, 0), 0);
	CHECK_EQ(prev, 0);
	long seen = counter;
	CHECK_EQ(wait1(h, -200000), 0x102);
	CHECK_EQ(counter, seen);	/* suspended: not a single step more */
	CHECK_EQ(SC6(SYS_NtTerminateThread, h, 0x1234, 0, 0, 0, 0), 0);
	CHECK_EQ(wait1(h, INFINITE_WAIT), 0);
	struct abi_thread_basic_info b;
	CHECK_EQ(SC6(SYS_NtQueryInformationThread, h, ABI_ThreadBasicInformation, &b, sizeof(b), 0, 0), 0);
	CHECK_EQ(b.exit_status, 0x1234);
	SC6(SYS_NtClose, h, 0, 0, 0, 0, 0);
	/* Waits on an address: sleepers wake on NtWakeAddress, and not before. */
	counter = 0;
	go = 0;
	long long w[3];
	for (int i = 0; i < 3; i++)
		w[i] = thread((void *)t_addr, 0, 0, NULL);
	CHECK_EQ(wait1(w[0], -100000), 0x102);
	CHECK_EQ(counter, 0);
	go = 1;
	SC6(SYS_NtWakeAddress, &go, 0, 0, 0, 0, 0);	/* one */
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 3, w, ABI_WAIT_ANY, 0, 0, 0) <= 2, 1);
	CHECK_EQ(counter, 1);
	SC6(SYS_NtWakeAddress, &go, 1, 0, 0, 0, 0);	/* the rest */
	CHECK_EQ(SC6(SYS_NtWaitForMultipleObjects, 3, w, ABI_WAIT_ALL, 0, 0, 0), 0);
	CHECK_EQ(counter, 3);
	for (int i = 0; i < 3; i++)
		SC6(SYS_NtClose, w[i], 0, 0, 0, 0, 0);
	/* A value that differs returns at once. */
	long one = 1;
	CHECK_EQ(SC6(SYS_NtWaitOnAddress, &counter, &one, sizeof(long), 0, 0, 0), 0);
}

int main(void)
{
	unsigned long long f0 = utest_free_frames();
	struct abi_memory_status m0, m1;
	mm_memory_status(&m0);
	test_create_and_exit();
	test_events();
	test_mutant_and_semaphore();
	test_suspend_kill();
	SC6(SYS_NtClose, ev_auto, 0, 0, 0, 0, 0);
	SC6(SYS_NtClose, ev_manual, 0, 0, 0, 0, 0);
	SC6(SYS_NtClose, mutant, 0, 0, 0, 0, 0);
	SC6(SYS_NtClose, sem, 0, 0, 0, 0, 0);
	unsigned long long f1 = utest_free_frames();
	mm_memory_status(&m1);
	/*
	 * Everything is back but the stack of the one thread NtTerminateThread
	 * ended (Windows does not free a terminated thread's stack either): its
	 * commit (the page and the guard page below); no frame, as the spinning
	 * thread never touched its stack.
	 */
	CHECK_EQ(f0 - f1, 0);
	CHECK_EQ(m1.process_charge - m0.process_charge, 2);
	return utest_done("thread_kernel");
}
