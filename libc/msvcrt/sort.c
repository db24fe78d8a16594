/*
 * libc/msvcrt/sort.c - qsort (median-of-three quicksort, insertion sort
 * below 8 elements, recursion on the smaller part so the stack stays
 * O(log n)) and bsearch.  Like Microsoft's, qsort is not stable.
 */
#include <stdlib.h>

#include "crt.h"

typedef int(__cdecl *cmp_fn)(const void *, const void *);

/* Swaps two elements of size bytes. */
static void swap(char *a, char *b, size_t size)
{
	if (a == b)
		return;
	while (size--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Insertion sort of n elements. */
static void insertion(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
			swap(base + (j - 1) * size, base + j * size, size);
}

/* Sorts n elements of size bytes at base in ascending cmp order. */
void __cdecl qsort(void *base_, size_t n, size_t size, cmp_fn cmp)
{
	char *base = base_;
	while (n >= 8) {
		char *lo = base, *mid = base + (n / 2) * size, *hi = base + (n - 1) * size;
		/* Median of three into mid, then park the pivot at lo. */
		if (cmp(lo, mid) > 0)
			swap(lo, mid, size);
		if (cmp(mid, hi) > 0)
			swap(mid, hi, size);
		if (cmp(lo, mid) > 0)
			swap(lo, mid, size);
		swap(lo, mid, size);
		/* Hoare partition around the pivot at lo. */
		char *i = lo, *j = hi + size;
		for (;;) {
			do
				i += size;
			while (i <= hi && cmp(i, lo) < 0);
			do
				j -= size;
			while (cmp(j, lo) > 0);
			if (i >= j)
				break;
			swap(i, j, size);
		}
		swap(lo, j, size);
		size_t left = (size_t)(j - base) / size, right = n - left - 1;
		if (left < right) {
			qsort(base, left, size, cmp);
			base = j + size;
			n = right;
		} else {
			qsort(j + size, right, size, cmp);
			n = left;
		}
	}
	insertion(base, n, size, cmp);
}

/* The element of the sorted array equal to key by cmp, or NULL. */
void *__cdecl bsearch(const void *key, const void *base, size_t n, size_t size, cmp_fn cmp)
{
	const char *lo = base;
	while (n) {
		const char *mid = lo + (n / 2) * size;
		int c = cmp(key, mid);
		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			lo = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}
