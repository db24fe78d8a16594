/*
 * libc/ntdll/ldr_export.c - LdrGetProcedureAddress: the export table walk
 * in user mode (by name with a binary search of the sorted name table, or by
 * ordinal), forwarders ("DLL.Name", "DLL.#N") followed, loading the target
 * DLL when it is not loaded yet.
 */
#include "ntdll_private.h"

#define MAX_FORWARDS 16	/* forwarder chains longer than this are a loop */

/* strcmp of the export name at s against the counted name (n chars). */
static int name_cmp(const char *s, const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)name[i];
		if (a != b)
			return a < b ? -1 : 1;
	}
	return s[n] ? 1 : 0;
}

static NTSTATUS lookup(PVOID base, const char *name, size_t name_len, ULONG ordinal, PVOID *out, int depth);

/* Resolves the forwarder string fwd ("DLL.Name" or "DLL.#N"). */
static NTSTATUS forward(const char *fwd, PVOID *out, int depth)
{
	if (depth >= MAX_FORWARDS)
		return STATUS_INVALID_IMAGE_FORMAT;
	const char *dot = NULL;
	for (const char *p = fwd; *p; p++)
		if (*p == '.')
			dot = p;
	if (!dot || dot == fwd || dot - fwd >= 60)
		return STATUS_INVALID_IMAGE_FORMAT;
	WCHAR wname[64];
	size_t n = (size_t)(dot - fwd);
	for (size_t i = 0; i < n; i++)
		wname[i] = (unsigned char)fwd[i];
	UNICODE_STRING us = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), wname };
	char mod[64];
	NTSTATUS st = ldr_module_name(&us, mod, sizeof(mod));
	if (!NT_SUCCESS(st))
		return st;
	struct ldr_module *target = ldr_find_by_name(mod);
	PVOID tbase;
	if (target) {
		tbase = target->DllBase;
	} else {
		st = LdrLoadDll(NULL, NULL, &us, &tbase);	/* the forwarding DLL keeps this reference */
		if (!NT_SUCCESS(st))
			return st;
	}
	const char *sym = dot + 1;
	if (sym[0] == '#') {
		ULONG ord = 0;
		const char *p = sym + 1;
		if (!*p)
			return STATUS_INVALID_IMAGE_FORMAT;
		for (; *p; p++) {
			if (*p < '0' || *p > '9' || ord > 0xFFFF)
				return STATUS_INVALID_IMAGE_FORMAT;
			ord = ord * 10 + (ULONG)(*p - '0');
		}
		return lookup(tbase, NULL, 0, ord, out, depth + 1);
	}
	return lookup(tbase, sym, strlen(sym), 0, out, depth + 1);
}

/* The export of the image at base by name (name != NULL) or ordinal. */
static NTSTATUS lookup(PVOID base, const char *name, size_t name_len, ULONG ordinal, PVOID *out, int depth)
{
	NTSTATUS missing = name ? STATUS_PROCEDURE_NOT_FOUND : STATUS_ORDINAL_NOT_FOUND;
	ULONG dir_size = 0;
	IMAGE_EXPORT_DIRECTORY *dir = ldr_image_directory(base, IMAGE_DIRECTORY_ENTRY_EXPORT, &dir_size);
	if (!dir)
		return missing;
	const char *b = base;
	const ULONG *functions = (const ULONG *)(b + dir->AddressOfFunctions);
	ULONG index;
	if (name) {
		const ULONG *names = (const ULONG *)(b + dir->AddressOfNames);
		const USHORT *ordinals = (const USHORT *)(b + dir->AddressOfNameOrdinals);
		ULONG lo = 0, hi = dir->NumberOfNames;
		index = 0xFFFFFFFFu;
		while (lo < hi) {
			ULONG mid = lo + (hi - lo) / 2;
			int c = name_cmp(b + names[mid], name, name_len);
			if (c == 0) {
				index = ordinals[mid];
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	} else {
		index = ordinal - dir->Base;
		if (ordinal < dir->Base)
			return missing;
	}
	if (index >= dir->NumberOfFunctions || !functions[index])
		return missing;
	ULONG rva = functions[index];
	const char *dir_start = (const char *)dir;
	if (b + rva >= dir_start && b + rva < dir_start + dir_size)
		return forward(b + rva, out, depth);
	*out = (PVOID)(b + rva);
	return STATUS_SUCCESS;
}

/*
 * LdrGetProcedureAddress: *ProcedureAddress = the export Name (when
 * non-NULL) or Ordinal of the loaded module at BaseAddress.
 * STATUS_PROCEDURE_NOT_FOUND / STATUS_ORDINAL_NOT_FOUND when it has none,
 * STATUS_DLL_NOT_FOUND when BaseAddress is no loaded module.
 */
NTSTATUS NTAPI LdrGetProcedureAddress(PVOID BaseAddress, PANSI_STRING Name, ULONG Ordinal, PVOID *ProcedureAddress)
{
	if (!ProcedureAddress)
		return STATUS_INVALID_PARAMETER;
	if (!ldr_find_by_base(BaseAddress))
		return STATUS_DLL_NOT_FOUND;
	*ProcedureAddress = NULL;
	if (Name)
		return lookup(BaseAddress, Name->Buffer, Name->Length, 0, ProcedureAddress, 0);
	return lookup(BaseAddress, NULL, 0, Ordinal, ProcedureAddress, 0);
}
