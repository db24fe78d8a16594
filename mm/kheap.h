/*
 * mm/kheap.h - kmalloc/kfree for memory-manager structures.
 * Sizes up to 2048 bytes come from one-page slabs of power-of-two classes
 * (16..2048); larger sizes take whole frame blocks.  Memory is zeroed.
 * Frames are counted as FRAME_HEAP in frame_stats.
 */
#ifndef MM_KHEAP_H
#define MM_KHEAP_H

#include <stddef.h>

/* Returns zeroed memory aligned to min(size class, 16), or NULL when out of memory. */
void *kmalloc(size_t size);

/* Free memory from kmalloc; NULL is ignored; panics on a pointer kmalloc did not return. */
void kfree(void *p);

/* Number of live kmalloc allocations (for leak tests). */
size_t kheap_live(void);

#endif
