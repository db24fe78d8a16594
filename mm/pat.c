/* mm/pat.c - the page attribute table: all eight entries, and the one translation function. */
#include "pat.h"

#ifndef HOST_TEST
#include "kernel/cpu.h"
#endif

/* Memory-type encodings in IA32_PAT. */
enum { MT_UC = 0x00, MT_WC = 0x01, MT_WT = 0x04, MT_WP = 0x05, MT_WB = 0x06, MT_UC_MINUS = 0x07 };

/*
 * PAT index = PAT:PCD:PWT.  Entries 0-3 keep the power-on meaning (WB, WT,
 * UC-, UC) so tables built before pat_init stay right; 4-7 add WC and WP.
 */
static const uint8_t pat_entries[8] = { MT_WB, MT_WT, MT_UC_MINUS, MT_UC, MT_WC, MT_WP, MT_UC_MINUS, MT_UC };
static const uint8_t type_to_index[CACHE_TYPE_COUNT] = {
	[CACHE_WB] = 0, [CACHE_WT] = 1, [CACHE_UC_MINUS] = 2, [CACHE_UC] = 3, [CACHE_WC] = 4, [CACHE_WP] = 5,
};

#define PTE_PWT       (1ULL << 3)
#define PTE_PCD       (1ULL << 4)
#define PTE_PAT_4K    (1ULL << 7)
#define PTE_PAT_LARGE (1ULL << 12)

uint64_t pat_msr_value(void)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)pat_entries[i] << (8 * i);
	return v;
}

#ifndef HOST_TEST
void pat_init(void)
{
	wrmsr(MSR_PAT, pat_msr_value());
}
#endif

uint64_t pat_pte_bits(enum cache_type t, bool large)
{
	unsigned idx = type_to_index[t];
	uint64_t bits = 0;
	if (idx & 1)
		bits |= PTE_PWT;
	if (idx & 2)
		bits |= PTE_PCD;
	if (idx & 4)
		bits |= large ? PTE_PAT_LARGE : PTE_PAT_4K;
	return bits;
}

enum cache_type pat_from_pte(uint64_t pte, bool large)
{
	unsigned idx = ((pte & PTE_PWT) ? 1 : 0) | ((pte & PTE_PCD) ? 2 : 0) |
		       ((pte & (large ? PTE_PAT_LARGE : PTE_PAT_4K)) ? 4 : 0);
	switch (pat_entries[idx]) {
	case MT_WB: return CACHE_WB;
	case MT_WT: return CACHE_WT;
	case MT_WC: return CACHE_WC;
	case MT_WP: return CACHE_WP;
	case MT_UC: return CACHE_UC;
	default: return CACHE_UC_MINUS;
	}
}

const char *cache_type_name(enum cache_type t)
{
	static const char *const names[CACHE_TYPE_COUNT] = { "WB", "WT", "UC-", "UC", "WC", "WP" };
	return t < CACHE_TYPE_COUNT ? names[t] : "?";
}
