/*
 * tests/user/thread_basic.c - the thread API of kernel32 (docs/threads.md):
 * CreateThread and its flags, ids, exit codes (STILL_ACTIVE, ExitThread,
 * TerminateThread), suspend counts, context of a suspended thread,
 * priorities, times, stacks (commit, reserve, released at the end),
 * per-thread last error, errors, the leak oracle, and the last thread's
 * ExitThread ending the process.  Runs under Wine too (make compare).
 */
#include "mt_common.h"

static volatile LONG ran, stop, seen_tid, seen_err_ok;

static DWORD WINAPI ret_param(LPVOID p)
{
	seen_tid = (LONG)GetCurrentThreadId();
	return (DWORD)(ULONG_PTR)p;
}

static DWORD WINAPI spin_until_stop(LPVOID p)
{
	(void)p;
	InterlockedIncrement(&ran);
	unsigned spins = 0;
	while (!stop)
		mt_relax(&spins);
	return 7;
}

static DWORD WINAPI exits_early(LPVOID p)
{
	(void)p;
	ExitThread(1234);
	return 1;	/* not reached */
}

static DWORD WINAPI last_error_thread(LPVOID p)
{
	(void)p;
	SetLastError(5678);
	Sleep(20);
	seen_err_ok = GetLastError() == 5678;
	return 0;
}

/* Create, ids, exit code while it runs and after. */
static void test_create_and_exit_codes(void)
{
	DWORD tid = 0;
	HANDLE h = CreateThread(NULL, 0, ret_param, (LPVOID)0x1234, 0, &tid);
	MT_CHECK(h != NULL);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	DWORD code = 0;
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, 0x1234);
	MT_CHECK_EQ(tid, (DWORD)seen_tid);
	MT_CHECK_EQ(GetThreadId(h), tid);
	MT_CHECK(tid != GetCurrentThreadId());
	MT_CHECK_EQ(GetProcessIdOfThread(h), GetCurrentProcessId());
	MT_CHECK(CloseHandle(h));

	stop = 0;
	h = CreateThread(NULL, 0, spin_until_stop, NULL, 0, NULL);
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, STILL_ACTIVE);
	MT_CHECK_EQ(WaitForSingleObject(h, 50), WAIT_TIMEOUT);
	stop = 1;
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, 7);
	CloseHandle(h);

	h = CreateThread(NULL, 0, exits_early, NULL, 0, NULL);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, 1234);
	CloseHandle(h);

	/* TerminateThread: no return from the routine, the code given. */
	stop = 0;
	ran = 0;
	h = CreateThread(NULL, 0, spin_until_stop, NULL, 0, NULL);
	mt_wait_eq(&ran, 1);
	MT_CHECK(TerminateThread(h, 77));
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, 77);
	CloseHandle(h);

	/* The last error is per thread. */
	SetLastError(1234);
	h = CreateThread(NULL, 0, last_error_thread, NULL, 0, NULL);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	MT_CHECK_EQ(GetLastError(), 1234);
	MT_CHECK_EQ(seen_err_ok, 1);
	CloseHandle(h);
}

/* CREATE_SUSPENDED and the suspend counts. */
static void test_suspend(void)
{
	ran = 0;
	stop = 0;
	DWORD tid = 0;
	HANDLE h = CreateThread(NULL, 0, spin_until_stop, NULL, CREATE_SUSPENDED, &tid);
	MT_CHECK(h != NULL);
	MT_CHECK(tid != 0);
	Sleep(50);
	MT_CHECK_EQ(ran, 0);
	MT_CHECK_EQ(SuspendThread(h), 1);
	MT_CHECK_EQ(ResumeThread(h), 2);
	MT_CHECK_EQ(ResumeThread(h), 1);
	mt_wait_eq(&ran, 1);
	MT_CHECK_EQ(ResumeThread(h), 0);
	MT_CHECK_EQ(SuspendThread(h), 0);
	MT_CHECK_EQ(SuspendThread(h), 1);
	MT_CHECK_EQ(ResumeThread(h), 2);
	MT_CHECK_EQ(ResumeThread(h), 1);
	stop = 1;
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	CloseHandle(h);
}

static volatile LONG redirected;

static void redirect_target(void)
{
	redirected = 1;
	ExitThread(42);
}

/* GetThreadContext/SetThreadContext on a suspended thread: its stack, a new rip. */
static void test_context(void)
{
	ran = 0;
	stop = 0;
	redirected = 0;
	HANDLE h = CreateThread(NULL, 0, spin_until_stop, NULL, 0, NULL);
	mt_wait_eq(&ran, 1);
	MT_CHECK_EQ(SuspendThread(h), 0);
	CONTEXT c;
	memset(&c, 0, sizeof(c));
	c.ContextFlags = CONTEXT_FULL;
	MT_CHECK(GetThreadContext(h, &c));
	MEMORY_BASIC_INFORMATION mbi;
	MT_CHECK(VirtualQuery((void *)c.Rsp, &mbi, sizeof(mbi)) == sizeof(mbi));
	MT_CHECK_EQ(mbi.State, MEM_COMMIT);
	MT_CHECK_EQ(mbi.Protect, PAGE_READWRITE);
	MT_CHECK(c.Rip != 0);
	c.Rip = (DWORD64)(ULONG_PTR)redirect_target;
	c.Rsp = ((c.Rsp - 256) & ~15ULL) - 8;
	MT_CHECK(SetThreadContext(h, &c));
	MT_CHECK_EQ(ResumeThread(h), 1);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	DWORD code = 0;
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, 42);
	MT_CHECK_EQ(redirected, 1);
	CloseHandle(h);
}

/* Priorities: the levels, and ERROR_INVALID_PARAMETER for others. */
static void test_priority(void)
{
	HANDLE me = GetCurrentThread();
	MT_CHECK_EQ(GetThreadPriority(me), THREAD_PRIORITY_NORMAL);
	static const int levels[] = { THREAD_PRIORITY_IDLE, THREAD_PRIORITY_LOWEST, THREAD_PRIORITY_BELOW_NORMAL,
				      THREAD_PRIORITY_ABOVE_NORMAL, THREAD_PRIORITY_HIGHEST,
				      THREAD_PRIORITY_TIME_CRITICAL, THREAD_PRIORITY_NORMAL };
	for (unsigned i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		MT_CHECK(SetThreadPriority(me, levels[i]));
		MT_CHECK_EQ(GetThreadPriority(me), levels[i]);
	}
	SetLastError(0);
	MT_CHECK(!SetThreadPriority(me, 3));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(!SetThreadPriority(me, -3));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MT_CHECK_EQ(GetThreadPriority(me), THREAD_PRIORITY_NORMAL);
}

/* Bad handles and ids. */
static void test_errors(void)
{
	DWORD code = 0;
	SetLastError(0);
	MT_CHECK(!GetExitCodeThread(NULL, &code));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	MT_CHECK_EQ(SuspendThread(NULL), (DWORD)-1);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	MT_CHECK_EQ(ResumeThread(NULL), (DWORD)-1);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	MT_CHECK_EQ(GetThreadPriority(NULL), THREAD_PRIORITY_ERROR_RETURN);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	MT_CHECK(!TerminateThread(NULL, 0));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	MT_CHECK(OpenThread(THREAD_ALL_ACCESS, FALSE, 0) == NULL);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0) == NULL);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(CreateRemoteThread(NULL, NULL, 0, ret_param, NULL, 0, NULL) == NULL);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	/* A process handle to ourselves works for CreateRemoteThread. */
	HANDLE self = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
	MT_CHECK(self != NULL);
	HANDLE h = CreateRemoteThread(self, NULL, 0, ret_param, (LPVOID)9, 0, NULL);
	MT_CHECK(h != NULL);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	MT_CHECK(GetExitCodeThread(h, &code));
	MT_CHECK_EQ(code, 9);
	CloseHandle(h);
	MT_CHECK(GetExitCodeProcess(self, &code));
	MT_CHECK_EQ(code, STILL_ACTIVE);
	MT_CHECK_EQ(GetProcessId(self), GetCurrentProcessId());
	CloseHandle(self);
	/* OpenThread by id: the same thread. */
	HANDLE t = OpenThread(THREAD_QUERY_INFORMATION, FALSE, GetCurrentThreadId());
	MT_CHECK(t != NULL);
	MT_CHECK_EQ(GetThreadId(t), GetCurrentThreadId());
	CloseHandle(t);
}

static volatile ULONG_PTR stack_base, stack_limit, stack_local;

static DWORD WINAPI stack_probe(LPVOID p)
{
	volatile char local = 1;
	NT_TIB *tib;
	__asm__("movq %%gs:0x30, %0" : "=r"(tib));
	stack_base = (ULONG_PTR)tib->StackBase;
	stack_limit = (ULONG_PTR)tib->StackLimit;
	stack_local = (ULONG_PTR)&local;
	return (DWORD)(ULONG_PTR)p + local - 1;
}

/* The reserve of the stack the region at addr belongs to (every region of its allocation). */
static SIZE_T reservation_size(ULONG_PTR addr)
{
	MEMORY_BASIC_INFORMATION mbi;
	if (VirtualQuery((void *)addr, &mbi, sizeof(mbi)) != sizeof(mbi) || mbi.State == MEM_FREE)
		return 0;
	char *base = mbi.AllocationBase, *p = base;
	while (VirtualQuery(p, &mbi, sizeof(mbi)) == sizeof(mbi) && mbi.AllocationBase == base && mbi.State != MEM_FREE)
		p += mbi.RegionSize;
	return (SIZE_T)(p - base);
}

/* dwStackSize as commit or reserve; the stack is gone once the thread is. */
static void test_stacks(void)
{
	HANDLE h = CreateThread(NULL, 0x40000, stack_probe, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION | CREATE_SUSPENDED,
				NULL);
	MT_CHECK(h != NULL);
	MT_CHECK_EQ(ResumeThread(h), 1);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	MT_CHECK(stack_local < stack_base && stack_local >= stack_limit);
	MT_CHECK_EQ(stack_base & 0xFFF, 0);
	CloseHandle(h);

	/* While it runs: the reserve as asked (256 KiB), the commit at the top. */
	ran = 0;
	stop = 0;
	h = CreateThread(NULL, 0x40000, spin_until_stop, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	mt_wait_eq(&ran, 1);
	MT_CHECK_EQ(SuspendThread(h), 0);
	CONTEXT c;
	memset(&c, 0, sizeof(c));
	c.ContextFlags = CONTEXT_CONTROL;
	MT_CHECK(GetThreadContext(h, &c));
	/* Windows: the reserve asked, rounded to 64 KiB ("Thread Stack Size"); Wine makes it at least 1 MiB. */
	MT_CHECK_EQ(reservation_size(c.Rsp), mt_is_wine() ? 0x100000 : 0x40000);
	ResumeThread(h);
	stop = 1;
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	CloseHandle(h);

	/* A commit larger than the exe's reserve: the reserve grows to hold it (1 MiB multiples). */
	h = CreateThread(NULL, 0x180000, stack_probe, NULL, 0, NULL);
	MT_CHECK(h != NULL);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	MT_CHECK(stack_base - stack_limit >= 0x180000);
	CloseHandle(h);
	if (!mt_is_wine()) {	/* Wine frees an ended thread's stack later; Windows and we at its end */
		MEMORY_BASIC_INFORMATION mbi;
		MT_CHECK(VirtualQuery((void *)stack_local, &mbi, sizeof(mbi)) == sizeof(mbi));
		MT_CHECK_EQ(mbi.State, MEM_FREE);
	}
}

/* Creation and exit times. */
static void test_times(void)
{
	FILETIME cr, ex, k, u;
	MT_CHECK(GetThreadTimes(GetCurrentThread(), &cr, &ex, &k, &u));
	MT_CHECK(cr.dwHighDateTime != 0);
	MT_CHECK_EQ(ex.dwLowDateTime | ex.dwHighDateTime, 0);
	HANDLE h = CreateThread(NULL, 0, ret_param, NULL, 0, NULL);
	MT_CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
	FILETIME cr2, ex2;
	MT_CHECK(GetThreadTimes(h, &cr2, &ex2, &k, &u));
	ULONGLONG c2 = ((ULONGLONG)cr2.dwHighDateTime << 32) | cr2.dwLowDateTime;
	ULONGLONG e2 = ((ULONGLONG)ex2.dwHighDateTime << 32) | ex2.dwLowDateTime;
	ULONGLONG c1 = ((ULONGLONG)cr.dwHighDateTime << 32) | cr.dwLowDateTime;
	MT_CHECK(c2 >= c1);
	MT_CHECK(e2 >= c2);
	CloseHandle(h);
	MT_CHECK(GetProcessTimes(GetCurrentProcess(), &cr, &ex, &k, &u));
	MT_CHECK(cr.dwHighDateTime != 0);
	SetLastError(0);
	MT_CHECK(!GetThreadTimes(NULL, &cr, &ex, &k, &u));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
}

static volatile LONG counter;

static DWORD WINAPI add_many(LPVOID p)
{
	for (int i = 0; i < 1000; i++)
		InterlockedIncrement(&counter);
	return (DWORD)(ULONG_PTR)p;
}

/* Sixteen threads at once, twice; every frame and unit of commit back after the second round. */
static void test_many_and_oracle(void)
{
	HANDLE hs[16];
	struct mt_oracle o = { 0, 0, 0 };
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			mt_oracle_begin(&o);
		counter = 0;
		for (int i = 0; i < 16; i++)
			hs[i] = CreateThread(NULL, 0x10000, add_many, NULL, 0, NULL);
		mt_join_all(hs, 16);
		MT_CHECK_EQ(counter, 16000);
	}
	mt_oracle_end(&o, "16 threads");
}

static HANDLE main_thread;

/* The last thread: checks the first thread ended with ExitThread(3), prints the result, ends the process by ExitThread. */
static DWORD WINAPI finisher(LPVOID p)
{
	(void)p;
	MT_CHECK_EQ(WaitForSingleObject(main_thread, 30000), WAIT_OBJECT_0);
	DWORD code = 0;
	MT_CHECK(GetExitCodeThread(main_thread, &code));
	MT_CHECK_EQ(code, 3);
	CloseHandle(main_thread);
	int failed = mt_done("thread_basic");
	fflush(stdout);
	ExitThread(failed);	/* the last thread: the process ends with this code, DLLs detached */
	return 99;
}

int main(void)
{
	test_create_and_exit_codes();
	test_suspend();
	test_context();
	test_priority();
	test_errors();
	test_stacks();
	test_times();
	test_many_and_oracle();
	/* The main thread ends first; the process lives on in the finisher. */
	MT_CHECK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &main_thread, 0, FALSE,
				 DUPLICATE_SAME_ACCESS));
	HANDLE f = CreateThread(NULL, 0, finisher, NULL, 0, NULL);
	MT_CHECK(f != NULL);
	CloseHandle(f);
	ExitThread(3);
}
