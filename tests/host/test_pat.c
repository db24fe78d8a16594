/*
 * tests/host/test_pat.c - PAT programming and the cache-type translation.
 * sources: mm/pat.c
 */
#include "check.h"
#include "mm/pat.h"

TEST(msr_value_has_all_types)
{
	uint64_t v = pat_msr_value();
	/* WB WT UC- UC WC WP UC- UC, entry 0 in the low byte. */
	CHECK_EQ(v, 0x0007050100070406ULL);
}

TEST(bits_round_trip_4k_and_large)
{
	for (int t = 0; t < CACHE_TYPE_COUNT; t++) {
		uint64_t b4 = pat_pte_bits(t, false), b2 = pat_pte_bits(t, true);
		CHECK_EQ(pat_from_pte(b4, false), t);
		CHECK_EQ(pat_from_pte(b2, true), t);
		/* 4 KiB entries never use bit 12, large ones never bit 7 (that is PS there). */
		CHECK_EQ(b4 & (1ULL << 12), 0);
		CHECK_EQ(b2 & (1ULL << 7), 0);
	}
}

TEST(specific_bits)
{
	CHECK_EQ(pat_pte_bits(CACHE_WB, false), 0);
	CHECK_EQ(pat_pte_bits(CACHE_UC, false), (1ULL << 3) | (1ULL << 4));
	CHECK_EQ(pat_pte_bits(CACHE_WC, false), 1ULL << 7);
	CHECK_EQ(pat_pte_bits(CACHE_WC, true), 1ULL << 12);
	CHECK_EQ(pat_pte_bits(CACHE_WP, true), (1ULL << 12) | (1ULL << 3));
}

int main(void)
{
	return run_tests("pat");
}
