/*
 * tests/user/procmem_view.c - sections mapped into another process (issue
 * 21): the parent maps views of a pagefile-backed section into a forked
 * child with MapViewOfFile2 / MapViewOfFileNuma2 / NtMapViewOfSection and
 * takes them out with UnmapViewOfFile2 / NtUnmapViewOfSection.  The process
 * handle needs PROCESS_VM_OPERATION; the section handle's access decides
 * the protections allowed, as in the caller's own process.  Both sides see
 * each other's writes through the shared view; a view left in the child
 * goes with it when it exits (the leak oracle checks the frames).
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#include "nt_section.h"

typedef PVOID(WINAPI *mvf2_fn)(HANDLE, HANDLE, ULONG64, PVOID, SIZE_T, ULONG, ULONG);
typedef PVOID(WINAPI *mvfn2_fn)(HANDLE, HANDLE, ULONG64, PVOID, SIZE_T, ULONG, ULONG, ULONG);
typedef BOOL(WINAPI *uv2_fn)(HANDLE, PVOID, ULONG);

#define SIZE (256 * 1024)
#define STATUS_ACCESS_DENIED_ 0xC0000022
#define STATUS_NOT_MAPPED_VIEW_ 0xC0000019

static volatile ULONG_PTR rw_view;	/* written into the child by the parent: its read-write view */
static volatile ULONG_PTR ro_view;	/* and its read-only view */
static volatile ULONG_PTR nt_view;	/* the view NtMapViewOfSection put at a chosen address */
static HANDLE ready, go;		/* auto-reset events, inherited by fork */

/* The child: wait for the parent's views, check and write them, then check they are gone. */
static int child_main(void)
{
	int bad = 0;
	SetEvent(ready);
	if (WaitForSingleObject(go, 20000) != WAIT_OBJECT_0)
		return 0x80;
	char *rw = (char *)rw_view, *ro = (char *)ro_view;
	MEMORY_BASIC_INFORMATION m;
	if (!rw || !VirtualQuery(rw, &m, sizeof m) || m.Type != MEM_MAPPED || m.Protect != PAGE_READWRITE ||
	    m.RegionSize != SIZE || strcmp(rw, "from the parent") != 0)
		bad |= 1;
	if (!ro || !VirtualQuery(ro, &m, sizeof m) || m.Type != MEM_MAPPED || m.Protect != PAGE_READONLY ||
	    strcmp(ro + 4096, "page one") != 0)
		bad |= 2;
	utest_probe_init();
	if (ro && utest_probe_write(ro, 'x') != EXCEPTION_ACCESS_VIOLATION)
		bad |= 4;
	if (!nt_view || strcmp((char *)nt_view, "from the parent") != 0)
		bad |= 8;
	if (rw)
		strcpy(rw + 100, "from the child");
	SetEvent(ready);
	if (WaitForSingleObject(go, 20000) != WAIT_OBJECT_0)
		return 0x80;
	/* The parent unmapped the read-write and the NtMapViewOfSection views; the read-only one stays. */
	if (!VirtualQuery(rw, &m, sizeof m) || m.State != MEM_FREE)
		bad |= 16;
	if (!VirtualQuery((void *)nt_view, &m, sizeof m) || m.State != MEM_FREE)
		bad |= 32;
	if (strcmp(ro + 100, "from the child") != 0 || strcmp(ro, "after the unmap") != 0)
		bad |= 64;
	return bad;	/* exits with the read-only view still mapped */
}

int main(void)
{
	HMODULE k = GetModuleHandleA("kernelbase.dll");
	if (!k || !GetProcAddress(k, "MapViewOfFileNuma2"))
		k = GetModuleHandleA("kernel32.dll");
	mvfn2_fn pNuma2 = (mvfn2_fn)(void (*)(void))GetProcAddress(k, "MapViewOfFileNuma2");
	mvf2_fn pMap2 = (mvf2_fn)(void (*)(void))GetProcAddress(k, "MapViewOfFile2");
	uv2_fn pUnmap2 = (uv2_fn)(void (*)(void))GetProcAddress(k, "UnmapViewOfFile2");
	CHECK(pNuma2 && pUnmap2);
	if (!pNuma2 || !pUnmap2)
		return utest_done("procmem_view");
	if (!pMap2)	/* an inline in Windows' SDK, not an export there */
		pMap2 = NULL;

	HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SIZE, NULL);
	CHECK(s != NULL);
	char *mine = MapViewOfFile(s, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	CHECK(mine != NULL);
	strcpy(mine, "from the parent");
	strcpy(mine + 4096, "page one");
	HANDLE s_ro = NULL;
	CHECK(DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &s_ro, FILE_MAP_READ, FALSE, 0));

	ready = CreateEventA(NULL, FALSE, FALSE, NULL);
	go = CreateEventA(NULL, FALSE, FALSE, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_main());
	CHECK(pid > 0);
	CHECK_EQ(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);

	HANDLE h = OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_QUERY_INFORMATION |
				       SYNCHRONIZE,
			       FALSE, (DWORD)pid);
	HANDLE h_read = OpenProcess(PROCESS_VM_READ | PROCESS_QUERY_INFORMATION, FALSE, (DWORD)pid);
	CHECK(h && h_read);

	/* Rights: the process handle needs PROCESS_VM_OPERATION; the section handle decides the protection. */
	CHECK_ERR(pNuma2(s, h_read, 0, NULL, 0, 0, PAGE_READWRITE, NUMA_NO_PREFERRED_NODE), ERROR_ACCESS_DENIED);
	CHECK_ERR(pNuma2(s_ro, h, 0, NULL, 0, 0, PAGE_READWRITE, NUMA_NO_PREFERRED_NODE), ERROR_ACCESS_DENIED);
	CHECK_ERR(pNuma2(s, h, 0, NULL, 0, 0, PAGE_READWRITE, 5), ERROR_INVALID_PARAMETER);
	CHECK_ERR(pNuma2(s, h, 0, NULL, SIZE + 4096, 0, PAGE_READWRITE, 0), ERROR_ACCESS_DENIED);	/* STATUS_INVALID_VIEW_SIZE */
	CHECK_ERR(pNuma2(s, h, 4096, NULL, 0, 0, PAGE_READWRITE, 0), ERROR_MAPPED_ALIGNMENT);
	CHECK_ERR(pNuma2(s, (HANDLE)(ULONG_PTR)0x1234, 0, NULL, 0, 0, PAGE_READWRITE, 0), ERROR_INVALID_HANDLE);
	CHECK_ERR(pNuma2(h, h, 0, NULL, 0, 0, PAGE_READWRITE, 0), ERROR_INVALID_HANDLE);

	char *rw = pMap2 ? pMap2(s, h, 0, NULL, 0, 0, PAGE_READWRITE) : pNuma2(s, h, 0, NULL, 0, 0, PAGE_READWRITE, 0);
	char *ro = pNuma2(s_ro, h, 0, NULL, 0, 0, PAGE_READONLY, 0);
	CHECK(rw != NULL && ro != NULL && rw != ro);
	MEMORY_BASIC_INFORMATION m;
	CHECK(VirtualQueryEx(h, rw, &m, sizeof m) == sizeof m && m.State == MEM_COMMIT && m.Type == MEM_MAPPED &&
	      m.Protect == PAGE_READWRITE && m.AllocationBase == rw && m.RegionSize == SIZE);
	CHECK(VirtualQueryEx(h, ro, &m, sizeof m) == sizeof m && m.Protect == PAGE_READONLY);
	/* The views are in the child only: here the addresses are not ours (unless they happen to be free here). */
	CHECK(VirtualQuery(rw, &m, sizeof m) && m.AllocationBase != rw);
	char buf[32] = { 0 };
	SIZE_T n = 0;
	CHECK(ReadProcessMemory(h, rw, buf, 16, &n) && n == 16 && strcmp(buf, "from the parent") == 0);

	/* NtMapViewOfSection at an address chosen in the child's free space: one past the read-write view's end. */
	PVOID base = rw + SIZE + 0x100000;
	SIZE_T vs = 65536;
	LARGE_INTEGER off = { .QuadPart = 0 };
	CHECK_STATUS(NtMapViewOfSection(s, h_read, &base, 0, 0, &off, &vs, 2, 0, PAGE_READWRITE), STATUS_ACCESS_DENIED_);
	CHECK_STATUS(NtMapViewOfSection(s, h, &base, 0, 0, &off, &vs, 2, 0, PAGE_READWRITE), 0);
	CHECK(base == rw + SIZE + 0x100000 && vs == 65536);
	PVOID again = base;
	SIZE_T vs2 = 65536;
	CHECK_STATUS(NtMapViewOfSection(s, h, &again, 0, 0, &off, &vs2, 2, 0, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);

	ULONG_PTR vals[3] = { (ULONG_PTR)rw, (ULONG_PTR)ro, (ULONG_PTR)base };
	CHECK(WriteProcessMemory(h, (void *)&rw_view, &vals[0], 8, &n) && n == 8);
	CHECK(WriteProcessMemory(h, (void *)&ro_view, &vals[1], 8, &n) && n == 8);
	CHECK(WriteProcessMemory(h, (void *)&nt_view, &vals[2], 8, &n) && n == 8);
	SetEvent(go);
	CHECK_EQ(WaitForSingleObject(ready, 20000), WAIT_OBJECT_0);
	/* The child's write is in the section: our own view sees it. */
	CHECK(strcmp(mine + 100, "from the child") == 0);

	/* Unmapping in the child: rights, then UnmapViewOfFile2 and NtUnmapViewOfSection. */
	CHECK_ERR(pUnmap2(h_read, rw, 0), ERROR_ACCESS_DENIED);
	CHECK_STATUS(NtUnmapViewOfSection(h_read, base), STATUS_ACCESS_DENIED_);
	CHECK(pUnmap2(h, rw + 8192, 0));	/* any address in the view */
	CHECK_ERR(pUnmap2(h, rw, 0), ERROR_INVALID_ADDRESS);
	CHECK_STATUS(NtUnmapViewOfSection(h, base), 0);
	CHECK_STATUS(NtUnmapViewOfSection(h, base), STATUS_NOT_MAPPED_VIEW_);
	CHECK(VirtualQueryEx(h, rw, &m, sizeof m) && m.State == MEM_FREE);

	/* Our handles and view go; the child's read-only view keeps the section alive. */
	strcpy(mine, "after the unmap");
	CHECK(UnmapViewOfFile(mine));
	CHECK(CloseHandle(s) && CloseHandle(s_ro));
	SetEvent(go);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);

	/* An ended process takes no views. */
	HANDLE s2 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SIZE, NULL);
	CHECK(s2 != NULL);
	CHECK_ERR(pNuma2(s2, h, 0, NULL, 0, 0, PAGE_READWRITE, 0), ERROR_ACCESS_DENIED);
	CHECK_ERR(pUnmap2(h, ro, 0), ERROR_ACCESS_DENIED);
	CHECK(CloseHandle(s2));
	CHECK(CloseHandle(h) && CloseHandle(h_read));
	CHECK(CloseHandle(ready) && CloseHandle(go));
	return utest_done("procmem_view");
}
