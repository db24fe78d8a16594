/*
 * tests/user/smp_fork.c - issue 18: fork makes every private page
 * copy-on-write in the parent too, so a parent's thread on another CPU
 * must lose its writable TLB entries before fork returns: a parent's write
 * after fork returned is never seen by the child.
 *
 * Touchers pinned on the other CPUs keep writing increasing values (a
 * counter per toucher) into their words of a private page, in a pure user
 * loop (tests/user/smp_common.h, SMP_KEEP).  Each round the main thread
 * forks; the parent publishes the closed phase after fork returned, each
 * toucher writes once more (last[i]) and stops; the parent hands those
 * values to the child through a shared section view, and the child checks
 * that its copy of every word holds an older value.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "smp_common.h"

#define PG 4096ULL

static struct smp_round R;
static HANDLE th[SMP_MAX_TOUCHERS];
static struct smp_toucher_arg targ[SMP_MAX_TOUCHERS];

/* Shared between parent and child (a section view stays shared across fork). */
struct shared {
	volatile LONG go;	/* the round whose values are in last[] */
	volatile unsigned long long last[SMP_MAX_TOUCHERS];
};

/* The child: waits for the parent's values of this round, then checks its copies are older. */
static void child(struct shared *s, LONG round)
{
	DWORD t0 = GetTickCount();
	while (s->go != round) {
		if (GetTickCount() - t0 > 30000)
			_exit(2);
		Sleep(1);
	}
	for (int i = 0; i < R.n; i++) {
		unsigned long long mine = *R.target[i] & ~SMP_MARK, after = s->last[i] & ~SMP_MARK;
		if (mine >= after)
			_exit(10 + i);	/* a write made after fork returned reached the child */
	}
	_exit(0);
}

int main(void)
{
	smp_probe_init();
	printf("smp_fork: %u CPUs\n", smp_ncpu());	/* before the baseline: stdout's buffer */
	struct mt_oracle o;
	mt_warm_begin(&o);
	HANDLE sec = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)PG, NULL);
	CHECK(sec != NULL);
	struct shared *s = sec ? MapViewOfFile(sec, FILE_MAP_WRITE, 0, 0, PG) : NULL;
	char *page = VirtualAlloc(NULL, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(s != NULL && page != NULL);
	if (!s || !page)
		return mt_done("smp_fork");
	memset(&R, 0, sizeof R);
	R.n = smp_touchers();
	R.mode = SMP_KEEP;
	for (int i = 0; i < R.n; i++)
		R.target[i] = (volatile unsigned long long *)(page + 64 * (unsigned)i);
	smp_start(&R, th, targ);
	unsigned done = 0, rounds = mt_iters(15);
	DWORD deadline = mt_deadline(4000);
	for (LONG r = 1; r <= (LONG)rounds && !mt_expired(deadline); r++) {
		if (!smp_open(&R, r))
			break;
		pid_t pid = fork();
		if (pid == 0)
			child(s, r);
		CHECK(pid > 0);
		if (pid <= 0)
			break;
		int acked = smp_close(&R, r);
		for (int i = 0; i < R.n; i++) {
			s->last[i] = R.last[i];
			CHECK_EQ(*R.target[i], R.last[i]);	/* the parent sees its own write */
		}
		s->go = r;
		int status = -1;
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 0);	/* 10 + i: toucher i's later write reached the child */
		if (!acked)
			break;
		done++;
	}
	smp_stop(&R, th);
	printf("  fork: %u rounds, %d touchers\n", done, R.n);
	CHECK(done >= 5);
	CHECK(VirtualFree(page, 0, MEM_RELEASE));
	CHECK(UnmapViewOfFile(s));
	CHECK(CloseHandle(sec));
	smp_pin(GetCurrentThread(), 0);
	mt_oracle_end(&o, "fork");
	return mt_done("smp_fork");
}
