/*
 * kernel/uaccess.c - checked copies between kernel and user memory.
 *
 * Copies go one user page at a time, so no single access spans two user
 * pages: every fault the copy takes is then on one page, which the fault
 * handler either makes accessible for that access (and the retried
 * instruction completes) or refuses (and the copy ends at its fixup).  A copy
 * of n pages therefore takes at most a few faults per page and ends, whatever
 * the pages' state (shared copy-on-write, paged out, guard, no frames left).
 * An access spanning two pages could instead see the first page paged out
 * again while the second is brought in, forever, when frames run short.
 */
#include "uaccess.h"
#include "layout.h"
#include "lock.h"
#include "mm/frame.h"
#include "mm/kpaging.h"

/* Bytes from user address u to the end of its page, at most len. */
static size_t page_chunk(uint64_t u, size_t len)
{
	size_t left = PAGE_SIZE - (u & (PAGE_SIZE - 1));
	return len < left ? len : left;
}

/* Does [u, u+len) (len > 0) lie in one page?  Then one uaccess_copy does it (the common small or 4 KiB copy). */
static bool one_page(uint64_t u, size_t len)
{
	return ((u ^ (u + len - 1)) & ~(uint64_t)(PAGE_SIZE - 1)) == 0;
}

/* The copy of a range over several user pages, a page at a time (to_user: dst is the user side, else src). */
static __attribute__((noinline)) int copy_pages(char *dst, const char *src, size_t len, bool to_user)
{
	int rc = 0;
	user_access_begin();
	for (size_t n; len && !rc; dst += n, src += n, len -= n) {
		n = page_chunk(to_user ? (uint64_t)dst : (uint64_t)src, len);
		rc = uaccess_copy(dst, src, n);
	}
	user_access_end();
	return rc;
}

/* Both directions: a range in one page is one uaccess_copy, without the page loop. */
static int copy_user(void *dst, const void *src, size_t len, bool to_user)
{
	uint64_t u = to_user ? (uint64_t)dst : (uint64_t)src;
	lockdep_assert_no_spinlocks();	/* the copy may fault and page in: never under a spinlock */
	if (!user_range_ok(u, len))
		return -1;
	if (!len || !one_page(u, len))
		return copy_pages(dst, src, len, to_user);
	return uaccess_copy_open(dst, src, len);	/* a tail call: no frame on the common path */
}

int copy_from_user(void *dst, uint64_t usrc, size_t len)
{
	return copy_user(dst, (const void *)usrc, len, false);
}

int copy_to_user(uint64_t udst, const void *src, size_t len)
{
	return copy_user((void *)udst, src, len, true);
}

/* probe_user_write over several pages: one touch per page. */
static __attribute__((noinline)) int touch_pages(uint64_t udst, size_t len)
{
	int rc = 0;
	user_access_begin();
	for (uint64_t u = udst; u < udst + len && !rc; u = (u & ~(PAGE_SIZE - 1)) + PAGE_SIZE)
		rc = uaccess_touch_write((void *)u);
	user_access_end();
	return rc;
}

int probe_user_write(uint64_t udst, size_t len)
{
	if (len == 0)
		return 0;	/* as ProbeForWrite: nothing to check */
	if (!user_range_ok(udst, len))
		return -1;
	lockdep_assert_no_spinlocks();	/* the touch may fault and page in */
	if (one_page(udst, len))
		return uaccess_touch_write_open((void *)udst);	/* an IO_STATUS_BLOCK, a handle: a tail call */
	return touch_pages(udst, len);
}

int copy_string_from_user(char *dst, uint64_t usrc, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (copy_from_user(&dst[i], usrc + i, 1))
			return -1;
		if (dst[i] == '\0')
			return 0;
	}
	return -1;
}
