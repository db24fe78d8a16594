/*
 * kernel/modules.h - the boot modules as the kernel's files: programs, DLLs
 * and cmdline.txt, found by name.  Below the process code and the loader
 * (mm/image.c uses it), above the Multiboot2 parser.
 */
#ifndef KERNEL_MODULES_H
#define KERNEL_MODULES_H

#include "multiboot.h"

/* The boot module named `name`, compared case-insensitively as Windows compares file names; NULL if none. */
const struct boot_module *module_find(const char *name);

#endif
