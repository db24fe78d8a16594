/* mm/prot.c - what a PAGE_* value means. */
#include "prot.h"
#include "paging.h"
#include "winvm.h"

#define BASE_MASK 0xffu
#define MOD_MASK  (W_PAGE_GUARD | W_PAGE_NOCACHE | W_PAGE_WRITECOMBINE)

bool prot_valid(uint32_t p, bool allow_writecopy)
{
	uint32_t base = p & BASE_MASK;
	if (p & ~(BASE_MASK | MOD_MASK))
		return false;
	if (base == 0 || (base & (base - 1)))
		return false;	/* exactly one base protection */
	if (!allow_writecopy && (base == W_PAGE_WRITECOPY || base == W_PAGE_EXECUTE_WRITECOPY))
		return false;
	if ((p & W_PAGE_GUARD) && (base == W_PAGE_NOACCESS || (p & (W_PAGE_NOCACHE | W_PAGE_WRITECOMBINE))))
		return false;
	if ((p & W_PAGE_NOCACHE) && (base == W_PAGE_NOACCESS || (p & W_PAGE_WRITECOMBINE)))
		return false;
	if ((p & W_PAGE_WRITECOMBINE) && base == W_PAGE_NOACCESS)
		return false;
	return true;
}

bool prot_readable(uint32_t p)
{
	return (p & BASE_MASK) != W_PAGE_NOACCESS;
}

bool prot_writable(uint32_t p)
{
	return p & (W_PAGE_READWRITE | W_PAGE_WRITECOPY | W_PAGE_EXECUTE_READWRITE | W_PAGE_EXECUTE_WRITECOPY);
}

bool prot_executable(uint32_t p)
{
	return p & (W_PAGE_EXECUTE | W_PAGE_EXECUTE_READ | W_PAGE_EXECUTE_READWRITE | W_PAGE_EXECUTE_WRITECOPY);
}

enum cache_type prot_cache(uint32_t p)
{
	if (p & W_PAGE_NOCACHE)
		return CACHE_UC;
	if (p & W_PAGE_WRITECOMBINE)
		return CACHE_WC;
	return CACHE_WB;
}

uint64_t prot_pte_flags(uint32_t p)
{
	uint64_t f = PTE_U | pat_pte_bits(prot_cache(p), false);
	if ((p & BASE_MASK) == W_PAGE_NOACCESS || (p & W_PAGE_GUARD))
		f |= PTE_SW_FRAME;
	else
		f |= PTE_P;
	/* Write-copy pages are mapped read-only; the first write copies (sections). */
	if (p & (W_PAGE_READWRITE | W_PAGE_EXECUTE_READWRITE))
		f |= PTE_W;
	if (!prot_executable(p))
		f |= PTE_NX;
	return f;
}

bool prot_is_writecopy(uint32_t p)
{
	uint32_t base = p & BASE_MASK;
	return base == W_PAGE_WRITECOPY || base == W_PAGE_EXECUTE_WRITECOPY;
}

uint32_t prot_after_copy(uint32_t p)
{
	uint32_t base = p & BASE_MASK;
	if (base == W_PAGE_WRITECOPY)
		return (p & ~BASE_MASK) | W_PAGE_READWRITE;
	if (base == W_PAGE_EXECUTE_WRITECOPY)
		return (p & ~BASE_MASK) | W_PAGE_EXECUTE_READWRITE;
	return p;
}
