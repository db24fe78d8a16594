/*
 * tests/user/smp_pcid.c - issue 18, PCIDs: a CPU that ran this process,
 * switched to another process and comes back must not use a translation
 * this process took away meanwhile.  With PCIDs the CPU keeps this
 * process's TLB entries while the other process runs; the call that took
 * the page away sends that CPU no IPI (it does not run us), so only the
 * stale mark on our PCID there (mm/tlb.h) makes the next access fault.
 *
 * A toucher thread pinned to CPU 1 writes a page of ours when told to; a
 * forked child pinned to CPU 1 too spins there, always ready, so CPU 1
 * alternates between the two address spaces.  Each round: the page is
 * writable, the toucher writes it (CPU 1 caches the writable translation)
 * and blocks; the main thread (CPU 0) waits until the child has run on
 * CPU 1 since then, takes the page away - VirtualProtect(PAGE_READONLY) or
 * VirtualFree(MEM_DECOMMIT), alternately - and after the call returned
 * wakes the toucher, whose write must raise an access violation and leave
 * the page as it was.  With one CPU all three share CPU 0.  Every frame
 * and page of commit back at the end.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "smp_common.h"

#define PG 4096ULL

struct shared {
	volatile LONG runs;	/* the child's loop count */
	volatile LONG stop;
};

static volatile unsigned long long *page;
static HANDLE go, done;
static volatile LONG stop;
static volatile unsigned result;
static volatile unsigned long long value;

static DWORD WINAPI toucher(void *arg)
{
	(void)arg;
	while (WaitForSingleObject(go, INFINITE) == WAIT_OBJECT_0 && !stop) {
		result = smp_probe_write(page, ++value);
		SetEvent(done);
	}
	return 0;
}

/* The child: always ready on CPU 1, yielding often so the toucher gets the CPU when it wakes. */
static void child(struct shared *s)
{
	smp_pin(GetCurrentThread(), 1);
	DWORD t0 = GetTickCount();
	while (!s->stop) {
		InterlockedIncrement(&s->runs);
		SwitchToThread();
		if (GetTickCount() - t0 > 120000)
			_exit(2);
	}
	_exit(0);
}

/* Waits until the child counted `more` loops past `from`; 0 on a timeout. */
static int child_ran(struct shared *s, LONG from, LONG more)
{
	unsigned spins = 0;
	DWORD t0 = GetTickCount();
	while (s->runs - from < more) {
		mt_relax(&spins);
		if (GetTickCount() - t0 > MT_WAIT_LIMIT_MS)
			return 0;
	}
	return 1;
}

/* Lets the toucher write once; its probe's result (0, or the exception code). */
static unsigned touch_once(void)
{
	SetEvent(go);
	if (WaitForSingleObject(done, MT_WAIT_LIMIT_MS) != WAIT_OBJECT_0) {
		MT_CHECK(!"the toucher did not answer");
		return ~0u;
	}
	return result;
}

int main(void)
{
	smp_probe_init();
	printf("smp_pcid: %u CPUs\n", smp_ncpu());	/* before the baseline: stdout's buffer */
	struct mt_oracle o;
	mt_warm_begin(&o);
	smp_pin(GetCurrentThread(), 0);
	HANDLE sec = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)PG, NULL);
	struct shared *s = sec ? MapViewOfFile(sec, FILE_MAP_WRITE, 0, 0, PG) : NULL;
	page = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	go = CreateEventA(NULL, FALSE, FALSE, NULL);
	done = CreateEventA(NULL, FALSE, FALSE, NULL);
	CHECK(s != NULL && page != NULL && go != NULL && done != NULL);
	if (!s || !page || !go || !done)
		return mt_done("smp_pcid");
	HANDLE t = CreateThread(NULL, 0x10000, toucher, NULL, CREATE_SUSPENDED, NULL);
	CHECK(t != NULL);
	if (!t)
		return mt_done("smp_pcid");
	smp_pin(t, 1);
	CHECK_EQ(ResumeThread(t), 1);
	pid_t pid = fork();
	if (pid == 0)
		child(s);
	CHECK(pid > 0);
	unsigned rounds = 0, faults = 0, want = mt_iters(40);
	DWORD deadline = mt_deadline(20000);
	for (unsigned r = 0; pid > 0 && r < want && !mt_expired(deadline); r++) {
		int decommit = r & 1;
		CHECK_EQ(touch_once(), 0);	/* writable: CPU 1 caches the translation */
		unsigned long long kept = *page;
		CHECK_EQ(kept, value);
		if (!child_ran(s, s->runs, 2)) {	/* CPU 1 left us for the child's address space */
			MT_CHECK(!"the child never ran");
			break;
		}
		DWORD old;
		if (decommit)
			CHECK(VirtualFree((void *)page, PG, MEM_DECOMMIT));
		else
			CHECK(VirtualProtect((void *)page, PG, PAGE_READONLY, &old));
		/* the call returned: CPU 1 comes back to us and must not write through its old entry */
		CHECK_EQ(touch_once(), EXCEPTION_ACCESS_VIOLATION);
		if (decommit) {
			CHECK(VirtualAlloc((void *)page, PG, MEM_COMMIT, PAGE_READWRITE) == page);
			CHECK_EQ(*page, 0);	/* a new zero page: the write went nowhere */
		} else {
			CHECK_EQ(*page, kept);	/* read-only: the value of the return */
			CHECK(VirtualProtect((void *)page, PG, PAGE_READWRITE, &old));
		}
		faults++;
		rounds++;
	}
	stop = 1;
	SetEvent(go);
	mt_join(t);
	s->stop = 1;
	if (pid > 0) {
		int status = -1;
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	printf("  %u rounds (protect and decommit alternately), %u faults after the call, child loops %ld\n", rounds,
	       faults, (long)s->runs);
	CHECK(rounds >= 10);
	CHECK(VirtualFree((void *)page, 0, MEM_RELEASE));
	CHECK(UnmapViewOfFile(s));
	CHECK(CloseHandle(sec));
	CHECK(CloseHandle(go));
	CHECK(CloseHandle(done));
	mt_oracle_end(&o, "pcid");
	return mt_done("smp_pcid");
}
