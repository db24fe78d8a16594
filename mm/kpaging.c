/* mm/kpaging.c - the kernel page table, rebuilt by the kernel itself with W^X everywhere. */
#include "kpaging.h"
#include "frame.h"
#include "paging.h"
#include "phys.h"
#include "tlb.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/layout.h"
#include "kernel/panic.h"

#define PAGE_1G (1ULL << 30)

struct direct_map_counts {
	uint64_t bytes, pages_1g, pages_2m, pages_4k;
};

bool cpu_has_smep, cpu_has_smap, cpu_has_page1gb;

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __ksyms_start[], __ksyms_end[];
extern char boot_kernel_stack_guard[];

static uint64_t mmio_next = MMIO_BASE;

static void map_image(uint64_t root, const char *start, const char *end, uint64_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE) {
		if (va == (uint64_t)boot_kernel_stack_guard)
			continue;	/* the guard page stays unmapped */
		if (pt_map(kernel_root, va, va - KERNEL_VMA, flags))
			panic("kpaging: out of memory mapping the kernel image");
	}
	(void)root;
}

/*
 * Map [phys, end) at DIRECT_MAP_BASE + phys, RW+NX+global, with the largest
 * pages that fit: 1 GiB where the CPU has them and the range covers an
 * aligned GiB, 2 MiB likewise, 4 KiB at the edges.  Nothing else of the
 * direct map lies in the range (the caller merged the ranges).
 */
static void direct_map_range(uint64_t phys, uint64_t end, struct direct_map_counts *dm)
{
	pte_t *pml4 = phys_to_virt(kernel_root);
	pte_t *pdpt = phys_to_virt(pml4[PML4_DIRECT_MAP_SLOT] & PTE_ADDR);
	dm->bytes += end - phys;
	while (phys < end) {
		uint64_t va = DIRECT_MAP_BASE + phys;
		int rc = 0;
		if (cpu_has_page1gb && (phys & (PAGE_1G - 1)) == 0 && end - phys >= PAGE_1G &&
		    !(pdpt[(va >> 30) & 511] & PTE_P)) {
			pdpt[(va >> 30) & 511] = phys | KPROT_RW | PTE_PS;
			phys += PAGE_1G;
			dm->pages_1g++;
		} else if ((phys & (PAGE_2M - 1)) == 0 && end - phys >= PAGE_2M) {
			rc = pt_map_large(kernel_root, va, phys, KPROT_RW);
			phys += PAGE_2M;
			dm->pages_2m++;
		} else {
			rc = pt_map(kernel_root, va, phys, KPROT_RW);
			phys += PAGE_SIZE;
			dm->pages_4k++;
		}
		if (rc)
			panic("kpaging: out of memory building the direct map");
	}
}

/*
 * The direct map: every range of the memory map that is RAM (available, ACPI
 * reclaimable, ACPI NVS) below PHYS_MAX, page-aligned outward.  Holes (the
 * PCI hole below 4 GiB, reserved ranges, 64-bit MMIO) stay unmapped.
 */
static void direct_map_build(const struct boot_info *bi, struct direct_map_counts *dm)
{
	static struct phys_range r[BOOT_MAX_MMAP];
	int n = 0;
	for (int i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type != MB2_MEM_AVAILABLE && m->type != MB2_MEM_ACPI && m->type != MB2_MEM_NVS)
			continue;
		if (m->base >= PHYS_MAX || m->len == 0)
			continue;
		uint64_t end = m->len > PHYS_MAX - m->base ? PHYS_MAX : m->base + m->len;
		phys_ranges_add(r, &n, BOOT_MAX_MMAP, m->base & ~(PAGE_SIZE - 1), (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	}
	for (int i = 0; i < n; i++)
		direct_map_range(r[i].base, r[i].end, dm);
}

void kpaging_init(const struct boot_info *bi)
{
	uint32_t ext[4];
	cpuid(0x80000000, 0, ext);
	if (ext[0] >= 0x80000001) {
		cpuid(0x80000001, 0, ext);
		cpu_has_page1gb = ext[3] & (1u << 26);	/* EDX.Page1GB */
	}
	kernel_root = frame_alloc_zeroed(0, FRAME_PAGETABLE);
	if (!kernel_root)
		panic("kpaging: no frame for the PML4");
	tlb_set_kernel_root(kernel_root);
	/* Every kernel PML4 slot we use exists now, so all address spaces can share them. */
	const uint64_t slots[] = { DIRECT_MAP_BASE, MMIO_BASE, KSTACK_BASE, KERNEL_VMA };
	for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		pte_t *pml4 = phys_to_virt(kernel_root);
		uint64_t pdpt = frame_alloc_zeroed(0, FRAME_PAGETABLE);
		if (!pdpt)
			panic("kpaging: no frame for a PDPT");
		pml4[(slots[i] >> 39) & 511] = pdpt | PTE_P | PTE_W;
	}

	struct direct_map_counts dm = { 0 };
	direct_map_build(bi, &dm);

	map_image(kernel_root, __text_start, __text_end, KPROT_RX);
	map_image(kernel_root, __rodata_start, __rodata_end, KPROT_R);
	map_image(kernel_root, __data_start, __data_end, KPROT_RW);
	map_image(kernel_root, __ksyms_start, __ksyms_end, KPROT_R);

	pat_init();
	uint32_t r[4];
	cpuid(7, 0, r);
	cpu_has_smep = r[1] & (1u << 7);
	cpu_has_smap = r[1] & (1u << 20);
	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(kernel_root);
	bool pcid = tlb_pcid_init();	/* CR3's PCID bits are 0 now, as CR4.PCIDE needs */
	uint64_t cr4 = read_cr4();
	if (cpu_has_smep)
		cr4 |= CR4_SMEP;
	if (cpu_has_smap)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);

	kprintf("paging: direct map %lu MiB RW+NX (%lu x 1 GiB, %lu x 2 MiB, %lu x 4 KiB pages; 1 GiB pages %s), "
		"text RX, rodata R+NX, data RW+NX; SMEP %s, SMAP %s, PCID %s, INVPCID %s\n",
		dm.bytes >> 20, dm.pages_1g, dm.pages_2m, dm.pages_4k, cpu_has_page1gb ? "on" : "absent",
		cpu_has_smep ? "on" : "absent", cpu_has_smap ? "on" : "absent", pcid ? "on" : "absent",
		tlb_invpcid_enabled() ? "on" : "absent");
	kprintf("PAT: %016lx =", pat_msr_value());
	for (int i = 0; i < 8; i++)
		kprintf(" %d:%s", i, cache_type_name(pat_from_pte((i & 1 ? PTE_PWT : 0) | (i & 2 ? PTE_PCD : 0) | (i & 4 ? (1ULL << 7) : 0), false)));
	kprintf("\n");

	frame_init_high();	/* the direct map reaches all RAM now */
	kstack_put(kstack_alloc());	/* the spare thread stack (kstack_get) */

	if (bi->fb.present) {
		uint64_t len = (uint64_t)bi->fb.pitch * bi->fb.height;
		if (bi->fb.type == 2)	/* EGA text: 2 bytes per cell */
			len = (uint64_t)bi->fb.width * bi->fb.height * 2;
		void *fb = kmap_mmio(bi->fb.addr, len, CACHE_WC);
		kprintf("framebuffer: phys %lx mapped write-combining at %p\n", bi->fb.addr, fb);
	}
}

void *kmap_mmio(uint64_t phys, uint64_t len, enum cache_type cache)
{
	uint64_t off = phys & (PAGE_SIZE - 1);
	uint64_t size = (off + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t va = mmio_next;
	if (pt_map_range(kernel_root, va, phys - off, size, KPROT_RW | pat_pte_bits(cache, false), false))
		panic("kmap_mmio: out of memory");
	mmio_next += size + PAGE_SIZE;	/* an unmapped page between mappings */
	return (void *)(va + off);
}

/*
 * Stacks live in fixed slots of KERNEL_STACK_SIZE + a guard page; a bitmap
 * tracks which are used.  2^18 slots (5 GiB of the 512 GiB PML4 slot, a
 * 32 KiB bitmap): 262,144 processes need 4 GiB of kernel stacks alone, so
 * memory runs out first; `hint` is the lowest word that may have a free slot.
 */
#define KSTACK_SLOT  (KERNEL_STACK_SIZE + PAGE_SIZE)
static void kstack_prune(uint64_t va);
#define KSTACK_SLOTS (1 << 18)
static uint64_t kstack_used[KSTACK_SLOTS / 64];
static int kstack_hint;

uint64_t kstack_alloc(void)
{
	int w = kstack_hint;
	while (w < KSTACK_SLOTS / 64 && kstack_used[w] == ~0ULL)
		w++;
	kstack_hint = w;
	if (w == KSTACK_SLOTS / 64)
		return 0;
	int s = w * 64 + __builtin_ctzll(~kstack_used[w]);
	uint64_t base = KSTACK_BASE + (uint64_t)s * KSTACK_SLOT + PAGE_SIZE;	/* above the guard */
	for (uint64_t off = 0; off < KERNEL_STACK_SIZE; off += PAGE_SIZE) {
		uint64_t f = frame_alloc(0, FRAME_KERNEL);
		if (!f || pt_map(kernel_root, base + off, f, KPROT_RW)) {
			if (f)
				frame_free(f, 0);
			for (uint64_t o = 0; o < off; o += PAGE_SIZE)
				frame_free(pt_unmap(kernel_root, base + o) & PTE_ADDR, 0);
			kstack_prune(base);	/* tables made for this stack go too */
			kstack_prune(base + KERNEL_STACK_SIZE - 1);
			return 0;
		}
	}
	kstack_used[s / 64] |= 1ULL << (s % 64);
	return base + KERNEL_STACK_SIZE;
}

static bool table_empty(const pte_t *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Free the page table under kernel address va, and its directory, once
 * nothing in them is mapped (the stacks' PDPT stays: every address space's
 * PML4 points at it), so a burst of processes gives its tables back.
 */
static void kstack_prune(uint64_t va)
{
	pte_t *pml4 = phys_to_virt(kernel_root);
	pte_t *pdpt = phys_to_virt(pml4[(va >> 39) & 511] & PTE_ADDR);
	pte_t *pde = &pdpt[(va >> 30) & 511];
	if (!(*pde & PTE_P))
		return;
	pte_t *pd = phys_to_virt(*pde & PTE_ADDR);
	pte_t *ptde = &pd[(va >> 21) & 511];
	if (!(*ptde & PTE_P) || !table_empty(phys_to_virt(*ptde & PTE_ADDR)))
		return;
	uint64_t pt = *ptde & PTE_ADDR, pd_frame = 0;
	*ptde = 0;
	if (table_empty(pd)) {
		pd_frame = *pde & PTE_ADDR;
		*pde = 0;
	}
	/* paging-structure caches may hold the unlinked tables, on any CPU, under any PCID: a whole flush everywhere */
	tlb_shootdown(kernel_root, va & ~(PAGE_2M - 1), PAGE_2M);
	frame_free(pt, 0);
	if (pd_frame)
		frame_free(pd_frame, 0);
}

void kstack_free(uint64_t top)
{
	uint64_t base = top - KERNEL_STACK_SIZE;
	int s = (int)((base - PAGE_SIZE - KSTACK_BASE) / KSTACK_SLOT);
	ASSERT(s >= 0 && s < KSTACK_SLOTS && (kstack_used[s / 64] & (1ULL << (s % 64))));
	/*
	 * The entries first, then one shootdown for the whole stack (a kernel
	 * range: every CPU), then the frames: one IPI round per stack, not one
	 * per page.
	 */
	uint64_t frames[KERNEL_STACK_SIZE / PAGE_SIZE];
	for (uint64_t i = 0; i < KERNEL_STACK_SIZE / PAGE_SIZE; i++) {
		pte_t *e = pt_walk(kernel_root, base + i * PAGE_SIZE, false);
		ASSERT(e && (*e & PTE_P));
		frames[i] = *e & PTE_ADDR;
		*e = 0;
	}
	tlb_shootdown(kernel_root, base, KERNEL_STACK_SIZE);
	for (uint64_t i = 0; i < KERNEL_STACK_SIZE / PAGE_SIZE; i++)
		frame_free(frames[i], 0);
	kstack_prune(base);
	kstack_prune(base + KERNEL_STACK_SIZE - 1);	/* a stack may straddle two tables */
	kstack_used[s / 64] &= ~(1ULL << (s % 64));
	if (s / 64 < kstack_hint)
		kstack_hint = s / 64;
}

/*
 * The spare (the kernel lock): always the same stack, the first one put (at
 * boot), lent to one thread at a time.  Were any stack given back while it
 * is lent to become the spare, a burst of forked children could leave it in
 * a slot whose page table no other stack needs: a frame kept after they all
 * ended (limits_pool's per-program oracle saw it).
 */
static uint64_t kstack_spare;	/* its top; 0 until the first kstack_put */
static bool kstack_spare_lent;

uint64_t kstack_get(void)
{
	if (!kstack_spare || kstack_spare_lent)
		return kstack_alloc();
	kstack_spare_lent = true;
	return kstack_spare;
}

void kstack_put(uint64_t top)
{
	if (!top)
		return;
	if (!kstack_spare)
		kstack_spare = top;
	else if (top == kstack_spare)
		kstack_spare_lent = false;
	else
		kstack_free(top);
}
