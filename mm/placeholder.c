/* mm/placeholder.c - VirtualAlloc2's address requirements and placeholders (see placeholder.h). */
#include "placeholder.h"
#include "lock.h"
#include "prot.h"
#include "section.h"
#include "vm_ext.h"
#include "paging.h"
#include "kernel/layout.h"

#define GRANULE  0x10000ULL
#define USER_END (USER_MAX_ADDR + 1)
#define PAGE_DOWN(a) ((a) & ~(PAGE_SIZE - 1))
#define PAGE_UP(a)   (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* A new placeholder VAD for [start, end), not in any tree; NULL when out of memory. */
static struct vad *placeholder_new(uint64_t start, uint64_t end)
{
	struct vad *v = vad_new(start, end, W_MEM_RESERVE, 0, W_PAGE_NOACCESS, W_MEM_PRIVATE);
	if (v)
		v->flags |= VAD_PLACEHOLDER;
	return v;
}

/* The placeholder that is exactly [start, end), or NULL. */
static struct vad *placeholder_exact(struct vm_space *vm, uint64_t start, uint64_t end)
{
	struct vad *v = start && start < USER_END ? vad_find(&vm->tree, start) : NULL;
	if (!v || !(v->flags & VAD_PLACEHOLDER) || v->start != start || v->end != end)
		return NULL;
	return v;
}

/*
 * Check req and turn it into a search window [*lo, *hi) and an alignment.
 * STATUS_INVALID_PARAMETER for bounds off the 64 KiB granularity, an
 * alignment that is not 0 or a power of two of at least 64 KiB, another
 * node than 0, or attribute flags other than the large-page ones.
 */
static ntstatus_t req_window(const struct vm_alloc_req *req, uint64_t *lo, uint64_t *hi, uint64_t *align)
{
	*lo = USER_MIN_ADDR;
	*hi = USER_END;
	*align = GRANULE;
	if (!req)
		return STATUS_SUCCESS;
	if (req->node != 0)
		return STATUS_INVALID_PARAMETER;
	if (req->attributes & ~(uint32_t)(W_MEM_EXTENDED_PARAMETER_NONPAGED_LARGE | W_MEM_EXTENDED_PARAMETER_NONPAGED_HUGE))
		return STATUS_INVALID_PARAMETER;
	if (req->lowest & (GRANULE - 1) || (req->highest && (req->highest + 1) & (GRANULE - 1)))
		return STATUS_INVALID_PARAMETER;
	if (req->alignment && (req->alignment < GRANULE || (req->alignment & (req->alignment - 1))))
		return STATUS_INVALID_PARAMETER;
	if (req->highest && (req->highest >= USER_END || req->highest < req->lowest))
		return STATUS_INVALID_PARAMETER;
	if (req->lowest >= USER_END)
		return STATUS_INVALID_PARAMETER;
	if (req->lowest > *lo)
		*lo = req->lowest;
	if (req->highest)
		*hi = req->highest + 1;
	if (req->alignment)
		*align = req->alignment;
	return STATUS_SUCCESS;
}

static bool req_constrains(const struct vm_alloc_req *req)
{
	return req && (req->lowest || req->highest || req->alignment);
}

/* MEM_RESERVE|MEM_REPLACE_PLACEHOLDER[|MEM_COMMIT]: the placeholder becomes a private allocation. */
static ntstatus_t replace_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type,
				 uint32_t protect)
{
	if ((type & ~(uint32_t)(W_MEM_REPLACE_PLACEHOLDER | W_MEM_RESERVE | W_MEM_COMMIT)) || !(type & W_MEM_RESERVE))
		return STATUS_INVALID_PARAMETER;
	if (!prot_valid(protect, true) || prot_is_writecopy(protect))
		return STATUS_INVALID_PAGE_PROTECTION;
	uint64_t addr = *base, len = *size;
	if (addr >= USER_END || len > USER_END - addr)
		return STATUS_INVALID_PARAMETER;
	struct vad *v = placeholder_exact(vm, addr, PAGE_UP(addr + len));
	if (!v)
		return STATUS_CONFLICTING_ADDRESSES;
	v->flags = (v->flags & ~(uint32_t)VAD_PLACEHOLDER) | VAD_FROM_PLACEHOLDER;
	v->alloc_protect = protect;
	if (type & W_MEM_COMMIT) {
		uint64_t b = v->start, s = v->end - v->start;
		ntstatus_t st = vm_allocate_locked(vm, &b, &s, W_MEM_COMMIT, protect);
		if (st) {	/* back to the placeholder it was */
			v->flags = (v->flags & ~(uint32_t)VAD_FROM_PLACEHOLDER) | VAD_PLACEHOLDER;
			v->alloc_protect = W_PAGE_NOACCESS;
			return st;
		}
	}
	*base = v->start;
	*size = v->end - v->start;
	return STATUS_SUCCESS;
}

static ntstatus_t allocate_ex_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type,
				     uint32_t protect, const struct vm_alloc_req *req)
{
	uint64_t lo, hi, align;
	ntstatus_t st = req_window(req, &lo, &hi, &align);
	if (st)
		return st;
	if (*size == 0)
		return STATUS_INVALID_PARAMETER;
	if ((type & W_MEM_RESERVE_PLACEHOLDER) && (type & W_MEM_REPLACE_PLACEHOLDER))
		return STATUS_INVALID_PARAMETER;
	if (type & W_MEM_REPLACE_PLACEHOLDER) {
		if (req_constrains(req))
			return STATUS_INVALID_PARAMETER;
		return replace_locked(vm, base, size, type, protect);
	}
	bool placeholder = type & W_MEM_RESERVE_PLACEHOLDER;
	if (placeholder) {	/* MEM_RESERVE|MEM_RESERVE_PLACEHOLDER (|MEM_TOP_DOWN), PAGE_NOACCESS only */
		if ((type & ~(uint32_t)(W_MEM_RESERVE_PLACEHOLDER | W_MEM_TOP_DOWN)) != W_MEM_RESERVE ||
		    protect != W_PAGE_NOACCESS)
			return STATUS_INVALID_PARAMETER;
		type &= ~(uint32_t)W_MEM_RESERVE_PLACEHOLDER;
	}
	if (req && req->attributes)	/* large pages asked for by attribute */
		type |= W_MEM_LARGE_PAGES;
	if (req_constrains(req)) {
		if (*base)
			return STATUS_INVALID_PARAMETER;	/* requirements are for a system-chosen address */
		if (!(type & (W_MEM_RESERVE | W_MEM_COMMIT)) || (type & (W_MEM_RESET | W_MEM_RESET_UNDO)))
			return STATUS_INVALID_PARAMETER;
		if (type & W_MEM_LARGE_PAGES && align < PAGE_2M)
			align = PAGE_2M;
		uint64_t len = PAGE_UP(*size);
		if (len == 0 || len > hi - lo)
			return STATUS_NO_MEMORY;
		uint64_t at = vad_find_gap(&vm->tree, len, align, lo, hi, type & W_MEM_TOP_DOWN);
		if (!at)
			return STATUS_NO_MEMORY;
		*base = at;
		type |= W_MEM_RESERVE;
	}
	st = vm_allocate_locked(vm, base, size, type, protect);
	if (!st && placeholder)
		vad_find(&vm->tree, *base)->flags |= VAD_PLACEHOLDER;
	return st;
}

ntstatus_t vm_allocate_ex(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type, uint32_t protect,
			  const struct vm_alloc_req *req)
{
	kmutex_lock(&vm->lock);
	ntstatus_t st = allocate_ex_locked(vm, base, size, type, protect, req);
	kmutex_unlock(&vm->lock);
	return st;
}

#define STATUS_INVALID_PARAMETER_3_ ((ntstatus_t)0xC00000F1)

/* See placeholder.h. */
ntstatus_t zero_bits_limit(uint64_t zero_bits, uint64_t *limit)
{
	if (zero_bits > 21 && zero_bits < 32)
		return STATUS_INVALID_PARAMETER_3_;
	/* The highest address allowed, from the leading zero bits (a mask's on 64-bit). */
	unsigned bits = zero_bits < 32 ? 32 - (unsigned)zero_bits : 64 - (unsigned)__builtin_clzll(zero_bits);
	*limit = bits >= 64 ? ~0ull : (1ull << bits) - 1;
	return STATUS_SUCCESS;
}

/* See placeholder.h. */
ntstatus_t vm_allocate_zero_bits(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type,
				 uint32_t protect, uint64_t zero_bits)
{
	uint64_t limit;
	if (zero_bits_limit(zero_bits, &limit))
		return STATUS_INVALID_PARAMETER_3_;
	if (type & (W_MEM_RESERVE_PLACEHOLDER | W_MEM_REPLACE_PLACEHOLDER))
		return STATUS_INVALID_PARAMETER;	/* NtAllocateVirtualMemoryEx's alone */
	struct vm_alloc_req req = { 0 };
	if (limit < USER_MAX_ADDR)
		req.highest = limit;
	kmutex_lock(&vm->lock);
	ntstatus_t st;
	if (*base || !req.highest)	/* an explicit address is taken as it is */
		st = vm_allocate_locked(vm, base, size, type, protect);
	else if (limit + 1 < USER_MIN_ADDR + GRANULE)
		st = *size ? STATUS_NO_MEMORY : STATUS_INVALID_PARAMETER;
	else
		st = allocate_ex_locked(vm, base, size, type, protect, &req);
	kmutex_unlock(&vm->lock);
	return st;
}

/* MEM_RELEASE|MEM_COALESCE_PLACEHOLDERS of [start, end). */
static ntstatus_t coalesce_locked(struct vm_space *vm, uint64_t start, uint64_t end)
{
	struct vad *first = vad_find(&vm->tree, start);
	if (!first)
		return STATUS_MEMORY_NOT_ALLOCATED;
	if (!(first->flags & VAD_PLACEHOLDER) || first->start != start)
		return STATUS_CONFLICTING_ADDRESSES;
	unsigned n = 1;
	struct vad *v = first;
	while (v->end < end) {
		struct vad *next = vad_next(v);
		if (!next || next->start != v->end || !(next->flags & VAD_PLACEHOLDER))
			return STATUS_CONFLICTING_ADDRESSES;
		v = next;
		n++;
	}
	if (v->end != end || n < 2)
		return STATUS_CONFLICTING_ADDRESSES;
	struct vad *merged = placeholder_new(start, end);
	if (!merged)
		return STATUS_NO_MEMORY;
	for (v = first; v && v->start < end;) {
		struct vad *next = vad_next(v);
		vad_remove(&vm->tree, v);
		vad_delete(v);
		v = next;
	}
	vad_insert(&vm->tree, merged);
	return STATUS_SUCCESS;
}

/* MEM_RELEASE|MEM_PRESERVE_PLACEHOLDER of [start, end) inside placeholder v: up to three placeholders. */
static ntstatus_t split_locked(struct vm_space *vm, struct vad *v, uint64_t start, uint64_t end)
{
	if (end > v->end)
		return STATUS_CONFLICTING_ADDRESSES;
	if ((start & (GRANULE - 1)) || ((end & (GRANULE - 1)) && end != v->end))
		return STATUS_CONFLICTING_ADDRESSES;
	if (start == v->start && end == v->end)
		return STATUS_CONFLICTING_ADDRESSES;	/* nothing to split off */
	uint64_t cut[4] = { v->start, start, end, v->end };
	struct vad *part[3] = { 0 };
	for (int i = 0; i < 3; i++) {
		if (cut[i] == cut[i + 1])
			continue;
		if (!(part[i] = placeholder_new(cut[i], cut[i + 1]))) {
			for (int j = 0; j < i; j++)
				if (part[j])
					vad_delete(part[j]);
			return STATUS_NO_MEMORY;
		}
	}
	vad_remove(&vm->tree, v);
	vad_delete(v);
	for (int i = 0; i < 3; i++)
		if (part[i])
			vad_insert(&vm->tree, part[i]);
	return STATUS_SUCCESS;
}

ntstatus_t placeholder_free_locked(struct vm_space *vm, uint64_t *base, uint64_t *size, uint32_t type)
{
	lock_assert_held(&vm->lock);
	if (type != (W_MEM_RELEASE | W_MEM_PRESERVE_PLACEHOLDER) && type != (W_MEM_RELEASE | W_MEM_COALESCE_PLACEHOLDERS))
		return STATUS_INVALID_PARAMETER;
	uint64_t addr = *base, len = *size;
	if (addr >= USER_END || len > USER_END - addr)
		return STATUS_INVALID_PARAMETER;
	uint64_t start = PAGE_DOWN(addr), end = PAGE_UP(addr + len);
	ntstatus_t st;
	if (type & W_MEM_COALESCE_PLACEHOLDERS) {
		if (len == 0)
			return STATUS_INVALID_PARAMETER;
		st = coalesce_locked(vm, start, end);
	} else {
		struct vad *v = vad_find(&vm->tree, start);
		if (!v)
			return STATUS_MEMORY_NOT_ALLOCATED;
		if (v->flags & VAD_PLACEHOLDER) {
			if (len == 0)
				return STATUS_INVALID_PARAMETER;
			st = split_locked(vm, v, start, end);
		} else if (!(v->flags & VAD_FROM_PLACEHOLDER) || v->section) {
			return v->section ? STATUS_UNABLE_TO_DELETE_SECTION_OR_VIEW : STATUS_CONFLICTING_ADDRESSES;
		} else {
			/* The whole allocation goes back to being a placeholder. */
			if (start != v->start || (len && end != v->end))
				return STATUS_CONFLICTING_ADDRESSES;
			end = v->end;
			struct vad *ph = placeholder_new(start, end);
			if (!ph)
				return STATUS_NO_MEMORY;
			uint64_t b = start, s = 0;
			st = vm_free_locked(vm, &b, &s, W_MEM_RELEASE);
			if (st) {
				vad_delete(ph);
				return st;
			}
			vad_insert(&vm->tree, ph);
		}
	}
	if (!st) {
		*base = start;
		*size = end - start;
	}
	return st;
}

ntstatus_t placeholder_map_view(struct vm_space *vm, struct section *s, uint32_t access, uint64_t *base,
				uint64_t offset, uint64_t *size, uint32_t type, uint32_t protect)
{
	kmutex_lock(&vm->lock);
	uint64_t start = *base;
	struct vad *ph = *size && start < USER_END && *size <= USER_END - start
				 ? placeholder_exact(vm, start, PAGE_UP(start + *size))
				 : NULL;
	ntstatus_t st = STATUS_CONFLICTING_ADDRESSES;
	if (ph) {
		/* Out of the tree while the view takes its place: put back when the map fails. */
		vad_remove(&vm->tree, ph);
		st = section_map(vm, s, access, base, offset, size, type, protect);
		if (st) {
			vad_insert(&vm->tree, ph);
		} else {
			vad_delete(ph);
			vad_find(&vm->tree, *base)->flags |= VAD_FROM_PLACEHOLDER;
		}
	}
	kmutex_unlock(&vm->lock);
	return st;
}

ntstatus_t placeholder_unmap_view(struct vm_space *vm, uint64_t addr, uint32_t flags)
{
	if (flags & ~(uint32_t)(W_MEM_PRESERVE_PLACEHOLDER | W_MEM_UNMAP_WITH_TRANSIENT_BOOST))
		return STATUS_INVALID_PARAMETER;
	kmutex_lock(&vm->lock);
	struct vad *v = addr < USER_END ? vad_find(&vm->tree, addr) : NULL;
	struct vad *ph = NULL;
	ntstatus_t st = STATUS_SUCCESS;
	if (!v || !v->section)
		st = STATUS_NOT_MAPPED_VIEW;
	else if ((flags & W_MEM_PRESERVE_PLACEHOLDER) && !(v->flags & VAD_FROM_PLACEHOLDER))
		st = STATUS_CONFLICTING_ADDRESSES;
	else if ((flags & W_MEM_PRESERVE_PLACEHOLDER) && !(ph = placeholder_new(v->start, v->end)))
		st = STATUS_NO_MEMORY;
	struct section *s = st ? NULL : v->section;
	if (s) {
		/* Held past the lock: a section's last reference goes (and may write its file) outside it. */
		obj_ref(&s->obj);
		vm_unlock_view(vm, addr);	/* unmapping unlocks */
		st = section_unmap(vm, addr);
		if (ph && !st)
			vad_insert(&vm->tree, ph);
		else if (ph)
			vad_delete(ph);
	}
	kmutex_unlock(&vm->lock);
	if (s)
		obj_unref(&s->obj);
	return st;
}
