/* tests/demo/step_fork.c - fork() shares every private frame copy-on-write, then copies page by page. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tour.h"

int step_fork(struct tour *t)
{
	(void)t;
	char *p = VirtualAlloc(NULL, 16 * TOUR_PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (tour_check(p != NULL, "16 pages committed"))
		return 1;
	for (int i = 0; i < 16; i++)
		p[i * TOUR_PAGE] = 'P';
	struct abi_memory_frames_info f = tour_frames(p);
	printf("committed and wrote 16 pages at %p: resident %llu, shared %llu\n", (void *)p, f.resident, f.shared);
	int failed = tour_check(f.resident == 16 && f.shared == 0, "16 private frames");
	/* Flags in a pagefile-backed section (shared across fork) order the two sides without timing. */
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, TOUR_PAGE, NULL);
	volatile LONG *flag = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (tour_check(flag != NULL, "a shared page for the two sides"))
		return failed + 1;
	pid_t pid = fork();
	if (pid == 0) {
		while (!flag[2])	/* the parent counts first: on another CPU the child could write before it looks */
			Sleep(1);
		for (int i = 0; i < 4; i++)
			p[i * TOUR_PAGE] = 'C';
		struct abi_memory_frames_info c = tour_frames(p);
		printf("  child %d: wrote pages 0-3; each write copied one page: resident %llu, shared %llu\n", getpid(),
		       c.resident, c.shared);
		int ok = c.shared == 12 && p[4 * TOUR_PAGE] == 'P';
		flag[0] = 1;	/* written */
		while (!flag[1])	/* stay alive while the parent looks */
			Sleep(1);
		_exit(ok ? 0 : 1);
	}
	f = tour_frames(p);
	printf("fork() = %d: the child got a copy of the page tables, not of the memory; every frame is\n"
	       "  now shared, read-only in both, copy-on-write: resident %llu, shared %llu\n", (int)pid, f.resident, f.shared);
	failed += tour_check(pid > 0 && f.shared == 16, "all 16 frames shared after fork");
	flag[2] = 1;	/* counted: the child may write */
	for (int waited = 0; !flag[0] && waited < 10000; waited++)	/* the child runs and writes */
		Sleep(1);
	f = tour_frames(p);
	printf("parent: the child's 4 copies left 12 frames shared (shared %llu); parent writes page 15:\n", f.shared);
	failed += tour_check(f.shared == 12, "12 still shared");
	p[15 * TOUR_PAGE] = 'p';
	f = tour_frames(p);
	printf("  a copy for the parent too (shared %llu), and the parent still reads '%c' on page 0\n", f.shared, p[0]);
	failed += tour_check(f.shared == 11 && p[0] == 'P', "the parent's data never changed");
	flag[1] = 1;	/* the child may go */
	int status = -1;
	waitpid(pid, &status, 0);
	f = tour_frames(p);
	printf("the child exited (status %d); its references went with it: shared %llu.  A frame whose\n"
	       "  last reference writes is reused in place, without a copy.\n", WEXITSTATUS(status), f.shared);
	failed += tour_check(WIFEXITED(status) && WEXITSTATUS(status) == 0 && f.shared == 0, "nothing shared any more");
	UnmapViewOfFile((void *)flag);
	CloseHandle(h);
	return failed;
}
