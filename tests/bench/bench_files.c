/*
 * tests/bench/bench_files.c - the file rows of the Linux peer
 * ../shared/peer/linux-bench-files (bench_files.c) through the Win32 file API
 * on C: (FAT32, 4 KiB clusters, a virtio-blk disk like the peer's vfat disk).
 *
 * Set-up (untimed), as the peer: C:\big.dat, 64 MiB written in 1 MiB
 * WriteFiles, each page holding its page number, FlushFileBuffers, kept open;
 * C:\cd created.  Then, with the peer's names, iteration counts and LCG:
 *   file_pread_4k_cached      ReadFile of 4 KiB at an OVERLAPPED offset (a
 *                             synchronous handle: the offset is the pread
 *                             offset), a pseudo-random page of 16384 (LCG seed 1)
 *   file_pwrite_4k_cached     the same with WriteFile (seed 2)
 *   file_create_delete_empty  CreateFileW(CREATE_NEW) + CloseHandle + DeleteFileW
 *                             of C:\cd\create_delete.tmp (a long name: LFN + alias)
 *   file_seq_read_64m_cold    the cache emptied of big.dat, then ReadFile of 64 KiB
 *                             until the end: pages per million cycles, median of 3.
 *                             Emptying: every handle closed, then an open with
 *                             FILE_FLAG_NO_BUFFERING, which (as in Windows' FAT
 *                             driver) flushes and purges the cached data of a file
 *                             no cached handle has open.  Linux's drop_caches also
 *                             drops FAT and directory buffers; ours keeps them
 *   file_seq_read_64m_warm    the same reads again on the cached file, median of 5
 * Ours only (no Linux row with this name; the peer's fsync row is msync on a
 * mapping, issue 20):
 *   file_write_flush_4k       WriteFile of one cached page + FlushFileBuffers:
 *                             one 4 KiB disk write, the entry, FAT and FSInfo
 * The peer's _cpu rows are not printed: our virtio-blk driver polls, so the
 * reader's CPU time equals the elapsed cycles of the cold row.
 */
#include "bench.h"

#define BIG_SIZE  (64 * MiB)
#define BIG_PAGES (BIG_SIZE / PAGE)

static HANDLE big = INVALID_HANDLE_VALUE;
static unsigned long long lcg_state;

/* The peer's fixed pseudo-random page numbers. */
static unsigned long long lcg_page(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (lcg_state >> 33) % BIG_PAGES;
}

static HANDLE open_big(DWORD access, DWORD flags)
{
	HANDLE h = CreateFileW(L"C:\\big.dat", access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, flags, NULL);
	if (h == INVALID_HANDLE_VALUE)
		die("open big.dat");
	return h;
}

static void make_big_file(void)
{
	big = CreateFileW(L"C:\\big.dat", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			  CREATE_ALWAYS, 0, NULL);
	if (big == INVALID_HANDLE_VALUE)
		die("create big.dat");
	char *buf = alloc(MiB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	for (unsigned long long off = 0; off < BIG_SIZE; off += MiB) {
		for (unsigned long long o = 0; o < MiB; o += PAGE)
			*(unsigned long long *)(buf + o) = (off + o) / PAGE;
		DWORD n;
		if (!WriteFile(big, buf, (DWORD)MiB, &n, NULL) || n != MiB)
			die("write big.dat");
	}
	if (!FlushFileBuffers(big))
		die("flush big.dat");
	release(buf);
	if (!CreateDirectoryW(L"C:\\cd", NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
		die("mkdir cd");
}

/* N random 4 KiB ReadFiles or WriteFiles of big.dat at OVERLAPPED offsets (the peer's LCG from seed), per REPS. */
static unsigned long long random_io(char *buf, int write, unsigned long long seed)
{
	const int N = 64;
	unsigned long long v[REPS];
	lcg_state = seed;
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++) {
			unsigned long long off = lcg_page() * PAGE;
			OVERLAPPED ov = { .Offset = (DWORD)off, .OffsetHigh = (DWORD)(off >> 32) };
			DWORD n;
			BOOL ok = write ? WriteFile(big, buf, (DWORD)PAGE, &n, &ov) : ReadFile(big, buf, (DWORD)PAGE, &n, &ov);
			if (!ok || n != PAGE)
				die(write ? "pwrite" : "pread");
		}
		v[r] = per(rdtsc_s() - t0, N);
	}
	return median(v, REPS);
}

static void bench_pread_pwrite(void)
{
	unsigned long long v[REPS];
	char *buf = alloc(PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	touch(buf, PAGE);
	report("file_pread_4k_cached", random_io(buf, 0, 1), "cycles/op");
	if (*(unsigned long long *)buf >= BIG_PAGES)
		die("pread: wrong data");
	memset(buf, 0xa5, PAGE);
	report("file_pwrite_4k_cached", random_io(buf, 1, 2), "cycles/op");

	/* ours only: one page written and flushed (a disk write of the page and the metadata) */
	const int F = 16;
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < F; i++) {
			unsigned long long off = (8192 + (unsigned long long)(r * F + i)) * PAGE;
			OVERLAPPED ov = { .Offset = (DWORD)off, .OffsetHigh = (DWORD)(off >> 32) };
			DWORD n;
			if (!WriteFile(big, buf, (DWORD)PAGE, &n, &ov) || n != PAGE || !FlushFileBuffers(big))
				die("write+flush");
		}
		v[r] = per(rdtsc_s() - t0, F);
	}
	report("file_write_flush_4k", median(v, REPS), "cycles/op");
	release(buf);
}

static void bench_create_delete(void)
{
	const int N = 8;
	unsigned long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++) {
			HANDLE h = CreateFileW(L"C:\\cd\\create_delete.tmp", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
			if (h == INVALID_HANDLE_VALUE)
				die("create");
			CloseHandle(h);
			if (!DeleteFileW(L"C:\\cd\\create_delete.tmp"))
				die("delete");
		}
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("file_create_delete_empty", median(v, REPS), "cycles/triple");
}

/* Read h from the start in chunks until the end; pages per million cycles, in 1/SCALE. */
static unsigned long long seq_read_all(HANDLE h, char *buf, DWORD chunk)
{
	LARGE_INTEGER zero = { 0 };
	if (!SetFilePointerEx(h, zero, NULL, FILE_BEGIN))
		die("seek");
	unsigned long long total = 0, t0 = rdtsc_s();
	for (;;) {
		DWORD n;
		if (!ReadFile(h, buf, chunk, &n, NULL))
			die("read");
		if (!n)
			break;
		total += n;
	}
	unsigned long long dt = rdtsc_s() - t0;
	if (total != BIG_SIZE)
		die("short file");
	return BIG_PAGES * 1000000ULL * SCALE / dt;
}

/* Every handle of big.dat closed: an uncached open purges its pages (flushed first). */
static void purge_big(void)
{
	HANDLE h = open_big(GENERIC_READ, FILE_FLAG_NO_BUFFERING);
	CloseHandle(h);
}

static void bench_seq_read(void)
{
	const DWORD CHUNK = 64 * KiB;
	unsigned long long c[3], w[5];
	char *buf = alloc(CHUNK, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	touch(buf, CHUNK);
	CloseHandle(big);
	big = INVALID_HANDLE_VALUE;
	for (int r = 0; r < 3; r++) {
		purge_big();
		HANDLE h = open_big(GENERIC_READ, 0);
		c[r] = seq_read_all(h, buf, CHUNK);
		CloseHandle(h);
	}
	HANDLE h = open_big(GENERIC_READ, 0);
	for (int r = 0; r < 5; r++)
		w[r] = seq_read_all(h, buf, CHUNK);
	CloseHandle(h);
	printf("info reps file_seq_read_64m_cold");
	for (int r = 0; r < 3; r++)
		printf(" %llu.%llu", c[r] / SCALE, c[r] % SCALE / 100);
	printf("\n");
	report("file_seq_read_64m_cold", median(c, 3), "pages/Mcycle");
	report("file_seq_read_64m_warm", median(w, 5), "pages/Mcycle");
	release(buf);
}

void bench_files(void)
{
	if (GetFileAttributesW(L"C:\\") == INVALID_FILE_ATTRIBUTES) {
		printf("info skip file_*: no C: drive\n");
		return;
	}
	make_big_file();
	bench_pread_pwrite();
	bench_create_delete();
	bench_seq_read();
	if (!DeleteFileW(L"C:\\big.dat") || !RemoveDirectoryW(L"C:\\cd"))
		die("clean up");
}
