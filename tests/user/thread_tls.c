/*
 * tests/user/thread_tls.c - thread-local storage of every kind
 * (docs/threads.md "Thread-local storage"): the exe's static TLS block per
 * thread (a variable in .tls$ read through gs:[0x58][_tls_index]), the
 * exe's TLS callback and a DLL's DllMain with DLL_THREAD_ATTACH/DETACH (in
 * the thread itself; DisableThreadLibraryCalls; a DLL loaded while a thread
 * runs still sees that thread's detach), TlsAlloc/TlsGetValue/TlsSetValue/
 * TlsFree with the expansion slots, FlsAlloc and its callbacks, GCC's
 * emulated __thread, and the leak oracle.  Needs dll_thread.dll beside it.
 */
#include "mt_common.h"

/* ---- static TLS: a variable in the exe's TLS template ---- */
extern char _tls_start;
extern ULONG _tls_index;
__attribute__((section(".tls$AAB"), used)) int static_tls_var = 42;

static int *static_tls(void)
{
	char **array;
	__asm__("movq %%gs:0x58, %0" : "=r"(array));
	return (int *)(array[_tls_index] + ((char *)&static_tls_var - &_tls_start));
}

/* ---- the exe's TLS callback ---- */
static volatile LONG cb_counts[4];
static volatile DWORD cb_last_tid[4];

static void NTAPI exe_tls_callback(PVOID h, DWORD reason, PVOID reserved)
{
	(void)h;
	(void)reserved;
	if (reason < 4) {
		InterlockedIncrement(&cb_counts[reason]);
		cb_last_tid[reason] = GetCurrentThreadId();
	}
}
__attribute__((section(".CRT$XLE"), used)) static const PIMAGE_TLS_CALLBACK exe_tls_callback_ptr = exe_tls_callback;

static __thread int emu_tls = 5;

struct probe {
	int static_initial, emu_initial;
	int *static_addr;
	LONG cb_attach_seen;		/* cb_counts[DLL_THREAD_ATTACH] as the thread saw it */
	DWORD cb_attach_tid, tid;
	volatile LONG go;
};

static DWORD WINAPI tls_thread(LPVOID p)
{
	struct probe *pr = p;
	pr->tid = GetCurrentThreadId();
	pr->static_addr = static_tls();
	pr->static_initial = *pr->static_addr;
	*pr->static_addr = 7;
	pr->emu_initial = emu_tls;
	emu_tls = 8;
	pr->cb_attach_seen = cb_counts[DLL_THREAD_ATTACH];
	pr->cb_attach_tid = cb_last_tid[DLL_THREAD_ATTACH];
	mt_wait_eq(&pr->go, 1);
	return *static_tls() == 7 && emu_tls == 8 ? 0 : 1;
}

static void test_static_and_callbacks(void)
{
	MT_CHECK(cb_counts[DLL_PROCESS_ATTACH] == 1);
	MT_CHECK_EQ(*static_tls(), 42);
	*static_tls() = 1;
	emu_tls = 6;
	LONG attach0 = cb_counts[DLL_THREAD_ATTACH], detach0 = cb_counts[DLL_THREAD_DETACH];
	struct probe pr;
	memset(&pr, 0, sizeof(pr));
	pr.go = 1;
	HANDLE h = CreateThread(NULL, 0, tls_thread, &pr, 0, NULL);
	mt_join(h);
	MT_CHECK_EQ(pr.static_initial, 42);	/* a fresh copy of the template, not main's */
	MT_CHECK(pr.static_addr != static_tls());
	MT_CHECK_EQ(*static_tls(), 1);
	MT_CHECK_EQ(static_tls_var, 42);	/* the template itself is untouched */
	MT_CHECK_EQ(pr.emu_initial, 5);
	MT_CHECK_EQ(emu_tls, 6);
	MT_CHECK_EQ(pr.cb_attach_seen, attach0 + 1);
	MT_CHECK_EQ(pr.cb_attach_tid, pr.tid);
	MT_CHECK_EQ(cb_counts[DLL_THREAD_DETACH], detach0 + 1);
	MT_CHECK_EQ(cb_last_tid[DLL_THREAD_DETACH], pr.tid);
}

/* ---- a DLL's DllMain ---- */
typedef BOOL (*disable_fn)(void);

static void test_dll_main(void)
{
	/* A thread that exists before the DLL is loaded gets no attach, but its detach. */
	struct probe early;
	memset(&early, 0, sizeof(early));
	HANDLE he = CreateThread(NULL, 0, tls_thread, &early, 0, NULL);
	while (!early.tid)
		SwitchToThread();
	HMODULE dll = LoadLibraryA("dll_thread.dll");
	MT_CHECK(dll != NULL);
	if (!dll) {
		early.go = 1;
		mt_join(he);
		return;
	}
	volatile LONG *counts = (volatile LONG *)(void *)GetProcAddress(dll, "dll_thread_counts");
	volatile DWORD *tids = (volatile DWORD *)(void *)GetProcAddress(dll, "dll_thread_last_tid");
	disable_fn disable = (disable_fn)(void *)GetProcAddress(dll, "dll_thread_disable");
	MT_CHECK(counts && tids && disable);
	if (!counts || !tids || !disable)
		return;
	MT_CHECK_EQ(counts[DLL_PROCESS_ATTACH], 1);
	MT_CHECK_EQ(counts[DLL_THREAD_ATTACH], 0);
	early.go = 1;
	mt_join(he);
	MT_CHECK_EQ(counts[DLL_THREAD_ATTACH], 0);
	MT_CHECK_EQ(counts[DLL_THREAD_DETACH], 1);
	MT_CHECK_EQ(tids[DLL_THREAD_DETACH], early.tid);

	struct probe pr;
	memset(&pr, 0, sizeof(pr));
	pr.go = 1;
	HANDLE h = CreateThread(NULL, 0, tls_thread, &pr, 0, NULL);
	mt_join(h);
	MT_CHECK_EQ(counts[DLL_THREAD_ATTACH], 1);
	MT_CHECK_EQ(tids[DLL_THREAD_ATTACH], pr.tid);
	MT_CHECK_EQ(counts[DLL_THREAD_DETACH], 2);
	MT_CHECK_EQ(tids[DLL_THREAD_DETACH], pr.tid);

	/* MinGW's DLLs have static TLS (its TLS directory): DisableThreadLibraryCalls refuses them. */
	SetLastError(0);
	MT_CHECK(!disable());
	MT_CHECK_EQ(GetLastError(), ERROR_MOD_NOT_FOUND);
	h = CreateThread(NULL, 0, tls_thread, &pr, 0, NULL);
	mt_join(h);
	MT_CHECK_EQ(counts[DLL_THREAD_ATTACH], 2);
	MT_CHECK_EQ(counts[DLL_THREAD_DETACH], 3);
	/* A DLL without static TLS accepts it (ours have none). */
	MT_CHECK(DisableThreadLibraryCalls(GetModuleHandleA("kernel32.dll")));
	MT_CHECK(FreeLibrary(dll));
}

/* ---- TlsAlloc and friends ---- */
static DWORD tls_many[1100];
static volatile LONG tls_phase;
static DWORD tls_probe_index;
static volatile LONG tls_probe_ok;

static DWORD WINAPI tls_value_thread(LPVOID p)
{
	(void)p;
	int ok = TlsGetValue(tls_probe_index) == NULL && GetLastError() == ERROR_SUCCESS;
	ok &= TlsSetValue(tls_probe_index, (LPVOID)0x55);
	ok &= TlsGetValue(tls_probe_index) == (LPVOID)0x55;
	tls_probe_ok = ok;
	tls_phase = 1;
	mt_wait_eq(&tls_phase, 2);	/* main frees the index and allocates it again */
	tls_probe_ok = TlsGetValue(tls_probe_index) == NULL;
	return 0;
}

static void test_tls_api(void)
{
	int n = 0;
	DWORD i;
	while (n < 1100 && (i = TlsAlloc()) != TLS_OUT_OF_INDEXES)
		tls_many[n++] = i;
	MT_CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
	MT_CHECK(n > 1000 && n <= 1088);	/* 64 + 1024 less what the runtime and DLLs took */
	int max_seen = 0;
	for (int k = 0; k < n; k++) {
		if ((int)tls_many[k] > max_seen)
			max_seen = (int)tls_many[k];
		MT_CHECK(TlsSetValue(tls_many[k], (LPVOID)(ULONG_PTR)(k + 1)));
	}
	MT_CHECK_EQ(max_seen, 1087);
	int good = 1;
	for (int k = 0; k < n; k++)
		good &= TlsGetValue(tls_many[k]) == (LPVOID)(ULONG_PTR)(k + 1);
	MT_CHECK(good);

	/* A new thread sees NULL in an expansion slot and has its own value; TlsFree clears every thread's. */
	tls_probe_index = tls_many[n - 1];
	MT_CHECK(tls_probe_index >= 64);
	tls_phase = 0;
	HANDLE h = CreateThread(NULL, 0, tls_value_thread, NULL, 0, NULL);
	mt_wait_eq(&tls_phase, 1);
	MT_CHECK_EQ(tls_probe_ok, 1);
	MT_CHECK(TlsGetValue(tls_probe_index) == (LPVOID)(ULONG_PTR)n);
	MT_CHECK(TlsFree(tls_probe_index));
	MT_CHECK_EQ(TlsAlloc(), tls_probe_index);	/* the only free index */
	tls_phase = 2;
	mt_join(h);
	MT_CHECK_EQ(tls_probe_ok, 1);
	MT_CHECK(TlsGetValue(tls_probe_index) == NULL);

	/* The same for one of the TEB's 64. */
	MT_CHECK(tls_many[0] < 64);
	MT_CHECK(TlsFree(tls_many[0]));
	MT_CHECK_EQ(TlsAlloc(), tls_many[0]);
	MT_CHECK(TlsGetValue(tls_many[0]) == NULL);

	for (int k = 0; k < n; k++)
		MT_CHECK(TlsFree(tls_many[k]));
	SetLastError(0);
	MT_CHECK(!TlsFree(tls_many[0]));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(TlsGetValue(1088) == NULL);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(!TlsSetValue(1088, (LPVOID)1));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(!TlsFree(TLS_OUT_OF_INDEXES));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
}

/* ---- FLS ---- */
static volatile LONG fls_calls;
static volatile ULONG_PTR fls_last_value;
static volatile DWORD fls_last_tid;
static DWORD fls_index;

static void WINAPI fls_callback(PVOID v)
{
	InterlockedIncrement(&fls_calls);
	fls_last_value = (ULONG_PTR)v;
	fls_last_tid = GetCurrentThreadId();
}

static DWORD WINAPI fls_thread(LPVOID p)
{
	(void)p;
	int ok = FlsGetValue(fls_index) == NULL;
	ok &= FlsSetValue(fls_index, (PVOID)0x77);
	ok &= FlsGetValue(fls_index) == (PVOID)0x77;
	return ok ? 0 : 1;
}

static void test_fls(void)
{
	fls_index = FlsAlloc(fls_callback);
	MT_CHECK(fls_index != FLS_OUT_OF_INDEXES);
	DWORD tid = 0;
	HANDLE h = CreateThread(NULL, 0, fls_thread, NULL, 0, &tid);
	mt_join(h);
	MT_CHECK_EQ(fls_calls, 1);	/* at the thread's end, in the thread */
	MT_CHECK_EQ(fls_last_value, 0x77);
	MT_CHECK_EQ(fls_last_tid, tid);
	MT_CHECK(FlsSetValue(fls_index, (PVOID)0x99));
	MT_CHECK(FlsFree(fls_index));	/* the callback for main's value */
	MT_CHECK_EQ(fls_calls, 2);
	MT_CHECK_EQ(fls_last_value, 0x99);
	MT_CHECK_EQ(fls_last_tid, GetCurrentThreadId());
	MT_CHECK(FlsGetValue(fls_index) == NULL);	/* freed: every thread's value went */
	SetLastError(0);
	MT_CHECK(!FlsFree(fls_index));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(FlsGetValue(0) == NULL);	/* index 0 is never handed out */
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(FlsGetValue(0x10000) == NULL);
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(0);
	MT_CHECK(!FlsSetValue(0x10000, (PVOID)1));
	MT_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	/* A value set to NULL gets no callback. */
	fls_index = FlsAlloc(fls_callback);
	MT_CHECK(FlsSetValue(fls_index, NULL));
	MT_CHECK(FlsFree(fls_index));
	MT_CHECK_EQ(fls_calls, 2);
}

/* Threads using every kind of TLS, twice; the second round gives every frame and unit of commit back. */
static void test_oracle(void)
{
	struct mt_oracle o = { 0, 0, 0 };
	DWORD idx = TlsAlloc();
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			mt_oracle_begin(&o);
		HANDLE hs[8];
		struct probe pr[8];
		for (int i = 0; i < 8; i++) {
			memset(&pr[i], 0, sizeof(pr[i]));
			pr[i].go = 1;
			hs[i] = CreateThread(NULL, 0x10000, tls_thread, &pr[i], 0, NULL);
		}
		mt_join_all(hs, 8);
	}
	mt_oracle_end(&o, "8 TLS threads");
	TlsFree(idx);
}

int main(void)
{
	test_static_and_callbacks();
	test_dll_main();
	test_tls_api();
	test_fls();
	test_oracle();
	return mt_done("thread_tls");
}
