/*
 * libc/ntdll/ldr_module.c - the module list (PEB->Ldr): one struct ldr_module
 * per image the kernel has mapped (NtQueryImages), linked in the three
 * PEB_LDR_DATA lists; lookups by base, name and address; names as Windows
 * shows them ("C:\windows\system32\kernel32.dll", "C:\hello.exe").
 * One thread today: the callers hold no lock (the loader lock comes with threads).
 */
#include "ntdll_private.h"

struct ldr_data ldr_data;

/* Module records: 512-byte slots carved from pages, recycled through a free list. */
#define SLOT_SIZE 512
_Static_assert(sizeof(struct ldr_module) <= SLOT_SIZE, "ldr_module slot");
_Static_assert(offsetof(struct ldr_module, InMemoryOrderLinks) == offsetof(LDR_DATA_TABLE_ENTRY, InMemoryOrderLinks),
	       "LDR_DATA_TABLE_ENTRY.InMemoryOrderLinks");
_Static_assert(offsetof(struct ldr_module, DllBase) == offsetof(LDR_DATA_TABLE_ENTRY, DllBase), "DllBase");
_Static_assert(offsetof(struct ldr_module, FullDllName) == offsetof(LDR_DATA_TABLE_ENTRY, FullDllName), "FullDllName");
_Static_assert(offsetof(struct ldr_module, TimeDateStamp) == offsetof(LDR_DATA_TABLE_ENTRY, TimeDateStamp),
	       "TimeDateStamp");
_Static_assert(offsetof(struct ldr_data, InMemoryOrderModuleList) == offsetof(PEB_LDR_DATA, InMemoryOrderModuleList),
	       "PEB_LDR_DATA.InMemoryOrderModuleList");
_Static_assert(offsetof(struct process_parameters, CommandLine) == offsetof(RTL_USER_PROCESS_PARAMETERS, CommandLine),
	       "RTL_USER_PROCESS_PARAMETERS.CommandLine");

struct free_slot {
	struct free_slot *next;
};
static struct free_slot *free_slots;

/* Page-granular memory for the loader (module slots, TLS blocks and arrays); NULL when out of memory. */
void *ldr_alloc_pages(SIZE_T size)
{
	PVOID base = NULL;
	SIZE_T sz = size;
	if (!NT_SUCCESS(NtAllocateVirtualMemory(NT_CURRENT_PROCESS, &base, 0, &sz, MEM_RESERVE | MEM_COMMIT,
						PAGE_READWRITE)))
		return NULL;
	return base;
}

/* Gives back a ldr_alloc_pages block. */
void ldr_free_pages(void *p)
{
	PVOID base = p;
	SIZE_T sz = 0;
	if (p)
		NtFreeVirtualMemory(NT_CURRENT_PROCESS, &base, &sz, MEM_RELEASE);
}

/* A zeroed module record, or NULL when out of memory. */
static struct ldr_module *alloc_module(void)
{
	if (!free_slots) {
		/* Slots live as long as the process: from its heap (made before the first module), as
		   Windows' loader records are, not a 64 KiB reservation of their own. */
		PVOID heap = PEB_PROCESS_HEAP(ldr_peb());
		char *page = heap ? RtlAllocateHeap(heap, HEAP_ZERO_MEMORY, 4096) : ldr_alloc_pages(4096);
		if (!page)
			return NULL;
		for (int i = 4096 / SLOT_SIZE - 1; i >= 0; i--) {
			struct free_slot *s = (struct free_slot *)(page + i * SLOT_SIZE);
			s->next = free_slots;
			free_slots = s;
		}
	}
	struct free_slot *s = free_slots;
	free_slots = s->next;
	memset(s, 0, SLOT_SIZE);
	return (struct ldr_module *)s;
}

/* The PEB, from the TEB (gs:[0x60]). */
PEB *ldr_peb(void)
{
	return cur_teb()->ProcessEnvironmentBlock;
}

/* "ntdll: a b c\n" on the console. */
void ldr_print(const char *a, const char *b, const char *c)
{
	char line[256];
	size_t n = 0;
	const char *parts[4] = { "ntdll: ", a, b, c };
	for (int i = 0; i < 4; i++)
		for (const char *p = parts[i]; p && *p && n < sizeof(line) - 1; p++)
			line[n++] = *p;
	line[n++] = '\n';
	MmWriteConsole(line, n);
}

static void list_append(LIST_ENTRY *head, LIST_ENTRY *e)
{
	e->Flink = head;
	e->Blink = head->Blink;
	head->Blink->Flink = e;
	head->Blink = e;
}

static void list_unlink(LIST_ENTRY *e)
{
	e->Blink->Flink = e->Flink;
	e->Flink->Blink = e->Blink;
	e->Flink = e->Blink = e;
}

/* The module whose image starts at base, or NULL. */
struct ldr_module *ldr_find_by_base(PVOID base)
{
	LIST_ENTRY *head = &ldr_data.InLoadOrderModuleList;
	if (!head->Flink)
		return NULL;
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InLoadOrderLinks);
		if (m->DllBase == base)
			return m;
	}
	return NULL;
}

/* The module whose image contains addr, or NULL. */
struct ldr_module *ldr_find_by_address(const void *addr)
{
	LIST_ENTRY *head = &ldr_data.InLoadOrderModuleList;
	if (!head->Flink)
		return NULL;
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InLoadOrderLinks);
		if ((ULONG_PTR)addr - (ULONG_PTR)m->DllBase < m->SizeOfImage)
			return m;
	}
	return NULL;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* The module named name (the kernel's module name, case-insensitive), or NULL. */
struct ldr_module *ldr_find_by_name(const char *name)
{
	LIST_ENTRY *head = &ldr_data.InLoadOrderModuleList;
	if (!head->Flink)
		return NULL;
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InLoadOrderLinks);
		size_t i = 0;
		while (m->name[i] && lower(m->name[i]) == lower(name[i]))
			i++;
		if (!m->name[i] && !name[i])
			return m;
	}
	return NULL;
}

/*
 * A DLL name as the kernel knows modules: the part after the last '\' or
 * '/', ".dll" appended when it has no '.', a trailing '.' dropped (Windows'
 * "no extension" mark).  STATUS_OBJECT_NAME_INVALID for non-ASCII, empty or
 * too long names.
 */
NTSTATUS ldr_module_name(const UNICODE_STRING *in, char *out, size_t size)
{
	if (!in || !in->Buffer)
		return STATUS_INVALID_PARAMETER;
	size_t n = in->Length / sizeof(WCHAR), start = 0;
	for (size_t i = 0; i < n; i++)
		if (in->Buffer[i] == '\\' || in->Buffer[i] == '/')
			start = i + 1;
	size_t len = 0;
	int dot = 0;
	for (size_t i = start; i < n; i++) {
		WCHAR c = in->Buffer[i];
		if (c == 0 || c > 0x7f || len + 5 >= size)
			return STATUS_OBJECT_NAME_INVALID;
		dot |= c == '.';
		out[len++] = (char)c;
	}
	if (len == 0)
		return STATUS_OBJECT_NAME_INVALID;
	if (out[len - 1] == '.')
		len--;
	else if (!dot)
		for (const char *p = ".dll"; *p; p++)
			out[len++] = *p;
	if (len == 0)
		return STATUS_OBJECT_NAME_INVALID;
	out[len] = '\0';
	return STATUS_SUCCESS;
}

/* The NT headers of a mapped image (the kernel validated it). */
static IMAGE_NT_HEADERS64 *nt_headers(PVOID base)
{
	IMAGE_DOS_HEADER *dos = base;
	return (IMAGE_NT_HEADERS64 *)((char *)base + dos->e_lfanew);
}

void *ldr_image_directory(PVOID base, int index, ULONG *size)
{
	IMAGE_NT_HEADERS64 *nt = nt_headers(base);
	if ((ULONG)index >= nt->OptionalHeader.NumberOfRvaAndSizes)
		return NULL;
	IMAGE_DATA_DIRECTORY *d = &nt->OptionalHeader.DataDirectory[index];
	if (!d->VirtualAddress || !d->Size)
		return NULL;
	if (size)
		*size = d->Size;
	return (char *)base + d->VirtualAddress;
}

/* Copies prefix then name into buf as UTF-16 and points s at it. */
static void set_name(UNICODE_STRING *s, WCHAR *buf, size_t cap, const char *prefix, const char *name)
{
	size_t n = 0;
	for (const char *p = prefix; *p && n + 1 < cap; p++)
		buf[n++] = (unsigned char)*p;
	for (const char *p = name; *p && n + 1 < cap; p++)
		buf[n++] = (unsigned char)*p;
	buf[n] = 0;
	s->Buffer = buf;
	s->Length = (USHORT)(n * sizeof(WCHAR));
	s->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
}

/* A record for image info, appended to the three lists (the exe goes first in load/memory order). */
static NTSTATUS add_module(const struct abi_image_info *info, BOOLEAN dynamic)
{
	struct ldr_module *m = alloc_module();
	if (!m)
		return STATUS_NO_MEMORY;
	BOOLEAN exe = (info->flags & ABI_IMAGE_EXE) != 0;
	IMAGE_NT_HEADERS64 *nt = nt_headers((PVOID)info->base);
	m->DllBase = (PVOID)info->base;
	m->EntryPoint = (PVOID)info->entry;
	m->SizeOfImage = nt->OptionalHeader.SizeOfImage;
	m->TimeDateStamp = nt->FileHeader.TimeDateStamp;
	memcpy(m->name, info->name, sizeof(m->name));
	m->name[sizeof(m->name) - 1] = '\0';
	set_name(&m->FullDllName, m->full_buf, sizeof(m->full_buf) / sizeof(WCHAR), exe ? "C:\\" : "C:\\windows\\system32\\", m->name);
	set_name(&m->BaseDllName, m->base_buf, sizeof(m->base_buf) / sizeof(WCHAR), "", m->name);
	m->Flags = exe ? 0 : LDRP_IMAGE_DLL;
	m->LoadCount = dynamic ? 0 : LDR_PINNED;
	m->TlsIndex = 0;
	m->tls_slot = LDR_NO_TLS;
	m->dynamic = dynamic;
	m->HashLinks.Flink = m->HashLinks.Blink = &m->HashLinks;
	if (exe) {	/* first in load and memory order, as on Windows */
		LIST_ENTRY *h = &ldr_data.InLoadOrderModuleList;
		m->InLoadOrderLinks.Flink = h->Flink;
		m->InLoadOrderLinks.Blink = h;
		h->Flink->Blink = &m->InLoadOrderLinks;
		h->Flink = &m->InLoadOrderLinks;
		h = &ldr_data.InMemoryOrderModuleList;
		m->InMemoryOrderLinks.Flink = h->Flink;
		m->InMemoryOrderLinks.Blink = h;
		h->Flink->Blink = &m->InMemoryOrderLinks;
		h->Flink = &m->InMemoryOrderLinks;
	} else {
		list_append(&ldr_data.InLoadOrderModuleList, &m->InLoadOrderLinks);
		list_append(&ldr_data.InMemoryOrderModuleList, &m->InMemoryOrderLinks);
	}
	list_append(&ldr_data.InInitializationOrderModuleList, &m->InInitializationOrderLinks);
	return STATUS_SUCCESS;
}

NTSTATUS ldr_sync_images(BOOLEAN dynamic)
{
	if (!ldr_data.Length) {
		ldr_data.Length = sizeof(ldr_data);
		LIST_ENTRY *lists[3] = { &ldr_data.InLoadOrderModuleList, &ldr_data.InMemoryOrderModuleList,
					 &ldr_data.InInitializationOrderModuleList };
		for (int i = 0; i < 3; i++)
			lists[i]->Flink = lists[i]->Blink = lists[i];
		ldr_data.Initialized = TRUE;
	}
	struct abi_image_info local[16];
	struct abi_image_info *info = local;
	SIZE_T needed = 0, count = sizeof(local) / sizeof(local[0]);
	NTSTATUS st = MmQueryImages(info, count, &needed);
	while (st == STATUS_BUFFER_TOO_SMALL) {
		if (info != local)
			ldr_free_pages(info);
		count = needed;
		info = ldr_alloc_pages(count * sizeof(*info));
		if (!info)
			return STATUS_NO_MEMORY;
		st = MmQueryImages(info, count, &needed);
	}
	if (NT_SUCCESS(st)) {
		SIZE_T n = needed < count ? needed : count;
		for (SIZE_T i = 0; i < n && NT_SUCCESS(st); i++)
			if (!ldr_find_by_base((PVOID)info[i].base))
				st = add_module(&info[i], dynamic);
	}
	if (info != local)
		ldr_free_pages(info);
	return st;
}

/* Unlinks m from the lists and frees its record. */
void ldr_remove(struct ldr_module *m)
{
	list_unlink(&m->InLoadOrderLinks);
	list_unlink(&m->InMemoryOrderLinks);
	list_unlink(&m->InInitializationOrderLinks);
	struct free_slot *s = (struct free_slot *)m;
	s->next = free_slots;
	free_slots = s;
}
