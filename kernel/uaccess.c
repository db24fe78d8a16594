/* kernel/uaccess.c - checked copies between kernel and user memory. */
#include "uaccess.h"
#include "layout.h"
#include "mm/kpaging.h"

bool user_range_ok(uint64_t addr, size_t len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

int copy_from_user(void *dst, uint64_t usrc, size_t len)
{
	if (!user_range_ok(usrc, len))
		return -1;
	user_access_begin();
	int rc = uaccess_copy(dst, (const void *)usrc, len);
	user_access_end();
	return rc;
}

int copy_to_user(uint64_t udst, const void *src, size_t len)
{
	if (!user_range_ok(udst, len))
		return -1;
	user_access_begin();
	int rc = uaccess_copy((void *)udst, src, len);
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
