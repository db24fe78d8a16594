/* kernel/ksyms.h - the kernel's own symbol table, generated at build time (tools/mksyms.sh). */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint64_t name_off;	/* byte offset of the NUL-terminated name from the table start */
};

struct ksym_table {
	uint64_t count;
	struct ksym syms[];	/* sorted by addr */
};

/*
 * Find the symbol containing addr: the last one whose address is <= addr.
 * Returns its name and stores addr - symbol address in *offset, or returns
 * NULL when addr is below the first symbol or the table is empty.
 */
const char *ksym_lookup(const struct ksym_table *t, uint64_t addr, uint64_t *offset);

/* The table linked into this kernel. */
const struct ksym_table *ksym_kernel_table(void);

#endif
