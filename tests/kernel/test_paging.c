/*
 * tests/kernel/test_paging.c - kernel paging checked by an independent decoder of CR3
 * (it does not use mm/paging.c), PAT, SMEP/SMAP, the heap.
 */
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/trap.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/kpaging.h"
#include "mm/pat.h"
#include "mm/paging.h"
#include "mm/phys.h"

extern char __text_start[], __text_end[], __rodata_start[], __data_start[];
extern char boot_kernel_stack_guard[];

struct wx_scan {
	uint64_t leaves, writable_exec, text_pages, user_pages;
	uint64_t first_bad;
};

/* Decode one table level by hand; w/x/u carry the effective rights from above. */
static void scan(struct wx_scan *s, uint64_t table_phys, int level, uint64_t base, int w, int x, int u)
{
	const uint64_t *t = (const uint64_t *)(DIRECT_MAP_BASE + table_phys);
	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (!(e & 1))
			continue;
		uint64_t va = base + ((uint64_t)i << (12 + 9 * level));
		if (level == 3 && i >= 256)
			va |= 0xffff000000000000ULL;
		int ew = w && (e & 2), ex = x && !(e >> 63), eu = u && (e & 4);
		if (level == 0 || (e & 0x80)) {
			s->leaves++;
			if (ew && ex) {
				if (!s->writable_exec)
					s->first_bad = va;
				s->writable_exec++;
			}
			if (ex)
				s->text_pages++;
			if (eu)
				s->user_pages++;
		} else {
			scan(s, e & 0x000ffffffffff000ULL, level - 1, va, ew, ex, eu);
		}
	}
}

KTEST(paging_wx_nx_invariant)
{
	struct wx_scan s = { 0 };
	scan(&s, read_cr3() & 0x000ffffffffff000ULL, 3, 0, 1, 1, 1);
	KT_ASSERT(s.leaves > 100);
	if (s.writable_exec)
		ktest_fail(__FILE__, __LINE__, "%lu W+X mappings, first at %lx", s.writable_exec, s.first_bad);
	KT_EQ(s.writable_exec, 0);
	/* The only executable kernel pages are the text segment. */
	KT_EQ(s.text_pages, (uint64_t)(__text_end - __text_start) / PAGE_SIZE);
	KT_EQ(s.user_pages, 0);
}

KTEST(paging_image_permissions)
{
	uint64_t size;
	pte_t e = pt_query(read_cr3() & 0x000ffffffffff000ULL, (uint64_t)__text_start, &size);
	KT_ASSERT((e & PTE_P) && !(e & PTE_W) && !(e & PTE_NX));
	e = pt_query(read_cr3() & 0x000ffffffffff000ULL, (uint64_t)__rodata_start, &size);
	KT_ASSERT((e & PTE_P) && !(e & PTE_W) && (e & PTE_NX));
	e = pt_query(read_cr3() & 0x000ffffffffff000ULL, (uint64_t)__data_start, &size);
	KT_ASSERT((e & PTE_P) && (e & PTE_W) && (e & PTE_NX));
	e = pt_query(read_cr3() & 0x000ffffffffff000ULL, DIRECT_MAP_BASE + 0x200000, &size);
	KT_ASSERT((e & PTE_P) && (e & PTE_W) && (e & PTE_NX));
}

KTEST(paging_write_to_rodata_faults)
{
	/* The fault is caught through the exception table, not a panic. */
	volatile uint8_t *ro = (volatile uint8_t *)__rodata_start;
	uint8_t before = *ro;
	KT_EQ(probe_write8(ro, (uint8_t)(before + 1)), (uint64_t)-1);
	KT_EQ(*ro, before);
	/* Text is not writable either, and the stack guard page is not mapped. */
	KT_EQ(probe_write8((volatile void *)__text_start, 0x90), (uint64_t)-1);
	uint8_t v;
	KT_EQ(probe_read8(boot_kernel_stack_guard, &v), (uint64_t)-1);
	KT_EQ(probe_read8(boot_kernel_stack_guard + PAGE_SIZE, &v), 0);
}

KTEST(pat_msr_programmed)
{
	KT_EQ(rdmsr(MSR_PAT), pat_msr_value());
	KT_EQ(rdmsr(MSR_PAT), 0x0007050100070406ULL);
}

KTEST(pat_wc_and_uc_mappings)
{
	uint64_t f = frame_alloc_zeroed(0, FRAME_KERNEL);
	KT_ASSERT(f);
	volatile uint32_t *wc = kmap_mmio(f, PAGE_SIZE, CACHE_WC);
	volatile uint32_t *uc = kmap_mmio(f, PAGE_SIZE, CACHE_UC);
	pte_t ewc = pt_query(read_cr3() & 0x000ffffffffff000ULL, (uint64_t)wc, NULL);
	pte_t euc = pt_query(read_cr3() & 0x000ffffffffff000ULL, (uint64_t)uc, NULL);
	/* WC is PAT index 4: bit 7 set, PCD and PWT clear.  UC is index 3: PCD|PWT. */
	KT_EQ(ewc & PTE_CACHE_4K, 1ULL << 7);
	KT_EQ(euc & PTE_CACHE_4K, PTE_PCD | PTE_PWT);
	KT_EQ(pat_from_pte(ewc, false), CACHE_WC);
	KT_EQ(pat_from_pte(euc, false), CACHE_UC);
	KT_ASSERT(ewc & PTE_NX);
	/* Both views reach the same frame. */
	wc[5] = 0xabcd1234;
	__asm__ volatile("sfence" ::: "memory");
	KT_EQ(uc[5], 0xabcd1234);
	frame_free(f, 0);
}

KTEST(cpu_smep_smap_enabled)
{
	uint32_t r[4];
	cpuid(7, 0, r);
	uint64_t cr4 = read_cr4();
	KT_EQ(!!(cr4 & CR4_SMEP), !!(r[1] & (1u << 7)));
	KT_EQ(!!(cr4 & CR4_SMAP), !!(r[1] & (1u << 20)));
	KT_ASSERT(rdmsr(MSR_EFER) & EFER_NXE);
	KT_ASSERT(read_cr0() & CR0_WP);
}

KTEST(kheap_sizes_and_leaks)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t live0 = kheap_live();
	static void *ptrs[300];
	for (int i = 0; i < 300; i++) {
		size_t size = (size_t)1 << (i % 14);	/* 1 B .. 8 KiB */
		ptrs[i] = kmalloc(size);
		KT_ASSERT(ptrs[i]);
		for (size_t b = 0; b < size; b++)
			KT_EQ(((uint8_t *)ptrs[i])[b], 0);
		((uint8_t *)ptrs[i])[size - 1] = (uint8_t)i;
	}
	for (int i = 0; i < 300; i++) {
		size_t size = (size_t)1 << (i % 14);
		KT_EQ(((uint8_t *)ptrs[i])[size - 1], (uint8_t)i);
	}
	KT_EQ(kheap_live(), live0 + 300);
	for (int i = 0; i < 300; i += 2)
		kfree(ptrs[i]);
	for (int i = 1; i < 300; i += 2)
		kfree(ptrs[i]);
	KT_EQ(kheap_live(), live0);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(after.by_owner[FRAME_HEAP], before.by_owner[FRAME_HEAP]);
}

KTEST(kstack_guard_page)
{
	struct frame_stats before, after;
	frame_stats(&before);
	uint64_t top = kstack_alloc();
	KT_ASSERT(top);
	uint8_t v;
	KT_EQ(probe_write8((void *)(top - 8), 1), 0);
	KT_EQ(probe_write8((void *)(top - KERNEL_STACK_SIZE), 1), 0);
	KT_EQ(probe_read8((void *)(top - KERNEL_STACK_SIZE - 1), &v), (uint64_t)-1);
	kstack_free(top);
	frame_stats(&after);
	KT_EQ(after.free, before.free);	/* the stack, and its page tables once no stack is left in them */
}
