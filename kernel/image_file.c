/* kernel/image_file.c - program and DLL files on C:, read through the page cache and mapped for the loader. */
#include "image_file.h"
#include "file.h"
#include "panic.h"
#include "syscall_abi.h"
#include "pe.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/pagecache.h"
#include "mm/paging.h"
#include "mm/tlb.h"
#include "mm/phys.h"

#include <string.h>

#define SLOTS     512
#define SLOT_SIZE (1ULL << 30)

static uint64_t slot_used[SLOTS / 64];

void image_file_init(void)
{
	pte_t *pml4 = phys_to_virt(kernel_root);
	uint64_t pdpt = frame_alloc_zeroed(0, FRAME_PAGETABLE);
	if (!pdpt)
		panic("image_file: no frame for the window's PDPT");
	pml4[(IMAGE_FILE_BASE >> 39) & 511] = pdpt | PTE_P | PTE_W;
}

/* path (ASCII) widened into w (at most IMAGE_PATH_MAX units); its length, 0 when too long or not ASCII. */
static uint32_t widen(const char *path, uint16_t *w)
{
	uint32_t n = 0;
	for (; path[n]; n++) {
		if (n + 1 >= IMAGE_PATH_MAX || (unsigned char)path[n] > 0x7f)
			return 0;
		w[n] = (unsigned char)path[n];
	}
	return n;
}

bool image_file_exists(const char *path)
{
	uint16_t *w = kmalloc(IMAGE_PATH_MAX * sizeof(uint16_t));
	struct fat_node *n = NULL;
	uint32_t len = w ? widen(path, w) : 0;
	bool found = len && !file_lookup(w, len, &n) && n;
	if (n) {
		found = found && !fat_node_is_dir(n);
		fat_node_put(n);
	}
	kfree(w);
	return found;
}

ntstatus_t image_file_open(const char *path, struct image_file **out)
{
	uint16_t *w = kmalloc(IMAGE_PATH_MAX * sizeof(uint16_t));
	struct image_file *f = kmalloc(sizeof(*f));
	ntstatus_t st = w && f ? STATUS_SUCCESS : STATUS_NO_MEMORY;
	uint32_t len = st ? 0 : widen(path, w);
	if (!st && !len)
		st = STATUS_OBJECT_NAME_INVALID;
	uint64_t info;
	struct file_obj *fo = NULL;
	if (!st)
		st = file_open(w, len, FA_READ_DATA | FA_EXECUTE | FA_SYNCHRONIZE, 1 /* FILE_SHARE_READ */, ABI_FILE_OPEN,
			       ABI_FILE_NON_DIRECTORY_FILE, 0, &fo, &info);
	kfree(w);
	if (!st && (fo->node->size == 0 || fo->node->size > IMAGE_FILE_MAX))
		st = STATUS_INVALID_IMAGE_FORMAT;
	if (st) {
		if (fo)
			obj_unref(&fo->obj);
		kfree(f);
		return st;
	}
	*f = (struct image_file){ .fo = fo, .node = fo->node, .size = fo->node->size };
	f->pages = (f->size + PAGE_SIZE - 1) / PAGE_SIZE;
	*out = f;
	return STATUS_SUCCESS;
}

/*
 * Unlink the page tables of slot s (its page directory and the tables under
 * it); the caller frees them after the shootdown (*n frames in frames[]).
 */
static void slot_unlink_tables(unsigned s, uint64_t *frames, unsigned *n)
{
	pte_t *pml4 = phys_to_virt(kernel_root);
	pte_t *pdpt = phys_to_virt(pml4[(IMAGE_FILE_BASE >> 39) & 511] & PTE_ADDR);
	pte_t *e = &pdpt[s];
	if (!(*e & PTE_P))
		return;
	pte_t *pd = phys_to_virt(*e & PTE_ADDR);
	for (int i = 0; i < 512; i++)
		if (pd[i] & PTE_P)
			frames[(*n)++] = pd[i] & PTE_ADDR;
	frames[(*n)++] = *e & PTE_ADDR;
	*e = 0;
}

/*
 * Unmap the pages mapped so far and drop their references, with one
 * shootdown for the whole slot on every CPU (kernel mappings: mm/tlb.h)
 * before any frame or page table goes.
 */
static void unmap_pages(struct image_file *f)
{
	uint64_t base = IMAGE_FILE_BASE + (uint64_t)f->slot * SLOT_SIZE;
	for (uint64_t i = 0; i < f->pages; i++) {
		pte_t *pte = f->phys[i] ? pt_walk(kernel_root, base + i * PAGE_SIZE, false) : NULL;
		if (pte)
			*pte = 0;
	}
	static uint64_t tables[513];	/* the kernel lock serialises image_file_close */
	unsigned n = 0;
	slot_unlink_tables(f->slot, tables, &n);
	tlb_shootdown(kernel_root, base, SLOT_SIZE);	/* also the paging-structure caches of the unlinked tables */
	for (uint64_t i = 0; i < f->pages; i++) {
		if (f->phys[i])
			frame_unref(f->phys[i]);
		f->phys[i] = 0;
	}
	for (unsigned i = 0; i < n; i++)
		frame_free(tables[i], 0);
}

ntstatus_t image_file_map(struct image_file *f)
{
	if (f->data)
		return STATUS_SUCCESS;
	unsigned s = 0;
	while (s < SLOTS && (slot_used[s / 64] >> (s % 64) & 1))
		s++;
	if (s == SLOTS)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (!(f->phys = kmalloc(f->pages * sizeof(uint64_t))))
		return STATUS_NO_MEMORY;
	slot_used[s / 64] |= 1ULL << (s % 64);
	f->slot = s;
	uint64_t base = IMAGE_FILE_BASE + (uint64_t)s * SLOT_SIZE;
	struct pc_file *pc = &f->fo->node->pc;
	ntstatus_t st = STATUS_SUCCESS;
	for (uint64_t i = 0; i < f->pages && !st; i++) {
		uint64_t phys;
		st = pagecache_map_page(pc, i, f->pages - 1, &phys);	/* read-ahead over the rest of the file */
		if (st)
			break;
		f->phys[i] = phys;
		if (pt_map(kernel_root, base + i * PAGE_SIZE, phys, PTE_P | PTE_NX))
			st = STATUS_NO_MEMORY;
	}
	if (st) {
		unmap_pages(f);
		slot_used[s / 64] &= ~(1ULL << (s % 64));
		kfree(f->phys);
		f->phys = NULL;
		return st;
	}
	f->data = (const uint8_t *)base;
	return STATUS_SUCCESS;
}

void image_file_close(struct image_file *f)
{
	if (f->data) {
		unmap_pages(f);
		slot_used[f->slot / 64] &= ~(1ULL << (f->slot % 64));
	}
	/*
	 * Its pages go with it (those no one else holds): an image's frames come
	 * back when its last process ends, as a boot module's did; also after a
	 * failed mapping, which may have read some.
	 */
	pagecache_drop_clean(&f->fo->node->pc, 0, f->pages - 1);
	kfree(f->phys);
	obj_unref(&f->fo->obj);
	kfree(f);
}
