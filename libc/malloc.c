/*
 * libc/malloc.c - malloc/calloc/realloc/free on VirtualAlloc.
 *
 * Every block has a 16-byte header just before the 16-byte aligned payload.
 * Small blocks (payload <= 4 KiB) come in power-of-two size classes carved
 * from 64 KiB chunks (committed read-write, never returned) and are recycled
 * through one free list per class.  Larger blocks are their own VirtualAlloc
 * region and free() releases them at once.  One thread, no locking.
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define HDR        16
#define MIN_SHIFT  4			/* smallest class: 16 bytes */
#define NCLASSES   9			/* 16 .. 4096 */
#define MAX_SMALL  ((size_t)1 << (MIN_SHIFT + NCLASSES - 1))
#define CHUNK      0x10000

#define MAGIC_SMALL 0x536d616c6c426c6bull
#define MAGIC_LARGE 0x4c61726765426c6bull
#define MAGIC_FREE  0x46726565426c6b21ull

struct header {
	size_t info;		/* small: class index; large: payload capacity */
	unsigned long long magic;
};
_Static_assert(sizeof(struct header) == HDR, "header keeps payloads 16-byte aligned");

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[NCLASSES];
static char *chunk_next, *chunk_end;

static size_t class_size(int cls)
{
	return (size_t)1 << (MIN_SHIFT + cls);
}

static int size_class(size_t size)
{
	int cls = 0;
	while (class_size(cls) < size)
		cls++;
	return cls;
}

static struct header *hdr_of(void *p)
{
	return (struct header *)((char *)p - HDR);
}

/* A fresh small block of class cls from the current chunk (a new chunk when it is used up). */
static struct header *carve(int cls)
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

void *malloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > MAX_SMALL) {
		if (size > ((size_t)1 << 47))
			return NULL;
		size_t total = (size + HDR + 4095) & ~(size_t)4095;
		struct header *h = VirtualAlloc(NULL, total, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
		if (!h)
			return NULL;
		h->info = total - HDR;
		h->magic = MAGIC_LARGE;
		return h + 1;
	}
	int cls = size_class(size);
	struct header *h;
	if (free_lists[cls]) {
		struct free_block *b = free_lists[cls];
		free_lists[cls] = b->next;
		h = hdr_of(b);
	} else {
		h = carve(cls);
		if (!h)
			return NULL;
	}
	h->info = (size_t)cls;
	h->magic = MAGIC_SMALL;
	return h + 1;
}

/* The usable size of a live block; aborts on a pointer malloc did not return. */
static size_t capacity(void *p)
{
	struct header *h = hdr_of(p);
	if (h->magic == MAGIC_LARGE)
		return h->info;
	if (h->magic == MAGIC_SMALL && h->info < NCLASSES)
		return class_size((int)h->info);
	abort();
}

void free(void *p)
{
	if (!p)
		return;
	struct header *h = hdr_of(p);
	if (h->magic == MAGIC_LARGE) {
		h->magic = MAGIC_FREE;
		if (!VirtualFree(h, 0, MEM_RELEASE))
			abort();
		return;
	}
	if (h->magic != MAGIC_SMALL || h->info >= NCLASSES)
		abort();	/* double free or a foreign pointer */
	h->magic = MAGIC_FREE;
	struct free_block *b = p;
	b->next = free_lists[h->info];
	free_lists[h->info] = b;
}

void *calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	size_t total = n * size;
	void *p = malloc(total);
	/* Large blocks are fresh VirtualAlloc memory, already zero. */
	if (p && total <= MAX_SMALL)
		memset(p, 0, total);
	return p;
}

void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	size_t cap = capacity(p);
	if (size <= cap)
		return p;
	void *q = malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, cap);
	free(p);
	return q;
}
