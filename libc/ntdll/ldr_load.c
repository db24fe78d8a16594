/*
 * libc/ntdll/ldr_load.c - LoadLibrary's half of the loader: LdrLoadDll
 * (NtLoadImage, then the start-up steps for the new images), LdrUnloadDll
 * with load counts, LdrGetDllHandle and friends.
 *
 * Counts: images mapped at process start are pinned (LoadCount 0xFFFF).  A
 * DLL LdrLoadDll maps gets one reference per LdrLoadDll call and one per
 * dynamically loaded module importing it; LdrUnloadDll drops one, and at 0
 * the DLL gets DLL_PROCESS_DETACH, drops its references to its imports
 * (unloading those that reach 0) and is unmapped.  Every exported call
 * holds the loader lock (DllMain may load and unload DLLs itself: the lock
 * is recursive).
 */
#include "ldr_thread.h"

/* Calls fn(module) for every module m imports that is in the list. */
static void for_each_import(struct ldr_module *m, void (*fn)(struct ldr_module *))
{
	ULONG size = 0;
	IMAGE_IMPORT_DESCRIPTOR *d = ldr_image_directory(m->DllBase, IMAGE_DIRECTORY_ENTRY_IMPORT, &size);
	if (!d)
		return;
	for (; d->Name; d++) {
		struct ldr_module *dep = ldr_find_by_name((const char *)m->DllBase + d->Name);
		if (dep && dep != m)
			fn(dep);
	}
}

static void add_ref(struct ldr_module *m)
{
	if (m->LoadCount != LDR_PINNED)
		m->LoadCount++;
}

static void unload_module(struct ldr_module *m);

static void drop_ref(struct ldr_module *m)
{
	if (m->LoadCount == LDR_PINNED || m->LoadCount == 0)
		return;
	if (--m->LoadCount == 0)
		unload_module(m);
}

/* Detach, release the imports, unmap, forget. */
static void unload_module(struct ldr_module *m)
{
	if (m->Flags & LDRP_ENTRY_PROCESSED)
		ldr_call_tls_callbacks(m, DLL_PROCESS_DETACH);
	if (m->Flags & LDRP_PROCESS_ATTACH_CALLED) {
		m->Flags &= ~LDRP_PROCESS_ATTACH_CALLED;
		ldr_call_dll_entry(m, DLL_PROCESS_DETACH, NULL);
	}
	ldr_tls_detach(m);
	m->LoadCount = LDR_PINNED;	/* no second unload through an import cycle */
	for_each_import(m, drop_ref);
	NTSTATUS st = mm_unload_image((ULONG_PTR)m->DllBase);
	if (!NT_SUCCESS(st) && st != STATUS_NOT_MAPPED_VIEW)
		ldr_print("NtUnloadImage failed: ", m->name, "");
	ldr_remove(m);
}

/* Entry for a module name from a UNICODE_STRING, or NULL (*st says why). */
static struct ldr_module *find_named(const UNICODE_STRING *name, char *buf, size_t size, NTSTATUS *st)
{
	*st = ldr_module_name(name, buf, size);
	if (!NT_SUCCESS(*st))
		return NULL;
	struct ldr_module *m = ldr_find_by_name(buf);
	if (!m)
		*st = STATUS_DLL_NOT_FOUND;
	return m;
}

/*
 * The path the kernel gets for a DllName with a directory ("C:\DIR\X" ->
 * "C:\DIR\X.dll" when the name has no extension, as ldr_module_name):
 * FALSE for a bare name (the kernel searches the program's directory, then
 * C:\Windows\System32) or one that is not ASCII or too long (the bare name
 * is tried then).
 */
static BOOL dll_path(const UNICODE_STRING *in, const char *base_name, char *out)
{
	size_t n = in->Length / sizeof(WCHAR), dir = 0;
	for (size_t i = 0; i < n; i++)
		if (in->Buffer[i] == '\\' || in->Buffer[i] == '/' || in->Buffer[i] == ':')
			dir = i + 1;
	if (!dir || dir + strlen(base_name) >= MAX_PATH)
		return FALSE;
	for (size_t i = 0; i < dir; i++) {
		if (in->Buffer[i] == 0 || in->Buffer[i] > 0x7f)
			return FALSE;
		out[i] = (char)in->Buffer[i];
	}
	strcpy(out + dir, base_name);
	return TRUE;
}

/*
 * LdrLoadDll: loads DllName (a bare name from the program's directory or
 * C:\Windows\System32, a path from that file: the kernel looks) and
 * what it imports, runs their initialization, stores the base.  A loaded DLL
 * gets one more reference.  STATUS_DLL_NOT_FOUND, STATUS_ENTRYPOINT_NOT_FOUND,
 * STATUS_INVALID_IMAGE_FORMAT from the kernel; STATUS_DLL_INIT_FAILED when a
 * DllMain fails (the DLL is unloaded again).
 */
static NTSTATUS load_dll(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *BaseAddress)
{
	(void)SearchPath;
	(void)DllCharacteristics;
	char name[64];
	NTSTATUS st;
	if (!BaseAddress)
		return STATUS_INVALID_PARAMETER;
	struct ldr_module *m = find_named(DllName, name, sizeof(name), &st);
	if (!m && st != STATUS_DLL_NOT_FOUND)
		return st;
	if (m) {
		add_ref(m);
		*BaseAddress = m->DllBase;
		return STATUS_SUCCESS;
	}
	ULONG64 base = 0;
	char path[MAX_PATH];
	st = mm_load_image(dll_path(DllName, name, path) ? path : name, &base);
	if (!NT_SUCCESS(st))
		return st;
	m = ldr_find_by_base((PVOID)base);
	if (m) {	/* mapped already under another spelling */
		add_ref(m);
		*BaseAddress = m->DllBase;
		return STATUS_SUCCESS;
	}
	st = ldr_sync_images(TRUE);
	m = ldr_find_by_base((PVOID)base);
	if (!m) {
		mm_unload_image(base);
		return NT_SUCCESS(st) ? STATUS_DLL_NOT_FOUND : st;
	}
	/* The new modules' references to what they import, then the caller's. */
	LIST_ENTRY *head = &ldr_data.InLoadOrderModuleList;
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *n = CONTAINING_RECORD(e, struct ldr_module, InLoadOrderLinks);
		if (n->dynamic && !(n->Flags & LDRP_ENTRY_PROCESSED))
			for_each_import(n, add_ref);
	}
	m->LoadCount++;
	if (NT_SUCCESS(st))
		st = ldr_process_attach_all();
	if (!NT_SUCCESS(st)) {
		drop_ref(m);
		return st;
	}
	*BaseAddress = m->DllBase;
	return STATUS_SUCCESS;
}

/* LdrUnloadDll: drops a reference; the last one unloads (pinned modules stay). */
static NTSTATUS unload_dll(PVOID BaseAddress)
{
	struct ldr_module *m = ldr_find_by_base(BaseAddress);
	if (!m)
		return STATUS_DLL_NOT_FOUND;
	drop_ref(m);
	return STATUS_SUCCESS;
}

/* LdrGetDllHandle: the base of a loaded module by name (no reference taken). */
static NTSTATUS get_dll_handle(PWSTR DllPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *DllHandle)
{
	(void)DllPath;
	(void)DllCharacteristics;
	char name[64];
	NTSTATUS st;
	struct ldr_module *m = find_named(DllName, name, sizeof(name), &st);
	if (!m)
		return st;
	if (DllHandle)
		*DllHandle = m->DllBase;
	return STATUS_SUCCESS;
}

/* LdrFindEntryForAddress: the module containing Address; STATUS_NO_MORE_ENTRIES when none. */
NTSTATUS NTAPI LdrFindEntryForAddress(PVOID Address, PLDR_DATA_TABLE_ENTRY *Entry)
{
	struct ldr_module *m = ldr_find_by_address(Address);
	if (!m)
		return STATUS_NO_MORE_ENTRIES;
	*Entry = (PLDR_DATA_TABLE_ENTRY)m;
	return STATUS_SUCCESS;
}

/* LdrAddRefDll: one more reference, or with Flags 1 (LDR_ADDREF_DLL_PIN) never unloaded. */
static NTSTATUS add_ref_dll(ULONG Flags, PVOID BaseAddress)
{
	if (Flags & ~1u)
		return STATUS_INVALID_PARAMETER;
	struct ldr_module *m = ldr_find_by_base(BaseAddress);
	if (!m)
		return STATUS_DLL_NOT_FOUND;
	if (Flags & 1)
		m->LoadCount = LDR_PINNED;
	else
		add_ref(m);
	return STATUS_SUCCESS;
}

/*
 * LdrDisableThreadCalloutsForDll: no DLL_THREAD_ATTACH/DETACH (nor TLS
 * callbacks) for this module.  A module with static TLS is refused with
 * STATUS_DLL_NOT_FOUND, as Windows does (its blocks need the calls).
 */
static NTSTATUS disable_thread_callouts(PVOID BaseAddress)
{
	struct ldr_module *m = ldr_find_by_base(BaseAddress);
	if (!m || m->tls_slot != LDR_NO_TLS)
		return STATUS_DLL_NOT_FOUND;
	m->Flags |= LDRP_DONT_CALL_FOR_THREADS;
	return STATUS_SUCCESS;
}

/* The exported calls: each under the loader lock. */

NTSTATUS NTAPI LdrLoadDll(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *BaseAddress)
{
	ldr_lock_acquire();
	NTSTATUS st = load_dll(SearchPath, DllCharacteristics, DllName, BaseAddress);
	ldr_lock_release();
	return st;
}

NTSTATUS NTAPI LdrUnloadDll(PVOID BaseAddress)
{
	ldr_lock_acquire();
	NTSTATUS st = unload_dll(BaseAddress);
	ldr_lock_release();
	return st;
}

NTSTATUS NTAPI LdrGetDllHandle(PWSTR DllPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *DllHandle)
{
	ldr_lock_acquire();
	NTSTATUS st = get_dll_handle(DllPath, DllCharacteristics, DllName, DllHandle);
	ldr_lock_release();
	return st;
}

NTSTATUS NTAPI LdrAddRefDll(ULONG Flags, PVOID BaseAddress)
{
	ldr_lock_acquire();
	NTSTATUS st = add_ref_dll(Flags, BaseAddress);
	ldr_lock_release();
	return st;
}

NTSTATUS NTAPI LdrDisableThreadCalloutsForDll(PVOID BaseAddress)
{
	ldr_lock_acquire();
	NTSTATUS st = disable_thread_callouts(BaseAddress);
	ldr_lock_release();
	return st;
}
