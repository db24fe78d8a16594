/*
 * mm/watch.c - write watch (MEM_WRITE_WATCH, NtGetWriteWatch, NtResetWriteWatch)
 * from the hardware dirty bits.
 *
 * A watched reservation has a bitmap, 1 bit per page, of writes the PTEs no
 * longer show (their D bit was cleared by MEM_RESET or the entry went away
 * without a decommit) or that VirtualProtect captured.  A decommit drops the
 * entries and their D bits but keeps the bitmap: as on Windows, a page
 * written and then re-protected stays reported after a decommit and a
 * recommit, a page only written does not (spec 12.7, 19.2.7).  A page is "written" when its bit is set or its entry
 * holds a frame with PTE_D.  A query reads both; a reset clears both and
 * flushes the TLB once for the whole call.  Writes never fault for the watch:
 * a present page is written at full speed and the CPU sets D.
 */
#include "tlb.h"
#include "vm_ext.h"
#include "frame.h"
#include "kheap.h"
#include "paging.h"
#include "prot.h"
#include "kernel/layout.h"

#define USER_END (USER_MAX_ADDR + 1)

int watch_init(struct vad *v)
{
	uint64_t *b = kmalloc(bitmap_words(vad_pages(v)) * sizeof(uint64_t));
	if (!b)
		return -1;
	v->watch_bits = b;
	v->flags |= VAD_WRITE_WATCH;
	return 0;
}

void watch_note_pte(struct vad *v, uint64_t va, uint64_t pte)
{
	if (v->watch_bits && (pte & (PTE_P | PTE_SW_FRAME)) && (pte & PTE_D))
		bit_set(v->watch_bits, (va - v->start) / PAGE_SIZE);
}

void watch_latch(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end)
{
	if (!v->watch_bits)
		return;
	for (uint64_t va = start, next; va < end; va = next) {
		next = (va + PAGE_2M) & ~(PAGE_2M - 1);	/* one walk per page table */
		if (next > end)
			next = end;
		pte_t *pte = pt_walk(vm->root, va, false);
		for (; pte && va < next; va += PAGE_SIZE, pte++)
			watch_note_pte(v, va, *pte);
	}
}

/* The watched VAD holding all of [base, base+size) page-rounded, or NULL (STATUS_INVALID_PARAMETER). */
static struct vad *watched_range(struct vm_space *vm, uint64_t base, uint64_t size, uint64_t *start, uint64_t *end)
{
	if (base == 0 || size == 0 || base >= USER_END || size > USER_END - base)
		return NULL;
	*start = base & ~(PAGE_SIZE - 1);
	*end = (base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	struct vad *v = vad_find(&vm->tree, *start);
	if (!v || !(v->flags & VAD_WRITE_WATCH) || *end > v->end)
		return NULL;
	return v;
}

/*
 * Walk [start, end) of the watched v in ascending order; for each written page
 * call emit (when non-NULL) and, with reset, clear its bit and D.  Stops after
 * max pages.  Returns the number found; *status gets emit's failure.  One TLB
 * flush batch covers every D bit cleared.
 */
static uint64_t scan(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end, bool reset, uint64_t max,
		     vm_ww_emit_fn emit, void *ctx, ntstatus_t *status)
{
	uint64_t n = 0, lo = 0, hi = 0, chunk = ~0ULL;
	pte_t *pt = NULL;
	*status = STATUS_SUCCESS;
	for (uint64_t va = start; va < end && n < max; va += PAGE_SIZE) {
		if ((va & ~(PAGE_2M - 1)) != chunk) {	/* one walk per page table */
			chunk = va & ~(PAGE_2M - 1);
			pt = pt_walk(vm->root, chunk, false);
		}
		pte_t *e = pt ? pt + ((va >> PAGE_SHIFT) & 511) : NULL;
		uint64_t i = (va - v->start) / PAGE_SIZE;
		bool hw = e && (*e & (PTE_P | PTE_SW_FRAME)) && (*e & PTE_D);
		if (!hw && !bit_test(v->watch_bits, i))
			continue;
		if (emit && emit(ctx, n, va)) {
			*status = STATUS_ACCESS_VIOLATION;
			break;
		}
		n++;
		if (!reset)
			continue;
		bit_clear(v->watch_bits, i);
		if (hw) {
			*e &= ~PTE_D;
			if (!hi)
				lo = va;
			hi = va + PAGE_SIZE;
		}
	}
	if (hi)
		tlb_shootdown(vm->root, lo, hi - lo);
	return n;
}

ntstatus_t vm_get_write_watch(struct vm_space *vm, uint32_t flags, uint64_t base, uint64_t size, uint64_t *count,
			      vm_ww_emit_fn emit, void *ctx)
{
	uint64_t start, end;
	if (flags & ~VM_WRITE_WATCH_FLAG_RESET)
		return STATUS_INVALID_PARAMETER;
	if (*count == 0)
		return STATUS_INVALID_PARAMETER;
	struct vad *v = watched_range(vm, base, size, &start, &end);
	if (!v)
		return STATUS_INVALID_PARAMETER;
	ntstatus_t st;
	*count = scan(vm, v, start, end, flags & VM_WRITE_WATCH_FLAG_RESET, *count, emit, ctx, &st);
	return st;
}

ntstatus_t vm_reset_write_watch(struct vm_space *vm, uint64_t base, uint64_t size)
{
	uint64_t start, end;
	struct vad *v = watched_range(vm, base, size, &start, &end);
	if (!v)
		return STATUS_INVALID_PARAMETER;
	ntstatus_t st;
	scan(vm, v, start, end, true, ~0ULL, NULL, NULL, &st);
	return st;
}
