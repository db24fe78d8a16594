/* tests/kernel/test_frame.c - the frame allocator in the running kernel: stress, alignment, stats, cost. */
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/multiboot.h"
#include "mm/frame.h"
#include "mm/phys.h"

struct frame_snapshot {
	struct frame_stats st;
	uint64_t blocks[FRAME_MAX_ORDER + 1];
};

static void snapshot(struct frame_snapshot *s)
{
	frame_stats(&s->st);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		s->blocks[k] = frame_free_blocks(k);
}

static bool snapshot_equal(const struct frame_snapshot *a, const struct frame_snapshot *b)
{
	if (a->st.total != b->st.total || a->st.free != b->st.free || a->st.used != b->st.used)
		return false;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		if (a->st.by_owner[i] != b->st.by_owner[i])
			return false;
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		if (a->blocks[k] != b->blocks[k])
			return false;
	return true;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define STRESS_LIVE 256
static uint64_t live_phys[STRESS_LIVE];
static unsigned live_order[STRESS_LIVE];

KTEST(frame_stress_mixed_orders)
{
	struct frame_snapshot before, after;
	snapshot(&before);
	KT_ASSERT(before.st.free > 1000);
	int n = 0, allocs = 0;
	for (int step = 0; step < 3000; step++) {
		if (n == STRESS_LIVE || (n > 0 && rng() % 100 < 45)) {
			int i = rng() % n;
			uint64_t *tag = phys_to_virt(live_phys[i]);
			KT_EQ(*tag, live_phys[i] ^ live_order[i]);
			frame_free(live_phys[i], live_order[i]);
			n--;
			live_phys[i] = live_phys[n];
			live_order[i] = live_order[n];
			continue;
		}
		unsigned k = rng() % 10;
		uint64_t p = frame_alloc(k, FRAME_KERNEL);
		if (!p)
			continue;
		allocs++;
		uint64_t size = PAGE_SIZE << k;
		KT_EQ(p & (size - 1), 0);
		KT_EQ(frame_get(p)->order, k);
		for (int i = 0; i < n; i++) {
			uint64_t o = live_phys[i], osize = PAGE_SIZE << live_order[i];
			KT_ASSERT(p + size <= o || o + osize <= p);	/* no two live blocks overlap */
		}
		*(uint64_t *)phys_to_virt(p) = p ^ k;
		live_phys[n] = p;
		live_order[n++] = k;
	}
	KT_ASSERT(allocs > 1000);
	while (n > 0) {
		n--;
		frame_free(live_phys[n], live_order[n]);
	}
	snapshot(&after);
	KT_ASSERT(snapshot_equal(&before, &after));
}

KTEST(frame_alloc_2m_aligned)
{
	struct frame_snapshot before, after;
	snapshot(&before);
	uint64_t p = frame_alloc(9, FRAME_USER);
	KT_ASSERT(p != 0);
	KT_EQ(p & ((2ULL << 20) - 1), 0);
	KT_EQ(frame_get(p)->owner, FRAME_USER);
	KT_EQ(frame_get(p)->refcount, 1);
	uint64_t q = frame_alloc_zeroed(9, FRAME_USER);
	KT_ASSERT(q != 0 && q != p);
	KT_EQ(q & ((2ULL << 20) - 1), 0);
	const uint64_t *z = phys_to_virt(q);
	for (int i = 0; i < (2 << 20) / 8; i++)
		KT_EQ(z[i], 0);
	frame_free(q, 9);
	frame_free(p, 9);
	snapshot(&after);
	KT_ASSERT(snapshot_equal(&before, &after));
}

KTEST(frame_stats_consistent)
{
	struct frame_stats st;
	frame_stats(&st);
	KT_EQ(st.total, st.free + st.used);
	uint64_t owned = 0, listed = 0;
	for (int i = 0; i < FRAME_OWNER_COUNT; i++)
		owned += st.by_owner[i];
	KT_EQ(owned, st.used);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++)
		listed += frame_free_blocks(k) << k;
	KT_EQ(listed, st.free);
	/* Most of the usable RAM is managed (the first MiB, the image and the modules are not). */
	extern struct boot_info boot_info;
	uint64_t usable = 0;
	for (int i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == MB2_MEM_AVAILABLE)
			usable += boot_info.mmap[i].len;
	/* The boot modules (the test ISO's programs and DLLs: about 7 MiB) are not RAM the allocator has. */
	uint64_t modules = 0;
	for (int i = 0; i < boot_info.module_count; i++)
		modules += boot_info.modules[i].end - boot_info.modules[i].start;
	KT_ASSERT(modules < usable);
	KT_ASSERT(st.total * PAGE_SIZE > (usable - modules) / 8 * 7);

	uint64_t p = frame_alloc(3, FRAME_PAGETABLE);
	KT_ASSERT(p != 0);
	struct frame_stats st2;
	frame_stats(&st2);
	KT_EQ(st2.free, st.free - 8);
	KT_EQ(st2.used, st.used + 8);
	KT_EQ(st2.by_owner[FRAME_PAGETABLE], st.by_owner[FRAME_PAGETABLE] + 8);
	frame_free(p, 3);
	frame_stats(&st2);
	KT_EQ(st2.free, st.free);
	KT_EQ(st2.by_owner[FRAME_PAGETABLE], st.by_owner[FRAME_PAGETABLE]);
}

/* Average cycles of one alloc+free pair of the given order. */
static uint64_t bench_order(unsigned order, int iters)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < iters; i++) {
		uint64_t p = frame_alloc(order, FRAME_KERNEL);
		if (!p)
			return 0;
		frame_free(p, order);
	}
	return (rdtsc() - t0) / iters;
}

KTEST(bench_frame)
{
	struct frame_snapshot before, after;
	snapshot(&before);
	uint64_t c4k = bench_order(0, 1000);
	uint64_t c2m = bench_order(9, 1000);
	KT_ASSERT(c4k != 0 && c2m != 0);
	kprintf("bench frame_alloc_free_4k %lu cycles\n", c4k);
	kprintf("bench frame_alloc_free_2m %lu cycles\n", c2m);
	snapshot(&after);
	KT_ASSERT(snapshot_equal(&before, &after));
}
