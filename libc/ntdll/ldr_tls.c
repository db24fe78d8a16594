/*
 * libc/ntdll/ldr_tls.c - static TLS of images (the PE TLS directory): an
 * index per image that has one (written to AddressOfIndex), the thread's
 * block copied from the template into TEB->ThreadLocalStoragePointer[index],
 * and the TLS callbacks.  One thread today; with threads, every thread gets
 * a block at attach and new threads copy every template.
 */
#include "ntdll_private.h"

static ULONG tls_capacity;	/* entries in the TEB's ThreadLocalStoragePointer array */
static unsigned char *tls_used;	/* index -> in use; tls_capacity bytes after the array's pointers */

/* Grows the TEB's pointer array (and the in-use map after it) to hold index. */
static NTSTATUS tls_reserve(ULONG index)
{
	if (index < tls_capacity)
		return STATUS_SUCCESS;
	ULONG cap = tls_capacity ? tls_capacity * 2 : 64;
	while (cap <= index)
		cap *= 2;
	void **array = ldr_alloc_pages(cap * (sizeof(void *) + 1));
	if (!array)
		return STATUS_NO_MEMORY;
	unsigned char *used = (unsigned char *)(array + cap);
	TEB *teb = cur_teb();
	void **old = (void **)TEB_TLS_POINTER(teb);
	if (tls_capacity) {
		memcpy(array, old, tls_capacity * sizeof(void *));
		memcpy(used, tls_used, tls_capacity);
	}
	TEB_TLS_POINTER(teb) = (PVOID *)array;
	if (tls_capacity)
		ldr_free_pages(old);
	tls_used = used;
	tls_capacity = cap;
	return STATUS_SUCCESS;
}

/* The image's TLS directory, or NULL. */
static IMAGE_TLS_DIRECTORY64 *tls_directory(struct ldr_module *m)
{
	return ldr_image_directory(m->DllBase, IMAGE_DIRECTORY_ENTRY_TLS, NULL);
}

/* Gives m an index and this thread's block when its image has a TLS directory. */
NTSTATUS ldr_tls_attach(struct ldr_module *m)
{
	IMAGE_TLS_DIRECTORY64 *dir = tls_directory(m);
	if (!dir || m->tls_slot != LDR_NO_TLS)
		return STATUS_SUCCESS;
	ULONG index = 0;
	while (index < tls_capacity && tls_used[index])
		index++;
	NTSTATUS st = tls_reserve(index);
	if (!NT_SUCCESS(st))
		return st;
	SIZE_T raw = dir->EndAddressOfRawData - dir->StartAddressOfRawData;
	SIZE_T total = raw + dir->SizeOfZeroFill;
	if (dir->EndAddressOfRawData < dir->StartAddressOfRawData || total < raw)
		return STATUS_INVALID_IMAGE_FORMAT;
	void *block = NULL;
	if (total) {
		block = ldr_alloc_pages(total);	/* page aligned: any IMAGE_SCN_ALIGN_* holds; zero filled */
		if (!block)
			return STATUS_NO_MEMORY;
		memcpy(block, (void *)dir->StartAddressOfRawData, raw);
	}
	tls_used[index] = 1;
	((void **)TEB_TLS_POINTER(cur_teb()))[index] = block;
	m->tls_slot = index;
	m->TlsIndex = (USHORT)index;
	if (dir->AddressOfIndex)
		*(ULONG *)dir->AddressOfIndex = index;
	return STATUS_SUCCESS;
}

/* Frees m's block and index (FreeLibrary). */
void ldr_tls_detach(struct ldr_module *m)
{
	if (m->tls_slot == LDR_NO_TLS)
		return;
	void **array = (void **)TEB_TLS_POINTER(cur_teb());
	ldr_free_pages(array[m->tls_slot]);
	array[m->tls_slot] = NULL;
	tls_used[m->tls_slot] = 0;
	m->tls_slot = LDR_NO_TLS;
}

/* Runs m's TLS callbacks (AddressOfCallBacks, a NULL-terminated array) with reason. */
void ldr_call_tls_callbacks(struct ldr_module *m, DWORD reason)
{
	IMAGE_TLS_DIRECTORY64 *dir = tls_directory(m);
	if (!dir || !dir->AddressOfCallBacks)
		return;
	for (PIMAGE_TLS_CALLBACK *cb = (PIMAGE_TLS_CALLBACK *)dir->AddressOfCallBacks; *cb; cb++)
		(*cb)(m->DllBase, reason, NULL);
}
