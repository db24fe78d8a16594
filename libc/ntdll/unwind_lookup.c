/*
 * libc/ntdll/unwind_lookup.c - from a code address to its function table
 * entry: the image holding it (PEB->Ldr, else the kernel's NtQueryImages),
 * the image's exception directory (.pdata, sorted), and the tables
 * registered at run time (RtlAddFunctionTable, RtlInstallFunctionTableCallback).
 * One thread per process, so the dynamic table list needs no lock.
 */
#include "except_internal.h"

/* UNICODE_STRING (winternl.h's, without including it). */
struct ustring {
	USHORT length, maximum_length;
	WCHAR *buffer;
};

/* LDR_DATA_TABLE_ENTRY as Windows lays it out (winternl.h leaves these fields reserved). */
struct ldr_entry {
	LIST_ENTRY load_links;		/* +0x00 */
	LIST_ENTRY memory_links;	/* +0x10 */
	LIST_ENTRY init_links;		/* +0x20 */
	void *dll_base;			/* +0x30 */
	void *entry_point;		/* +0x38 */
	ULONG size_of_image;		/* +0x40 */
	struct ustring full_name;	/* +0x48 */
	struct ustring base_name;	/* +0x58 */
};
_Static_assert(offsetof(struct ldr_entry, base_name) == 0x58, "LDR_DATA_TABLE_ENTRY.BaseDllName");

/* PEB_LDR_DATA: InMemoryOrderModuleList at +0x20. */
struct ldr_data {
	ULONG length;
	BOOLEAN initialized;
	void *ss_handle;
	LIST_ENTRY load_order;		/* +0x10 */
	LIST_ENTRY memory_order;	/* +0x20 */
};
_Static_assert(offsetof(struct ldr_data, memory_order) == 0x20, "PEB_LDR_DATA.InMemoryOrderModuleList");

static struct ldr_data *ldr(void)
{
	char *peb = *(char **)((char *)except_teb() + 0x60);
	return peb ? *(struct ldr_data **)(peb + 0x18) : NULL;
}

static void copy_name(char *out, size_t n, const struct ustring *u)
{
	size_t i = 0, len = u->buffer ? u->length / 2 : 0;
	for (; i + 1 < n && i < len; i++)
		out[i] = u->buffer[i] < 128 ? (char)u->buffer[i] : '?';
	if (n)
		out[i] = 0;
}

/* The images as the kernel reports them (a static buffer: one thread, and no heap needed). */
static struct abi_image_info kimages[64];

static BOOL kernel_image(ULONG64 pc, ULONG64 *base, ULONG64 *size, char *name, size_t n)
{
	unsigned long long needed = 0;
	long long st = except_syscall(SYS_NtQueryImages, (long long)kimages, 64, (long long)&needed, 0);
	if (st < 0)
		return FALSE;
	for (unsigned long long i = 0; i < needed && i < 64; i++) {
		if (pc - kimages[i].base >= kimages[i].size)
			continue;
		*base = kimages[i].base;
		*size = kimages[i].size;
		if (name && n) {
			size_t j = 0;
			for (; j + 1 < n && kimages[i].name[j]; j++)
				name[j] = kimages[i].name[j];
			name[j] = 0;
		}
		return TRUE;
	}
	return FALSE;
}

BOOL except_find_image(ULONG64 pc, ULONG64 *base, ULONG64 *size, char *name, size_t name_len)
{
	struct ldr_data *l = ldr();
	if (l && l->memory_order.Flink) {
		int guard = 0;
		for (LIST_ENTRY *e = l->memory_order.Flink; e && e != &l->memory_order && guard < 4096;
		     e = e->Flink, guard++) {
			struct ldr_entry *m = CONTAINING_RECORD(e, struct ldr_entry, memory_links);
			ULONG64 b = (ULONG64)m->dll_base;
			if (pc - b >= m->size_of_image)
				continue;
			*base = b;
			*size = m->size_of_image;
			if (name)
				copy_name(name, name_len, &m->base_name);
			return TRUE;
		}
	}
	return kernel_image(pc, base, size, name, name_len);
}

/* The NT headers of the image at base, or NULL when it does not look like a PE32+ image. */
static IMAGE_NT_HEADERS64 *nt_headers(ULONG64 base, ULONG64 size)
{
	IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)base;
	if (size < sizeof(*dos) || dos->e_magic != IMAGE_DOS_SIGNATURE || dos->e_lfanew <= 0 ||
	    (ULONG64)dos->e_lfanew + sizeof(IMAGE_NT_HEADERS64) > size)
		return NULL;
	IMAGE_NT_HEADERS64 *nt = (IMAGE_NT_HEADERS64 *)(base + dos->e_lfanew);
	if (nt->Signature != IMAGE_NT_SIGNATURE || nt->OptionalHeader.Magic != IMAGE_NT_OPTIONAL_HDR64_MAGIC)
		return NULL;
	return nt;
}

/* Data directory idx of the image, checked to lie inside it; NULL if absent. */
static void *image_dir(ULONG64 base, ULONG64 size, int idx, DWORD *len)
{
	IMAGE_NT_HEADERS64 *nt = nt_headers(base, size);
	if (!nt || nt->OptionalHeader.NumberOfRvaAndSizes <= (DWORD)idx)
		return NULL;
	IMAGE_DATA_DIRECTORY *d = &nt->OptionalHeader.DataDirectory[idx];
	if (!d->VirtualAddress || !d->Size || (ULONG64)d->VirtualAddress + d->Size > size)
		return NULL;
	*len = d->Size;
	return (void *)(base + d->VirtualAddress);
}

/* Binary search of a table sorted by BeginAddress for rva; follows an indirect entry. */
static PRUNTIME_FUNCTION search_table(PRUNTIME_FUNCTION t, DWORD count, ULONG64 base, DWORD rva)
{
	DWORD lo = 0, hi = count;
	while (lo < hi) {
		DWORD mid = lo + (hi - lo) / 2;
		if (rva < t[mid].BeginAddress)
			hi = mid;
		else if (rva >= t[mid].EndAddress)
			lo = mid + 1;
		else {
			PRUNTIME_FUNCTION f = &t[mid];
			if (f->UnwindData & 1)	/* RUNTIME_FUNCTION_INDIRECT */
				f = (PRUNTIME_FUNCTION)(base + f->UnwindData - 1);
			return f;
		}
	}
	return NULL;
}

/* Dynamic tables: RtlAddFunctionTable entries and callbacks. */
#define MAX_DYNAMIC 256
struct dyn_table {
	PRUNTIME_FUNCTION table;	/* NULL: a callback entry */
	DWORD count;
	ULONG64 base, begin, end;	/* the code range covered */
	ULONG64 id;			/* callbacks: the identifier (low two bits set) */
	PGET_RUNTIME_FUNCTION_CALLBACK callback;
	PVOID context;
	BOOL used;
};
static struct dyn_table dyn[MAX_DYNAMIC];

static struct dyn_table *dyn_slot(void)
{
	for (int i = 0; i < MAX_DYNAMIC; i++)
		if (!dyn[i].used)
			return &dyn[i];
	return NULL;
}

static PRUNTIME_FUNCTION dyn_lookup(ULONG64 pc, ULONG64 *base)
{
	for (int i = 0; i < MAX_DYNAMIC; i++) {
		struct dyn_table *d = &dyn[i];
		if (!d->used || pc < d->begin || pc >= d->end)
			continue;
		if (!d->table) {
			PRUNTIME_FUNCTION f = d->callback(pc, d->context);
			if (f) {
				*base = d->base;
				return f;
			}
			continue;
		}
		DWORD rva = (DWORD)(pc - d->base);
		for (DWORD k = 0; k < d->count; k++) {	/* run-time tables need not be sorted */
			if (rva >= d->table[k].BeginAddress && rva < d->table[k].EndAddress) {
				*base = d->base;
				return &d->table[k];
			}
		}
	}
	return NULL;
}

/* Function entry of the code at ControlPc: the image's .pdata, then the dynamic tables. */
PRUNTIME_FUNCTION NTAPI RtlLookupFunctionEntry(DWORD64 ControlPc, PDWORD64 ImageBase, PUNWIND_HISTORY_TABLE HistoryTable)
{
	(void)HistoryTable;	/* a cache only; every lookup searches */
	ULONG64 base, size;
	if (except_find_image(ControlPc, &base, &size, NULL, 0)) {
		DWORD len;
		PRUNTIME_FUNCTION t = image_dir(base, size, IMAGE_DIRECTORY_ENTRY_EXCEPTION, &len);
		PRUNTIME_FUNCTION f = t ? search_table(t, len / sizeof(*t), base, (DWORD)(ControlPc - base)) : NULL;
		if (f) {
			*ImageBase = base;
			return f;
		}
	}
	ULONG64 b = 0;
	PRUNTIME_FUNCTION f = dyn_lookup(ControlPc, &b);
	if (f)
		*ImageBase = b;
	return f;
}

/* Base of the image holding PcValue (also in *BaseOfImage), NULL when none does. */
PVOID NTAPI RtlPcToFileHeader(PVOID PcValue, PVOID *BaseOfImage)
{
	ULONG64 base = 0, size;
	if (!except_find_image((ULONG64)PcValue, &base, &size, NULL, 0))
		base = 0;
	*BaseOfImage = (PVOID)base;
	return (PVOID)base;
}

/* Registers a table of EntryCount entries relative to BaseAddress. */
BOOLEAN __cdecl RtlAddFunctionTable(PRUNTIME_FUNCTION FunctionTable, DWORD EntryCount, DWORD64 BaseAddress)
{
	struct dyn_table *d = dyn_slot();
	if (!d || !FunctionTable)
		return FALSE;
	DWORD lo = 0xffffffff, hi = 0;
	for (DWORD k = 0; k < EntryCount; k++) {
		lo = FunctionTable[k].BeginAddress < lo ? FunctionTable[k].BeginAddress : lo;
		hi = FunctionTable[k].EndAddress > hi ? FunctionTable[k].EndAddress : hi;
	}
	*d = (struct dyn_table){ .table = FunctionTable, .count = EntryCount, .base = BaseAddress,
				 .begin = EntryCount ? BaseAddress + lo : 0, .end = EntryCount ? BaseAddress + hi : 0,
				 .used = TRUE };
	return TRUE;
}

/* Registers a callback that supplies entries for [BaseAddress, BaseAddress + Length). */
BOOLEAN __cdecl RtlInstallFunctionTableCallback(DWORD64 TableIdentifier, DWORD64 BaseAddress, DWORD Length,
						PGET_RUNTIME_FUNCTION_CALLBACK Callback, PVOID Context,
						PCWSTR OutOfProcessCallbackDll)
{
	(void)OutOfProcessCallbackDll;	/* for debuggers only */
	struct dyn_table *d = dyn_slot();
	if ((TableIdentifier & 3) != 3 || !Callback || !d)
		return FALSE;
	*d = (struct dyn_table){ .id = TableIdentifier, .base = BaseAddress, .begin = BaseAddress,
				 .end = BaseAddress + Length, .callback = Callback, .context = Context, .used = TRUE };
	return TRUE;
}

/* Removes a table added by either call above (a callback by its identifier). */
BOOLEAN __cdecl RtlDeleteFunctionTable(PRUNTIME_FUNCTION FunctionTable)
{
	for (int i = 0; i < MAX_DYNAMIC; i++) {
		struct dyn_table *d = &dyn[i];
		if (d->used && (d->table ? d->table == FunctionTable : d->id == (ULONG64)FunctionTable)) {
			d->used = FALSE;
			return TRUE;
		}
	}
	return FALSE;
}

/* Export name of the image at base, or NULL (a plain walk of its export directory; forwarders are skipped). */
static void *image_export(ULONG64 base, ULONG64 size, const char *name)
{
	DWORD len;
	IMAGE_EXPORT_DIRECTORY *ex = image_dir(base, size, IMAGE_DIRECTORY_ENTRY_EXPORT, &len);
	if (!ex || (ULONG64)ex->AddressOfNames + ex->NumberOfNames * 4ULL > size ||
	    (ULONG64)ex->AddressOfNameOrdinals + ex->NumberOfNames * 2ULL > size ||
	    (ULONG64)ex->AddressOfFunctions + ex->NumberOfFunctions * 4ULL > size)
		return NULL;
	DWORD *names = (DWORD *)(base + ex->AddressOfNames);
	WORD *ords = (WORD *)(base + ex->AddressOfNameOrdinals);
	DWORD *funcs = (DWORD *)(base + ex->AddressOfFunctions);
	for (DWORD i = 0; i < ex->NumberOfNames; i++) {
		if (names[i] >= size)
			continue;
		const char *s = (const char *)(base + names[i]);
		size_t k = 0;
		while (name[k] && s[k] == name[k])
			k++;
		if (name[k] || s[k] || ords[i] >= ex->NumberOfFunctions)
			continue;
		DWORD rva = funcs[ords[i]];
		ULONG64 dir = (ULONG64)ex - base;
		if (!rva || rva >= size || (rva >= dir && rva < dir + len))
			return NULL;
		return (void *)(base + rva);
	}
	return NULL;
}

static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

void *except_find_export(const char *module, const char *name)
{
	unsigned long long needed = 0;
	if (except_syscall(SYS_NtQueryImages, (long long)kimages, 64, (long long)&needed, 0) < 0)
		return NULL;
	for (unsigned long long i = 0; i < needed && i < 64; i++)
		if (same_name(kimages[i].name, module))
			return image_export(kimages[i].base, kimages[i].size, name);
	return NULL;
}
