/*
 * libc/mmtools/vmmap.c - the address space as a table (vmmap) and physical
 * memory by owner (vmmap_physical), printed on stdout in the format
 * tools/svgmap.c reads back from a serial log.  The layout is documented in
 * <mmtools.h>.
 *
 * printf here is msvcrt.dll's: MinGW's headers would otherwise make it an
 * inline call of __mingw_vfprintf from libmingwex.a, which a DLL built with
 * -nostdlib does not link (msvcrt.dll itself is built on it).
 */
#define __USE_MINGW_ANSI_STDIO 0
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define VMMAP_MAX_ROWS 192
#define VMMAP_MAX_IMAGES 32

struct row {
	MEMORY_BASIC_INFORMATION m;
	struct abi_memory_frames_info f;
};

/* The previous table, to mark the rows that changed since. */
static struct row prev[VMMAP_MAX_ROWS];
static int nprev = -1;

const char *vmmap_protect_name(DWORD protect, char buf[24])
{
	static const struct {
		DWORD bit;
		const char *name;
	} base[] = {
		{ PAGE_NOACCESS, "---" }, { PAGE_READONLY, "r--" }, { PAGE_READWRITE, "rw-" },
		{ PAGE_WRITECOPY, "rc-" }, { PAGE_EXECUTE, "--x" }, { PAGE_EXECUTE_READ, "r-x" },
		{ PAGE_EXECUTE_READWRITE, "rwx" }, { PAGE_EXECUTE_WRITECOPY, "rcx" },
	};
	strcpy(buf, protect ? "?" : "-");
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (protect & base[i].bit)
			strcpy(buf, base[i].name);
	if (protect & PAGE_GUARD)
		strcat(buf, "+guard");
	if (protect & PAGE_NOCACHE)
		strcat(buf, "+nocache");
	if (protect & PAGE_WRITECOMBINE)
		strcat(buf, "+wc");
	return buf;
}

static const char *state_name(DWORD s)
{
	return s == MEM_COMMIT ? "commit" : s == MEM_RESERVE ? "reserve" : "free";
}

static const char *type_name(DWORD t)
{
	return t == MEM_PRIVATE ? "private" : t == MEM_MAPPED ? "mapped" : t == MEM_IMAGE ? "image" : "-";
}

static int changed(const struct row *r)
{
	if (nprev < 0)
		return 0;
	for (int i = 0; i < nprev; i++)
		if (memcmp(&prev[i], r, sizeof(*r)) == 0)
			return 0;
	return 1;
}

/* The images of this process, to name their rows; 0 of them when the kernel cannot say. */
static struct abi_image_info images[VMMAP_MAX_IMAGES];
static SIZE_T nimages;

static const char *image_name(PVOID allocation_base)
{
	for (SIZE_T i = 0; i < nimages; i++)
		if (images[i].base == (ULONG_PTR)allocation_base)
			return images[i].name;
	return "?";
}

static void print_row(const struct row *r, PVOID stack_base)
{
	char prot[24], aprot[24];
	const MEMORY_BASIC_INFORMATION *m = &r->m;
	printf("%c %012llx %12lluK %-7s %-7s %-14s", changed(r) ? '*' : ' ', (unsigned long long)(ULONG_PTR)m->BaseAddress,
	       (unsigned long long)m->RegionSize / 1024, state_name(m->State), type_name(m->Type),
	       vmmap_protect_name(m->Protect, prot));
	if (m->State == MEM_FREE) {
		printf(" %12s %-14s %8s %6s %5s\n", "-", "-", "-", "-", "-");
		return;
	}
	const char *detail = m->AllocationBase != stack_base ? ""
			     : (m->Protect & PAGE_GUARD) ? "  stack guard" : "  stack";
	printf(" %012llx %-14s %8llu %6llu %5llu%s%s%s\n", (unsigned long long)(ULONG_PTR)m->AllocationBase,
	       vmmap_protect_name(m->AllocationProtect, aprot), r->f.resident, r->f.shared, r->f.dirty, detail,
	       m->Type == MEM_IMAGE ? "  " : "", m->Type == MEM_IMAGE ? image_name(m->AllocationBase) : "");
}

int vmmap(const char *title)
{
	static struct row rows[VMMAP_MAX_ROWS];
	MEMORY_BASIC_INFORMATION here = { 0 };
	VirtualQuery(&here, &here, sizeof(here));	/* this frame lives on the thread's stack */
	PVOID stack_base = here.AllocationBase;
	SIZE_T needed = 0;
	if (mm_query_images(images, VMMAP_MAX_IMAGES, &needed) != STATUS_SUCCESS)
		needed = 0;
	nimages = needed;
	int n = 0;
	unsigned long long committed = 0, resident = 0;
	char *p = NULL;
	while (n < VMMAP_MAX_ROWS && VirtualQuery(p, &rows[n].m, sizeof(rows[n].m)) == sizeof(rows[n].m)) {
		struct row *r = &rows[n++];
		memset(&r->f, 0, sizeof(r->f));
		NtQueryVirtualMemory(GetCurrentProcess(), p, (MEMORY_INFORMATION_CLASS)ABI_MEMORY_FRAMES_INFORMATION, &r->f,
				     sizeof(r->f), NULL);
		committed += r->m.State == MEM_COMMIT ? r->m.RegionSize : 0;
		resident += r->f.resident * 4096;
		p = (char *)r->m.BaseAddress + r->m.RegionSize;
	}
	printf("--- vmmap: %s\n", title);
	printf("  %-12s %13s %-7s %-7s %-14s %-12s %-14s %8s %6s %5s\n", "base", "size", "state", "type", "protect",
	       "alloc base", "alloc protect", "resident", "shared", "dirty");
	for (int i = 0; i < n; i++)
		print_row(&rows[i], stack_base);
	printf("--- end vmmap: %d regions, %lluK committed, %lluK resident\n", n, committed / 1024, resident / 1024);
	memcpy(prev, rows, sizeof(rows[0]) * (size_t)n);
	nprev = n;
	return n;
}

static const char *const owner_names[] = { "absent", "free", "kernel", "pagetable", "heap", "user", "section", "awe" };
#define NOWNERS ((unsigned)(sizeof(owner_names) / sizeof(owner_names[0])))

int vmmap_physical(const char *title)
{
	SIZE_T needed = 0;
	NTSTATUS st = mm_physical_memory_map(NULL, 0, &needed);
	if (st != STATUS_BUFFER_TOO_SMALL && st != STATUS_SUCCESS)
		return -1;
	SIZE_T cap = needed + 64;	/* room for runs split by this allocation's own frames */
	struct abi_frame_run *runs = VirtualAlloc(NULL, cap * sizeof(*runs), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (!runs)
		return -1;
	if (mm_physical_memory_map(runs, cap, &needed) != STATUS_SUCCESS) {
		VirtualFree(runs, 0, MEM_RELEASE);
		return -1;
	}
	unsigned long long frames = 0, by_owner[NOWNERS] = { 0 };
	for (SIZE_T i = 0; i < needed; i++) {
		frames += runs[i].count;
		by_owner[runs[i].owner < NOWNERS ? runs[i].owner : 0] += runs[i].count;
	}
	/* Runs as first+count:owner, eight to a line. */
	printf("--- physmap: %s (%llu frames of 4K, %llu runs)\n", title, frames, (unsigned long long)needed);
	for (SIZE_T i = 0; i < needed; i++)
		printf("%s%llx+%llx:%s", i == 0 ? "  " : i % 8 ? " " : "\n  ", runs[i].first, runs[i].count,
		       owner_names[runs[i].owner < NOWNERS ? runs[i].owner : 0]);
	printf("\n--- end physmap:");
	for (unsigned o = 0; o < NOWNERS; o++)
		printf(" %s %lluK", owner_names[o], by_owner[o] * 4);
	printf("\n");
	VirtualFree(runs, 0, MEM_RELEASE);
	return (int)needed;
}
