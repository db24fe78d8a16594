/* kernel/ksyms.c - symbol lookup for backtraces (pure; also built for host tests). */
#include "ksyms.h"

#include <stddef.h>

const char *ksym_lookup(const struct ksym_table *t, uint64_t addr, uint64_t *offset)
{
	if (!t || t->count == 0 || addr < t->syms[0].addr)
		return NULL;
	uint64_t lo = 0, hi = t->count;	/* invariant: syms[lo].addr <= addr, answer in [lo, hi) */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (t->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - t->syms[lo].addr;
	return (const char *)t + t->syms[lo].name_off;
}
