/*
 * tests/kernel/test_image.c - image sections (mm/image.c) on the synthetic
 * images of tests/host/pe_build.h, registered as files: two address spaces
 * mapping the same program share every frame (measured: no user frame more,
 * the same physical frame behind every page), VirtualQuery sees MEM_IMAGE
 * with per-section protection, a write makes a private copy, a taken base
 * means a relocated mapping whose relocated page alone is private, a second
 * DYNAMIC_BASE DLL wanting the same base gets another section base while a
 * second program keeps its preferred one, and a failed load changes
 * nothing.  Everything comes back at the end.
 */
#include "kernel/file.h"
#include "kernel/ktest.h"
#include "kernel/syscall_abi.h"
#include "mm/frame.h"
#include "mm/image.h"
#include "mm/kheap.h"
#include "mm/paging.h"
#include "mm/phys.h"
#include "mm/section.h"
#include "mm/vm.h"
#include "tests/host/pe_build.h"

void image_test_file(const char *name, const void *data, uint64_t size);

static uint8_t exe_file[PEB_FILE_SIZE], dll_file[PEB_FILE_SIZE], exe2_file[PEB_FILE_SIZE], dll2_file[PEB_FILE_SIZE];

#define EXE_BASE 0x140000000ULL
#define DLL_BASE 0x180000000ULL

static void files_add(void)
{
	struct pe_build_opts o = { .image_base = EXE_BASE, .import_dll = "KT_PT.DLL", .dll_characteristics = 0x140 };
	pe_build(exe_file, &o);
	o.import_dll = "kt_pt2.dll";
	pe_build(exe2_file, &o);
	struct pe_build_opts d = { .dll = true, .image_base = DLL_BASE, .dll_characteristics = 0x140 };
	pe_build(dll_file, &d);
	pe_build(dll2_file, &d);
	image_test_file("kt.exe", exe_file, sizeof(exe_file));
	image_test_file("kt_pt.dll", dll_file, sizeof(dll_file));
	image_test_file("kt2.exe", exe2_file, sizeof(exe2_file));
	image_test_file("kt_pt2.dll", dll2_file, sizeof(dll2_file));
}

static void files_remove(void)
{
	image_test_file("kt.exe", NULL, 0);
	image_test_file("kt_pt.dll", NULL, 0);
	image_test_file("kt2.exe", NULL, 0);
	image_test_file("kt_pt2.dll", NULL, 0);
}

/* Read every page of [base, base+size) as the process would. */
static bool touch(struct vm_space *vm, uint64_t base, uint64_t size)
{
	for (uint64_t va = base; va < base + size; va += PAGE_SIZE)
		if (vm_fault(vm, va, VM_ACCESS_READ) != VM_FAULT_RESOLVED)
			return false;
	return true;
}

static uint64_t frame_of(struct vm_space *vm, uint64_t va)
{
	return pt_query(vm->root, va, NULL) & PTE_ADDR;
}

static uint64_t read64(struct vm_space *vm, uint64_t va)
{
	uint64_t f = frame_of(vm, va);
	return f ? *(uint64_t *)((uint8_t *)phys_to_virt(f) + (va & (PAGE_SIZE - 1))) : 0xdeadull;
}

KTEST(image_two_processes_share_every_frame)
{
	struct frame_stats before, mid, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	uint64_t live = image_live_count();
	files_add();
	struct vm_space a, b;
	struct image_list la = { 0 }, lb = { 0 };
	struct image_map *ma, *mb;
	KT_EQ(vm_space_init(&a), STATUS_SUCCESS);
	KT_EQ(vm_space_init(&b), STATUS_SUCCESS);
	KT_EQ(image_load(&a, &la, "kt.exe", true, false, &ma), STATUS_SUCCESS);
	KT_EQ(ma->base, EXE_BASE);
	KT_ASSERT(la.head && la.head->next == ma && !ma->next);	/* the DLL first, the program last */
	KT_EQ(la.head->base, DLL_BASE);
	KT_EQ(la.head->flags, ABI_IMAGE_DLL);
	KT_EQ(ma->flags, ABI_IMAGE_EXE);
	KT_ASSERT(touch(&a, EXE_BASE, 0x5000) && touch(&a, DLL_BASE, 0x5000));
	/* Bound: Beta by name, Alpha by ordinal 1. */
	KT_EQ(read64(&a, EXE_BASE + PEB_IMPORT_IAT), DLL_BASE + 0x1010);
	KT_EQ(read64(&a, EXE_BASE + PEB_IMPORT_IAT + 8), DLL_BASE + 0x1000);
	KT_EQ(read64(&a, EXE_BASE + PEB_DATA_PTR), EXE_BASE + 0x1000);
	/* The second process: not one user frame more, and the same frame behind every page. */
	frame_stats(&mid);
	KT_EQ(image_load(&b, &lb, "kt.exe", true, false, &mb), STATUS_SUCCESS);
	KT_EQ(mb->base, EXE_BASE);
	KT_ASSERT(touch(&b, EXE_BASE, 0x5000) && touch(&b, DLL_BASE, 0x5000));
	frame_stats(&after);
	KT_EQ(after.by_owner[FRAME_USER], mid.by_owner[FRAME_USER]);
	KT_EQ(after.by_owner[FRAME_SECTION], mid.by_owner[FRAME_SECTION]);
	for (uint64_t off = 0; off < 0x5000; off += PAGE_SIZE) {
		KT_EQ(frame_of(&b, EXE_BASE + off), frame_of(&a, EXE_BASE + off));
		KT_EQ(frame_of(&b, DLL_BASE + off), frame_of(&a, DLL_BASE + off));
		KT_EQ(frame_get(frame_of(&a, EXE_BASE + off))->owner, FRAME_SECTION);
	}
	/* VirtualQuery: MEM_IMAGE, the image base, PAGE_EXECUTE_WRITECOPY, per-section protection. */
	static const uint32_t prot[5] = { W_PAGE_READONLY, W_PAGE_EXECUTE_READ, W_PAGE_READONLY, W_PAGE_WRITECOPY,
					  W_PAGE_READONLY };
	for (int i = 0; i < 5; i++) {
		struct vm_basic_info q;
		KT_EQ(vm_query(&b, EXE_BASE + 0x1000 * i, &q), STATUS_SUCCESS);
		KT_EQ(q.type, W_MEM_IMAGE);
		KT_EQ(q.state, W_MEM_COMMIT);
		KT_EQ(q.allocation_base, EXE_BASE);
		KT_EQ(q.allocation_protect, W_PAGE_EXECUTE_WRITECOPY);
		KT_EQ(q.protect, prot[i]);
		KT_EQ(q.region_size, 0x1000);
	}
	/* A write to the write-copy page: a private copy in b only, now PAGE_READWRITE. */
	KT_EQ(vm_fault(&b, EXE_BASE + 0x3000, VM_ACCESS_WRITE), VM_FAULT_RESOLVED);
	KT_ASSERT(frame_of(&b, EXE_BASE + 0x3000) != frame_of(&a, EXE_BASE + 0x3000));
	KT_EQ(frame_get(frame_of(&b, EXE_BASE + 0x3000))->owner, FRAME_USER);
	struct vm_basic_info q;
	KT_EQ(vm_query(&b, EXE_BASE + 0x3000, &q), STATUS_SUCCESS);
	KT_EQ(q.protect, W_PAGE_READWRITE);
	KT_EQ(vm_query(&a, EXE_BASE + 0x3000, &q), STATUS_SUCCESS);
	KT_EQ(q.protect, W_PAGE_WRITECOPY);
	/* Code is not writable; VirtualProtect to read-write on an image asks for write-copy. */
	KT_EQ(vm_fault(&b, EXE_BASE + 0x1000, VM_ACCESS_WRITE), VM_FAULT_ACCESS_VIOLATION);
	uint64_t pb = EXE_BASE + 0x1000, ps = 0x1000;
	uint32_t old;
	KT_EQ(vm_protect(&b, &pb, &ps, W_PAGE_EXECUTE_READWRITE, &old), STATUS_SUCCESS);
	KT_EQ(old, W_PAGE_EXECUTE_READ);
	KT_EQ(vm_query(&b, EXE_BASE + 0x1000, &q), STATUS_SUCCESS);
	KT_EQ(q.protect, W_PAGE_EXECUTE_WRITECOPY);
	/* Loading what is mapped already changes nothing. */
	struct image_map *again;
	KT_EQ(image_load(&b, &lb, "KT_PT.dll", false, false, &again), STATUS_SUCCESS);
	KT_EQ(again->base, DLL_BASE);
	/* Another program wanting the same base keeps it (its own process); its DLL, wanting kt_pt's, moves. */
	struct vm_space c;
	struct image_list lc = { 0 };
	struct image_map *mc;
	KT_EQ(vm_space_init(&c), STATUS_SUCCESS);
	KT_EQ(image_load(&c, &lc, "kt2.exe", true, false, &mc), STATUS_SUCCESS);
	KT_EQ(mc->base, EXE_BASE);
	KT_ASSERT(lc.head && lc.head->base != DLL_BASE);
	KT_ASSERT(touch(&c, EXE_BASE, 0x5000));
	KT_ASSERT(frame_of(&c, EXE_BASE + 0x1000) != frame_of(&a, EXE_BASE + 0x1000));	/* its own section */
	KT_EQ(read64(&c, EXE_BASE + PEB_DATA_PTR), EXE_BASE + 0x1000);	/* not relocated */
	KT_EQ(read64(&c, EXE_BASE + PEB_IMPORT_IAT), lc.head->base + 0x1010);
	vm_space_destroy(&c);
	image_list_free(&lc);
	vm_space_destroy(&a);
	image_list_free(&la);
	vm_space_destroy(&b);
	image_list_free(&lb);
	files_remove();
	KT_EQ(image_live_count(), live);
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}

KTEST(image_relocated_when_its_base_is_taken)
{
	struct frame_stats before, after;
	frame_stats(&before);
	size_t heap = kheap_live();
	files_add();
	struct vm_space a;
	struct image_list la = { 0 };
	struct image_map *m;
	KT_EQ(vm_space_init(&a), STATUS_SUCCESS);
	uint64_t rb = EXE_BASE, rs = 0x10000;
	KT_EQ(vm_allocate(&a, &rb, &rs, W_MEM_RESERVE, W_PAGE_READWRITE), STATUS_SUCCESS);
	KT_EQ(image_load(&a, &la, "kt.exe", true, false, &m), STATUS_SUCCESS);
	KT_ASSERT(m->base != EXE_BASE);
	KT_ASSERT(touch(&a, m->base, 0x5000));
	KT_EQ(read64(&a, m->base + PEB_DATA_PTR), m->base + 0x1000);	/* relocated */
	KT_EQ(frame_get(frame_of(&a, m->base + PEB_DATA_PTR))->owner, FRAME_USER);	/* in a private copy */
	KT_EQ(frame_get(frame_of(&a, m->base + 0x1000))->owner, FRAME_SECTION);	/* code still shared */
	KT_EQ(read64(&a, m->base + PEB_IMPORT_IAT), DLL_BASE + 0x1010);
	struct vm_basic_info q;
	KT_EQ(vm_query(&a, m->base + PEB_DATA_PTR, &q), STATUS_SUCCESS);
	KT_EQ(q.protect, W_PAGE_WRITECOPY);	/* the loader's copy keeps the section's protection */
	KT_EQ(q.allocation_base, m->base);
	/* A second DYNAMIC_BASE DLL wanting the same base gets another section base (both live). */
	struct image_map *m2;
	KT_EQ(image_load(&a, &la, "kt_pt2.dll", false, false, &m2), STATUS_SUCCESS);
	KT_ASSERT(m2->base != DLL_BASE);
	KT_ASSERT(touch(&a, m2->base, 0x5000));
	KT_EQ(read64(&a, m2->base + PEB_DATA_PTR), m2->base + 0x1000);
	KT_EQ(frame_get(frame_of(&a, m2->base + PEB_DATA_PTR))->owner, FRAME_SECTION);	/* relocated in the section */
	KT_EQ(image_unload(&a, &la, m2->base), STATUS_SUCCESS);
	KT_EQ(vm_query(&a, m2->base, &q), STATUS_SUCCESS);
	KT_EQ(q.state, W_MEM_FREE);
	KT_EQ(image_unload(&a, &la, m2->base), STATUS_NOT_MAPPED_VIEW);
	KT_EQ(image_unload(&a, &la, m->base), STATUS_NOT_MAPPED_VIEW);	/* the program is not unloadable */
	vm_space_destroy(&a);
	image_list_free(&la);
	files_remove();
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}

KTEST(image_failed_load_changes_nothing)
{
	struct frame_stats before, after;
	file_idle();	/* a DLL not found is looked for on C: too: the lookups cache directories */
	frame_stats(&before);
	size_t heap = kheap_live();
	uint64_t live = image_live_count();
	files_add();
	struct vm_space a;
	struct image_list la = { 0 };
	struct image_map *m;
	KT_EQ(vm_space_init(&a), STATUS_SUCCESS);
	/* The DLL missing. */
	image_test_file("kt_pt2.dll", NULL, 0);
	KT_EQ(image_load(&a, &la, "kt2.exe", true, false, &m), STATUS_DLL_NOT_FOUND);
	KT_ASSERT(!vad_first(&a.tree) && !la.head);
	KT_EQ(a.charge, 0);
	/* A function missing: Beta renamed in the DLL. */
	memcpy(dll2_file + peb_off(0x20c8), "Betx", 4);
	image_test_file("kt_pt2.dll", dll2_file, sizeof(dll2_file));
	KT_EQ(image_load(&a, &la, "kt2.exe", true, false, &m), STATUS_ENTRYPOINT_NOT_FOUND);
	KT_ASSERT(!vad_first(&a.tree) && !la.head);
	/* A malformed DLL; a DLL started as a program; a program imported as a DLL. */
	dll2_file[0] = 'X';
	KT_EQ(image_load(&a, &la, "kt2.exe", true, false, &m), STATUS_INVALID_IMAGE_FORMAT);
	KT_EQ(image_load(&a, &la, "kt_pt.dll", true, false, &m), STATUS_INVALID_IMAGE_FORMAT);
	KT_EQ(image_load(&a, &la, "kt.exe", false, false, &m), STATUS_INVALID_IMAGE_FORMAT);
	KT_ASSERT(!vad_first(&a.tree) && !la.head);
	KT_EQ(image_live_count(), live);
	vm_space_destroy(&a);
	files_remove();
	file_idle();
	frame_stats(&after);
	KT_EQ(after.free, before.free);
	KT_EQ(kheap_live(), heap);
}
