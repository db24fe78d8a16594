/*
 * tests/host/test_prot.c - protection validation and PTE translation.
 * sources: mm/prot.c mm/pat.c
 */
#include "check.h"
#include "mm/paging.h"
#include "mm/prot.h"
#include "mm/winvm.h"

TEST(base_protections)
{
	const uint32_t ok[] = { 0x01, 0x02, 0x04, 0x10, 0x20, 0x40 };
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK(prot_valid(ok[i], false));
	CHECK(!prot_valid(0, false));
	CHECK(!prot_valid(W_PAGE_READONLY | W_PAGE_READWRITE, false));
	CHECK(!prot_valid(W_PAGE_WRITECOPY, false));
	CHECK(!prot_valid(W_PAGE_EXECUTE_WRITECOPY, false));
	CHECK(prot_valid(W_PAGE_WRITECOPY, true));
	CHECK(!prot_valid(0x800 | W_PAGE_READWRITE, false));
	CHECK(!prot_valid(W_PAGE_GUARD, false));
}

TEST(modifier_rules)
{
	CHECK(prot_valid(W_PAGE_READWRITE | W_PAGE_GUARD, false));
	CHECK(prot_valid(W_PAGE_READWRITE | W_PAGE_NOCACHE, false));
	CHECK(prot_valid(W_PAGE_READWRITE | W_PAGE_WRITECOMBINE, false));
	CHECK(!prot_valid(W_PAGE_NOACCESS | W_PAGE_GUARD, false));
	CHECK(!prot_valid(W_PAGE_READWRITE | W_PAGE_GUARD | W_PAGE_NOCACHE, false));
	CHECK(!prot_valid(W_PAGE_READWRITE | W_PAGE_GUARD | W_PAGE_WRITECOMBINE, false));
	CHECK(!prot_valid(W_PAGE_NOACCESS | W_PAGE_NOCACHE, false));
	CHECK(!prot_valid(W_PAGE_READWRITE | W_PAGE_NOCACHE | W_PAGE_WRITECOMBINE, false));
	CHECK(!prot_valid(W_PAGE_NOACCESS | W_PAGE_WRITECOMBINE, false));
}

TEST(pte_flags)
{
	uint64_t f = prot_pte_flags(W_PAGE_READWRITE);
	CHECK_EQ(f, PTE_P | PTE_U | PTE_W | PTE_NX);
	f = prot_pte_flags(W_PAGE_READONLY);
	CHECK_EQ(f, PTE_P | PTE_U | PTE_NX);
	f = prot_pte_flags(W_PAGE_EXECUTE_READ);
	CHECK_EQ(f, PTE_P | PTE_U);
	f = prot_pte_flags(W_PAGE_EXECUTE_READWRITE);
	CHECK_EQ(f, PTE_P | PTE_U | PTE_W);
	f = prot_pte_flags(W_PAGE_NOACCESS);
	CHECK_EQ(f & PTE_P, 0);
	CHECK(f & PTE_SW_FRAME);
	f = prot_pte_flags(W_PAGE_READWRITE | W_PAGE_GUARD);
	CHECK_EQ(f & PTE_P, 0);
	f = prot_pte_flags(W_PAGE_READWRITE | W_PAGE_NOCACHE);
	CHECK_EQ(f & PTE_CACHE_4K, PTE_PCD | PTE_PWT);
	f = prot_pte_flags(W_PAGE_READWRITE | W_PAGE_WRITECOMBINE);
	CHECK_EQ(f & PTE_CACHE_4K, 1ULL << 7);
	f = prot_pte_flags(W_PAGE_WRITECOPY);
	CHECK_EQ(f & PTE_W, 0);
}

int main(void)
{
	return run_tests("prot");
}
