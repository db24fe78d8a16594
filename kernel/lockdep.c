/*
 * kernel/lockdep.c - the lock-order checker of debug builds (kernel/lock.h).
 *
 * Nodes are lock classes (with their subclass), numbered as they are first
 * taken.  after[a] has bit b when a lock of node a was held while one of node
 * b was taken (b's acquisition would not block on a's holder, but a
 * deadlock needs only one thread doing a->b and another b->a).  A new edge
 * a->b is accepted only if b cannot already reach a; otherwise the two orders
 * are printed - the sites of this acquisition and those recorded with each
 * edge of the old path - and the kernel panics.  Trylocks cannot deadlock:
 * they add no edge into the lock taken, but later acquisitions under them do.
 *
 * The held-lock stacks are per thread (struct lock_thread, switched by the
 * scheduler); the graph is global, under graph_lock (a raw spinlock: lockdep
 * does not check itself).  Cost: only debug builds call in here; a known
 * edge costs one bit test per held lock.
 */
#include "lock.h"
#include "console.h"
#include "panic.h"

#define NODES 64

static struct lock_thread boot_thread;
struct lock_cpu lock_cpus[LOCK_MAX_CPUS] = { { &boot_thread } };

static struct spinlock graph_lock;
static struct {
	const struct lock_class *cls;
	unsigned sub;
} node[NODES];
static unsigned nodes;
static uint64_t after[NODES];
static struct edge_site {
	const char *held_site;	/* where the first lock was taken */
	const char *acq_site;	/* where the second was taken under it */
} edge[NODES][NODES];

static bool test_mode;
static enum lockdep_error last_error;

void lockdep_test_mode(bool on)
{
	test_mode = on;
	last_error = LOCKDEP_OK;
}

enum lockdep_error lockdep_take_error(void)
{
	enum lockdep_error e = last_error;
	last_error = LOCKDEP_OK;
	return e;
}

/* Report a violation whose details are printed already: panic, or record it in test mode. */
static void violation(enum lockdep_error e, const char *what)
{
	if (!test_mode)
		panic("lockdep: %s", what);
	kprintf("lockdep: (test mode, no panic) %s\n", what);
	if (last_error == LOCKDEP_OK)
		last_error = e;
}

static const char *node_name(unsigned n)
{
	return node[n].cls->name;
}

/* The node of (cls, sub), numbered on first use; NODES when the table is full. */
static unsigned node_of(const struct lock_class *cls, unsigned sub)
{
	uint8_t id = __atomic_load_n(&cls->id[sub], __ATOMIC_ACQUIRE);
	if (id)
		return id - 1u;
	uint64_t f = raw_spin_lock(&graph_lock);
	if (!cls->id[sub] && nodes < NODES) {
		node[nodes].cls = cls;
		node[nodes].sub = sub;
		__atomic_store_n((uint8_t *)&cls->id[sub], (uint8_t)(nodes + 1), __ATOMIC_RELEASE);
		nodes++;
	}
	id = cls->id[sub];
	raw_spin_unlock(&graph_lock, f);
	if (!id)
		panic("lockdep: more than %d lock classes (raise NODES in kernel/lockdep.c)", NODES);
	return id - 1u;
}

/* Is there a path from -> ... -> to in the graph?  Fills parent[] along the search. Caller holds graph_lock. */
static bool reaches(unsigned from, unsigned to, uint8_t parent[NODES])
{
	uint64_t seen = 1ULL << from, frontier = 1ULL << from;
	while (frontier) {
		unsigned n = (unsigned)__builtin_ctzll(frontier);
		frontier &= frontier - 1;
		if (n == to)
			return true;
		uint64_t next = after[n] & ~seen;
		seen |= next;
		frontier |= next;
		for (uint64_t m = next; m; m &= m - 1)
			parent[__builtin_ctzll(m)] = (uint8_t)n;
	}
	return false;
}

/* Print the old path from -> ... -> to, edge by edge, with the sites each edge was learned at. */
static void print_path(unsigned from, unsigned to, const uint8_t parent[NODES])
{
	unsigned chain[NODES], len = 0;
	for (unsigned n = to; n != from && len < NODES; n = parent[n])
		chain[len++] = n;
	unsigned prev = from;
	while (len--) {
		unsigned n = chain[len];
		kprintf("lockdep:   earlier %s was held (taken at %s) while %s was taken (at %s)\n", node_name(prev),
			edge[prev][n].held_site, node_name(n), edge[prev][n].acq_site);
		prev = n;
	}
}

/* Learn held->n unless it closes a cycle.  Returns false (after reporting) when it would. */
static bool add_edge(const struct lock_held *h, unsigned n, const char *site)
{
	unsigned a = h->node;
	if (after[a] & (1ULL << n))
		return true;	/* known: the common case */
	uint8_t parent[NODES];
	uint64_t f = raw_spin_lock(&graph_lock);
	bool cycle = reaches(n, a, parent);
	if (!cycle && !(after[a] & (1ULL << n))) {
		edge[a][n] = (struct edge_site){ h->site, site };
		__atomic_or_fetch(&after[a], 1ULL << n, __ATOMIC_RELEASE);
	}
	raw_spin_unlock(&graph_lock, f);
	if (!cycle)
		return true;
	kprintf("lockdep: lock order inversion: taking %s at %s while holding %s (taken at %s)\n", node_name(n), site,
		node_name(a), h->site);
	print_path(n, a, parent);
	violation(LOCKDEP_ERR_INVERSION, "lock order inversion (the two orders are printed above)");
	return false;
}

void lockdep_acquire(const struct lock_class *cls, unsigned sub, const void *lock, const char *site, bool trylock)
{
	struct lock_thread *t = lock_self();
	unsigned n = node_of(cls, sub < LOCK_SUBCLASSES ? sub : LOCK_SUBCLASSES - 1);
	if (cls->kind == LOCK_MUTEX && t->spins) {
		for (unsigned i = t->depth; i-- > 0;)
			if (t->held[i].cls->kind == LOCK_SPIN) {
				kprintf("lockdep: mutex %s taken at %s with spinlock %s held (taken at %s)\n", cls->name,
					site, t->held[i].cls->name, t->held[i].site);
				break;
			}
		violation(LOCKDEP_ERR_SLEEP_IN_SPIN, "a sleeping lock taken with a spinlock held");
	}
	for (unsigned i = 0; i < t->depth; i++) {
		const struct lock_held *h = &t->held[i];
		if (h->lock == lock || (h->node == n && !trylock)) {	/* a trylock of a sibling cannot deadlock */
			kprintf("lockdep: %s taken at %s while %s %s is held (taken at %s)\n", cls->name, site,
				h->lock == lock ? "the same lock" : "a lock of its class", h->cls->name, h->site);
			violation(LOCKDEP_ERR_RECURSION, "recursive acquisition");
			continue;
		}
		if (!trylock)
			add_edge(h, n, site);
	}
	if (t->depth == LOCKDEP_DEPTH) {
		kprintf("lockdep: %s taken at %s with %d locks held already\n", cls->name, site, LOCKDEP_DEPTH);
		violation(LOCKDEP_ERR_DEPTH, "too many locks held");
		return;
	}
	t->held[t->depth++] = (struct lock_held){ cls, lock, site, (uint8_t)n };
	if (cls->kind == LOCK_SPIN)
		t->spins++;
}

void lockdep_release(const struct lock_class *cls, const void *lock, const char *site)
{
	struct lock_thread *t = lock_self();
	for (unsigned i = t->depth; i-- > 0;) {
		if (t->held[i].lock != lock)
			continue;
		if (cls->kind == LOCK_SPIN)
			t->spins--;
		for (unsigned j = i + 1; j < t->depth; j++)
			t->held[j - 1] = t->held[j];
		t->depth--;
		return;
	}
	kprintf("lockdep: %s released at %s but not held by this thread\n", cls->name, site);
	violation(LOCKDEP_ERR_NOT_HELD, "release of a lock not held");
}

void lockdep_no_spinlocks(const char *site)
{
	struct lock_thread *t = lock_self();
	if (!t->spins)
		return;
	for (unsigned i = t->depth; i-- > 0;)
		if (t->held[i].cls->kind == LOCK_SPIN) {
			kprintf("lockdep: %s may sleep or fault, with spinlock %s held (taken at %s)\n", site,
				t->held[i].cls->name, t->held[i].site);
			break;
		}
	violation(LOCKDEP_ERR_SLEEP_IN_SPIN, "blocking or user access with a spinlock held");
}

void lockdep_held_failed(const void *lock, const char *name, const char *site)
{
	(void)lock;
	kprintf("lockdep: %s must be held at %s, and this thread does not hold it\n", name, site);
	violation(LOCKDEP_ERR_NOT_HELD, "lock not held");
}

void lock_thread_switch(struct lock_thread *next)
{
	if (LOCKDEP)
		lockdep_no_spinlocks("lock_thread_switch (a thread switch)");
	lock_cpus[lock_cpu_id()].thread = next;
}
