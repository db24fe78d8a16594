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
 * second view).  Every frame and page of commit back at the end.
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

int main(void)
{
	smp_probe_init();
	printf("smp_shootdown: %u CPUs\n", smp_ncpu());	/* before the baseline: stdout's buffer */
	struct mt_oracle o;
	mt_warm_begin(&o);
	for (int c = 0; c < C_COUNT; c++)
		run((enum call)c, mt_iters(40), 2000);
	smp_pin(GetCurrentThread(), 0);
	mt_oracle_end(&o, "shootdown");
	return mt_done("smp_shootdown");
}
