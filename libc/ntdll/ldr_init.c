/*
 * libc/ntdll/ldr_init.c - the user half of process start and exit
 * (docs/loader.md): LdrInitializeThunk reserves the process heap, builds
 * PEB->Ldr from the kernel's image list, sets up TLS, runs TLS callbacks and
 * DllMain (DLL_PROCESS_ATTACH) in initialization order, then the exe's entry;
 * RtlExitUserProcess runs DLL_PROCESS_DETACH in reverse order and ends the
 * process.  Threads: thread_*.c; the loader lock is held around every
 * walk of the module list that calls into DLLs.
 */
#include "ldr_thread.h"

NTSTATUS NTAPI NtClose(HANDLE Handle);

/* The console pseudo-handles (low two bits set, as Windows' console handles once were). */
#define CONSOLE_STDIN  ((HANDLE)(ULONG_PTR)3)
#define CONSOLE_STDOUT ((HANDLE)(ULONG_PTR)7)
#define CONSOLE_STDERR ((HANDLE)(ULONG_PTR)11)

/* Stands in until H4's except_*.c defines the real one. */
__attribute__((weak)) void except_init(void)
{
}

typedef BOOL(WINAPI *dll_entry_fn)(HINSTANCE, DWORD, LPVOID);

BOOL ldr_call_dll_entry(struct ldr_module *m, DWORD reason, PVOID reserved)
{
	if (!(m->Flags & LDRP_IMAGE_DLL) || !m->EntryPoint)
		return TRUE;
	return ((dll_entry_fn)m->EntryPoint)((HINSTANCE)m->DllBase, reason, reserved);
}

/*
 * For every module not yet processed: TLS blocks first (all of them), then
 * per module in initialization order its TLS callbacks and its DllMain with
 * DLL_PROCESS_ATTACH (lpReserved non-NULL at process start, NULL for
 * LoadLibrary).  STATUS_DLL_INIT_FAILED when a DllMain returns FALSE.
 */
NTSTATUS ldr_process_attach_all(void)
{
	LIST_ENTRY *head = &ldr_data.InInitializationOrderModuleList;
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InInitializationOrderLinks);
		if (m->Flags & LDRP_ENTRY_PROCESSED)
			continue;
		NTSTATUS st = ldr_tls_attach(m);
		if (!NT_SUCCESS(st))
			return st;
	}
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InInitializationOrderLinks);
		if (m->Flags & LDRP_ENTRY_PROCESSED)
			continue;
		m->Flags |= LDRP_ENTRY_PROCESSED;
		ldr_data.EntryInProgress = m;
		ldr_call_tls_callbacks(m, DLL_PROCESS_ATTACH);
		BOOL ok = ldr_call_dll_entry(m, DLL_PROCESS_ATTACH, m->dynamic ? NULL : (PVOID)1);
		ldr_data.EntryInProgress = NULL;
		if (!ok) {
			ldr_print("DllMain failed (DLL_PROCESS_ATTACH): ", m->name, "");
			return STATUS_DLL_INIT_FAILED;
		}
		if (m->Flags & LDRP_IMAGE_DLL)
			m->Flags |= LDRP_PROCESS_ATTACH_CALLED;
	}
	return STATUS_SUCCESS;
}

/*
 * LdrShutdownProcess: module by module in reverse initialization order, the
 * TLS callbacks, then DllMain with DLL_PROCESS_DETACH (lpReserved non-NULL:
 * the process is ending) for every DLL whose attach succeeded (the attach
 * order reversed, as Windows).  Runs once.
 */
void NTAPI LdrShutdownProcess(void)
{
	if (ldr_data.ShutdownInProgress || !ldr_data.Length)
		return;
	ldr_data.ShutdownInProgress = TRUE;
	ldr_data.ShutdownThreadId = TEB_CLIENT_ID(cur_teb()).UniqueThread;
	LIST_ENTRY *head = &ldr_data.InInitializationOrderModuleList;
	for (LIST_ENTRY *e = head->Blink; e != head; e = e->Blink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InInitializationOrderLinks);
		if (!(m->Flags & LDRP_ENTRY_PROCESSED))
			continue;
		ldr_call_tls_callbacks(m, DLL_PROCESS_DETACH);
		if (m->Flags & LDRP_PROCESS_ATTACH_CALLED) {
			m->Flags &= ~LDRP_PROCESS_ATTACH_CALLED;
			ldr_call_dll_entry(m, DLL_PROCESS_DETACH, (PVOID)1);
		}
	}
}

/*
 * Every other thread of the process ends before the DLLs hear of the exit:
 * NtTerminateProcess(NULL) (as on Windows), then ntdll forgets them.
 */
static void terminate_other_threads(NTSTATUS status)
{
	ULONG ids[32], n;
	NtTerminateProcess(NULL, status);
	while ((n = thread_other_ids(ids, 32)) != 0)
		for (ULONG i = 0; i < n; i++)
			thread_forget(ids[i]);
}

/*
 * RtlExitUserProcess: ExitProcess: under the loader lock (held to the end),
 * the other threads end, the DLLs get their detach notifications, then the
 * process ends.
 */
__attribute__((noreturn)) void NTAPI RtlExitUserProcess(NTSTATUS ExitStatus)
{
	if (thread_list.Flink) {	/* the locks exist once LdrInitializeThunk has begun */
		ldr_lock_acquire();
		terminate_other_threads(ExitStatus);
	}
	LdrShutdownProcess();
	for (;;)
		NtTerminateProcess(NT_CURRENT_PROCESS, ExitStatus);
}

/* The TEB's ClientId from the kernel; the main thread's id is the process id while there is one thread. */
static void init_client_id(void)
{
	CLIENT_ID *cid = &TEB_CLIENT_ID(cur_teb());
	cid->UniqueProcess = (HANDLE)(ULONG_PTR)MmGetCurrentProcessId();
	if (!cid->UniqueThread)
		cid->UniqueThread = cid->UniqueProcess;
}

/* The process parameters' standard handles: the console unless the kernel gave others. */
static void init_std_handles(PEB *peb)
{
	struct process_parameters *pp = PEB_PARAMS(peb);
	if (!pp)
		return;
	if (!pp->StandardInput && !pp->StandardOutput && !pp->StandardError) {
		pp->StandardInput = CONSOLE_STDIN;
		pp->StandardOutput = CONSOLE_STDOUT;
		pp->StandardError = CONSOLE_STDERR;
	}
}

/* Ends the process at start-up with status and one console line. */
static __attribute__((noreturn)) void start_failed(NTSTATUS st, const char *what)
{
	static const char hex[] = "0123456789ABCDEF";
	char code[11] = "0x";
	for (int i = 0; i < 8; i++)
		code[2 + i] = hex[((ULONG)st >> (28 - 4 * i)) & 0xf];
	code[10] = '\0';
	ldr_print("process initialization failed: ", what, code);
	for (;;)
		NtTerminateProcess(NT_CURRENT_PROCESS, st);
}

/*
 * The process heap, as Windows' LdrInitializeThunk makes it: RtlCreateHeap
 * (growable) with the image's SizeOfHeapReserve and SizeOfHeapCommit; its
 * handle is PEB->ProcessHeap, GetProcessHeap's answer (libc/ntdll/heap_*.c).
 */
static NTSTATUS init_process_heap(PEB *peb)
{
	const IMAGE_DOS_HEADER *dos = PEB_IMAGE_BASE(peb);
	const IMAGE_NT_HEADERS64 *nt = (const IMAGE_NT_HEADERS64 *)((const char *)dos + dos->e_lfanew);
	PVOID h = RtlCreateHeap(HEAP_GROWABLE, NULL, nt->OptionalHeader.SizeOfHeapReserve,
				nt->OptionalHeader.SizeOfHeapCommit, NULL, NULL);
	if (!h)
		return STATUS_NO_MEMORY;
	PEB_PROCESS_HEAP(peb) = h;
	return STATUS_SUCCESS;
}

typedef DWORD(WINAPI *exe_entry_fn)(PEB *);

/*
 * LdrInitializeThunk(PEB *peb, void *entry): the thread's first
 * instruction (the kernel starts it here, rcx = PEB, rdx = the exe's entry).
 * Never returns: the exe's result is the process's exit status.
 */
__attribute__((noreturn)) void NTAPI LdrInitializeThunk(PEB *peb, void *entry)
{
	init_client_id();
	thread_init_main();
	except_init();
	init_std_handles(peb);
	NTSTATUS st = init_process_heap(peb);
	if (!NT_SUCCESS(st))
		start_failed(st, "process heap ");
	st = ldr_sync_images(FALSE);
	if (!NT_SUCCESS(st))
		start_failed(st, "module list ");
	PEB_LDR(peb) = &ldr_data;
	ldr_lock_acquire();
	st = ldr_process_attach_all();
	ldr_lock_release();
	if (!NT_SUCCESS(st))
		start_failed(st, "DLL initialization ");
	DWORD ret = ((exe_entry_fn)entry)(peb);
	RtlExitUserProcess((NTSTATUS)ret);
}
