/* tests/user/vm_query.c - spec §10: VirtualQuery and MEMORY_BASIC_INFORMATION. */
#include <string.h>

#include "utest.h"

#define G 0x10000ULL
#define USER_END 0x7FFFFFFF0000ULL

/* Checks every field. */
#define CHECK_MBI(p, base, abase, aprot, size, st, prot, type)  \
	do {                                                    \
		MEMORY_BASIC_INFORMATION m_ = query_region(p);             \
		CHECK_EQ(m_.BaseAddress, base);                 \
		CHECK_EQ(m_.AllocationBase, abase);             \
		CHECK_EQ(m_.AllocationProtect, aprot);          \
		CHECK_EQ(m_.RegionSize, size);                  \
		CHECK_EQ(m_.State, st);                         \
		CHECK_EQ(m_.Protect, prot);                     \
		CHECK_EQ(m_.Type, type);                        \
	} while (0)

static void errors(void)
{
	char *p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	MEMORY_BASIC_INFORMATION m;
	unsigned char big[100];
	/* §10.1.1: returns 48, also for a bigger buffer. */
	CHECK_EQ(sizeof(MEMORY_BASIC_INFORMATION), 48);
	CHECK_EQ(VirtualQuery(p, &m, sizeof m), 48);
	CHECK_EQ(VirtualQuery(p, (MEMORY_BASIC_INFORMATION *)big, sizeof big), 48);
	CHECK_EQ(((MEMORY_BASIC_INFORMATION *)big)->AllocationBase, p);
	/* §10.1.2: short buffer -> 24. */
	static const SIZE_T shorts[] = { 0, 1, 8, 24, 40, 47 };
	for (unsigned i = 0; i < sizeof shorts / sizeof shorts[0]; i++)
		CHECK_ERR(VirtualQuery(p, &m, shorts[i]), ERROR_BAD_LENGTH);
	/* §10.1.3: NULL buffer -> 998. */
	CHECK_ERR(VirtualQuery(p, NULL, sizeof m), ERROR_NOACCESS);
	/* §10.1.4 / §3.6: above the user range -> 87. */
	static const ULONG_PTR high[] = { USER_END, USER_END + 0x1000, 0x7FFFFFFFFFFFULL, 0x800000000000ULL,
					  0xFFFF800000000000ULL, ~0ULL };
	for (unsigned i = 0; i < sizeof high / sizeof high[0]; i++)
		CHECK_ERR(VirtualQuery((void *)high[i], &m, sizeof m), ERROR_INVALID_PARAMETER);
	/* The last user page is valid. */
	CHECK_EQ(VirtualQuery((void *)0x7FFFFFFEFFFFULL, &m, sizeof m), 48);
	CHECK_EQ(m.BaseAddress, 0x7FFFFFFEF000ULL);
	CHECK_EQ((ULONG_PTR)m.BaseAddress + m.RegionSize, USER_END);
	/* Address 0 is a free region. */
	m = query_region(NULL);
	CHECK_EQ(m.BaseAddress, 0);
	CHECK_EQ(m.State, MEM_FREE);
	CHECK_EQ(m.AllocationBase, 0);
	CHECK_EQ(m.AllocationProtect, 0);
	CHECK_EQ(m.Protect, PAGE_NOACCESS);
	CHECK_EQ(m.Type, 0);
	CHECK(m.RegionSize >= 0x10000);
	m = query_region((void *)0xFFFF);
	CHECK_EQ(m.BaseAddress, 0xF000);
	CHECK_EQ(m.State, MEM_FREE);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
}

static void fields(void)
{
	char *p = VirtualAlloc(NULL, 8 * 0x1000, MEM_RESERVE, PAGE_EXECUTE_READ);
	CHECK(p != NULL);
	/* Reserved: Protect 0, AllocationProtect as reserved. */
	CHECK_MBI(p, p, p, PAGE_EXECUTE_READ, 0x8000, MEM_RESERVE, 0, MEM_PRIVATE);
	/* §4.6: the queried address rounds down to its page. */
	CHECK_MBI(p + 0x1234, p + 0x1000, p, PAGE_EXECUTE_READ, 0x7000, MEM_RESERVE, 0, MEM_PRIVATE);
	CHECK_MBI(p + 0x7fff, p + 0x7000, p, PAGE_EXECUTE_READ, 0x1000, MEM_RESERVE, 0, MEM_PRIVATE);
	/* Free after it, up to the next granule at least. */
	MEMORY_BASIC_INFORMATION f = query_region(p + 0x8000);
	CHECK_EQ(f.State, MEM_FREE);
	CHECK_EQ(f.BaseAddress, p + 0x8000);
	CHECK_EQ(f.AllocationBase, 0);
	CHECK_EQ(f.AllocationProtect, 0);
	CHECK_EQ(f.Protect, PAGE_NOACCESS);
	CHECK_EQ(f.Type, 0);
	CHECK(f.RegionSize >= G - 0x8000);
	CHECK_EQ(((ULONG_PTR)f.BaseAddress + f.RegionSize) % G, 0);

	/* §10.3.3: committing the middle splits into three. */
	CHECK_EQ(VirtualAlloc(p + 0x2000, 0x2000, MEM_COMMIT, PAGE_READWRITE), p + 0x2000);
	CHECK_MBI(p, p, p, PAGE_EXECUTE_READ, 0x2000, MEM_RESERVE, 0, MEM_PRIVATE);
	CHECK_MBI(p + 0x2000, p + 0x2000, p, PAGE_EXECUTE_READ, 0x2000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(p + 0x3000, p + 0x3000, p, PAGE_EXECUTE_READ, 0x1000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(p + 0x4000, p + 0x4000, p, PAGE_EXECUTE_READ, 0x4000, MEM_RESERVE, 0, MEM_PRIVATE);
	/* Adjacent commit with the same protection merges. */
	CHECK_EQ(VirtualAlloc(p + 0x4000, 0x1000, MEM_COMMIT, PAGE_READWRITE), p + 0x4000);
	CHECK_MBI(p + 0x2000, p + 0x2000, p, PAGE_EXECUTE_READ, 0x3000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	/* Different protection: separate region. */
	CHECK_EQ(VirtualAlloc(p + 0x5000, 0x1000, MEM_COMMIT, PAGE_READONLY), p + 0x5000);
	CHECK_MBI(p + 0x2000, p + 0x2000, p, PAGE_EXECUTE_READ, 0x3000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(p + 0x5000, p + 0x5000, p, PAGE_EXECUTE_READ, 0x1000, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE);
	CHECK_MBI(p + 0x6000, p + 0x6000, p, PAGE_EXECUTE_READ, 0x2000, MEM_RESERVE, 0, MEM_PRIVATE);
	/* §10.3.1: modifier bits split too. */
	DWORD old;
	CHECK(VirtualProtect(p + 0x3000, 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
	CHECK_MBI(p + 0x2000, p + 0x2000, p, PAGE_EXECUTE_READ, 0x1000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(p + 0x3000, p + 0x3000, p, PAGE_EXECUTE_READ, 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD,
		  MEM_PRIVATE);
	CHECK_MBI(p + 0x4000, p + 0x4000, p, PAGE_EXECUTE_READ, 0x1000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	/* Restoring merges. */
	CHECK(VirtualProtect(p + 0x3000, 0x1000, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_READWRITE | PAGE_GUARD);
	CHECK(VirtualProtect(p + 0x5000, 0x1000, PAGE_READWRITE, &old));
	CHECK_MBI(p + 0x2000, p + 0x2000, p, PAGE_EXECUTE_READ, 0x4000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	/* Decommit the middle: three again; recommit everything: one. */
	CHECK(VirtualFree(p + 0x3000, 0x1000, MEM_DECOMMIT));
	CHECK_MBI(p + 0x2000, p + 0x2000, p, PAGE_EXECUTE_READ, 0x1000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(p + 0x3000, p + 0x3000, p, PAGE_EXECUTE_READ, 0x1000, MEM_RESERVE, 0, MEM_PRIVATE);
	CHECK_MBI(p + 0x4000, p + 0x4000, p, PAGE_EXECUTE_READ, 0x2000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_EQ(VirtualAlloc(p, 0x8000, MEM_COMMIT, PAGE_READWRITE), p);
	CHECK_MBI(p, p, p, PAGE_EXECUTE_READ, 0x8000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	/* §8.7: AllocationProtect frozen through protect changes. */
	CHECK(VirtualProtect(p, 0x8000, PAGE_NOACCESS, &old));
	CHECK_MBI(p + 0x4000, p + 0x4000, p, PAGE_EXECUTE_READ, 0x4000, MEM_COMMIT, PAGE_NOACCESS, MEM_PRIVATE);
	CHECK(VirtualFree(p, 0, MEM_DECOMMIT));
	CHECK_MBI(p, p, p, PAGE_EXECUTE_READ, 0x8000, MEM_RESERVE, 0, MEM_PRIVATE);
	CHECK(VirtualFree(p, 0, MEM_RELEASE));
	CHECK_MBI(p, p, 0, 0, f.RegionSize + 0x8000, MEM_FREE, PAGE_NOACCESS, 0);
}

static void allocation_protect(void)
{
	static const DWORD prots[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE,
				       PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_READWRITE | PAGE_GUARD,
				       PAGE_READONLY | PAGE_GUARD, PAGE_READWRITE | PAGE_NOCACHE };
	for (unsigned i = 0; i < sizeof prots / sizeof prots[0]; i++) {
		char *r = VirtualAlloc(NULL, 0x2000, MEM_RESERVE, prots[i]);
		CHECK(r != NULL);
		CHECK_MBI(r, r, r, prots[i], 0x2000, MEM_RESERVE, 0, MEM_PRIVATE);
		CHECK_EQ(VirtualAlloc(r, 0x1000, MEM_COMMIT, PAGE_READONLY), r);
		CHECK_EQ(query_region(r).AllocationProtect, prots[i]);
		CHECK(VirtualFree(r, 0, MEM_RELEASE));
		char *c = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, prots[i]);
		CHECK(c != NULL);
		CHECK_MBI(c, c, c, prots[i], 0x2000, MEM_COMMIT, prots[i], MEM_PRIVATE);
		CHECK(VirtualFree(c, 0, MEM_RELEASE));
	}
	/* §9.5: NOCACHE belongs to the allocation. */
	char *n = VirtualAlloc(NULL, 0x3000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE);
	DWORD old;
	CHECK(VirtualProtect(n + 0x1000, 0x1000, PAGE_READWRITE, &old));
	CHECK_EQ(old, PAGE_READWRITE | PAGE_NOCACHE);
	CHECK_MBI(n, n, n, PAGE_READWRITE | PAGE_NOCACHE, 0x3000, MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE, MEM_PRIVATE);
	n[0x1000] = 1;
	CHECK_EQ(n[0x1000], 1);
	CHECK(VirtualFree(n, 0, MEM_RELEASE));
	n = VirtualAlloc(NULL, 0x3000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	CHECK(VirtualProtect(n, 0x1000, PAGE_READONLY | PAGE_NOCACHE, &old));
	CHECK_EQ(old, PAGE_READWRITE);
	CHECK_MBI(n, n, n, PAGE_READWRITE, 0x1000, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE);
	CHECK(VirtualFree(n, 0, MEM_RELEASE));
}

static void across_allocations(void)
{
	/* §10.3.2: identical adjacent reservations are separate regions; free runs end at the next one. */
	char *a = VirtualAlloc(NULL, 4 * G, MEM_RESERVE, PAGE_READWRITE);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK_EQ(VirtualAlloc(a, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), a);
	CHECK_EQ(VirtualAlloc(a + G, G, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), a + G);
	CHECK_EQ(VirtualAlloc(a + 3 * G, 0x1000, MEM_RESERVE, PAGE_READWRITE), a + 3 * G);
	CHECK_MBI(a, a, a, PAGE_READWRITE, G, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(a + 0xFFFF, a + 0xF000, a, PAGE_READWRITE, 0x1000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(a + G, a + G, a + G, PAGE_READWRITE, G, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
	CHECK_MBI(a + 2 * G, a + 2 * G, 0, 0, G, MEM_FREE, PAGE_NOACCESS, 0);
	CHECK_MBI(a + 2 * G + 0x5555, a + 2 * G + 0x5000, 0, 0, G - 0x5000, MEM_FREE, PAGE_NOACCESS, 0);
	CHECK_MBI(a + 3 * G, a + 3 * G, a + 3 * G, PAGE_READWRITE, 0x1000, MEM_RESERVE, 0, MEM_PRIVATE);
	CHECK(VirtualFree(a + G, 0, MEM_RELEASE));
	CHECK_MBI(a + G, a + G, 0, 0, 2 * G, MEM_FREE, PAGE_NOACCESS, 0);
	CHECK(VirtualFree(a, 0, MEM_RELEASE));
	CHECK_MBI(a, a, 0, 0, 3 * G, MEM_FREE, PAGE_NOACCESS, 0);
	CHECK(VirtualFree(a + 3 * G, 0, MEM_RELEASE));
}

/* Modules in the loader's list: PEB (gs:[0x60]) -> Ldr (+0x18) -> InMemoryOrderModuleList (+0x20). */
static int loaded_modules(void)
{
	unsigned char *peb;
	__asm__("mov %%gs:0x60, %0" : "=r"(peb));
	LIST_ENTRY *head = (LIST_ENTRY *)(*(unsigned char **)(peb + 0x18) + 0x20);
	int n = 0;
	for (LIST_ENTRY *e = head->Flink; e != head && n < 1000; e = e->Flink)
		n++;
	return n;
}

static volatile int global_data = 1;

static void process_map(void)
{
	/*
	 * The program image (docs/loader.md): MEM_IMAGE, AllocationBase the image
	 * base, AllocationProtect PAGE_EXECUTE_WRITECOPY; text PAGE_EXECUTE_READ,
	 * written data PAGE_READWRITE (its private copy); then the stack.
	 */
	HMODULE exe = GetModuleHandleA(NULL);
	MEMORY_BASIC_INFORMATION m = query_region((void *)process_map);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Type, MEM_IMAGE);
	CHECK_EQ(m.Protect, PAGE_EXECUTE_READ);
	CHECK_EQ(m.AllocationBase, exe);
	CHECK_EQ(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
	global_data = 2;	/* write-copy data becomes this process's own */
	m = query_region((const void *)&global_data);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Type, MEM_IMAGE);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	CHECK_EQ(m.AllocationBase, exe);
	CHECK_EQ(m.AllocationProtect, PAGE_EXECUTE_WRITECOPY);
	int local = 0;
	m = query_region(&local);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Type, MEM_PRIVATE);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	CHECK_EQ((ULONG_PTR)m.AllocationBase % G, 0);
	/* Walk the whole user range: regions tile it with no gaps and no overlaps. */
	ULONG_PTR addr = 0, last_image = 0;
	int n = 0, bad = 0, images = 0, image_bad = 0;
	ULONG_PTR prev_end = 0;
	while (addr < USER_END && n < 10000) {
		MEMORY_BASIC_INFORMATION r;
		if (VirtualQuery((void *)addr, &r, sizeof r) != sizeof r) {
			bad++;
			break;
		}
		if ((ULONG_PTR)r.BaseAddress != addr || r.RegionSize == 0 || r.RegionSize % 0x1000)
			bad++;
		if (r.State == MEM_FREE && (r.AllocationBase || r.Type || r.Protect != PAGE_NOACCESS))
			bad++;
		if (r.State == MEM_RESERVE && r.Protect != 0)
			bad++;
		if (r.State != MEM_FREE && ((ULONG_PTR)r.AllocationBase > addr))
			bad++;
		if (r.Type == MEM_IMAGE) {
			/* Every page of an image view is committed, under the image's AllocationProtect. */
			if (r.State != MEM_COMMIT || r.AllocationProtect != PAGE_EXECUTE_WRITECOPY)
				image_bad++;
			if ((ULONG_PTR)r.AllocationBase != last_image)
				images++;
			last_image = (ULONG_PTR)r.AllocationBase;
		}
		prev_end = addr + r.RegionSize;
		addr = prev_end;
		n++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(prev_end, USER_END);
	CHECK(n > 3);
	CHECK_EQ(image_bad, 0);
	/* The program, ntdll, kernel32, msvcrt (mmtools only when the program calls it): the loader's list. */
	CHECK(images >= 4);
	CHECK_EQ(images, loaded_modules());
}

int main(void)
{
	errors();
	fields();
	allocation_protect();
	across_allocations();
	process_map();
	return utest_done("vm_query");
}
