/*
 * libc/ntdll/ldr_tls.c - static TLS of images (the PE TLS directory), per
 * thread: an index per image that has one (written to AddressOfIndex); in
 * every thread a block copied from the image's template (raw data, then
 * SizeOfZeroFill zero bytes) at TEB->ThreadLocalStoragePointer[index]; the
 * TLS callbacks.
 *
 * A thread's array is one page (LDR_TLS_MAX pointers) that never moves, so
 * code reading gs:[0x58] needs no lock.  A thread that starts gets the
 * blocks of every TLS module in one allocation (ldr_tls_thread_init); a
 * module loaded later (LoadLibrary) gets a block of its own in every live
 * thread (ldr_tls_attach), freed again when it is unloaded.  The indexes
 * and the module list are under the loader lock; the threads' arrays
 * under the thread lock.
 *
 * A thread that ends leaves its array allocation as the one spare (when
 * there is none yet) for the next thread that starts: no allocation, no
 * release and no demand-zero faults per thread (docs/threads.md "What a
 * thread costs").  One spare at most, so once threads are joined the
 * process holds what it held after its first thread ended (the leak
 * oracle of tests/user/mt_common.h).
 */
#include "ldr_thread.h"

static unsigned char tls_used[LDR_TLS_MAX];	/* index -> in use (loader lock) */
static void **spare_array;	/* an ended thread's array allocation, every entry NULL (thread lock) */
static SIZE_T spare_size;	/* its bytes */

#define OWN_TEST(t, i) (((t)->tls_own[(i) / 64] >> ((i) % 64)) & 1)
#define OWN_SET(t, i)  ((t)->tls_own[(i) / 64] |= 1ULL << ((i) % 64))
#define OWN_CLEAR(t, i) ((t)->tls_own[(i) / 64] &= ~(1ULL << ((i) % 64)))

/* The image's TLS directory, or NULL. */
static IMAGE_TLS_DIRECTORY64 *tls_directory(struct ldr_module *m)
{
	return ldr_image_directory(m->DllBase, IMAGE_DIRECTORY_ENTRY_TLS, NULL);
}

/* The block size of a TLS directory (raw data + zero fill); FALSE when the directory is inconsistent. */
static BOOLEAN block_size(const IMAGE_TLS_DIRECTORY64 *dir, SIZE_T *raw, SIZE_T *total)
{
	if (dir->EndAddressOfRawData < dir->StartAddressOfRawData)
		return FALSE;
	*raw = dir->EndAddressOfRawData - dir->StartAddressOfRawData;
	*total = *raw + dir->SizeOfZeroFill;
	return *total >= *raw;
}

/* The block's alignment: IMAGE_SCN_ALIGN_* in Characteristics (bits 20-23), at least 16. */
static SIZE_T block_align(const IMAGE_TLS_DIRECTORY64 *dir)
{
	ULONG n = (dir->Characteristics >> 20) & 0xF;
	SIZE_T a = n ? (SIZE_T)1 << (n - 1) : 16;
	return a < 16 ? 16 : a;
}

/* Thread t's array, allocated on first need (thread lock held). */
static void **thread_array(struct ldr_thread *t)
{
	if (!t->tls_array) {
		t->tls_array = ldr_alloc_pages(LDR_TLS_MAX * sizeof(void *));
		t->tls_size = LDR_TLS_MAX * sizeof(void *);
		if (t->tls_array)
			TEB_TLS_POINTER(t->teb) = (PVOID *)t->tls_array;
	}
	return t->tls_array;
}

/* Writes array[index] of thread t (thread lock held), keeping t->tls_high. */
static void set_entry(struct ldr_thread *t, void **array, ULONG index, void *block)
{
	array[index] = block;
	if (index >= t->tls_high)
		t->tls_high = index + 1;
}

/* A block of its own for m's template (page aligned, zero filled), or NULL when out of memory. */
static void *own_block(const IMAGE_TLS_DIRECTORY64 *dir, SIZE_T raw, SIZE_T total)
{
	void *block = ldr_alloc_pages(total);
	if (block)
		memcpy(block, (const void *)dir->StartAddressOfRawData, raw);
	return block;
}

/* Frees index in every thread's array (thread lock held). */
static void drop_index(ULONG index)
{
	for (LIST_ENTRY *e = thread_list.Flink; e != &thread_list; e = e->Flink) {
		struct ldr_thread *t = CONTAINING_RECORD(e, struct ldr_thread, link);
		if (!t->tls_array)
			continue;
		if (OWN_TEST(t, index))
			ldr_free_pages(t->tls_array[index]);
		OWN_CLEAR(t, index);
		t->tls_array[index] = NULL;
	}
}

/*
 * Gives m an index and a block in every live thread (loader lock held).
 * STATUS_NO_MEMORY when out of memory or of indexes (nothing changed);
 * STATUS_INVALID_IMAGE_FORMAT for a directory whose sizes do not add up.
 */
NTSTATUS ldr_tls_attach(struct ldr_module *m)
{
	IMAGE_TLS_DIRECTORY64 *dir = tls_directory(m);
	if (!dir || m->tls_slot != LDR_NO_TLS)
		return STATUS_SUCCESS;
	SIZE_T raw, total;
	if (!block_size(dir, &raw, &total))
		return STATUS_INVALID_IMAGE_FORMAT;
	ULONG index = 0;
	while (index < LDR_TLS_MAX && tls_used[index])
		index++;
	if (index == LDR_TLS_MAX)
		return STATUS_NO_MEMORY;
	NTSTATUS st = STATUS_SUCCESS;
	thread_lock_acquire();
	for (LIST_ENTRY *e = thread_list.Flink; e != &thread_list && NT_SUCCESS(st); e = e->Flink) {
		struct ldr_thread *t = CONTAINING_RECORD(e, struct ldr_thread, link);
		if (!t->started)
			continue;	/* not started yet: ldr_tls_thread_init gives it every block */
		void **array = thread_array(t);
		void *block = total ? own_block(dir, raw, total) : NULL;
		if (!array || (total && !block)) {
			st = STATUS_NO_MEMORY;
			break;
		}
		set_entry(t, array, index, block);
		if (block)
			OWN_SET(t, index);
	}
	if (!NT_SUCCESS(st))
		drop_index(index);
	thread_lock_release();
	if (!NT_SUCCESS(st))
		return st;
	tls_used[index] = 1;
	m->tls_slot = index;
	m->TlsIndex = (USHORT)index;
	if (dir->AddressOfIndex)
		*(ULONG *)dir->AddressOfIndex = index;
	return STATUS_SUCCESS;
}

/* Frees m's block in every thread and its index (FreeLibrary; loader lock held). */
void ldr_tls_detach(struct ldr_module *m)
{
	if (m->tls_slot == LDR_NO_TLS)
		return;
	thread_lock_acquire();
	drop_index(m->tls_slot);
	thread_lock_release();
	tls_used[m->tls_slot] = 0;
	m->tls_slot = LDR_NO_TLS;
}

/*
 * Thread t's array and the blocks of every module with an index, in one
 * allocation after the array's page (loader lock held, t the caller; the
 * blocks alone when t has an array already): the spare when it is large
 * enough, else new memory.  Each block is its template's raw data, then
 * its zero fill written as zeros (a spare holds the last thread's values;
 * new memory gets the same writes, so both touch the same pages).  Blocks
 * asking more than page alignment get an allocation of their own.
 */
NTSTATUS ldr_tls_thread_init(struct ldr_thread *t)
{
	LIST_ENTRY *head = &ldr_data.InLoadOrderModuleList;
	SIZE_T size = 0;
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InLoadOrderLinks);
		IMAGE_TLS_DIRECTORY64 *dir = m->tls_slot == LDR_NO_TLS ? NULL : tls_directory(m);
		SIZE_T raw, total;
		if (!dir || !block_size(dir, &raw, &total) || block_align(dir) > 4096)
			continue;
		size = ((size + block_align(dir) - 1) & ~(block_align(dir) - 1)) + total;
	}
	thread_lock_acquire();
	void **array = t->tls_array;
	char *blocks;
	if (!array) {	/* the usual case: the array page and the blocks in one allocation */
		SIZE_T need = LDR_TLS_MAX * sizeof(void *) + size;
		if (spare_array && spare_size >= need) {
			array = spare_array;
			need = spare_size;
			spare_array = NULL;
		} else {
			array = ldr_alloc_pages(need);
		}
		if (!array) {
			thread_lock_release();
			return STATUS_NO_MEMORY;
		}
		t->tls_array = array;
		t->tls_size = need;
		TEB_TLS_POINTER(t->teb) = (PVOID *)array;
		blocks = (char *)(array + LDR_TLS_MAX);
	} else {
		blocks = size ? ldr_alloc_pages(size) : NULL;
		if (size && !blocks) {
			thread_lock_release();
			return STATUS_NO_MEMORY;
		}
		t->tls_blocks = blocks;
	}
	t->started = TRUE;
	SIZE_T off = 0;
	NTSTATUS st = STATUS_SUCCESS;
	for (LIST_ENTRY *e = head->Flink; e != head; e = e->Flink) {
		struct ldr_module *m = CONTAINING_RECORD(e, struct ldr_module, InLoadOrderLinks);
		IMAGE_TLS_DIRECTORY64 *dir = m->tls_slot == LDR_NO_TLS ? NULL : tls_directory(m);
		SIZE_T raw, total;
		if (!dir || !block_size(dir, &raw, &total))
			continue;
		if (block_align(dir) > 4096) {
			void *b = own_block(dir, raw, total);
			if (!b) {
				st = STATUS_NO_MEMORY;
				break;
			}
			set_entry(t, array, m->tls_slot, b);
			OWN_SET(t, m->tls_slot);
			continue;
		}
		off = (off + block_align(dir) - 1) & ~(block_align(dir) - 1);
		memcpy(blocks + off, (const void *)dir->StartAddressOfRawData, raw);
		memset(blocks + off + raw, 0, total - raw);
		set_entry(t, array, m->tls_slot, total ? blocks + off : NULL);
		off += total;
	}
	thread_lock_release();
	return st;
}

/*
 * Keeps the caller's own array allocation as the spare when there is none,
 * its entries cleared; FALSE when it is not kept.  Only the thread itself
 * gives its array (a thread ended by TerminateThread on another CPU may
 * still be writing its own).
 */
static BOOLEAN keep_spare(struct ldr_thread *t)
{
	if (t->teb != cur_teb() || t->tls_blocks)
		return FALSE;
	BOOLEAN kept = FALSE;
	thread_lock_acquire();
	if (!spare_array) {
		for (ULONG i = 0; i < t->tls_high; i++)
			t->tls_array[i] = NULL;
		spare_array = t->tls_array;
		spare_size = t->tls_size;
		kept = TRUE;
	}
	thread_lock_release();
	return kept;
}

/* Frees t's blocks and array (t runs no more user code, or is the caller at its very end). */
void ldr_tls_thread_free(struct ldr_thread *t)
{
	if (t->tls_array) {
		for (ULONG w = 0; w < sizeof(t->tls_own) / sizeof(t->tls_own[0]); w++)
			for (ULONG64 bits = t->tls_own[w]; bits; bits &= bits - 1)
				ldr_free_pages(t->tls_array[w * 64 + __builtin_ctzll(bits)]);
		if (t->teb == cur_teb())
			TEB_TLS_POINTER(t->teb) = NULL;
		if (!keep_spare(t))
			ldr_free_pages(t->tls_array);
	}
	ldr_free_pages(t->tls_blocks);
	t->tls_array = NULL;
	t->tls_blocks = NULL;
	t->tls_size = 0;
	t->tls_high = 0;
	memset(t->tls_own, 0, sizeof(t->tls_own));
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
