/* link: -s -Wl,--file-alignment=4096 */
/*
 * tests/user/child_imgdisk.c - the program img_disk.c starts from C:\ with
 * CreateProcess.  Linked with 4 KiB file alignment (and stripped), so its
 * read-only pages are the file's pages unchanged and map the page cache's
 * frames.  Modes:
 *   args 7 "two words"  exits 42 when its command line arrived as given, 1 otherwise
 *   exit N              exits N
 *   share SLOT          reads every page of its 2 MiB of read-only data, says so in
 *                       img_disk's named section, waits for the parent's go, exits 0
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "img_disk.h"

/* 2 MiB in .rdata: read-only image pages, the file's own bytes (4 KiB aligned in the file). */
const unsigned char img_blob[IMG_BLOB_BYTES] = { 0x5a, 1, 2, 3 };

static int share(int slot)
{
	HANDLE h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, IMG_SYNC_SECTION);
	struct img_sync *s = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (!s || slot < 0 || slot > 1)
		return 1;
	unsigned sum = 0;
	for (unsigned i = 0; i < IMG_BLOB_BYTES; i += 4096)
		sum += ((const volatile unsigned char *)img_blob)[i];
	s->sum[slot] = sum;
	MemoryBarrier();
	s->ready[slot] = 1;
	for (int waited = 0; !s->go && waited < 30000; waited++)
		Sleep(1);
	return s->go ? 0 : 2;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "args") == 0)
		return strcmp(argv[2], "7") == 0 && strcmp(argv[3], "two words") == 0 ? 42 : 1;
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "share") == 0)
		return share(argv[2][0] - '0');
	return 1;
}
