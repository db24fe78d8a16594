/*
 * tests/user/fork_view.c - fork and the private copies of view pages.
 *
 * fork shares a view's private copies (the pages a write-copy write or the
 * loader copied) copy-on-write and lets the child fault everything else
 * back from the section (mm/section.c view_fork, only the span of pages
 * that ever held a copy is walked).  Checked here: a copy made read-only
 * again is still the child's, pages never mapped by the parent (inside and
 * outside the span) read the section's bytes, a page of the parent's own
 * image copied by a PAGE_WRITECOPY write, a grandchild forked from the
 * child, and a write by the parent after fork never seen by the child.
 *
 * A child reports through its exit code: 0 when all is well, else the line
 * number of the first failed expectation.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define P 0x1000ULL
#define NPAGES 16

/* In a child: leave with the line number unless c holds. */
#define EXPECT(c)                      \
	do {                           \
		if (!(c))              \
			_exit(__LINE__); \
	} while (0)

/* Three pages of the image's read-only data, each with its own first byte. */
__attribute__((aligned(4096))) static const unsigned char rdata_pages[3 * 4096] = {
	[0] = 0x11, [4096] = 0x22, [8192] = 0x33,
};

/* Wait for pid and return its exit code (-1 when it did not exit normally). */
static int reap(pid_t pid)
{
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Spin (sleeping) until *flag reaches want; false after about 5 s. */
static int wait_flag(volatile LONG *flag, LONG want)
{
	for (int i = 0; i < 5000; i++) {
		if (*flag >= want)
			return 1;
		Sleep(1);
	}
	return 0;
}

static void copied_view_pages(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, NPAGES * P, NULL);
	HANDLE hs = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, P, NULL);
	char *v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	char *c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	volatile LONG *sync = MapViewOfFile(hs, FILE_MAP_WRITE, 0, 0, 0);
	CHECK(v && c && sync);
	for (int i = 0; i < NPAGES; i++)
		v[i * P] = (char)('a' + i);
	c[3 * P] = 'X';	/* private copies of pages 3 and 12 */
	c[12 * P] = 'Y';
	DWORD old = 0;
	CHECK(VirtualProtect(c + 12 * P, P, PAGE_READONLY, &old));	/* still a private page, now read-only */
	CHECK_EQ(old, (DWORD)PAGE_READWRITE);
	CHECK_EQ(c[14 * P], 'o');	/* mapped (the section's frame), outside the copied span */
	pid_t pid = fork();
	if (pid == 0) {
		EXPECT(c[3 * P] == 'X' && c[12 * P] == 'Y');
		EXPECT(c[0] == 'a' && c[7 * P] == 'h' && c[15 * P] == 'p');	/* never copied: the section's bytes */
		sync[0] = 1;
		EXPECT(wait_flag(&sync[1], 1));	/* the parent wrote meanwhile */
		EXPECT(c[3 * P] == 'X');	/* its write to its copy is its own */
		EXPECT(c[14 * P] == 's');	/* a section page: the write through the shared view shows */
		EXPECT(c[5 * P] == 'S' && v[5 * P] == 'S');	/* not copied here: this view still shows the section */
		pid_t g = fork();	/* a grandchild inherits the copies (and the span) */
		if (g == 0) {
			EXPECT(c[3 * P] == 'X' && c[12 * P] == 'Y' && c[4 * P] == 'e');
			c[4 * P] = 'G';
			_exit(0);
		}
		int st = -1;
		EXPECT(g > 0 && waitpid(g, &st, 0) == g && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		EXPECT(c[4 * P] == 'e' && c[12 * P] == 'Y');
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK(wait_flag(&sync[0], 1));
	c[3 * P] = 'Z';	/* the parent's write after fork: a copy of its own */
	v[14 * P] = 's';
	v[5 * P] = 'S';
	c[5 * P] = 'f';	/* the parent's copy of that page: the child's view still shows the section */
	sync[1] = 1;
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(c[3 * P], 'Z');
	CHECK_EQ(c[12 * P], 'Y');
	CHECK_EQ(c[4 * P], 'e');
	CHECK_EQ(c[14 * P], 's');
	CHECK(UnmapViewOfFile(v) && UnmapViewOfFile(c) && UnmapViewOfFile((void *)sync));
	CHECK(CloseHandle(h) && CloseHandle(hs));
}

static void image_page_copied(void)
{
	volatile const unsigned char *r = rdata_pages;
	unsigned char *page1 = (unsigned char *)rdata_pages + 4096;
	MEMORY_BASIC_INFORMATION mbi;
	CHECK(VirtualQuery(page1, &mbi, sizeof(mbi)) == sizeof(mbi));
	CHECK_EQ(mbi.Type, (DWORD)MEM_IMAGE);
	DWORD old = 0;
	CHECK(VirtualProtect(page1, 4096, PAGE_WRITECOPY, &old));
	CHECK_EQ(old, (DWORD)PAGE_READONLY);
	page1[0] = 0x99;	/* the parent's private copy of an image page */
	CHECK(VirtualProtect(page1, 4096, PAGE_READONLY, &old));
	CHECK_EQ(r[4096], 0x99);
	pid_t pid = fork();
	if (pid == 0) {
		EXPECT(r[4096] == 0x99);	/* the copy, not the image's byte */
		EXPECT(r[8192] == 0x33 && r[0] == 0x11);	/* the image's pages, faulted from the image */
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(r[4096], 0x99);
	CHECK_EQ(r[8192], 0x33);
}

int main(void)
{
	utest_probe_init();
	utest_prefault_stack(64 * 1024);
	image_page_copied();	/* first: its copy of the image page stays (the process's own) */
	unsigned long long before = utest_free_frames();
	copied_view_pages();
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("fork_view");
}
