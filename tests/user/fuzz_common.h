/*
 * tests/user/fuzz_common.h - what the model-checked fuzzers (fuzz_vm.c,
 * fuzz_sections.c) share: the seeded random numbers, the rule for a valid
 * page protection, the counters every run reports and its summary line.
 */
#ifndef TESTS_USER_FUZZ_COMMON_H
#define TESTS_USER_FUZZ_COMMON_H

/* `make fuzz SEED=n FUZZ_BREAK=n` sets these; FUZZ_BREAK_MODEL 0 is the model as it should be. */
#ifndef FUZZ_SEED
#define FUZZ_SEED 1
#endif
#ifndef FUZZ_BREAK_MODEL
#define FUZZ_BREAK_MODEL 0
#endif

/*
 * xorshift64 over *rng_state, which points at the run's generator; a
 * fuzzer may point it at another state for a while (fuzz_sections.c does,
 * for the write plan a forked child and its parent both draw).
 */
static unsigned long long main_rng, *rng_state = &main_rng;

static unsigned long long rng(void)
{
	*rng_state ^= *rng_state << 13;
	*rng_state ^= *rng_state >> 7;
	*rng_state ^= *rng_state << 17;
	return *rng_state;
}
static unsigned long long rnd(unsigned long long n)
{
	return n ? rng() % n : 0;
}
static int chance(int pct)
{
	return (int)rnd(100) < pct;
}
#define PICK(arr) ((arr)[rnd(sizeof(arr) / sizeof((arr)[0]))])

/* The run's generator from the seed (`make fuzz SEED=n`): never the stuck state 0. */
static void rng_seed(unsigned long long seed)
{
	main_rng = 0x9e3779b97f4a7c15ULL ^ (seed * 0xbf58476d1ce4e5b9ULL);
	if (!main_rng)
		main_rng = 1;
}

/*
 * The same rule as Windows (and mm/prot.c): one base protection, at most one
 * compatible modifier; write-copy only where allow_writecopy (section views).
 */
static int prot_rule_ok(DWORD p, int allow_writecopy)
{
	DWORD b = p & 0xff;
	if (p & ~0x7ffu)
		return 0;
	if (b == 0 || (b & (b - 1)))
		return 0;
	if (!allow_writecopy && (b == PAGE_WRITECOPY || b == PAGE_EXECUTE_WRITECOPY))
		return 0;
	if ((p & PAGE_GUARD) && (b == PAGE_NOACCESS || (p & (PAGE_NOCACHE | PAGE_WRITECOMBINE))))
		return 0;
	if ((p & PAGE_NOCACHE) && (b == PAGE_NOACCESS || (p & PAGE_WRITECOMBINE)))
		return 0;
	if ((p & PAGE_WRITECOMBINE) && b == PAGE_NOACCESS)
		return 0;
	return 1;
}

/* ---- the counters and the summary line ------------------------------------------------ */

static unsigned long long iters, calls, calls_ok, bad_inputs, queries, faults, reads_checked;
static unsigned long long failures, cur_iter;

/*
 * Paging under the fuzzers: every FUZZ_TRIM_EVERY iterations the fuzzer
 * empties its working set (SetProcessWorkingSetSize(-1, -1)), so what it
 * reads, writes and queries next comes back from the pagefile (when there is
 * one).  Draws no random number: a seed gives the same calls either way.
 */
#define FUZZ_TRIM_EVERY 211
static unsigned long long trims;

static void fuzz_maybe_trim(void)
{
	if (cur_iter % FUZZ_TRIM_EVERY == FUZZ_TRIM_EVERY - 1 &&
	    SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1))
		trims++;
}

/*
 * The summary line, `extra` (the fuzzer's own figures) in the middle; then
 * the end checks: every frame since frames_before is back, no mismatch.
 */
static void fuzz_summary(const char *name, unsigned long long seed, unsigned long long frames_before,
			 unsigned long long t0, const char *extra)
{
	unsigned long long now = utest_free_frames();
	printf("%s: seed %llu: %llu iterations, %llu calls (%llu succeeded, %llu bad inputs), %llu queries, %llu faults, "
	       "%llu reads checked, %s, %llu working-set trims, frames lost %lld, %llu ms, %llu mismatches\n",
	       name, seed, iters, calls, calls_ok, bad_inputs, queries, faults, reads_checked, extra, trims,
	       (long long)(frames_before - now), (unsigned long long)GetTickCount() - t0, failures);
	CHECK_EQ(now, frames_before);
	CHECK_EQ(failures, 0);
}

#endif
