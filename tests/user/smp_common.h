/*
 * tests/user/smp_common.h - what the shootdown tests (tests/user/smp_*.c,
 * issue 18) share, on top of mt_common.h: the CPU count, pinning a thread
 * to a CPU, an 8-byte write probe, and the round protocol between the main
 * thread (pinned to CPU 0) and "toucher" threads pinned to the other CPUs.
 *
 * A toucher is a pure user loop: it never enters the kernel while the page
 * is accessible (no yield, no system call), so on several CPUs only a TLB
 * shootdown IPI can stop it; on one CPU the touchers share CPU 0 with the
 * main thread and the race comes from preemption.
 *
 * Round r: the main thread publishes phase 2r ("open") after giving the
 * page back, waits until every toucher has touched it in this phase, makes
 * the call under test, and publishes 2r+1 ("closed") only after the call
 * returned.  A toucher reads the phase before each access:
 *   SMP_FAULT mode: an access that succeeds although it read a closed
 *     phase it has not acknowledged is a late access (the failure these
 *     tests exist for); the expected exception (access violation, or the
 *     guard-page violation) acknowledges the phase (ack[t] = phase).  An
 *     exception before the phase is published waits for it and then
 *     acknowledges it.
 *   SMP_KEEP mode: no exception is expected; the first access after it
 *     read the closed phase stores its value in last[t] and acknowledges.
 * After the acknowledgement a toucher waits for the next open phase.
 */
#ifndef TESTS_USER_SMP_COMMON_H
#define TESTS_USER_SMP_COMMON_H

#include "mt_common.h"

#define SMP_MAX_TOUCHERS 15
#define SMP_MARK 0x8000000000000000ULL	/* set in values written in a closed phase */

enum smp_mode { SMP_FAULT, SMP_KEEP };

struct smp_round {
	volatile LONG phase, stop;
	volatile LONG ack[SMP_MAX_TOUCHERS];
	volatile LONG touched[SMP_MAX_TOUCHERS];	/* accesses that went through, per phase seen */
	volatile LONG seen[SMP_MAX_TOUCHERS];		/* the phase of the last access that went through */
	volatile unsigned long long last[SMP_MAX_TOUCHERS];
	volatile LONG late, faults, early;
	volatile unsigned long long *volatile target[SMP_MAX_TOUCHERS];
	enum smp_mode mode;
	int read;			/* touchers read (the guard-page test) instead of writing */
	unsigned expect;		/* the exception code SMP_FAULT expects */
	int n;				/* touchers */
};

/* The processors the system has (GetSystemInfo), at least 1. */
static __attribute__((unused)) unsigned smp_ncpu(void)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	return si.dwNumberOfProcessors ? si.dwNumberOfProcessors : 1;
}

/* Pins thread h to CPU cpu % ncpu; the old mask is checked to be non-zero. */
static __attribute__((unused)) void smp_pin(HANDLE h, unsigned cpu)
{
	unsigned n = smp_ncpu();
	DWORD_PTR old = SetThreadAffinityMask(h, (DWORD_PTR)1 << (cpu % n));
	MT_CHECK(old != 0);
}

/*
 * smp_probe_write(p, v): writes the 8 bytes v at p and returns 0, or the
 * exception code the write raised (nothing written).  No kernel entry on
 * success.  smp_probe_init installs the handler (and mt_probe_read's).
 */
__asm__(".text\n"
	".globl smp_probe_write_fn\n"
	"smp_probe_write_fn:\n	xor %eax, %eax\n"
	"smp_probe_write_insn:\n	movq %rdx, (%rcx)\n"
	"smp_probe_write_end:\n	ret\n");
extern char smp_probe_write_insn[], smp_probe_write_end[];
unsigned smp_probe_write_fn(volatile void *p, unsigned long long v);

static __attribute__((unused)) LONG WINAPI smp_probe_handler(EXCEPTION_POINTERS *ep)
{
	CONTEXT *c = ep->ContextRecord;
	if (c->Rip != (DWORD64)smp_probe_write_insn)
		return EXCEPTION_CONTINUE_SEARCH;
	c->Rax = ep->ExceptionRecord->ExceptionCode;
	c->Rip = (DWORD64)smp_probe_write_end;
	return EXCEPTION_CONTINUE_EXECUTION;
}

static __attribute__((unused)) void smp_probe_init(void)
{
	mt_probe_init();
	AddVectoredExceptionHandler(1, smp_probe_handler);
}

#define smp_probe_write(p, v) smp_probe_write_fn((p), (v))

struct smp_toucher_arg {
	struct smp_round *r;
	unsigned t;
};

/* Spins with pause until *p != v or the round stops (no kernel entry for 4096 spins, then yields). */
static void smp_wait_change(volatile LONG *p, LONG v, volatile LONG *stop)
{
	unsigned spins = 0;
	while (*p == v && !*stop)
		if (++spins % 4096 == 0)
			SwitchToThread();
		else
			YieldProcessor();
}

/* The toucher's loop (the protocol above). */
static __attribute__((unused)) DWORD WINAPI smp_toucher(void *arg)
{
	struct smp_toucher_arg *a = arg;
	struct smp_round *r = a->r;
	unsigned t = a->t;
	unsigned long long v = (unsigned long long)t << 40;
	while (!r->stop) {
		LONG ph = r->phase;
		if (ph < 0 || ((ph & 1) && r->ack[t] == ph)) {	/* not started, or this closed phase is done */
			smp_wait_change(&r->phase, ph, &r->stop);
			continue;
		}
		volatile unsigned long long *p = r->target[t];
		unsigned long long got = 0;
		v++;
		unsigned code = r->read ? mt_probe_read(p, &got) : smp_probe_write(p, (ph & 1) ? v | SMP_MARK : v);
		if (code == 0) {
			r->seen[t] = ph;
			r->touched[t]++;
			if (!(ph & 1))
				continue;
			if (r->mode == SMP_FAULT) {	/* the call had returned before this access began */
				InterlockedIncrement(&r->late);
				MT_CHECK(!"an access after the call returned went through");
			} else {
				r->last[t] = r->read ? got : (v | SMP_MARK);
			}
			r->ack[t] = ph;
			continue;
		}
		if (r->mode != SMP_FAULT || code != r->expect) {
			MT_CHECK_EQ(code, r->mode == SMP_FAULT ? r->expect : 0);
			r->ack[t] = ph | 1;
			smp_wait_change(&r->phase, ph, &r->stop);
			continue;
		}
		if (!(ph & 1)) {	/* the call is under way: its phase is published when it returns */
			InterlockedIncrement(&r->early);
			smp_wait_change(&r->phase, ph, &r->stop);
			ph = r->phase;
			if (!(ph & 1))
				continue;
		}
		InterlockedIncrement(&r->faults);
		r->ack[t] = ph;
	}
	return 0;
}

/* Starts the touchers: n of them, toucher i pinned to CPU i + 1 (CPU 0 on one CPU); the caller pins itself to 0. */
static __attribute__((unused)) void smp_start(struct smp_round *r, HANDLE *h, struct smp_toucher_arg *args)
{
	smp_pin(GetCurrentThread(), 0);
	r->phase = -1;
	for (int i = 0; i < r->n; i++) {
		args[i] = (struct smp_toucher_arg){ r, (unsigned)i };
		h[i] = CreateThread(NULL, 0x10000, smp_toucher, &args[i], CREATE_SUSPENDED, NULL);
		MT_CHECK(h[i] != NULL);
		if (!h[i])
			continue;
		smp_pin(h[i], (unsigned)i + 1);
		MT_CHECK(ResumeThread(h[i]) == 1);
	}
}

/* Touchers for the number of CPUs: one per other CPU, two on one CPU. */
static __attribute__((unused)) int smp_touchers(void)
{
	unsigned n = smp_ncpu();
	n = n > 1 ? n - 1 : 2;
	return n > SMP_MAX_TOUCHERS ? SMP_MAX_TOUCHERS : (int)n;
}

/* Opens round number round (phase 2 round) and waits until every toucher has touched in it; 0 on a timeout. */
static __attribute__((unused)) int smp_open(struct smp_round *r, LONG round)
{
	LONG ph = 2 * round;
	r->phase = ph;
	for (int i = 0; i < r->n; i++) {
		unsigned spins = 0;
		DWORD t0 = GetTickCount();
		while (r->seen[i] != ph) {
			mt_relax(&spins);
			if (GetTickCount() - t0 > MT_WAIT_LIMIT_MS) {
				MT_CHECK(!"a toucher never touched the page");
				return 0;
			}
		}
	}
	return 1;
}

/* Publishes the closed phase of round (after the call returned) and waits for every acknowledgement; 0 on a timeout. */
static __attribute__((unused)) int smp_close(struct smp_round *r, LONG round)
{
	LONG ph = 2 * round + 1;
	r->phase = ph;
	int ok = 1;
	for (int i = 0; i < r->n; i++)
		ok &= mt_wait_eq(&r->ack[i], ph);
	return ok;
}

/* Stops and joins the touchers. */
static __attribute__((unused)) void smp_stop(struct smp_round *r, HANDLE *h)
{
	r->stop = 1;
	for (int i = 0; i < r->n; i++)
		mt_join(h[i]);
	r->stop = 0;
}

#endif
