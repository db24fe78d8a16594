/*
 * tests/bench/bench_procmem.c - the rows of issue 21: one process reaching
 * into another, and the ring buffer's placeholders.
 *
 *   process_vm_readv_4k    ../shared/peer/linux-bench-files' workload: a forked
 *   process_vm_readv_1m    child with 1 MiB resident; ReadProcessMemory of one
 *   process_vm_writev_4k   page (50 per sample, page i % 256, median of 9),
 *                          of the whole MiB (one per sample, median of 31), and
 *                          WriteProcessMemory of one page (as the 4k read; it
 *                          re-protects around the copy as Windows' does)
 *   virtualqueryex_other   ours only: VirtualQueryEx of the child's 1 MiB
 *                          region, 200 per sample, median of 9
 *   ring_buffer_map        ours only: the ring buffer of VirtualAlloc2's
 *   ring_buffer_unmap      documentation over a 64 KiB section - placeholder
 *                          of 128 KiB, split, two MapViewOfFile3 replacing the
 *                          halves; then both views unmapped back to
 *                          placeholders and released - cycles per sequence,
 *                          median of 31
 */
#include "bench.h"

#ifndef MEM_RESERVE_PLACEHOLDER
#define MEM_RESERVE_PLACEHOLDER 0x40000
#define MEM_REPLACE_PLACEHOLDER 0x4000
#define MEM_PRESERVE_PLACEHOLDER 0x2
#endif

static volatile ULONG_PTR child_region;	/* the child's 1 MiB (same address in both after fork) */

/* The child: 1 MiB resident, its address published, then wait; exits 0 when the parent's write arrived. */
static void child(HANDLE ready, HANDLE go)
{
	char *m = VirtualAlloc(NULL, MiB, MEM_COMMIT, PAGE_READWRITE);
	if (!m)
		_exit(2);
	touch(m, MiB);
	child_region = (ULONG_PTR)m;
	SetEvent(ready);
	WaitForSingleObject(go, INFINITE);
	_exit(m[5 * PAGE + 1] == 0x11 ? 0 : 4);
}

static void remote_rows(HANDLE h, char *ra, char *buf)
{
	const int N = 50, NP = (int)(MiB / PAGE);
	unsigned long long v[31];
	SIZE_T n;
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++)
			if (!ReadProcessMemory(h, ra + (SIZE_T)(i % NP) * PAGE, buf, PAGE, &n) || n != PAGE)
				die("ReadProcessMemory 4k");
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("process_vm_readv_4k", median(v, REPS), "cycles/op");
	for (int r = 0; r < 31; r++) {
		unsigned long long t0 = rdtsc_s();
		if (!ReadProcessMemory(h, ra, buf, MiB, &n) || n != MiB)
			die("ReadProcessMemory 1m");
		v[r] = (rdtsc_s() - t0) * SCALE;
	}
	report("process_vm_readv_1m", median(v, 31), "cycles/op");
	memset(buf, 0x11, PAGE);
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < N; i++)
			if (!WriteProcessMemory(h, ra + (SIZE_T)(i % NP) * PAGE, buf, PAGE, &n) || n != PAGE)
				die("WriteProcessMemory 4k");
		v[r] = per(rdtsc_s() - t0, N);
	}
	report("process_vm_writev_4k", median(v, REPS), "cycles/op");
	const int Q = 200;
	MEMORY_BASIC_INFORMATION mbi;
	for (int r = 0; r < REPS; r++) {
		unsigned long long t0 = rdtsc_s();
		for (int i = 0; i < Q; i++)
			if (!VirtualQueryEx(h, ra + (SIZE_T)(i % NP) * PAGE, &mbi, sizeof mbi) || mbi.State != MEM_COMMIT)
				die("VirtualQueryEx");
		v[r] = per(rdtsc_s() - t0, Q);
	}
	report("virtualqueryex_other", median(v, REPS), "cycles/call");
}

typedef PVOID(WINAPI *va2_fn)(HANDLE, PVOID, SIZE_T, ULONG, ULONG, MEM_EXTENDED_PARAMETER *, ULONG);
typedef PVOID(WINAPI *mv3_fn)(HANDLE, HANDLE, PVOID, ULONG64, SIZE_T, ULONG, ULONG, MEM_EXTENDED_PARAMETER *, ULONG);
typedef BOOL(WINAPI *uv2_fn)(HANDLE, PVOID, ULONG);

static void ring_rows(void)
{
	HMODULE k = GetModuleHandleA("kernel32.dll");
	va2_fn va2 = (va2_fn)(void (*)(void))GetProcAddress(k, "VirtualAlloc2");
	mv3_fn mv3 = (mv3_fn)(void (*)(void))GetProcAddress(k, "MapViewOfFile3");
	uv2_fn uv2 = (uv2_fn)(void (*)(void))GetProcAddress(k, "UnmapViewOfFile2");
	if (!va2 || !mv3 || !uv2)
		die("VirtualAlloc2/MapViewOfFile3/UnmapViewOfFile2");
	const SIZE_T S = 64 * KiB;
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)S, NULL);
	if (!s)
		die("CreateFileMapping");
	unsigned long long map[31], unmap[31];
	HANDLE self = GetCurrentProcess();
	for (int r = 0; r < 31; r++) {
		unsigned long long t0 = rdtsc_s();
		char *p = va2(NULL, NULL, 2 * S, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0);
		if (!p || !VirtualFree(p, S, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER))
			die("placeholder split");
		if (!mv3(s, self, p, 0, S, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0) ||
		    !mv3(s, self, p + S, 0, S, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0))
			die("MapViewOfFile3");
		unsigned long long t1 = rdtsc_s();
		if (!uv2(self, p, MEM_PRESERVE_PLACEHOLDER) || !uv2(self, p + S, MEM_PRESERVE_PLACEHOLDER) ||
		    !VirtualFree(p, 0, MEM_RELEASE) || !VirtualFree(p + S, 0, MEM_RELEASE))
			die("ring buffer teardown");
		unsigned long long t2 = rdtsc_s();
		map[r] = (t1 - t0) * SCALE;
		unmap[r] = (t2 - t1) * SCALE;
	}
	CloseHandle(s);
	report("ring_buffer_map", median(map, 31), "cycles/sequence");
	report("ring_buffer_unmap", median(unmap, 31), "cycles/sequence");
}

void bench_procmem(void)
{
	HANDLE ready = CreateEventA(NULL, FALSE, FALSE, NULL), go = CreateEventA(NULL, FALSE, FALSE, NULL);
	if (!ready || !go)
		die("CreateEvent");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child(ready, go);
	if (WaitForSingleObject(ready, INFINITE) != WAIT_OBJECT_0)
		die("child ready");
	HANDLE h = OpenProcess(PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_VM_OPERATION | PROCESS_QUERY_INFORMATION,
			       FALSE, (DWORD)pid);
	if (!h)
		die("OpenProcess");
	ULONG_PTR ra = 0;
	SIZE_T n;
	if (!ReadProcessMemory(h, (void *)&child_region, &ra, sizeof ra, &n) || !ra)
		die("child address");
	char *buf = alloc(MiB, MEM_COMMIT, PAGE_READWRITE);
	remote_rows(h, (char *)ra, buf);
	SetEvent(go);
	int st = -1;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("info process_vm child status 0x%x (expected 0)\n", st);
	CloseHandle(h);
	CloseHandle(ready);
	CloseHandle(go);
	release(buf);
	ring_rows();
}
