/*
 * libc/msvcrt/malloc.c - malloc/calloc/realloc/free, _msize, _expand,
 * _recalloc and the _aligned_* family, on VirtualAlloc (HeapAlloc is a
 * later issue).  Ported from the old libc/malloc.c.
 *
 * Every block has a 16-byte header just before its 16-byte aligned
 * payload, holding the size the caller asked for (what _msize returns, as
 * in Microsoft's runtime) and the block's kind.  Small blocks (up to 4 KiB)
 * come in power-of-two classes carved from 64 KiB chunks that are never
 * returned, and are recycled through a free list per class.  Larger blocks
 * are their own VirtualAlloc region, released by free at once.  One lock
 * (_lock(CRT_LOCK_HEAP)) guards the lists and the current chunk.  A pointer
 * malloc did not return, or one freed twice, ends the process (abort).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crt.h"

#define HDR        16
#define MIN_SHIFT  4			/* smallest class: 16 bytes */
#define NCLASSES   9			/* 16 .. 4096 */
#define MAX_SMALL  ((size_t)1 << (MIN_SHIFT + NCLASSES - 1))
#define CHUNK      0x10000
#define MAX_SIZE   ((size_t)1 << 47)	/* more than any address space: fail early, no overflow below */

#define MAGIC_SMALL 0x536d6c42u
#define MAGIC_LARGE 0x4c726742u
#define MAGIC_FREE  0x46726565u

struct header {
	size_t size;		/* the size the caller asked for */
	unsigned int cls;	/* small: class index */
	unsigned int magic;
};
_Static_assert(sizeof(struct header) == HDR, "header keeps payloads 16-byte aligned");

struct free_block {
	struct free_block *next;
};

/* Guarded by _lock(CRT_LOCK_HEAP). */
static struct free_block *free_lists[NCLASSES];
static char *chunk_next, *chunk_end;

static size_t class_size(unsigned cls)
{
	return (size_t)1 << (MIN_SHIFT + cls);
}

static unsigned size_class(size_t size)
{
	unsigned cls = 0;
	while (class_size(cls) < size)
		cls++;
	return cls;
}

static struct header *hdr_of(void *p)
{
	return (struct header *)((char *)p - HDR);
}

/* The region a large block of size bytes occupies (header included). */
static size_t large_total(size_t size)
{
	return (size + HDR + 4095) & ~(size_t)4095;
}

/* A fresh small block of class cls from the current chunk, a new chunk when it is used up (lock held). */
static struct header *carve(unsigned cls)
{
	size_t need = HDR + class_size(cls);
	if (!chunk_next || (size_t)(chunk_end - chunk_next) < need) {
		char *c = VirtualAlloc(NULL, CHUNK, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!c)
			return NULL;
		chunk_next = c;
		chunk_end = c + CHUNK;
	}
	struct header *h = (struct header *)chunk_next;
	chunk_next += need;
	return h;
}

/* The header of live block p; aborts on a pointer that is not one. */
static struct header *live_header(void *p)
{
	struct header *h = hdr_of(p);
	if (h->magic == MAGIC_LARGE || (h->magic == MAGIC_SMALL && h->cls < NCLASSES))
		return h;
	abort();
}

/* The bytes block p can hold. */
static size_t capacity(struct header *h)
{
	return h->magic == MAGIC_LARGE ? large_total(h->size) - HDR : class_size(h->cls);
}

/* malloc without errno: a block of size bytes (at least 1) or NULL. */
void *crt_heap_alloc(size_t size)
{
	if (size > MAX_SIZE)
		return NULL;
	if (size > MAX_SMALL) {
		struct header *h = VirtualAlloc(NULL, large_total(size), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!h)
			return NULL;
		h->size = size;
		h->magic = MAGIC_LARGE;
		return h + 1;
	}
	unsigned cls = size_class(size ? size : 1);
	struct header *h;
	_lock(CRT_LOCK_HEAP);
	if (free_lists[cls]) {
		struct free_block *b = free_lists[cls];
		free_lists[cls] = b->next;
		h = hdr_of(b);
	} else {
		h = carve(cls);
	}
	_unlock(CRT_LOCK_HEAP);
	if (!h)
		return NULL;
	h->size = size;
	h->cls = cls;
	h->magic = MAGIC_SMALL;
	return h + 1;
}

/* free: small blocks go back to their list, large ones to the system; NULL is a no-op. */
void crt_heap_free(void *p)
{
	if (!p)
		return;
	struct header *h = live_header(p);
	if (h->magic == MAGIC_LARGE) {
		h->magic = MAGIC_FREE;
		if (!VirtualFree(h, 0, MEM_RELEASE))
			abort();
		return;
	}
	h->magic = MAGIC_FREE;
	struct free_block *b = p;
	_lock(CRT_LOCK_HEAP);
	b->next = free_lists[h->cls];
	free_lists[h->cls] = b;
	_unlock(CRT_LOCK_HEAP);
}

/* A 16-byte aligned block of size bytes (0 gives a unique block); NULL with errno ENOMEM. */
void *__cdecl malloc(size_t size)
{
	void *p = crt_heap_alloc(size);
	if (!p)
		errno = ENOMEM;
	return p;
}

/* Frees a block from malloc, calloc or realloc; NULL is a no-op. */
void __cdecl free(void *p)
{
	crt_heap_free(p);
}

/* malloc of n*size zeroed bytes; NULL with ENOMEM on overflow or no memory. */
void *__cdecl calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	size_t total = n * size;
	void *p = malloc(total);
	if (p && total <= MAX_SMALL)	/* large blocks are fresh VirtualAlloc memory, already zero */
		memset(p, 0, total);
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
	struct header *h = live_header(p);
	if (size <= capacity(h)) {
		h->size = size;
		return p;
	}
	void *q = malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, h->size);
	free(p);
	return q;
}

/* The size last asked for block p. */
size_t __cdecl _msize(void *p)
{
	if (!p) {
		errno = EINVAL;
		return (size_t)-1;
	}
	return live_header(p)->size;
}

/* Resizes p in place: p when size fits its block, else NULL (ENOMEM) and p unchanged. */
void *__cdecl _expand(void *p, size_t size)
{
	if (!p) {
		errno = EINVAL;
		return NULL;
	}
	struct header *h = live_header(p);
	if (size > capacity(h)) {
		errno = ENOMEM;
		return NULL;
	}
	h->size = size;
	return p;
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
