/* tests/user/dll_reloc.c - DLL base 0x7ff700000000: pe_dll_reloc.c reserves that address first, so this DLL must be relocated. */
/*
 * Absolute pointers in its data (a string, a function, a table of both) need
 * base relocations when the DLL does not load at its preferred base; its
 * exports hand them out so the test can check that they point into the DLL
 * where it really is.  DllMain counts its calls.
 */
#include <windows.h>

static const char message[] = "relocated pointers work";
static int twice(int x)
{
	return 2 * x;
}
static int thrice(int x)
{
	return 3 * x;
}

const char *message_ptr = message;
int (*fn_ptr)(int) = twice;
static struct {
	const char *name;
	int (*fn)(int);
} table[] = { { "twice", twice }, { "thrice", thrice } };

static volatile LONG attaches, detaches;
static HINSTANCE self;

__declspec(dllexport) const char *dll_reloc_message(void)
{
	return message_ptr;
}

/* Calls the table's function `i` (0 or 1) on x, through the relocated pointers. */
__declspec(dllexport) int dll_reloc_call(int i, int x)
{
	return i == -1 ? fn_ptr(x) : table[i & 1].fn(x);
}

__declspec(dllexport) const char *dll_reloc_name(int i)
{
	return table[i & 1].name;
}

/* The address of the DLL's own code, as the code sees it (no relocation involved). */
__declspec(dllexport) void *dll_reloc_code_address(void)
{
	void *here;
	__asm__("lea 0(%%rip), %0" : "=r"(here));
	return here;
}

__declspec(dllexport) LONG dll_reloc_attaches(HINSTANCE *instance)
{
	*instance = self;
	return attaches - detaches;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
	(void)reserved;
	if (reason == DLL_PROCESS_ATTACH) {
		self = instance;
		attaches++;
	} else if (reason == DLL_PROCESS_DETACH) {
		detaches++;
	}
	return TRUE;
}
