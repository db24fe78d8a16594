/* link: -lpsapi */
/*
 * tests/user/procmem_ws.c - the whole working set (issue 21): QueryWorkingSet
 * and EmptyWorkingSet through PSAPI.DLL (PSAPI_VERSION 1 and -lpsapi: the
 * imports name psapi.dll, which forwards to kernel32's K32* calls), here and
 * on a forked child; every page it lists is resident, every resident page
 * of a region is listed, protections and sharing as Windows encodes them,
 * the too-small buffer, missing rights.
 */
#define PSAPI_VERSION 1
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"
#include <psapi.h>

#define P      4096
#define PAGES  64
#define MAXENT 65536

static PSAPI_WORKING_SET_INFORMATION *ws;

/* The entry of page va in the last list, or NULL. */
static PSAPI_WORKING_SET_BLOCK *find(const void *va)
{
	for (ULONG_PTR i = 0; i < ws->NumberOfEntries; i++)
		if (ws->WorkingSetInfo[i].VirtualPage == (ULONG_PTR)va >> 12)
			return &ws->WorkingSetInfo[i];
	return NULL;
}

static DWORD ws_bytes(void)
{
	return (DWORD)(sizeof(ULONG_PTR) + MAXENT * sizeof(PSAPI_WORKING_SET_BLOCK));
}

int main(void)
{
	ws = VirtualAlloc(NULL, ws_bytes(), MEM_COMMIT, PAGE_READWRITE);
	CHECK(ws != NULL);
	char *a = VirtualAlloc(NULL, PAGES * P, MEM_COMMIT, PAGE_READWRITE);
	CHECK(a != NULL);
	for (int i = 0; i < PAGES; i += 4)
		a[i * P] = 1;	/* 16 pages resident */
	DWORD old;
	CHECK(VirtualProtect(a + 8 * P, P, PAGE_READONLY, &old));
	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, NULL);
	char *v1 = MapViewOfFile(s, FILE_MAP_ALL_ACCESS, 0, 0, 0), *v2 = MapViewOfFile(s, FILE_MAP_READ, 0, 0, 0);
	CHECK(v1 && v2);
	v1[0] = 'x';
	CHECK_EQ(v2[0], 'x');

	CHECK(QueryWorkingSet(GetCurrentProcess(), ws, ws_bytes()));
	ULONG_PTR n = ws->NumberOfEntries;
	CHECK(n > 16 && n < MAXENT);
	int in_a = 0;
	for (ULONG_PTR i = 0; i < n; i++) {
		char *va = (char *)((ULONG_PTR)ws->WorkingSetInfo[i].VirtualPage << 12);
		if (i)	/* lowest address first, each page once */
			CHECK(ws->WorkingSetInfo[i].VirtualPage > ws->WorkingSetInfo[i - 1].VirtualPage);
		if (va >= a && va < a + PAGES * P)
			in_a++;
	}
	CHECK_EQ(in_a, 16);
	for (int i = 0; i < PAGES; i++) {
		PSAPI_WORKING_SET_BLOCK *b = find(a + i * P);
		CHECK_EQ(b != NULL, i % 4 == 0);
		if (b && i != 8)
			CHECK(b->Protection == 4 && b->ShareCount == 1 && b->Shared == 0);
	}
	PSAPI_WORKING_SET_BLOCK *ro = find(a + 8 * P), *b1 = find(v1), *b2 = find(v2);
	CHECK(ro && ro->Protection == 1);	/* read-only */
	CHECK(b1 && b2 && b1->Shared && b2->Shared && b1->Protection == 4 && b2->Protection == 1);	/* a section's frame */
	/* Every listed page is resident by QueryWorkingSetEx too (sample: the stack page and the list itself). */
	PSAPI_WORKING_SET_EX_INFORMATION ex = { .VirtualAddress = ws };
	CHECK(QueryWorkingSetEx(GetCurrentProcess(), &ex, sizeof ex) && ex.VirtualAttributes.Valid && find(ws));
	/*
	 * GetProcessMemoryInfo's WorkingSetSize counts these pages and the frames
	 * kept behind guard and no-access entries (the stack's guard page, ...),
	 * which are not valid pages: a few more, never fewer.
	 */
	PROCESS_MEMORY_COUNTERS pmc;
	CHECK(GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc));
	CHECK(pmc.WorkingSetSize / P + 2 >= n && pmc.WorkingSetSize / P <= n + 16);

	/* Too small: ERROR_BAD_LENGTH, NumberOfEntries the count. */
	PSAPI_WORKING_SET_INFORMATION small = { 0 };
	CHECK_ERR(QueryWorkingSet(GetCurrentProcess(), &small, sizeof small), ERROR_BAD_LENGTH);
	CHECK(small.NumberOfEntries + 4 >= n && small.NumberOfEntries <= n + 4);
	CHECK_ERR(QueryWorkingSet(GetCurrentProcess(), &small, 4), ERROR_BAD_LENGTH);

	/* EmptyWorkingSet: the private pages go out (to the pagefile) and come back with their contents. */
	CHECK(EmptyWorkingSet(GetCurrentProcess()));
	ex.VirtualAddress = a + 4 * P;
	CHECK(QueryWorkingSetEx(GetCurrentProcess(), &ex, sizeof ex) && !ex.VirtualAttributes.Valid);
	CHECK_EQ(a[4 * P], 1);

	/* Another process: a forked child with 8 pages touched in a region at a known address. */
	HANDLE ready = CreateEventA(NULL, FALSE, FALSE, NULL), go = CreateEventA(NULL, FALSE, FALSE, NULL);
	char *c = VirtualAlloc(NULL, 32 * P, MEM_RESERVE, PAGE_READWRITE);
	pid_t pid = fork();
	if (pid == 0) {
		if (!VirtualAlloc(c, 32 * P, MEM_COMMIT, PAGE_READWRITE))
			_exit(1);
		for (int i = 0; i < 8; i++)
			c[i * 2 * P] = 2;
		SetEvent(ready);
		WaitForSingleObject(go, 20000);
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_EQ(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
	HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, (DWORD)pid);
	HANDLE hl = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	CHECK(h && hl);
	CHECK(QueryWorkingSet(h, ws, ws_bytes()));
	int in_c = 0;
	for (int i = 0; i < 32; i++)
		if (find(c + i * P))
			in_c++;
	CHECK_EQ(in_c, 8);
	CHECK(find(c + 2 * P) && !find(c + 3 * P));
	CHECK_ERR(QueryWorkingSet(hl, ws, ws_bytes()), ERROR_ACCESS_DENIED);
	SetEvent(go);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(CloseHandle(h) && CloseHandle(hl) && CloseHandle(ready) && CloseHandle(go));

	CHECK(UnmapViewOfFile(v1) && UnmapViewOfFile(v2) && CloseHandle(s));
	CHECK(VirtualFree(a, 0, MEM_RELEASE) && VirtualFree(c, 0, MEM_RELEASE) && VirtualFree(ws, 0, MEM_RELEASE));
	return utest_done("procmem_ws");
}
