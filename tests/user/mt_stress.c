/*
 * tests/user/mt_stress.c - issue 17's stress program: 8 threads for a
 * bounded time (4 s, or a number of operations) mixing, at random,
 *   - commit / decommit / protect (guard pages included) of pages of their
 *     own slice of one reservation all threads split, with a model per page
 *     that VirtualQuery and probing reads and writes are checked against
 *     (a guard page raises STATUS_GUARD_PAGE_VIOLATION once, then is plain);
 *   - reservations of their own, allocated, tagged, queried and released;
 *   - views of one shared section: read-write views to bump the thread's own
 *     counter (only it writes it: it must hold what it stored last) and to
 *     see the others' counters never go back; copy-on-write views whose
 *     writes never reach the section;
 *   - guard pages on a shared region: a thread arms a page (one at a time per
 *     page), every thread reads the shared pages; a vectored handler counts
 *     the violations, which must equal the armings exactly at the end;
 * and at the end every frame and every page of commit is back.
 */
#include "mt_common.h"

#define NT 8
#define PG 4096ULL
#define SLICE 32	/* pages per thread in the split reservation */
#define SHARED_PAGES 8

static char *split, *guarded;
static HANDLE sec;
static volatile LONG spurious, go, armed[SHARED_PAGES], arms[SHARED_PAGES], hits[SHARED_PAGES];

static unsigned long long guarded_tag(unsigned p)
{
	return 0x6a4d000000000000ULL | p;
}

static LONG WINAPI shared_guard(EXCEPTION_POINTERS *ep)
{
	EXCEPTION_RECORD *r = ep->ExceptionRecord;
	ULONG_PTR a = r->NumberParameters >= 2 ? r->ExceptionInformation[1] : 0;
	if (a < (ULONG_PTR)guarded || a >= (ULONG_PTR)guarded + SHARED_PAGES * PG)
		return EXCEPTION_CONTINUE_SEARCH;
	unsigned p = (a - (ULONG_PTR)guarded) / PG;
	if (r->ExceptionCode != STATUS_GUARD_PAGE_VIOLATION) {
		/* wine deviates (see mt_guard.c): an access violation in a thread that
		 * faulted while another was clearing the guard; retried there, a
		 * failure anywhere else */
		InterlockedIncrement(&spurious);
		return mt_is_wine() ? EXCEPTION_CONTINUE_EXECUTION : EXCEPTION_CONTINUE_SEARCH;
	}
	InterlockedIncrement(&hits[p]);
	InterlockedExchange(&armed[p], 0);	/* the guard is gone: the page may be armed again */
	return EXCEPTION_CONTINUE_EXECUTION;
}

struct pm {
	DWORD state, prot, guard;
	unsigned long long tag;
};

struct ctx {
	unsigned t, seed;
	struct pm model[SLICE];
	unsigned long long my_count, seen[NT];
};

/* ---- the split reservation ------------------------------------------------------ */

static void slice_check(struct ctx *c, unsigned k)
{
	char *p = split + ((size_t)c->t * SLICE + k) * PG;
	struct pm *m = &c->model[k];
	MEMORY_BASIC_INFORMATION q;
	MT_CHECK_EQ(VirtualQuery(p, &q, sizeof q), sizeof q);
	MT_CHECK_EQ(q.AllocationBase, split);
	MT_CHECK_EQ(q.State, m->state);
	if (m->state == MEM_COMMIT)
		MT_CHECK_EQ(q.Protect, m->prot | (m->guard ? PAGE_GUARD : 0));
	unsigned long long v = 0;
	unsigned code = mt_probe_read(p, &v);
	if (m->state != MEM_COMMIT || m->prot == PAGE_NOACCESS) {
		MT_CHECK_EQ(code, STATUS_ACCESS_VIOLATION);
	} else if (m->guard) {
		MT_CHECK_EQ(code, STATUS_GUARD_PAGE_VIOLATION);
		m->guard = 0;
	} else {
		MT_CHECK_EQ(code, 0);
		MT_CHECK_EQ(v, m->tag);
	}
	if (m->state == MEM_COMMIT && m->prot == PAGE_READONLY)	/* a write faults, changes nothing */
		MT_CHECK_EQ(utest_probe_write(p + 8, 1), STATUS_ACCESS_VIOLATION);
}

static void slice_op(struct ctx *c)
{
	unsigned first = mt_rand(&c->seed) % SLICE, n = 1 + mt_rand(&c->seed) % 6, op = mt_rand(&c->seed) % 3;
	if (first + n > SLICE)
		n = SLICE - first;
	char *p = split + ((size_t)c->t * SLICE + first) * PG;
	static const DWORD prots[] = { PAGE_READWRITE, PAGE_READONLY, PAGE_NOACCESS, PAGE_READWRITE };
	DWORD prot = prots[mt_rand(&c->seed) % 4], guard = (mt_rand(&c->seed) % 4 == 0) ? PAGE_GUARD : 0, old;
	if (prot == PAGE_NOACCESS)
		guard = 0;
	if (op == 0) {
		MT_CHECK(VirtualAlloc(p, n * PG, MEM_COMMIT, prot | guard) == p);
		for (unsigned k = 0; k < n; k++) {
			struct pm *m = &c->model[first + k];
			if (m->state != MEM_COMMIT)
				m->tag = 0;
			m->state = MEM_COMMIT, m->prot = prot, m->guard = guard != 0;
			if (prot == PAGE_READWRITE && !guard) {
				m->tag = ((unsigned long long)c->t << 56) | mt_rand(&c->seed);
				*(volatile unsigned long long *)(p + k * PG) = m->tag;
			}
		}
	} else if (op == 1) {
		MT_CHECK(VirtualFree(p, n * PG, MEM_DECOMMIT));
		for (unsigned k = 0; k < n; k++)
			c->model[first + k].state = MEM_RESERVE;
	} else {
		int all = 1;
		for (unsigned k = 0; k < n; k++)
			all &= c->model[first + k].state == MEM_COMMIT;
		if (!all)
			return;
		MT_CHECK(VirtualProtect(p, n * PG, prot | guard, &old));
		MT_CHECK_EQ(old, c->model[first].prot | (c->model[first].guard ? PAGE_GUARD : 0));
		for (unsigned k = 0; k < n; k++)
			c->model[first + k].prot = prot, c->model[first + k].guard = guard != 0;
	}
	for (unsigned k = 0; k < n; k++)
		slice_check(c, first + k);
}

/* ---- own reservations ---------------------------------------------------------------- */

static void own_alloc(struct ctx *c)
{
	SIZE_T size = (1 + mt_rand(&c->seed) % 8) * PG;
	char *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	MT_CHECK(p != NULL);
	if (!p)
		return;
	unsigned long long tag = ((unsigned long long)c->t << 56) | mt_rand(&c->seed);
	for (SIZE_T off = 0; off < size; off += PG)
		*(volatile unsigned long long *)(p + off) = tag + off;
	SwitchToThread();	/* others run while it is alive */
	MEMORY_BASIC_INFORMATION q;
	MT_CHECK_EQ(VirtualQuery(p, &q, sizeof q), sizeof q);
	MT_CHECK_EQ(q.AllocationBase, p);
	MT_CHECK_EQ(q.RegionSize, size);
	unsigned bad = 0;
	for (SIZE_T off = 0; off < size; off += PG)
		bad += *(volatile unsigned long long *)(p + off) != tag + off;
	MT_CHECK_EQ(bad, 0);
	MT_CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

/* ---- the shared section -------------------------------------------------------------- */

static void section_op(struct ctx *c)
{
	int cow = mt_rand(&c->seed) % 3 == 0;
	volatile unsigned long long *v = MapViewOfFile(sec, cow ? FILE_MAP_COPY : FILE_MAP_WRITE, 0, 0, 0);
	MT_CHECK(v != NULL);
	if (!v)
		return;
	volatile unsigned long long *mine = v + c->t * 512;
	MT_CHECK_EQ(*mine, c->my_count);
	for (unsigned o = 0; o < NT; o++) {	/* the others' counters never go back */
		unsigned long long x = v[o * 512];
		MT_CHECK(x >= c->seen[o]);
		c->seen[o] = x;
	}
	if (cow) {
		*mine = 0xc0c0c0c0c0c0c0c0ULL;	/* a private copy: the section keeps the count */
		MT_CHECK_EQ(*mine, 0xc0c0c0c0c0c0c0c0ULL);
	} else {
		*mine = ++c->my_count;
		c->seen[c->t] = c->my_count;
	}
	MT_CHECK(UnmapViewOfFile((void *)v));
}

/* ---- guard pages shared by every thread ------------------------------------------------ */

static void guard_op(struct ctx *c)
{
	unsigned p = mt_rand(&c->seed) % SHARED_PAGES;
	if (mt_rand(&c->seed) & 1) {
		if (InterlockedCompareExchange(&armed[p], 1, 0) == 0) {
			InterlockedIncrement(&arms[p]);
			DWORD old;
			MT_CHECK(VirtualProtect(guarded + p * PG, PG, PAGE_READWRITE | PAGE_GUARD, &old));
		}
		return;
	}
	for (unsigned k = 0; k < SHARED_PAGES; k++)	/* read them all: an armed page fires once */
		MT_CHECK_EQ(*(volatile unsigned long long *)(guarded + k * PG), guarded_tag(k));
}

static DWORD WINAPI worker(void *arg)
{
	struct ctx *c = arg;
	for (unsigned k = 0; k < SLICE; k++)
		c->model[k].state = MEM_RESERVE;
	mt_wait_eq(&go, 1);
	unsigned iters = mt_iters(800);
	DWORD deadline = mt_deadline(4000);
	for (unsigned i = 0; i < iters && !mt_expired(deadline); i++) {
		switch (mt_rand(&c->seed) % 4) {
		case 0: slice_op(c); break;
		case 1: own_alloc(c); break;
		case 2: section_op(c); break;
		case 3: guard_op(c); break;
		}
	}
	for (unsigned k = 0; k < SLICE; k++)
		slice_check(c, k);
	return 0;
}

int main(void)
{
	static struct ctx ctx[NT];
	mt_probe_init();
	AddVectoredExceptionHandler(1, shared_guard);
	struct mt_oracle o;
	mt_warm_begin(&o);
	split = VirtualAlloc(NULL, NT * SLICE * PG, MEM_RESERVE, PAGE_NOACCESS);
	guarded = VirtualAlloc(NULL, SHARED_PAGES * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	sec = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, NT * PG, NULL);
	CHECK(split && guarded && sec);
	if (!split || !guarded || !sec)
		return mt_done("mt_stress");
	for (unsigned k = 0; k < SHARED_PAGES; k++)
		*(unsigned long long *)(guarded + k * PG) = guarded_tag(k);
	HANDLE h[NT];
	for (unsigned t = 0; t < NT; t++) {
		memset(&ctx[t], 0, sizeof ctx[t]);
		ctx[t].t = t, ctx[t].seed = 0x1234567u * (t + 3);
		h[t] = mt_start(worker, &ctx[t]);
	}
	go = 1;
	mt_join_all(h, NT);
	for (unsigned k = 0; k < SHARED_PAGES; k++) {	/* fire what is still armed: then one hit per arming */
		CHECK_EQ(*(volatile unsigned long long *)(guarded + k * PG), guarded_tag(k));
		CHECK_EQ(hits[k], arms[k]);
	}
	if (!mt_is_wine())
		CHECK_EQ(spurious, 0);
	unsigned long long *v = MapViewOfFile(sec, FILE_MAP_READ, 0, 0, 0);
	CHECK(v != NULL);
	for (unsigned t = 0; v && t < NT; t++)
		CHECK_EQ(v[t * 512], ctx[t].my_count);
	CHECK(v && UnmapViewOfFile(v));
	CHECK(CloseHandle(sec));
	CHECK(VirtualFree(split, 0, MEM_RELEASE));
	CHECK(VirtualFree(guarded, 0, MEM_RELEASE));
	mt_oracle_end(&o, "stress");
	return mt_done("mt_stress");
}
