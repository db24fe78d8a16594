/*
 * tests/user/pe_dll_reloc.c - a DLL forced off its preferred base: the test
 * reserves dll_reloc.dll's preferred base (0x7ff700000000, the first line of
 * tests/user/dll_reloc.c) before loading it, so LoadLibrary must map it
 * elsewhere and apply its base relocations.  Its absolute pointers (a string,
 * functions, a table of both) must then point into the DLL where it is;
 * DllMain runs once with the new base; GetModuleHandle and GetProcAddress
 * find it; FreeLibrary unmaps it and gives every frame back.
 */
#include <string.h>

#include "utest.h"

#define PREFERRED ((char *)0x7ff700000000ULL)

typedef const char *(*message_fn)(void);
typedef int (*call_fn)(int, int);
typedef const char *(*name_fn)(int);
typedef void *(*code_fn)(void);
typedef LONG (*attaches_fn)(HINSTANCE *);

/* GetProcAddress as a data pointer (to call through the right type). */
static void *proc(HMODULE h, const char *name)
{
	FARPROC f = GetProcAddress(h, name);
	void *p;
	memcpy(&p, &f, sizeof p);
	return p;
}

/* Loads the DLL, checks it is at `where` (NULL: anywhere but PREFERRED) and works; frees it. */
static void load_check_free(int expect_moved)
{
	CHECK(GetModuleHandleA("dll_reloc.dll") == NULL);
	HMODULE h = LoadLibraryA("dll_reloc.dll");
	CHECK(h != NULL);
	if (!h)
		return;
	char *base = (char *)h;
	IMAGE_NT_HEADERS64 *nt = utest_nt_headers(h);
	SIZE_T size = nt->OptionalHeader.SizeOfImage;
	CHECK_EQ(nt->OptionalHeader.ImageBase, (ULONG_PTR)PREFERRED);	/* the header keeps the preferred base */
	if (expect_moved)
		CHECK(base != PREFERRED);
	CHECK(nt->OptionalHeader.DllCharacteristics & IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE);
	CHECK(nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_BASERELOC].Size > 0);
	CHECK_EQ(GetModuleHandleA("dll_reloc.dll"), h);
	MEMORY_BASIC_INFORMATION m = query_region(h);
	CHECK_EQ(m.Type, MEM_IMAGE);
	CHECK_EQ(m.AllocationBase, h);
	CHECK_EQ(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
	message_fn message = (message_fn)proc(h, "dll_reloc_message");
	call_fn call = (call_fn)proc(h, "dll_reloc_call");
	name_fn name = (name_fn)proc(h, "dll_reloc_name");
	code_fn code = (code_fn)proc(h, "dll_reloc_code_address");
	attaches_fn attaches = (attaches_fn)proc(h, "dll_reloc_attaches");
	CHECK(message && call && name && code && attaches);
	if (!(message && call && name && code && attaches)) {
		FreeLibrary(h);
		return;
	}
	/* Exports point into the image where it is. */
	CHECK((char *)(void *)message >= base && (char *)(void *)message < base + size);
	char *c = code();
	CHECK(c >= base && c < base + size);
	/* The relocated data pointers: into this image, and they work. */
	const char *msg = message();
	CHECK(msg >= base && msg < base + size);
	CHECK(strcmp(msg, "relocated pointers work") == 0);
	CHECK_EQ(call(-1, 21), 42);	/* fn_ptr */
	CHECK_EQ(call(0, 5), 10);	/* table[0].fn */
	CHECK_EQ(call(1, 5), 15);	/* table[1].fn */
	CHECK(strcmp(name(0), "twice") == 0 && strcmp(name(1), "thrice") == 0);
	CHECK(name(1) >= base && name(1) < base + size);
	/* DllMain ran once, given the real base. */
	HINSTANCE inst = NULL;
	CHECK_EQ(attaches(&inst), 1);
	CHECK_EQ(inst, h);
	/* A second LoadLibrary only counts a reference: same base, no second DllMain. */
	CHECK_EQ(LoadLibraryA("DLL_RELOC.DLL"), h);
	CHECK_EQ(attaches(&inst), 1);
	CHECK(FreeLibrary(h));
	CHECK_EQ(GetModuleHandleA("dll_reloc.dll"), h);	/* one reference left */
	CHECK(FreeLibrary(h));
	CHECK(GetModuleHandleA("dll_reloc.dll") == NULL);
	CHECK_EQ(query_region(h).State, MEM_FREE);
}

int main(void)
{
	utest_prefault_stack(16 * 1024);
	/* Take the DLL's preferred base (and well past its size) before anything loads it. */
	char *r = VirtualAlloc(PREFERRED, 16 << 20, MEM_RESERVE, PAGE_NOACCESS);
	CHECK_EQ(r, PREFERRED);
	load_check_free(1);	/* warms up the heap and the loader's tables too */
	unsigned long long before = utest_free_frames();
	load_check_free(1);
	CHECK_EQ(utest_free_frames(), before);	/* the relocated private pages and the view are back */
	/* A DLL that cannot be found: NULL, ERROR_MOD_NOT_FOUND; nothing mapped. */
	CHECK_ERR(LoadLibraryA("no_such_library.dll"), ERROR_MOD_NOT_FOUND);
	CHECK_EQ(utest_free_frames(), before);
	CHECK(VirtualFree(r, 0, MEM_RELEASE));
	/* With the preferred base free the DLL loads and works wherever the loader puts it. */
	load_check_free(0);
	return utest_done("pe_dll_reloc");
}
