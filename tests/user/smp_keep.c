/*
 * tests/user/smp_keep.c - issue 18: calls that leave a page accessible but
 * change what the kernel knows about it, with touchers pinned on the other
 * CPUs writing it in a pure user loop (tests/user/smp_common.h, SMP_KEEP):
 *   MEM_RESET   - a write after VirtualAlloc(MEM_RESET) returned is kept:
 *                 the page is not discarded when the working set is emptied
 *                 (a CPU that kept a dirty writable TLB entry would write
 *                 without the kernel seeing the page dirty);
 *   write watch - a write after ResetWriteWatch returned is in the next
 *                 GetWriteWatch (the same hazard on the tracking bit);
 *   page-out    - after SetProcessWorkingSetSize(-1, -1) returned, the
 *                 value a toucher wrote is the value the page holds (a
 *                 write through a stale entry would land in the old frame).
 * Every frame and page of commit back at the end.
 */
#include "smp_common.h"

#define PG 4096ULL

static struct smp_round R;
static HANDLE th[SMP_MAX_TOUCHERS];
static struct smp_toucher_arg targ[SMP_MAX_TOUCHERS];

enum call { C_RESET, C_WATCH, C_PAGEOUT, C_COUNT };
static const char *const call_name[C_COUNT] = { "reset", "write watch", "page-out" };

static void empty_working_set(void)
{
	CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
}

static unsigned run(enum call c, unsigned rounds, DWORD ms)
{
	memset(&R, 0, sizeof R);
	R.n = smp_touchers();
	R.mode = SMP_KEEP;
	SIZE_T size = (SIZE_T)R.n * PG;
	char *base = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT | (c == C_WATCH ? MEM_WRITE_WATCH : 0),
				  PAGE_READWRITE);
	CHECK(base != NULL);
	if (!base)
		return 0;
	for (int i = 0; i < R.n; i++)	/* a page each, at a different offset */
		R.target[i] = (volatile unsigned long long *)(base + (SIZE_T)i * PG + 8 * (unsigned)i);
	smp_start(&R, th, targ);
	unsigned done = 0, missed = 0;
	DWORD deadline = mt_deadline(ms);
	for (LONG r = 1; r <= (LONG)rounds && !mt_expired(deadline); r++) {
		if (!smp_open(&R, r))
			break;
		switch (c) {
		case C_RESET:
			CHECK(VirtualAlloc(base, size, MEM_RESET, PAGE_READWRITE) == base);
			break;
		case C_WATCH:
			CHECK_EQ(ResetWriteWatch(base, size), 0);
			break;
		case C_PAGEOUT:
			empty_working_set();
			break;
		default:
			break;
		}
		if (!smp_close(&R, r))
			break;
		/* Every toucher wrote last[i] after the call returned, and writes no more this round. */
		if (c == C_RESET)
			empty_working_set();	/* a reset page the kernel thinks clean is discarded here */
		if (c == C_WATCH) {
			void *addr[SMP_MAX_TOUCHERS + 1];
			ULONG_PTR count = SMP_MAX_TOUCHERS + 1;
			DWORD gran = 0;
			CHECK_EQ(GetWriteWatch(0, base, size, addr, &count, &gran), 0);
			CHECK_EQ(gran, PG);
			for (int i = 0; i < R.n; i++) {
				int found = 0;
				for (ULONG_PTR k = 0; k < count; k++)
					found |= addr[k] == base + (SIZE_T)i * PG;
				CHECK(found);	/* the write after the reset is reported */
				missed += !found;
			}
		}
		for (int i = 0; i < R.n; i++) {
			unsigned long long now = *R.target[i];
			CHECK_EQ(now, R.last[i]);	/* the write after the call is the page's value */
			missed += now != R.last[i];
		}
		done++;
	}
	smp_stop(&R, th);
	printf("  %s: %u rounds, %d touchers, %u writes lost or unreported\n", call_name[c], done, R.n, missed);
	CHECK(done >= 5);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
	return done;
}

int main(void)
{
	smp_probe_init();
	printf("smp_keep: %u CPUs\n", smp_ncpu());	/* before the baseline: stdout's buffer */
	struct mt_oracle o;
	mt_warm_begin(&o);
	/* Bounded by rounds; the time bound only stops a slow machine (4 vCPUs on a loaded 2-core host) after 5 or more */
	run(C_RESET, mt_iters(25), 10000);
	run(C_WATCH, mt_iters(40), 10000);
	run(C_PAGEOUT, mt_iters(25), 10000);
	smp_pin(GetCurrentThread(), 0);
	mt_oracle_end(&o, "keep");
	return mt_done("smp_keep");
}
