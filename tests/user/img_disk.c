/*
 * tests/user/img_disk.c - programs and DLLs from C: (issue 20).  The test
 * disks hold our DLLs in C:\Windows\System32 and child_imgdisk.exe and
 * dll_imgpath.dll in C:\ (Makefile DISK_ROOT).  Checks:
 *   - CreateProcessA/W of C:\child_imgdisk.exe (by path, and by the command
 *     line's first token without ".exe"): arguments arrive, the exit code
 *     comes back through GetExitCodeProcess, both handles are signaled at
 *     the end and name the right process;
 *   - a missing program ERROR_FILE_NOT_FOUND; files on C: that are no program
 *     (text, a truncated copy, a broken header) ERROR_BAD_EXE_FORMAT, and
 *     failing again and again costs no frame, no pool and no commit;
 *   - LoadLibrary by path: C:\dll_imgpath.dll, a copy the test writes into a
 *     new directory (never a boot module: relocated, with its own data), and
 *     paths that do not exist ERROR_MOD_NOT_FOUND although a boot module of
 *     that name exists;
 *   - two instances of child_imgdisk.exe map the page cache's frames for
 *     its 2 MiB of read-only data: with the file read (ReadFile) before,
 *     neither instance costs more than its private pages, and everything
 *     comes back when both have ended.
 */
#include <string.h>

#include "img_disk.h"
#include "utest.h"

#define BLOB_PAGES (IMG_BLOB_BYTES / 4096)
#define CHILD      "C:\\child_imgdisk.exe"

static BOOL start(const char *app, const char *cmdline, PROCESS_INFORMATION *pi)
{
	static char cmd[256];
	STARTUPINFOA si;
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	strcpy(cmd, cmdline);	/* CreateProcessA may write its command line */
	return CreateProcessA(app, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, pi);
}

/* Wait for pi's process to end; its exit code (0xdead on failure), both handles closed. */
static DWORD finish(PROCESS_INFORMATION *pi)
{
	DWORD code = 0xdead;
	CHECK_EQ(WaitForSingleObject(pi->hProcess, 30000), WAIT_OBJECT_0);
	CHECK(GetExitCodeProcess(pi->hProcess, &code));
	CHECK_EQ(WaitForSingleObject(pi->hThread, 0), WAIT_OBJECT_0);	/* its main thread ended with it */
	CHECK(CloseHandle(pi->hThread));
	CHECK(CloseHandle(pi->hProcess));
	return code;
}

static void test_create_process(void)
{
	PROCESS_INFORMATION pi;
	memset(&pi, 0, sizeof pi);
	CHECK(start(CHILD, "child_imgdisk.exe args 7 \"two words\"", &pi));
	CHECK(pi.hProcess && pi.hThread && pi.dwProcessId && pi.dwThreadId);
	CHECK_EQ(GetProcessId(pi.hProcess), pi.dwProcessId);
	CHECK_EQ(GetProcessIdOfThread(pi.hThread), pi.dwProcessId);
	CHECK_EQ(GetThreadId(pi.hThread), pi.dwThreadId);
	CHECK_EQ(finish(&pi), 42);
	/* No application name: the first token is the program, ".exe" added, found in C:\. */
	CHECK(start(NULL, "child_imgdisk args 7 \"two words\"", &pi));
	CHECK_EQ(finish(&pi), 42);
	CHECK(start(NULL, "\"C:\\child_imgdisk.exe\" exit 1234", &pi));
	CHECK_EQ(finish(&pi), 1234);
	/* The wide form. */
	STARTUPINFOW si;
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	WCHAR wcmd[] = L"child_imgdisk.exe exit 77";
	CHECK(CreateProcessW(L"C:\\child_imgdisk.exe", wcmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
	CHECK_EQ(finish(&pi), 77);
	/* Missing programs. */
	CHECK_ERR(start("C:\\no_such_program.exe", "no_such_program.exe", &pi), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(start(NULL, "no_such_program arg", &pi), ERROR_FILE_NOT_FOUND);
	CHECK_ERR(start(NULL, "   ", &pi), ERROR_FILE_NOT_FOUND);
}

/* Write n bytes to path (created or replaced) and flush them; TRUE on success. */
static BOOL write_file(const char *path, const void *data, DWORD n)
{
	HANDLE f = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	DWORD done = 0;
	BOOL ok = f != INVALID_HANDLE_VALUE && WriteFile(f, data, n, &done, NULL) && done == n && FlushFileBuffers(f);
	if (f != INVALID_HANDLE_VALUE)
		CloseHandle(f);
	return ok;
}

/* The whole of path in a new heap block (*n its size); NULL on failure. */
static unsigned char *read_file(const char *path, DWORD *n)
{
	HANDLE f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	if (f == INVALID_HANDLE_VALUE)
		return NULL;
	DWORD size = GetFileSize(f, NULL), done = 0;
	unsigned char *b = HeapAlloc(GetProcessHeap(), 0, size);
	if (b && (!ReadFile(f, b, size, &done, NULL) || done != size)) {
		HeapFree(GetProcessHeap(), 0, b);
		b = NULL;
	}
	CloseHandle(f);
	*n = size;
	return b;
}

/* Starting path fails with ERROR_BAD_EXE_FORMAT, and doing so three more times leaves frames, pool and commit alone. */
static void check_bad(const char *path)
{
	PROCESS_INFORMATION pi;
	CHECK_ERR(start(path, "bad.exe", &pi), ERROR_BAD_EXE_FORMAT);	/* warms what the failure touches */
	unsigned long long f0 = utest_free_frames();
	struct abi_memory_status m0, m1;
	mm_memory_status(&m0);
	for (int i = 0; i < 3; i++)
		CHECK_ERR(start(path, "bad.exe", &pi), ERROR_BAD_EXE_FORMAT);
	mm_memory_status(&m1);
	CHECK_EQ(utest_free_frames(), f0);
	CHECK_EQ(m1.commit_charged, m0.commit_charged);
}

static void test_bad_images(void)
{
	DWORD n = 0;
	unsigned char *good = read_file(CHILD, &n);
	CHECK(good != NULL && n > 4096);
	if (!good)
		return;
	static const char text[] = "this is a text file, not a program\r\n";
	CHECK(write_file("C:\\imgbad_text.exe", text, sizeof text - 1));
	check_bad("C:\\imgbad_text.exe");
	CHECK(write_file("C:\\imgbad_trunc.exe", good, 2048));	/* headers, no section data */
	check_bad("C:\\imgbad_trunc.exe");
	unsigned char *broken = HeapAlloc(GetProcessHeap(), 0, n);
	CHECK(broken != NULL);
	if (broken) {
		memcpy(broken, good, n);
		DWORD lfanew = *(DWORD *)(good + 0x3c);
		broken[lfanew] = 'X';	/* "PE\0\0" no more */
		CHECK(write_file("C:\\imgbad_sig.exe", broken, n));
		check_bad("C:\\imgbad_sig.exe");
		HeapFree(GetProcessHeap(), 0, broken);
	}
	HeapFree(GetProcessHeap(), 0, good);
	CHECK(DeleteFileA("C:\\imgbad_text.exe") && DeleteFileA("C:\\imgbad_trunc.exe") && DeleteFileA("C:\\imgbad_sig.exe"));
}

static void test_load_library(void)
{
	HMODULE h = LoadLibraryA("C:\\dll_imgpath.dll");
	CHECK(h != NULL);
	int (*value)(void) = h ? (int (*)(void))(void *)GetProcAddress(h, "imgpath_value") : NULL;
	int (*counter)(void) = h ? (int (*)(void))(void *)GetProcAddress(h, "imgpath_counter") : NULL;
	CHECK(value && value() == 2020);
	CHECK(counter && counter() == 6);
	/* A copy in a new directory: a file that never was a boot module. */
	DWORD n = 0;
	unsigned char *bytes = read_file("C:\\dll_imgpath.dll", &n);
	CHECK(bytes != NULL);
	CHECK(CreateDirectoryA("C:\\imgdir", NULL) || GetLastError() == ERROR_ALREADY_EXISTS);
	CHECK(bytes && write_file("C:\\imgdir\\imgcopy.dll", bytes, n));
	if (bytes)
		HeapFree(GetProcessHeap(), 0, bytes);
	HMODULE c = LoadLibraryA("C:\\imgdir\\imgcopy.dll");
	CHECK(c != NULL && c != h);	/* another file: another image, moved off the first one's base */
	int (*ccounter)(void) = c ? (int (*)(void))(void *)GetProcAddress(c, "imgpath_counter") : NULL;
	CHECK(ccounter && ccounter() == 6);	/* its own data */
	CHECK(counter && counter() == 7);
	CHECK(c && FreeLibrary(c));
	CHECK(h && FreeLibrary(h));
	CHECK(DeleteFileA("C:\\imgdir\\imgcopy.dll"));	/* no image holds it any more */
	CHECK(RemoveDirectoryA("C:\\imgdir"));
	/* Paths that are not there, although a boot module dll_imgpath.dll exists. */
	CHECK_ERR(LoadLibraryA("C:\\no_dir\\dll_imgpath.dll"), ERROR_MOD_NOT_FOUND);
	CHECK_ERR(LoadLibraryA("C:\\dll_not_there.dll"), ERROR_MOD_NOT_FOUND);
}

/* Start instance slot of child_imgdisk.exe in share mode and wait until it has read its blob. */
static BOOL start_sharer(int slot, struct img_sync *s, PROCESS_INFORMATION *pi)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "child_imgdisk.exe share %d", slot);
	if (!start(CHILD, cmd, pi))
		return FALSE;
	for (int waited = 0; !s->ready[slot] && waited < 30000; waited++)
		Sleep(1);
	return s->ready[slot];
}

static void test_shared_frames(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, IMG_SYNC_SECTION);
	struct img_sync *s = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	CHECK(s != NULL);
	if (!s)
		return;
	/* The program's file in the page cache first (ReadFile), as a program whose file was read before. */
	DWORD n = 0;
	unsigned char *bytes = read_file(CHILD, &n);
	CHECK(bytes != NULL && n > IMG_BLOB_BYTES);
	if (bytes)
		HeapFree(GetProcessHeap(), 0, bytes);
	PROCESS_INFORMATION a, b;
	unsigned long long f0 = utest_free_frames();
	CHECK(start_sharer(0, s, &a));
	unsigned long long f1 = utest_free_frames();
	CHECK(start_sharer(1, s, &b));
	unsigned long long f2 = utest_free_frames();
	long long first = (long long)(f0 - f1), second = (long long)(f1 - f2);
	printf("img_disk: with its file cached, the first instance took %lld frames, the second %lld "
	       "(each maps %d pages of read-only data)\n", first, second, BLOB_PAGES);
	CHECK_EQ(s->sum[0], 0x5a);
	CHECK_EQ(s->sum[1], 0x5a);
	/* Neither copied the blob: both map the page cache's frames, which ReadFile filled. */
	CHECK(first > 0 && first < BLOB_PAGES / 4);
	CHECK(second > 0 && second < BLOB_PAGES / 4);
	s->go = 1;
	CHECK_EQ(finish(&a), 0);
	CHECK_EQ(finish(&b), 0);
	/* Both ended: their pages are back, and the file's pages too (dropped with the image: more than f0). */
	CHECK(utest_free_frames() >= f0 + BLOB_PAGES);
	CHECK(UnmapViewOfFile(s) && CloseHandle(h));
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	test_create_process();
	test_bad_images();
	test_load_library();
	test_shared_frames();
	return utest_done("img_disk");
}
