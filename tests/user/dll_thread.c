/* tests/user/dll_thread.c - a DLL counting its DllMain calls by reason, for thread_tls.c. */
/*
 * dll_thread_counts[reason] (DLL_PROCESS_DETACH 0 .. DLL_THREAD_DETACH 3) and
 * the id of the thread of the last call of each reason; dll_thread_disable
 * calls DisableThreadLibraryCalls on itself.
 */
#include <windows.h>

static HINSTANCE self;
__declspec(dllexport) volatile LONG dll_thread_counts[4];
__declspec(dllexport) volatile DWORD dll_thread_last_tid[4];

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
	(void)reserved;
	self = h;
	if (reason < 4) {
		InterlockedIncrement(&dll_thread_counts[reason]);
		dll_thread_last_tid[reason] = GetCurrentThreadId();
	}
	return TRUE;
}

__declspec(dllexport) BOOL dll_thread_disable(void)
{
	return DisableThreadLibraryCalls(self);
}
