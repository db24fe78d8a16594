/*
 * tests/user/mt_alloc.c - issue 17: VirtualAlloc/VirtualFree of disjoint
 * ranges from many threads at once, and VirtualQuery consistent with what
 * each thread did.  NT threads each
 *   - allocate and release reservations of their own (1-16 pages, up to 8
 *     alive), tag every page, and check on release that no other allocation
 *     landed on theirs and that VirtualQuery describes exactly what they got;
 *   - commit, decommit and re-protect pages of their own slice of one shared
 *     reservation (so all threads split and merge the same reservation's
 *     regions), keeping a model of each page and checking VirtualQuery's
 *     state and protection, and what a read gives (the tag, or an access
 *     violation), against it.
 * At the end every frame and every page of commit is back.
 */
#include "mt_common.h"

#define NT 4
#define PG 4096ULL
#define SLICE 64	/* pages of the shared reservation per thread */
#define LIVE 8

static char *shared;
static volatile LONG go;

struct page_model {
	DWORD state, protect;	/* MEM_RESERVE or MEM_COMMIT; PAGE_* when committed */
	unsigned long long tag;	/* first word when committed (0 after a fresh commit) */
};

static void check_own(unsigned t, char *p, struct page_model *m)
{
	MEMORY_BASIC_INFORMATION q;
	MT_CHECK_EQ(VirtualQuery(p, &q, sizeof q), sizeof q);
	MT_CHECK_EQ(q.AllocationBase, shared);
	MT_CHECK_EQ(q.BaseAddress, p);
	MT_CHECK_EQ(q.State, m->state);
	MT_CHECK_EQ(q.Type, MEM_PRIVATE);
	if (m->state == MEM_COMMIT)
		MT_CHECK_EQ(q.Protect, m->protect);
	unsigned long long v = 0;
	unsigned code = mt_probe_read(p, &v);
	if (m->state == MEM_COMMIT && m->protect != PAGE_NOACCESS) {
		MT_CHECK_EQ(code, 0);
		MT_CHECK_EQ(v, m->tag);
	} else {
		MT_CHECK_EQ(code, STATUS_ACCESS_VIOLATION);
	}
	(void)t;
}

static void slice_op(unsigned t, unsigned *seed, struct page_model *model)
{
	unsigned first = mt_rand(seed) % SLICE, n = 1 + mt_rand(seed) % 8, op = mt_rand(seed) % 3;
	if (first + n > SLICE)
		n = SLICE - first;
	char *p = shared + ((size_t)t * SLICE + first) * PG;
	static const DWORD prots[] = { PAGE_READWRITE, PAGE_READONLY, PAGE_NOACCESS };
	DWORD prot = prots[mt_rand(seed) % 3], old;
	if (op == 0) {	/* commit (fresh pages read zero; committed ones keep contents) */
		MT_CHECK(VirtualAlloc(p, n * PG, MEM_COMMIT, prot) == p);
		for (unsigned k = 0; k < n; k++) {
			struct page_model *m = &model[first + k];
			if (m->state != MEM_COMMIT)
				m->tag = 0;
			m->state = MEM_COMMIT;
			m->protect = prot;
			if (prot == PAGE_READWRITE) {
				m->tag = 0x7a90000000000000ULL | ((unsigned long long)t << 32) | mt_rand(seed);
				*(volatile unsigned long long *)(p + k * PG) = m->tag;
			}
		}
	} else if (op == 1) {
		MT_CHECK(VirtualFree(p, n * PG, MEM_DECOMMIT));
		for (unsigned k = 0; k < n; k++)
			model[first + k].state = MEM_RESERVE;
	} else {
		int all = 1;
		for (unsigned k = 0; k < n; k++)
			all &= model[first + k].state == MEM_COMMIT;
		if (all) {
			MT_CHECK(VirtualProtect(p, n * PG, prot, &old));
			MT_CHECK_EQ(old, model[first].protect);
			for (unsigned k = 0; k < n; k++)
				model[first + k].protect = prot;
		} else {	/* over a reserved page: ERROR_INVALID_ADDRESS, nothing changed */
			SetLastError(0);
			MT_CHECK(!VirtualProtect(p, n * PG, prot, &old));
			MT_CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
		}
	}
	for (unsigned k = 0; k < n; k++)
		check_own(t, p + k * PG, &model[first + k]);
}

struct live {
	char *p;
	SIZE_T size;
	unsigned long long tag;
};

static void release_live(struct live *l)
{
	unsigned bad = 0;
	for (SIZE_T off = 0; off < l->size; off += PG)
		bad += *(unsigned long long *)(l->p + off) != l->tag + off;
	MT_CHECK_EQ(bad, 0);
	MEMORY_BASIC_INFORMATION q;
	MT_CHECK_EQ(VirtualQuery(l->p, &q, sizeof q), sizeof q);
	MT_CHECK_EQ(q.AllocationBase, l->p);
	MT_CHECK_EQ(q.RegionSize, l->size);
	MT_CHECK_EQ(q.State, MEM_COMMIT);
	MT_CHECK(VirtualFree(l->p, 0, MEM_RELEASE));
	l->p = NULL;
}

static DWORD WINAPI worker(void *arg)
{
	unsigned t = (unsigned)(ULONG_PTR)arg, seed = 0x2545f491u * (t + 1);
	struct page_model model[SLICE];
	struct live live[LIVE];
	memset(live, 0, sizeof live);
	for (unsigned k = 0; k < SLICE; k++)
		model[k].state = MEM_RESERVE;
	mt_wait_eq(&go, 1);
	unsigned iters = mt_iters(150);
	DWORD deadline = mt_deadline(6000);
	for (unsigned i = 0; i < iters && !mt_expired(deadline); i++) {
		struct live *l = &live[mt_rand(&seed) % LIVE];
		if (l->p) {
			release_live(l);
		} else {
			l->size = (1 + mt_rand(&seed) % 16) * PG;
			l->p = VirtualAlloc(NULL, l->size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
			MT_CHECK(l->p != NULL);
			if (l->p) {
				l->tag = 0x11a0000000000000ULL | ((unsigned long long)t << 40) | ((unsigned long long)i << 20);
				for (SIZE_T off = 0; off < l->size; off += PG)
					*(unsigned long long *)(l->p + off) = l->tag + off;
				MEMORY_BASIC_INFORMATION q;
				MT_CHECK_EQ(VirtualQuery(l->p, &q, sizeof q), sizeof q);
				MT_CHECK_EQ(q.BaseAddress, l->p);
				MT_CHECK_EQ(q.AllocationBase, l->p);
				MT_CHECK_EQ(q.RegionSize, l->size);
				MT_CHECK_EQ(q.Protect, PAGE_READWRITE);
				MT_CHECK_EQ((ULONG_PTR)l->p % 0x10000, 0);
			}
		}
		slice_op(t, &seed, model);
		if ((i & 3) == 0)
			SwitchToThread();
	}
	for (unsigned k = 0; k < LIVE; k++)
		if (live[k].p)
			release_live(&live[k]);
	for (unsigned k = 0; k < SLICE; k++)	/* the whole slice against the model */
		check_own(t, shared + ((size_t)t * SLICE + k) * PG, &model[k]);
	return 0;
}

int main(void)
{
	mt_probe_init();
	struct mt_oracle o;
	mt_warm_begin(&o);
	shared = VirtualAlloc(NULL, NT * SLICE * PG, MEM_RESERVE, PAGE_NOACCESS);
	CHECK(shared != NULL);
	if (!shared)
		return mt_done("mt_alloc");
	HANDLE h[NT];
	for (unsigned t = 0; t < NT; t++)
		h[t] = mt_start(worker, (void *)(ULONG_PTR)t);
	go = 1;
	mt_join_all(h, NT);
	MEMORY_BASIC_INFORMATION q = query_region(shared);
	CHECK_EQ(q.AllocationBase, shared);
	CHECK(VirtualFree(shared, 0, MEM_RELEASE));
	mt_oracle_end(&o, "alloc");
	return mt_done("mt_alloc");
}
