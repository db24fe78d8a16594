/*
 * kernel/syscall_procmem_perf.c - NtQuerySystemInformation
 * (SystemPerformanceInformation, class 2): SYSTEM_PERFORMANCE_INFORMATION,
 * the same layout in 32-bit and 64-bit Windows, 0x138 bytes in NT 3.10 to
 * 6.0, 0x148 in 6.1, 0x158 from 6.2 (Windows 8) on; later Windows still
 * answers a caller that asks for an older size with that much.  The
 * figures this kernel keeps are filled in (pages: available, committed, the
 * commit limit and peak, page faults of every process since boot, kernel
 * heap, free frames); the counters it has no equivalent for (I/O, the cache
 * manager's, system PTEs, pool allocation counts) are 0.  docs/processes.md.
 */
#include "syscall.h"
#include "uaccess.h"
#include "mm/frame.h"
#include "mm/procmem.h"
#include "mm/vm.h"

#include <stddef.h>

struct sys_perf_info {
	int64_t idle_process_time;
	int64_t io_read_transfer_count, io_write_transfer_count, io_other_transfer_count;
	uint32_t io_read_operation_count, io_write_operation_count, io_other_operation_count;
	uint32_t available_pages, committed_pages, commit_limit, peak_commitment;
	uint32_t page_fault_count, copy_on_write_count, transition_count, cache_transition_count;
	uint32_t demand_zero_count, page_read_count, page_read_io_count, cache_read_count, cache_io_count;
	uint32_t dirty_pages_write_count, dirty_write_io_count, mapped_pages_write_count, mapped_write_io_count;
	uint32_t paged_pool_pages, non_paged_pool_pages, paged_pool_allocs, paged_pool_frees;
	uint32_t non_paged_pool_allocs, non_paged_pool_frees, free_system_ptes, resident_system_code_page;
	uint32_t total_system_driver_pages, total_system_code_pages, non_paged_pool_lookaside_hits;
	uint32_t paged_pool_lookaside_hits, available_paged_pool_pages, resident_system_cache_page;
	uint32_t resident_paged_pool_page, resident_system_driver_page;
	uint32_t cc_fast_read[4], cc_fast_mdl_read[4], cc_map_data[4], cc_pin_mapped_data_count, cc_pin_read[4];
	uint32_t cc_copy_read[4], cc_mdl_read[4], cc_read_ahead_ios, cc_lazy_write_ios, cc_lazy_write_pages;
	uint32_t cc_data_flushes, cc_data_pages, context_switches, first_level_tb_fills, second_level_tb_fills;
	uint32_t system_calls;
	uint64_t cc_total_dirty_pages, cc_dirty_page_threshold;	/* 6.2 and later */
	int64_t resident_available_pages;
	uint64_t shared_committed_pages;
};
_Static_assert(offsetof(struct sys_perf_info, available_pages) == 0x2c, "AvailablePages at 0x2c");
_Static_assert(offsetof(struct sys_perf_info, page_fault_count) == 0x3c, "PageFaultCount at 0x3c");
_Static_assert(offsetof(struct sys_perf_info, non_paged_pool_pages) == 0x74, "NonPagedPoolPages at 0x74");
_Static_assert(offsetof(struct sys_perf_info, system_calls) == 0x134, "SystemCalls at 0x134");
_Static_assert(offsetof(struct sys_perf_info, cc_total_dirty_pages) == 0x138, "0x138 bytes up to 6.0");
_Static_assert(offsetof(struct sys_perf_info, resident_available_pages) == 0x148, "0x148 bytes in 6.1");
_Static_assert(sizeof(struct sys_perf_info) == 0x158, "SYSTEM_PERFORMANCE_INFORMATION is 0x158 bytes");

#define PERF_SIZE_60 0x138u
#define PERF_SIZE_61 0x148u

/* Page counts in a ULONG field: saturated, never wrapped. */
static uint32_t pages32(uint64_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

ntstatus_t procmem_query_perf(uint64_t ubuf, uint32_t len, uint32_t *ret)
{
	uint32_t n = len >= sizeof(struct sys_perf_info) ? (uint32_t)sizeof(struct sys_perf_info) : len;
	*ret = sizeof(struct sys_perf_info);
	if (n != sizeof(struct sys_perf_info) && n != PERF_SIZE_61 && n != PERF_SIZE_60)
		return STATUS_INFO_LENGTH_MISMATCH;
	struct vm_commit_info c;
	vm_commit_get(&c);
	struct frame_stats fs;
	frame_stats(&fs);
	struct sys_perf_info p = {
		.available_pages = pages32(fs.free),
		.committed_pages = pages32(c.charged),
		.commit_limit = pages32(c.limit),
		.peak_commitment = pages32(c.peak),
		.page_fault_count = (uint32_t)vm_fault_count_total(),	/* a ULONG count: wraps as Windows' */
		.non_paged_pool_pages = pages32(fs.by_owner[FRAME_HEAP]),	/* the kernel heap is not paged */
		.resident_available_pages = (int64_t)fs.free,
	};
	*ret = n;
	return copy_to_user(ubuf, &p, n) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}
