/*
 * tests/user/limits_pool.c - kernel memory a process causes is charged to
 * its pool quota and bounded (issue 16, findings 3 and 6): 2 GiB SEC_RESERVE
 * sections and 64 KiB reservations until the quota refuses them
 * (ERROR_NOT_ENOUGH_QUOTA, nothing changed), 100,000 handles to one section,
 * and forked processes until memory refuses one (or 2,000); after each,
 * everything is given back and every frame must be back.  The big arrays are
 * VirtualAlloc'd and freed, so that each forked child's commit charge (a copy
 * of the parent's private memory) stays small.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define P 0x1000ULL
#define G 0x10000ULL
#define GIB (1ULL << 30)

/* Kernel heap frames charged to this process's pool quota now. */
static unsigned long long pool_frames(void)
{
	struct abi_frame_stats s;
	mm_frame_stats(&s);
	return s.pool;
}

/* 2 GiB SEC_RESERVE sections until refused; a sparse page array makes them cheap. */
static void reserve_sections(void)
{
	enum { MAX = 100000 };
	unsigned long long before = utest_free_frames(), pool0 = pool_frames();
	HANDLE *h = VirtualAlloc(NULL, MAX * sizeof(HANDLE), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(h != NULL);
	if (!h)
		return;
	int n = 0;
	DWORD err = 0;
	while (n < MAX) {
		h[n] = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_RESERVE, 0, 0x80000000u, NULL);
		if (!h[n]) {
			err = GetLastError();
			break;
		}
		n++;
	}
	unsigned long long used = pool_frames() - pool0;
	CHECK_EQ(err, ERROR_NOT_ENOUGH_QUOTA);
	CHECK(n > 100);
	/* The refused call changed nothing: with a little quota given back (a view needs a VAD, a
	   commit a leaf and runs), the last section maps and commits at its far end. */
	for (int i = 0; i < 16 && n > 1; i++)
		CHECK(CloseHandle(h[--n]));
	char *v = MapViewOfFile(h[n - 1], FILE_MAP_WRITE, 0, 0, 0);
	CHECK(v != NULL);
	char *end_page = v ? v + 2 * GIB - P : NULL;
	if (v && VirtualAlloc(end_page, P, MEM_COMMIT, PAGE_READWRITE) == end_page) {
		end_page[0] = 7;
		CHECK_EQ(end_page[0], 7);
	} else
		CHECK(!"commit in the last section");
	if (v)
		CHECK(UnmapViewOfFile(v));
	for (int i = 0; i < n; i++)
		CHECK(CloseHandle(h[i]));
	printf("limits_pool: %d sections of 2 GiB (SEC_RESERVE) before error %lu, %llu frames of kernel memory\n", n,
	       (unsigned long)err, used);
	CHECK(VirtualFree(h, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
}

/* 64 KiB reservations at fixed addresses until refused (one VAD each). */
static void reservations(void)
{
	const unsigned long long base = 0x100000000000ULL, max = 4000000;
	unsigned long long before = utest_free_frames(), pool0 = pool_frames(), n = 0;
	DWORD err = 0;
	while (n < max) {
		char *want = (char *)(base + n * G);
		char *p = VirtualAlloc(want, G, MEM_RESERVE, PAGE_READWRITE);
		if (p != want) {
			err = GetLastError();
			break;
		}
		n++;
	}
	unsigned long long used = pool_frames() - pool0;
	CHECK_EQ(err, ERROR_NOT_ENOUGH_QUOTA);
	/* Nothing changed: the refused address is free, the last reservation is there. */
	MEMORY_BASIC_INFORMATION m;
	CHECK_EQ(VirtualQuery((char *)(base + n * G), &m, sizeof m), sizeof m);
	CHECK_EQ(m.State, MEM_FREE);
	CHECK_EQ(VirtualQuery((char *)(base + (n - 1) * G), &m, sizeof m), sizeof m);
	CHECK_EQ(m.State, MEM_RESERVE);
	for (unsigned long long i = 0; i < n; i++)
		CHECK(VirtualFree((char *)(base + i * G), 0, MEM_RELEASE));
	printf("limits_pool: %llu reservations of 64 KiB before error %lu, %llu frames of kernel memory (%llu bytes each), "
	       "%llu kept after release\n", n, (unsigned long)err, used, n ? used * P / n : 0, pool_frames() - pool0);
	CHECK_EQ(utest_free_frames(), before);
}

/* 100,000 handles to one named section, then closed. */
static void many_handles(void)
{
	enum { N = 100000 };
	unsigned long long before = utest_free_frames(), pool0 = pool_frames();
	HANDLE *h = VirtualAlloc(NULL, N * sizeof(HANDLE), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(h != NULL);
	if (!h)
		return;
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 64 * 1024, "limits_pool_handles");
	CHECK(s != NULL);
	int n = 0;
	for (; n < N; n++) {
		h[n] = OpenFileMappingA(FILE_MAP_READ, FALSE, "limits_pool_handles");
		if (!h[n])
			break;
	}
	CHECK_EQ(n, N);
	printf("limits_pool: %d handles open (last %p), %llu frames of kernel memory\n", n, n ? h[n - 1] : NULL,
	       pool_frames() - pool0);
	/* Every handle works and they are all different. */
	char *v = MapViewOfFile(h[N - 1], FILE_MAP_READ, 0, 0, 0);
	CHECK(v != NULL);
	CHECK(v && UnmapViewOfFile(v));
	CHECK(h[0] != h[N - 1] && h[N / 2] != h[N / 2 + 1]);
	for (int i = 0; i < n; i++)
		CHECK(CloseHandle(h[i]));
	CHECK(!CloseHandle(h[N / 2]));	/* closed: the value is no handle now */
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(CloseHandle(s));
	CHECK(OpenFileMappingA(FILE_MAP_READ, FALSE, "limits_pool_handles") == NULL);
	CHECK(pool_frames() <= pool0 + 1);	/* the last handle closed: the table's memory is back (the array's VAD may take a slab page) */
	CHECK(VirtualFree(h, 0, MEM_RELEASE));
	CHECK_EQ(utest_free_frames(), before);
}

/* Fork children that wait for a flag, until fork fails or 2,000 run; then all end. */
static void many_processes(void)
{
	enum { MAX = 2000 };
	static pid_t pids[MAX];
	unsigned long long before = utest_free_frames();
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
	volatile LONG *flag = s ? MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(flag != NULL);
	if (!flag)
		return;
	int n = 0;
	DWORD err = 0;
	while (n < MAX) {
		pid_t pid = fork();
		if (pid == 0) {
			while (!*flag)
				Sleep(1);
			_exit(3);
		}
		if (pid < 0) {
			err = GetLastError();
			break;
		}
		pids[n++] = pid;
	}
	printf("limits_pool: %d processes forked, then error %lu\n", n, (unsigned long)err);
	if (n < MAX)
		CHECK(err == ERROR_COMMITMENT_LIMIT || err == ERROR_NO_SYSTEM_RESOURCES || err == ERROR_NOT_ENOUGH_QUOTA);
	CHECK(n >= 100);
	*flag = 1;
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int status = -1;
		bad += waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 3;
	}
	CHECK_EQ(bad, 0);
	CHECK(UnmapViewOfFile((void *)flag));
	CHECK(CloseHandle(s));
	CHECK_EQ(utest_free_frames(), before);
}

int main(void)
{
	utest_probe_init();
	utest_prefault_stack(64 * 1024);
	unsigned long long before = utest_free_frames();
	many_handles();
	reserve_sections();
	reservations();
	many_processes();
	CHECK_EQ(utest_free_frames(), before);
	return utest_done("limits_pool");
}
