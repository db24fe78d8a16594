/*
 * tests/user/pe_share.c - two instances of one program share their image's
 * read-only pages: child_share.exe has 256 KiB of read-only code bytes that
 * each instance reads.  The first instance brings those pages in (new frames
 * of the image section); the second maps the same frames, so it costs 64
 * pages less.  Measured with the free-frame count (the same oracle as the
 * leak checks) while both run, and the frames come back when both have ended.
 * Prints what one extra instance of the program costs: its private pages.
 */
#include <string.h>

#include "pe_share.h"
#include "utest.h"

#define TEXT_PAGES (SHARE_TEXT_BYTES / 4096)

static struct share_sync *sync_view;

/* Starts child `slot` and waits until it has read its text; returns the pid (0 on failure). */
static ULONG start(int slot)
{
	char cmd[64];
	ULONG pid = 0;
	snprintf(cmd, sizeof cmd, "child_share.exe %d", slot);
	CHECK_STATUS(mm_spawn_cmdline("child_share.exe", cmd, &pid), STATUS_SUCCESS);
	for (int waited = 0; pid && !sync_view->child[slot].ready && waited < 20000; waited++)
		Sleep(1);
	CHECK(sync_view->child[slot].ready);
	return pid;
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, SHARE_SECTION);
	sync_view = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(sync_view != NULL);
	if (!sync_view)
		return utest_done("pe_share");
	memset(sync_view, 0, sizeof *sync_view);
	unsigned long long f0 = utest_free_frames();
	ULONG a = start(0);
	unsigned long long f1 = utest_free_frames();
	ULONG b = start(1);
	unsigned long long f2 = utest_free_frames();
	long long first = (long long)(f0 - f1), second = (long long)(f1 - f2);
	printf("pe_share: the first instance took %lld frames, the second %lld (its private pages); "
	       "text %llu pages resident in each, %llu of them shared\n",
	       first, second, sync_view->child[1].text_resident, sync_view->child[1].text_shared);
	/* Both saw the same code bytes at the same address. */
	CHECK_EQ(sync_view->child[0].sum, sync_view->child[1].sum);
	CHECK_EQ(sync_view->child[0].sum, 0xc3 + 0);	/* byte 0 of each page: 0xc3 on the first, zeros after */
	CHECK_EQ(sync_view->child[0].text_base, sync_view->child[1].text_base);
	CHECK(sync_view->child[0].text_resident >= TEXT_PAGES);
	CHECK(sync_view->child[1].text_resident >= TEXT_PAGES);
	CHECK(sync_view->child[1].text_shared >= TEXT_PAGES);	/* image pages are section memory */
	/* The second instance did not pay for the 64 text pages again (a few pages of slack for kernel heap growth). */
	CHECK(second > 0);
	CHECK(first - second >= TEXT_PAGES - 8);
	sync_view->go = 1;
	DWORD code = 99;
	CHECK_STATUS(mm_wait(a, &code), STATUS_SUCCESS);
	CHECK_EQ(code, 0);
	code = 99;
	CHECK_STATUS(mm_wait(b, &code), STATUS_SUCCESS);
	CHECK_EQ(code, 0);
	/* Both ended: their private pages and the image's text frames (no process maps them now) are back. */
	CHECK_EQ(utest_free_frames(), f0);
	CHECK(UnmapViewOfFile(sync_view) && CloseHandle(h));
	return utest_done("pe_share");
}
