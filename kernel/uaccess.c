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

bool user_range_ok(uint64_t addr, size_t len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

/* Bytes from user address u to the end of its page, at most len. */
static size_t page_chunk(uint64_t u, size_t len)
{
	size_t left = PAGE_SIZE - (u & (PAGE_SIZE - 1));
	return len < left ? len : left;
}

int copy_from_user(void *dst, uint64_t usrc, size_t len)
{
	lockdep_assert_no_spinlocks();	/* the copy may fault and page in: never under a spinlock */
	if (!user_range_ok(usrc, len))
		return -1;
	int rc = 0;
	user_access_begin();
	for (size_t n; len && !rc; dst = (char *)dst + n, usrc += n, len -= n) {
		n = page_chunk(usrc, len);
		rc = uaccess_copy(dst, (const void *)usrc, n);
	}
	user_access_end();
	return rc;
}

int copy_to_user(uint64_t udst, const void *src, size_t len)
{
	lockdep_assert_no_spinlocks();	/* the copy may fault and page in: never under a spinlock */
	if (!user_range_ok(udst, len))
		return -1;
	int rc = 0;
	user_access_begin();
	for (size_t n; len && !rc; src = (const char *)src + n, udst += n, len -= n) {
		n = page_chunk(udst, len);
		rc = uaccess_copy((void *)udst, src, n);
	}
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
	int rc = 0;
	user_access_begin();
	for (uint64_t u = udst; u < udst + len && !rc; u = (u & ~(PAGE_SIZE - 1)) + PAGE_SIZE)
		rc = uaccess_touch_write((void *)u);
	user_access_end();
	return rc;
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
