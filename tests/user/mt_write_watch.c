/*
 * tests/user/mt_write_watch.c - issue 17: ResetWriteWatch racing with
 * writer threads never loses a write: a write that began after a reset
 * returned is reported by the next GetWriteWatch.
 *
 * NW writers store into random pages of a write-watched region and, after
 * each store, record in rec[page] the reset epoch they read before the store.
 * The main thread repeatedly snapshots rec[], calls GetWriteWatch (with
 * WRITE_WATCH_FLAG_RESET, or plain followed by ResetWriteWatch) and only then
 * advances the epoch.  Every page whose snapshot says "written in the current
 * epoch" must be in the report; the last pages, which no writer touches, must
 * never be.
 */
#include "mt_common.h"

#define NW 3
#define PG 4096ULL
#define NP 64
#define UNTOUCHED 8	/* the last 8 pages: never written */

static char *region;
static volatile LONG epoch = 1, stop, rec[NP], stores;

static DWORD WINAPI writer(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg, seed = 0x9e3779b9u * (t + 1);
	while (!stop) {
		LONG e = epoch;
		unsigned p = mt_rand(&seed) % (NP - UNTOUCHED);
		((volatile LONG *)(region + p * PG))[t] = e;
		_ReadWriteBarrier();
		rec[p] = e;	/* after the store: a store between reset e and this line */
		InterlockedIncrement(&stores);
		if ((seed & 7) == 0)
			SwitchToThread();
	}
	return 0;
}

int main(void)
{
	struct mt_oracle o;
	mt_warm_begin(&o);
	region = VirtualAlloc(NULL, NP * PG, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
	CHECK(region != NULL);
	if (!region)
		return mt_done("mt_write_watch");
	CHECK_EQ(ResetWriteWatch(region, NP * PG), 0);
	HANDLE h[NW];
	for (unsigned t = 0; t < NW; t++)
		h[t] = mt_start(writer, (void *)(ULONG_PTR)t);
	unsigned rounds = mt_iters(150), required = 0;
	DWORD deadline = mt_deadline(8000);
	for (unsigned r = 0; r < rounds && !mt_expired(deadline); r++) {
		LONG k = epoch, snap[NP];
		LONG s0 = stores;
		while (stores - s0 < 20)	/* let the writers store */
			SwitchToThread();
		for (unsigned p = 0; p < NP; p++)
			snap[p] = rec[p];
		PVOID addrs[NP];
		ULONG_PTR count = NP;
		ULONG gran = 0;
		UINT ret = GetWriteWatch((r & 1) ? WRITE_WATCH_FLAG_RESET : 0, region, NP * PG, addrs, &count, &gran);
		if ((r & 1) == 0)
			CHECK_EQ(ResetWriteWatch(region, NP * PG), 0);
		epoch = k + 1;	/* after the reset returned */
		CHECK_EQ(ret, 0);
		CHECK_EQ(gran, PG);
		CHECK(count <= NP);
		char reported[NP] = { 0 };
		for (ULONG_PTR j = 0; j < count && j < NP; j++) {
			ULONG_PTR off = (ULONG_PTR)addrs[j] - (ULONG_PTR)region;
			CHECK(off < NP * PG && off % PG == 0);
			if (off < NP * PG)
				reported[off / PG] = 1;
		}
		for (unsigned p = 0; p < NP; p++) {
			if (p >= NP - UNTOUCHED)
				CHECK_EQ(reported[p], 0);
			else if (snap[p] == k) {
				required++;
				if (!reported[p])
					printf("  round %u: page %u written in epoch %ld, not reported\n", r, p, k);
				CHECK_EQ(reported[p], 1);
			}
		}
	}
	stop = 1;
	mt_join_all(h, NW);
	CHECK(required >= 100);
	CHECK(VirtualFree(region, 0, MEM_RELEASE));
	mt_oracle_end(&o, "write watch");
	return mt_done("mt_write_watch");
}
