/* kernel/modules.c - the boot modules, found by name (kernel/modules.h). */
#include "modules.h"

extern struct boot_info boot_info;

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

const struct boot_module *module_find(const char *name)
{
	for (int i = 0; i < boot_info.module_count; i++) {
		const char *a = boot_info.modules[i].name, *b = name;
		for (; *a && lower(*a) == lower(*b); a++, b++)
			;
		if (lower(*a) == lower(*b))	/* file names are case-insensitive */
			return &boot_info.modules[i];
	}
	return NULL;
}
