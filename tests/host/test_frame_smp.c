/*
 * tests/host/test_frame_smp.c - the per-CPU frame caches (mm/frame_cache.c) under concurrency:
 * threads play CPUs, each with its own cache, allocating, freeing, sharing (frame_ref on one CPU,
 * frame_unref on another) single frames and higher orders at once.  A read-write lock plays the
 * kernel lock: every allocator call runs with it shared, and now and then a thread takes it
 * exclusively (the world stopped) and checks that the statistics are exact to the frame and
 * that every free frame can be had (the caches of all CPUs drained).  Built with ThreadSanitizer
 * as well (tools/host-tests.sh: the "tsan" line below).
 * sources: mm/frame.c mm/frame_cache.c
 * tsan: yes
 */
#include "check.h"
#include "mm/frame.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define ARENA_SIZE (8u << 20)
#define NFRAMES    (ARENA_SIZE / 4096)
#define NCPUS      4
#define HOLD_MAX   400	/* blocks a thread holds at most */
#define MAILBOX    256	/* shared frames in flight between threads */

/* Frame 0 and 0x300000..0x301000 are absent; the rest is RAM. */
static const struct phys_range ranges[] = { { 0x1000, 0x300000 }, { 0x301000, ARENA_SIZE } };
#define USABLE ((ARENA_SIZE - 0x2000) / 4096)

static uint8_t *arena;
static struct frame *database;
static pthread_rwlock_t world;		/* the kernel lock: shared for every call, exclusive to check */
static __thread int my_cpu = -1;
static __thread bool my_stopped;
static int refs[NFRAMES];		/* the test's references to each allocated frame, 0: not allocated */
static int errors;			/* failures seen by any thread (atomic) */

static int cpu_hook(void)
{
	return my_cpu;
}

static bool stopped_hook(void)
{
	return my_stopped;
}

static void fail(const char *what, uint64_t phys)
{
	if (__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED) < 10)
		printf("    thread %d: %s (phys %lx)\n", my_cpu, what, (unsigned long)phys);
}

/* Claim the frames of a block just handed out: nobody may hold any of them; tag it. */
static void claim(uint64_t phys, unsigned order)
{
	for (uint64_t f = phys / 4096; f < phys / 4096 + (1ULL << order); f++) {
		int none = 0;
		if (!__atomic_compare_exchange_n(&refs[f], &none, 1, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			fail("frame handed out twice", f * 4096);
	}
	*(uint64_t *)(arena + phys) = phys ^ order;
}

/* Drop one reference before the allocator may free the block; its tag must be intact. */
static void unclaim(uint64_t phys, unsigned order)
{
	if (*(uint64_t *)(arena + phys) != (phys ^ order))
		fail("block's contents changed under its holders", phys);
	for (uint64_t f = phys / 4096; f < phys / 4096 + (1ULL << order); f++)
		if (__atomic_sub_fetch(&refs[f], 1, __ATOMIC_RELAXED) < 0)
			fail("frame released more often than held", f * 4096);
}

/* Shared frames in flight: a thread refs one of its frames and posts it; another unrefs it. */
static pthread_mutex_t mail_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t mail[MAILBOX];
static int mail_n;

struct held {
	uint64_t phys[HOLD_MAX];
	unsigned order[HOLD_MAX];
	int n;
};
static struct held held[NCPUS];

/* World stopped: the statistics are exact, and every free frame can be allocated. */
static void check_stopped(void)
{
	pthread_rwlock_wrlock(&world);
	my_stopped = true;
	uint64_t held_frames = 0;
	for (uint64_t f = 0; f < NFRAMES; f++)
		held_frames += refs[f] > 0;
	struct frame_stats st;
	frame_stats(&st);
	uint64_t owned = 0;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		owned += st.by_owner[i];
	if (st.total != USABLE || st.used != held_frames || st.free != USABLE - held_frames || owned != st.used)
		fail("statistics not exact with the world stopped", st.used);
	/* Take every free frame (the other CPUs' caches must be drained for the last ones), give them back. */
	static uint64_t all[NFRAMES];
	uint64_t n = 0, p;
	while ((p = frame_alloc(0, FRAME_KERNEL)) != 0)
		all[n++] = p;
	if (n != st.free)
		fail("not every free frame could be allocated", n);
	for (uint64_t i = 0; i < n; i++)
		frame_free(all[i], 0);
	my_stopped = false;
	pthread_rwlock_unlock(&world);
}

/* Give back a block this thread holds: single frames by unref (another CPU may hold a share). */
static void release(uint64_t p, unsigned k)
{
	unclaim(p, k);
	if (k == 0)
		frame_unref(p);
	else
		frame_free(p, k);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define STEPS 20000

static void *cpu_main(void *arg)
{
	int t = (int)(intptr_t)arg;
	my_cpu = t;
	struct held *h = &held[t];
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(t + 1);
	for (int step = 0; step < STEPS; step++) {
		unsigned r = xorshift(&rng) % 1000;
		if (r == 0) {
			check_stopped();
			continue;
		}
		pthread_rwlock_rdlock(&world);
		if (r < 450 && h->n < HOLD_MAX) {
			unsigned k = r < 420 ? 0 : (r < 445 ? 1 + xorshift(&rng) % 3 : 5 + xorshift(&rng) % 4);
			uint64_t p = frame_alloc(k, r & 1 ? FRAME_USER : FRAME_KERNEL);
			if (p) {
				claim(p, k);
				h->phys[h->n] = p;
				h->order[h->n++] = k;
			}
		} else if (r < 880 && h->n > 0) {
			int i = (int)(xorshift(&rng) % (uint64_t)h->n);
			uint64_t p = h->phys[i];
			unsigned k = h->order[i];
			h->phys[i] = h->phys[--h->n];
			h->order[i] = h->order[h->n];
			release(p, k);
		} else if (r < 940 && h->n > 0 && h->order[h->n - 1] == 0) {
			/* Share the last frame: one more reference, posted; this thread keeps its own. */
			uint64_t p = h->phys[h->n - 1];
			pthread_mutex_lock(&mail_lock);
			if (mail_n < MAILBOX) {
				__atomic_add_fetch(&refs[p / 4096], 1, __ATOMIC_RELAXED);
				if (frame_ref(p))
					mail[mail_n++] = p;
				else
					__atomic_sub_fetch(&refs[p / 4096], 1, __ATOMIC_RELAXED);
			}
			pthread_mutex_unlock(&mail_lock);
		} else if (r >= 940) {
			/* Drop a posted reference, racing its owner's: the last one frees, on whichever CPU. */
			pthread_mutex_lock(&mail_lock);
			uint64_t p = mail_n ? mail[--mail_n] : 0;
			pthread_mutex_unlock(&mail_lock);
			if (p)
				release(p, 0);
		}
		pthread_rwlock_unlock(&world);
	}
	return NULL;
}

TEST(caches_many_cpus_exact_and_exclusive)
{
	arena = aligned_alloc(1 << 22, ARENA_SIZE);
	database = malloc(NFRAMES * sizeof(struct frame));
	CHECK(arena && database);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&world, &ra);
	frame_cpu_hook = cpu_hook;
	frame_world_stopped_hook = stopped_hook;
	my_stopped = true;	/* the main thread sets up and checks alone */
	frame_init_core(database, NFRAMES, ranges, 2, arena);
	uint64_t blocks0[FRAME_MAX_ORDER + 1];
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		blocks0[k] = frame_free_blocks(k);

	pthread_t th[NCPUS];
	for (int t = 0; t < NCPUS; t++)
		CHECK(pthread_create(&th[t], NULL, cpu_main, (void *)(intptr_t)t) == 0);
	for (int t = 0; t < NCPUS; t++)
		pthread_join(th[t], NULL);
	CHECK_EQ(errors, 0);

	/* The main thread (CPU -1: no cache) gives everything back; the caches' frames count as free. */
	for (int t = 0; t < NCPUS; t++)
		for (int i = 0; i < held[t].n; i++)
			release(held[t].phys[i], held[t].order[i]);
	while (mail_n > 0)
		release(mail[--mail_n], 0);
	for (uint64_t f = 0; f < NFRAMES; f++)
		CHECK_EQ(refs[f], 0);
	struct frame_stats st;
	frame_stats(&st);
	CHECK_EQ(st.total, USABLE);
	CHECK_EQ(st.free, USABLE);
	CHECK_EQ(st.used, 0);
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		CHECK_EQ(st.by_owner[i], 0);
	/* Drained, the free lists are as they were at the start: every frame merged back. */
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		CHECK_EQ(frame_free_blocks(k), blocks0[k]);
	CHECK_EQ(errors, 0);
}

/* A CPU asked to drain while it was busy (no world stop) empties its cache at its next single-frame call. */
TEST(drain_request_honoured_at_next_call)
{
	my_stopped = false;
	my_cpu = 1;
	uint64_t p = frame_alloc(0, FRAME_KERNEL);	/* CPU 1's cache: a batch less one, then the batch */
	CHECK(p != 0);
	frame_free(p, 0);
	my_cpu = 2;
	CHECK_EQ(frame_caches_drain(), 0);	/* CPU 2's own cache is empty; CPU 1 is only asked */
	my_cpu = -1;
	uint64_t x = frame_alloc(0, FRAME_KERNEL);	/* no CPU: straight from the buddy */
	CHECK(x != 0);
	my_cpu = 1;
	uint64_t q = frame_alloc(3, FRAME_KERNEL);	/* a higher order bypasses the cache: the request waits */
	CHECK(q != 0);
	frame_free(q, 3);
	frame_free(x, 0);			/* honoured: the batch goes back, x alone is cached */
	my_stopped = true;
	my_cpu = 3;
	CHECK_EQ(frame_caches_drain(), 1);	/* world stopped: CPU 1's one frame */
	CHECK_EQ(frame_caches_drain(), 0);
	struct frame_stats st;
	frame_stats(&st);
	CHECK_EQ(st.used, 0);
	CHECK_EQ(st.free, USABLE);
	my_cpu = -1;
}

int main(void)
{
	return run_tests("frame_smp");
}
