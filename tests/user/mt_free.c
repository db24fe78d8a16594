/*
 * tests/user/mt_free.c - issue 17: after VirtualFree(MEM_DECOMMIT),
 * VirtualFree(MEM_RELEASE) or VirtualAlloc(MEM_RESET) returns, no thread
 * reads the old contents: a decommitted or released page raises an access
 * violation in every thread, committed again it reads zeros; a reset page
 * reads old or zero, and a write after the reset stays (also when the
 * working set is emptied, which discards reset pages).
 *
 * The main thread steps one page through phases (phase = 4 x iteration +
 * step), publishing each only after the call returned; NR reader threads read
 * the page's words all the time.  A reader's first read after it sees a new
 * phase must give exactly what that phase allows (the page's old frame must
 * be unreachable by then: a stale TLB entry in a reader shows here); later
 * reads may also see the next phase.  Every word holds a value naming its
 * iteration and index, so a torn or foreign value is caught.
 */
#include "mt_common.h"

#define NR 3
#define PG 4096ULL
#define RES 0x10000ULL

static char *volatile base;
static volatile LONG phase = -1, stop, ack[NR], firsts;

static unsigned long long pat(unsigned i, unsigned w)
{
	return 0xA500000000000000ULL | ((unsigned long long)i << 16) | w;
}

static unsigned long long newv(unsigned i, unsigned w)
{
	return 0x5A00000000000000ULL | ((unsigned long long)i << 16) | w;
}

/* What a read of word w in phase ph may give: 0 (exception) or the value. */
static int allowed(LONG ph, unsigned w, unsigned code, unsigned long long v)
{
	unsigned i = (unsigned)ph / 4, s = (unsigned)ph % 4, mode = i % 3;
	if (s == 0)
		return code == 0 && v == pat(i, w);
	if (mode < 2)
		return s == 1 ? code == STATUS_ACCESS_VIOLATION : code == 0 && v == 0;
	if (s == 1)
		return code == 0 && (v == pat(i, w) || v == 0);
	return code == 0 && v == newv(i, w);
}

static LONG next_phase(LONG ph)
{
	unsigned i = (unsigned)ph / 4, s = (unsigned)ph % 4;
	return (s == 2 && i % 3 < 2) || s == 3 ? (LONG)(i + 1) * 4 : ph + 1;
}

static DWORD WINAPI reader(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg, n = t * 97;
	while (!stop) {
		LONG ph = phase;	/* before the read */
		if (ph < 0) {
			SwitchToThread();
			continue;
		}
		unsigned w = (n += 37) % 512;
		unsigned long long v = 0xdeaddeaddeaddeadULL;
		unsigned code = mt_probe_read(base + w * 8, &v);
		if (ack[t] != ph) {	/* the first read in this phase */
			if (!allowed(ph, w, code, v))
				mt_fail("first read after the call returned", (unsigned long long)ph << 32 | code, v, 1,
					__FILE__, __LINE__);
			InterlockedIncrement(&mt_checks);
			InterlockedIncrement(&firsts);
			ack[t] = ph;
		} else if (!allowed(ph, w, code, v) && !allowed(next_phase(ph), w, code, v)) {
			mt_fail("read during the next call", (unsigned long long)ph << 32 | code, v, 1, __FILE__,
				__LINE__);
		}
	}
	return 0;
}

/* Publishes phase ph and waits until every reader has read in it. */
static void publish(LONG ph)
{
	phase = ph;
	for (unsigned t = 0; t < NR; t++)
		mt_wait_eq(&ack[t], ph);
}

static void fill(unsigned long long (*f)(unsigned, unsigned), unsigned i)
{
	volatile unsigned long long *q = (volatile unsigned long long *)base;
	for (unsigned w = 0; w < 512; w++)
		q[w] = f(i, w);	/* 8-byte stores: a reader sees a word old or new, never torn */
}

int main(void)
{
	mt_probe_init();
	struct mt_oracle o;
	mt_warm_begin(&o);
	base = VirtualAlloc(NULL, RES, MEM_RESERVE, PAGE_NOACCESS);
	CHECK(base && VirtualAlloc(base, PG, MEM_COMMIT, PAGE_READWRITE) == base);
	if (!base)
		return mt_done("mt_free");
	HANDLE h[NR];
	for (unsigned t = 0; t < NR; t++)
		h[t] = mt_start(reader, (void *)(ULONG_PTR)t);
	unsigned iters = mt_iters(30);
	DWORD deadline = mt_deadline(8000);
	for (unsigned i = 0; i < iters && !mt_expired(deadline); i++) {
		LONG ph = (LONG)i * 4;
		fill(pat, i);
		publish(ph);
		switch (i % 3) {
		case 0:
			CHECK(VirtualFree(base, PG, MEM_DECOMMIT));
			publish(ph + 1);
			CHECK(VirtualAlloc(base, PG, MEM_COMMIT, PAGE_READWRITE) == base);
			publish(ph + 2);
			break;
		case 1:
			CHECK(VirtualFree(base, 0, MEM_RELEASE));
			publish(ph + 1);
			/* nothing else allocates: the address is free for us again */
			CHECK(VirtualAlloc(base, RES, MEM_RESERVE, PAGE_NOACCESS) == base);
			CHECK(VirtualAlloc(base, PG, MEM_COMMIT, PAGE_READWRITE) == base);
			publish(ph + 2);
			break;
		case 2:
			CHECK(VirtualAlloc(base, PG, MEM_RESET, PAGE_READWRITE) == base);
			publish(ph + 1);
			fill(newv, i);
			publish(ph + 2);
			/* empties the working set: a reset page may be dropped, a page written since must not */
			CHECK(SetProcessWorkingSetSize(GetCurrentProcess(), (SIZE_T)-1, (SIZE_T)-1));
			publish(ph + 3);
			for (unsigned w = 0; w < 512; w++)
				if (((unsigned long long *)base)[w] != newv(i, w)) {
					CHECK_EQ(((unsigned long long *)base)[w], newv(i, w));
					break;
				}
			break;
		}
	}
	stop = 1;
	mt_join_all(h, NR);
	CHECK(firsts >= 10 * NR);
	CHECK(VirtualFree(base, 0, MEM_RELEASE));
	mt_oracle_end(&o, "free");
	return mt_done("mt_free");
}
