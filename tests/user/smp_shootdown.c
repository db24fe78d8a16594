/*
 * tests/user/smp_shootdown.c - issue 18: after a call that takes a page
 * away returns, no other CPU still reaches it through its TLB.  One test
 * per call - VirtualProtect(PAGE_READONLY), VirtualFree(MEM_DECOMMIT),
 * VirtualFree(MEM_RELEASE), UnmapViewOfFile, VirtualProtect(PAGE_GUARD) on
 * a page being read - each with touchers pinned on the other CPUs writing
 * (reading, for the guard) in a pure user loop (tests/user/smp_common.h has
 * the round protocol).  What must hold after the call returned: every
 * toucher's next access raises the exception (access violation; exactly
 * one guard-page violation per round in all), no access goes through, and
 * the memory the page had keeps the value it had at the return (checked
 * where it can still be seen: the read-only page, the section through a
 * second view).  And the other way: VirtualProtect that only grants access
 * (read-only to read-write) sends no shootdown, so a toucher may still hold
 * the read-only translation; its write must go through all the same (the
 * fault it takes finds the page already writable).  Every frame and page of
 * commit back at the end.
 */
#include "smp_common.h"

#define PG 4096ULL
#define RES 0x10000ULL

static struct smp_round R;
static HANDLE th[SMP_MAX_TOUCHERS];
static struct smp_toucher_arg targ[SMP_MAX_TOUCHERS];

enum call { C_PROTECT, C_DECOMMIT, C_RELEASE, C_UNMAP, C_GUARD, C_COUNT };
static const char *const call_name[C_COUNT] = { "protect", "decommit", "release", "unmap", "guard" };

/* Toucher i's word: pages 0 and 1 of base alternately, its own 64-byte slot. */
static volatile unsigned long long *slot(char *base, int i)
{
	return (volatile unsigned long long *)(base + (unsigned)(i % 2) * PG + 64 * (unsigned)i);
}

/* Runs the rounds of one call; returns the rounds done. */
static unsigned run(enum call c, unsigned rounds, DWORD ms)
{
	char *base = VirtualAlloc(NULL, RES, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(base != NULL);
	if (!base)
		return 0;
	HANDLE sec = NULL;
	char *other = NULL;
	if (c == C_UNMAP) {	/* base is a view of a section; `other` a second view of it */
		CHECK(VirtualFree(base, 0, MEM_RELEASE));
		sec = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)RES, NULL);
		CHECK(sec != NULL);
		base = MapViewOfFileEx(sec, FILE_MAP_WRITE, 0, 0, RES, base);
		other = MapViewOfFile(sec, FILE_MAP_WRITE, 0, 0, RES);
		CHECK(base != NULL && other != NULL);
		if (!base || !other)
			return 0;
	}
	memset(&R, 0, sizeof R);
	R.n = c == C_GUARD ? 1 : smp_touchers();	/* the guard: one reader (its first read takes the guard) */
	R.mode = SMP_FAULT;
	R.read = c == C_GUARD;
	R.expect = c == C_GUARD ? STATUS_GUARD_PAGE_VIOLATION : STATUS_ACCESS_VIOLATION;
	for (int i = 0; i < R.n; i++)
		R.target[i] = slot(base, i);
	smp_start(&R, th, targ);
	unsigned done = 0;
	DWORD deadline = mt_deadline(ms);
	for (LONG r = 1; r <= (LONG)rounds && !mt_expired(deadline); r++) {
		if (!smp_open(&R, r))
			break;
		DWORD old = 0;
		unsigned long long snap[SMP_MAX_TOUCHERS];
		switch (c) {
		case C_PROTECT:
			CHECK(VirtualProtect(base, 2 * PG, PAGE_READONLY, &old));
			break;
		case C_DECOMMIT:
			CHECK(VirtualFree(base, 2 * PG, MEM_DECOMMIT));
			break;
		case C_RELEASE:
			CHECK(VirtualFree(base, 0, MEM_RELEASE));
			break;
		case C_UNMAP:
			CHECK(UnmapViewOfFile(base));
			break;
		case C_GUARD:
			CHECK(VirtualProtect(base, PG, PAGE_READWRITE | PAGE_GUARD, &old));
			break;
		default:
			break;
		}
		for (int i = 0; i < R.n; i++)	/* what the memory holds as the call returned */
			snap[i] = c == C_PROTECT ? *slot(base, i) : c == C_UNMAP ? *slot(other, i) : 0;
		int acked = smp_close(&R, r);
		if (c == C_PROTECT || c == C_UNMAP)
			for (int i = 0; i < R.n; i++)	/* nothing landed after the return */
				CHECK_EQ(c == C_PROTECT ? *slot(base, i) : *slot(other, i), snap[i]);
		if (c == C_GUARD && acked)
			CHECK_EQ(query_region(base).Protect, PAGE_READWRITE);	/* the violation took the guard away */
		/* Give the page back for the next round. */
		switch (c) {
		case C_PROTECT:
			CHECK(VirtualProtect(base, 2 * PG, PAGE_READWRITE, &old));
			CHECK_EQ(old, PAGE_READONLY);
			break;
		case C_DECOMMIT:
			CHECK(VirtualAlloc(base, 2 * PG, MEM_COMMIT, PAGE_READWRITE) == base);
			for (int i = 0; i < R.n; i++)
				CHECK_EQ(*slot(base, i), 0);
			break;
		case C_RELEASE:
			CHECK(VirtualAlloc(base, RES, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) == base);
			for (int i = 0; i < R.n; i++)
				CHECK_EQ(*slot(base, i), 0);
			break;
		case C_UNMAP:
			CHECK(MapViewOfFileEx(sec, FILE_MAP_WRITE, 0, 0, RES, base) == base);
			break;
		default:
			break;
		}
		if (!acked)
			break;
		done++;
	}
	smp_stop(&R, th);
	/* Guard: exactly one violation per round. */
	if (c == C_GUARD)
		CHECK_EQ(R.faults, done);
	CHECK_EQ(R.late, 0);
	printf("  %s: %u rounds, %d touchers, %ld exceptions (%ld before the return was published)\n", call_name[c],
	       done, R.n, (long)R.faults, (long)R.early);
	CHECK(done >= 5);
	if (c == C_UNMAP) {
		CHECK(UnmapViewOfFile(base));
		CHECK(UnmapViewOfFile(other));
		CHECK(CloseHandle(sec));
	} else {
		CHECK(VirtualFree(base, 0, MEM_RELEASE));
	}
	return done;
}

/* ---- granting access: read-only -> read-write with read-only translations cached elsewhere ---- */

static struct {
	volatile LONG phase, stop, bad;
	volatile LONG read[SMP_MAX_TOUCHERS], acked[SMP_MAX_TOUCHERS];
	volatile unsigned long long *target[SMP_MAX_TOUCHERS];
} U;

/* Even phase: keep reading (a read-only translation in this CPU's TLB); odd: write the phase once. */
static DWORD WINAPI up_toucher(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg;
	volatile unsigned long long *p = U.target[t];
	while (!U.stop) {
		LONG ph = U.phase;
		if (ph > 0 && !(ph & 1)) {
			unsigned long long got = 0;
			MT_CHECK_EQ(mt_probe_read(p, &got), 0);
			U.read[t] = ph;
		} else if (ph > 0 && U.acked[t] != ph) {
			unsigned code = smp_probe_write(p, (unsigned long long)ph);
			if (code)	/* the stale read-only translation reached the program */
				InterlockedIncrement(&U.bad);
			MT_CHECK_EQ(code, 0);
			U.acked[t] = ph;
		} else {
			YieldProcessor();
		}
	}
	return 0;
}

/* Waits until every one of n touchers has flags[i] == ph; 0 on a timeout. */
static int up_wait(volatile LONG *flags, int n, LONG ph)
{
	for (int i = 0; i < n; i++) {
		unsigned spins = 0;
		DWORD t0 = GetTickCount();
		while (flags[i] != ph) {
			mt_relax(&spins);
			if (GetTickCount() - t0 > MT_WAIT_LIMIT_MS) {
				MT_CHECK(!"a toucher did not answer");
				return 0;
			}
		}
	}
	return 1;
}

static void run_upgrade(unsigned rounds, DWORD ms)
{
	char *base = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(base != NULL);
	if (!base)
		return;
	memset((void *)&U, 0, sizeof U);
	int n = smp_touchers();
	HANDLE h[SMP_MAX_TOUCHERS];
	smp_pin(GetCurrentThread(), 0);
	for (int i = 0; i < n; i++) {
		U.target[i] = (volatile unsigned long long *)(base + 64 * (unsigned)i);
		h[i] = CreateThread(NULL, 0x10000, up_toucher, (void *)(ULONG_PTR)i, CREATE_SUSPENDED, NULL);
		CHECK(h[i] != NULL);
		smp_pin(h[i], (unsigned)i + 1);
		ResumeThread(h[i]);
	}
	unsigned done = 0;
	DWORD deadline = mt_deadline(ms);
	for (LONG r = 1; r <= (LONG)rounds && !mt_expired(deadline); r++) {
		DWORD old = 0;
		CHECK(VirtualProtect(base, PG, PAGE_READONLY, &old));
		U.phase = 2 * r;
		if (!up_wait(U.read, n, 2 * r))
			break;
		CHECK(VirtualProtect(base, PG, PAGE_READWRITE, &old));
		CHECK_EQ(old, PAGE_READONLY);
		U.phase = 2 * r + 1;
		if (!up_wait(U.acked, n, 2 * r + 1))
			break;
		for (int i = 0; i < n; i++)
			CHECK_EQ(*U.target[i], (unsigned long long)(2 * r + 1));
		done++;
	}
	U.stop = 1;
	for (int i = 0; i < n; i++) {
		if (h[i]) {
			CHECK_EQ(WaitForSingleObject(h[i], MT_WAIT_LIMIT_MS), WAIT_OBJECT_0);
			CloseHandle(h[i]);
		}
	}
	printf("  grant: %u rounds, %d touchers, %ld writes refused\n", done, n, (long)U.bad);
	CHECK_EQ(U.bad, 0);
	CHECK(done >= 5);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
}

int main(void)
{
	smp_probe_init();
	printf("smp_shootdown: %u CPUs\n", smp_ncpu());	/* before the baseline: stdout's buffer */
	struct mt_oracle o;
	mt_warm_begin(&o);
	for (int c = 0; c < C_COUNT; c++)
		run((enum call)c, mt_iters(40), 2000);
	run_upgrade(mt_iters(40), 2000);
	smp_pin(GetCurrentThread(), 0);
	mt_oracle_end(&o, "shootdown");
	return mt_done("smp_shootdown");
}
