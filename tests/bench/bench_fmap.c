/*
 * tests/bench/bench_fmap.c - the mapped-file rows of the Linux peer
 * ../shared/peer/linux-bench-files (issue 20), and process start from C:\.
 *
 * Set-up (untimed), as the peer's: C:\fmap.dat, 64 MiB written in 1 MiB
 * WriteFiles, each page holding its page number, flushed, every page cached.
 *   file_mmap_soft_fault         a 2 MiB read-only view (untimed), then a read of
 *                                8 bytes from each of its 512 pages: cycles per
 *                                page made accessible (a sequential reader: both
 *                                kernels fault around, 16 pages a fault), median of 9
 *   file_mmap_soft_fault_1page   per fault: a fresh 64 KiB view (the allocation
 *                                granularity; the peer maps 1 page) holding page
 *                                37*i mod 16384, one timed read, unmap; median of 201
 *   file_mmap_private_cow_fault  a FILE_MAP_COPY view of 256 KiB at 16 MiB, a 1-byte
 *                                write to each of its 64 pages (a private copy of
 *                                the cached page each), cycles per page, median of 9
 * Ours only:
 *   file_mmap_pagein_64m_cold    the file's pages purged (every handle closed, an
 *                                uncached open), a view of all 64 MiB read page by
 *                                page: pages per million cycles, each fault reading
 *                                from the disk (with the cache's read-ahead)
 *   process_start_from_c         CreateProcess of C:\bench_child.exe (its file and
 *                                DLLs cached) until its exit has been waited for
 */
#include "bench.h"

#define FMAP_SIZE  (64 * MiB)
#define FMAP_PAGES (FMAP_SIZE / PAGE)

static HANDLE open_fmap(DWORD access, DWORD flags)
{
	HANDLE h = CreateFileW(L"C:\\fmap.dat", access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, flags,
			       NULL);
	if (h == INVALID_HANDLE_VALUE)
		die("open fmap.dat");
	return h;
}

static void make_fmap_file(void)
{
	HANDLE h = CreateFileW(L"C:\\fmap.dat", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	if (h == INVALID_HANDLE_VALUE)
		die("create fmap.dat");
	char *buf = alloc(MiB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	for (unsigned long long m = 0; m < FMAP_SIZE / MiB; m++) {
		for (unsigned long long p = 0; p < MiB / PAGE; p++)
			*(unsigned long long *)(buf + p * PAGE) = m * (MiB / PAGE) + p;
		DWORD done = 0;
		if (!WriteFile(h, buf, MiB, &done, NULL) || done != MiB)
			die("write fmap.dat");
	}
	if (!FlushFileBuffers(h))
		die("flush fmap.dat");
	CloseHandle(h);
	release(buf);
}

/* A view of [off, off+len) of a new mapping of h with protect/access; the mapping handle is closed (the view keeps it). */
static volatile char *view(HANDLE h, DWORD protect, DWORD access, unsigned long long off, SIZE_T len)
{
	HANDLE m = CreateFileMappingW(h, NULL, protect, 0, 0, NULL);
	volatile char *v = m ? MapViewOfFile(m, access, (DWORD)(off >> 32), (DWORD)off, len) : NULL;
	if (!v)
		die("map fmap.dat");
	CloseHandle(m);
	return v;
}

static void bench_soft_faults(HANDLE h)
{
	unsigned long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		volatile char *p = view(h, PAGE_READONLY, FILE_MAP_READ, 0, 2 * MiB);
		unsigned long long sum = 0, t0 = rdtsc_s();
		for (unsigned long long i = 0; i < 2 * MiB / PAGE; i++)
			sum += *(volatile unsigned long long *)(p + i * PAGE);
		v[r] = per(rdtsc_s() - t0, 2 * MiB / PAGE);
		if (sum != (2 * MiB / PAGE) * (2 * MiB / PAGE - 1) / 2)
			die("fmap.dat contents");
		UnmapViewOfFile((void *)p);
	}
	report("file_mmap_soft_fault", median(v, REPS), "cycles/page");
	static unsigned long long one[201];
	HANDLE m = CreateFileMappingW(h, NULL, PAGE_READONLY, 0, 0, NULL);
	if (!m)
		die("map fmap.dat");
	for (int i = 0; i < 201; i++) {
		unsigned long long page = 37ULL * i % FMAP_PAGES, off = page * PAGE & ~0xffffULL;
		volatile char *p = MapViewOfFile(m, FILE_MAP_READ, 0, (DWORD)off, 0x10000);
		if (!p)
			die("map fmap.dat");
		unsigned long long t0 = rdtsc_s();
		unsigned long long x = *(volatile unsigned long long *)(p + (page * PAGE - off));
		one[i] = (rdtsc_s() - t0) * SCALE;
		if (x != page)
			die("fmap.dat contents");
		UnmapViewOfFile((void *)p);
	}
	CloseHandle(m);
	report("file_mmap_soft_fault_1page", median(one, 201), "cycles/fault");
}

static void bench_cow_faults(HANDLE h)
{
	unsigned long long v[REPS];
	for (int r = 0; r < REPS; r++) {
		volatile char *p = view(h, PAGE_WRITECOPY, FILE_MAP_COPY, 16 * MiB, 256 * KiB);
		unsigned long long t0 = rdtsc_s();
		for (unsigned long long i = 0; i < 256 * KiB / PAGE; i++)
			p[i * PAGE + 8] = 1;
		v[r] = per(rdtsc_s() - t0, 256 * KiB / PAGE);
		if (*(volatile unsigned long long *)p != 16 * MiB / PAGE)
			die("fmap.dat contents");
		UnmapViewOfFile((void *)p);
	}
	report("file_mmap_private_cow_fault", median(v, REPS), "cycles/page");
}

static void bench_pagein(void)
{
	unsigned long long v[3];
	for (int r = 0; r < 3; r++) {
		CloseHandle(open_fmap(GENERIC_READ, FILE_FLAG_NO_BUFFERING));	/* purges the cached pages */
		HANDLE h = open_fmap(GENERIC_READ, 0);
		volatile char *p = view(h, PAGE_READONLY, FILE_MAP_READ, 0, 0);
		unsigned long long sum = 0, t0 = rdtsc_s();
		for (unsigned long long i = 0; i < FMAP_PAGES; i++)
			sum += *(volatile unsigned long long *)(p + i * PAGE);
		unsigned long long dt = rdtsc_s() - t0;
		v[r] = FMAP_PAGES * 1000000ULL * SCALE / (dt ? dt : 1);
		if (sum != FMAP_PAGES * (FMAP_PAGES - 1) / 2)
			die("fmap.dat contents");
		UnmapViewOfFile((void *)p);
		CloseHandle(h);
	}
	report("file_mmap_pagein_64m_cold", median(v, 3), "pages/Mcycle");
}

static void bench_start_from_c(void)
{
	if (GetFileAttributesW(L"C:\\bench_child.exe") == INVALID_FILE_ATTRIBUTES) {
		printf("info skip process_start_from_c: no C:\\bench_child.exe\n");
		return;
	}
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "bench_start");
	if (!s)
		die("bench_start section");
	unsigned long long v[REPS];
	for (int i = -1; i < REPS; i++) {	/* the first start reads the file into the cache: not counted */
		STARTUPINFOA si = { .cb = sizeof si };
		PROCESS_INFORMATION pi;
		char cmd[] = "bench_child.exe";
		DWORD code = 1;
		unsigned long long t0 = rdtsc_s();
		if (!CreateProcessA("C:\\bench_child.exe", cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi) ||
		    WaitForSingleObject(pi.hProcess, INFINITE) != WAIT_OBJECT_0 || !GetExitCodeProcess(pi.hProcess, &code) ||
		    code != 0)
			die("C:\\bench_child.exe");
		unsigned long long dt = rdtsc_s() - t0;
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
		if (i >= 0)
			v[i] = dt * SCALE;
	}
	CloseHandle(s);
	report("process_start_from_c", median(v, REPS), "cycles");
}

void bench_fmap(void)
{
	if (GetFileAttributesW(L"C:\\") == INVALID_FILE_ATTRIBUTES) {
		printf("info skip file_mmap_*: no C: drive\n");
		return;
	}
	make_fmap_file();
	HANDLE h = open_fmap(GENERIC_READ | GENERIC_WRITE, 0);
	bench_soft_faults(h);
	bench_cow_faults(h);
	CloseHandle(h);
	bench_pagein();
	if (!DeleteFileW(L"C:\\fmap.dat"))
		die("clean up");
	bench_start_from_c();
}
