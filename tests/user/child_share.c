/*
 * tests/user/child_share.c - started (twice at once) by pe_share.c: reads
 * every page of its 256 KiB of read-only code bytes, so they are resident,
 * reports what its own image holds through pe_share's named section, then
 * waits until the parent has measured and tells it to go.
 */
#include <string.h>

#include "pe_share.h"

/* 256 KiB in .text: read-only image pages two instances can share. */
__attribute__((section(".text$share"))) const unsigned char share_text[SHARE_TEXT_BYTES] = { 0xc3, 1, 2, 3 };

int main(int argc, char **argv)
{
	int slot = argc > 1 ? argv[1][0] - '0' : -1;
	HANDLE h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, SHARE_SECTION);
	struct share_sync *s = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (!s || slot < 0 || slot > 1)
		return 1;
	unsigned sum = 0;
	for (unsigned i = 0; i < SHARE_TEXT_BYTES; i += 4096)
		sum += ((const volatile unsigned char *)share_text)[i];
	/* The kernel's view of our image's pages: the text region holding share_text. */
	struct abi_memory_frames_info f;
	memset(&f, 0, sizeof f);
	NtQueryVirtualMemory(GetCurrentProcess(), (PVOID)share_text, (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION,
			     &f, sizeof f, NULL);
	s->child[slot].text_resident = f.resident;
	s->child[slot].text_shared = f.shared;
	s->child[slot].text_base = (ULONG_PTR)share_text;
	s->child[slot].sum = sum;
	MemoryBarrier();
	s->child[slot].ready = 1;
	for (int waited = 0; !s->go && waited < 20000; waited++)
		Sleep(1);
	return s->go ? 0 : 2;
}
