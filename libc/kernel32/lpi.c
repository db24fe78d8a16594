/*
 * libc/kernel32/lpi.c - GetLogicalProcessorInformation(Ex): the machine's
 * shape as the kernel's processor mask and CPUID describe it.  Every
 * processor is a core of its own (no SMT siblings are reported), all of
 * them are one package, one NUMA node (0) and one group (0).  Caches come
 * from CPUID leaf 4 (deterministic cache parameters) or, where it reports
 * nothing (AMD), from leaves 0x80000005/6; level 1 and 2 caches are per
 * core, level 3 is shared by all processors.
 */
#include <cpuid.h>
#include <stddef.h>

#include "k32_private.h"

KAFFINITY k32_system_affinity(void);

#define MAX_CACHES 8

/* One cache as both structures describe it. */
struct cache {
	BYTE level, associativity;
	WORD line;
	DWORD size;
	PROCESSOR_CACHE_TYPE type;
};

/* CPUID leaf 4: the caches of one core; 0 when the leaf is not there or says nothing. */
static int caches_leaf4(struct cache *c)
{
	unsigned a, b, cx, d, n = 0;
	if (__get_cpuid_max(0, NULL) < 4)
		return 0;
	for (unsigned i = 0; i < 16 && n < MAX_CACHES; i++) {
		__cpuid_count(4, i, a, b, cx, d);
		unsigned type = a & 0x1f;
		if (type == 0)
			break;
		unsigned ways = (b >> 22) + 1, parts = ((b >> 12) & 0x3ff) + 1, line = (b & 0xfff) + 1, sets = cx + 1;
		c[n].level = (BYTE)((a >> 5) & 7);
		c[n].associativity = (a & (1u << 9)) ? CACHE_FULLY_ASSOCIATIVE : (BYTE)ways;
		c[n].line = (WORD)line;
		c[n].size = ways * parts * line * sets;
		c[n].type = type == 1 ? CacheData : type == 2 ? CacheInstruction : CacheUnified;
		n++;
	}
	return (int)n;
}

/* AMD's leaves 0x80000005 (L1) and 0x80000006 (L2, L3). */
static int caches_amd(struct cache *c)
{
	unsigned a, b, cx, d, n = 0;
	unsigned max = __get_cpuid_max(0x80000000, NULL);
	if (max >= 0x80000005) {
		__cpuid(0x80000005, a, b, cx, d);
		if (cx >> 24)
			c[n++] = (struct cache){ 1, (BYTE)(cx >> 16), (WORD)(cx & 0xff), (cx >> 24) * 1024, CacheData };
		if (d >> 24)
			c[n++] = (struct cache){ 1, (BYTE)(d >> 16), (WORD)(d & 0xff), (d >> 24) * 1024, CacheInstruction };
	}
	if (max >= 0x80000006) {
		__cpuid(0x80000006, a, b, cx, d);
		if (cx >> 16)
			c[n++] = (struct cache){ 2, (BYTE)((cx >> 12) & 0xf), (WORD)(cx & 0xff), (cx >> 16) * 1024, CacheUnified };
		if (d >> 18)
			c[n++] = (struct cache){ 3, (BYTE)((d >> 12) & 0xf), (WORD)(d & 0xff), (d >> 18) * 512 * 1024,
						 CacheUnified };
	}
	return (int)n;
}

static int caches(struct cache *c)
{
	int n = caches_leaf4(c);
	return n ? n : caches_amd(c);
}

/* The machine, once: the processor mask, the cache list. */
struct machine {
	KAFFINITY all;
	int ncpu, ncache;
	struct cache cache[MAX_CACHES];
};

static void machine_get(struct machine *m)
{
	m->all = k32_system_affinity();
	m->ncpu = 0;
	for (KAFFINITY x = m->all; x; x &= x - 1)
		m->ncpu++;
	m->ncache = caches(m->cache);
}

/*
 * The entries in order, each given to emit(kind, mask, cache or NULL):
 * per processor its core and its level 1-2 caches, then the shared
 * caches, the package and the NUMA node.  Returns the number emitted.
 */
static int walk(const struct machine *m, void (*emit)(void *, LOGICAL_PROCESSOR_RELATIONSHIP, KAFFINITY,
						     const struct cache *), void *arg)
{
	int n = 0;
	for (int i = 0; i < 64; i++) {
		KAFFINITY bit = (KAFFINITY)1 << i;
		if (!(m->all & bit))
			continue;
		emit(arg, RelationProcessorCore, bit, NULL), n++;
		for (int k = 0; k < m->ncache; k++)
			if (m->cache[k].level <= 2)
				emit(arg, RelationCache, bit, &m->cache[k]), n++;
	}
	for (int k = 0; k < m->ncache; k++)
		if (m->cache[k].level > 2)
			emit(arg, RelationCache, m->all, &m->cache[k]), n++;
	emit(arg, RelationProcessorPackage, m->all, NULL), n++;
	emit(arg, RelationNumaNode, m->all, NULL), n++;
	return n;
}

struct fill {
	SYSTEM_LOGICAL_PROCESSOR_INFORMATION *out;	/* NULL: only count */
	int i;
};

static void emit_old(void *arg, LOGICAL_PROCESSOR_RELATIONSHIP kind, KAFFINITY mask, const struct cache *c)
{
	struct fill *f = arg;
	if (f->out) {
		SYSTEM_LOGICAL_PROCESSOR_INFORMATION *e = &f->out[f->i];
		memset(e, 0, sizeof(*e));
		e->ProcessorMask = mask;
		e->Relationship = kind;
		if (c) {
			e->Cache.Level = c->level;
			e->Cache.Associativity = c->associativity;
			e->Cache.LineSize = c->line;
			e->Cache.Size = c->size;
			e->Cache.Type = c->type;
		}
	}
	f->i++;
}

/*
 * GetLogicalProcessorInformation: the entries; a buffer smaller than they
 * need gives FALSE, ERROR_INSUFFICIENT_BUFFER and the size needed in
 * *ReturnedLength; ReturnedLength NULL: ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI GetLogicalProcessorInformation(PSYSTEM_LOGICAL_PROCESSOR_INFORMATION Buffer, PDWORD ReturnedLength)
{
	if (!ReturnedLength) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	struct machine m;
	machine_get(&m);
	struct fill f = { NULL, 0 };
	DWORD need = (DWORD)walk(&m, emit_old, &f) * sizeof(*Buffer);
	if (*ReturnedLength < need || !Buffer) {
		*ReturnedLength = need;
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	f = (struct fill){ Buffer, 0 };
	walk(&m, emit_old, &f);
	*ReturnedLength = need;
	return TRUE;
}

struct fill_ex {
	LOGICAL_PROCESSOR_RELATIONSHIP want;
	BYTE *out;	/* NULL: only measure */
	DWORD used;
};

#define EX_HEAD offsetof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX, Processor)

static void put_group(GROUP_AFFINITY *g, KAFFINITY mask)
{
	memset(g, 0, sizeof(*g));
	g->Mask = mask;
}

static void emit_ex(void *arg, LOGICAL_PROCESSOR_RELATIONSHIP kind, KAFFINITY mask, const struct cache *c)
{
	struct fill_ex *f = arg;
	if (f->want != RelationAll && f->want != kind)
		return;
	DWORD size = EX_HEAD + (kind == RelationCache ? sizeof(CACHE_RELATIONSHIP)
				: kind == RelationNumaNode ? sizeof(NUMA_NODE_RELATIONSHIP)
							   : sizeof(PROCESSOR_RELATIONSHIP));
	if (f->out) {
		SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *e = (void *)(f->out + f->used);
		memset(e, 0, size);
		e->Relationship = kind;
		e->Size = size;
		if (kind == RelationCache) {
			e->Cache.Level = c->level;
			e->Cache.Associativity = c->associativity;
			e->Cache.LineSize = c->line;
			e->Cache.CacheSize = c->size;
			e->Cache.Type = c->type;
			put_group(&e->Cache.GroupMask, mask);
		} else if (kind == RelationNumaNode) {
			e->NumaNode.NodeNumber = 0;
			put_group(&e->NumaNode.GroupMask, mask);
		} else {
			e->Processor.Flags = 0;	/* one logical processor per core */
			e->Processor.GroupCount = 1;
			put_group(&e->Processor.GroupMask[0], mask);
		}
	}
	f->used += size;
}

/* The one group: RelationGroup's entry. */
static void emit_group(struct fill_ex *f, const struct machine *m)
{
	if (f->want != RelationAll && f->want != RelationGroup)
		return;
	DWORD size = EX_HEAD + sizeof(GROUP_RELATIONSHIP);
	if (f->out) {
		SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *e = (void *)(f->out + f->used);
		memset(e, 0, size);
		e->Relationship = RelationGroup;
		e->Size = size;
		e->Group.MaximumGroupCount = 1;
		e->Group.ActiveGroupCount = 1;
		e->Group.GroupInfo[0].MaximumProcessorCount = (BYTE)m->ncpu;
		e->Group.GroupInfo[0].ActiveProcessorCount = (BYTE)m->ncpu;
		e->Group.GroupInfo[0].ActiveProcessorMask = m->all;
	}
	f->used += size;
}

/*
 * GetLogicalProcessorInformationEx: the variable-size entries of one
 * relationship (or RelationAll); sizes and errors as
 * GetLogicalProcessorInformation; an unknown relationship:
 * ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI GetLogicalProcessorInformationEx(LOGICAL_PROCESSOR_RELATIONSHIP RelationshipType,
					     PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX Buffer, PDWORD ReturnedLength)
{
	if (!ReturnedLength || (RelationshipType > RelationGroup && RelationshipType != RelationAll)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	struct machine m;
	machine_get(&m);
	struct fill_ex f = { RelationshipType, NULL, 0 };
	walk(&m, emit_ex, &f);
	emit_group(&f, &m);
	DWORD need = f.used;
	if (*ReturnedLength < need || !Buffer) {
		*ReturnedLength = need;
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	f = (struct fill_ex){ RelationshipType, (BYTE *)Buffer, 0 };
	walk(&m, emit_ex, &f);
	emit_group(&f, &m);
	*ReturnedLength = need;
	return TRUE;
}
