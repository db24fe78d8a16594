/*
 * tests/bench/bench_sqlite.c - SQLite's own speedtest1 (issue 20: the first
 * application-level rows), built unchanged from Debian's source with
 * tests/sqlite.mk and started as a child (speedtest1.exe, a boot module of the
 * bench ISO), the database on C:\ as the peer's Linux anchor has it on vfat
 * (../shared/peer/linux-bench-files: the same rows, names and size):
 *
 *   sqlite_speedtest1_size10         speedtest1 --size 10 C:\speedtest1.db with its
 *                                    defaults (journal_mode DELETE, synchronous FULL:
 *                                    FlushFileBuffers at every commit), cycles from
 *                                    mm_spawn_cmdline to mm_wait returning; one run.
 *                                    The flushes wait for the host's disk, so this
 *                                    row varies from boot to boot (as Linux's does)
 *   sqlite_speedtest1_size10_nosync  the same with --nosync (synchronous OFF) on a
 *                                    fresh database: the comparable row
 *
 * A failed run prints an "info skip" line instead of its row.
 */
#include "bench.h"

#define DB "C:\\speedtest1.db"

/* One speedtest1 run with `args` on a fresh database, reported as `row`. */
static void speedtest(const char *row, const char *args)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "speedtest1.exe %s %s", args, DB);
	DeleteFileA(DB);
	ULONG pid = 0;
	DWORD code = 1;
	unsigned long long t0 = rdtsc_s();
	NTSTATUS st = mm_spawn_cmdline("speedtest1.exe", cmd, &pid);
	if (st == 0)
		st = mm_wait(pid, &code);
	unsigned long long t = rdtsc_s() - t0;
	DeleteFileA(DB);
	if (st || code) {
		printf("info skip %s: speedtest1.exe failed (status %#lx, exit %lu)\n", row, (unsigned long)st,
		       (unsigned long)code);
		return;
	}
	report(row, t * SCALE, "cycles");
}

void bench_sqlite(void)
{
	speedtest("sqlite_speedtest1_size10", "--size 10");
	speedtest("sqlite_speedtest1_size10_nosync", "--size 10 --nosync");
}
