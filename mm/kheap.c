/* mm/kheap.c - size-class slabs of one page each, and whole blocks for large requests. */
#include "kheap.h"
#include "frame.h"
#include "phys.h"
#include "kernel/panic.h"

#include <stdint.h>
#include <string.h>

#define SLAB_MAGIC  0x51ab51ab
#define MIN_SHIFT   4	/* 16 bytes */
#define MAX_SHIFT   11	/* 2048 bytes */
#define NCLASSES    (MAX_SHIFT - MIN_SHIFT + 1)

/* Header at the start of every slab page; objects follow at class-size alignment. */
struct slab {
	uint32_t magic;
	uint16_t shift;		/* object size = 1 << shift */
	uint16_t inuse;
	void *free;		/* singly linked free objects */
	struct slab *next, *prev;	/* partial-slab list of the class */
};

static struct slab *partial[NCLASSES];
static size_t live;

static unsigned first_object_offset(unsigned shift)
{
	unsigned size = 1u << shift;
	return (sizeof(struct slab) + size - 1) & ~(size - 1);
}

static unsigned objects_per_slab(unsigned shift)
{
	return (PAGE_SIZE - first_object_offset(shift)) >> shift;
}

static void list_remove(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		partial[s->shift - MIN_SHIFT] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void list_push(struct slab *s)
{
	struct slab **head = &partial[s->shift - MIN_SHIFT];
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static struct slab *slab_new(unsigned shift)
{
	uint64_t f = frame_alloc(0, FRAME_HEAP);
	if (!f)
		return NULL;
	struct slab *s = phys_to_virt(f);
	s->magic = SLAB_MAGIC;
	s->shift = shift;
	s->inuse = 0;
	s->free = NULL;
	char *base = (char *)s + first_object_offset(shift);
	for (int i = (int)objects_per_slab(shift) - 1; i >= 0; i--) {
		void **obj = (void **)(base + ((size_t)i << shift));
		*obj = s->free;
		s->free = obj;
	}
	list_push(s);
	return s;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > (1u << MAX_SHIFT)) {
		unsigned order = 0;
		while ((PAGE_SIZE << order) < size)
			order++;
		if (order > FRAME_MAX_ORDER)
			return NULL;
		uint64_t f = frame_alloc_zeroed(order, FRAME_HEAP);
		if (!f)
			return NULL;
		live++;
		return phys_to_virt(f);
	}
	unsigned shift = MIN_SHIFT;
	while ((1u << shift) < size)
		shift++;
	struct slab *s = partial[shift - MIN_SHIFT];
	if (!s && !(s = slab_new(shift)))
		return NULL;
	void **obj = s->free;
	s->free = *obj;
	if (++s->inuse == objects_per_slab(shift))
		list_remove(s);	/* full slabs leave the partial list */
	live++;
	memset(obj, 0, 1u << shift);
	return obj;
}

void kfree(void *p)
{
	if (!p)
		return;
	uint64_t addr = (uint64_t)p;
	if ((addr & (PAGE_SIZE - 1)) == 0) {
		struct frame *f = frame_get(virt_to_phys(p));
		if (f->owner != FRAME_HEAP)
			panic("kfree: %p is not a heap block", p);
		frame_free(virt_to_phys(p), f->order);
		live--;
		return;
	}
	struct slab *s = (struct slab *)(addr & ~(PAGE_SIZE - 1));
	if (s->magic != SLAB_MAGIC || ((addr - (uint64_t)s - first_object_offset(s->shift)) & ((1u << s->shift) - 1)))
		panic("kfree: %p was not returned by kmalloc", p);
	if (s->inuse == objects_per_slab(s->shift))
		list_push(s);	/* it was full: back on the partial list */
	void **obj = p;
	*obj = s->free;
	s->free = obj;
	s->inuse--;
	live--;
	if (s->inuse == 0) {
		list_remove(s);
		s->magic = 0;
		frame_free(virt_to_phys(s), 0);
	}
}

size_t kheap_live(void)
{
	return live;
}
