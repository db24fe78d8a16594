/*
 * libc/msvcrt/malloc.c - malloc/calloc/realloc/free, _msize, _expand,
 * _recalloc and the _aligned_* family on the process heap (HeapAlloc,
 * libc/ntdll/heap_*.c), as Microsoft's runtime does: _msize is HeapSize (the
 * size asked for), free of a pointer that is not a live block raises
 * STATUS_HEAP_CORRUPTION in the heap.  The heap is thread-safe itself, so
 * no runtime lock is taken.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crt.h"

#define MAX_SIZE ((size_t)1 << 47)	/* more than any address space: fail early, no overflow below */

/* The process heap (constant for the process's life). */
static inline HANDLE crt_heap(void)
{
	return GetProcessHeap();
}

/* malloc without errno: a block of size bytes or NULL. */
void *crt_heap_alloc(size_t size)
{
	return HeapAlloc(crt_heap(), 0, size);
}

/* free without errno; NULL is a no-op. */
void crt_heap_free(void *p)
{
	if (p)
		HeapFree(crt_heap(), 0, p);
}

/* A 16-byte aligned block of size bytes (0 gives a unique block); NULL with errno ENOMEM. */
void *__cdecl malloc(size_t size)
{
	void *p = size <= MAX_SIZE ? HeapAlloc(crt_heap(), 0, size) : NULL;
	if (!p)
		errno = ENOMEM;
	return p;
}

/* Frees a block from malloc, calloc or realloc; NULL is a no-op. */
void __cdecl free(void *p)
{
	if (p)
		HeapFree(crt_heap(), 0, p);
}

/* malloc of n*size zeroed bytes; NULL with ENOMEM on overflow or no memory. */
void *__cdecl calloc(size_t n, size_t size)
{
	if (size && n > MAX_SIZE / size) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = HeapAlloc(crt_heap(), HEAP_ZERO_MEMORY, n * size);
	if (!p)
		errno = ENOMEM;
	return p;
}

/* Resizes p, moving it when it does not fit; realloc(NULL, n) = malloc(n); size 0 frees p and
 * returns NULL (Microsoft's rule).  On failure p is kept and NULL returned (ENOMEM). */
void *__cdecl realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	void *q = size <= MAX_SIZE ? HeapReAlloc(crt_heap(), 0, p, size) : NULL;
	if (!q)
		errno = ENOMEM;
	return q;
}

/* The size last asked for block p; -1 (EINVAL) for NULL. */
size_t __cdecl _msize(void *p)
{
	if (!p) {
		errno = EINVAL;
		return (size_t)-1;
	}
	return HeapSize(crt_heap(), 0, p);
}

/* Resizes p in place: p when it can stay where it is, else NULL (ENOMEM) and p unchanged. */
void *__cdecl _expand(void *p, size_t size)
{
	if (!p) {
		errno = EINVAL;
		return NULL;
	}
	void *q = size <= MAX_SIZE ? HeapReAlloc(crt_heap(), HEAP_REALLOC_IN_PLACE_ONLY, p, size ? size : 1) : NULL;
	if (!q)
		errno = ENOMEM;
	return q;
}

/* realloc to n*size bytes, zeroing the bytes beyond the old size. */
void *__cdecl _recalloc(void *p, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	size_t old = p ? _msize(p) : 0, total = n * size;
	void *q = realloc(p, total);
	if (q && total > old)
		memset((char *)q + old, 0, total - old);
	return q;
}

/* A block of size bytes whose address plus offset is a multiple of align (a power of two);
 * the malloc'ed block's address is kept in the pointer-sized slot below the result.
 * NULL with EINVAL for a bad align or offset >= size, ENOMEM when out of memory. */
void *__cdecl _aligned_offset_malloc(size_t size, size_t align, size_t offset)
{
	if (!align || (align & (align - 1)) || (offset && offset >= size)) {
		errno = EINVAL;
		return NULL;
	}
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (size > MAX_SIZE || align > MAX_SIZE) {
		errno = ENOMEM;
		return NULL;
	}
	size_t gap = (0 - offset) & (sizeof(void *) - 1);	/* keeps the slot below aligned */
	char *raw = malloc(size + align + sizeof(void *) + gap);
	if (!raw)
		return NULL;
	uintptr_t at = ((uintptr_t)raw + sizeof(void *) + gap + offset + align - 1) & ~(uintptr_t)(align - 1);
	char *p = (char *)(at - offset);
	((void **)((uintptr_t)p & ~(uintptr_t)(sizeof(void *) - 1)))[-1] = raw;
	return p;
}

/* _aligned_offset_malloc with offset 0. */
void *__cdecl _aligned_malloc(size_t size, size_t align)
{
	return _aligned_offset_malloc(size, align, 0);
}

/* The malloc'ed block behind aligned pointer p. */
static void *aligned_raw(void *p)
{
	return ((void **)((uintptr_t)p & ~(uintptr_t)(sizeof(void *) - 1)))[-1];
}

/* Frees a block from the _aligned_* allocators; NULL is a no-op. */
void __cdecl _aligned_free(void *p)
{
	if (p)
		free(aligned_raw(p));
}

/* The usable size of aligned block p: at least the size asked for (the block may hold a few bytes more). */
size_t __cdecl _aligned_msize(void *p, size_t align, size_t offset)
{
	(void)align;
	(void)offset;
	if (!p) {
		errno = EINVAL;
		return (size_t)-1;
	}
	char *raw = aligned_raw(p);
	return _msize(raw) - (size_t)((char *)p - raw);
}

/* Resizes an aligned block (new alignment align and offset); NULL p allocates, size 0 frees. */
void *__cdecl _aligned_offset_realloc(void *p, size_t size, size_t align, size_t offset)
{
	if (!p)
		return _aligned_offset_malloc(size, align, offset);
	if (!size) {
		_aligned_free(p);
		return NULL;
	}
	void *q = _aligned_offset_malloc(size, align, offset);
	if (!q)
		return NULL;
	size_t old = _aligned_msize(p, align, offset);
	memcpy(q, p, old < size ? old : size);
	_aligned_free(p);
	return q;
}

/* _aligned_offset_realloc with offset 0. */
void *__cdecl _aligned_realloc(void *p, size_t size, size_t align)
{
	return _aligned_offset_realloc(p, size, align, 0);
}
