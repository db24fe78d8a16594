/*
 * kernel/syscall_awe.c - the AWE system calls: copy the page-count cell and
 * the frame-number (and, for scatter, address) arrays in and out, call
 * mm/awe.c.  Checks come in this order: handle, pointer alignment, the
 * count cell (probed for writing), the range (map), the arrays.
 */
#include "syscall.h"
#include "proc.h"
#include "syscall_abi.h"
#include "uaccess.h"
#include "mm/awe.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "kernel/layout.h"

#define SCATTER_MAX (1ULL << 24)	/* entries one scatter call may name (64 GiB of pages) */

/* Check the process handle, then read the in/out page count at ucount (8-byte aligned, probed for writing). */
static ntstatus_t get_count(uint64_t handle, uint64_t ucount, uint64_t *n)
{
	if (!is_current(handle))
		return STATUS_INVALID_HANDLE;
	if (MISALIGNED(ucount, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(n, ucount, 8) || copy_to_user(ucount, n, 8))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/* A kernel copy of n 8-byte entries at uarr (NULL for uarr 0); *st set on failure. */
static uint64_t *copy_array_in(uint64_t uarr, uint64_t n, ntstatus_t *st)
{
	if (!uarr || !n)
		return NULL;
	if (n > USER_TOP / 8 || !user_range_ok(uarr, n * 8)) {
		*st = STATUS_ACCESS_VIOLATION;
		return NULL;
	}
	uint64_t *k = kmalloc(n * 8);
	if (!k) {
		*st = STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	if (copy_from_user(k, uarr, n * 8)) {
		kfree(k);
		*st = STATUS_ACCESS_VIOLATION;
		return NULL;
	}
	return k;
}

/*
 * NtAllocateUserPhysicalPages after the count cell was read, in Windows'
 * order: a count whose array could not exist (more than MAXULONG_PTR / 8
 * entries) is STATUS_INVALID_PARAMETER_2; the whole array the count names is
 * probed for writing (every page, so a shared copy-on-write, paged-out or
 * guard page is dealt with now, while nothing is allocated); only then are
 * frames taken, at most as many as are free.  A failure allocates nothing.
 */
static ntstatus_t allocate_pages(struct trap_frame *tf, uint64_t n)
{
	ntstatus_t st;
	if (MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (n > UINT64_MAX / 8)
		return STATUS_INVALID_PARAMETER_2;
	if (n && probe_user_write(tf->rdx, n * 8))
		return STATUS_ACCESS_VIOLATION;
	struct frame_stats fs;
	frame_stats(&fs);
	if (n > fs.free)
		n = fs.free;	/* "fewer pages than requested can be allocated" */
	uint64_t *pfns = n ? kmalloc(n * 8) : NULL;
	if (n && !pfns)
		return STATUS_INSUFFICIENT_RESOURCES;
	struct vm_space *vm = &current_process()->vm;
	uint64_t got = 0, freed;
	st = awe_allocate(vm, n, pfns, &got);
	if (!st && got && copy_to_user(tf->rdx, pfns, got * 8)) {
		awe_free(vm, pfns, got, &freed);	/* paged out and no frame to bring it back: allocate nothing */
		st = STATUS_ACCESS_VIOLATION;
	}
	kfree(pfns);
	if (!st)
		copy_to_user(tf->rsi, &got, 8);
	return st;
}

/* (PVOID va or PVOID *va_array, ULONG_PTR NumberOfPages, const ULONG_PTR *UserPfnArray or NULL) */
ntstatus_t sys_awe_map(struct trap_frame *tf, bool scatter)
{
	struct vm_space *vm = &current_process()->vm;
	uint64_t n = tf->rsi;
	ntstatus_t st = STATUS_SUCCESS;
	if (!scatter && (st = awe_map_check(vm, tf->rdi, n)))
		return st;
	if (scatter && n > SCATTER_MAX)
		return STATUS_INVALID_PARAMETER_2;
	if (n == 0)
		return STATUS_SUCCESS;
	uint64_t *vas = scatter ? copy_array_in(tf->rdi, n, &st) : NULL;
	if (scatter && !vas)
		return tf->rdi ? st : STATUS_ACCESS_VIOLATION;
	uint64_t *pfns = copy_array_in(tf->rdx, n, &st);
	if (!st)
		st = awe_map(vm, tf->rdi, vas, n, pfns);
	kfree(vas);
	kfree(pfns);
	return st;
}

/* NtFreeUserPhysicalPages after the count cell was read: frees in order; on failure *NumberOfPages = freed. */
static ntstatus_t free_pages(struct trap_frame *tf, uint64_t n)
{
	ntstatus_t st = STATUS_SUCCESS;
	struct vm_space *vm = &current_process()->vm;
	uint64_t chunk[128], total = 0;
	for (uint64_t i = 0; i < n && !st; i += 128) {
		uint64_t m = n - i < 128 ? n - i : 128, done = 0;
		if (copy_from_user(chunk, tf->rdx + i * 8, m * 8)) {
			st = STATUS_ACCESS_VIOLATION;
			break;
		}
		st = awe_free(vm, chunk, m, &done);
		total += done;
	}
	if (st)
		copy_to_user(tf->rsi, &total, 8);
	return st;
}

ntstatus_t sys_awe_pages(struct trap_frame *tf, bool free)
{
	uint64_t n;
	ntstatus_t st = get_count(tf->rdi, tf->rsi, &n);
	if (st)
		return st;
	return free ? free_pages(tf, n) : allocate_pages(tf, n);
}
