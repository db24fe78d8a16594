/*
 * tests/user/mt_protect.c - issue 17: after VirtualProtect to PAGE_READONLY
 * (or PAGE_NOACCESS) returns, a thread that keeps writing the page faults on
 * its next write; no write lands after the call returned.
 *
 * NW writer threads write a two-page range in a loop (through utest.h's
 * probes, which turn an access violation into a return code).  Each round
 * the main thread waits until every writer has written, takes the write
 * permission away, publishes `phase = round` only after the call returned and
 * snapshots the pages.  A writer that read that phase before its write must
 * fault (a success there is the failure this test exists for); when it has
 * faulted it acknowledges and waits for the next round.  The main thread then
 * checks the pages still hold the snapshot and gives write access back.
 */
#include "mt_common.h"

#define NW 3
#define PG 4096

static volatile char *pages;
static volatile LONG phase = -1, stop, ack[NW], writes[NW];
static volatile LONG late_writes;

static DWORD WINAPI writer(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg;
	volatile char *p = pages + (t % 2) * PG + 64 * t;
	unsigned char val = 0;
	while (!stop) {
		LONG ph = phase;	/* read before the write */
		unsigned code = utest_probe_write(p, ++val);
		if (code == 0) {
			InterlockedIncrement(&writes[t]);
			if (ph > 0 && ack[t] != ph) {	/* the protection was down before this write began */
				InterlockedIncrement(&late_writes);
				MT_CHECK(!"a write after VirtualProtect returned went through");
			}
			continue;
		}
		MT_CHECK_EQ(code, STATUS_ACCESS_VIOLATION);
		ph = phase;	/* a fault may come before the main thread publishes the phase */
		if (ph <= 0 || ack[t] == ph) {
			SwitchToThread();
			continue;
		}
		ack[t] = ph;
		unsigned spins = 0;
		while (phase == ph && !stop)	/* until write access is back */
			mt_relax(&spins);
	}
	return 0;
}

int main(void)
{
	utest_probe_init();
	HANDLE h[NW];
	struct mt_oracle o;
	mt_warm_begin(&o);
	pages = VirtualAlloc(NULL, 2 * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(pages != NULL);
	if (!pages)
		return mt_done("mt_protect");
	phase = 0;
	for (unsigned t = 0; t < NW; t++)
		h[t] = mt_start(writer, (void *)(ULONG_PTR)t);
	unsigned rounds = mt_iters(60), faulted_rounds = 0;
	DWORD deadline = mt_deadline(8000);
	for (unsigned r = 1; r <= rounds && !mt_expired(deadline); r++) {
		LONG w0[NW];
		for (unsigned t = 0; t < NW; t++)
			w0[t] = writes[t];
		for (unsigned t = 0; t < NW; t++)	/* every writer is writing */
			while (writes[t] == w0[t])
				SwitchToThread();
		DWORD old = 0, prot = (r & 1) ? PAGE_READONLY : PAGE_NOACCESS;
		CHECK(VirtualProtect((void *)pages, 2 * PG, prot, &old));
		CHECK_EQ(old, PAGE_READWRITE);
		phase = (LONG)r;	/* published after the call returned */
		char snap[NW];
		if (prot == PAGE_READONLY)
			for (unsigned t = 0; t < NW; t++)
				snap[t] = pages[(t % 2) * PG + 64 * t];
		for (unsigned t = 0; t < NW; t++)
			mt_wait_eq(&ack[t], (LONG)r);
		faulted_rounds++;
		CHECK(VirtualProtect((void *)pages, 2 * PG, PAGE_READWRITE, &old));
		CHECK_EQ(old, prot);
		if (prot == PAGE_READONLY)	/* nothing landed between the snapshot and the faults */
			for (unsigned t = 0; t < NW; t++)
				CHECK_EQ(pages[(t % 2) * PG + 64 * t], snap[t]);
		phase = 0;
	}
	stop = 1;
	mt_join_all(h, NW);
	CHECK(faulted_rounds >= 10);
	CHECK_EQ(late_writes, 0);
	CHECK(VirtualFree((void *)pages, 0, MEM_RELEASE));
	mt_oracle_end(&o, "protect");
	return mt_done("mt_protect");
}
