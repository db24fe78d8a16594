/* tests/user/img_disk.h - what img_disk.c and its child_imgdisk.c instances share through a named section. */
#ifndef TESTS_USER_IMG_DISK_H
#define TESTS_USER_IMG_DISK_H

#define IMG_SYNC_SECTION "img_disk_sync"
#define IMG_BLOB_BYTES   (2 * 1024 * 1024)

struct img_sync {
	volatile int ready[2];		/* instance SLOT has read its blob */
	volatile unsigned sum[2];	/* of the blob's first byte per page */
	volatile int go;		/* the parent has measured: exit */
};

#endif
